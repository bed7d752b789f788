// Every 分 by one road (issue "Every 分 by one road"), on SQLite and on two replicas over one
// PostgreSQL: a disbursement run pays what it can and holds, with its reason, what its policy's
// funds cannot pay; a policy's money leaves only by runs; a determination made before its
// policy's money is allocated says so.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/backends.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

class OneRoadE2e : public BackendsTest {
 protected:
  v1::Payout Determine(const std::string& rid, const std::string& policy, int enterprise, const std::string& date) {
    v1::SubmitDeterminationRequest r;
    r.set_request_id(rid);
    r.set_policy_id(policy);
    r.set_enterprise_uscc(TestUscc(enterprise));
    r.set_enterprise_name("企业");
    r.set_determination_date(date);
    v1::Payout out;
    const grpc::Status s = v1::RewardPayoutService::NewStub(Next())->SubmitDetermination(Call().get(), r, &out);
    EXPECT_TRUE(s.ok()) << rid << ": " << s.error_message();
    return out;
  }
  v1::RunDisbursementResponse Run(const std::string& rid, const std::string& date) {
    v1::RunDisbursementRequest r;
    r.set_request_id(rid);
    r.set_payment_date(date);
    v1::RunDisbursementResponse out;
    const grpc::Status s = v1::RewardPayoutService::NewStub(Next())->RunDisbursement(Call().get(), r, &out);
    EXPECT_TRUE(s.ok()) << rid << ": " << s.error_message();
    return out;
  }
  // The reward fund YC-2024-R (municipal, 2024, region 4205) with its budget.
  bool CreateRewardFund(int64_t budget_fen) {
    v1::Fund fund;
    return v1::FundService::NewStub(Next())
        ->CreateFund(Call().get(),
                     NewFund("YC-2024-R", v1::Fund::MUNICIPAL, v1::Fund::ENTERPRISE_REWARD, budget_fen, 2024, "4205"),
                     &fund)
        .ok();
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
    EXPECT_TRUE(v1::FundService::NewStub(Next())->AllocateFund(Call().get(), fa, &out).ok());
    return out.allocation_id();
  }
  v1::Payout Get(const std::string& payout_id) {
    v1::GetPayoutRequest r;
    r.set_payout_id(payout_id);
    v1::Payout out;
    EXPECT_TRUE(v1::RewardPayoutService::NewStub(Next())->GetPayout(Call().get(), r, &out).ok());
    return out;
  }
};

TEST_P(OneRoadE2e, ARunPaysWhatItCanAndHoldsTheRestWithItsReason) {
  v1::Fund fund;
  ASSERT_TRUE(v1::FundService::NewStub(Next())
                  ->CreateFund(Call().get(),
                               NewFund("YC-2024-R", v1::Fund::MUNICIPAL, v1::Fund::ENTERPRISE_REWARD, 100'000'000, 2024,
                                       "4205"),
                               &fund)
                  .ok());
  // The policy's 2024 money is allocated in two parts, on 3 June and 1 July; a determination of
  // 6 May says it waits for it.
  Allocate("fa-1", 20'000'000, "2024-06-03");
  const std::string later = Allocate("fa-2", 20'000'000, "2024-07-01");
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
  ASSERT_TRUE(v1::FundService::NewStub(Next())->ListFundAlerts(Call().get(), ar, &alerts).ok());
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
  EXPECT_EQ(ReasonOf(v1::FundService::NewStub(Next())->RecordFundPayment(Call().get(), direct, &payment)),
            "PAID_BY_DISBURSEMENT");

  // A second payout is scheduled; the money allocated by 12 June pays one, and the other is held
  // for want of money (ALLOCATION_EXCEEDED), not for want of an allocation.
  const v1::Payout second = Determine("d-2", "YC-ABOVE-SCALE-ENTRY", 4, "2024-06-05");
  ASSERT_EQ(second.status(), v1::SCHEDULED);
  // The July money is committed by the awards: it cannot be taken back from under them.
  v1::ReverseFundEntryRequest rev;
  rev.set_request_id("rev-1");
  rev.set_entry_id(later);
  rev.set_date("2024-07-02");
  rev.set_reason("预算调减");
  v1::FundEntry reversed;
  EXPECT_EQ(ReasonOf(v1::FundService::NewStub(Next())->ReverseFundEntry(Call().get(), rev, &reversed)),
            "NOTHING_TO_REVERSE");
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
  ASSERT_TRUE(v1::FundService::NewStub(Next())->GetFund(Call().get(), gf, &fund).ok());
  EXPECT_EQ(fund.allocated_fen(), 40'000'000);
  EXPECT_EQ(fund.paid_fen(), 20'000'000);
  // In July the held payout is paid from the July money.
  const v1::RunDisbursementResponse july = Run("run-0702", "2024-07-02");
  EXPECT_EQ(july.paid_count(), 1);
  EXPECT_EQ(july.held_size(), 0);
  EXPECT_EQ(Get(second.payout_id()).status(), v1::DISBURSED);
}

// The past stays true: allocated 10,000 on 1 March, spent on 1 April, the spending reversed on
// 1 September; a new expenditure dated 1 May would make May to August show 20,000 paid against
// 10,000 (and the school's ledger run negative): refused. Dated after the reversal, it is paid.
// The same for a fund's direct payment.
// Determinations sent at once are decided together (a combined run reads the policy's funds once
// for each day it decides on): each one still says, for its own day, whether the policy's money
// was allocated by then.
TEST_P(OneRoadE2e, DeterminationsDecidedTogetherEachSayWhetherTheirDaysMoneyWasAllocated) {
  ASSERT_TRUE(CreateRewardFund(1'000'000'000));
  Allocate("fa-june", 400'000'000, "2024-06-03");  // room for 20 entry awards, from 3 June
  constexpr int kPortals = 16;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < kPortals; ++i) channels.push_back(Next());
  std::vector<v1::Payout> answers(kPortals);
  std::vector<std::thread> portals;
  auto date_of = [](int i) { return i % 2 == 0 ? "2024-05-06" : "2024-06-10"; };
  for (int i = 0; i < kPortals; ++i) {
    portals.emplace_back([&, i] {
      v1::SubmitDeterminationRequest r;
      r.set_request_id(absl::StrCat("together-", i));
      r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
      r.set_enterprise_uscc(TestUscc(700 + i));
      r.set_enterprise_name("企业");
      r.set_determination_date(date_of(i));
      const grpc::Status s = v1::RewardPayoutService::NewStub(channels[i])->SubmitDetermination(Call().get(), r, &answers[i]);
      EXPECT_TRUE(s.ok()) << i << ": " << s.error_message();
    });
  }
  for (auto& t : portals) t.join();
  for (int i = 0; i < kPortals; ++i) {
    ASSERT_EQ(answers[i].status(), v1::SCHEDULED) << i;
    bool said = false;
    for (const auto& r : answers[i].reasons()) said |= r.code() == "FUND_NOT_YET_ALLOCATED";
    EXPECT_EQ(said, i % 2 == 0) << i << " of " << date_of(i);
  }
}

// ListRewardPolicies shows the budgets of the year asked for: the funds' allocations less that
// year's awards when funds were allocated to the policy for it, else the policy's own budget less
// its awards of every year; and says which.
TEST_P(OneRoadE2e, APolicysBudgetIsShownForTheYearAskedAndSaysWhoseItIs) {
  ASSERT_TRUE(CreateRewardFund(1'000'000'000));
  Allocate("fa-budget", 400'000'000, "2024-06-03");
  ASSERT_EQ(Determine("d-2024", "YC-ABOVE-SCALE-ENTRY", 801, "2024-06-10").status(), v1::SCHEDULED);
  ASSERT_EQ(Determine("d-2025", "YC-ABOVE-SCALE-ENTRY", 802, "2025-03-10").status(), v1::SCHEDULED);
  auto policy_in = [&](int year) {
    v1::ListRewardPoliciesRequest r;
    r.set_budget_year(year);
    v1::ListRewardPoliciesResponse list;
    const grpc::Status s = v1::RewardPayoutService::NewStub(Next())->ListRewardPolicies(Call().get(), r, &list);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const auto& p : list.policies()) {
      if (p.policy_id() == "YC-ABOVE-SCALE-ENTRY") return p;
    }
    ADD_FAILURE() << "not listed";
    return v1::RewardPolicy();
  };
  const v1::RewardPolicy funded = policy_in(2024);
  EXPECT_EQ(funded.budget_year(), 2024);
  EXPECT_TRUE(funded.funded());
  EXPECT_EQ(funded.budget_fen(), 400'000'000);
  EXPECT_EQ(funded.remaining_budget_fen(), 400'000'000 - 20'000'000);  // 2024's one award
  const v1::RewardPolicy own = policy_in(2025);
  EXPECT_EQ(own.budget_year(), 2025);
  EXPECT_FALSE(own.funded());
  EXPECT_EQ(own.remaining_budget_fen(), own.budget_fen() - 2 * 20'000'000);  // every year's awards
  v1::ListRewardPoliciesRequest bad;
  bad.set_budget_year(1999);
  v1::ListRewardPoliciesResponse unused;
  const grpc::Status refused = v1::RewardPayoutService::NewStub(Next())->ListRewardPolicies(Call().get(), bad, &unused);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("budget_year"), std::string::npos) << refused.error_message();
}

TEST_P(OneRoadE2e, APostingDatedInThePastKeepsEveryLaterDayTrue) {
  auto funds = [&] { return v1::FundService::NewStub(Next()); };
  auto edu = [&] { return v1::EducationFundService::NewStub(Next()); };
  v1::Fund fund;
  ASSERT_TRUE(funds()->CreateFund(Call().get(), NewFund("PAST", v1::Fund::DISTRICT, v1::Fund::EDUCATION, 50'000, 2024),
                                  &fund)
                  .ok());
  v1::AllocateFundsRequest a;
  a.set_request_id("a");
  a.set_school_id("110106-P1");
  a.set_source(v1::DISTRICT);
  a.set_amount_fen(10'000);
  a.set_date("2024-03-01");
  a.set_fund_id("PAST");
  v1::FundBalance balance;
  ASSERT_TRUE(edu()->AllocateFunds(Call().get(), a, &balance).ok());
  auto spend = [&](const std::string& rid, const std::string& date, v1::Expenditure* out) {
    v1::RecordExpenditureRequest r;
    r.set_request_id(rid);
    r.set_school_id("110106-P1");
    r.set_category("TEACHING");
    r.set_amount_fen(10'000);
    r.set_date(date);
    return edu()->RecordExpenditure(Call().get(), r, out);
  };
  v1::Expenditure april, may, september;
  ASSERT_TRUE(spend("e-apr", "2024-04-01", &april).ok());
  v1::ReverseExpenditureRequest rev;
  rev.set_request_id("r-sep");
  rev.set_expenditure_id(april.expenditure_id());
  rev.set_date("2024-09-01");
  rev.set_reason("记错");
  v1::Expenditure reversed;
  ASSERT_TRUE(edu()->ReverseExpenditure(Call().get(), rev, &reversed).ok());
  const grpc::Status back_dated = spend("e-may", "2024-05-01", &may);
  EXPECT_EQ(back_dated.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << back_dated.error_message();
  ASSERT_TRUE(spend("e-sep", "2024-09-02", &september).ok());
  // Every month's report keeps paid within allocated.
  const std::vector<std::pair<std::string, int64_t>> paid_as_of = {
      {"2024-03-31", 0},      {"2024-04-30", 10'000}, {"2024-05-31", 10'000}, {"2024-08-31", 10'000},
      {"2024-09-01", 0},      {"2024-12-31", 10'000}};
  for (const auto& [as_of, paid] : paid_as_of) {
    v1::GetExecutionReportRequest rr;
    rr.set_as_of(as_of);
    rr.add_fund_ids("PAST");
    v1::ExecutionReport report;
    ASSERT_TRUE(funds()->GetExecutionReport(Call().get(), rr, &report).ok());
    EXPECT_EQ(report.total().paid_fen(), paid) << as_of;
    EXPECT_LE(report.total().paid_fen(), report.total().allocated_fen()) << as_of;
  }
  // The same rule for a direct payment to a unit.
  v1::AllocateFundRequest fa;
  fa.set_request_id("fa-u");
  fa.set_fund_id("PAST");
  fa.set_recipient_kind(v1::FundAllocation::UNIT);
  fa.set_recipient_id("U1");
  fa.set_region_code("110106");
  fa.set_amount_fen(10'000);
  fa.set_date("2024-03-01");
  v1::FundAllocation allocation;
  ASSERT_TRUE(funds()->AllocateFund(Call().get(), fa, &allocation).ok());
  auto pay = [&](const std::string& rid, const std::string& date, v1::FundPayment* out) {
    v1::RecordFundPaymentRequest p;
    p.set_request_id(rid);
    p.set_fund_id("PAST");
    p.set_recipient_id("U1");
    p.set_amount_fen(10'000);
    p.set_date(date);
    return funds()->RecordFundPayment(Call().get(), p, out);
  };
  v1::FundPayment p_apr, p_may, p_sep;
  ASSERT_TRUE(pay("p-apr", "2024-04-01", &p_apr).ok());
  v1::ReverseFundEntryRequest r;
  r.set_request_id("r-p");
  r.set_entry_id(p_apr.payment_id());
  r.set_date("2024-09-01");
  r.set_reason("退回");
  v1::FundEntry entry;
  ASSERT_TRUE(funds()->ReverseFundEntry(Call().get(), r, &entry).ok());
  EXPECT_EQ(ReasonOf(pay("p-may", "2024-05-01", &p_may)), "ALLOCATION_EXCEEDED");
  ASSERT_TRUE(pay("p-sep", "2024-09-01", &p_sep).ok());
  // An allocation may not be taken back from a day its money was paid out on.
  v1::ReverseFundEntryRequest take;
  take.set_request_id("r-a");
  take.set_entry_id(allocation.allocation_id());
  take.set_date("2024-03-15");
  take.set_reason("下达错误");
  EXPECT_EQ(ReasonOf(funds()->ReverseFundEntry(Call().get(), take, &entry)), "NOTHING_TO_REVERSE");
}

SUBSIDY_ON_BACKENDS(OneRoadE2e);

}  // namespace
}  // namespace subsidy::testing
