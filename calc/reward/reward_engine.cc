#include "reward/reward_engine.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "money/exact.h"

namespace subsidy::reward {

absl::StatusOr<std::optional<Money>> FormulaAmount(const RewardPolicy& policy,
                                                   const std::map<std::string, std::string>& metrics) {
  for (const auto& [name, value] : metrics) {
    if (name != policy.metric) {
      return InvalidField(absl::StrCat("metrics[", name, "]"),
                          policy.metric.empty() ? absl::StrCat("policy ", policy.policy_id, " reads no metric")
                                                : absl::StrCat("not used by policy ", policy.policy_id, " (it reads ",
                                                               policy.metric, ")"));
    }
  }
  int64_t metric = 0;
  if (!policy.metric.empty()) {
    auto it = metrics.find(policy.metric);
    const std::string field = absl::StrCat("metrics[", policy.metric, "]");
    if (it == metrics.end()) return InvalidField(field, "is required by policy " + policy.policy_id);
    auto v = ParseNonNegativeInteger(it->second);
    if (!v.ok()) return InvalidField(field, v.status().message());
    metric = *v;
  }
  switch (policy.formula) {
    case RewardFormula::kFixed:
      return std::optional<Money>(policy.fixed_amount);
    case RewardFormula::kRateWithCap: {
      auto amount = RoundQuotient(Int128(metric) * policy.rate.units(), Int128(100) * Rate::kUnitsPerPercent);
      if (!amount.ok()) return InvalidField(absl::StrCat("metrics[", policy.metric, "]"), "too large");
      return std::optional<Money>(Min(Money::Fen(*amount), policy.per_award_cap));
    }
    case RewardFormula::kPerUnit: {
      auto amount = policy.per_unit.Times(metric);
      if (!amount.ok()) return InvalidField(absl::StrCat("metrics[", policy.metric, "]"), "too large");
      return std::optional<Money>(*amount);
    }
    case RewardFormula::kTiered: {
      std::optional<Money> best;
      for (const auto& t : policy.tiers) {
        if (metric >= t.min_metric) best = t.amount;
      }
      return best;
    }
  }
  return absl::InternalError("unknown formula");
}

namespace {

// What a step of the decision found: nothing against the award (nullopt; the amount may have
// been reduced), or the reason to reject it.
using Verdict = absl::StatusOr<std::optional<Reason>>;

// A rejection keeps the reasons found so far, and schedules nothing.
Decision Rejected(Decision d, Reason reason) {
  d.scheduled = false;
  d.amount = Money();
  d.award_key.reset();
  d.reasons.push_back(std::move(reason));
  return d;
}

// ANNUAL_CAP: the enterprise's awards of the year count against the cap; an award over what is
// left is reduced to it.
Verdict ApplyAnnualCap(const RewardPolicy& policy, int year, const std::vector<PriorAward>& awards, Decision& d,
                       Money& amount) {
  Money awarded;
  for (const auto& a : awards) {
    if (a.policy_id != policy.policy_id || a.year != year) continue;
    auto sum = awarded.Plus(a.amount);
    if (!sum.ok()) return sum.status();
    awarded = *sum;
  }
  auto remaining = policy.annual_cap.Minus(awarded);
  if (!remaining.ok()) return remaining.status();
  const int64_t left = remaining->fen();
  if (left <= 0) {
    return Reason{kAnnualCapReached, absl::StrCat("the annual cap of ", policy.annual_cap.ToYuanString(),
                                                  " 元 for ", year, " is reached")};
  }
  if (amount.fen() > left) {
    d.reasons.push_back({kAnnualCapReached, absl::StrCat("reduced from ", amount.ToYuanString(), " to ",
                                                         Money::Fen(left).ToYuanString(), " 元 by the annual cap of ",
                                                         policy.annual_cap.ToYuanString(), " 元")});
    amount = Money::Fen(left);
  }
  return std::nullopt;
}

// GROUP_HIGHEST_PER_YEAR: one award a year across the group, the highest; a higher award pays
// only the difference to what the group has paid.
Verdict ApplyGroupHighest(const RewardPolicy& policy, int year, const std::vector<PriorAward>& awards, Decision& d,
                          Money& amount) {
  // What the group has paid this year is the value of its highest award so far.
  Money paid;
  for (const auto& a : awards) {
    if (a.group != policy.group || a.year != year) continue;
    auto sum = paid.Plus(a.amount);
    if (!sum.ok()) return sum.status();
    paid = *sum;
  }
  if (paid == amount) {
    return Reason{kCoveredByEqualAward, absl::StrCat("an equal award of ", paid.ToYuanString(), " 元 in group ",
                                                     policy.group, " already covers ", year, " (highest only)")};
  }
  if (paid > amount) {
    return Reason{kSupersededByHigherAward, absl::StrCat("an award of ", paid.ToYuanString(), " 元 in group ",
                                                         policy.group, " already covers ", year, " (highest only)")};
  }
  if (paid > Money()) {
    d.reasons.push_back({kTopUpOfLowerAward, absl::StrCat("pays the difference to the ", paid.ToYuanString(),
                                                          " 元 already awarded in group ", policy.group)});
    auto difference = amount.Minus(paid);
    if (!difference.ok()) return difference.status();
    amount = *difference;
  }
  return std::nullopt;
}

// The policy's repeat rule against the enterprise's earlier awards.
Verdict ApplyRepeatRule(const RewardPolicy& policy, const std::string& enterprise_uscc, int year,
                        const std::vector<PriorAward>& awards, Decision& d, Money& amount) {
  switch (policy.repeat_rule) {
    case RepeatRule::kOnceEver:
      for (const auto& a : awards) {
        if (a.policy_id == policy.policy_id) {
          return Reason{kDuplicateAward, absl::StrCat("already awarded in ", a.year, "; this reward is given once"),
                        {{"policy_id", policy.policy_id}, {"year", absl::StrCat(a.year)}}};
        }
      }
      d.award_key = absl::StrCat(policy.policy_id, "|", enterprise_uscc);
      return std::nullopt;
    case RepeatRule::kOncePerYear:
      for (const auto& a : awards) {
        if (a.policy_id == policy.policy_id && a.year == year) {
          return Reason{kDuplicateAward, absl::StrCat("already awarded in ", year, "; once per enterprise per year"),
                        {{"policy_id", policy.policy_id}, {"year", absl::StrCat(year)}}};
        }
      }
      d.award_key = absl::StrCat(policy.policy_id, "|", enterprise_uscc, "|", year);
      return std::nullopt;
    case RepeatRule::kAnnualCap: return ApplyAnnualCap(policy, year, awards, d, amount);
    case RepeatRule::kGroupHighestPerYear: return ApplyGroupHighest(policy, year, awards, d, amount);
  }
  return std::nullopt;
}

// The award against what is left of the policy's budget.
std::optional<Reason> ApplyBudget(const RewardPolicy& policy, Money policy_awarded, Decision& d, Money& amount) {
  const Money remaining = RemainingBudget(policy, policy_awarded);
  if (remaining < amount) {
    // What happens then is the policy's, from its data: refuse, or pay what is left.
    if (policy.when_budget_short == BudgetShort::kPartial && remaining > Money()) {
      d.reasons.push_back({kBudgetPartial, absl::StrCat("the policy's remaining budget ", remaining.ToYuanString(),
                                                        " 元 is below the award of ", amount.ToYuanString(),
                                                        " 元: the remaining budget is awarded")});
      amount = remaining;
    } else {
      return Reason{kBudgetExhausted,
                    absl::StrCat("the policy's remaining budget ", remaining.ToYuanString(), " 元 is below the award of ",
                                 amount.ToYuanString(), " 元 (when the budget is short, this policy rejects)"),
                    {{"available_yuan", remaining.ToYuanString()}, {"amount_yuan", amount.ToYuanString()}}};
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<Decision> Decide(const RewardPolicy& policy, const std::map<std::string, std::string>& metrics,
                                const std::string& enterprise_uscc, int year,
                                const std::vector<PriorAward>& awards, Money policy_awarded) {
  auto formula = FormulaAmount(policy, metrics);
  if (!formula.ok()) return formula.status();
  Decision d;
  if (!formula->has_value()) {
    return Rejected(std::move(d), {kBelowThreshold, absl::StrCat("the ", policy.metric, " is below the first tier (",
                                                                 policy.tiers.front().min_metric, ")")});
  }
  Money amount = **formula;
  if (amount.fen() == 0) return Rejected(std::move(d), {kBelowThreshold, "the formula gives no reward"});

  auto repeat = ApplyRepeatRule(policy, enterprise_uscc, year, awards, d, amount);
  if (!repeat.ok()) return repeat.status();
  if (*repeat) return Rejected(std::move(d), std::move(**repeat));
  if (auto short_budget = ApplyBudget(policy, policy_awarded, d, amount)) {
    return Rejected(std::move(d), std::move(*short_budget));
  }
  d.scheduled = true;
  d.amount = amount;
  return d;
}

Money RemainingBudget(const RewardPolicy& policy, Money policy_awarded) {
  auto left = policy.budget.Minus(policy_awarded);
  SUBSIDY_CHECK(left.ok());  // both are bounded by the data's budget
  return *left;
}

Money PolicyBudget::Remaining() const {
  auto left = budget.Minus(awarded);
  SUBSIDY_CHECK(left.ok());  // both are non-negative int64 分
  return *left;
}

PolicyBudget BudgetForYear(const RewardPolicy& policy, std::optional<Money> funds_allocated, Money awarded_in_year,
                           Money awarded_ever) {
  if (funds_allocated) return {*funds_allocated, awarded_in_year, true};
  return {policy.budget, awarded_ever, false};
}

std::map<std::string, PolicyBudget> BudgetsForYear(const std::vector<RewardPolicy>& policies,
                                                   const std::map<std::string, Money>& funds_allocated,
                                                   const std::map<std::string, Money>& awarded_in_year,
                                                   const std::map<std::string, Money>& awarded_ever) {
  auto find = [](const std::map<std::string, Money>& m, const std::string& id) -> std::optional<Money> {
    const auto it = m.find(id);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
  std::map<std::string, PolicyBudget> out;
  for (const auto& p : policies) {
    const Money in_year = find(awarded_in_year, p.policy_id).value_or(Money());
    const Money ever = find(awarded_ever, p.policy_id).value_or(Money());
    out.emplace(p.policy_id, BudgetForYear(p, find(funds_allocated, p.policy_id), in_year, ever));
  }
  return out;
}

absl::Status CheckPaymentDay(const WorkingDayCalendar& calendar, Date payment_date) {
  auto working = calendar.IsWorkingDay(payment_date);
  if (!working.ok()) return working.status();
  if (!*working) {
    return WithParams(FailedPrecondition(kNotAWorkingDay, absl::StrCat(payment_date.ToString(),
                                                                       " is not a working day on China's official "
                                                                       "calendar: payouts are paid on working days")),
                      {{"date", payment_date.ToString()}});
  }
  return absl::OkStatus();
}

std::string RunIdFor(const std::string& request_id) {
  return absl::StartsWith(request_id, "RUN-") ? request_id : "RUN-" + request_id;
}

std::string DescribeFormula(const RewardPolicy& p) {
  std::string description;
  switch (p.formula) {
    case RewardFormula::kFixed: description = absl::StrCat(p.fixed_amount.ToYuanString(), " 元"); break;
    case RewardFormula::kRateWithCap:
      description =
          absl::StrCat(p.rate.ToString(), " % of ", p.metric, ", at most ", p.per_award_cap.ToYuanString(), " 元");
      break;
    case RewardFormula::kPerUnit: description = absl::StrCat(p.per_unit.ToYuanString(), " 元 × ", p.metric); break;
    case RewardFormula::kTiered: description = absl::StrCat("tiered on ", p.metric, ", the highest tier reached"); break;
  }
  if (!p.note.empty()) absl::StrAppend(&description, " (", p.note, ")");
  return description;
}

}  // namespace subsidy::reward
