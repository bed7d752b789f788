// The payment scenarios of tests/golden/payment_scenarios.textproto through the real server, on
// SQLite and on PostgreSQL: each step in order (funds, determinations, runs, claims, the bank's
// return files, reissues and returns), then every check written under it — the policies' budgets,
// the funds' execution, the reconciliation and the payouts' and claims' own records — exact to
// the 分 on every field the text names. A refused step must change nothing.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "formats/csv.h"
#include "golden_cases.pb.h"
#include "ids/ids.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/golden_match.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using google::protobuf::TextFormat;

using Golden = GoldenText<test::PaymentScenarioFile>;

std::unique_ptr<Golden> Scenarios() {
  auto golden = LoadGolden<test::PaymentScenarioFile>("payment_scenarios.textproto");
  EXPECT_GE(golden->file.scenarios_size(), 3);
  return golden;
}

struct Stubs {
  std::unique_ptr<v1::FundService::Stub> funds;
  std::unique_ptr<v1::RewardPayoutService::Stub> rewards;
  std::unique_ptr<v1::LoanSubsidyService::Stub> loans;
  std::unique_ptr<v1::PaymentService::Stub> payments;
};

// The i-th copy of a determination: another request, enterprise and account.
v1::SubmitDeterminationRequest Copy(const v1::SubmitDeterminationRequest& r, int i) {
  v1::SubmitDeterminationRequest c = r;
  const std::string n = absl::StrFormat("%02d", i);
  c.set_request_id(absl::StrCat(r.request_id(), "-", n));
  c.set_enterprise_name(absl::StrCat(r.enterprise_name(), n));
  c.set_payee_account(absl::StrCat(r.payee_account(), n));
  const std::string first17 = r.enterprise_uscc().substr(0, 15) + n;
  c.set_enterprise_uscc(first17 + *UsccCheckCharacter(first17));
  return c;
}

// The file's text: its lines, then a success row for every line of the batch still SENT that the
// lines do not name.
std::string ReturnFileText(Stubs& s, const test::ReturnFile& f) {
  std::string text = absl::StrJoin(f.lines(), "\r\n") + "\r\n";
  if (f.confirm_rest_of_batch().empty()) return text;
  v1::ListPaymentLinesRequest req;
  req.set_batch_id(f.confirm_rest_of_batch());
  req.set_state(v1::PaymentLine::SENT);
  req.set_page_size(1000);
  v1::ListPaymentLinesResponse lines;
  EXPECT_TRUE(s.payments->ListPaymentLines(Call().get(), req, &lines).ok());
  for (const auto& l : lines.lines()) {
    if (text.find(l.voucher_no() + ",") != std::string::npos) continue;
    const std::string yuan = absl::StrFormat("%d.%02d", l.amount_fen() / 100, l.amount_fen() % 100);
    absl::StrAppend(&text, l.voucher_no(), ",", l.payee_account(), ",", l.payee_name(), ",", yuan, ",成功,,SN-",
                    l.voucher_no(), ",", f.confirm_date(), "\r\n");
  }
  return text;
}

// Runs the step's call; its status (and, for a reissue, a return or an import, its answer).
grpc::Status RunStep(Stubs& s, const test::PaymentStep& step, v1::PaymentLine* line, v1::BankReturnResult* imported) {
  switch (step.call_case()) {
    case test::PaymentStep::kCreateFund: {
      v1::Fund out;
      return s.funds->CreateFund(Call().get(), step.create_fund(), &out);
    }
    case test::PaymentStep::kAllocate: {
      v1::FundAllocation out;
      return s.funds->AllocateFund(Call().get(), step.allocate(), &out);
    }
    case test::PaymentStep::kDeterminations:
      for (int i = 1; i <= step.determinations().count(); ++i) {
        v1::Payout out;
        auto st = s.rewards->SubmitDetermination(Call().get(), Copy(step.determinations().request(), i), &out);
        if (!st.ok()) return st;
        if (out.status() != v1::SCHEDULED) return grpc::Status(grpc::StatusCode::INTERNAL, out.ShortDebugString());
      }
      return grpc::Status::OK;
    case test::PaymentStep::kDisburse: {
      v1::RunDisbursementResponse out;
      return s.rewards->RunDisbursement(Call().get(), step.disburse(), &out);
    }
    case test::PaymentStep::kImportReturn: {
      const auto& f = step.import_return();
      v1::ImportBankReturnRequest req;
      req.set_request_id(f.request_id());
      req.set_file_name(f.file_name());
      auto encoding = formats::EncodingFromName(f.encoding().empty() ? "utf-8" : f.encoding());
      auto bytes = formats::EncodeText(ReturnFileText(s, f), *encoding);
      EXPECT_TRUE(bytes.ok()) << bytes.status();
      req.set_file(*bytes);
      return s.payments->ImportBankReturn(Call().get(), req, imported);
    }
    case test::PaymentStep::kReissue: return s.payments->ReissuePayment(Call().get(), step.reissue(), line);
    case test::PaymentStep::kReturnPayment: return s.payments->ReturnPayment(Call().get(), step.return_payment(), line);
    case test::PaymentStep::kFundPayment: {
      v1::FundPayment out;
      return s.funds->RecordFundPayment(Call().get(), step.fund_payment(), &out);
    }
    case test::PaymentStep::kClaim: {
      v1::LoanSubsidyClaim out;
      return s.loans->SubmitLoanSubsidyClaim(Call().get(), step.claim(), &out);
    }
    case test::PaymentStep::kReview: {
      v1::LoanSubsidyClaim out;
      return s.loans->ReviewLoanSubsidyClaim(Call().get(), step.review(), &out);
    }
    case test::PaymentStep::kReverseEntry: {
      v1::FundEntry out;
      return s.funds->ReverseFundEntry(Call().get(), step.reverse_entry(), &out);
    }
    case test::PaymentStep::CALL_NOT_SET: break;
  }
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a step without a call");
}

std::vector<int> KindsOf(const google::protobuf::RepeatedPtrField<v1::PaymentDiscrepancy>& list) {
  std::vector<int> out;
  for (const auto& d : list) out.push_back(d.kind());
  return out;
}
std::vector<int> Kinds(const google::protobuf::RepeatedField<int>& list) { return {list.begin(), list.end()}; }

// Every check written under a step.
void Check(Stubs& s, const test::PaymentStep& step, const Named* named) {
  if (!step.budgets().empty()) {
    v1::ListRewardPoliciesResponse policies;
    ASSERT_TRUE(s.rewards->ListRewardPolicies(Call().get(), {}, &policies).ok());
    for (const auto& want : step.budgets()) {
      bool found = false;
      for (const auto& p : policies.policies()) {
        if (p.policy_id() != want.policy_id()) continue;
        found = true;
        EXPECT_EQ(p.remaining_budget_fen(), want.remaining_budget_fen()) << want.policy_id();
      }
      EXPECT_TRUE(found) << want.policy_id();
    }
  }
  for (int i = 0; i < step.reports_size(); ++i) {
    const auto& check = step.reports(i);
    v1::ExecutionReport report;
    ASSERT_TRUE(s.funds->GetExecutionReport(Call().get(), check.request(), &report).ok());
    EXPECT_TRUE(Matches(check.total(), Under(Under(named, step, "reports", i), check, "total"), report.total()))
        << check.request().ShortDebugString();
  }
  for (int i = 0; i < step.reconciliations_size(); ++i) {
    const auto& check = step.reconciliations(i);
    v1::Reconciliation r;
    ASSERT_TRUE(s.payments->GetReconciliation(Call().get(), check.request(), &r).ok());
    const Named* at = Under(named, step, "reconciliations", i);
    EXPECT_TRUE(Matches(check.figures(), Under(at, check, "figures"), r.figures())) << check.request().ShortDebugString();
    if (!check.discrepancies().empty()) {
      EXPECT_EQ(KindsOf(r.discrepancies()), Kinds(check.discrepancies()));
    }
  }
  for (int i = 0; i < step.payouts_size(); ++i) {
    v1::GetPayoutRequest req;
    req.set_payout_id(step.payouts(i).payout_id());
    v1::Payout p;
    ASSERT_TRUE(s.rewards->GetPayout(Call().get(), req, &p).ok());
    EXPECT_TRUE(Matches(step.payouts(i), Under(named, step, "payouts", i), p));
  }
  if (!step.batches().empty()) {
    std::vector<std::string> seen;
    v1::ListPaymentBatchesRequest req;
    req.set_page_size(1);
    do {
      v1::ListPaymentBatchesResponse page;
      ASSERT_TRUE(s.payments->ListPaymentBatches(Call().get(), req, &page).ok());
      ASSERT_LE(page.batches_size(), 1);
      for (const auto& b : page.batches()) seen.push_back(b.batch_id());
      req.set_page_token(page.next_page_token());
    } while (!req.page_token().empty() && seen.size() < 100);
    EXPECT_EQ(seen, std::vector<std::string>(step.batches().begin(), step.batches().end()));
  }
  for (const auto& want : step.alert_counts()) {
    v1::ListFundAlertsRequest req;
    req.set_as_of(want.as_of());
    req.set_page_size(1000);
    v1::ListFundAlertsResponse alerts;
    ASSERT_TRUE(s.funds->ListFundAlerts(Call().get(), req, &alerts).ok());
    int n = 0;
    for (const auto& a : alerts.alerts()) n += a.kind() == want.kind();
    EXPECT_EQ(n, want.count()) << want.ShortDebugString();
  }
  for (int i = 0; i < step.claims_size(); ++i) {
    v1::GetLoanSubsidyClaimRequest req;
    req.set_claim_id(step.claims(i).claim_id());
    v1::LoanSubsidyClaim c;
    ASSERT_TRUE(s.loans->GetLoanSubsidyClaim(Call().get(), req, &c).ok());
    EXPECT_TRUE(Matches(step.claims(i), Under(named, step, "claims", i), c));
  }
}

class PaymentGoldenE2e : public ::testing::TestWithParam<std::string> {};

TEST_P(PaymentGoldenE2e, EveryStepExactToTheFen) {
  TempDir dir;
  PostgresServer* postgres = nullptr;
  if (GetParam() == "postgres") {
    SUBSIDY_POSTGRES_OR_SKIP(pg);
    postgres = pg;
  }
  const std::unique_ptr<Golden> golden = Scenarios();
  int steps_checked = 0;
  for (int si = 0; si < golden->file.scenarios_size(); ++si) {
    const test::PaymentScenario& sc = golden->file.scenarios(si);
    const Named* in_scenario = Under(&golden->named, golden->file, "scenarios", si);
    SCOPED_TRACE(sc.name());
    const std::string db = postgres ? postgres->NewDatabase() : dir.path() + "/pay-" + std::to_string(si) + ".db";
    auto server = ServerProcess::Start({.db = db, .extra_args = {"--clock_for_tests=2024-06-28T12:00:00+08:00"}});
    ASSERT_TRUE(server.ok()) << server.status();
    Stubs s{v1::FundService::NewStub((*server)->Channel()), v1::RewardPayoutService::NewStub((*server)->Channel()),
            v1::LoanSubsidyService::NewStub((*server)->Channel()), v1::PaymentService::NewStub((*server)->Channel())};
    for (int i = 0; i < sc.steps_size(); ++i) {
      const test::PaymentStep& step = sc.steps(i);
      const Named* named = Under(in_scenario, sc, "steps", i);
      SCOPED_TRACE(absl::StrCat("step ", i + 1, ": ", step.note()));
      v1::PaymentLine line;
      v1::BankReturnResult imported;
      const grpc::Status st = RunStep(s, step, &line, &imported);
      if (!step.expect_refusal().empty()) {
        EXPECT_EQ(ReasonOf(st), step.expect_refusal()) << st.error_message();
      } else {
        ASSERT_TRUE(st.ok()) << st.error_message();
      }
      if (step.has_expect_line()) {
        EXPECT_TRUE(Matches(step.expect_line(), Under(named, step, "expect_line"), line));
      }
      if (step.has_import_return() && step.import_return().has_expect()) {
        const auto& f = step.import_return();
        const Named* at = Under(Under(named, step, "import_return"), f, "expect");
        EXPECT_TRUE(Matches(f.expect(), at, imported));
        EXPECT_EQ(KindsOf(imported.discrepancies()), Kinds(f.expect_discrepancies()));
      }
      Check(s, step, named);
      ++steps_checked;
    }
  }
  EXPECT_GE(steps_checked, 15);
}


// A return file imported while the server is SIGKILLed: the import is one transaction, so after a
// restart every line is in exactly one state — all of the file applied or none of it — and the
// fund's figures agree; importing it again then applies it exactly once.
TEST(PaymentKillE2e, AnImportCutBySigkillIsAllOrNothingAndThenOnce) {
  TempDir dir;
  const std::string db = dir.path() + "/kill.db";
  auto server = ServerProcess::Start({.db = db});
  ASSERT_TRUE(server.ok()) << server.status();
  auto funds = v1::FundService::NewStub((*server)->Channel());
  v1::CreateFundRequest fund;
  ASSERT_TRUE(TextFormat::ParseFromString(
      R"(request_id: "k" fund_id: "K-2024" name: "断电测试" budget_year: 2024 level: COUNTY purpose: OTHER
         region_code: "4205" budget_fen: 100000000 date: "2024-01-02")", &fund));
  v1::Fund made;
  ASSERT_TRUE(funds->CreateFund(Call().get(), fund, &made).ok());
  v1::AllocateFundRequest alloc;
  ASSERT_TRUE(TextFormat::ParseFromString(
      R"(request_id: "k-a" fund_id: "K-2024" recipient_kind: UNIT recipient_id: "K-UNIT" region_code: "420502"
         amount_fen: 100000000 date: "2024-01-02")", &alloc));
  v1::FundAllocation allocated;
  ASSERT_TRUE(funds->AllocateFund(Call().get(), alloc, &allocated).ok());
  constexpr int kLines = 400;
  std::string file = "凭证号,金额,状态,失败原因,日期\n";
  int64_t sent = 0, failed = 0;
  for (int i = 1; i <= kLines; ++i) {
    v1::RecordFundPaymentRequest p;
    p.set_request_id(absl::StrCat("k-p", i));
    p.set_fund_id("K-2024");
    p.set_recipient_id("K-UNIT");
    p.set_amount_fen(1000 + i);
    p.set_date("2024-05-20");
    p.set_payee(absl::StrCat("收款人", i));
    v1::FundPayment out;
    ASSERT_TRUE(funds->RecordFundPayment(Call().get(), p, &out).ok());
    sent += 1000 + i;
    failed += i % 7 == 0 ? 1000 + i : 0;
    absl::StrAppend(&file, "FV20240520-", out.payment_id().substr(3), ",", (1000 + i) / 100, ".",
                    absl::StrFormat("%02d", (1000 + i) % 100), i % 7 == 0 ? ",失败,账户冻结" : ",成功,",
                    ",2024-05-21\n");
  }
  v1::ImportBankReturnRequest req;
  req.set_request_id("k-import");
  req.set_file(file);
  // The import in flight when the server dies: whatever point the kill reaches.
  std::thread importer([&] {
    v1::BankReturnResult ignored;
    auto stub = v1::PaymentService::NewStub((*server)->Channel());
    (void)stub->ImportBankReturn(Call().get(), req, &ignored);
  });
  (*server)->Kill();
  importer.join();
  auto again = ServerProcess::Start({.db = db});
  ASSERT_TRUE(again.ok()) << again.status();
  auto payments = v1::PaymentService::NewStub((*again)->Channel());
  auto figures = [&] {
    v1::GetReconciliationRequest r;
    r.set_batch_id("PB-20240520");
    v1::Reconciliation rec;
    EXPECT_TRUE(payments->GetReconciliation(Call().get(), r, &rec).ok());
    return rec.figures();
  };
  auto paid = [&] {
    v1::GetExecutionReportRequest r;
    r.set_as_of("2024-05-31");
    r.add_fund_ids("K-2024");
    v1::ExecutionReport report;
    EXPECT_TRUE(v1::FundService::NewStub((*again)->Channel())->GetExecutionReport(Call().get(), r, &report).ok());
    return report.total().paid_fen();
  };
  const v1::PaymentFigures after_kill = figures();
  const bool applied = after_kill.outstanding_count() == 0;
  EXPECT_EQ(after_kill.sent_count(), kLines);
  EXPECT_EQ(after_kill.outstanding_count(), applied ? 0 : kLines) << "a part of the file applied";
  EXPECT_EQ(after_kill.failed_fen(), applied ? failed : 0);
  EXPECT_EQ(paid(), applied ? sent - failed : sent);
  v1::BankReturnResult result;
  ASSERT_TRUE(payments->ImportBankReturn(Call().get(), req, &result).ok());
  EXPECT_EQ(result.confirmed_count() + result.failed_count(), kLines);
  const v1::PaymentFigures done = figures();
  EXPECT_EQ(done.outstanding_count(), 0);
  EXPECT_EQ(done.failed_fen(), failed);
  EXPECT_EQ(done.confirmed_fen(), sent - failed);
  EXPECT_EQ(paid(), sent - failed);
}

INSTANTIATE_TEST_SUITE_P(Backends, PaymentGoldenE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace subsidy::testing
