// SQLite: one file in WAL mode, the embedded default. Writes go through one connection with
// group commit: concurrent transactions queue, one caller at a time (the leader) runs every
// queued one inside its own savepoint (a failed one is rolled back alone) and commits once: one
// fsync for the batch, and nobody's result is published before the commit that makes it
// durable. Reads use a small pool of read connections of their own (WAL lets them read the last
// commit while a write is in progress), so a read never waits behind a commit.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/dialect.h"
#include "storage/group_commit.h"
#include "storage/sqlite/sqlite_db.h"

namespace subsidy::storage {

class SqliteDialect final : public Dialect {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteDialect>> Open(const std::string& path, int readers);

  std::string description() const override { return "sqlite:" + path_; }
  std::string RenderSchema(const SchemaStep& step) const override;
  absl::string_view LockRowsClause() const override { return ""; }  // one writer: rows need no lock
  absl::StatusOr<std::string> Write(const WriteOptions& options, WriteFn fn) override;
  absl::Status Read(absl::FunctionRef<absl::Status(SqlSession&)> fn) override;
  absl::Status Migrate(int target, absl::FunctionRef<absl::Status(SqlSession&, int)> migrate) override;

 private:
  SqliteDialect(std::string path, std::unique_ptr<SqliteDb> writer, int readers)
      : path_(std::move(path)), max_readers_(readers), writer_(std::move(writer)) {}

  using Pending = GroupCommit::Pending;
  void RunBatch(std::vector<Pending*> batch);
  // Runs the batch in one transaction; returns the ones whose deadline passed before the commit
  // (then nothing was committed).
  std::vector<Pending*> RunBatchLocked(const std::vector<Pending*>& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  const std::string path_;
  const int max_readers_;

  GroupCommit group_{1};  // one writer

  absl::Mutex write_mu_;
  std::unique_ptr<SqliteDb> writer_ ABSL_GUARDED_BY(write_mu_);

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
  int open_readers_ ABSL_GUARDED_BY(readers_mu_) = 0;
};

}  // namespace subsidy::storage
