// The storage interface: everything the services persist goes through it. A mutation runs as
// one transaction through RunIdempotent, which also enforces request_id idempotency; the
// service's function decides (with the pure engine) and writes through LedgerTx. Rows leave
// storage typed (Money, Date, status enums; rows.h), never as the strings they are stored as.
//
// Both LedgerTx and Storage are only compositions: each ledger (schools, payouts, claims, funds,
// instructions, payments, audit) has a header of its own with a narrow in-transaction interface and a
// narrow read interface, offered here by accessor, so that a caller names the ledger it uses
// (tx.funds().PostFundEntry(…), storage.payouts().ListPayouts(…)) and a new ledger adds one
// header, one .cc and one accessor instead of growing one class.
//
// One ledger (ledger.h) implements this once over a SQL dialect: SQLite (one file, WAL, durable
// group commits; the embedded default) or PostgreSQL (several replicas, every guarantee held by
// the database).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/dialect.h"
#include "storage/audit_log.h"
#include "storage/claim_ledger.h"
#include "storage/fund_ledger.h"
#include "storage/instruction_ledger.h"
#include "storage/loan_book.h"
#include "storage/monitoring_ledger.h"
#include "storage/payment_ledger.h"
#include "storage/payout_ledger.h"
#include "storage/rows.h"
#include "storage/school_ledger.h"
#include "time/clock.h"

namespace subsidy::storage {

inline constexpr char kIdempotencyKeyReused[] = "IDEMPOTENCY_KEY_REUSED";

// A mutating request: its client-chosen id, the RPC and the payload it carried (the request's
// deterministic serialization without request_id). The same id with another method or payload
// is refused with IDEMPOTENCY_KEY_REUSED.
struct IdempotencyKey {
  std::string request_id;
  std::string method;
  std::string payload;
  // A mutation whose deadline passes before its commit is not applied (DEADLINE_EXCEEDED).
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  // What the mutation decides on (e.g. "school:110106-FT001", "policy:YC-…"): a backend with
  // concurrent writers takes these as locks, in one fixed order, before the transaction starts,
  // so that mutations on one key queue instead of failing each other's serialization.
  std::vector<std::string> lock_keys;
};

// The operations available inside one transaction, ledger by ledger. Every accessor answers the
// same transaction: what one ledger writes, another reads back before the commit.
class LedgerTx {
 public:
  virtual ~LedgerTx() = default;
  // Runs the reads the ledgers' …Later methods queued (and any queued writes) and fills what they
  // were given: on PostgreSQL one round trip for all of them, where each read alone costs one.
  virtual absl::Status Flush() = 0;
  virtual SchoolTx& schools() = 0;
  virtual PayoutTx& payouts() = 0;
  virtual ClaimTx& claims() = 0;
  virtual FundTx& funds() = 0;
  virtual InstructionTx& instructions() = 0;
  virtual PaymentTx& payments() = 0;
  virtual MonitoringTx& monitoring() = 0;
  virtual AuditTx& audit() = 0;
  virtual BookTx& book() = 0;
};

// Decides several new requests of one kind together (Storage::RunIdempotentCombined): what they
// decide on is read once, what they write goes in multi-row statements. One object per kind.
class IdempotentDecider {
 public:
  virtual ~IdempotentDecider() = default;
  // Decides `items` (requests whose request_ids are new and distinct, in the order they came) in
  // the open transaction: each one's response, or its refusal, for which nothing was written. An
  // error: everything it did is rolled back, and each item is decided alone.
  virtual absl::StatusOr<std::vector<absl::StatusOr<std::string>>> DecideAll(
      LedgerTx& tx, const std::vector<const void*>& items) const = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual int schema_version() const = 0;
  virtual std::string description() const = 0;

  // Runs `fn` in one transaction. A request_id seen before returns the stored response (fn is
  // not run); with another method or payload it fails with IDEMPOTENCY_KEY_REUSED. When fn
  // fails, the transaction rolls back and nothing is recorded, the request_id included. The
  // response fn returns is stored with the request_id and committed with its writes.
  // fn may run more than once (a backend may retry a transaction): it must not have effects
  // outside the transaction. `replayed`, when given, tells whether the answer is a stored one.
  virtual absl::StatusOr<std::string> RunIdempotent(const IdempotencyKey& key,
                                                    const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn,
                                                    bool* replayed = nullptr) = 0;
  // RunIdempotent deciding by `decider` on `item` (its DecideAll of that item alone), which a
  // backend may decide together with the requests of the same kind queued beside it: one read of
  // their request_ids and of what they decide on, multi-row writes, the same answers.
  virtual absl::StatusOr<std::string> RunIdempotentCombined(const IdempotencyKey& key,
                                                            const IdempotentDecider& decider, const void* item,
                                                            bool* replayed = nullptr) = 0;

  // Reads, ledger by ledger: they see the latest commit and never wait behind a write.
  virtual SchoolReads& schools() = 0;
  virtual PayoutReads& payouts() = 0;
  virtual ClaimReads& claims() = 0;
  virtual FundReads& funds() = 0;
  virtual InstructionReads& instructions() = 0;
  virtual PaymentReads& payments() = 0;
  virtual MonitoringReads& monitoring() = 0;
  virtual AuditReads& audit() = 0;
  virtual BookReads& book() = 0;

  // For tests and operators: the number of rows of a table.
  virtual absl::StatusOr<int64_t> CountRows(const std::string& table) = 0;

  // How fresh these reads are, asked before a read: the read then holds at least that.
  virtual absl::StatusOr<Freshness> ReadFreshness() = 0;
};

struct StorageOptions {
  int pool_size = 8;         // PostgreSQL connections
  int sqlite_readers = 4;    // SQLite read connections beside the writer
  const Clock* clock = nullptr;  // default: the system clock
};

// `db` is a file path (SQLite; created with its schema on first start) or a postgresql:// URL.
// The schema is created or migrated on open; a database whose schema is newer than this binary
// knows is refused.
absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& db, const StorageOptions& options = {});
// A hot standby of the PostgreSQL primary, for reports: read-only (a write is FAILED_PRECONDITION),
// never migrated; its schema must be this binary's (a standby behind a migration is refused).
absl::StatusOr<std::unique_ptr<Storage>> OpenReportStorage(const std::string& url, const StorageOptions& options = {});

}  // namespace subsidy::storage
