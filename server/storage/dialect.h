// What really differs between the SQL databases the ledger runs on: how a write transaction is
// run (SQLite: one writer with group commit; PostgreSQL: a pool, SERIALIZABLE, advisory locks,
// retries), where reads run, how the schema version is kept and migrations are serialised, the
// spelling of a few schema types and triggers, and a row-lock clause. The ledger (ledger.h) is
// written once against this.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/schema.h"
#include "storage/sql_session.h"

namespace subsidy::storage {

// Several writes of one kind run as one (WriteOptions::combiner): what they decide on is read once
// for all of them and what they write goes in multi-row statements, where each statement, not each
// row, is the cost (PostgreSQL's execution and round trip per statement).
class WriteCombiner {
 public:
  virtual ~WriteCombiner() = default;
  // Writes whose combiners share a kind, queued one after another in a batch, run together.
  virtual const void* kind() const = 0;
  // Runs the writes whose items are `items` (in the order they queued) in the open transaction and
  // gives each its result; a write refused wrote nothing. An error: nothing it did is kept (the
  // dialect rolls it back) and each write runs alone, by its own `fn`, as if never combined.
  virtual absl::StatusOr<std::vector<absl::StatusOr<std::string>>> RunAll(
      SqlSession& session, const std::vector<const void*>& items) const = 0;
};

struct WriteOptions {
  // Keys the transaction decides on ("school:…", "policy:…"): a dialect with concurrent writers
  // queues transactions on the same key before they start.
  const std::vector<std::string>* lock_keys = nullptr;
  // A write whose deadline passes before its commit is rolled back (DEADLINE_EXCEEDED).
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  // Running `fn` again after it committed is harmless: it records its request_id and a second run
  // answers the first one's response. Only such a write may be run again when its COMMIT's outcome
  // is unknown (the connection lost during COMMIT); any other then answers UNAVAILABLE.
  bool replay_safe = false;
  // May run together with the writes of its combiner's kind, as `item` among theirs; it runs alone,
  // by its `fn`, when nothing beside it combines or the combined run fails.
  const WriteCombiner* combiner = nullptr;
  const void* item = nullptr;
};

// A primary's reads hold every commit; a hot standby's hold what it had replayed.
struct Freshness {
  bool from_standby = false;
  std::optional<absl::Time> replayed_up_to;  // the last replayed commit's time (none replayed yet: empty)
  bool caught_up = true;                     // all that the standby had received was replayed
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string description() const = 0;  // "sqlite:/path" or "postgresql://…" (no password)

  // The schema's own words in this dialect's spelling.
  virtual std::string RenderSchema(const SchemaStep& step) const = 0;
  // Appended to a SELECT that reads rows the transaction will change ("" where the database
  // serialises writers anyway).
  virtual absl::string_view LockRowsClause() const = 0;

  // Runs `fn` in one transaction that commits only if `fn` succeeds. `fn` may run more than once
  // (a dialect may retry), and must have no effect outside the transaction.
  using WriteFn = absl::FunctionRef<absl::StatusOr<std::string>(SqlSession&)>;
  virtual absl::StatusOr<std::string> Write(const WriteOptions& options, WriteFn fn) = 0;
  // Runs `fn` on a session that sees the latest commit and never waits behind a write.
  virtual absl::Status Read(absl::FunctionRef<absl::Status(SqlSession&)> fn) = 0;
  // How fresh this database's reads are now: a hot standby's replay position (a primary: fresh).
  virtual absl::StatusOr<Freshness> ReadFreshness() { return Freshness{}; }

  // Runs `migrate(session, current_version)` once, with every other process that shares the
  // database kept out, then records `target` as the schema version. A database whose version is
  // above `target` is refused.
  virtual absl::Status Migrate(int target, absl::FunctionRef<absl::Status(SqlSession&, int)> migrate) = 0;
};

}  // namespace subsidy::storage
