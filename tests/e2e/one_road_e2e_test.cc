// Every 分 by one road (issue "Every 分 by one road"), on SQLite and on two replicas over one
// PostgreSQL: a disbursement run pays what it can and holds, with its reason, what its policy's
// funds cannot pay; a policy's money leaves only by runs; a determination made before its
// policy's money is allocated says so.
#include <gtest/gtest.h>

#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

class OneRoadE2e : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string db = dir_.path() + "/ledger.db";
    if (GetParam() == "postgres") {
      SUBSIDY_POSTGRES_OR_SKIP(pg);
      db = pg->NewDatabase();
    }
    for (int i = 0; i < (GetParam() == "postgres" ? 2 : 1); ++i) {
      auto s = ServerProcess::Start({.db = db});
      ASSERT_TRUE(s.ok()) << s.status();
      servers_.push_back(std::move(*s));
    }
  }
  // Alternating replicas: every answer must hold whichever replica gives it.
  std::shared_ptr<grpc::Channel> Next() { return servers_[n_++ % servers_.size()]->Channel(); }
  v1::Payout Determine(const std::string& rid, const std::string& policy, int enterprise, const std::string& date) {
    v1::SubmitDeterminationRequest r;
    r.set_request_id(rid);
    r.set_policy_id(policy);
    r.set_enterprise_uscc(TestUscc(enterprise));
    r.set_enterprise_name("企业");
    r.set_determination_date(date);
    v1::Payout out;
    const grpc::Status s = v1::RewardPayoutService::NewStub(Next())->SubmitDetermination(Ctx().get(), r, &out);
    EXPECT_TRUE(s.ok()) << rid << ": " << s.error_message();
    return out;
  }
  v1::RunDisbursementResponse Run(const std::string& rid, const std::string& date) {
    v1::RunDisbursementRequest r;
    r.set_request_id(rid);
    r.set_payment_date(date);
    v1::RunDisbursementResponse out;
    const grpc::Status s = v1::RewardPayoutService::NewStub(Next())->RunDisbursement(Ctx().get(), r, &out);
    EXPECT_TRUE(s.ok()) << rid << ": " << s.error_message();
    return out;
  }
  std::string Allocate(const std::string& rid, int64_t fen, const std::string& date) {
    v1::AllocateFundRequest fa;
    fa.set_request_id(rid);
    fa.set_fund_id("YC-2024-R");
    fa.set_recipient_kind(v1::FundAllocation::REWARD_POLICY);
    fa.set_recipient_id("YC-ABOVE-SCALE-ENTRY");
    fa.set_region_code("4205");
    fa.set_amount_fen(fen);
    fa.set_date(date);
    v1::FundAllocation out;
    EXPECT_TRUE(v1::FundService::NewStub(Next())->AllocateFund(Ctx().get(), fa, &out).ok());
    return out.allocation_id();
  }
  v1::Payout Get(const std::string& payout_id) {
    v1::GetPayoutRequest r;
    r.set_payout_id(payout_id);
    v1::Payout out;
    EXPECT_TRUE(v1::RewardPayoutService::NewStub(Next())->GetPayout(Ctx().get(), r, &out).ok());
    return out;
  }

  TempDir dir_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  size_t n_ = 0;
};

TEST_P(OneRoadE2e, ARunPaysWhatItCanAndHoldsTheRestWithItsReason) {
  v1::Fund fund;
  ASSERT_TRUE(v1::FundService::NewStub(Next())
                  ->CreateFund(Ctx().get(),
                               NewFund("YC-2024-R", v1::Fund::MUNICIPAL, v1::Fund::ENTERPRISE_REWARD, 100'000'000, 2024,
                                       "4205"),
                               &fund)
                  .ok());
  // The policy's 2024 money is allocated on 3 June, in two parts; a determination of 6 May says
  // it waits for it.
  const std::string first = Allocate("fa-1", 20'000'000, "2024-06-03");
  Allocate("fa-2", 20'000'000, "2024-06-03");
  const v1::Payout early = Determine("d-early", "YC-ABOVE-SCALE-ENTRY", 1, "2024-05-06");
  ASSERT_EQ(early.status(), v1::SCHEDULED);
  bool said = false;
  for (const auto& r : early.reasons()) said |= r.code() == "FUND_NOT_YET_ALLOCATED";
  EXPECT_TRUE(said);
  // Unrelated payouts of an unfunded policy are due the same day.
  const v1::Payout other_a = Determine("d-c1", "YC-CHAMPION-PROVINCIAL", 2, "2024-05-06");
  const v1::Payout other_b = Determine("d-c2", "YC-CHAMPION-PROVINCIAL", 3, "2024-05-07");

  // 20 May: the funded payout is held (no money allocated by then), every other one is paid.
  const v1::RunDisbursementResponse may = Run("run-0520", "2024-05-20");
  EXPECT_EQ(may.paid_count(), 2);
  EXPECT_EQ(may.paid_fen(), 60'000'000);
  ASSERT_EQ(may.held_size(), 1);
  EXPECT_EQ(may.held(0).payout_id(), early.payout_id());
  EXPECT_EQ(may.held(0).reason().code(), "FUND_NOT_YET_ALLOCATED");
  EXPECT_EQ(may.held_fen(), 20'000'000);
  EXPECT_EQ(Get(early.payout_id()).status(), v1::SCHEDULED);
  EXPECT_EQ(Get(early.payout_id()).hold_reason(), "FUND_NOT_YET_ALLOCATED");
  EXPECT_EQ(Get(other_a.payout_id()).status(), v1::DISBURSED);
  EXPECT_EQ(Get(other_b.payout_id()).status(), v1::DISBURSED);
  // And it is an alert until it is paid.
  v1::ListFundAlertsRequest ar;
  ar.set_as_of("2024-05-21");
  v1::ListFundAlertsResponse alerts;
  ASSERT_TRUE(v1::FundService::NewStub(Next())->ListFundAlerts(Ctx().get(), ar, &alerts).ok());
  int held_alerts = 0;
  for (const auto& a : alerts.alerts()) {
    if (a.kind() == v1::FundAlert::PAYOUT_HELD) {
      ++held_alerts;
      EXPECT_EQ(a.subject_id(), early.payout_id());  // no fund had allocated to the policy by then
    }
  }
  EXPECT_EQ(held_alerts, 1);

  // A policy's money leaves by runs only: a direct payment to it is refused.
  v1::RecordFundPaymentRequest direct;
  direct.set_request_id("direct");
  direct.set_fund_id("YC-2024-R");
  direct.set_recipient_id("YC-ABOVE-SCALE-ENTRY");
  direct.set_amount_fen(40'000'000);
  direct.set_date("2024-06-04");
  v1::FundPayment payment;
  EXPECT_EQ(ReasonOf(v1::FundService::NewStub(Next())->RecordFundPayment(Ctx().get(), direct, &payment)),
            "PAID_BY_DISBURSEMENT");

  // A second payout is scheduled; then half the money is taken back: the next run pays one and
  // holds the other for want of money (ALLOCATION_EXCEEDED), not for want of an allocation.
  const v1::Payout second = Determine("d-2", "YC-ABOVE-SCALE-ENTRY", 4, "2024-06-05");
  ASSERT_EQ(second.status(), v1::SCHEDULED);
  v1::ReverseFundEntryRequest rev;
  rev.set_request_id("rev-1");
  rev.set_entry_id(first);
  rev.set_date("2024-06-06");
  rev.set_reason("预算调减");
  v1::FundEntry reversed;
  ASSERT_TRUE(v1::FundService::NewStub(Next())->ReverseFundEntry(Ctx().get(), rev, &reversed).ok());
  const v1::RunDisbursementResponse june = Run("run-0612", "2024-06-12");
  EXPECT_EQ(june.paid_count(), 1);
  EXPECT_EQ(june.paid_fen(), 20'000'000);
  ASSERT_EQ(june.held_size(), 1);
  EXPECT_EQ(june.held(0).payout_id(), second.payout_id());
  EXPECT_EQ(june.held(0).reason().code(), "ALLOCATION_EXCEEDED");
  EXPECT_EQ(Get(early.payout_id()).status(), v1::DISBURSED);
  EXPECT_EQ(Get(early.payout_id()).hold_reason(), "");
  // The fund paid exactly what it allocated, never more.
  v1::GetFundRequest gf;
  gf.set_fund_id("YC-2024-R");
  ASSERT_TRUE(v1::FundService::NewStub(Next())->GetFund(Ctx().get(), gf, &fund).ok());
  EXPECT_EQ(fund.allocated_fen(), 20'000'000);
  EXPECT_EQ(fund.paid_fen(), 20'000'000);
}

INSTANTIATE_TEST_SUITE_P(Backends, OneRoadE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& backend) { return backend.param; });

}  // namespace
}  // namespace subsidy::testing
