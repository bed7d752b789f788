// The PostgreSQL backend, for several server replicas on one database. Every guarantee is held
// by the database: transactions run SERIALIZABLE and are retried on serialization failure (so
// a read-decide-write transaction behaves as if alone, whichever replica runs it), request_id
// and once-only award keys are unique constraints, balances and budgets are re-read inside the
// transaction, and CHECK constraints and triggers refuse an overdraft or a second payment.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/pg_conn.h"
#include "storage/storage.h"

namespace subsidy::storage {

class PostgresStorage : public Storage {
 public:
  static const std::vector<std::string>& Migrations();
  static absl::StatusOr<std::unique_ptr<PostgresStorage>> Open(const std::string& url, int pool_size);

  int schema_version() const override { return schema_version_; }
  std::string description() const override;

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
  PostgresStorage(std::string url, int pool_size) : url_(std::move(url)), pool_size_(pool_size) {}
  absl::Status Migrate();

  // A pooled connection, returned on destruction; a broken one is reconnected on next use.
  class Lease {
   public:
    Lease(PostgresStorage* s, std::unique_ptr<PgConn> c) : s_(s), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    PgConn* operator->() { return c_.get(); }
    PgConn& operator*() { return *c_; }

   private:
    PostgresStorage* s_;
    std::unique_ptr<PgConn> c_;
  };
  absl::StatusOr<Lease> Acquire();
  // Runs a read-only query with one retry on a lost connection.
  absl::StatusOr<PgResult> Query(absl::string_view sql, const std::vector<PgParam>& params);

  const std::string url_;
  const int pool_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;  // connections created and not closed
  int schema_version_ = 0;
};

}  // namespace subsidy::storage
