#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/sqlite_db.h"
#include "storage/storage.h"

namespace subsidy::storage {

class SqliteStorage : public Storage {
 public:
  // Schema migrations, in order; migration i takes the schema from version i to i + 1.
  static const std::vector<std::string>& Migrations();

  static absl::StatusOr<std::unique_ptr<SqliteStorage>> Open(const std::string& path);

  int schema_version() const override { return schema_version_; }
  std::string description() const override { return "sqlite:" + path_; }

  absl::StatusOr<std::string> RunIdempotent(const IdempotencyKey& key,
                                            const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn) override;
  absl::StatusOr<std::vector<FundAccount>> ReadFundAccounts(const std::string& school_id) override;
  absl::StatusOr<std::optional<PayoutRow>> GetPayout(int64_t seq) override;
  absl::StatusOr<std::vector<PayoutRow>> ListPayouts(const PayoutFilter& filter) override;
  absl::StatusOr<std::map<std::string, int64_t>> AwardedByPolicy() override;
  absl::StatusOr<std::vector<PayoutStat>> PayoutStats() override;
  absl::StatusOr<LedgerTotals> Totals() override;
  absl::StatusOr<int64_t> CountRows(const std::string& table) override;

 private:
  SqliteStorage(std::string path, std::unique_ptr<SqliteDb> db) : path_(std::move(path)), db_(std::move(db)) {}
  absl::Status Migrate();

  // Group commit: concurrent mutations queue up; one caller at a time (the leader) runs every
  // queued one in a single transaction, each inside its own savepoint (a failed one is rolled
  // back alone), and commits once: one fsync for the batch. Nobody's result is published
  // before the commit that makes it durable.
  struct Pending {
    const IdempotencyKey* key;
    const std::function<absl::StatusOr<std::string>(LedgerTx&)>* fn;
    absl::StatusOr<std::string> result = absl::UnknownError("not run");
    bool done = false;
  };
  void RunBatch(const std::vector<Pending*>& batch);
  void RunBatchLocked(const std::vector<Pending*>& batch, std::vector<Pending*>* expired)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::string> RunOne(const Pending& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Mutex queue_mu_;
  std::vector<Pending*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leader_active_ ABSL_GUARDED_BY(queue_mu_) = false;

  std::string path_;
  // One connection, one transaction at a time: SQLite serialises writers anyway, and this
  // makes every read-decide-write transaction trivially isolated.
  absl::Mutex mu_;
  std::unique_ptr<SqliteDb> db_ ABSL_GUARDED_BY(mu_);
  int schema_version_ = 0;
};

}  // namespace subsidy::storage
