// Reward policies as loaded from data/reward_policies.textproto.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "money/money.h"
#include "money/rate.h"
#include "policy/vocabulary.h"

namespace subsidy {

enum class RewardFormula { kFixed, kRateWithCap, kPerUnit, kTiered };
enum class RepeatRule { kOnceEver, kOncePerYear, kAnnualCap, kGroupHighestPerYear };
enum class BudgetShort { kReject, kPartial };
const char* RewardFormulaName(RewardFormula f);
const char* RepeatRuleName(RepeatRule r);

struct RewardTier {
  int64_t min_metric;
  Money amount;
};

struct RewardPolicy {
  std::string policy_id;
  std::string name;
  std::string department;
  RewardFormula formula = RewardFormula::kFixed;
  std::string metric;  // empty for FIXED
  Money fixed_amount;
  Rate rate;
  Money per_award_cap;
  Money per_unit;
  std::vector<RewardTier> tiers;  // ascending min_metric
  RepeatRule repeat_rule = RepeatRule::kOnceEver;
  Money annual_cap;
  std::string group;
  Money budget;
  BudgetShort when_budget_short = BudgetShort::kReject;
  int payout_working_days = 5;
  Certainty status = Certainty::kUnverified;
  std::string source;
  std::string note;
};

struct RewardCatalog {
  std::vector<RewardPolicy> policies;  // in file order
  const RewardPolicy* Find(const std::string& policy_id) const;
};

}  // namespace subsidy
