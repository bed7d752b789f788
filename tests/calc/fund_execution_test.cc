// The definitions of fund execution: progress, time progress (序时进度), pace, target share,
// idle allocations and overdue payouts, on the figures of the source article and at the edges.
#include "funds/execution.h"
#include "funds/limits.h"

#include <cstdint>

#include "common/status_util.h"

#include <gtest/gtest.h>

namespace subsidy::funds {
namespace {

Date D(const char* text) { return *Date::Parse(text); }
Money Yuan(int64_t yuan) { return Money::Fen(yuan * 100); }

TEST(FundExecution, ChangzhouAtTheEndOfMay2021) {
  const Money budget = Yuan(6'150'000'000), allocated = Yuan(5'707'200'000), paid = Yuan(2'927'400'000);
  EXPECT_EQ(Ratio::Of(allocated, budget).PercentText(), "92.80");
  EXPECT_EQ(Ratio::Of(paid, budget).PercentText(), "47.60");
  const Ratio days = TimeProgress(2021, D("2021-05-31"), TimeBasis::kDays);
  const Ratio months = TimeProgress(2021, D("2021-05-31"), TimeBasis::kMonths);
  EXPECT_EQ(days.PercentText(), "41.37");  // 151 / 365
  EXPECT_EQ(months.PercentText(), "41.67");  // 5 / 12
  EXPECT_EQ(PaceOf(Ratio::Of(paid, budget), days, Rate::FromBasisPoints(1000)), Pace::kAhead);
}

TEST(FundExecution, TimeProgressAtTheEdgesOfTheYear) {
  EXPECT_EQ(TimeProgress(2021, D("2020-12-31"), TimeBasis::kDays).PercentText(), "0.00");
  EXPECT_EQ(TimeProgress(2021, D("2021-01-01"), TimeBasis::kDays).PercentText(), "0.27");  // 1 / 365
  EXPECT_EQ(TimeProgress(2024, D("2024-12-30"), TimeBasis::kDays).PercentText(), "99.73");  // 365 / 366
  EXPECT_EQ(TimeProgress(2021, D("2021-12-31"), TimeBasis::kDays).PercentText(), "100.00");
  EXPECT_EQ(TimeProgress(2021, D("2022-03-01"), TimeBasis::kMonths).PercentText(), "100.00");
  EXPECT_EQ(TimeProgress(2021, D("2021-01-30"), TimeBasis::kMonths).PercentText(), "0.00");
  EXPECT_EQ(TimeProgress(2021, D("2021-01-31"), TimeBasis::kMonths).PercentText(), "8.33");
  EXPECT_EQ(TimeProgress(2024, D("2024-02-28"), TimeBasis::kMonths).PercentText(), "8.33");  // leap: 29th ends it
  EXPECT_EQ(TimeProgress(2024, D("2024-02-29"), TimeBasis::kMonths).PercentText(), "16.67");
  EXPECT_EQ(TimeProgress(2021, D("2021-06-30"), TimeBasis::kMonths).PercentText(), "50.00");
}

TEST(FundExecution, PaceAgainstATolerance) {
  const Ratio time = Ratio::Of(50, 100);
  const Rate ten = Rate::FromBasisPoints(1000);
  EXPECT_EQ(PaceOf(Ratio::Of(50, 100), time, ten), Pace::kAhead);       // equal is ahead
  EXPECT_EQ(PaceOf(Ratio::Of(4999, 10000), time, ten), Pace::kBehind);
  EXPECT_EQ(PaceOf(Ratio::Of(40, 100), time, ten), Pace::kBehind);      // exactly time − t
  EXPECT_EQ(PaceOf(Ratio::Of(3999, 10000), time, ten), Pace::kLagging);
  EXPECT_EQ(PaceOf(Ratio(), Ratio(), ten), Pace::kAhead);               // nothing due, nothing paid
  EXPECT_EQ(PaceOf(Ratio::Of(0, 0), time, ten), Pace::kLagging);        // a budget of 0 shows 0
  EXPECT_EQ(Ratio::Of(5, 0).PercentText(), "0.00");
}

TEST(FundExecution, TargetShareIsExactAndComparedExactly) {
  const std::vector<std::string> south = {"6529", "6530", "6531", "6532"};
  EXPECT_TRUE(InTargetRegion("653101", south));
  EXPECT_FALSE(InTargetRegion("650102", south));
  EXPECT_FALSE(InTargetRegion("65", south));
  // 80 of 100 meets 80 %; 7999 of 10000 misses it, though both read "80.00" rounded.
  const Rate eighty = *Rate::Parse("80");
  EXPECT_FALSE(Ratio::Of(80, 100).BelowPercent(eighty));
  EXPECT_TRUE(Ratio::Of(79'999, 100'000).BelowPercent(eighty));
  EXPECT_EQ(Ratio::Of(79'999, 100'000).PercentText(), "80.00");
}

TEST(FundExecution, IdleAllocationsAndOverduePayouts) {
  // Unpaid money and no movement for more than 30 days.
  EXPECT_FALSE(IsIdle(Yuan(100), Yuan(0), D("2021-05-01"), D("2021-05-31"), 30));  // 30 days: not yet
  EXPECT_TRUE(IsIdle(Yuan(100), Yuan(0), D("2021-05-01"), D("2021-06-01"), 30));
  EXPECT_FALSE(IsIdle(Yuan(100), Yuan(100), D("2021-01-01"), D("2021-06-01"), 30));  // all paid
  // Due on the 10th: overdue from the 11th.
  EXPECT_FALSE(IsOverdue(D("2024-05-10"), D("2024-05-10")));
  EXPECT_TRUE(IsOverdue(D("2024-05-10"), D("2024-05-11")));
}

TEST(FundExecution, TargetShareOverRecipientsRegions) {
  const std::vector<std::string> south = {"6529", "6530", "6531", "6532"};
  auto share = TargetShare({{"653101", Yuan(400)}, {"653201", Yuan(300)}, {"652901", Yuan(100)},
                            {"653001", Yuan(50)}, {"650102", Yuan(150)}},
                           south);
  ASSERT_TRUE(share.ok());
  EXPECT_EQ(share->PercentText(), "85.00");
  EXPECT_EQ(TargetShare({}, south)->PercentText(), "0.00");
  EXPECT_FALSE(TargetShare({{"6531", Money::Fen(INT64_MAX)}, {"6531", Money::Fen(1)}}, south).ok());  // no wrap
}

TEST(FundLimits, AllocationsWithinTheBudgetOnTheirDateAndEveryDayAfter) {
  const Date d = D("2021-03-01");
  // Budget 100 on 1 January, 60 allocated on 1 February; 100 more budget only from 1 June.
  const std::vector<DayMove> days = {{D("2021-01-01"), Yuan(100), Yuan(0)},
                                     {D("2021-02-01"), Yuan(0), Yuan(60)},
                                     {D("2021-06-01"), Yuan(100), Yuan(0)}};
  EXPECT_EQ(HeadroomFrom(days, d), Yuan(40));
  EXPECT_TRUE(CheckAllocation("F", HeadroomFrom(days, d), Yuan(40), d).ok());
  EXPECT_EQ(ReasonOf(CheckAllocation("F", HeadroomFrom(days, d), Yuan(41), d)), kFundBudgetExceeded);
  // A budget raised only later does not cover an allocation dated before the raise.
  EXPECT_EQ(ReasonOf(CheckAllocation("F", HeadroomFrom(days, d), Yuan(50), d)), kFundBudgetExceeded);
  EXPECT_EQ(HeadroomFrom(days, D("2021-06-01")), Yuan(140));
}

// The issue's case: allocated 10,000 on 1 March; spent 10,000 on 1 April; reversed on 1 September.
// A new payment dated 1 May would make paid exceed allocated from May to September: there is no
// headroom on 1 May, although the balance today is 10,000; on 1 September there is.
TEST(FundLimits, APaymentDatedInThePastIsCheckedAgainstEveryLaterDay) {
  const std::vector<DayMove> days = {{D("2024-03-01"), Yuan(10000), Yuan(0)},
                                     {D("2024-04-01"), Yuan(0), Yuan(10000)},
                                     {D("2024-09-01"), Yuan(0), Money::Fen(-1'000'000)}};
  EXPECT_EQ(HeadroomFrom(days, D("2024-05-01")), Yuan(0));
  EXPECT_EQ(HeadroomFrom(days, D("2024-03-15")), Yuan(0));  // April's spending stands after it
  EXPECT_EQ(HeadroomFrom(days, D("2024-09-01")), Yuan(10000));
  EXPECT_EQ(HeadroomFrom(days, D("2025-01-01")), Yuan(10000));
  EXPECT_EQ(HeadroomFrom(days, D("2024-02-01")), Yuan(0));  // before the allocation: nothing
  EXPECT_EQ(HeadroomFrom({}, D("2024-02-01")), Yuan(0));
}

TEST(FundLimits, PaymentsWithinWhatWasAllocatedByTheirDateAndUnpaid) {
  EXPECT_EQ(Payable(Yuan(100), Yuan(30)), Yuan(70));
  EXPECT_EQ(Payable(Yuan(20), Yuan(30)), Yuan(0));  // paid later out of a later allocation
  EXPECT_TRUE(CheckPayment("F", "R", Yuan(70), Yuan(70), D("2021-03-01")).ok());
  EXPECT_EQ(ReasonOf(CheckPayment("F", "R", Yuan(70), Yuan(71), D("2021-03-01"))), kAllocationExceeded);
}

TEST(FundLimits, BudgetCutsAndNegativeLists) {
  const Date latest = D("2021-05-01");
  EXPECT_TRUE(CheckBudgetCut(Yuan(60), Yuan(60), D("2021-05-01"), &latest).ok());
  EXPECT_EQ(ReasonOf(CheckBudgetCut(Yuan(59), Yuan(60), D("2021-05-01"), &latest)), kFundBudgetExceeded);
  EXPECT_EQ(ReasonOf(CheckBudgetCut(Yuan(90), Yuan(60), D("2021-04-30"), &latest)), kEntryBackDated);
  FundMonitoring data;
  data.forbidden_by_purpose["EDUCATION"] = {"STAFF_PAY"};
  EXPECT_EQ(ReasonOf(CheckCategory("F", "EDUCATION", {}, data, "STAFF_PAY")), kCategoryForbidden);
  EXPECT_EQ(ReasonOf(CheckCategory("F", "OTHER", {"TRAVEL"}, data, "TRAVEL")), kCategoryForbidden);
  EXPECT_TRUE(CheckCategory("F", "OTHER", {"TRAVEL"}, data, "STAFF_PAY").ok());
  EXPECT_TRUE(CheckCategory("F", "EDUCATION", {}, data, "").ok());
}

// A recipient's money is paid from its oldest allocation first (ties by fund id), each fund as far
// as it holds money payable; the draws never exceed the amount nor any fund's payable.
TEST(FundLimits, DrawsTheOldestAllocationFirst) {
  const std::vector<FundHolding> funds = {{"F-C", D("2024-03-01"), Yuan(50)},
                                          {"F-B", D("2024-01-10"), Yuan(30)},
                                          {"F-A", D("2024-01-10"), Yuan(0)},
                                          {"F-D", D("2024-01-10"), Yuan(20)}};
  const auto draws = DrawOldestFirst(funds, Yuan(70));
  ASSERT_EQ(draws.size(), 3u);
  EXPECT_EQ(draws[0].fund_id, "F-B");  // 2024-01-10, before F-D by id; F-A holds nothing
  EXPECT_EQ(draws[0].amount, Yuan(30));
  EXPECT_EQ(draws[1].fund_id, "F-D");
  EXPECT_EQ(draws[1].amount, Yuan(20));
  EXPECT_EQ(draws[2].fund_id, "F-C");
  EXPECT_EQ(draws[2].amount, Yuan(20));  // 70 − 30 − 20
  EXPECT_EQ(TotalPayable(funds), Yuan(100));
  // More than they hold: each gives all it has, and the rest is not drawn.
  const auto short_draws = DrawOldestFirst(funds, Yuan(130));
  int64_t drawn = 0;
  for (const auto& d : short_draws) drawn += d.amount.fen();
  EXPECT_EQ(drawn, Yuan(100).fen());
  EXPECT_TRUE(DrawOldestFirst(funds, Money()).empty());
}

TEST(FundLimits, TheOnePayableCheckNamesItsReason) {
  EXPECT_TRUE(CheckPayment("F", "R", Yuan(10), Yuan(10), D("2024-06-01")).ok());
  const absl::Status over = CheckPayment("F", "R", Yuan(10), Money::Fen(1001), D("2024-06-01"));
  EXPECT_EQ(ReasonOf(over), kAllocationExceeded);
  EXPECT_EQ(ReasonOf(CheckPayment("F", "R", Yuan(10), Money::Fen(1001), D("2024-06-01"), kFundBudgetExceeded)),
            kFundBudgetExceeded);
}

// Dual control's threshold holds for a person's day: parts of a movement add up as the whole.
TEST(FundLimits, AMovementPostsAloneOnlyWhileThePersonsDayStaysUnderTheThreshold) {
  const Money threshold = Money::Fen(100'000);
  EXPECT_TRUE(PostsAlone(Money::Fen(60'000), Money(), threshold));
  EXPECT_FALSE(PostsAlone(Money::Fen(60'000), Money::Fen(60'000), threshold));  // the second half
  EXPECT_TRUE(PostsAlone(Money::Fen(39'999), Money::Fen(60'000), threshold));
  EXPECT_FALSE(PostsAlone(Money::Fen(1), Money::Fen(99'999), threshold));
  EXPECT_FALSE(PostsAlone(Money::Fen(100'000), Money(), threshold));  // at the threshold alone
  EXPECT_FALSE(PostsAlone(Money::Fen(1), Money(), Money()));           // no threshold: every one waits
  EXPECT_TRUE(PostsAlone(Money(), Money::Fen(99'999'999), Money()));    // moving nothing never waits
  EXPECT_FALSE(PostsAlone(Money::Fen(1), Money::Fen(INT64_MAX), Money::Fen(INT64_MAX)));  // a sum past int64 waits
}

}  // namespace
}  // namespace subsidy::funds
