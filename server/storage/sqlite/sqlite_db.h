// A thin RAII layer over SQLite's C API: one connection, its prepared statements kept for reuse
// (a statement is parsed once per connection, not once per call), and a SqlSession over it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sql_session.h"

namespace subsidy::storage {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Steps once: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // Opens (creating) `path` with WAL journaling and synchronous=FULL: a commit that returned is
  // on disk and survives a crash of the process or the machine. A read-only connection refuses
  // writes (PRAGMA query_only) and never takes the write lock.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool read_only = false);
  ~SqliteDb();

  absl::Status Exec(absl::string_view sql);
  // A one-off statement (tests, pragmas); the ledger goes through session().
  absl::StatusOr<SqliteStatement> Prepare(absl::string_view sql);
  sqlite3* raw() const { return db_; }

  // The ledger's session on this connection. Statements are prepared on first use and kept.
  SqlSession& session() { return *session_; }

  // A kept statement for `sql` (the ledger's $N placeholders rewritten to ?N), ready to bind;
  // a statement still running (a nested query) gets a fresh one instead, freed by the caller.
  absl::StatusOr<sqlite3_stmt*> Statement(absl::string_view sql, bool* owned);

 private:
  explicit SqliteDb(sqlite3* db);
  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
  std::unique_ptr<SqlSession> session_;
};

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what);

}  // namespace subsidy::storage
