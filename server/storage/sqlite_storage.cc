#include "storage/sqlite_storage.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace subsidy::storage {

const std::vector<std::string>& SqliteStorage::Migrations() {
  static const auto* kMigrations = new std::vector<std::string>{
      // 0 → 1: the schema's own bookkeeping.
      R"sql(
        CREATE TABLE schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO schema_meta (key, value) VALUES ('created_by', 'subsidy-server');
      )sql",
  };
  return *kMigrations;
}

absl::StatusOr<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const std::string& path) {
  auto db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqliteStorage> s(new SqliteStorage(path, std::move(*db)));
  if (auto st = s->Migrate(); !st.ok()) return st;
  return s;
}

absl::Status SqliteStorage::Migrate() {
  absl::MutexLock lock(&mu_);
  // BEGIN IMMEDIATE: two servers starting on one file must not both migrate.
  if (auto s = db_->Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto rollback = [&](absl::Status s) {
    (void)db_->Exec("ROLLBACK");
    return s;
  };
  auto stmt = db_->Prepare("PRAGMA user_version");
  if (!stmt.ok()) return rollback(stmt.status());
  auto row = stmt->Step();
  if (!row.ok()) return rollback(row.status());
  const int current = static_cast<int>(stmt->Int(0));
  const int known = static_cast<int>(Migrations().size());
  if (current > known) {
    return rollback(absl::FailedPreconditionError(absl::StrCat(
        "database ", path_, " has schema version ", current, ", newer than this binary knows (", known,
        "); run a newer subsidy-server")));
  }
  for (int v = current; v < known; ++v) {
    if (auto s = db_->Exec(Migrations()[v]); !s.ok()) {
      return rollback(absl::InternalError(absl::StrCat("migration to schema version ", v + 1, " failed: ", s.message())));
    }
  }
  if (auto s = db_->Exec(absl::StrCat("PRAGMA user_version = ", known)); !s.ok()) return rollback(s);
  if (auto s = db_->Exec("COMMIT"); !s.ok()) return rollback(s);
  schema_version_ = known;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& db) {
  if (absl::StartsWith(db, "postgres://") || absl::StartsWith(db, "postgresql://")) {
    return absl::UnimplementedError("the PostgreSQL backend is not built yet; use a SQLite file path");
  }
  auto s = SqliteStorage::Open(db);
  if (!s.ok()) return s.status();
  return std::unique_ptr<Storage>(std::move(*s));
}

}  // namespace subsidy::storage
