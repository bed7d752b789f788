// The funds' ledger (资金动态监控): a fund's money moves only by dated entries, appended and never
// changed, each moving the fund's, the recipient's and the day's figures (see FundEntry in
// rows.h). FundTx inside a transaction (LedgerTx::funds()), FundReads outside one
// (Storage::funds()); both written once in fund_ledger.cc.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "funds/limits.h"
#include "storage/rows.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

class FundTx {
 public:
  virtual ~FundTx() = default;
  // The fund, locked for this transaction; none for an unknown id.
  virtual absl::StatusOr<std::optional<FundRow>> FundForUpdate(const std::string& fund_id) = 0;
  // A new fund (its budget entry included).
  virtual absl::Status InsertFund(const FundRow& fund, const std::string& request_id) = 0;
  // Appends the entry and moves the fund's, the recipient's and the day's figures; returns its
  // id (FA-… for an allocation, FP-… for a payment, FB-… for a budget entry). The database
  // refuses allocated > budget and paid > allocated. Inside a trial (InstructionTx::BeginTrial)
  // the entry is also captured; after InstructionTx::SetChecker it names that checker.
  virtual absl::StatusOr<std::string> PostFundEntry(const FundEntry& entry) = 0;
  // Corrections. The payments of a recipient made for `reference`, with whether each is reversed.
  virtual absl::StatusOr<std::vector<FundPaymentRow>> FundPaymentsFor(const std::string& recipient_id,
                                                                     const std::string& reference) = 0;
  // A fund entry, for its reversal; none for an unknown id.
  virtual absl::StatusOr<std::optional<FundEntryRow>> FundEntryById(int64_t id) = 0;

  // Sums as of `as_of`: the fund's when `recipient_id` is empty, else the recipient's (budget 0).
  virtual absl::StatusOr<FundSums> FundSumsAsOf(const std::string& fund_id, const std::string& recipient_id,
                                                Date as_of) = 0;
  // The funds with money allocated to the recipient and not all paid, with the date of each one's
  // first allocation to it, by fund id (the order they are locked in; the order money is drawn in
  // is calc's, funds::DrawOldestFirst); only funds of `level` (when not empty) and of `budget_year`
  // (when not 0).
  struct RecipientFund {
    std::string fund_id;
    Date first_allocated;
  };
  virtual absl::StatusOr<std::vector<RecipientFund>> RecipientFunds(const std::string& recipient_kind,
                                                                  const std::string& recipient_id,
                                                                  const std::string& level, int budget_year) = 0;
  // What the recipient's funds (of `level` when not empty, of `budget_year` when not 0) had
  // allocated to it by `as_of`, reversals counted.
  virtual absl::StatusOr<Money> RecipientAllocatedAsOf(const std::string& recipient_kind,
                                                       const std::string& recipient_id, const std::string& level,
                                                       int budget_year, Date as_of) = 0;
  // What the funds of `budget_year` allocated to the recipient, in all; none when nothing was.
  virtual absl::StatusOr<std::optional<Money>> AllocatedToRecipient(const std::string& recipient_kind,
                                                                    const std::string& recipient_id,
                                                                    int budget_year) = 0;
  // The same read queued: `out` is filled by the transaction's next Flush() (LedgerTx) or
  // statement, and must outlive it.
  virtual absl::Status AllocatedToRecipientLater(const std::string& recipient_kind, const std::string& recipient_id,
                                                 int budget_year, std::optional<Money>* out) = 0;
  // A recipient's allocations and payments from a fund, all of them; none before its first allocation.
  virtual absl::StatusOr<std::optional<FundRecipientRow>> FundRecipient(const std::string& fund_id,
                                                                        const std::string& recipient_id) = 0;
  // The days a fund's budget or allocations moved (in: budget, out: allocated), by date; and the
  // days a recipient's allocation or payments moved (in: allocated, out: paid).
  virtual absl::StatusOr<std::vector<funds::DayMove>> FundDays(const std::string& fund_id) = 0;
  virtual absl::StatusOr<std::vector<funds::DayMove>> RecipientDays(const std::string& fund_id,
                                                                     const std::string& recipient_id) = 0;
  // The tracking id of the recipient's first allocation from the fund ("" when none).
  virtual absl::StatusOr<std::string> FirstTrackingId(const std::string& fund_id, const std::string& recipient_id) = 0;
  // Whether `tracking_id` is one of the recipient's allocations' in the fund.
  virtual absl::StatusOr<bool> HasTrackingId(const std::string& fund_id, const std::string& recipient_id,
                                             const std::string& tracking_id) = 0;
};

class FundReads {
 public:
  virtual ~FundReads() = default;
  virtual absl::StatusOr<std::optional<FundRow>> GetFund(const std::string& fund_id) = 0;
  virtual absl::StatusOr<std::vector<FundRow>> ListFunds(const FundFilter& filter) = 0;
  // Every fund the filter selects (paging aside), with its figures as of `as_of`.
  virtual absl::StatusOr<std::vector<FundFigures>> FundFiguresAsOf(const FundFilter& filter, Date as_of) = 0;
  // The recipients of these funds with an allocation on or before `as_of`, with their figures then.
  virtual absl::StatusOr<std::vector<FundRecipientRow>> RecipientFiguresAsOf(const std::vector<std::string>& fund_ids,
                                                                             Date as_of) = 0;
  // For the budgets of one year, every recipient of `recipient_kind` at once: what the funds of
  // budget year `year` allocated to each, in all, a recipient without an allocation row being
  // absent (FundTx::AllocatedToRecipient).
  virtual absl::StatusOr<std::map<std::string, Money>> AllocatedByRecipient(const std::string& recipient_kind,
                                                                            int year) = 0;
  // A fund's ledger (recording order) with its figures after each entry.
  virtual absl::StatusOr<std::vector<FundEntryRow>> ListFundEntries(const FundEntryFilter& filter) = 0;
};

// The SQL implementation (fund_ledger.cc), for the ledger's composition (ledger.cc).
std::unique_ptr<FundTx> NewFundTx(TxContext& tx);
std::unique_ptr<FundReads> NewFundReads(Dialect& dialect);

}  // namespace subsidy::storage
