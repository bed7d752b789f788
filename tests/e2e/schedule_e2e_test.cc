// The automatic disbursement (--disbursement_schedule): a run missed while no server was up is
// caught up at the next start; a restart or a second server never pays a day twice; nothing is
// paid on a day off. The servers' clocks stand still (--clock_for_tests) so the days are known.
#include <gtest/gtest.h>

#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

std::vector<v1::Payout> Payouts(const std::shared_ptr<grpc::Channel>& channel, v1::PayoutStatus status) {
  v1::ListPayoutsRequest req;
  req.set_status(status);
  v1::ListPayoutsResponse resp;
  EXPECT_TRUE(v1::RewardPayoutService::NewStub(channel)->ListPayouts(Call().get(), req, &resp).ok());
  return {resp.payouts().begin(), resp.payouts().end()};
}

TEST(ScheduleE2e, AMissedRunIsCaughtUpOnceAndNeverOnADayOff) {
  TempDir dir;
  const std::string db = dir.path() + "/ledger.db";
  auto start = [&](const std::string& now, bool scheduled) {
    std::vector<std::string> args = {"--clock_for_tests=" + now};
    if (scheduled) args.push_back("--disbursement_schedule=10:00");
    return ServerProcess::Start({.db = db, .extra_args = args});
  };
  {
    // Wednesday 2024-05-22, 09:00: two payouts determined the week before, due on the 20th.
    auto a = start("2024-05-22T09:00:00+08:00", false);
    ASSERT_TRUE(a.ok()) << a.status();
    auto rewards = v1::RewardPayoutService::NewStub((*a)->Channel());
    for (int i = 1; i <= 2; ++i) {
      v1::SubmitDeterminationRequest d;
      d.set_request_id("d" + std::to_string(i));
      d.set_policy_id("YC-ABOVE-SCALE-ENTRY");
      d.set_enterprise_uscc(TestUscc(i));
      d.set_determination_date("2024-05-13");
      v1::Payout p;
      ASSERT_TRUE(rewards->SubmitDetermination(Call().get(), d, &p).ok());
    }
  }
  {
    // 10:30 the same day, with the schedule: the 10:00 run never happened, so it runs at start.
    auto b = start("2024-05-22T10:30:00+08:00", true);
    ASSERT_TRUE(b.ok()) << b.status();
    ASSERT_TRUE(WaitUntil([&] { return (*b)->Stderr().find("disbursement_catch_up") != std::string::npos; }));
    const auto disbursed = Payouts((*b)->Channel(), v1::DISBURSED);
    ASSERT_EQ(disbursed.size(), 2u) << (*b)->Stderr();
    for (const auto& p : disbursed) EXPECT_EQ(p.paid_date(), "2024-05-22");
  }
  {
    // Restarted (or a second replica): the day's run answers the first one's result; a payout
    // determined since waits for the next run.
    auto c = start("2024-05-22T11:00:00+08:00", true);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(WaitUntil([&] { return (*c)->Stderr().find("disbursement_catch_up") != std::string::npos; }));
    EXPECT_NE((*c)->Stderr().find("\"replayed\":true"), std::string::npos) << (*c)->Stderr();
    auto rewards = v1::RewardPayoutService::NewStub((*c)->Channel());
    v1::SubmitDeterminationRequest d;
    d.set_request_id("d3");
    d.set_policy_id("YC-ABOVE-SCALE-ENTRY");
    d.set_enterprise_uscc(TestUscc(3));
    d.set_determination_date("2024-05-22");
    v1::Payout p;
    ASSERT_TRUE(rewards->SubmitDetermination(Call().get(), d, &p).ok());
    // One run event in the audit trail, by the scheduler.
    auto admin = v1::AdminService::NewStub((*c)->Channel());
    v1::ListAuditEventsRequest audit;
    audit.set_subject_id("RUN-auto-2024-05-22");
    v1::ListAuditEventsResponse events;
    ASSERT_TRUE(admin->ListAuditEvents(Call().get(), audit, &events).ok());
    ASSERT_EQ(events.events_size(), 1);
    EXPECT_EQ(events.events(0).caller(), "scheduler");
    EXPECT_EQ(Payouts((*c)->Channel(), v1::DISBURSED).size(), 2u);
    EXPECT_EQ(Payouts((*c)->Channel(), v1::SCHEDULED).size(), 1u);
  }
  {
    // Sunday: no run at start, whatever was missed.
    auto d = start("2024-05-26T12:00:00+08:00", true);
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_TRUE(WaitUntil([&] { return (*d)->Stderr().find("disbursement_catch_up") != std::string::npos; }));
    EXPECT_NE((*d)->Stderr().find("not a working day"), std::string::npos) << (*d)->Stderr();
    EXPECT_EQ(Payouts((*d)->Channel(), v1::SCHEDULED).size(), 1u);
  }
}

}  // namespace
}  // namespace subsidy::testing
