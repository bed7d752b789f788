#include "storage/postgres_storage.h"

#include <chrono>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_util.h"
#include "storage/storage_util.h"

namespace subsidy::storage {
namespace {

constexpr int kMaxAttempts = 60;  // serialization failures and lost connections
constexpr char kPayoutColumns[] =
    "seq, request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
    "determination_date, award_year, due_date, paid_date, COALESCE(voucher_no, ''), reasons, COALESCE(award_key, ''), "
    "data_version, created_by";

std::vector<PayoutRow> ReadPayouts(const PgResult& r) {
  std::vector<PayoutRow> out;
  for (int i = 0; i < r.rows(); ++i) {
    PayoutRow p;
    p.seq = r.Int(i, 0);
    p.request_id = r.Text(i, 1);
    p.policy_id = r.Text(i, 2);
    p.award_group = r.Text(i, 3);
    p.enterprise_uscc = r.Text(i, 4);
    p.enterprise_name = r.Text(i, 5);
    p.status = r.Text(i, 6);
    p.amount_fen = r.Int(i, 7);
    p.determination_date = r.Text(i, 8);
    p.award_year = static_cast<int>(r.Int(i, 9));
    p.due_date = r.Text(i, 10);
    p.paid_date = r.Text(i, 11);
    p.voucher_no = r.Text(i, 12);
    p.reasons = DecodeReasons(r.Text(i, 13));
    p.award_key = r.Text(i, 14);
    p.data_version = r.Text(i, 15);
    p.created_by = r.Text(i, 16);
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::vector<FundAccount>> ReadAccounts(const PgResult& r) {
  std::vector<FundAccount> out;
  for (int i = 0; i < r.rows(); ++i) {
    auto src = education::FundSourceFromName(r.Text(i, 0));
    if (!src) return absl::DataLossError("unknown fund source in the database: " + r.Text(i, 0));
    out.push_back({*src, r.Int(i, 1), r.Int(i, 2)});
  }
  return out;
}

bool Retryable(const absl::Status& s) {
  // ABORTED: serialization failure or deadlock; ALREADY_EXISTS: a concurrent transaction took
  // the same unique key (request_id, award key) first; UNAVAILABLE: the connection was lost
  // (the whole transaction is retried, and the idempotency record makes that safe).
  return s.code() == absl::StatusCode::kAborted || s.code() == absl::StatusCode::kAlreadyExists ||
         s.code() == absl::StatusCode::kUnavailable;
}

class PgLedgerTx : public LedgerTx {
 public:
  explicit PgLedgerTx(PgConn* c) : c_(c) {}

  absl::StatusOr<std::vector<FundAccount>> FundAccounts(const std::string& school_id) override {
    auto r = c_->Exec("SELECT source, allocated_fen, spent_fen FROM fund_accounts WHERE school_id = $1 FOR UPDATE",
                      {PgParam::Text(school_id)});
    if (!r.ok()) return r.status();
    return ReadAccounts(*r);
  }

  absl::StatusOr<std::string> InsertAllocation(const std::string& school_id, education::FundSource source,
                                               int64_t amount_fen, const std::string& date,
                                               const std::string& request_id) override {
    auto r = c_->Exec(
        "INSERT INTO allocations (school_id, source, amount_fen, date, request_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {PgParam::Text(school_id), PgParam::Text(education::FundSourceName(source)), PgParam::Int(amount_fen),
         PgParam::Text(date), PgParam::Text(request_id), PgParam::Text(NowUtc())});
    if (!r.ok()) return r.status();
    const int64_t id = r->Int(0, 0);
    auto up = c_->Exec(
        "INSERT INTO fund_accounts (school_id, source, allocated_fen, spent_fen) VALUES ($1, $2, $3, 0) "
        "ON CONFLICT (school_id, source) DO UPDATE SET allocated_fen = fund_accounts.allocated_fen + EXCLUDED.allocated_fen",
        {PgParam::Text(school_id), PgParam::Text(education::FundSourceName(source)), PgParam::Int(amount_fen)});
    if (!up.ok()) return up.status();
    return absl::StrFormat("ALLOC-%08d", id);
  }

  absl::StatusOr<std::string> InsertExpenditure(const std::string& school_id, const std::string& category,
                                                int64_t amount_fen, const std::string& date,
                                                const std::string& request_id,
                                                const std::vector<ExpenditureDraw>& draws) override {
    auto r = c_->Exec(
        "INSERT INTO expenditures (school_id, category, amount_fen, date, request_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {PgParam::Text(school_id), PgParam::Text(category), PgParam::Int(amount_fen), PgParam::Text(date),
         PgParam::Text(request_id), PgParam::Text(NowUtc())});
    if (!r.ok()) return r.status();
    const int64_t id = r->Int(0, 0);
    for (const auto& d : draws) {
      auto ins = c_->Exec("INSERT INTO expenditure_draws (expenditure_id, source, amount_fen) VALUES ($1, $2, $3)",
                          {PgParam::Int(id), PgParam::Text(education::FundSourceName(d.source)), PgParam::Int(d.amount_fen)});
      if (!ins.ok()) return ins.status();
      auto up = c_->Exec(
          "UPDATE fund_accounts SET spent_fen = spent_fen + $1 WHERE school_id = $2 AND source = $3 RETURNING 1",
          {PgParam::Int(d.amount_fen), PgParam::Text(school_id), PgParam::Text(education::FundSourceName(d.source))});
      if (!up.ok()) return up.status();
      if (up->rows() != 1) return absl::InternalError("expenditure draws from an account that does not exist");
    }
    return absl::StrFormat("EXP-%08d", id);
  }

  absl::Status Audit(const AuditEntry& e) override {
    return c_
        ->Exec("INSERT INTO audit_log (at, caller, method, request_id, entity_id, result, detail) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {PgParam::Text(NowUtc()), PgParam::Text(e.caller), PgParam::Text(e.method), PgParam::Text(e.request_id),
                PgParam::Text(e.entity_id), PgParam::Text(e.result), PgParam::Text(e.detail)})
        .status();
  }

  absl::StatusOr<std::vector<PriorAwardRow>> EnterpriseAwards(const std::string& uscc) override {
    auto r = c_->Exec(
        "SELECT policy_id, award_group, award_year, amount_fen FROM payouts "
        "WHERE enterprise_uscc = $1 AND status IN ('SCHEDULED', 'DISBURSED') ORDER BY seq",
        {PgParam::Text(uscc)});
    if (!r.ok()) return r.status();
    std::vector<PriorAwardRow> out;
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back({r->Text(i, 0), r->Text(i, 1), static_cast<int>(r->Int(i, 2)), r->Int(i, 3)});
    }
    return out;
  }

  absl::StatusOr<int64_t> PolicyAwarded(const std::string& policy_id) override {
    // The budget row is locked for the transaction: concurrent awards of one policy queue here.
    auto ins = c_->Exec("INSERT INTO policy_awarded (policy_id, awarded_fen) VALUES ($1, 0) ON CONFLICT DO NOTHING",
                        {PgParam::Text(policy_id)});
    if (!ins.ok()) return ins.status();
    auto r = c_->Exec("SELECT awarded_fen FROM policy_awarded WHERE policy_id = $1 FOR UPDATE", {PgParam::Text(policy_id)});
    if (!r.ok()) return r.status();
    return r->rows() ? r->Int(0, 0) : 0;
  }

  absl::StatusOr<int64_t> InsertPayout(const PayoutRow& p) override {
    auto r = c_->Exec(
        "INSERT INTO payouts (request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
        "determination_date, award_year, due_date, paid_date, voucher_no, reasons, award_key, data_version, created_by, "
        "created_at, reject_reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'',NULL,$11,$12,$13,$14,$15,$16) RETURNING seq",
        {PgParam::Text(p.request_id), PgParam::Text(p.policy_id), PgParam::Text(p.award_group),
         PgParam::Text(p.enterprise_uscc), PgParam::Text(p.enterprise_name), PgParam::Text(p.status),
         PgParam::Int(p.amount_fen), PgParam::Text(p.determination_date), PgParam::Int(p.award_year),
         PgParam::Text(p.due_date), PgParam::Text(EncodeReasons(p.reasons)),
         p.award_key.empty() ? PgParam::Null() : PgParam::Text(p.award_key), PgParam::Text(p.data_version),
         PgParam::Text(p.created_by), PgParam::Text(NowUtc()),
         PgParam::Text(p.status == "REJECTED" && !p.reasons.empty() ? p.reasons.back().first : std::string())});
    if (!r.ok()) return r.status();
    const int64_t seq = r->Int(0, 0);
    if (p.status == "SCHEDULED") {
      auto up = c_->Exec("UPDATE policy_awarded SET awarded_fen = awarded_fen + $1 WHERE policy_id = $2",
                         {PgParam::Int(p.amount_fen), PgParam::Text(p.policy_id)});
      if (!up.ok()) return up.status();
    }
    return seq;
  }

  absl::StatusOr<std::vector<PayoutRow>> DisburseDue(const std::string& payment_date) override {
    auto r = c_->Exec(absl::StrCat("UPDATE payouts SET status = 'DISBURSED', paid_date = $1, "
                                   "voucher_no = 'PV' || replace($1, '-', '') || '-' || lpad(seq::text, 8, '0') "
                                   "WHERE status = 'SCHEDULED' AND determination_date <= $1 RETURNING ",
                                   kPayoutColumns),
                      {PgParam::Text(payment_date)});
    if (!r.ok()) return r.status();
    auto rows = ReadPayouts(*r);
    std::sort(rows.begin(), rows.end(), [](const PayoutRow& a, const PayoutRow& b) { return a.seq < b.seq; });
    return rows;
  }

 private:
  PgConn* c_;
};

}  // namespace

const std::vector<std::string>& PostgresStorage::Migrations() {
  // The same schema as the SQLite backend's, version for version.
  static const auto* kMigrations = new std::vector<std::string>{
      R"sql(
        CREATE TABLE schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO schema_meta (key, value) VALUES ('created_by', 'subsidy-server');
      )sql",
      R"sql(
        CREATE TABLE idempotency (
          request_id TEXT PRIMARY KEY,
          method     TEXT NOT NULL,
          payload    BYTEA NOT NULL,
          response   BYTEA NOT NULL,
          created_at TEXT NOT NULL);
        CREATE TABLE audit_log (
          id         BIGSERIAL PRIMARY KEY,
          at         TEXT NOT NULL,
          caller     TEXT NOT NULL,
          method     TEXT NOT NULL,
          request_id TEXT NOT NULL,
          entity_id  TEXT NOT NULL,
          result     TEXT NOT NULL,
          detail     TEXT NOT NULL);
        CREATE FUNCTION subsidy_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
          FOR EACH ROW EXECUTE FUNCTION subsidy_refuse();
        CREATE TABLE fund_accounts (
          school_id     TEXT NOT NULL,
          source        TEXT NOT NULL,
          allocated_fen BIGINT NOT NULL CHECK (allocated_fen >= 0),
          spent_fen     BIGINT NOT NULL CHECK (spent_fen >= 0 AND spent_fen <= allocated_fen),
          PRIMARY KEY (school_id, source));
        CREATE TABLE allocations (
          id         BIGSERIAL PRIMARY KEY,
          school_id  TEXT NOT NULL,
          source     TEXT NOT NULL,
          amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
          date       TEXT NOT NULL,
          request_id TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL);
        CREATE TABLE expenditures (
          id         BIGSERIAL PRIMARY KEY,
          school_id  TEXT NOT NULL,
          category   TEXT NOT NULL,
          amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
          date       TEXT NOT NULL,
          request_id TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL);
        CREATE TABLE expenditure_draws (
          expenditure_id BIGINT NOT NULL REFERENCES expenditures (id),
          source         TEXT NOT NULL,
          amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
          PRIMARY KEY (expenditure_id, source));
        CREATE INDEX allocations_school ON allocations (school_id);
        CREATE INDEX expenditures_school ON expenditures (school_id);
      )sql",
      R"sql(
        CREATE TABLE payouts (
          seq                BIGSERIAL PRIMARY KEY,
          request_id         TEXT NOT NULL UNIQUE,
          policy_id          TEXT NOT NULL,
          award_group        TEXT NOT NULL,
          enterprise_uscc    TEXT NOT NULL,
          enterprise_name    TEXT NOT NULL,
          status             TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'REJECTED', 'DISBURSED')),
          amount_fen         BIGINT NOT NULL CHECK (amount_fen >= 0),
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
        CREATE UNIQUE INDEX payouts_award_key ON payouts (award_key) WHERE award_key IS NOT NULL AND status <> 'REJECTED';
        CREATE INDEX payouts_enterprise ON payouts (enterprise_uscc);
        CREATE INDEX payouts_due ON payouts (status, determination_date);
        CREATE FUNCTION subsidy_payout_status_once() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF OLD.status <> 'SCHEDULED' OR NEW.status <> 'DISBURSED' THEN
              RAISE EXCEPTION 'only a scheduled payout may change status, to DISBURSED';
            END IF;
            RETURN NEW;
          END $$;
        CREATE TRIGGER payouts_status_once BEFORE UPDATE OF status ON payouts
          FOR EACH ROW EXECUTE FUNCTION subsidy_payout_status_once();
        CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts FOR EACH ROW EXECUTE FUNCTION subsidy_refuse();
        CREATE TABLE policy_awarded (
          policy_id   TEXT PRIMARY KEY,
          awarded_fen BIGINT NOT NULL CHECK (awarded_fen >= 0));
      )sql",
      // 3 → 4: the rejection reason as a column, for metrics by reason.
      R"sql(
        ALTER TABLE payouts ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';
      )sql",
  };
  return *kMigrations;
}

std::string PostgresStorage::description() const {
  // Never print a password.
  std::string safe = url_;
  const size_t at = safe.find('@');
  const size_t scheme = safe.find("://");
  if (at != std::string::npos && scheme != std::string::npos) safe = safe.substr(0, scheme + 3) + "…" + safe.substr(at);
  return "postgresql:" + safe;
}

absl::StatusOr<std::unique_ptr<PostgresStorage>> PostgresStorage::Open(const std::string& url, int pool_size) {
  if (pool_size < 1) return absl::InvalidArgumentError("the PostgreSQL pool needs at least one connection");
  std::unique_ptr<PostgresStorage> s(new PostgresStorage(url, pool_size));
  if (auto st = s->Migrate(); !st.ok()) return st;
  return s;
}

PostgresStorage::Lease::~Lease() {
  if (!c_) return;
  std::lock_guard<std::mutex> l(s_->mu_);
  if (c_->Healthy()) {
    s_->idle_.push_back(std::move(c_));
  } else {
    --s_->open_;  // dropped; a fresh one is made on demand
  }
  s_->cv_.notify_one();
}

absl::StatusOr<PostgresStorage::Lease> PostgresStorage::Acquire() {
  std::unique_lock<std::mutex> l(mu_);
  if (!cv_.wait_for(l, std::chrono::seconds(10), [&] { return !idle_.empty() || open_ < pool_size_; })) {
    return absl::UnavailableError("no PostgreSQL connection became free within 10 s");
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(c));
  }
  ++open_;
  l.unlock();
  auto c = PgConn::Connect(url_);
  if (!c.ok()) {
    std::lock_guard<std::mutex> g(mu_);
    --open_;
    cv_.notify_one();
    return c.status();
  }
  return Lease(this, std::move(*c));
}

absl::Status PostgresStorage::Migrate() {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  auto& c = *conn;
  auto run = [&](absl::string_view sql) { return c->Exec(sql).status(); };
  if (auto s = run("BEGIN"); !s.ok()) return s;
  auto rollback = [&](absl::Status s) {
    (void)run("ROLLBACK");
    return s;
  };
  // One replica migrates at a time; the others wait here, then find the schema current.
  if (auto s = run("SELECT pg_advisory_xact_lock(7245119)"); !s.ok()) return rollback(s);
  if (auto s = run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"); !s.ok()) return rollback(s);
  auto v = c->Exec("SELECT version FROM schema_version");
  if (!v.ok()) return rollback(v.status());
  const int current = v->rows() ? static_cast<int>(v->Int(0, 0)) : 0;
  const int known = static_cast<int>(Migrations().size());
  if (current > known) {
    return rollback(absl::FailedPreconditionError(absl::StrCat(
        "database ", description(), " has schema version ", current, ", newer than this binary knows (", known,
        "); run a newer subsidy-server")));
  }
  for (int i = current; i < known; ++i) {
    if (auto s = run(Migrations()[i]); !s.ok()) {
      return rollback(absl::InternalError(absl::StrCat("migration to schema version ", i + 1, " failed: ", s.message())));
    }
  }
  if (auto s = run("DELETE FROM schema_version"); !s.ok()) return rollback(s);
  if (auto s = c->Exec("INSERT INTO schema_version (version) VALUES ($1)", {PgParam::Int(known)}); !s.ok()) {
    return rollback(s.status());
  }
  if (auto s = run("COMMIT"); !s.ok()) return rollback(s);
  schema_version_ = known;
  return absl::OkStatus();
}

absl::StatusOr<std::string> PostgresStorage::RunIdempotent(
    const IdempotencyKey& key, const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn) {
  std::mt19937 rng(std::random_device{}());
  absl::Status last;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) {
      // Back off a little, with jitter, so that conflicting transactions stop colliding.
      const int ms = std::uniform_int_distribution<int>(1, std::min(100, 2 << std::min(attempt, 6)))(rng);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    auto conn = Acquire();
    if (!conn.ok()) {
      last = conn.status();
      continue;
    }
    auto& c = *conn;
    auto attempt_once = [&]() -> absl::StatusOr<std::string> {
      // Mutations on one key (a school, a policy, an enterprise) queue on session advisory locks
      // taken before the transaction, so its snapshot is taken after the previous one committed
      // and they do not abort each other; SERIALIZABLE still catches any other interleaving.
      std::vector<std::string> keys = key.lock_keys;
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (const auto& k : keys) {
        if (auto s = c->Exec("SELECT pg_advisory_lock(hashtextextended($1, 7245119))", {PgParam::Text(k)}); !s.ok()) {
          return s.status();
        }
      }
      if (auto s = c->Exec("BEGIN ISOLATION LEVEL SERIALIZABLE"); !s.ok()) return s.status();
      auto seen = c->Exec("SELECT method, payload, response FROM idempotency WHERE request_id = $1",
                          {PgParam::Text(key.request_id)});
      if (!seen.ok()) return seen.status();
      if (seen->rows() == 1) {
        if (auto s = c->Exec("COMMIT"); !s.ok()) return s.status();
        return ReplayOrRefuse(key, seen->Text(0, 0), seen->Bytes(0, 1), seen->Bytes(0, 2));
      }
      PgLedgerTx tx(&*c);
      auto response = fn(tx);
      if (!response.ok()) return response.status();
      auto rec = c->Exec(
          "INSERT INTO idempotency (request_id, method, payload, response, created_at) VALUES ($1, $2, $3, $4, $5)",
          {PgParam::Text(key.request_id), PgParam::Text(key.method), PgParam::Bytes(key.payload),
           PgParam::Bytes(*response), PgParam::Text(NowUtc())});
      if (!rec.ok()) return rec.status();
      if (std::chrono::system_clock::now() >= key.deadline) {
        return absl::DeadlineExceededError("the call's deadline passed before its commit; nothing was applied");
      }
      if (auto s = c->Exec("COMMIT"); !s.ok()) return s.status();
      return response;
    };
    auto result = attempt_once();
    if (!key.lock_keys.empty()) {
      if (!result.ok()) (void)c->Exec("ROLLBACK");
      (void)c->Exec("SELECT pg_advisory_unlock_all()");
    }
    if (result.ok()) return result;
    (void)c->Exec("ROLLBACK");
    last = result.status();
    if (!Retryable(last)) return last;
    if (!c->Healthy()) c->Reset();
  }
  if (last.code() == absl::StatusCode::kUnavailable) return last;
  return absl::AbortedError(absl::StrCat("the transaction kept conflicting; retry the call: ", last.message()));
}

absl::StatusOr<PgResult> PostgresStorage::Query(absl::string_view sql, const std::vector<PgParam>& params) {
  absl::Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    auto r = (*conn)->Exec(sql, params);
    if (r.ok() || r.status().code() != absl::StatusCode::kUnavailable) return r;
    last = r.status();
    (*conn)->Reset();
  }
  return last;
}

absl::StatusOr<std::vector<FundAccount>> PostgresStorage::ReadFundAccounts(const std::string& school_id) {
  auto r = Query("SELECT source, allocated_fen, spent_fen FROM fund_accounts WHERE school_id = $1",
                 {PgParam::Text(school_id)});
  if (!r.ok()) return r.status();
  return ReadAccounts(*r);
}

absl::StatusOr<std::optional<PayoutRow>> PostgresStorage::GetPayout(int64_t seq) {
  auto r = Query(absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE seq = $1"), {PgParam::Int(seq)});
  if (!r.ok()) return r.status();
  auto rows = ReadPayouts(*r);
  if (rows.empty()) return std::optional<PayoutRow>();
  return std::optional<PayoutRow>(std::move(rows.front()));
}

absl::StatusOr<std::vector<PayoutRow>> PostgresStorage::ListPayouts(const PayoutFilter& f) {
  std::string sql = absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE seq > $1");
  std::vector<PgParam> params = {PgParam::Int(f.after_seq)};
  auto add = [&](absl::string_view cond, std::string value) {
    params.push_back(PgParam::Text(std::move(value)));
    absl::StrAppend(&sql, " AND ", cond, " $", params.size());
  };
  if (!f.policy_id.empty()) add("policy_id =", f.policy_id);
  if (!f.enterprise_uscc.empty()) add("enterprise_uscc =", f.enterprise_uscc);
  if (!f.status.empty()) add("status =", f.status);
  if (!f.overdue_as_of.empty()) add("status = 'SCHEDULED' AND due_date <", f.overdue_as_of);
  params.push_back(PgParam::Int(f.limit));
  absl::StrAppend(&sql, " ORDER BY seq LIMIT $", params.size());
  auto r = Query(sql, params);
  if (!r.ok()) return r.status();
  return ReadPayouts(*r);
}

absl::StatusOr<std::map<std::string, int64_t>> PostgresStorage::AwardedByPolicy() {
  auto r = Query("SELECT policy_id, awarded_fen FROM policy_awarded", {});
  if (!r.ok()) return r.status();
  std::map<std::string, int64_t> out;
  for (int i = 0; i < r->rows(); ++i) out[r->Text(i, 0)] = r->Int(i, 1);
  return out;
}

absl::StatusOr<std::vector<Storage::PayoutStat>> PostgresStorage::PayoutStats() {
  auto r = Query("SELECT status, reject_reason, COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payouts "
                 "GROUP BY status, reject_reason", {});
  if (!r.ok()) return r.status();
  std::vector<PayoutStat> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back({r->Text(i, 0), r->Text(i, 1), r->Int(i, 2), r->Int(i, 3)});
  return out;
}

absl::StatusOr<Storage::LedgerTotals> PostgresStorage::Totals() {
  auto r = Query("SELECT COALESCE(SUM(allocated_fen), 0), COALESCE(SUM(spent_fen), 0), COUNT(DISTINCT school_id) "
                 "FROM fund_accounts", {});
  if (!r.ok()) return r.status();
  return LedgerTotals{r->Int(0, 0), r->Int(0, 1), r->Int(0, 2)};
}

absl::StatusOr<int64_t> PostgresStorage::CountRows(const std::string& table) {
  static const char* kTables[] = {"idempotency", "audit_log", "allocations", "expenditures", "expenditure_draws",
                                  "fund_accounts", "payouts", "policy_awarded"};
  if (std::find(std::begin(kTables), std::end(kTables), table) == std::end(kTables)) {
    return absl::InvalidArgumentError("no such table");
  }
  auto r = Query("SELECT COUNT(*) FROM " + table, {});
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

}  // namespace subsidy::storage
