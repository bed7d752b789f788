#include "policy/policy_loaders.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "subsidy/data/v1/policy_data.pb.h"

namespace subsidy::policy_loaders {
namespace {

namespace pb = ::subsidy::data::v1;

constexpr char kRewardFile[] = "reward_policies.textproto";

// How the award is computed, with the parameters its formula needs.
absl::Status ReadRewardFormula(const RowError& err, const pb::RewardPolicyData& p, RewardPolicy& r) {
  if (p.formula() == "FIXED") {
    r.formula = RewardFormula::kFixed;
    if (p.fixed_amount_fen() <= 0) return err("FIXED needs fixed_amount_fen > 0");
    if (!p.metric().empty()) return err("FIXED reads no metric");
    r.fixed_amount = Money::Fen(p.fixed_amount_fen());
  } else if (p.formula() == "RATE_WITH_CAP") {
    r.formula = RewardFormula::kRateWithCap;
    auto rate = Rate::Parse(p.rate_percent());
    if (!rate.ok()) return err(absl::StrCat("rate_percent: ", rate.status().message()));
    if (p.per_award_cap_fen() <= 0) return err("RATE_WITH_CAP needs per_award_cap_fen > 0");
    r.rate = *rate;
    r.per_award_cap = Money::Fen(p.per_award_cap_fen());
  } else if (p.formula() == "PER_UNIT") {
    r.formula = RewardFormula::kPerUnit;
    if (p.per_unit_fen() <= 0) return err("PER_UNIT needs per_unit_fen > 0");
    r.per_unit = Money::Fen(p.per_unit_fen());
  } else if (p.formula() == "TIERED") {
    r.formula = RewardFormula::kTiered;
    if (p.tiers().empty()) return err("TIERED needs tiers");
    for (int t = 0; t < p.tiers_size(); ++t) {
      const auto& tier = p.tiers(t);
      if (tier.amount_fen() <= 0 || tier.min_metric() < 0) return err("tiers need amount_fen > 0 and min_metric >= 0");
      if (t > 0 && (tier.min_metric() <= p.tiers(t - 1).min_metric() || tier.amount_fen() <= p.tiers(t - 1).amount_fen())) {
        return err("tiers must rise in both min_metric and amount_fen");
      }
      r.tiers.push_back({tier.min_metric(), Money::Fen(tier.amount_fen())});
    }
  } else {
    return err("a policy without a formula (FIXED, RATE_WITH_CAP, PER_UNIT or TIERED)");
  }
  return absl::OkStatus();
}

// How often one enterprise may be awarded, with the cap or group its rule needs.
absl::Status ReadRepeatRule(const RowError& err, const pb::RewardPolicyData& p, RewardPolicy& r) {
  if (p.repeat_rule() == "ONCE_EVER") {
    r.repeat_rule = RepeatRule::kOnceEver;
  } else if (p.repeat_rule() == "ONCE_PER_YEAR") {
    r.repeat_rule = RepeatRule::kOncePerYear;
  } else if (p.repeat_rule() == "ANNUAL_CAP") {
    r.repeat_rule = RepeatRule::kAnnualCap;
    if (p.annual_cap_fen() <= 0) return err("ANNUAL_CAP needs annual_cap_fen > 0");
    r.annual_cap = Money::Fen(p.annual_cap_fen());
  } else if (p.repeat_rule() == "GROUP_HIGHEST_PER_YEAR") {
    r.repeat_rule = RepeatRule::kGroupHighestPerYear;
    if (p.group().empty()) return err("GROUP_HIGHEST_PER_YEAR needs a group");
  } else {
    return err("repeat_rule must be ONCE_EVER, ONCE_PER_YEAR, ANNUAL_CAP or GROUP_HIGHEST_PER_YEAR");
  }
  return absl::OkStatus();
}

// Policy `i` (`ids`: the policy ids read so far).
absl::StatusOr<RewardPolicy> ReadRewardPolicy(const DataFile& f, const pb::RewardPolicyData& p, int i,
                                              std::set<std::string>& ids) {
  const std::string what = absl::StrCat("policies[", i, "] (", p.policy_id(), ")");
  const RowError err{f, "policies", i, what};
  if (p.policy_id().empty() || !ids.insert(p.policy_id()).second) return err("policy_id missing or listed twice");
  if (p.name().empty() || p.department().empty()) return err("name and department are required");
  if (!ValidStatus(p.status())) return err("status must be C, P or U");
  if (p.source().empty()) return err("source is missing");
  RewardPolicy r;
  r.policy_id = p.policy_id();
  r.name = p.name();
  r.department = p.department();
  r.metric = p.metric();
  r.status = Sure(p.status());
  r.source = p.source();
  r.note = p.note();
  if (auto s = ReadRewardFormula(err, p, r); !s.ok()) return s;
  if (r.formula != RewardFormula::kFixed && r.metric.empty()) return err("the formula needs a metric");
  if (auto s = ReadRepeatRule(err, p, r); !s.ok()) return s;
  r.group = p.group();
  if (p.budget_fen() <= 0) return err("budget_fen must be positive");
  r.budget = Money::Fen(p.budget_fen());
  if (p.when_budget_short().empty() || p.when_budget_short() == "REJECT") {
    r.when_budget_short = BudgetShort::kReject;
  } else if (p.when_budget_short() == "PARTIAL") {
    r.when_budget_short = BudgetShort::kPartial;
  } else {
    return err("when_budget_short must be REJECT or PARTIAL");
  }
  if (p.payout_working_days() < 0 || p.payout_working_days() > 60) return err("payout_working_days must be 0..60");
  r.payout_working_days = p.payout_working_days() == 0 ? 5 : p.payout_working_days();
  return r;
}

}  // namespace

absl::StatusOr<RewardCatalog> LoadRewards(const std::string& dir, std::string* content) {
  pb::RewardPolicyTable msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kRewardFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  RewardCatalog out;
  std::set<std::string> ids;
  for (int i = 0; i < msg.policies_size(); ++i) {
    auto policy = ReadRewardPolicy(*f, msg.policies(i), i, ids);
    if (!policy.ok()) return policy.status();
    out.policies.push_back(std::move(*policy));
  }
  return out;
}

}  // namespace subsidy::policy_loaders
