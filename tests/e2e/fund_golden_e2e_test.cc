// The fund scenarios of tests/golden/fund_scenarios.textproto through the real server, on SQLite
// and on PostgreSQL: every call in order, then every report and alert compared exactly.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include "golden_cases.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

std::unique_ptr<grpc::ClientContext> Call() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

test::FundScenarioFile Scenarios() {
  std::ifstream in(std::string(SUBSIDY_GOLDEN_DIR) + "/fund_scenarios.textproto");
  std::stringstream text;
  text << in.rdbuf();
  test::FundScenarioFile file;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &file));
  EXPECT_GE(file.scenarios_size(), 3);
  return file;
}

// Equal on the fields the expectation sets.
::testing::AssertionResult Matches(const google::protobuf::Message& expected, const google::protobuf::Message& actual) {
  MessageDifferencer d;
  d.set_scope(MessageDifferencer::PARTIAL);
  std::string diff;
  d.ReportDifferencesToString(&diff);
  if (d.Compare(expected, actual)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diff << "\nexpected: " << expected.ShortDebugString()
                                       << "\nactual:   " << actual.ShortDebugString();
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
  const test::FundScenarioFile file = Scenarios();
  for (const auto& sc : file.scenarios()) {
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
    for (const auto& p : sc.payments()) {
      v1::FundPayment out;
      auto s = funds->RecordFundPayment(Call().get(), p, &out);
      ASSERT_TRUE(s.ok()) << p.request_id() << ": " << s.error_message();
    }
    for (int i = 0; i < sc.determinations_size(); ++i) {
      v1::Payout out;
      auto s = rewards->SubmitDetermination(Call().get(), sc.determinations(i), &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
      if (i < sc.expect_due_dates_size()) {
        EXPECT_EQ(out.due_date(), sc.expect_due_dates(i));
      }
    }
    for (const auto& check : sc.reports()) {
      SCOPED_TRACE(check.request().ShortDebugString());
      v1::ExecutionReport report;
      auto s = funds->GetExecutionReport(Call().get(), check.request(), &report);
      ASSERT_TRUE(s.ok()) << s.error_message();
      if (check.has_total()) {
        EXPECT_TRUE(Matches(check.total(), report.total()));
      }
      if (check.rows_size() > 0) {
        ASSERT_EQ(report.rows_size(), check.rows_size()) << report.ShortDebugString();
        for (int i = 0; i < check.rows_size(); ++i) EXPECT_TRUE(Matches(check.rows(i), report.rows(i)));
      }
    }
    for (const auto& check : sc.alerts()) {
      SCOPED_TRACE(check.request().ShortDebugString());
      v1::ListFundAlertsResponse alerts;
      auto s = funds->ListFundAlerts(Call().get(), check.request(), &alerts);
      ASSERT_TRUE(s.ok()) << s.error_message();
      ASSERT_EQ(alerts.alerts_size(), check.alerts_size()) << alerts.ShortDebugString();
      for (int i = 0; i < check.alerts_size(); ++i) EXPECT_TRUE(Matches(check.alerts(i), alerts.alerts(i)));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, FundGoldenE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace subsidy::testing
