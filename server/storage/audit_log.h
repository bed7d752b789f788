// The audit trail: one line per mutation, written inside the mutation's own transaction (so a
// rolled-back call leaves none). AuditTx inside a transaction (LedgerTx::audit()), AuditReads
// outside one (Storage::audit()); both written once in audit_log.cc.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/rows.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

class AuditTx {
 public:
  virtual ~AuditTx() = default;
  // The lines of several mutations decided together, in order.
  virtual absl::Status AuditAll(const std::vector<AuditEntry>& entries) = 0;
  absl::Status Audit(const AuditEntry& entry) { return AuditAll({entry}); }
};

class AuditReads {
 public:
  virtual ~AuditReads() = default;
  // The audit trail, oldest first.
  virtual absl::StatusOr<std::vector<AuditRow>> ListAuditEvents(const AuditFilter& filter) = 0;
};

// The SQL implementation (audit_log.cc), for the ledger's composition (ledger.cc).
std::unique_ptr<AuditTx> NewAuditTx(TxContext& tx);
std::unique_ptr<AuditReads> NewAuditReads(Dialect& dialect);

}  // namespace subsidy::storage
