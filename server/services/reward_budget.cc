#include "services/reward_budget.h"

#include "reward/reward_engine.h"

namespace subsidy::service {

absl::StatusOr<BudgetedPolicy> BudgetBook::For(const RewardPolicy& policy, int year) {
  auto ever = ever_.find(policy.policy_id);
  if (ever == ever_.end()) {
    auto awarded = tx_.payouts().PolicyAwarded(policy.policy_id);  // also locks the policy's budget row
    if (!awarded.ok()) return awarded.status();
    ever = ever_.emplace(policy.policy_id, *awarded).first;
  }
  auto in_year = years_.find({policy.policy_id, year});
  if (in_year == years_.end()) {
    Year y;
    auto funded = tx_.funds().AllocatedToRecipient("REWARD_POLICY", policy.policy_id, year);
    if (!funded.ok()) return funded.status();
    y.funded = *funded;
    if (y.funded) {
      auto awarded = tx_.payouts().PolicyAwardedInYear(policy.policy_id, year);
      if (!awarded.ok()) return awarded.status();
      y.awarded = *awarded;
    }
    in_year = years_.emplace(std::make_pair(policy.policy_id, year), y).first;
  }
  const reward::PolicyBudget budget =
      reward::BudgetForYear(policy, in_year->second.funded, in_year->second.awarded, ever->second);
  BudgetedPolicy out{policy, budget.awarded, in_year->second.funded.has_value()};
  out.policy.budget = budget.budget;
  return out;
}

absl::Status BudgetBook::Add(const std::string& policy_id, int year, Money amount) {
  auto ever = ever_.find(policy_id);
  auto in_year = years_.find({policy_id, year});
  if (ever == ever_.end() || in_year == years_.end()) return absl::InternalError("an award added before its budget was read");
  auto total = ever->second.Plus(amount);
  if (!total.ok()) return total.status();
  auto yearly = in_year->second.awarded.Plus(amount);
  if (!yearly.ok()) return yearly.status();
  ever->second = *total;
  in_year->second.awarded = *yearly;
  return absl::OkStatus();
}

absl::StatusOr<BudgetedPolicy> WithBudget(storage::LedgerTx& tx, const RewardPolicy& policy, int year) {
  return BudgetBook(tx).For(policy, year);
}

}  // namespace subsidy::service
