#include "storage/sqlite_storage.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_util.h"

namespace subsidy::storage {
namespace {

std::string NowUtc() { return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()); }

absl::StatusOr<education::FundSource> SourceFromText(const std::string& s) {
  auto src = education::FundSourceFromName(s);
  if (!src) return absl::DataLossError(absl::StrCat("unknown fund source in the database: ", s));
  return *src;
}

class SqliteLedgerTx : public LedgerTx {
 public:
  explicit SqliteLedgerTx(SqliteDb* db) : db_(db) {}

  absl::StatusOr<std::vector<FundAccount>> FundAccounts(const std::string& school_id) override {
    return ReadAccounts(db_, school_id);
  }

  absl::StatusOr<std::string> InsertAllocation(const std::string& school_id, education::FundSource source,
                                               int64_t amount_fen, const std::string& date,
                                               const std::string& request_id) override {
    auto ins = db_->Prepare(
        "INSERT INTO allocations (school_id, source, amount_fen, date, request_id, created_at) VALUES (?,?,?,?,?,?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, school_id).Bind(2, education::FundSourceName(source)).Bind(3, amount_fen).Bind(4, date);
    ins->Bind(5, request_id).Bind(6, NowUtc());
    if (auto s = ins->Run(); !s.ok()) return s;
    const int64_t id = sqlite3_last_insert_rowid(db_->raw());
    auto up = db_->Prepare(
        "INSERT INTO fund_accounts (school_id, source, allocated_fen, spent_fen) VALUES (?,?,?,0) "
        "ON CONFLICT (school_id, source) DO UPDATE SET allocated_fen = allocated_fen + excluded.allocated_fen");
    if (!up.ok()) return up.status();
    up->Bind(1, school_id).Bind(2, education::FundSourceName(source)).Bind(3, amount_fen);
    if (auto s = up->Run(); !s.ok()) return s;
    return absl::StrFormat("ALLOC-%08d", id);
  }

  absl::StatusOr<std::string> InsertExpenditure(const std::string& school_id, const std::string& category,
                                                int64_t amount_fen, const std::string& date,
                                                const std::string& request_id,
                                                const std::vector<ExpenditureDraw>& draws) override {
    auto ins = db_->Prepare(
        "INSERT INTO expenditures (school_id, category, amount_fen, date, request_id, created_at) VALUES (?,?,?,?,?,?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, school_id).Bind(2, category).Bind(3, amount_fen).Bind(4, date).Bind(5, request_id).Bind(6, NowUtc());
    if (auto s = ins->Run(); !s.ok()) return s;
    const int64_t id = sqlite3_last_insert_rowid(db_->raw());
    for (const auto& d : draws) {
      auto draw = db_->Prepare("INSERT INTO expenditure_draws (expenditure_id, source, amount_fen) VALUES (?,?,?)");
      if (!draw.ok()) return draw.status();
      draw->Bind(1, id).Bind(2, education::FundSourceName(d.source)).Bind(3, d.amount_fen);
      if (auto s = draw->Run(); !s.ok()) return s;
      // The CHECK (spent_fen <= allocated_fen) makes the database refuse an overdraft.
      auto up = db_->Prepare("UPDATE fund_accounts SET spent_fen = spent_fen + ? WHERE school_id = ? AND source = ?");
      if (!up.ok()) return up.status();
      up->Bind(1, d.amount_fen).Bind(2, school_id).Bind(3, education::FundSourceName(d.source));
      if (auto s = up->Run(); !s.ok()) return s;
      if (db_->Changes() != 1) return absl::InternalError("expenditure draws from an account that does not exist");
    }
    return absl::StrFormat("EXP-%08d", id);
  }

  absl::Status Audit(const AuditEntry& e) override {
    auto ins = db_->Prepare(
        "INSERT INTO audit_log (at, caller, method, request_id, entity_id, result, detail) VALUES (?,?,?,?,?,?,?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, NowUtc()).Bind(2, e.caller).Bind(3, e.method).Bind(4, e.request_id).Bind(5, e.entity_id);
    ins->Bind(6, e.result).Bind(7, e.detail);
    return ins->Run();
  }

  static absl::StatusOr<std::vector<FundAccount>> ReadAccounts(SqliteDb* db, const std::string& school_id) {
    auto q = db->Prepare("SELECT source, allocated_fen, spent_fen FROM fund_accounts WHERE school_id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, school_id);
    std::vector<FundAccount> out;
    for (;;) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto src = SourceFromText(q->Text(0));
      if (!src.ok()) return src.status();
      out.push_back({*src, q->Int(1), q->Int(2)});
    }
    return out;
  }

 private:
  SqliteDb* db_;
};

}  // namespace

const std::vector<std::string>& SqliteStorage::Migrations() {
  static const auto* kMigrations = new std::vector<std::string>{
      // 0 → 1: the schema's own bookkeeping.
      R"sql(
        CREATE TABLE schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO schema_meta (key, value) VALUES ('created_by', 'subsidy-server');
      )sql",
      // 1 → 2: idempotency records, the audit trail, the education ledger.
      R"sql(
        CREATE TABLE idempotency (
          request_id TEXT PRIMARY KEY,
          method     TEXT NOT NULL,
          payload    BLOB NOT NULL,
          response   BLOB NOT NULL,
          created_at TEXT NOT NULL);
        CREATE TABLE audit_log (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          at         TEXT NOT NULL,
          caller     TEXT NOT NULL,
          method     TEXT NOT NULL,
          request_id TEXT NOT NULL,
          entity_id  TEXT NOT NULL,
          result     TEXT NOT NULL,
          detail     TEXT NOT NULL);
        -- The audit trail is append-only.
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TABLE fund_accounts (
          school_id     TEXT NOT NULL,
          source        TEXT NOT NULL,
          allocated_fen INTEGER NOT NULL CHECK (allocated_fen >= 0),
          spent_fen     INTEGER NOT NULL CHECK (spent_fen >= 0 AND spent_fen <= allocated_fen),
          PRIMARY KEY (school_id, source));
        CREATE TABLE allocations (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          school_id  TEXT NOT NULL,
          source     TEXT NOT NULL,
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          date       TEXT NOT NULL,
          request_id TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL);
        CREATE TABLE expenditures (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          school_id  TEXT NOT NULL,
          category   TEXT NOT NULL,
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          date       TEXT NOT NULL,
          request_id TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL);
        CREATE TABLE expenditure_draws (
          expenditure_id INTEGER NOT NULL REFERENCES expenditures (id),
          source         TEXT NOT NULL,
          amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
          PRIMARY KEY (expenditure_id, source));
        CREATE INDEX allocations_school ON allocations (school_id);
        CREATE INDEX expenditures_school ON expenditures (school_id);
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

absl::StatusOr<std::string> SqliteStorage::RunIdempotent(
    const IdempotencyKey& key, const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn) {
  absl::MutexLock lock(&mu_);
  if (auto s = db_->Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto rollback = [&](absl::Status s) {
    (void)db_->Exec("ROLLBACK");
    return s;
  };
  auto seen = db_->Prepare("SELECT method, payload, response FROM idempotency WHERE request_id = ?");
  if (!seen.ok()) return rollback(seen.status());
  seen->Bind(1, key.request_id);
  auto row = seen->Step();
  if (!row.ok()) return rollback(row.status());
  if (*row) {
    const bool same = seen->Text(0) == key.method && seen->Blob(1) == key.payload;
    std::string response = seen->Blob(2);
    (void)rollback(absl::OkStatus());
    if (!same) {
      return WithReason(InvalidField("request_id", "already used for a different request (" + key.method +
                                                       " with another payload, or another method)"),
                        kIdempotencyKeyReused);
    }
    return response;
  }
  SqliteLedgerTx tx(db_.get());
  auto response = fn(tx);
  if (!response.ok()) return rollback(response.status());
  auto rec = db_->Prepare(
      "INSERT INTO idempotency (request_id, method, payload, response, created_at) VALUES (?,?,?,?,?)");
  if (!rec.ok()) return rollback(rec.status());
  rec->Bind(1, key.request_id).Bind(2, key.method).BindBlob(3, key.payload).BindBlob(4, *response).Bind(5, NowUtc());
  if (auto s = rec->Run(); !s.ok()) return rollback(s);
  if (auto s = db_->Exec("COMMIT"); !s.ok()) return rollback(s);
  return response;
}

absl::StatusOr<std::vector<FundAccount>> SqliteStorage::ReadFundAccounts(const std::string& school_id) {
  absl::MutexLock lock(&mu_);
  return SqliteLedgerTx::ReadAccounts(db_.get(), school_id);
}

absl::StatusOr<int64_t> SqliteStorage::CountRows(const std::string& table) {
  static const char* kTables[] = {"idempotency", "audit_log", "allocations", "expenditures", "expenditure_draws",
                                  "fund_accounts"};
  if (std::find(std::begin(kTables), std::end(kTables), table) == std::end(kTables)) {
    return absl::InvalidArgumentError("no such table");
  }
  absl::MutexLock lock(&mu_);
  auto q = db_->Prepare("SELECT COUNT(*) FROM " + table);
  if (!q.ok()) return q.status();
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return q->Int(0);
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
