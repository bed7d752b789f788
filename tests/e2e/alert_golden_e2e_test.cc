// The dynamic-monitoring scenarios of tests/golden/alert_scenarios.textproto through the real
// server, on SQLite and on PostgreSQL: each step in order (funds, allocations, payments, reversals,
// performance targets; the cases' sweep, inquiry, response, ruling and rectification), then every
// check written under it — the alerts as of a date with their ids and kinds in order, a case with
// the states of its history, the execution report — on every field the text names. A refused step
// must change nothing. Each scenario has a server of its own whose clock stands still on the
// scenario's today, with an --auth_config: finance-1 makes the calls, a school's caller answers the
// inquiries addressed to its school.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "golden_cases.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "support/calls.h"
#include "support/data_copy.h"
#include "support/golden_match.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using ::testing::HasSubstr;

using Golden = GoldenText<test::AlertScenarioFile>;
using Saved = std::map<std::string, std::string>;  // ids earlier answers named, by the name the text gave them

constexpr char kFinance[] = "finance-1";
// With an --auth_config every money movement by a person of at least this many 分 waits for a
// second officer: none of the scenarios' does, so each posts at once (dual control is not their
// subject; its trial still runs, which is why PostgreSQL's entry ids are not dense here).
constexpr char kNoneWaits[] = "--dual_control_threshold_fen=1000000000000000";

std::unique_ptr<Golden> Scenarios() {
  auto golden = LoadGolden<test::AlertScenarioFile>("alert_scenarios.textproto");
  EXPECT_GE(golden->file.scenarios_size(), 5);
  return golden;
}

// "$name" as the whole of a string anywhere in `m` becomes the id saved under that name.
void Substitute(Message* m, const Saved& saved) {
  const auto* r = m->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(*m, &fields);
  auto id_for = [&](const std::string& v) -> std::optional<std::string> {
    if (v.size() < 2 || v[0] != '$') return std::nullopt;
    auto it = saved.find(v.substr(1));
    if (it == saved.end()) ADD_FAILURE() << "no id was saved as " << v;
    return it == saved.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  for (const auto* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(*m, f) : 0;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!f->is_repeated()) Substitute(r->MutableMessage(m, f), saved);
      for (int i = 0; i < n; ++i) Substitute(r->MutableRepeatedMessage(m, f, i), saved);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (!f->is_repeated()) {
        if (auto v = id_for(r->GetString(*m, f))) r->SetString(m, f, *v);
      }
      for (int i = 0; i < n; ++i) {
        if (auto v = id_for(r->GetRepeatedString(*m, f, i))) r->SetRepeatedString(m, f, i, *v);
      }
    }
  }
}

struct Client {
  std::unique_ptr<v1::FundService::Stub> funds;
  std::map<std::string, std::string> tokens;  // by caller name
  // A call as `who` (default finance-1).
  std::unique_ptr<grpc::ClientContext> As(const std::string& who = "") const {
    auto it = tokens.find(who.empty() ? kFinance : who);
    if (it == tokens.end()) ADD_FAILURE() << "no caller " << who << " in the scenario";
    return CallAs(it == tokens.end() ? "" : it->second);
  }
};

// What a step's call answered: the id it names, a case, a sweep.
struct Answer {
  std::string id;
  v1::AlertCase alert_case;
  v1::SweepAlertCasesResponse sweep;
};

// Runs the step's call as its caller: the status, and in `a` what it answered.
grpc::Status RunStep(const Client& c, const test::AlertStep& step, Answer* a) {
  auto ctx = c.As(step.caller());
  v1::FundService::Stub& s = *c.funds;
  auto on_case = [&](const grpc::Status& st) {
    a->id = a->alert_case.case_id();
    return st;
  };
  using S = test::AlertStep;
  switch (step.call_case()) {
    case S::kCreateFund: {
      v1::Fund out;
      return s.CreateFund(ctx.get(), step.create_fund(), &out);
    }
    case S::kAllocate: {
      v1::FundAllocation out;
      const grpc::Status st = s.AllocateFund(ctx.get(), step.allocate(), &out);
      a->id = out.allocation_id();
      return st;
    }
    case S::kFundPayment: {
      v1::FundPayment out;
      const grpc::Status st = s.RecordFundPayment(ctx.get(), step.fund_payment(), &out);
      a->id = out.payment_id();
      return st;
    }
    case S::kReverseEntry: {
      v1::FundEntry out;
      const grpc::Status st = s.ReverseFundEntry(ctx.get(), step.reverse_entry(), &out);
      a->id = out.entry_id();
      return st;
    }
    case S::kSetTargets: {
      v1::FundTargets out;
      return s.SetFundTargets(ctx.get(), step.set_targets(), &out);
    }
    case S::kSweep: return s.SweepAlertCases(ctx.get(), step.sweep(), &a->sweep);
    case S::kInquire: return on_case(s.InquireAlert(ctx.get(), step.inquire(), &a->alert_case));
    case S::kRespond: return on_case(s.RespondToInquiry(ctx.get(), step.respond(), &a->alert_case));
    case S::kRule: return on_case(s.RuleOnAlert(ctx.get(), step.rule(), &a->alert_case));
    case S::kRectify: return on_case(s.RectifyAlert(ctx.get(), step.rectify(), &a->alert_case));
    case S::CALL_NOT_SET: break;
  }
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a step without a call");
}

std::vector<std::string> KindsAndIds(const google::protobuf::RepeatedPtrField<v1::FundAlert>& alerts) {
  std::vector<std::string> out;
  for (const auto& a : alerts) out.push_back(absl::StrCat(v1::FundAlert::Kind_Name(a.kind()), " ", a.alert_id()));
  return out;
}

// ListFundAlerts: exactly the alerts written, in order, each on the fields named; their messages.
void CheckAlerts(const Client& c, const test::AlertListCheck& check, const Named* named) {
  SCOPED_TRACE(absl::StrCat("alerts of ", check.request().ShortDebugString()));
  v1::ListFundAlertsResponse got;
  const grpc::Status st = c.funds->ListFundAlerts(c.As().get(), check.request(), &got);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(KindsAndIds(got.alerts()), KindsAndIds(check.alerts()));
  EXPECT_EQ(got.alert_count(), check.alerts_size());
  for (int i = 0; i < std::min(got.alerts_size(), check.alerts_size()); ++i) {
    EXPECT_TRUE(Matches(check.alerts(i), Under(named, check, "alerts", i), got.alerts(i))) << "alert " << i;
  }
  for (const auto& says : check.says()) {
    ASSERT_LT(says.index(), got.alerts_size());
    for (const auto& part : says.parts()) EXPECT_THAT(got.alerts(says.index()).message(), HasSubstr(part));
  }
}

// GetAlertCase: the fields named, the states of its history (and who moved it) in order.
void CheckCase(const Client& c, const test::AlertCaseCheck& check, const Named* named) {
  SCOPED_TRACE(absl::StrCat("case ", check.expect().case_id()));
  v1::GetAlertCaseRequest req;
  req.set_case_id(check.expect().case_id());
  v1::AlertCase got;
  const grpc::Status st = c.funds->GetAlertCase(c.As().get(), req, &got);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(Matches(check.expect(), Under(named, check, "expect"), got));
  std::vector<std::string> states, want, by;
  for (const auto& h : got.history()) {
    states.push_back(v1::AlertCase::State_Name(h.state()));
    by.push_back(h.by());
  }
  for (int s : check.history()) want.push_back(v1::AlertCase::State_Name(static_cast<v1::AlertCase::State>(s)));
  EXPECT_EQ(states, want);
  if (!check.history_by().empty()) {
    EXPECT_EQ(by, std::vector<std::string>(check.history_by().begin(), check.history_by().end()));
  }
}

// GetExecutionReport: the total, and when given exactly the rows written, on the fields named.
void CheckReport(const Client& c, const test::FundReportCheck& check, const Named* named) {
  SCOPED_TRACE(absl::StrCat("report of ", check.request().ShortDebugString()));
  v1::ExecutionReport report;
  const grpc::Status st = c.funds->GetExecutionReport(c.As().get(), check.request(), &report);
  ASSERT_TRUE(st.ok()) << st.error_message();
  if (check.has_total()) {
    EXPECT_TRUE(Matches(check.total(), Under(named, check, "total"), report.total()));
  }
  if (check.rows().empty()) return;
  ASSERT_EQ(report.rows_size(), check.rows_size());
  for (int i = 0; i < check.rows_size(); ++i) {
    EXPECT_TRUE(Matches(check.rows(i), Under(named, check, "rows", i), report.rows(i))) << "row " << i;
  }
}

// Every check written under a step.
void Check(const Client& c, const test::AlertStep& step, const Named* named, const Answer& a) {
  if (step.has_expect_sweep()) {
    EXPECT_TRUE(Matches(step.expect_sweep(), Under(named, step, "expect_sweep"), a.sweep));
  }
  if (step.has_expect_case()) {
    EXPECT_TRUE(Matches(step.expect_case(), Under(named, step, "expect_case"), a.alert_case));
  }
  for (int i = 0; i < step.alerts_size(); ++i) CheckAlerts(c, step.alerts(i), Under(named, step, "alerts", i));
  for (int i = 0; i < step.cases_size(); ++i) CheckCase(c, step.cases(i), Under(named, step, "cases", i));
  for (int i = 0; i < step.reports_size(); ++i) CheckReport(c, step.reports(i), Under(named, step, "reports", i));
}

// Every `rules { … }` of the copy's monitoring_rules.textproto replaced by `rules` (the region
// lists, which come first, kept).
void OverrideRules(const DataCopy& data, const std::string& rules) {
  const std::string path = data.path() + "/monitoring_rules.textproto";
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  in.close();
  const size_t first = text.find("\nrules {");
  ASSERT_NE(first, std::string::npos) << path;
  std::ofstream(path, std::ios::trunc) << text.substr(0, first + 1) << rules << "\n";
}

// A scenario's server: its callers, its data, its clock.
struct ScenarioServer {
  std::unique_ptr<DataCopy> data;
  std::unique_ptr<ServerProcess> server;
  Client client;
};

void Start(const test::AlertScenario& sc, const std::string& config, const std::string& db, ScenarioServer* run) {
  auto finance = AddCaller(config, kFinance, "finance");
  ASSERT_TRUE(finance.ok()) << finance.status();
  run->client.tokens[kFinance] = *finance;
  for (const auto& who : sc.callers()) {
    std::vector<std::string> extra;
    if (!who.schools().empty()) extra.push_back("--schools=" + absl::StrJoin(who.schools(), ","));
    if (!who.banks().empty()) extra.push_back("--banks=" + absl::StrJoin(who.banks(), ","));
    auto token = AddCaller(config, who.name(), who.roles(), extra);
    ASSERT_TRUE(token.ok()) << token.status();
    run->client.tokens[who.name()] = *token;
  }
  ServerProcess::Options options{
      .db = db, .extra_args = {"--auth_config=" + config, kNoneWaits, "--clock_for_tests=" + sc.today()}};
  if (!sc.rules_override().empty()) {
    run->data = std::make_unique<DataCopy>();
    ASSERT_NO_FATAL_FAILURE(OverrideRules(*run->data, sc.rules_override()));
    options.data_dir = run->data->path();
  }
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  run->server = std::move(*server);
  run->client.funds = v1::FundService::NewStub(run->server->Channel());
}

class AlertGoldenE2e : public ::testing::TestWithParam<std::string> {};

TEST_P(AlertGoldenE2e, EveryStepExactToTheFen) {
  TempDir dir;
  PostgresServer* postgres = nullptr;
  if (GetParam() == "postgres") {
    SUBSIDY_POSTGRES_OR_SKIP(pg);
    postgres = pg;
  }
  const std::unique_ptr<Golden> golden = Scenarios();
  int steps_checked = 0;
  for (int si = 0; si < golden->file.scenarios_size(); ++si) {
    const test::AlertScenario& sc = golden->file.scenarios(si);
    const Named* in_scenario = Under(&golden->named, golden->file, "scenarios", si);
    SCOPED_TRACE(sc.name());
    const std::string base = absl::StrCat(dir.path(), "/alerts-", si);
    const std::string db = postgres ? postgres->NewDatabase() : base + ".db";
    ScenarioServer run;
    ASSERT_NO_FATAL_FAILURE(Start(sc, base + "-callers.textproto", db, &run));
    Saved saved;
    for (int i = 0; i < sc.steps_size(); ++i) {
      test::AlertStep step = sc.steps(i);
      Substitute(&step, saved);
      const Named* named = Under(in_scenario, sc, "steps", i);
      SCOPED_TRACE(absl::StrCat("step ", i + 1, ": ", step.note()));
      Answer answer;
      const grpc::Status st = RunStep(run.client, step, &answer);
      if (!step.expect_refusal().empty()) {
        EXPECT_EQ(ReasonOf(st), step.expect_refusal()) << st.error_message();
      } else {
        ASSERT_TRUE(st.ok()) << st.error_message();
      }
      if (!step.save_id().empty()) {
        EXPECT_FALSE(answer.id.empty()) << "nothing to save as " << step.save_id();
        saved[step.save_id()] = answer.id;
      }
      Check(run.client, step, named, answer);
      ++steps_checked;
    }
  }
  EXPECT_GE(steps_checked, 40);
}

// The rules in force on a day (ListMonitoringRules), and performance targets: an indicator is
// entered once (TARGET_ALREADY_SET, nothing changed), progress is appended and the latest shown
// (RecordTargetProgress, GetFundTargets); an unknown indicator is NOT_FOUND.
TEST(AlertRulesAndTargetsE2e, RulesOfADayAndTargetsEnteredOnce) {
  TempDir dir;
  test::AlertScenario sc;
  sc.set_today("2024-03-15T10:00:00+08:00");
  ScenarioServer run;
  ASSERT_NO_FATAL_FAILURE(Start(sc, dir.path() + "/callers.textproto", dir.path() + "/t.db", &run));
  v1::FundService::Stub& s = *run.client.funds;
  v1::ListMonitoringRulesRequest rules_req;
  rules_req.set_as_of("2024-03-15");
  v1::ListMonitoringRulesResponse rules;
  ASSERT_TRUE(s.ListMonitoringRules(run.client.As().get(), rules_req, &rules).ok());
  std::vector<std::string> ids;
  for (const auto& r : rules.rules()) ids.push_back(r.rule_id());
  EXPECT_THAT(ids, ::testing::Contains("R-XJ-NESTED"));
  EXPECT_THAT(ids, ::testing::Contains("R-OWN-ACCOUNT"));
  rules_req.set_as_of("2014-12-31");  // before every rule's effective date
  ASSERT_TRUE(s.ListMonitoringRules(run.client.As().get(), rules_req, &rules).ok());
  EXPECT_EQ(rules.rules_size(), 0);

  v1::CreateFundRequest fund;
  fund.set_request_id("t-fund");
  fund.set_fund_id("T-2024");
  fund.set_name("绩效目标测试资金");
  fund.set_budget_year(2024);
  fund.set_level(v1::Fund::MUNICIPAL);
  fund.set_purpose(v1::Fund::OTHER);
  fund.set_region_code("4205");
  fund.set_budget_fen(1000000);
  fund.set_date("2024-01-02");
  v1::Fund made;
  ASSERT_TRUE(s.CreateFund(run.client.As().get(), fund, &made).ok());
  v1::SetFundTargetsRequest set;
  set.set_request_id("t-set");
  set.set_fund_id("T-2024");
  set.set_date("2024-03-01");
  auto* t = set.add_targets();
  t->set_indicator_id("OUT-1");
  t->set_kind(v1::PerformanceTarget::OUTPUT);
  t->set_name("受益户数");
  t->set_unit("户");
  t->set_target_value("1200");
  v1::FundTargets targets;
  ASSERT_TRUE(s.SetFundTargets(run.client.As().get(), set, &targets).ok());
  set.set_request_id("t-set-again");
  set.mutable_targets(0)->set_target_value("1500");
  EXPECT_EQ(ReasonOf(s.SetFundTargets(run.client.As().get(), set, &targets)), "TARGET_ALREADY_SET");
  v1::RecordTargetProgressRequest progress;
  progress.set_request_id("t-progress");
  progress.set_fund_id("T-2024");
  progress.set_indicator_id("out-1");  // the indicator's id in another case is the same indicator
  progress.set_value("300.5");
  progress.set_date("2024-03-10");
  ASSERT_TRUE(s.RecordTargetProgress(run.client.As().get(), progress, &targets).ok());
  progress.set_request_id("t-progress-unknown");
  progress.set_indicator_id("OUT-9");
  EXPECT_EQ(s.RecordTargetProgress(run.client.As().get(), progress, &targets).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetFundTargetsRequest get;
  get.set_fund_id("T-2024");
  ASSERT_TRUE(s.GetFundTargets(run.client.As().get(), get, &targets).ok());
  ASSERT_EQ(targets.targets_size(), 1);
  EXPECT_EQ(targets.targets(0).target_value(), "1200");  // the refused change changed nothing
  EXPECT_EQ(targets.targets(0).progress_value(), "300.5");
  EXPECT_EQ(targets.targets(0).progress_date(), "2024-03-10");
  EXPECT_EQ(targets.entered_on(), "2024-03-01");
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertGoldenE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace subsidy::testing
