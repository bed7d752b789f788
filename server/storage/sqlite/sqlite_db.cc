#include "storage/sqlite/sqlite_db.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace subsidy::storage {
namespace {

// "$12" → "?12": the ledger writes PostgreSQL's placeholders; SQLite's numbered ones bind alike.
std::string RewritePlaceholders(absl::string_view sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '$' && absl::ascii_isdigit(static_cast<unsigned char>(out[i + 1]))) out[i] = '?';
  }
  return out;
}

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* s) : s_(s) {}
  int64_t Int(int col) const override { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  std::string Bytes(int col) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  bool IsNull(int col) const override { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_;
};

class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(SqliteDb* db) : db_(db) {}

  absl::Status Query(absl::string_view sql, absl::Span<const SqlParam> params,
                     absl::FunctionRef<absl::Status(const SqlRow&)> on_row) override {
    bool owned = false;
    auto stmt = db_->Statement(sql, &owned);
    if (!stmt.ok()) return stmt.status();
    sqlite3_stmt* s = *stmt;
    // Whatever happens, the statement is left reset with no bindings (they are views).
    struct Done {
      sqlite3_stmt* s;
      bool owned;
      ~Done() {
        if (owned) {
          sqlite3_finalize(s);
        } else {
          sqlite3_reset(s);
          sqlite3_clear_bindings(s);
        }
      }
    } done{s, owned};
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const SqlParam& p = params[i];
      int rc = SQLITE_OK;
      switch (p.kind()) {
        case SqlParam::Kind::kInt: rc = sqlite3_bind_int64(s, index, p.int_value()); break;
        case SqlParam::Kind::kText:
          rc = sqlite3_bind_text(s, index, p.text().data(), static_cast<int>(p.text().size()), SQLITE_STATIC);
          break;
        case SqlParam::Kind::kBytes:
          rc = sqlite3_bind_blob(s, index, p.text().data(), static_cast<int>(p.text().size()), SQLITE_STATIC);
          break;
        case SqlParam::Kind::kNull: rc = sqlite3_bind_null(s, index); break;
      }
      if (rc != SQLITE_OK) return SqliteError(db_->raw(), rc, "bind");
    }
    const SqliteRow row(s);
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) return absl::OkStatus();
      if (rc != SQLITE_ROW) return SqliteError(db_->raw(), rc, "step");
      if (auto st = on_row(row); !st.ok()) return st;
    }
  }

  absl::StatusOr<int64_t> Exec(absl::string_view sql, absl::Span<const SqlParam> params) override {
    auto s = Query(sql, params, [](const SqlRow&) { return absl::OkStatus(); });
    if (!s.ok()) return s;
    return sqlite3_changes64(db_->raw());
  }

  absl::Status ExecScript(absl::string_view sql) override { return db_->Exec(sql); }

 private:
  SqliteDb* db_;
};

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  const std::string msg = absl::StrCat("sqlite ", what, ": ", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return absl::AlreadyExistsError(msg);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

SqliteStatement::~SqliteStatement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, "step");
}

std::string SqliteStatement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

SqliteDb::SqliteDb(sqlite3* db) : db_(db), session_(std::make_unique<SqliteSession>(this)) {}

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool read_only) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = SqliteError(raw, rc, absl::StrCat("open ", path));
    sqlite3_close(raw);
    return s;
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto s = db->Exec(pragma); !s.ok()) return s;
  }
  if (read_only) {
    if (auto s = db->Exec("PRAGMA query_only=1"); !s.ok()) return s;
  }
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

absl::Status SqliteDb::Exec(absl::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db_, rc, absl::StrCat("exec: ", err ? err : ""));
    sqlite3_free(err);
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<SqliteStatement> SqliteDb::Prepare(absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, absl::StrCat("prepare: ", sql));
  return SqliteStatement(db_, stmt);
}

absl::StatusOr<sqlite3_stmt*> SqliteDb::Statement(absl::string_view sql, bool* owned) {
  *owned = false;
  auto it = statements_.find(sql);
  if (it != statements_.end() && !sqlite3_stmt_busy(it->second)) return it->second;
  const std::string text = RewritePlaceholders(sql);
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()),
                                    it == statements_.end() ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, absl::StrCat("prepare: ", text));
  if (it == statements_.end()) {
    statements_.emplace(std::string(sql), stmt);
  } else {
    *owned = true;
  }
  return stmt;
}

}  // namespace subsidy::storage
