#include "services/reward_budget.h"

#include "reward/reward_engine.h"

namespace subsidy::service {

absl::Status BudgetBook::ReadLater(const std::string& policy_id, int year) {
  // (the maps' entries stay where they are while the reads fill them)
  if (!failed_.ok()) return failed_;
  if (auto [ever, added] = ever_.try_emplace(policy_id); added) {
    unread_ = true;
    // also locks the policy's budget row
    failed_ = tx_.payouts().PolicyAwardedLater(policy_id, &ever->second);
  }
  if (auto [in_year, added] = years_.try_emplace({policy_id, year}); added && failed_.ok()) {
    unread_ = true;
    Year& y = in_year->second;
    failed_ = tx_.funds().AllocatedToRecipientLater("REWARD_POLICY", policy_id, year, &y.funded);
    if (failed_.ok()) failed_ = tx_.payouts().PolicyAwardedInYearLater(policy_id, year, &y.awarded);
  }
  return failed_;
}

absl::Status BudgetBook::Read() {
  // A figure whose read failed (and was sent, whatever the outcome) is never taken for zero.
  if (failed_.ok() && unread_) failed_ = tx_.Flush();
  unread_ = false;
  return failed_;
}

absl::StatusOr<BudgetedPolicy> BudgetBook::For(const RewardPolicy& policy, int year) {
  if (auto s = ReadLater(policy.policy_id, year); !s.ok()) return s;
  if (auto s = Read(); !s.ok()) return s;
  auto in_year = years_.find({policy.policy_id, year});
  auto ever = ever_.find(policy.policy_id);
  const reward::PolicyBudget budget =
      reward::BudgetForYear(policy, in_year->second.funded, in_year->second.awarded, ever->second);
  BudgetedPolicy out{policy, budget.awarded, in_year->second.funded.has_value()};
  out.policy.budget = budget.budget;
  return out;
}

absl::Status BudgetBook::Add(const std::string& policy_id, int year, Money amount) {
  if (auto s = Read(); !s.ok()) return s;
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
