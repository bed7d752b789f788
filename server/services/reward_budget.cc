#include "services/reward_budget.h"

#include "reward/reward_engine.h"

namespace subsidy::service {

absl::StatusOr<BudgetedPolicy> WithBudget(storage::LedgerTx& tx, const RewardPolicy& policy, int year) {
  auto awarded = tx.payouts().PolicyAwarded(policy.policy_id);  // also locks the policy's budget row
  if (!awarded.ok()) return awarded.status();
  auto funded = tx.funds().AllocatedToRecipient("REWARD_POLICY", policy.policy_id, year);
  if (!funded.ok()) return funded.status();
  Money awarded_in_year;
  if (funded->has_value()) {
    auto in_year = tx.payouts().PolicyAwardedInYear(policy.policy_id, year);
    if (!in_year.ok()) return in_year.status();
    awarded_in_year = *in_year;
  }
  const reward::PolicyBudget budget = reward::BudgetForYear(policy, *funded, awarded_in_year, *awarded);
  BudgetedPolicy out{policy, budget.awarded, funded->has_value()};
  out.policy.budget = budget.budget;
  return out;
}

}  // namespace subsidy::service
