#include "storage/postgres/pg_dialect.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace subsidy::storage {
namespace {

constexpr int kMaxAttempts = 60;           // serialization failures and lost connections
constexpr int64_t kAdvisoryNamespace = 7245119;  // our advisory locks, apart from anyone else's
constexpr char kInDoubt[] = "subsidy.storage/commit-in-doubt";  // a status payload: never run again

absl::Status InDoubt(const absl::Status& lost) {
  absl::Status s = absl::UnavailableError(
      absl::StrCat("the connection to PostgreSQL was lost during COMMIT, so whether the write was stored is unknown; "
                   "it was not run again: ",
                   lost.message()));
  s.SetPayload(kInDoubt, absl::Cord("1"));
  return s;
}

bool Retryable(const absl::Status& s) {
  // ABORTED: serialization failure or deadlock; ALREADY_EXISTS: a concurrent transaction took
  // the same unique key (request_id, once-only key) first; UNAVAILABLE: the connection was lost
  // before the transaction could commit (a primary lost, a failover under way).
  if (s.GetPayload(kInDoubt).has_value()) return false;
  return s.code() == absl::StatusCode::kAborted || s.code() == absl::StatusCode::kAlreadyExists ||
         s.code() == absl::StatusCode::kUnavailable;
}

// Writes on one key queue on session advisory locks taken before the transaction, so its snapshot
// is taken after the previous holder committed; SERIALIZABLE still catches any other interleaving.
// Every batch, on every replica, locks in the order of the keys' hashes (one statement, one round
// trip), so two batches never wait on each other in a cycle.
absl::Status LockKeys(PgConn& c, const std::vector<std::string>& keys) {
  if (keys.empty()) return absl::OkStatus();
  std::string array = "{";
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StrAppend(&array, i ? "," : "", "\"", absl::StrReplaceAll(keys[i], {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
  }
  array += "}";
  return c
      .Exec(absl::StrCat("SELECT pg_advisory_lock(h) FROM (SELECT DISTINCT hashtextextended(k, ", kAdvisoryNamespace,
                         ") AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS o"),
            {PgParam::Text(array)})
      .status();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgDialect>> PgDialect::Open(const std::string& url, int pool_size) {
  if (pool_size < 1) return absl::InvalidArgumentError("the PostgreSQL pool needs at least one connection");
  return std::unique_ptr<PgDialect>(new PgDialect(url, pool_size));
}

std::string PgDialect::description() const {
  // Never print a password.
  std::string safe = url_;
  const size_t at = safe.find('@');
  const size_t scheme = safe.find("://");
  if (at != std::string::npos && scheme != std::string::npos) safe = safe.substr(0, scheme + 3) + "…" + safe.substr(at);
  return "postgresql:" + safe;
}

std::string PgDialect::RenderSchema(const SchemaStep& step) const {
  if (step.kind == SchemaStep::Kind::kSql) return ReplaceTypeTokens(step.sql, "BIGSERIAL PRIMARY KEY", "BYTEA");
  const GuardTrigger& t = step.trigger;
  if (step.kind == SchemaStep::Kind::kDropTrigger) {
    return absl::StrCat("DROP TRIGGER ", t.name, " ON ", t.table, "; DROP FUNCTION ", t.name, "_guard();");
  }
  const std::string message = absl::StrReplaceAll(t.message, {{"'", "''"}});
  const std::string refuse = absl::StrCat("RAISE EXCEPTION '", message, "';");
  return absl::StrCat("CREATE FUNCTION ", t.name, "_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ",
                      t.when.empty() ? refuse : absl::StrCat("IF ", t.when, " THEN ", refuse, " END IF;"),
                      " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$; ", "CREATE TRIGGER ", t.name,
                      " BEFORE ", t.event, " ON ", t.table, " FOR EACH ROW EXECUTE FUNCTION ", t.name, "_guard();");
}

PgDialect::Lease::~Lease() {
  if (!c_) return;
  std::lock_guard<std::mutex> l(d_->mu_);
  if (c_->Healthy()) {
    d_->idle_.push_back(std::move(c_));
  } else {
    --d_->open_;
  }
  d_->cv_.notify_one();
}

absl::StatusOr<PgDialect::Lease> PgDialect::Acquire() {
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

absl::Status PgDialect::Migrate(int target, absl::FunctionRef<absl::Status(SqlSession&, int)> migrate) {
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
  if (auto s = run(absl::StrCat("SELECT pg_advisory_xact_lock(", kAdvisoryNamespace, ")")); !s.ok()) return rollback(s);
  if (auto s = run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"); !s.ok()) return rollback(s);
  auto v = c->Exec("SELECT version FROM schema_version");
  if (!v.ok()) return rollback(v.status());
  const int current = v->rows() ? static_cast<int>(v->Int(0, 0)) : 0;
  if (current > target) {
    return rollback(absl::FailedPreconditionError(absl::StrCat("database ", description(), " has schema version ",
                                                               current, ", newer than this binary knows (", target,
                                                               "); run a newer subsidy-server")));
  }
  if (auto s = migrate(c->session(), current); !s.ok()) return rollback(s);
  if (auto s = run("DELETE FROM schema_version"); !s.ok()) return rollback(s);
  if (auto s = c->Exec("INSERT INTO schema_version (version) VALUES ($1)", {PgParam::Int(target)}); !s.ok()) {
    return rollback(s.status());
  }
  return run("COMMIT").ok() ? absl::OkStatus() : rollback(absl::UnavailableError("the migration did not commit"));
}

absl::StatusOr<std::string> PgDialect::Write(const WriteOptions& options, WriteFn fn) {
  std::mt19937 rng(std::random_device{}());
  absl::Status last;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) {
      // Back off a little, with jitter, so that conflicting transactions stop colliding.
      const int ms = std::uniform_int_distribution<int>(1, std::min(100, 2 << std::min(attempt, 6)))(rng);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    // One attempt, in whatever batch takes it; a retryable result is retried here.
    auto result = group_.Write(options, fn, [this](const std::vector<Pending*>& batch) { RunBatch(batch); });
    if (result.ok() || !Retryable(result.status())) return result;
    last = result.status();
  }
  if (last.code() == absl::StatusCode::kUnavailable) return last;
  return absl::AbortedError(absl::StrCat("the transaction kept conflicting; retry the call: ", last.message()));
}

void PgDialect::RunBatch(const std::vector<Pending*>& batch) {
  auto fail_all = [&](const absl::Status& s) {
    for (Pending* p : batch) p->result = s;
  };
  auto conn = Acquire();
  if (!conn.ok()) return fail_all(conn.status());
  auto& c = *conn;
  std::vector<std::string> keys;
  for (const Pending* p : batch) {
    if (p->options->lock_keys) keys.insert(keys.end(), p->options->lock_keys->begin(), p->options->lock_keys->end());
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto unlock = [&] {
    if (!keys.empty()) (void)c->Exec("SELECT pg_advisory_unlock_all()");
  };
  auto abandon = [&](const absl::Status& s) {
    (void)c->Exec("ROLLBACK");
    unlock();
    if (!c->Healthy()) c->Reset();
    fail_all(s);
  };
  if (auto locked = LockKeys(*c, keys); !locked.ok()) return abandon(locked);
  if (auto s = c->Exec("BEGIN ISOLATION LEVEL SERIALIZABLE; SAVEPOINT one"); !s.ok()) return abandon(s.status());
  bool clean = true;  // savepoint "one" holds nothing yet
  bool any = false;   // something to commit
  for (Pending* p : batch) {
    if (std::chrono::system_clock::now() >= p->options->deadline) {
      p->result = absl::DeadlineExceededError("the call's deadline passed before it ran; nothing was applied");
      continue;
    }
    if (!clean) {
      if (auto s = c->Exec("RELEASE one; SAVEPOINT one"); !s.ok()) return abandon(s.status());
    }
    p->result = (*p->fn)(c->session());
    if (p->result.ok() && std::chrono::system_clock::now() >= p->options->deadline) {
      p->result = absl::DeadlineExceededError("the call's deadline passed before its commit; nothing was applied");
    }
    if (!c->Healthy()) return abandon(absl::UnavailableError("the PostgreSQL connection was lost mid-transaction"));
    if (p->result.ok()) {
      clean = false;
      any = true;
    } else if (auto s = c->Exec("ROLLBACK TO one"); !s.ok()) {
      return abandon(s.status());  // (ROLLBACK TO keeps the savepoint, now clean)
    }
  }
  if (!any) {
    (void)c->Exec("ROLLBACK");
    unlock();
    return;
  }
  if (auto s = c->Exec("COMMIT"); !s.ok()) {
    // A COMMIT refused by the server stored nothing, and the refusals in the batch were decided on
    // writes that are gone: every write of it runs again. A connection lost during COMMIT may
    // have stored the batch: a write that records its request_id runs again (a replay if it was
    // stored); any other write of it answers UNAVAILABLE and is not run twice.
    std::vector<bool> sent(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) sent[i] = batch[i]->result.ok();
    abandon(s.status());
    if (s.status().code() != absl::StatusCode::kUnavailable) return;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (sent[i] && !batch[i]->options->replay_safe) batch[i]->result = InDoubt(s.status());
    }
    return;
  }
  unlock();
}

absl::Status PgDialect::Read(absl::FunctionRef<absl::Status(SqlSession&)> fn) {
  absl::Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {  // one retry on a lost connection
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    // A read of several statements sees one snapshot.
    last = (*conn)->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status();
    if (last.ok()) {
      last = fn((*conn)->session());
      (void)(*conn)->Exec(last.ok() ? "COMMIT" : "ROLLBACK");
    }
    if (last.code() != absl::StatusCode::kUnavailable) return last;
    (*conn)->Reset();
  }
  return last;
}

}  // namespace subsidy::storage
