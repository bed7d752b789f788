// Dynamic monitoring's rules as dated data: windows, the checks a rule must pass, who is a person,
// the nested shares (Xinjiang: 80 % to 南疆四地州, of that 85 % to the deep-poverty counties),
// deadlines, and the shipped file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "funds/rules.h"
#include "ids/ids.h"
#include "policy/policy_data.h"
#include "support/data_copy.h"

namespace subsidy::funds {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

Date D(const char* text) { return *Date::Parse(text); }
Money Yuan(int64_t yuan) { return Money::Fen(yuan * 100); }
Rate Percent(const char* text) { return *Rate::Parse(text); }

MonitoringRule Rule(const char* id, absl::string_view kind) {
  MonitoringRule r;
  r.rule_id = id;
  r.kind = std::string(kind);
  r.effective_from = D("2015-01-01");
  r.source = "test";
  return r;
}
MonitoringRule Idle(const char* id, int days) {
  MonitoringRule r = Rule(id, kIdleAllocation);
  r.days = days;
  return r;
}
MonitoringRule Nested() {
  MonitoringRule r = Rule("R-XJ", kNestedTargetShareMissed);
  r.fund_region_prefix = "65";
  r.outer_list = "XJ_SOUTH_4";
  r.outer_prefixes = {"6529", "6530", "6531", "6532"};
  r.inner_list = "XJ_DEEP_POVERTY";
  r.inner_prefixes = {"653222", "653223"};
  r.outer_min = Percent("80");
  r.inner_min = Percent("85");
  return r;
}

// ---- windows ----

// R-IDLE-30 held to the end of 2023 and R-IDLE-45 from 2024: each day picks its own.
TEST(MonitoringRules, EachDayPicksTheRuleInForceThen) {
  MonitoringRule old = Idle("R-IDLE-30", 30);
  old.effective_to = D("2023-12-31");
  MonitoringRule changed = Idle("R-IDLE-45", 45);
  changed.effective_from = D("2024-01-01");
  auto rules = MonitoringRules::Build({old, changed, Rule("R-HELD", kPayoutHeld)});
  ASSERT_TRUE(rules.ok()) << rules.status();
  for (auto [day, id] : {std::pair{"2015-01-01", "R-IDLE-30"}, {"2023-12-31", "R-IDLE-30"},
                         {"2024-01-01", "R-IDLE-45"}, {"2030-06-30", "R-IDLE-45"}}) {
    const auto in_force = rules->InForce(D(day), kIdleAllocation);
    ASSERT_EQ(in_force.size(), 1u) << day;
    EXPECT_EQ(in_force[0]->rule_id, id) << day;
  }
  EXPECT_TRUE(rules->InForce(D("2014-12-31"), kIdleAllocation).empty());
  EXPECT_TRUE(rules->InForce(D("2024-01-01"), kOverduePayout).empty());
  // Every kind, in the data's order.
  const auto all = rules->InForce(D("2023-12-31"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->rule_id, "R-IDLE-30");
  EXPECT_EQ(all[1]->rule_id, "R-HELD");
  EXPECT_EQ(rules->Find("R-IDLE-45")->days, 45);
  EXPECT_EQ(rules->Find("R-IDLE-60"), nullptr);
}

TEST(MonitoringRules, AOneDayWindow) {
  MonitoringRule r = Idle("R-IDLE-1D", 30);
  r.effective_from = D("2024-02-29");
  r.effective_to = D("2024-02-29");
  EXPECT_FALSE(r.InForce(D("2024-02-28")));
  EXPECT_TRUE(r.InForce(D("2024-02-29")));
  EXPECT_FALSE(r.InForce(D("2024-03-01")));
  EXPECT_TRUE(MonitoringRules::Build({r}).ok());
}

// ---- the checks ----

TEST(MonitoringRules, EveryKindWithItsParametersBuilds) {
  MonitoringRule lag = Rule("R-LAG-10", kExecutionLagging);
  lag.tolerance = Percent("10");
  MonitoringRule lag0 = Rule("R-LAG-0", kExecutionLagging);  // 0 points: lagging as soon as behind
  MonitoringRule unconfirmed = Rule("R-PAY-3", kPaymentUnconfirmed);
  unconfirmed.working_days = 3;
  MonitoringRule failed = Rule("R-PAY-5", kPaymentFailedOpen);
  failed.working_days = 5;
  MonitoringRule large = Rule("R-LARGE", kLargePersonalPayment);
  large.threshold = Yuan(50'000);
  MonitoringRule late = Rule("R-LATE-30", kLateAllocation);
  late.days = 30;
  MonitoringRule targets = Rule("R-TARGETS-30", kTargetsMissing);
  targets.days = 30;
  MonitoringRule own = Rule("R-OWN", kTransferToOwnAccount);
  own.action = RuleAction::kBlock;
  MonitoringRule nonworking = Rule("R-NONWORKING", kNonWorkingDayPayment);
  nonworking.action = RuleAction::kRecord;
  auto rules = MonitoringRules::Build({lag, lag0, Idle("R-IDLE-30", 30), Rule("R-OVERDUE", kOverduePayout),
                                       Rule("R-SHARE", kTargetShareMissed), Rule("R-HELD", kPayoutHeld), unconfirmed,
                                       failed, large, nonworking, late, targets, Nested(), own});
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->all().size(), 14u);
  EXPECT_EQ(lag.ParametersText(), "tolerance_points=10");
  EXPECT_EQ(unconfirmed.ParametersText(), "working_days=3");
  EXPECT_EQ(late.ParametersText(), "days=30");
  EXPECT_EQ(large.ParametersText(), "threshold_fen=5000000");
  EXPECT_EQ(Nested().ParametersText(), "fund_region_prefix=65 outer=XJ_SOUTH_4>=80 inner=XJ_DEEP_POVERTY>=85");
  EXPECT_EQ(own.ParametersText(), "");
  MonitoringRule half = lag;
  half.tolerance = Percent("2.5");
  EXPECT_EQ(half.ParametersText(), "tolerance_points=2.5");
}

TEST(MonitoringRules, AMalformedRuleIsRefusedNamingIt) {
  auto with = [](MonitoringRule r, auto change) {
    change(r);
    return r;
  };
  MonitoringRule lag = Rule("R-LAG", kExecutionLagging);
  lag.tolerance = Percent("10");
  MonitoringRule unconfirmed = Rule("R-PAY", kPaymentUnconfirmed);
  unconfirmed.working_days = 3;
  MonitoringRule large = Rule("R-LARGE", kLargePersonalPayment);
  large.threshold = Yuan(50'000);
  MonitoringRule own = Rule("R-OWN", kTransferToOwnAccount);
  own.action = RuleAction::kBlock;
  for (const auto& base : {Idle("R-IDLE", 30), lag, unconfirmed, large, own, Nested()}) {
    ASSERT_TRUE(MonitoringRules::Build({base}).ok()) << base.rule_id;  // the change alone is refused
  }
  const std::vector<std::pair<MonitoringRule, std::string>> cases = {
      {with(Idle("R-IDLE", 30), [](auto& r) { r.rule_id = ""; }), "rule_id"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.rule_id = "r-idle"; }), "rule_id"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.rule_id = "R_IDLE"; }), "rule_id"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.kind = "IDLE"; }), "not a kind"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.days = 0; }), "days must be 1 to 366"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.days = 367; }), "days must be 1 to 366"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.working_days = 3; }), "working_days is not a parameter of IDLE_ALLOCATION"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.tolerance = Percent("10"); }), "tolerance_points is not a parameter"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.threshold = Yuan(1); }), "threshold_fen is not a parameter"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.outer_prefixes = {"6529"}; }), "nested lists"},
      {with(Rule("R-HELD", kPayoutHeld), [](auto& r) { r.days = 30; }), "days is not a parameter of PAYOUT_HELD"},
      {with(lag, [](auto& r) { r.tolerance = Percent("100.01"); }), "tolerance_points must be 0 to 100"},
      {with(unconfirmed, [](auto& r) { r.working_days = 0; }), "working_days must be 1 to 60"},
      {with(unconfirmed, [](auto& r) { r.working_days = 61; }), "working_days must be 1 to 60"},
      {with(large, [](auto& r) { r.threshold = Money::Fen(-1); }), "threshold_fen must be positive"},
      {with(Nested(), [](auto& r) { r.inner_prefixes.clear(); }), "need prefixes"},
      {with(Nested(), [](auto& r) { r.outer_prefixes.clear(); }), "need prefixes"},
      {with(Nested(), [](auto& r) { r.fund_region_prefix = ""; }), "fund_region_prefix"},
      {with(Nested(), [](auto& r) { r.outer_prefixes.push_back("5101"); }), "outer prefix 5101 is not a region within 65"},
      {with(Nested(), [](auto& r) { r.outer_prefixes.push_back("65x1"); }), "outer prefix 65x1"},
      {with(Nested(), [](auto& r) { r.inner_prefixes.push_back("650102"); }), "inner prefix 650102"},
      {with(Nested(), [](auto& r) { r.outer_min = Percent("100.5"); }), "0 to 100 percent"},
      {with(Nested(), [](auto& r) { r.inner_min = Percent("101"); }), "0 to 100 percent"},
      {with(Nested(), [](auto& r) { r.days = 30; }), "days is not a parameter"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.effective_to = D("2014-12-31"); }), "effective_to is before"},
      {with(Idle("R-IDLE", 30), [](auto& r) { r.action = RuleAction::kBlock; }), "only TRANSFER_TO_OWN_ACCOUNT may BLOCK"},
      {with(own, [](auto& r) { r.action = RuleAction::kWarn; }), "its action must be BLOCK"},
      {with(own, [](auto& r) { r.action = RuleAction::kRecord; }), "its action must be BLOCK"},
  };
  for (const auto& [rule, problem] : cases) {
    auto built = MonitoringRules::Build({rule});
    ASSERT_FALSE(built.ok()) << problem;
    EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument) << problem;
    EXPECT_THAT(std::string(built.status().message()), HasSubstr(problem));
    EXPECT_THAT(std::string(built.status().message()), HasSubstr(absl::StrCat("rule ", rule.rule_id, " ")));
  }
  auto twice = MonitoringRules::Build({Idle("R-IDLE", 30), Idle("R-IDLE", 45)});
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(std::string(twice.status().message()), HasSubstr("rule R-IDLE (IDLE_ALLOCATION): rule_id listed twice"));
}

TEST(MonitoringRules, NamesRoundTrip) {
  for (Severity s : {Severity::kRed, Severity::kOrange, Severity::kYellow, Severity::kBlue}) {
    EXPECT_EQ(SeverityFromName(SeverityName(s)), s);
  }
  for (RuleAction a : {RuleAction::kBlock, RuleAction::kWarn, RuleAction::kRecord}) {
    EXPECT_EQ(RuleActionFromName(RuleActionName(a)), a);
  }
  EXPECT_STREQ(SeverityName(Severity::kOrange), "ORANGE");
  EXPECT_STREQ(RuleActionName(RuleAction::kRecord), "RECORD");
  EXPECT_FALSE(SeverityFromName("red").has_value());
  EXPECT_FALSE(RuleActionFromName("").has_value());
}

// ---- persons ----

TEST(MonitoringRules, APersonIsAResidentIdWithItsCheckCharacter) {
  EXPECT_TRUE(IsPersonId("11010519491231002X"));  // GB 11643's own example
  EXPECT_FALSE(IsPersonId("110105194912310021"));  // the check character is X
  EXPECT_FALSE(IsPersonId("11010519491231002x"));
  EXPECT_FALSE(IsPersonId("11010519491231002"));
  EXPECT_FALSE(IsPersonId(""));
  EXPECT_FALSE(IsPersonId("914403001922038216"));  // a unit's USCC (REFERENCE.md §4)
  // A USCC of digits may pass the resident check character by chance; positions 7–14 are then no
  // birth date (0019-22-03).
  ASSERT_TRUE(ValidateCitizenId("914403001922038210").ok());
  EXPECT_FALSE(IsPersonId("914403001922038210"));
}

// ---- nested shares ----

// 100 allocated, 82 to 南疆四地州 of which 69 to deep-poverty counties: 82 % meets 80 %, but
// 69 / 82 = 84.146… % misses 85 %.
TEST(MonitoringRules, NestedShareMeetsTheOuterAndMissesTheInner) {
  const MonitoringRule rule = Nested();
  const std::vector<RegionAllocation> allocations = {
      {"653222", Yuan(40)}, {"653223", Yuan(29)}, {"653101", Yuan(13)}, {"650102", Yuan(18)}};
  auto shares = NestedShare(allocations, rule.outer_prefixes, rule.inner_prefixes);
  ASSERT_TRUE(shares.ok()) << shares.status();
  EXPECT_EQ(shares->outer.PercentText(), "82.00");
  EXPECT_EQ(shares->inner_of_outer.PercentText(), "84.15");
  EXPECT_FALSE(shares->outer.BelowPercent(rule.outer_min));
  EXPECT_TRUE(shares->inner_of_outer.BelowPercent(rule.inner_min));
  EXPECT_TRUE(MissesNestedShare(*shares, rule, Yuan(100)));
}

TEST(MonitoringRules, NestedShareAtTheEdgesIsExact) {
  const MonitoringRule rule = Nested();
  auto share = [&](std::vector<RegionAllocation> a) { return *NestedShare(a, rule.outer_prefixes, rule.inner_prefixes); };
  // Exactly 80 % and exactly 85 % meet the rule.
  EXPECT_FALSE(MissesNestedShare(share({{"653222", Yuan(68)}, {"653101", Yuan(12)}, {"650102", Yuan(20)}}), rule, Yuan(100)));
  // 84.999 % misses, though it reads 85.00 rounded.
  const NestedShares just_under = share({{"653222", Money::Fen(84'999)}, {"6531", Money::Fen(15'001)}});
  EXPECT_EQ(just_under.inner_of_outer.PercentText(), "85.00");
  EXPECT_TRUE(MissesNestedShare(just_under, rule, Money::Fen(100'000)));
  // 79.999 % to the outer regions misses whatever the inner share.
  EXPECT_TRUE(MissesNestedShare(share({{"653222", Money::Fen(79'999)}, {"650102", Money::Fen(20'001)}}), rule,
                                Money::Fen(100'000)));
  // Nothing to the outer regions misses the outer share; an inner share of nothing is 0.
  const NestedShares none_outer = share({{"650102", Yuan(100)}});
  EXPECT_EQ(none_outer.inner_of_outer.PercentText(), "0.00");
  EXPECT_TRUE(MissesNestedShare(none_outer, rule, Yuan(100)));
  MonitoringRule no_outer_minimum = rule;
  no_outer_minimum.outer_min = Rate();
  EXPECT_FALSE(MissesNestedShare(none_outer, no_outer_minimum, Yuan(100)));  // no outer part, no inner test
  // Nothing allocated misses nothing.
  EXPECT_FALSE(MissesNestedShare(share({}), rule, Money()));
  // A region code shorter than a prefix is not in it.
  EXPECT_TRUE(MissesNestedShare(share({{"65", Yuan(100)}}), rule, Yuan(100)));
}

TEST(MonitoringRules, NestedShareSumsAreChecked) {
  const MonitoringRule rule = Nested();
  const Money max = Money::Fen(std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(NestedShare({{"653222", max}, {"650102", Money::Fen(1)}}, rule.outer_prefixes, rule.inner_prefixes).ok());
  EXPECT_TRUE(NestedShare({{"653222", max}}, rule.outer_prefixes, rule.inner_prefixes).ok());
}

// ---- deadlines ----

TEST(MonitoringRules, PastDeadlineFromTheDayAfter) {
  EXPECT_FALSE(PastDeadline(D("2024-01-01"), 30, D("2024-01-01")));
  EXPECT_FALSE(PastDeadline(D("2024-01-01"), 30, D("2024-01-31")));  // the 30th day after: still due
  EXPECT_TRUE(PastDeadline(D("2024-01-01"), 30, D("2024-02-01")));
  EXPECT_FALSE(PastDeadline(D("2024-02-01"), 30, D("2024-03-02")));  // through 29 February
  EXPECT_TRUE(PastDeadline(D("2024-02-01"), 30, D("2024-03-03")));
  EXPECT_TRUE(PastDeadline(D("2023-12-15"), 30, D("2024-01-15")));  // across the year
  EXPECT_FALSE(PastDeadline(D("2024-01-01"), 30, D("2023-12-31")));
}

// ---- the shipped file ----

std::shared_ptr<const PolicyData> Shipped() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return *data;
}

TEST(MonitoringRulesData, ShippedRulesKeepTheFormerThresholds) {
  const MonitoringRules& rules = Shipped()->monitoring_rules();
  EXPECT_EQ(rules.all().size(), 13u);
  const Date today = D("2026-06-01");
  auto only = [&](absl::string_view kind) {
    const auto r = rules.InForce(today, kind);
    EXPECT_EQ(r.size(), 1u) << kind;
    return r.empty() ? MonitoringRule() : *r[0];
  };
  EXPECT_EQ(only(kExecutionLagging).tolerance, Rate::FromBasisPoints(1000));
  EXPECT_EQ(only(kIdleAllocation).days, 30);
  EXPECT_EQ(only(kPaymentUnconfirmed).working_days, 3);
  EXPECT_EQ(only(kPaymentFailedOpen).working_days, 5);
  EXPECT_EQ(only(kLargePersonalPayment).threshold, Yuan(50'000));
  EXPECT_EQ(only(kLateAllocation).days, 30);
  EXPECT_EQ(only(kTransferToOwnAccount).action, RuleAction::kBlock);
  EXPECT_EQ(only(kNonWorkingDayPayment).action, RuleAction::kRecord);
  const MonitoringRule* xj = rules.Find("R-XJ-NESTED");
  ASSERT_NE(xj, nullptr);
  EXPECT_EQ(xj->ParametersText(), "fund_region_prefix=65 outer=XJ_SOUTH_4>=80 inner=XJ_DEEP_POVERTY>=85");
  EXPECT_EQ(xj->outer_prefixes, (std::vector<std::string>{"6529", "6530", "6531", "6532"}));
  EXPECT_EQ(xj->inner_prefixes.size(), 22u);
  for (const auto& r : rules.all()) EXPECT_FALSE(r.source.empty()) << r.rule_id;
  EXPECT_TRUE(rules.InForce(D("2014-12-31")).empty());
}

// The line of the `rules {` that holds `rule_id`, in the shipped file.
int LineOfRule(const std::string& rule_id) {
  std::ifstream in(std::string(SUBSIDY_DATA_DIR) + "/monitoring_rules.textproto");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const size_t id = text.find(absl::StrCat("rule_id: \"", rule_id, "\""));
  const size_t block = text.rfind("rules {", id);
  return id == std::string::npos || block == std::string::npos
             ? -1
             : static_cast<int>(std::count(text.begin(), text.begin() + block, '\n')) + 1;
}

TEST(MonitoringRulesData, AMalformedRuleNamesItsLine) {
  testing::DataCopy copy;
  copy.Replace("monitoring_rules.textproto", "days: 30\n  status: \"P\"\n  source: \"issue 'Funds from budget",
               "days: 0\n  status: \"P\"\n  source: \"issue 'Funds from budget");
  auto r = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_FALSE(r.ok());
  const int line = LineOfRule("R-IDLE-30");
  ASSERT_GT(line, 0);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr(absl::StrCat("monitoring_rules.textproto:", line, ": rules[")));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("days must be 1 to 366"));
}

TEST(MonitoringRulesData, EachRefusalNamesFileAndLine) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"outer_list: \"XJ_SOUTH_4\"", "outer_list: \"XJ_SOUTH\"", "outer_list XJ_SOUTH names no region list"},
      {"kind: \"IDLE_ALLOCATION\"", "kind: \"IDLE\"", "not a kind"},
      {"severity: \"BLUE\"", "severity: \"GREEN\"", "severity must be"},
      {"action: \"RECORD\"", "action: \"LOG\"", "action must be"},
      {"action: \"RECORD\"", "action: \"BLOCK\"", "only TRANSFER_TO_OWN_ACCOUNT may BLOCK"},
      {"tolerance_points: \"10\"\n", "", "tolerance_points is missing"},
      {"outer_min_percent: \"80\"", "outer_min_percent: \"80%\"", "outer_min_percent"},
      {"rule_id: \"R-HELD\"", "rule_id: \"R-OVERDUE\"", "rule_id listed twice"},
      {"effective_from: \"2015-01-01\"\n  days: 30", "effective_from: \"2015-1-1\"\n  days: 30", "effective_from"},
      {"effective_from: \"2015-01-01\"\n  days: 30", "effective_from: \"2015-01-01\"\n  effective_to: \"2014-12-31\"\n  days: 30",
       "effective_to is before"},
      {"effective_from: \"2015-01-01\"\n  days: 30", "days: 30", "effective_from is missing"},
      {"working_days: 3\n  status: \"P\"", "working_days: 3\n  status: \"Q\"", "status must be C, P or U"},
      {"threshold_fen: 5000000", "threshold_fen: 5000000\n  tolerance_points: \"0\"",
       "tolerance_points is not a parameter of LARGE_PERSONAL_PAYMENT"},
      {"threshold_fen: 5000000", "threshold_fen: 5000000\n  days: 30", "days is not a parameter"},
      {"prefixes: \"6532\"", "prefixes: \"65A2\"", "prefix \"65A2\""},
      {"prefixes: \"6532\"", "prefixes: \"6531\"", "prefix 6531 listed twice"},
      {"list_id: \"XJ_DEEP_POVERTY\"", "list_id: \"XJ_SOUTH_4\"", "list_id listed twice"},
  };
  for (const auto& [from, to, problem] : cases) {
    testing::DataCopy copy;
    copy.Replace("monitoring_rules.textproto", from, to);
    auto r = PolicyData::LoadFromDirectory(copy.path());
    ASSERT_FALSE(r.ok()) << to;
    EXPECT_THAT(std::string(r.status().message()), MatchesRegex(".*monitoring_rules\\.textproto:[0-9]+: .*")) << to;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(problem)) << to;
  }
}

TEST(MonitoringRulesData, TheRulesAreInTheVersion) {
  testing::DataCopy copy;
  copy.Replace("monitoring_rules.textproto", "threshold_fen: 5000000", "threshold_fen: 5000001");
  auto changed = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_NE((*changed)->version(), Shipped()->version());
  EXPECT_EQ((*changed)->monitoring_rules().Find("R-LARGE-PERSON")->threshold, Money::Fen(5'000'001));
}

TEST(MonitoringRulesData, AMissingFileIsRefused) {
  testing::DataCopy copy;
  std::filesystem::remove(copy.path() + "/monitoring_rules.textproto");
  auto r = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("monitoring_rules.textproto"));
}

}  // namespace
}  // namespace subsidy::funds
