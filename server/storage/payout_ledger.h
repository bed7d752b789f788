// The reward payouts' ledger (奖励兑付): determinations, each policy's awarded totals (in all and
// per award year), disbursement runs, holds and cancellations. PayoutTx inside a transaction
// (LedgerTx::payouts()), PayoutReads outside one (Storage::payouts()); both written once in
// payout_ledger.cc.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/rows.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

class PayoutTx {
 public:
  virtual ~PayoutTx() = default;
  // Each enterprise's awards (SCHEDULED or DISBURSED payouts), oldest first; one without any is absent.
  virtual absl::StatusOr<std::map<std::string, std::vector<PriorAwardRow>>> EnterpriseAwards(
      const std::vector<std::string>& enterprise_usccs) = 0;
  // What the policy has awarded so far (locks the policy's budget row for this transaction).
  virtual absl::StatusOr<Money> PolicyAwarded(const std::string& policy_id) = 0;
  // What the policy awarded (SCHEDULED or DISBURSED) in an award year.
  virtual absl::StatusOr<Money> PolicyAwardedInYear(const std::string& policy_id, int year) = 0;
  // The same three reads queued: `out` is filled by the transaction's next Flush() (LedgerTx) or
  // statement, and must outlive it. EnterpriseAwardsLater adds to what `out` holds.
  virtual absl::Status EnterpriseAwardsLater(const std::vector<std::string>& enterprise_usccs,
                                             std::map<std::string, std::vector<PriorAwardRow>>* out) = 0;
  virtual absl::Status PolicyAwardedLater(const std::string& policy_id, Money* out) = 0;
  virtual absl::Status PolicyAwardedInYearLater(const std::string& policy_id, int year, Money* out) = 0;
  // Inserts the payouts (request_ids distinct), setting each one's seq; the SCHEDULED ones also add
  // to their policy's awarded totals. A second award under the same award_key fails them all: the
  // database holds the key unique.
  virtual absl::Status InsertPayouts(std::vector<PayoutRow>* rows) = 0;
  // Pays every SCHEDULED payout with determination_date <= payment_date: status DISBURSED,
  // paid_date, a unique voucher number. Returns the rows paid (as they are after payment), by seq.
  virtual absl::StatusOr<std::vector<PayoutRow>> DisburseDue(Date payment_date) = 0;
  // The SCHEDULED payouts with determination_date <= payment_date, by seq; one of them paid (status
  // DISBURSED, paid_date, voucher), or held with the reason a run could not pay it.
  virtual absl::StatusOr<std::vector<PayoutRow>> DuePayouts(Date payment_date) = 0;
  virtual absl::Status DisbursePayout(PayoutRow* payout, Date payment_date) = 0;
  virtual absl::Status HoldPayout(int64_t seq, const std::string& reason) = 0;
  // Corrections. A payout, locked; none for an unknown one.
  virtual absl::StatusOr<std::optional<PayoutRow>> PayoutForUpdate(int64_t seq) = 0;
  // Moves what a policy awarded (in all and in `year`) by `delta`: a paid award whose payment the
  // bank failed gives its budget back (negative), and takes it again when reissued.
  virtual absl::Status MoveAwarded(const std::string& policy_id, int year, Money delta) = 0;
  // SCHEDULED → CANCELLED with its cancellation recorded; the policy's awarded total is freed.
  virtual absl::StatusOr<PayoutRow> CancelPayout(int64_t seq, const std::string& reason, const std::string& request_id,
                                                 const std::string& caller) = 0;
};

// How many payouts match a filter (its paging fields aside), and their amount.
struct PayoutTotals {
  int64_t count = 0;
  Money amount;
};

// For metrics: the payouts of one status and rejection reason.
struct PayoutStat {
  PayoutStatus status;
  std::string reject_reason;
  int64_t count;
  Money amount;
};

class PayoutReads {
 public:
  virtual ~PayoutReads() = default;
  virtual absl::StatusOr<std::optional<PayoutRow>> GetPayout(int64_t seq) = 0;
  virtual absl::StatusOr<std::vector<PayoutRow>> ListPayouts(const PayoutFilter& filter) = 0;
  virtual absl::StatusOr<PayoutTotals> TotalPayouts(const PayoutFilter& filter) = 0;
  // Awarded so far per policy (for the remaining budgets).
  virtual absl::StatusOr<std::map<std::string, Money>> AwardedByPolicy() = 0;
  // For the budgets of one year (reward::BudgetForYear), every policy at once: what each policy
  // awarded (SCHEDULED or DISBURSED) in award year `year` (PayoutTx::PolicyAwardedInYear); what the
  // funds of that year allocated to each policy is FundReads::AllocatedByRecipient.
  virtual absl::StatusOr<std::map<std::string, Money>> AwardedByPolicyInYear(int year) = 0;
  virtual absl::StatusOr<std::vector<PayoutStat>> PayoutStats() = 0;
  // SCHEDULED payouts a run held back (hold_reason set), by seq.
  virtual absl::StatusOr<std::vector<PayoutRow>> HeldPayouts() = 0;
  // Payouts overdue as of a day (SCHEDULED and past due then: paid later, or not yet), in seq order: of the reward policies named (every one when none),
  // `limit` of them from `offset` (limit < 0: all), and how many in all (counted by the database, so
  // that a page of alerts reads only its own rows).
  virtual absl::StatusOr<std::vector<PayoutRow>> OverduePayoutsAsOf(Date as_of,
                                                                    const std::vector<std::string>* policies,
                                                                    int64_t offset, int64_t limit) = 0;
  virtual absl::StatusOr<int64_t> CountOverduePayouts(Date as_of, const std::vector<std::string>* policies) = 0;
};

// The SQL implementation (payout_ledger.cc), for the ledger's composition (ledger.cc).
std::unique_ptr<PayoutTx> NewPayoutTx(TxContext& tx);
std::unique_ptr<PayoutReads> NewPayoutReads(Dialect& dialect);

}  // namespace subsidy::storage
