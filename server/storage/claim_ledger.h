// The loan-subsidy claims' ledger (贴息申请): a claim staged in steps, settled by the once-only
// rule inside the idempotent transaction that makes it visible, then paid or rejected (see
// ClaimRow in rows.h). ClaimTx inside a transaction (LedgerTx::claims()); ClaimReads outside one
// (Storage::claims()): the reads, and the staging steps, each its own transaction. Both written
// once in claim_ledger.cc.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/rows.h"
#include "time/clock.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

class ClaimTx {
 public:
  virtual ~ClaimTx() = default;
  // Settles a staged claim: each loan's first ACCEPTED line takes the once-only key
  // (bank_id, loan_id, period), which the database holds unique; a line whose key another line
  // holds (earlier in this claim, or in a claim that is not REJECTED) becomes DUPLICATE of that
  // claim. Then the totals (ACCEPTED lines only) and status SUBMITTED. FAILED_PRECONDITION
  // UPLOAD_SUPERSEDED when a later attempt of the same request deleted the staged claim.
  virtual absl::StatusOr<ClaimRow> SubmitStagedClaim(int64_t claim_seq) = 0;
  // A visible claim, locked for this transaction; none for an unknown or staged one.
  virtual absl::StatusOr<std::optional<ClaimRow>> ClaimForUpdate(int64_t claim_seq) = 0;
  // SUBMITTED → PAID with a unique voucher number.
  virtual absl::StatusOr<ClaimRow> PayClaim(int64_t claim_seq, Date paid_date, const std::string& reviewer) = 0;
  // SUBMITTED → REJECTED; its once-only keys are released for a later claim.
  virtual absl::StatusOr<ClaimRow> RejectClaim(int64_t claim_seq, const std::string& reason,
                                               const std::string& reviewer) = 0;
};

class ClaimReads {
 public:
  virtual ~ClaimReads() = default;
  // Staging, each step its own transaction.
  virtual absl::StatusOr<int64_t> BeginClaim(const ClaimRow& header) = 0;
  virtual absl::Status AppendClaimLines(int64_t claim_seq, const std::vector<ClaimLineRow>& lines) = 0;
  virtual absl::Status AbandonClaim(int64_t claim_seq) = 0;
  // Visible claims only.
  virtual absl::StatusOr<std::optional<ClaimRow>> GetClaim(int64_t claim_seq) = 0;
  virtual absl::StatusOr<std::vector<ClaimRow>> ListClaims(const ClaimFilter& filter) = 0;
  virtual absl::StatusOr<std::vector<ClaimLineRow>> ListClaimLines(const ClaimLineFilter& filter) = 0;
};

// The SQL implementation (claim_ledger.cc), for the ledger's composition (ledger.cc).
std::unique_ptr<ClaimTx> NewClaimTx(TxContext& tx);
std::unique_ptr<ClaimReads> NewClaimReads(Dialect& dialect, const Clock& clock);

}  // namespace subsidy::storage
