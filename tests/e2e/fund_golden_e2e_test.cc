// The fund scenarios of tests/golden/fund_scenarios.textproto through the real server, on SQLite
// and on PostgreSQL: every call in order, then every report and alert compared on every field the
// golden text names (a zero written there is compared too).
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "golden_cases.pb.h"
#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "absl/strings/match.h"
#include "subsidy/v1/approval.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/golden_match.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using google::protobuf::Message;
using google::protobuf::TextFormat;
using google::protobuf::util::MessageDifferencer;

template <class T>
using Repeated = google::protobuf::RepeatedPtrField<T>;

using Golden = GoldenText<test::FundScenarioFile>;

std::unique_ptr<Golden> Scenarios() {
  auto golden = LoadGolden<test::FundScenarioFile>("fund_scenarios.textproto");
  EXPECT_GE(golden->file.scenarios_size(), 3);
  return golden;
}

class FundGoldenE2e : public ::testing::TestWithParam<std::string> {};

TEST_P(FundGoldenE2e, EveryScenarioReportsExactly) {
  TempDir dir;
  PostgresServer* postgres = nullptr;
  if (GetParam() == "postgres") {
    SUBSIDY_POSTGRES_OR_SKIP(pg);
    postgres = pg;
  }
  int n = 0;
  size_t total_longest = 0;
  const std::unique_ptr<Golden> golden = Scenarios();
  const test::FundScenarioFile& file = golden->file;
  int zeros_compared = 0;  // expected zeros the text names: each must be compared, not skipped
  for (int si = 0; si < file.scenarios_size(); ++si) {
    const test::FundScenario& sc = file.scenarios(si);
    const Named* in_scenario = Under(&golden->named, file, "scenarios", si);
    SCOPED_TRACE(sc.name());
    const std::string db = postgres ? postgres->NewDatabase() : dir.path() + "/ledger-" + std::to_string(n++) + ".db";
    auto server = ServerProcess::Start({.db = db});
    ASSERT_TRUE(server.ok()) << server.status();
    auto funds = v1::FundService::NewStub((*server)->Channel());
    auto rewards = v1::RewardPayoutService::NewStub((*server)->Channel());
    for (const auto& f : sc.funds()) {
      v1::Fund out;
      auto s = funds->CreateFund(Call().get(), f, &out);
      ASSERT_TRUE(s.ok()) << f.fund_id() << ": " << s.error_message();
    }
    for (const auto& a : sc.allocations()) {
      v1::FundAllocation out;
      auto s = funds->AllocateFund(Call().get(), a, &out);
      ASSERT_TRUE(s.ok()) << a.request_id() << ": " << s.error_message();
    }
    auto schools = v1::EducationFundService::NewStub((*server)->Channel());
    for (const auto& a : sc.school_allocations()) {
      v1::FundBalance out;
      auto s = schools->AllocateFunds(Call().get(), a, &out);
      ASSERT_TRUE(s.ok()) << a.request_id() << ": " << s.error_message();
      EXPECT_EQ(out.fund_allocation_id().empty(), a.fund_id().empty());
    }
    for (const auto& p : sc.payments()) {
      v1::FundPayment out;
      auto s = funds->RecordFundPayment(Call().get(), p, &out);
      ASSERT_TRUE(s.ok()) << p.request_id() << ": " << s.error_message();
    }
    for (int i = 0; i < sc.expenditures_size(); ++i) {
      v1::Expenditure out;
      auto s = schools->RecordExpenditure(Call().get(), sc.expenditures(i), &out);
      ASSERT_TRUE(s.ok()) << sc.expenditures(i).request_id() << ": " << s.error_message();
      if (i < sc.expect_expenditures_size()) {
        const auto& want = sc.expect_expenditures(i);
        const Named* named = Under(in_scenario, sc, "expect_expenditures", i);
        ASSERT_EQ(out.draws_size(), want.draws_size()) << out.ShortDebugString();
        ASSERT_EQ(out.fund_payments_size(), want.fund_payments_size()) << out.ShortDebugString();
        for (int k = 0; k < want.draws_size(); ++k) {
          EXPECT_TRUE(Matches(want.draws(k), Under(named, want, "draws", k), out.draws(k)));
        }
        for (int k = 0; k < want.fund_payments_size(); ++k) {
          EXPECT_TRUE(Matches(want.fund_payments(k), Under(named, want, "fund_payments", k), out.fund_payments(k)));
        }
      }
    }
    for (int i = 0; i < sc.determinations_size(); ++i) {
      v1::Payout out;
      auto s = rewards->SubmitDetermination(Call().get(), sc.determinations(i), &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
      if (i < sc.expect_due_dates_size()) {
        EXPECT_EQ(out.due_date(), sc.expect_due_dates(i));
      }
    }
    // Expected zeros among the fields the text names for `row`.
    auto zeros_named = [](const v1::ExecutionRow& row, const Named* named) {
      int zeros = 0;
      for (const char* field : {"budget_fen", "allocated_fen", "paid_fen"}) {
        const auto* f = row.GetDescriptor()->FindFieldByName(field);
        zeros += named != nullptr && named->GetLocation(f, -1).line >= 0 && row.GetReflection()->GetInt64(row, f) == 0;
      }
      return zeros;
    };
    auto check_reports = [&](const Repeated<test::FundReportCheck>& checks, const char* list) {
      for (int c = 0; c < checks.size(); ++c) {
        const test::FundReportCheck& check = checks.Get(c);
        const Named* named = Under(in_scenario, sc, list, c);
        SCOPED_TRACE(check.request().ShortDebugString());
        v1::ExecutionReport report;
        auto s = funds->GetExecutionReport(Call().get(), check.request(), &report);
        ASSERT_TRUE(s.ok()) << s.error_message();
        if (check.has_total()) {
          EXPECT_TRUE(Matches(check.total(), Under(named, check, "total"), report.total()));
          zeros_compared += zeros_named(check.total(), Under(named, check, "total"));
        }
        if (check.rows_size() > 0) {
          ASSERT_EQ(report.rows_size(), check.rows_size()) << report.ShortDebugString();
          for (int i = 0; i < check.rows_size(); ++i) {
            EXPECT_TRUE(Matches(check.rows(i), Under(named, check, "rows", i), report.rows(i)));
            zeros_compared += zeros_named(check.rows(i), Under(named, check, "rows", i));
          }
        }
      }
    };
    auto check_alerts = [&](const Repeated<test::FundAlertCheck>& checks, const char* list) {
      for (int c = 0; c < checks.size(); ++c) {
        const test::FundAlertCheck& check = checks.Get(c);
        const Named* named = Under(in_scenario, sc, list, c);
        SCOPED_TRACE(check.request().ShortDebugString());
        v1::ListFundAlertsResponse alerts;
        auto s = funds->ListFundAlerts(Call().get(), check.request(), &alerts);
        ASSERT_TRUE(s.ok()) << s.error_message();
        ASSERT_EQ(alerts.alerts_size(), check.alerts_size()) << alerts.ShortDebugString();
        for (int i = 0; i < check.alerts_size(); ++i) {
          EXPECT_TRUE(Matches(check.alerts(i), Under(named, check, "alerts", i), alerts.alerts(i)));
        }
      }
    };
    check_reports(sc.reports(), "reports");
    check_alerts(sc.alerts(), "alerts");
    for (int i = 0; i < sc.disbursements_size(); ++i) {
      v1::RunDisbursementResponse out;
      auto s = rewards->RunDisbursement(Call().get(), sc.disbursements(i), &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
      if (i < sc.expect_paid_counts_size()) {
        EXPECT_EQ(out.paid_count(), sc.expect_paid_counts(i));
      }
    }
    check_reports(sc.reports_after(), "reports_after");
    check_alerts(sc.alerts_after(), "alerts_after");
    // Paged two at a time, every report and alert list is the unpaged one, in order, with its
    // count and (for reports) the same total.
    std::vector<v1::GetExecutionReportRequest> report_requests;
    for (const auto& c : sc.reports()) report_requests.push_back(c.request());
    for (const auto& c : sc.reports_after()) report_requests.push_back(c.request());
    std::vector<v1::ListFundAlertsRequest> alert_requests;
    for (const auto& c : sc.alerts()) alert_requests.push_back(c.request());
    for (const auto& c : sc.alerts_after()) alert_requests.push_back(c.request());
    size_t longest = 0;  // the paging is tried on lists longer than a page
    for (const auto& request : report_requests) {
      v1::ExecutionReport whole;
      ASSERT_TRUE(funds->GetExecutionReport(Call().get(), request, &whole).ok());
      longest = std::max<size_t>(longest, whole.rows_size());
      v1::GetExecutionReportRequest req = request;
      req.set_page_size(2);
      std::vector<std::string> keys;
      do {
        v1::ExecutionReport page;
        ASSERT_TRUE(funds->GetExecutionReport(Call().get(), req, &page).ok());
        EXPECT_LE(page.rows_size(), 2);
        EXPECT_EQ(page.row_count(), whole.rows_size());
        EXPECT_TRUE(MessageDifferencer::Equals(page.total(), whole.total()));
        for (const auto& r : page.rows()) keys.push_back(r.key());
        req.set_page_token(page.next_page_token());
      } while (!req.page_token().empty());
      ASSERT_EQ(keys.size(), static_cast<size_t>(whole.rows_size()));
      for (int i = 0; i < whole.rows_size(); ++i) EXPECT_EQ(keys[i], whole.rows(i).key());
    }
    for (const auto& request : alert_requests) {
      v1::ListFundAlertsResponse whole;
      ASSERT_TRUE(funds->ListFundAlerts(Call().get(), request, &whole).ok());
      EXPECT_EQ(whole.alert_count(), whole.alerts_size());
      longest = std::max<size_t>(longest, whole.alerts_size());
      v1::ListFundAlertsRequest req = request;
      req.set_page_size(2);
      std::vector<std::string> subjects;
      do {
        v1::ListFundAlertsResponse page;
        ASSERT_TRUE(funds->ListFundAlerts(Call().get(), req, &page).ok());
        EXPECT_LE(page.alerts_size(), 2);
        EXPECT_EQ(page.alert_count(), whole.alerts_size());
        for (const auto& a : page.alerts()) subjects.push_back(a.subject_id());
        req.set_page_token(page.next_page_token());
      } while (!req.page_token().empty());
      ASSERT_EQ(subjects.size(), static_cast<size_t>(whole.alerts_size()));
      for (int i = 0; i < whole.alerts_size(); ++i) EXPECT_EQ(subjects[i], whole.alerts(i).subject_id());
    }
    total_longest = std::max(total_longest, longest);
  }
  EXPECT_GT(total_longest, 2u);
  // The golden text names three zero figures, each compared: Changzhou's paid_fen as of
  // 2021-02-28, Xinjiang's paid_fen in region 650203, and Yichang's paid_fen as of 2024-05-21, the
  // day before its run paid (a payment after the as-of date does not count).
  EXPECT_GE(zeros_compared, 3);
}

// Who may do what with funds, replays, and the refusals a finance officer meets.
TEST(FundE2e, RolesReplaysAndRefusals) {
  TempDir dir;
  const std::string config = dir.path() + "/callers.textproto";
  std::map<std::string, std::string> tokens;
  for (const auto& [name, roles] : std::vector<std::pair<std::string, std::string>>{
           {"finance-1", "finance"}, {"finance-2", "finance"}, {"auditor-1", "auditor"}, {"bank-1", "bank"},
           {"school-1", "school"}}) {
    auto token = AddCaller(config, name, roles, {"--schools=110106-FT001"});
    ASSERT_TRUE(token.ok()) << token.status();
    tokens[name] = *token;
  }
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db", .extra_args = {"--auth_config=" + config}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::FundService::NewStub((*server)->Channel());
  auto as = [&](const std::string& who) { return CallAs(tokens.at(who)); };
  v1::CreateFundRequest create = NewFund("EDU-2021", v1::Fund::CENTRAL_DIRECT, v1::Fund::EDUCATION, 1'000'000, 2021);
  create.add_forbidden_categories("TRAVEL");
  v1::Fund fund;
  EXPECT_EQ(stub->CreateFund(as("auditor-1").get(), create, &fund).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub->CreateFund(as("bank-1").get(), create, &fund).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub->CreateFund(as("finance-1").get(), create, &fund).ok());
  EXPECT_EQ(fund.created_by(), "finance-1");
  // A replay answers the first fund; another request for the same fund_id is refused.
  auto ctx = as("finance-1");
  ASSERT_TRUE(stub->CreateFund(ctx.get(), create, &fund).ok());
  EXPECT_EQ(ctx->GetServerInitialMetadata().count("subsidy-replay"), 1u);
  create.set_request_id("c2");
  EXPECT_EQ(ReasonOf(stub->CreateFund(as("finance-1").get(), create, &fund)), "FUND_EXISTS");

  v1::AllocateFundRequest alloc;
  alloc.set_request_id("a1");
  alloc.set_fund_id("EDU-2021");
  alloc.set_recipient_kind(v1::FundAllocation::UNIT);  // a school's money is paid by its expenditures only
  alloc.set_recipient_id("110106-U001");
  alloc.set_region_code("110106");
  alloc.set_amount_fen(1'000'001);
  alloc.set_date("2021-02-01");
  v1::FundAllocation allocation;
  EXPECT_EQ(ReasonOf(stub->AllocateFund(as("finance-1").get(), alloc, &allocation)), "FUND_BUDGET_EXCEEDED");
  // With callers configured a movement waits for a second finance officer (双人复核).
  auto approvals = v1::ApprovalService::NewStub((*server)->Channel());
  auto approve = [&](const std::string& instruction_id) {
    v1::ApproveInstructionRequest r;
    r.set_request_id("ok-" + instruction_id);
    r.set_instruction_id(instruction_id);
    v1::Instruction done;
    const grpc::Status s = approvals->ApproveInstruction(as("finance-2").get(), r, &done);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(done.state(), v1::Instruction::POSTED);
    return done;
  };
  alloc.set_amount_fen(600'000);
  ASSERT_TRUE(stub->AllocateFund(as("finance-1").get(), alloc, &allocation).ok());
  ASSERT_EQ(allocation.approval_state(), v1::Instruction::PENDING_APPROVAL);
  approve(allocation.instruction_id());
  alloc.set_request_id("a0");
  alloc.set_date("2020-12-31");  // before the fund
  EXPECT_EQ(stub->AllocateFund(as("finance-1").get(), alloc, &allocation).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::AdjustFundBudgetRequest cut;
  cut.set_request_id("j1");
  cut.set_fund_id("EDU-2021");
  cut.set_delta_fen(-500'000);
  cut.set_date("2021-03-01");
  cut.set_reason("mid-year cut");
  EXPECT_EQ(ReasonOf(stub->AdjustFundBudget(as("finance-1").get(), cut, &fund)), "FUND_BUDGET_EXCEEDED");

  v1::RecordFundPaymentRequest pay;
  pay.set_request_id("p1");
  pay.set_fund_id("EDU-2021");
  pay.set_recipient_id("110106-U001");
  pay.set_amount_fen(100'000);
  pay.set_date("2021-03-01");
  v1::FundPayment payment;
  for (const char* category : {"STAFF_PAY", "TRAVEL"}) {  // the data's negative list, the fund's own
    pay.set_category(category);
    EXPECT_EQ(ReasonOf(stub->RecordFundPayment(as("finance-1").get(), pay, &payment)),
              "EXPENDITURE_CATEGORY_FORBIDDEN");
  }
  pay.set_category("TEACHING");
  pay.set_amount_fen(600'001);
  EXPECT_EQ(ReasonOf(stub->RecordFundPayment(as("finance-1").get(), pay, &payment)), "ALLOCATION_EXCEEDED");
  pay.set_amount_fen(100'000);
  pay.set_date("2021-01-15");  // before the allocation: nothing to pay from then
  EXPECT_EQ(ReasonOf(stub->RecordFundPayment(as("finance-1").get(), pay, &payment)), "ALLOCATION_EXCEEDED");
  pay.set_date("2021-03-01");
  const grpc::Status paid = stub->RecordFundPayment(as("finance-1").get(), pay, &payment);
  ASSERT_TRUE(paid.ok()) << paid.error_message();
  ASSERT_EQ(payment.approval_state(), v1::Instruction::PENDING_APPROVAL);
  EXPECT_TRUE(absl::StartsWith(approve(payment.instruction_id()).result_id(), "FP-"));

  // The auditor reads everything; a bank reads nothing of funds.
  v1::GetExecutionReportRequest report_req;
  report_req.set_as_of("2021-06-30");
  v1::ExecutionReport report;
  ASSERT_TRUE(stub->GetExecutionReport(as("auditor-1").get(), report_req, &report).ok());
  EXPECT_EQ(report.total().paid_fen(), 100'000);
  EXPECT_EQ(report.total().execution_progress_percent(), "10.00");
  EXPECT_EQ(stub->GetExecutionReport(as("bank-1").get(), report_req, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetFundRequest get;
  get.set_fund_id("NOPE");
  EXPECT_EQ(stub->GetFund(as("auditor-1").get(), get, &fund).error_code(), grpc::StatusCode::NOT_FOUND);

  // A school reads its own ledger only; the auditor reads any school's and the audit trail, and
  // writes nothing anywhere.
  auto schools = v1::EducationFundService::NewStub((*server)->Channel());
  v1::ListSchoolLedgerRequest ledger;
  ledger.set_school_id("110106-FT001");
  v1::ListSchoolLedgerResponse entries;
  EXPECT_TRUE(schools->ListSchoolLedger(as("school-1").get(), ledger, &entries).ok());
  EXPECT_TRUE(schools->ListSchoolLedger(as("auditor-1").get(), ledger, &entries).ok());
  ledger.set_school_id("110106-FT002");
  EXPECT_EQ(schools->ListSchoolLedger(as("school-1").get(), ledger, &entries).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::AllocateFundsRequest school_alloc;
  school_alloc.set_request_id("sa");
  school_alloc.set_school_id("110106-FT001");
  school_alloc.set_source(v1::CENTRAL_DIRECT);
  school_alloc.set_amount_fen(1);
  school_alloc.set_date("2021-02-01");
  v1::FundBalance balance;
  EXPECT_EQ(schools->AllocateFunds(as("auditor-1").get(), school_alloc, &balance).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto admin = v1::AdminService::NewStub((*server)->Channel());
  v1::ListAuditEventsRequest audit;
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(admin->ListAuditEvents(as("auditor-1").get(), audit, &events).ok());
  EXPECT_GE(events.events_size(), 3);
  EXPECT_EQ(admin->ListAuditEvents(as("school-1").get(), audit, &events).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A school allocation from a fund must be of the fund's level, within its budget, in one
// transaction: a refused one leaves neither the school's nor the fund's ledger changed.
TEST(FundE2e, SchoolAllocationsFromAFundMatchItsLevelAndBudget) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto funds = v1::FundService::NewStub((*server)->Channel());
  auto schools = v1::EducationFundService::NewStub((*server)->Channel());
  const v1::CreateFundRequest create = NewFund("CD", v1::Fund::CENTRAL_DIRECT, v1::Fund::EDUCATION, 1000, 2021);
  v1::Fund fund;
  ASSERT_TRUE(funds->CreateFund(Call().get(), create, &fund).ok());
  v1::AllocateFundsRequest a;
  a.set_request_id("a1");
  a.set_school_id("110106-FT001");
  a.set_source(v1::MUNICIPAL);
  a.set_amount_fen(500);
  a.set_date("2021-02-01");
  a.set_fund_id("CD");
  v1::FundBalance balance;
  EXPECT_EQ(ReasonOf(schools->AllocateFunds(Call().get(), a, &balance)), "FUND_SOURCE_MISMATCH");
  a.set_source(v1::CENTRAL_DIRECT);
  a.set_amount_fen(1001);
  EXPECT_EQ(ReasonOf(schools->AllocateFunds(Call().get(), a, &balance)), "FUND_BUDGET_EXCEEDED");
  a.set_fund_id("NOPE");
  EXPECT_EQ(schools->AllocateFunds(Call().get(), a, &balance).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetFundPriorityRequest pr;
  pr.set_school_id("110106-FT001");
  v1::FundPriority priority;
  // The school has no allocation at all.
  EXPECT_EQ(schools->GetFundPriority(Call().get(), pr, &priority).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetFundRequest get;
  get.set_fund_id("CD");
  ASSERT_TRUE(funds->GetFund(Call().get(), get, &fund).ok());
  EXPECT_EQ(fund.allocated_fen(), 0);
  // A county is the district's peer, not the district: county money is the school's COUNTY source.
  ASSERT_TRUE(
      funds->CreateFund(Call().get(), NewFund("CTY", v1::Fund::COUNTY, v1::Fund::EDUCATION, 1000, 2021), &fund).ok());
  a.set_request_id("a2");
  a.set_fund_id("CTY");
  a.set_amount_fen(400);
  a.set_source(v1::DISTRICT);
  EXPECT_EQ(ReasonOf(schools->AllocateFunds(Call().get(), a, &balance)), "FUND_SOURCE_MISMATCH");
  a.set_source(v1::COUNTY);
  ASSERT_TRUE(schools->AllocateFunds(Call().get(), a, &balance).ok());
  EXPECT_EQ(balance.source(), v1::COUNTY);
  EXPECT_EQ(balance.balance_fen(), 400);
  EXPECT_FALSE(balance.fund_allocation_id().empty());
  ASSERT_TRUE(schools->GetFundPriority(Call().get(), pr, &priority).ok());
  ASSERT_EQ(priority.funds_size(), 5);  // every source, in the spending order
  EXPECT_EQ(priority.funds(0).source(), v1::CENTRAL_DIRECT);
  EXPECT_EQ(priority.funds(4).source(), v1::COUNTY);
  EXPECT_EQ(priority.funds(4).balance_fen(), 400);
}

// ListFunds: the funds in the order they were made, filtered by year, purpose, level and region,
// paged; each with its figures as of the server's today (held at 2024-06-30 by --clock_for_tests),
// so that an allocation dated later is not counted yet.
TEST(FundE2e, ListFundsFiltersPagesAndShowsTodaysFigures) {
  TempDir dir;
  auto server = ServerProcess::Start(
      {.db = dir.path() + "/ledger.db", .extra_args = {"--clock_for_tests=2024-06-30T12:00:00+08:00"}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto funds = v1::FundService::NewStub((*server)->Channel());
  const std::vector<v1::CreateFundRequest> made = {
      NewFund("LF-EDU-24", v1::Fund::DISTRICT, v1::Fund::EDUCATION, 500'000, 2024, "110106"),
      NewFund("LF-OTH-24", v1::Fund::MUNICIPAL, v1::Fund::OTHER, 700'000, 2024, "3204"),
      NewFund("LF-EDU-23", v1::Fund::DISTRICT, v1::Fund::EDUCATION, 300'000, 2023, "110106")};
  for (const auto& create : made) {
    v1::Fund fund;
    ASSERT_TRUE(funds->CreateFund(Call().get(), create, &fund).ok()) << create.fund_id();
  }
  // From LF-EDU-24: 120,000 分 on 1 March (before today) and 80,000 分 on 1 September (after it).
  for (const auto& [rid, fen, date] : std::vector<std::tuple<std::string, int64_t, std::string>>{
           {"lf-a1", 120'000, "2024-03-01"}, {"lf-a2", 80'000, "2024-09-01"}}) {
    v1::AllocateFundRequest a;
    a.set_request_id(rid);
    a.set_fund_id("LF-EDU-24");
    a.set_recipient_kind(v1::FundAllocation::UNIT);
    a.set_recipient_id("110106-U1");
    a.set_region_code("110106");
    a.set_amount_fen(fen);
    a.set_date(date);
    v1::FundAllocation allocation;
    const grpc::Status s = funds->AllocateFund(Call().get(), a, &allocation);
    ASSERT_TRUE(s.ok()) << rid << ": " << s.error_message();
  }
  auto list = [&](const v1::ListFundsRequest& req) {
    v1::ListFundsResponse resp;
    const grpc::Status s = funds->ListFunds(Call().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> ids;
    for (const auto& f : resp.funds()) ids.push_back(f.fund_id());
    return std::make_pair(ids, resp);
  };
  using Ids = std::vector<std::string>;
  const auto [all_ids, all] = list({});
  ASSERT_EQ(all_ids, (Ids{"LF-EDU-24", "LF-OTH-24", "LF-EDU-23"}));
  for (int i = 0; i < all.funds_size(); ++i) {
    const v1::Fund& f = all.funds(i);
    EXPECT_EQ(f.budget_fen(), made[i].budget_fen()) << f.fund_id();
    EXPECT_EQ(f.budget_year(), made[i].budget_year()) << f.fund_id();
    EXPECT_EQ(f.level(), made[i].level()) << f.fund_id();
    EXPECT_EQ(f.purpose(), made[i].purpose()) << f.fund_id();
    EXPECT_EQ(f.region_code(), made[i].region_code()) << f.fund_id();
    EXPECT_EQ(f.paid_fen(), 0) << f.fund_id();
    EXPECT_EQ(f.remaining_fen(), made[i].budget_fen()) << f.fund_id();  // budget − paid
  }
  EXPECT_EQ(all.funds(0).allocated_fen(), 120'000);  // the September allocation is not yet
  EXPECT_EQ(all.funds(1).allocated_fen(), 0);
  v1::ListFundsRequest req;
  req.set_budget_year(2024);
  EXPECT_EQ(list(req).first, (Ids{"LF-EDU-24", "LF-OTH-24"}));
  req.Clear();
  req.set_purpose(v1::Fund::EDUCATION);
  EXPECT_EQ(list(req).first, (Ids{"LF-EDU-24", "LF-EDU-23"}));
  req.Clear();
  req.set_level(v1::Fund::MUNICIPAL);
  EXPECT_EQ(list(req).first, (Ids{"LF-OTH-24"}));
  req.Clear();
  req.set_region_prefix("3204");
  EXPECT_EQ(list(req).first, (Ids{"LF-OTH-24"}));
  req.set_region_prefix("1101");
  EXPECT_EQ(list(req).first, (Ids{"LF-EDU-24", "LF-EDU-23"}));
  // Two a page: the first two, then the last with no further token.
  req.Clear();
  req.set_page_size(2);
  const auto [first_ids, first] = list(req);
  EXPECT_EQ(first_ids, (Ids{"LF-EDU-24", "LF-OTH-24"}));
  ASSERT_FALSE(first.next_page_token().empty());
  req.set_page_token(first.next_page_token());
  const auto [second_ids, second] = list(req);
  EXPECT_EQ(second_ids, (Ids{"LF-EDU-23"}));
  EXPECT_TRUE(second.next_page_token().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, FundGoldenE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace subsidy::testing
