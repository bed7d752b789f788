// PostgreSQL, for several server replicas on one database. Every guarantee is held by the
// database: write transactions run SERIALIZABLE and are retried on serialization failure, on a
// unique-key race, on a statement cancelled by someone else and on a lost connection before COMMIT
// (so a read-decide-write transaction behaves as if alone, whichever replica runs it, and the
// idempotency record makes the retry safe); writes on one key first queue on a session advisory
// lock so that they do not abort each other. A write is acknowledged only once a synchronous
// standby has it (pg_dialect.cc: kWriteWal, the COMMIT's own WARNING).
//
// Group commit, as the SQLite writer does it: the writes queued while a transaction runs are
// run together in the next one, each in a savepoint of its own (a refused write rolls back only
// itself), under one set of advisory locks and one COMMIT. A hot key (one policy-year's budget)
// then costs one lock wait and one commit per batch instead of per write. kLanes batches run at
// once on separate connections; batches on one key queue on its lock, across replicas too. A
// batch runs the writes whose keys are free, and leaves those whose keys another transaction
// holds to a later batch: one busy key never holds up writes on other keys. A write whose
// deadline passes before its batch commits is not committed (the batch runs again without it).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/dialect.h"
#include "storage/group_commit.h"
#include "storage/postgres/pg_conn.h"

namespace subsidy::storage {

class PgDialect final : public Dialect {
 public:
  static absl::StatusOr<std::unique_ptr<PgDialect>> Open(const std::string& url, int pool_size);
  static constexpr int kLanes = 2;  // batches at once, each on a connection of its own

  std::string description() const override;
  std::string RenderSchema(const SchemaStep& step) const override;
  absl::string_view LockRowsClause() const override { return " FOR UPDATE"; }
  absl::StatusOr<std::string> Write(const WriteOptions& options, WriteFn fn) override;
  absl::Status Read(absl::FunctionRef<absl::Status(SqlSession&)> fn) override;
  absl::StatusOr<Freshness> ReadFreshness() override;
  absl::Status Migrate(int target, absl::FunctionRef<absl::Status(SqlSession&, int)> migrate) override;

 private:
  PgDialect(std::string url, int pool_size) : url_(std::move(url)), pool_size_(pool_size) {}

  // A pooled connection, returned on destruction; a broken one is dropped and replaced on demand.
  class Lease {
   public:
    Lease(PgDialect* d, std::unique_ptr<PgConn> c) : d_(d), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    PgConn* operator->() { return c_.get(); }
    PgConn& operator*() { return *c_; }

   private:
    PgDialect* d_;
    std::unique_ptr<PgConn> c_;
  };
  absl::StatusOr<Lease> Acquire();

  using Pending = GroupCommit::Pending;
  void RunBatch(const std::vector<Pending*>& batch);
  GroupCommit group_{kLanes};

  const std::string url_;
  const int pool_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;  // connections created and not closed
};

}  // namespace subsidy::storage
