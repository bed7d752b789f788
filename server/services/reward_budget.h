// A reward policy's budget for a year, read inside a transaction: for a determination (one, or
// several decided together) and for a failed payout's reissue, which takes its budget again.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

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

// The ledger's figures behind policies' budgets, each read once in the transaction (the first read
// of a policy locks its budget row) and then moved by the awards decided in it, so that requests
// decided together see each other's awards as requests decided one by one would.
class BudgetBook {
 public:
  explicit BudgetBook(storage::LedgerTx& tx) : tx_(tx) {}
  // Queues the reads of the policy's figures for the year that are not read yet; they arrive with
  // the transaction's next Flush(), so that many policies' figures take one round trip.
  absl::Status ReadLater(const std::string& policy_id, int year);
  // The policy with its budget for the year, after the awards added so far (its figures read now
  // when not read yet, with any queued).
  absl::StatusOr<BudgetedPolicy> For(const RewardPolicy& policy, int year);
  // A new award of the policy in the year (For read its figures first).
  absl::Status Add(const std::string& policy_id, int year, Money amount);

 private:
  struct Year {
    std::optional<Money> funded;  // the funds' allocations to the policy for the year, if any
    Money awarded;                // its awards in the year (counting only when funded)
  };
  // Sends the queued reads, when any.
  absl::Status Read();

  storage::LedgerTx& tx_;
  bool unread_ = false;  // reads queued and not yet sent
  absl::Status failed_;  // once a read failed, every answer: its figure is not known
  std::map<std::string, Money> ever_;  // each policy's awards in all years
  std::map<std::pair<std::string, int>, Year> years_;
};

absl::StatusOr<BudgetedPolicy> WithBudget(storage::LedgerTx& tx, const RewardPolicy& policy, int year);

}  // namespace subsidy::service
