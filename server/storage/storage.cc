#include "storage/storage.h"

#include "absl/strings/match.h"
#include "storage/ledger.h"
#include "storage/postgres/pg_dialect.h"
#include "storage/sqlite/sqlite_dialect.h"

namespace subsidy::storage {

absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& db, const StorageOptions& options) {
  std::unique_ptr<Dialect> dialect;
  if (absl::StartsWith(db, "postgres://") || absl::StartsWith(db, "postgresql://")) {
    auto d = PgDialect::Open(db, options.pool_size);
    if (!d.ok()) return d.status();
    dialect = std::move(*d);
  } else {
    auto d = SqliteDialect::Open(db, options.sqlite_readers);
    if (!d.ok()) return d.status();
    dialect = std::move(*d);
  }
  auto ledger = Ledger::Open(std::move(dialect), options.clock);
  if (!ledger.ok()) return ledger.status();
  return std::unique_ptr<Storage>(std::move(*ledger));
}

absl::StatusOr<std::unique_ptr<Storage>> OpenReportStorage(const std::string& url, const StorageOptions& options) {
  if (!absl::StartsWith(url, "postgres://") && !absl::StartsWith(url, "postgresql://")) {
    return absl::InvalidArgumentError("--report_db: a postgresql:// URL of a hot standby");
  }
  auto d = PgDialect::Open(url, options.pool_size);
  if (!d.ok()) return d.status();
  auto ledger = Ledger::OpenStandby(std::move(*d), options.clock);
  if (!ledger.ok()) return ledger.status();
  return std::unique_ptr<Storage>(std::move(*ledger));
}

}  // namespace subsidy::storage
