#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status_util.h"
#include "reward/reward_engine.h"
#include "policy/policy_data.h"

namespace subsidy::reward {
namespace {

const PolicyData& Data() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return **data;
}
const RewardPolicy& P(const char* id) { return *Data().rewards().Find(id); }
constexpr char kUscc[] = "914403001922038216";
constexpr int64_t kWan = 1'000'000;  // 1万元 in 分

TEST(FormulaAmount, EachFormula) {
  EXPECT_EQ(FormulaAmount(P("YC-ABOVE-SCALE-ENTRY"), {})->value().fen(), 20 * kWan);
  // 30 % of 12,345,601 分 = 3,703,680.3 → 3,703,680 half-up; .5 rounds up.
  EXPECT_EQ(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {{"spend_fen", "12345601"}})->value().fen(), 3'703'680);
  EXPECT_EQ(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {{"spend_fen", "5"}})->value().fen(), 2);   // 1.5 → 2
  EXPECT_EQ(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {{"spend_fen", "1"}})->value().fen(), 0);   // 0.3 → 0
  EXPECT_EQ(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {{"spend_fen", "99999999999"}})->value().fen(), 500 * kWan);
  EXPECT_EQ(FormulaAmount(P("YC-FIRST-EQUIPMENT"), {{"units", "3"}})->value().fen(), 300 * kWan);
  EXPECT_EQ(FormulaAmount(P("YC-OUTPUT-GROWTH"), {{"output_increase_fen", "1000000000"}})->value().fen(), 5 * kWan);
  EXPECT_EQ(FormulaAmount(P("YC-OUTPUT-GROWTH"), {{"output_increase_fen", "4999999999"}})->value().fen(), 10 * kWan);
  EXPECT_EQ(FormulaAmount(P("YC-OUTPUT-GROWTH"), {{"output_increase_fen", "5000000000"}})->value().fen(), 20 * kWan);
  EXPECT_FALSE(FormulaAmount(P("YC-OUTPUT-GROWTH"), {{"output_increase_fen", "999999999"}})->has_value());
}

TEST(FormulaAmount, MetricsMustBeExactlyThoseThePolicyReads) {
  EXPECT_EQ(FieldOf(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {}).status()), "metrics[spend_fen]");
  EXPECT_EQ(FieldOf(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {{"spend_fen", "-1"}}).status()), "metrics[spend_fen]");
  EXPECT_EQ(FieldOf(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {{"spend_fen", "1.5"}}).status()), "metrics[spend_fen]");
  EXPECT_EQ(FieldOf(FormulaAmount(P("YC-DIGITAL-TRANSFORM"), {{"spend_fen", "1"}, {"units", "1"}}).status()),
            "metrics[units]");
  EXPECT_EQ(FieldOf(FormulaAmount(P("YC-ABOVE-SCALE-ENTRY"), {{"units", "1"}}).status()), "metrics[units]");
  EXPECT_EQ(FieldOf(FormulaAmount(P("YC-FIRST-EQUIPMENT"), {{"units", "99999999999999"}}).status()), "metrics[units]");
}

TEST(Decide, OnceEverAndOncePerYear) {
  auto first = Decide(P("YC-ABOVE-SCALE-ENTRY"), {}, kUscc, 2024, {}, Money());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->scheduled);
  EXPECT_EQ(first->award_key, "YC-ABOVE-SCALE-ENTRY|914403001922038216");
  auto again = Decide(P("YC-ABOVE-SCALE-ENTRY"), {}, kUscc, 2025, {{"YC-ABOVE-SCALE-ENTRY", "", 2024, Money::Fen(20 * kWan)}}, Money());
  EXPECT_FALSE(again->scheduled);
  EXPECT_EQ(again->reasons.at(0).code, kDuplicateAward);
  const std::map<std::string, std::string> m = {{"spend_fen", "100"}};
  const std::vector<PriorAward> last_year = {{"YC-DIGITAL-TRANSFORM", "", 2023, Money::Fen(30)}};
  EXPECT_TRUE(Decide(P("YC-DIGITAL-TRANSFORM"), m, kUscc, 2024, last_year, Money())->scheduled);
  EXPECT_FALSE(Decide(P("YC-DIGITAL-TRANSFORM"), m, kUscc, 2023, last_year, Money())->scheduled);
}

TEST(Decide, AnnualCapReducesThenRejects) {
  const auto& p = P("YC-FIRST-EQUIPMENT");
  auto one = Decide(p, {{"units", "1"}}, kUscc, 2024, {}, Money());
  EXPECT_EQ(one->amount.fen(), 100 * kWan);
  EXPECT_TRUE(one->reasons.empty());
  const std::vector<PriorAward> had = {{"YC-FIRST-EQUIPMENT", "", 2024, Money::Fen(100 * kWan)}};
  auto two = Decide(p, {{"units", "2"}}, kUscc, 2024, had, Money());
  EXPECT_TRUE(two->scheduled);
  EXPECT_EQ(two->amount.fen(), 100 * kWan);
  EXPECT_EQ(two->reasons.at(0).code, kAnnualCapReached);
  const std::vector<PriorAward> full = {{"YC-FIRST-EQUIPMENT", "", 2024, Money::Fen(200 * kWan)}};
  auto three = Decide(p, {{"units", "1"}}, kUscc, 2024, full, Money());
  EXPECT_FALSE(three->scheduled);
  EXPECT_EQ(three->reasons.at(0).code, kAnnualCapReached);
  EXPECT_TRUE(Decide(p, {{"units", "1"}}, kUscc, 2025, full, Money())->scheduled);
}

TEST(Decide, GroupHighestOnlyWithTopUps) {
  const std::vector<PriorAward> provincial = {{"YC-CHAMPION-PROVINCIAL", "YC-CHAMPION", 2024, Money::Fen(30 * kWan)}};
  auto national = Decide(P("YC-CHAMPION-NATIONAL"), {}, kUscc, 2024, provincial, Money());
  EXPECT_TRUE(national->scheduled);
  EXPECT_EQ(national->amount.fen(), 70 * kWan);
  EXPECT_EQ(national->reasons.at(0).code, kTopUpOfLowerAward);
  const std::vector<PriorAward> both = {provincial[0], {"YC-CHAMPION-NATIONAL", "YC-CHAMPION", 2024, Money::Fen(70 * kWan)}};
  auto lower = Decide(P("YC-CHAMPION-PROVINCIAL"), {}, kUscc, 2024, both, Money());
  EXPECT_FALSE(lower->scheduled);
  EXPECT_EQ(lower->reasons.at(0).code, kSupersededByHigherAward);
  // An equal award is no higher one: it is covered, and says so.
  auto same = Decide(P("YC-CHAMPION-PROVINCIAL"), {}, kUscc, 2024, provincial, Money());
  EXPECT_FALSE(same->scheduled);
  EXPECT_EQ(same->reasons.at(0).code, kCoveredByEqualAward);
  auto again = Decide(P("YC-CHAMPION-NATIONAL"), {}, kUscc, 2024, both, Money());
  EXPECT_FALSE(again->scheduled);
  EXPECT_EQ(again->reasons.at(0).code, kCoveredByEqualAward);
  EXPECT_TRUE(Decide(P("YC-CHAMPION-PROVINCIAL"), {}, kUscc, 2025, both, Money())->scheduled);
}

TEST(Decide, BudgetAtTheExactBoundary) {
  const auto& p = P("YC-DIGITAL-TRANSFORM");  // budget 1000万
  const std::map<std::string, std::string> m = {{"spend_fen", "1000000000"}};  // 30 % = 300万
  auto fits = Decide(p, m, kUscc, 2024, {}, Money::Fen(700 * kWan));
  EXPECT_TRUE(fits->scheduled);
  EXPECT_EQ(fits->amount.fen(), 300 * kWan);
  auto short_by_one = Decide(p, m, kUscc, 2024, {}, Money::Fen(700 * kWan + 1));
  EXPECT_FALSE(short_by_one->scheduled);
  EXPECT_EQ(short_by_one->reasons.at(0).code, kBudgetExhausted);
  EXPECT_FALSE(short_by_one->award_key.has_value());
}

TEST(Decide, AShortBudgetIsRejectedOrPaidInPartAsThePolicysDataSays) {
  RewardPolicy p = P("YC-DIGITAL-TRANSFORM");  // budget 1000万; the shipped data rejects
  const std::map<std::string, std::string> m = {{"spend_fen", "1000000000"}};  // 30 % = 300万
  auto rejected = Decide(p, m, kUscc, 2024, {}, Money::Fen(900 * kWan));
  EXPECT_FALSE(rejected->scheduled);
  EXPECT_THAT(rejected->reasons.at(0).message, ::testing::HasSubstr("remaining budget 1000000.00 元"));
  p.when_budget_short = BudgetShort::kPartial;
  auto partial = Decide(p, m, kUscc, 2024, {}, Money::Fen(900 * kWan));
  ASSERT_TRUE(partial->scheduled);
  EXPECT_EQ(partial->amount.fen(), 100 * kWan);  // what was left
  EXPECT_EQ(partial->reasons.back().code, kBudgetPartial);
  auto nothing_left = Decide(p, m, kUscc, 2024, {}, Money::Fen(1000 * kWan));
  EXPECT_FALSE(nothing_left->scheduled);
  EXPECT_EQ(nothing_left->reasons.at(0).code, kBudgetExhausted);
}

TEST(BudgetForYear, TheYearsFundAllocationsWhenThereAreAnyElseTheData) {
  const auto& p = P("YC-DIGITAL-TRANSFORM");  // data budget 1000万
  // No fund allocated to the policy for the year: the data's budget, against every year's awards.
  const PolicyBudget data = BudgetForYear(p, std::nullopt, Money::Fen(5 * kWan), Money::Fen(250 * kWan));
  EXPECT_FALSE(data.from_funds);
  EXPECT_EQ(data.budget.fen(), 1000 * kWan);
  EXPECT_EQ(data.awarded.fen(), 250 * kWan);
  EXPECT_EQ(data.Remaining().fen(), 750 * kWan);
  // Allocations of 40万: they are the budget, against the year's awards only.
  const PolicyBudget funded =
      BudgetForYear(p, Money::Fen(40 * kWan), Money::Fen(30 * kWan + 1), Money::Fen(250 * kWan));
  EXPECT_TRUE(funded.from_funds);
  EXPECT_EQ(funded.budget.fen(), 40 * kWan);
  EXPECT_EQ(funded.awarded.fen(), 30 * kWan + 1);
  EXPECT_EQ(funded.Remaining().fen(), 10 * kWan - 1);
  // An allocation row of zero (everything reversed) is still the year's budget: nothing is left.
  const PolicyBudget zero = BudgetForYear(p, Money(), Money(), Money::Fen(250 * kWan));
  EXPECT_TRUE(zero.from_funds);
  EXPECT_EQ(zero.Remaining().fen(), 0);
  // Allocations cut below what was awarded: the shortfall shows.
  EXPECT_EQ(BudgetForYear(p, Money::Fen(100), Money::Fen(150), Money()).Remaining().fen(), -50);
}

TEST(BudgetForYear, EveryPolicyAtOnceFromTheLedgersFigures) {
  const auto& policies = Data().rewards().policies;
  const std::map<std::string, Money> funded_in_year = {{"YC-ABOVE-SCALE-ENTRY", Money::Fen(40 * kWan)}};
  const std::map<std::string, Money> in_year = {{"YC-ABOVE-SCALE-ENTRY", Money::Fen(20 * kWan)},
                                                {"YC-DIGITAL-TRANSFORM", Money::Fen(7)}};
  const std::map<std::string, Money> ever = {{"YC-ABOVE-SCALE-ENTRY", Money::Fen(60 * kWan)},
                                             {"YC-DIGITAL-TRANSFORM", Money::Fen(9)}};
  const auto budgets = BudgetsForYear(policies, funded_in_year, in_year, ever);
  ASSERT_EQ(budgets.size(), policies.size());
  const PolicyBudget& funded = budgets.at("YC-ABOVE-SCALE-ENTRY");
  EXPECT_TRUE(funded.from_funds);
  EXPECT_EQ(funded.budget.fen(), 40 * kWan);
  EXPECT_EQ(funded.Remaining().fen(), 20 * kWan);
  const PolicyBudget& data = budgets.at("YC-DIGITAL-TRANSFORM");
  EXPECT_FALSE(data.from_funds);
  EXPECT_EQ(data.budget.fen(), 1000 * kWan);
  EXPECT_EQ(data.Remaining().fen(), 1000 * kWan - 9);
  EXPECT_EQ(budgets.at("YC-FIRST-EQUIPMENT").Remaining(), P("YC-FIRST-EQUIPMENT").budget);
}

TEST(BudgetForYear, TheDecisionIsMeasuredAgainstIt) {
  const std::map<std::string, std::string> m = {{"spend_fen", "1000000"}};  // 30 % = 3,000.00 元
  RewardPolicy p = P("YC-DIGITAL-TRANSFORM");
  const PolicyBudget budget =
      BudgetForYear(p, Money::Fen(300'000 + 299'999), Money::Fen(299'999), Money::Fen(900 * kWan));
  EXPECT_EQ(budget.Remaining().fen(), 300'000);
  p.budget = budget.budget;
  auto fits = Decide(p, m, kUscc, 2024, {}, budget.awarded);
  ASSERT_TRUE(fits.ok());
  EXPECT_TRUE(fits->scheduled);
  EXPECT_EQ(fits->amount.fen(), 300'000);
  auto short_by_one = Decide(p, m, kUscc, 2024, {}, Money::Fen(budget.awarded.fen() + 1));
  EXPECT_EQ(short_by_one->reasons.at(0).code, kBudgetExhausted);
}

TEST(Decide, BelowThresholdIsARejectionNotAnError) {
  auto d = Decide(P("YC-OUTPUT-GROWTH"), {{"output_increase_fen", "0"}}, kUscc, 2024, {}, Money());
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->scheduled);
  EXPECT_EQ(d->reasons.at(0).code, kBelowThreshold);
}

}  // namespace
}  // namespace subsidy::reward
