// A reward policy's budget for a year, read inside a transaction: for a determination and for a
// failed payout's reissue, which takes its budget again.
#pragma once

#include "absl/status/statusor.h"
#include "policy/policy_data.h"
#include "storage/storage.h"

namespace subsidy::service {

// The policy with its budget for the year — reward::BudgetForYear's, as ListRewardPolicies and the
// metric show it: the funds' allocations to the policy for the year, when there are any —, what it
// has awarded against that budget, and whether funds allocated to it for the year.
struct BudgetedPolicy {
  RewardPolicy policy;
  Money awarded;
  bool funded = false;
};
absl::StatusOr<BudgetedPolicy> WithBudget(storage::LedgerTx& tx, const RewardPolicy& policy, int year);

}  // namespace subsidy::service
