// Dual control's instructions (双人复核): a money movement made by a person runs first as a trial
// (undone) to learn what it would post, holds reservations while it waits (the database refuses
// to over-commit them), and is decided once by a second officer. InstructionTx inside a
// transaction (LedgerTx::instructions()), InstructionReads outside one (Storage::instructions());
// both written once in instruction_ledger.cc.
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

class InstructionTx {
 public:
  virtual ~InstructionTx() = default;
  // A trial runs a posting and undoes it (a savepoint), to learn what it would post; the entries
  // it posts meanwhile (FundTx::PostFundEntry) and the payouts it pays are captured.
  virtual absl::Status BeginTrial(Captured* captured) = 0;
  virtual absl::Status UndoTrial() = 0;
  // What is posted from now on is captured (nullptr: no more), without a trial: what an approval
  // posts, to compare with what it approved.
  virtual void CaptureEntries(Captured* captured) = 0;
  // Entries posted from now on name this checker (the approval of an instruction).
  virtual void SetChecker(std::string checker) = 0;
  // Holds (sign +1) or releases (−1) a reservation; the database refuses an over-commitment.
  virtual absl::Status Reserve(const Reservation& r, int sign) = 0;
  virtual absl::StatusOr<int64_t> InsertInstruction(const InstructionRow& row) = 0;
  virtual absl::StatusOr<std::optional<InstructionRow>> InstructionForUpdate(int64_t seq) = 0;
  // PENDING_APPROVAL → POSTED or REJECTED, once (the database refuses a second decision).
  virtual absl::Status DecideInstruction(int64_t seq, InstructionState state, const std::string& checker,
                                         const std::string& reason, const std::string& result_id) = 0;
  // Whether an instruction on `subject` waits for approval.
  virtual absl::StatusOr<bool> InstructionPendingOn(const std::string& subject) = 0;
  // The movements `maker` posted on `day` without a second officer (under the threshold), and
  // one more: dual control's threshold holds for a person's day, so movements split to stay
  // under it add up.
  virtual absl::StatusOr<Money> UncheckedOn(const std::string& maker, Date day) = 0;
  virtual absl::Status RecordUnchecked(const std::string& maker, Date day, Money amount, const std::string& rpc,
                                       const std::string& request_id) = 0;
};

// The pending instructions' count and amount.
struct PendingTotals {
  int64_t count = 0;
  Money amount;
};

// What pending instructions reserve in one fund (allocations, cuts, recipients' payments), and of
// it the reserved payments.
struct FundPending {
  Money pending;
  Money pending_payments;
};

class InstructionReads {
 public:
  virtual ~InstructionReads() = default;
  // Instructions, newest first; the pending ones' count and amount (the filter's fund and maker).
  virtual absl::StatusOr<std::optional<InstructionRow>> GetInstruction(int64_t seq) = 0;
  virtual absl::StatusOr<std::vector<InstructionRow>> ListInstructions(const InstructionFilter& filter) = 0;
  virtual absl::StatusOr<PendingTotals> PendingInstructions(const std::string& fund_id, const std::string& maker) = 0;
  // What pending instructions reserve, per fund.
  virtual absl::StatusOr<std::map<std::string, FundPending>> PendingByFund() = 0;
  // The pending instruction on each of these subjects ("claim:CL-…"), by subject.
  virtual absl::StatusOr<std::map<std::string, int64_t>> PendingOnSubjects(const std::vector<std::string>& subjects) = 0;
};

// The SQL implementation (instruction_ledger.cc), for the ledger's composition (ledger.cc).
std::unique_ptr<InstructionTx> NewInstructionTx(TxContext& tx);
std::unique_ptr<InstructionReads> NewInstructionReads(Dialect& dialect);

}  // namespace subsidy::storage
