// Reports from a hot standby (--report_db): the report and list RPCs read there and say how fresh
// they are. A standby that lags on purpose (recovery_min_apply_delay) answers without the newest
// commits and says so by its replay time; writes and Get… reads stay on the primary.
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"

#include "subsidy/v1/fund.grpc.pb.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

bool HasFund(const v1::ExecutionReport& report, const std::string& fund_id) {
  for (const auto& row : report.rows()) {
    if (row.fund_id() == fund_id) return true;
  }
  return false;
}

absl::Time ParsedTime(const std::string& text) {
  absl::Time t = absl::InfinitePast();
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &err)) << text << ": " << err;
  return t;
}

TEST(ReportStandbyE2e, ReportsFromALaggingStandbySayHowFreshTheyAre) {
  SUBSIDY_POSTGRES_OR_FAIL(pg);
  const std::string url = pg->NewDatabase();
  {
    auto first = ServerProcess::Start({.db = url});  // the schema, before the standby copies the server
    ASSERT_TRUE(first.ok()) << first.status();
  }
  const std::string standby = pg->StartStandby(url, "4s");
  ASSERT_FALSE(standby.empty()) << "the standby did not start";
  auto server = ServerProcess::Start({.db = url, .extra_args = {"--report_db=" + standby}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto plain = ServerProcess::Start({.db = url});
  ASSERT_TRUE(plain.ok()) << plain.status();
  auto funds = v1::FundService::NewStub((*server)->Channel());

  // A write through the server goes to the primary; a Get reads it back there at once.
  const absl::Time before = absl::Now();
  v1::Fund fund;
  ASSERT_TRUE(funds->CreateFund(Call().get(), NewFund("RS-FUND", v1::Fund::DISTRICT, v1::Fund::EDUCATION, 1'000'000, 2026),
                                &fund)
                  .ok());
  const absl::Time written = absl::Now();
  v1::GetFundRequest get;
  get.set_fund_id("RS-FUND");
  ASSERT_TRUE(funds->GetFund(Call().get(), get, &fund).ok());

  // The report, from the standby 4 s behind: without the fund, and its replay time says why.
  v1::GetExecutionReportRequest req;
  req.set_as_of("2026-06-30");
  v1::ExecutionReport report;
  ASSERT_TRUE(funds->GetExecutionReport(Call().get(), req, &report).ok());
  EXPECT_TRUE(report.freshness().from_standby());
  EXPECT_FALSE(HasFund(report, "RS-FUND")) << "the standby applies commits 4 s late";
  if (!report.freshness().replayed_up_to().empty()) {
    EXPECT_LT(ParsedTime(report.freshness().replayed_up_to()), written);
  }
  // Once an answer says the standby had replayed a commit made after `before` (the fund's: no
  // other commit came since), it holds the fund. (Freshness is asked before the read, so an answer
  // may hold more than it says, never less.)
  ASSERT_TRUE(WaitUntil(
      [&] {
        report.Clear();
        return funds->GetExecutionReport(Call().get(), req, &report).ok() &&
               !report.freshness().replayed_up_to().empty() &&
               ParsedTime(report.freshness().replayed_up_to()) >= before;
      },
      std::chrono::seconds(30)));
  EXPECT_TRUE(HasFund(report, "RS-FUND"));
  EXPECT_GE(report.freshness().lag_ms(), 0);
  // The other report RPCs say the same; alerts too.
  v1::ListFundAlertsRequest alerts;
  alerts.set_as_of("2026-06-30");
  v1::ListFundAlertsResponse listed;
  ASSERT_TRUE(funds->ListFundAlerts(Call().get(), alerts, &listed).ok());
  EXPECT_TRUE(listed.freshness().from_standby());

  // Without --report_db the primary answers: fresh, with the fund at once.
  v1::ExecutionReport direct;
  ASSERT_TRUE(v1::FundService::NewStub((*plain)->Channel())->GetExecutionReport(Call().get(), req, &direct).ok());
  EXPECT_FALSE(direct.freshness().from_standby());
  EXPECT_TRUE(HasFund(direct, "RS-FUND"));
}

TEST(ReportStandbyE2e, AStandbyServesAPostgresPrimaryOnly) {
  TempDir dir;
  auto server = ServerProcess::Start(
      {.db = dir.path() + "/x.db", .extra_args = {"--report_db=postgresql://postgres@127.0.0.1:1/none"}});
  ASSERT_FALSE(server.ok());
  EXPECT_NE(std::string(server.status().message()).find("--report_db"), std::string::npos) << server.status();
}

}  // namespace
}  // namespace subsidy::testing
