#include "storage/sqlite_storage.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_util.h"
#include "storage/storage_util.h"

namespace subsidy::storage {
namespace {


absl::StatusOr<education::FundSource> SourceFromText(const std::string& s) {
  auto src = education::FundSourceFromName(s);
  if (!src) return absl::DataLossError(absl::StrCat("unknown fund source in the database: ", s));
  return *src;
}

constexpr char kPayoutColumns[] =
    "seq, request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
    "determination_date, award_year, due_date, paid_date, voucher_no, reasons, COALESCE(award_key, ''), data_version, "
    "created_by";


PayoutRow ReadPayout(const SqliteStatement& q) {
  PayoutRow r;
  r.seq = q.Int(0);
  r.request_id = q.Text(1);
  r.policy_id = q.Text(2);
  r.award_group = q.Text(3);
  r.enterprise_uscc = q.Text(4);
  r.enterprise_name = q.Text(5);
  r.status = q.Text(6);
  r.amount_fen = q.Int(7);
  r.determination_date = q.Text(8);
  r.award_year = static_cast<int>(q.Int(9));
  r.due_date = q.Text(10);
  r.paid_date = q.Text(11);
  r.voucher_no = q.Text(12);
  r.reasons = DecodeReasons(q.Text(13));
  r.award_key = q.Text(14);
  r.data_version = q.Text(15);
  r.created_by = q.Text(16);
  return r;
}

absl::StatusOr<std::vector<PayoutRow>> ReadPayouts(SqliteStatement& q) {
  std::vector<PayoutRow> out;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(ReadPayout(q));
  }
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

  absl::StatusOr<std::vector<PriorAwardRow>> EnterpriseAwards(const std::string& uscc) override {
    auto q = db_->Prepare(
        "SELECT policy_id, award_group, award_year, amount_fen FROM payouts "
        "WHERE enterprise_uscc = ? AND status IN ('SCHEDULED', 'DISBURSED') ORDER BY seq");
    if (!q.ok()) return q.status();
    q->Bind(1, uscc);
    std::vector<PriorAwardRow> out;
    for (;;) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) return out;
      out.push_back({q->Text(0), q->Text(1), static_cast<int>(q->Int(2)), q->Int(3)});
    }
  }

  absl::StatusOr<int64_t> PolicyAwarded(const std::string& policy_id) override {
    auto q = db_->Prepare("SELECT awarded_fen FROM policy_awarded WHERE policy_id = ?");
    if (!q.ok()) return q.status();
    q->Bind(1, policy_id);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    return *row ? q->Int(0) : 0;
  }

  absl::StatusOr<int64_t> InsertPayout(const PayoutRow& r) override {
    auto ins = db_->Prepare(
        "INSERT INTO payouts (request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
        "determination_date, award_year, due_date, paid_date, voucher_no, reasons, award_key, data_version, created_by, "
        "created_at, reject_reason) VALUES (?,?,?,?,?,?,?,?,?,?,'',NULL,?,?,?,?,?,?)");
    if (!ins.ok()) return ins.status();
    ins->Bind(1, r.request_id).Bind(2, r.policy_id).Bind(3, r.award_group).Bind(4, r.enterprise_uscc);
    ins->Bind(5, r.enterprise_name).Bind(6, r.status).Bind(7, r.amount_fen).Bind(8, r.determination_date);
    ins->Bind(9, int64_t{r.award_year}).Bind(10, r.due_date).Bind(11, EncodeReasons(r.reasons));
    if (r.award_key.empty()) {
      ins->BindNull(12);
    } else {
      ins->Bind(12, r.award_key);
    }
    ins->Bind(13, r.data_version).Bind(14, r.created_by).Bind(15, NowUtc());
    ins->Bind(16, r.status == "REJECTED" && !r.reasons.empty() ? r.reasons.back().first : std::string());
    if (auto s = ins->Run(); !s.ok()) {
      if (s.code() == absl::StatusCode::kAlreadyExists) {
        return absl::AbortedError("the award was made by a concurrent transaction; retry");
      }
      return s;
    }
    const int64_t seq = sqlite3_last_insert_rowid(db_->raw());
    if (r.status == "SCHEDULED") {
      auto up = db_->Prepare(
          "INSERT INTO policy_awarded (policy_id, awarded_fen) VALUES (?, ?) "
          "ON CONFLICT (policy_id) DO UPDATE SET awarded_fen = awarded_fen + excluded.awarded_fen");
      if (!up.ok()) return up.status();
      up->Bind(1, r.policy_id).Bind(2, r.amount_fen);
      if (auto s = up->Run(); !s.ok()) return s;
    }
    return seq;
  }

  absl::StatusOr<std::vector<PayoutRow>> DisburseDue(const std::string& payment_date) override {
    // Only SCHEDULED rows change, and the trigger refuses any other status change, so a payout
    // is paid at most once whatever runs overlap.
    auto up = db_->Prepare(absl::StrCat(
        "UPDATE payouts SET status = 'DISBURSED', paid_date = ?1, "
        "voucher_no = 'PV' || replace(?1, '-', '') || '-' || printf('%08d', seq) "
        "WHERE status = 'SCHEDULED' AND determination_date <= ?1 RETURNING ",
        kPayoutColumns));
    if (!up.ok()) return up.status();
    up->Bind(1, payment_date);
    auto rows = ReadPayouts(*up);
    if (!rows.ok()) return rows.status();
    std::sort(rows->begin(), rows->end(), [](const PayoutRow& a, const PayoutRow& b) { return a.seq < b.seq; });
    return rows;
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
      // 2 → 3: reward payouts.
      R"sql(
        CREATE TABLE payouts (
          seq                INTEGER PRIMARY KEY AUTOINCREMENT,
          request_id         TEXT NOT NULL UNIQUE,
          policy_id          TEXT NOT NULL,
          award_group        TEXT NOT NULL,
          enterprise_uscc    TEXT NOT NULL,
          enterprise_name    TEXT NOT NULL,
          status             TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'REJECTED', 'DISBURSED')),
          amount_fen         INTEGER NOT NULL CHECK (amount_fen >= 0),
          determination_date TEXT NOT NULL,
          award_year         INTEGER NOT NULL,
          due_date           TEXT NOT NULL,
          paid_date          TEXT NOT NULL,
          voucher_no         TEXT UNIQUE,
          reasons            TEXT NOT NULL,
          award_key          TEXT,
          data_version       TEXT NOT NULL,
          created_by         TEXT NOT NULL,
          created_at         TEXT NOT NULL,
          CHECK ((status = 'DISBURSED') = (voucher_no IS NOT NULL)));
        -- Once-only awards are held unique by the database itself.
        CREATE UNIQUE INDEX payouts_award_key ON payouts (award_key) WHERE award_key IS NOT NULL AND status <> 'REJECTED';
        CREATE INDEX payouts_enterprise ON payouts (enterprise_uscc);
        CREATE INDEX payouts_due ON payouts (status, determination_date);
        -- Only a SCHEDULED payout changes status (to DISBURSED): paid at most once; no row is deleted.
        CREATE TRIGGER payouts_status_once BEFORE UPDATE OF status ON payouts
          WHEN OLD.status <> 'SCHEDULED' OR NEW.status <> 'DISBURSED'
          BEGIN SELECT RAISE(ABORT, 'only a scheduled payout may change status, to DISBURSED'); END;
        CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts BEGIN SELECT RAISE(ABORT, 'payouts are never deleted'); END;
        CREATE TABLE policy_awarded (
          policy_id   TEXT PRIMARY KEY,
          awarded_fen INTEGER NOT NULL CHECK (awarded_fen >= 0));
      )sql",
      // 3 → 4: the rejection reason as a column, for metrics by reason.
      R"sql(
        ALTER TABLE payouts ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';
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
  Pending mine{&key, &fn};
  absl::MutexLock lock(&queue_mu_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (!leader_active_) {
      // Lead: take everything queued so far (ours included) and commit it as one batch.
      leader_active_ = true;
      std::vector<Pending*> batch;
      batch.swap(queue_);
      queue_mu_.Unlock();
      RunBatch(batch);
      queue_mu_.Lock();
      for (Pending* p : batch) p->done = true;
      leader_active_ = false;
    } else {
      // Wait until a leader has committed ours, or until there is no leader and we may lead.
      const auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) { return mine.done || !leader_active_; };
      queue_mu_.Await(absl::Condition(&ready));
    }
  }
  return std::move(mine.result);
}

void SqliteStorage::RunBatch(const std::vector<Pending*>& batch_in) {
  absl::MutexLock lock(&mu_);
  std::vector<Pending*> batch = batch_in;
  for (;;) {
    std::vector<Pending*> expired;
    RunBatchLocked(batch, &expired);
    if (expired.empty()) return;
    // A mutation whose deadline passed before the commit is not applied: the batch was rolled
    // back whole; run it again without them.
    for (Pending* p : expired) {
      p->result = absl::DeadlineExceededError("the call's deadline passed before its commit; nothing was applied");
      batch.erase(std::find(batch.begin(), batch.end(), p));
    }
    if (batch.empty()) return;
  }
}

void SqliteStorage::RunBatchLocked(const std::vector<Pending*>& batch, std::vector<Pending*>* expired) {
  if (auto s = db_->Exec("BEGIN IMMEDIATE"); !s.ok()) {
    for (Pending* p : batch) p->result = s;
    return;
  }
  std::vector<bool> wrote(batch.size(), false);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (std::chrono::system_clock::now() >= batch[i]->key->deadline) {
      batch[i]->result = absl::DeadlineExceededError("the call's deadline passed before it ran; nothing was applied");
      continue;
    }
    if (auto s = db_->Exec("SAVEPOINT one"); !s.ok()) {
      batch[i]->result = s;
      continue;
    }
    batch[i]->result = RunOne(*batch[i]);
    if (batch[i]->result.ok()) {
      wrote[i] = true;
      (void)db_->Exec("RELEASE one");
    } else {
      (void)db_->Exec("ROLLBACK TO one");
      (void)db_->Exec("RELEASE one");
    }
  }
  const auto now = std::chrono::system_clock::now();
  for (size_t i = 0; i < batch.size(); ++i) {
    if (wrote[i] && now >= batch[i]->key->deadline) expired->push_back(batch[i]);
  }
  if (!expired->empty()) {
    (void)db_->Exec("ROLLBACK");
    return;
  }
  if (auto s = db_->Exec("COMMIT"); !s.ok()) {
    (void)db_->Exec("ROLLBACK");
    for (size_t i = 0; i < batch.size(); ++i) {
      if (wrote[i]) batch[i]->result = absl::UnavailableError(absl::StrCat("commit failed: ", s.message()));
    }
  }
}

absl::StatusOr<std::string> SqliteStorage::RunOne(const Pending& p) {
  const IdempotencyKey& key = *p.key;
  auto seen = db_->Prepare("SELECT method, payload, response FROM idempotency WHERE request_id = ?");
  if (!seen.ok()) return seen.status();
  seen->Bind(1, key.request_id);
  auto row = seen->Step();
  if (!row.ok()) return row.status();
  if (*row) {
    return ReplayOrRefuse(key, seen->Text(0), seen->Blob(1), seen->Blob(2));
  }
  SqliteLedgerTx tx(db_.get());
  auto response = (*p.fn)(tx);
  if (!response.ok()) return response.status();
  auto rec = db_->Prepare("INSERT INTO idempotency (request_id, method, payload, response, created_at) VALUES (?,?,?,?,?)");
  if (!rec.ok()) return rec.status();
  rec->Bind(1, key.request_id).Bind(2, key.method).BindBlob(3, key.payload).BindBlob(4, *response).Bind(5, NowUtc());
  if (auto s = rec->Run(); !s.ok()) return s;
  return response;
}

absl::StatusOr<std::vector<FundAccount>> SqliteStorage::ReadFundAccounts(const std::string& school_id) {
  absl::MutexLock lock(&mu_);
  return SqliteLedgerTx::ReadAccounts(db_.get(), school_id);
}

absl::StatusOr<std::optional<PayoutRow>> SqliteStorage::GetPayout(int64_t seq) {
  absl::MutexLock lock(&mu_);
  auto q = db_->Prepare(absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE seq = ?"));
  if (!q.ok()) return q.status();
  q->Bind(1, seq);
  auto rows = ReadPayouts(*q);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<PayoutRow>();
  return std::optional<PayoutRow>(std::move(rows->front()));
}

absl::StatusOr<std::vector<PayoutRow>> SqliteStorage::ListPayouts(const PayoutFilter& f) {
  absl::MutexLock lock(&mu_);
  std::string sql = absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE seq > ?1");
  if (!f.policy_id.empty()) sql += " AND policy_id = ?2";
  if (!f.enterprise_uscc.empty()) sql += " AND enterprise_uscc = ?3";
  if (!f.status.empty()) sql += " AND status = ?4";
  if (!f.overdue_as_of.empty()) sql += " AND status = 'SCHEDULED' AND due_date < ?5";
  sql += " ORDER BY seq LIMIT ?6";
  auto q = db_->Prepare(sql);
  if (!q.ok()) return q.status();
  q->Bind(1, f.after_seq);
  if (!f.policy_id.empty()) q->Bind(2, f.policy_id);
  if (!f.enterprise_uscc.empty()) q->Bind(3, f.enterprise_uscc);
  if (!f.status.empty()) q->Bind(4, f.status);
  if (!f.overdue_as_of.empty()) q->Bind(5, f.overdue_as_of);
  q->Bind(6, int64_t{f.limit});
  return ReadPayouts(*q);
}

absl::StatusOr<std::map<std::string, int64_t>> SqliteStorage::AwardedByPolicy() {
  absl::MutexLock lock(&mu_);
  auto q = db_->Prepare("SELECT policy_id, awarded_fen FROM policy_awarded");
  if (!q.ok()) return q.status();
  std::map<std::string, int64_t> out;
  for (;;) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out[q->Text(0)] = q->Int(1);
  }
}

absl::StatusOr<std::vector<Storage::PayoutStat>> SqliteStorage::PayoutStats() {
  absl::MutexLock lock(&mu_);
  auto q = db_->Prepare(
      "SELECT status, reject_reason, COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payouts GROUP BY status, reject_reason");
  if (!q.ok()) return q.status();
  std::vector<PayoutStat> out;
  for (;;) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back({q->Text(0), q->Text(1), q->Int(2), q->Int(3)});
  }
}

absl::StatusOr<Storage::LedgerTotals> SqliteStorage::Totals() {
  absl::MutexLock lock(&mu_);
  auto q = db_->Prepare(
      "SELECT COALESCE(SUM(allocated_fen), 0), COALESCE(SUM(spent_fen), 0), COUNT(DISTINCT school_id) FROM fund_accounts");
  if (!q.ok()) return q.status();
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return LedgerTotals{q->Int(0), q->Int(1), q->Int(2)};
}

absl::StatusOr<int64_t> SqliteStorage::CountRows(const std::string& table) {
  static const char* kTables[] = {"idempotency", "audit_log", "allocations", "expenditures", "expenditure_draws",
                                  "fund_accounts", "payouts", "policy_awarded"};
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

}  // namespace subsidy::storage
