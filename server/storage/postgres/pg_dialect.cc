#include "storage/postgres/pg_dialect.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace subsidy::storage {
namespace {

constexpr int kMaxAttempts = 60;           // serialization failures and lost connections
constexpr int64_t kAdvisoryNamespace = 7245119;  // our advisory locks, apart from anyone else's
constexpr char kInDoubt[] = "subsidy.storage/commit-in-doubt";  // a status payload: never run again
constexpr char kSavepoint[] = "w";  // and a number: each write of a batch has its own
std::string SavepointNamed(int n) { return absl::StrCat("SAVEPOINT ", kSavepoint, n); }
constexpr char kKeysBusy[] = "subsidy.storage/keys-busy";        // a status payload: not run, run later
// How long a write may keep finding its keys busy before it answers UNAVAILABLE.
constexpr std::chrono::seconds kKeysBusyLimit{30};

// UNAVAILABLE, and never run again here: `why` the COMMIT's outcome is not an answer to give.
absl::Status InDoubt(absl::string_view why, absl::string_view detail) {
  absl::Status s = absl::UnavailableError(absl::StrCat(why, "; it was not run again: ", detail));
  s.SetPayload(kInDoubt, absl::Cord("1"));
  return s;
}
absl::Status InDoubt(const absl::Status& lost) {
  return InDoubt("the connection to PostgreSQL was lost during COMMIT, so whether the write was stored is unknown",
                 lost.message());
}
absl::Status NotAcknowledged(absl::string_view warning) {
  return InDoubt("PostgreSQL warned at the COMMIT of this write's transaction, so what it stored or read may be "
                 "missing from the synchronous standby and lost if the primary fails now; retry the call with the "
                 "same request_id to learn its answer",
                 warning);
}

bool Retryable(const absl::Status& s) {
  // ABORTED: serialization failure or deadlock; ALREADY_EXISTS: a concurrent transaction took
  // the same unique key (request_id, once-only key) first; UNAVAILABLE: the connection was lost
  // before the transaction could commit (a primary lost, a failover under way).
  if (s.GetPayload(kInDoubt).has_value()) return false;
  return s.code() == absl::StatusCode::kAborted || s.code() == absl::StatusCode::kAlreadyExists ||
         s.code() == absl::StatusCode::kUnavailable;
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
  c_->DropDeferred();  // never sent in another transaction
  if (c_->Healthy() && c_->InTransaction()) c_->Reset();  // never lent inside a transaction left open
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
  const auto started = std::chrono::steady_clock::now();
  absl::Status last;
  for (int attempt = 0; attempt < kMaxAttempts;) {
    // One attempt, in whatever batch takes it; a retryable result is retried here.
    auto result = group_.Write(options, fn, [this](const std::vector<Pending*>& batch) { RunBatch(batch); });
    if (result.ok()) return result;
    if (result.status().GetPayload(kKeysBusy).has_value()) {
      // Not run: its keys were held by another transaction while the rest of its batch ran. It
      // goes into a later batch (not an attempt), for as long as the call's deadline allows.
      if (std::chrono::system_clock::now() >= options.deadline) {
        return absl::DeadlineExceededError("the call's deadline passed while its keys were busy; nothing was applied");
      }
      if (std::chrono::steady_clock::now() - started > kKeysBusyLimit) {
        return absl::UnavailableError(
            "the keys this write decides on stayed busy, so this call applied nothing; retry it with the same "
            "request_id (a write already stored under it answers as stored)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (!Retryable(result.status())) return result;
    last = result.status();
    // Back off a little, with jitter, so that conflicting transactions stop colliding. (Seeded
    // once a thread: opening the system's random device costs more than a write.)
    thread_local std::mt19937 rng(std::random_device{}());
    ++attempt;
    const int ms = std::uniform_int_distribution<int>(1, std::min(100, 2 << std::min(attempt, 6)))(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  if (last.code() == absl::StatusCode::kUnavailable) return last;
  return absl::AbortedError(absl::StrCat("the transaction kept conflicting; retry the call: ", last.message()));
}

namespace {

const std::vector<std::string> kNoKeys;
const std::vector<std::string>& KeysOf(const GroupCommit::Pending* p) {
  return p->options->lock_keys ? *p->options->lock_keys : kNoKeys;
}

std::vector<std::string> SortedUnique(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

absl::Status Busy() {
  absl::Status s = absl::AbortedError("its keys were held by another transaction; it runs in a later batch");
  s.SetPayload(kKeysBusy, absl::Cord("1"));
  return s;
}

// The batch's transaction, opened in the round trip that takes its locks (its snapshot is taken
// by its first read, after them) and ended in the one that releases them.
constexpr absl::string_view kBegin = "BEGIN ISOLATION LEVEL SERIALIZABLE";
// It writes to the WAL at once (a transactional message of no content, which no table keeps), so
// that its COMMIT, with a synchronous standby, waits for the standby to have it and every commit
// before it. A batch that only answers replays writes nothing otherwise, and PostgreSQL does not
// wait for the standby on the commit of a transaction that wrote nothing (a transaction id alone is
// not enough): it would acknowledge at once a write whose own wait for the standby was cancelled or
// cut (its connection terminated), one that a failover then loses.
constexpr absl::string_view kWriteWal = "SELECT pg_logical_emit_message(true, 'subsidy', '')";
constexpr absl::string_view kUnlockAll = "SELECT pg_advisory_unlock_all()";

// Writes on one key queue on session advisory locks taken before the transaction, so its snapshot
// is taken after the previous holder committed; SERIALIZABLE still catches any other interleaving.
// A batch takes the locks that are free now (one statement, never waiting) and runs the writes
// whose keys it got; the others wait for a later batch, so one busy key never holds up writes on
// other keys. Only a batch that got none of its writes' keys waits: for its first write's keys,
// holding nothing else and in the order of the keys' hashes, so no two batches wait on each other
// in a cycle, and for at most a second at a time. The batch's transaction is open when some
// writes are runnable, and not when none are.
absl::StatusOr<std::vector<GroupCommit::Pending*>> LockRunnable(PgConn& c, const std::vector<GroupCommit::Pending*>& batch) {
  std::vector<std::string> all;
  for (const auto* p : batch) all.insert(all.end(), KeysOf(p).begin(), KeysOf(p).end());
  const std::vector<std::string> keys = SortedUnique(std::move(all));
  std::vector<GroupCommit::Pending*> runnable;
  if (keys.empty()) {
    auto begun = c.Exec(absl::StrCat(kBegin, "; ", kWriteWal, "; ", SavepointNamed(0)));
    if (!begun.ok()) return begun.status();
    return batch;
  }
  auto array = [](const std::vector<std::string>& of) {
    std::string a = "{";
    for (size_t i = 0; i < of.size(); ++i) {
      absl::StrAppend(&a, i ? "," : "", "\"", absl::StrReplaceAll(of[i], {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
    }
    return a + "}";
  };
  const std::string hash = absl::StrCat("hashtextextended(k, ", kAdvisoryNamespace, ")");
  const std::string try_sql = absl::StrCat("SELECT k, pg_try_advisory_lock(", hash, ") FROM unnest($1::text[]) AS k");
  const std::string keys_array = array(keys);
  const std::string first_savepoint = SavepointNamed(0);
  std::set<std::string> got;
  // Adds the keys free now to `got`, the transaction begun behind them; `steps` (the COMMIT of a
  // wait's transaction) go before, in the same round trip.
  auto try_all = [&](std::vector<PgConn::Step> steps) -> absl::Status {
    const char* const values[] = {keys_array.c_str()};
    const int lengths[] = {static_cast<int>(keys_array.size())};
    const int formats[] = {0};
    const size_t at = steps.size();
    if (!steps.empty()) steps.back().sync_after = true;
    steps.push_back({try_sql, true, 1, values, lengths, formats, /*sync_after=*/true});
    steps.push_back(PgConn::OneOff(kBegin));
    steps.push_back(PgConn::OneOff(kWriteWal));
    steps.push_back(PgConn::OneOff(first_savepoint));
    auto tried = c.Pipeline(steps);
    if (!tried.ok()) return tried.status();
    const PgResult& r = (*tried)[at];
    for (int i = 0; i < r.rows(); ++i) {
      if (r.Text(i, 1) == "t") got.insert(r.Text(i, 0));
    }
    return absl::OkStatus();
  };
  if (auto s = try_all({}); !s.ok()) return s;
  auto all_got = [&](const GroupCommit::Pending* p) {
    return std::all_of(KeysOf(p).begin(), KeysOf(p).end(), [&](const std::string& k) { return got.count(k) > 0; });
  };
  for (auto* p : batch) {
    if (all_got(p)) runnable.push_back(p);
  }
  if (!runnable.empty()) return runnable;
  // The wait runs in a transaction of its own, whose lock_timeout (SET LOCAL) ends with it however
  // it ends: committed, failed, cancelled, the connection lost. (A session's setting could be left
  // behind on a pooled connection by a failed reset, and fail a later row lock's wait after 1 s.)
  // The session lock it takes outlives the transaction. A failure leaves it open: the caller rolls
  // it back.
  if (auto s = c.Exec(absl::StrCat("ROLLBACK; ", kUnlockAll, "; BEGIN; SET LOCAL lock_timeout = '1s'")); !s.ok()) {
    return s.status();
  }
  const std::vector<std::string> first = SortedUnique(KeysOf(batch.front()));
  auto waited = c.Exec(absl::StrCat("SELECT pg_advisory_lock(h) FROM (SELECT DISTINCT ", hash,
                                    " AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS o"),
                       {PgParam::Text(array(first))});
  if (!waited.ok()) {
    if (waited.status().code() == absl::StatusCode::kResourceExhausted) return runnable;  // still busy: all wait
    return waited.status();
  }
  // Holding those, the batch's other keys that are free now join (never waiting).
  got = std::set<std::string>(first.begin(), first.end());
  if (auto s = try_all({PgConn::OneOff("COMMIT")}); !s.ok()) return s;
  for (auto* p : batch) {
    if (all_got(p)) runnable.push_back(p);
  }
  return runnable;
}

// Runs the batch's writes in the open transaction, each after a savepoint of its own to which a
// failed one rolls back; a write that succeeded sends its queued statements (SqlSession::ExecLater)
// and the next savepoint in one round trip. Savepoints are named afresh rather than released and
// taken again: a queued write whose count of changed rows is wrong fails only after the pipeline
// ran on, and that write must still roll back whole. A run of combined writes (CombinedRuns) has
// one savepoint for all; when it fails as a whole, each of its writes runs alone after it. Returns
// whether any write is kept; an error when the transaction is lost.
class WriteRunner {
 public:
  explicit WriteRunner(PgConn& c) : c_(c) {}

  absl::StatusOr<bool> Run(const std::vector<GroupCommit::Pending*>& batch) {
    for (auto& run : CombinedRuns(batch)) {
      std::erase_if(run, [](GroupCommit::Pending* p) {
        if (std::chrono::system_clock::now() < p->options->deadline) return false;
        p->result = absl::DeadlineExceededError("the call's deadline passed before it ran; nothing was applied");
        return true;
      });
      if (run.size() >= 2) {
        auto combined = Settle(run, RunCombined(c_.session(), run));
        if (!combined.ok()) return combined.status();
        if (*combined) continue;
      }
      for (GroupCommit::Pending* p : run) {
        p->result = (*p->fn)(c_.session());
        auto one = Settle({p}, p->result.status());
        if (!one.ok()) return one.status();
        if (!*one) p->result = failed_;
      }
    }
    return kept_;
  }

 private:
  // After `writes` ran (`ran`: whether they did, whatever each one's result): keeps them behind a
  // new savepoint when any succeeded and their queued statements ran, or else rolls them back.
  // Whether they were kept or are done (all refused); an error when the transaction is lost.
  absl::StatusOr<bool> Settle(const std::vector<GroupCommit::Pending*>& writes, const absl::Status& ran) {
    failed_ = ran;
    const bool any = ran.ok() && std::any_of(writes.begin(), writes.end(), [](auto* p) { return p->result.ok(); });
    if (any) {
      const std::string next = SavepointNamed(savepoints_ + 1);
      const absl::string_view then[] = {next};
      failed_ = c_.FlushWith(then);
      if (failed_.ok()) {
        ++savepoints_;
        kept_ = true;
        return true;
      }
    }
    c_.DropDeferred();
    if (!c_.Healthy()) return absl::UnavailableError("the PostgreSQL connection was lost mid-transaction");
    // (ROLLBACK TO keeps the savepoint, now clean; any later one is gone)
    if (auto s = c_.Exec(absl::StrCat("ROLLBACK TO ", kSavepoint, savepoints_)); !s.ok()) return s.status();
    return ran.ok() && !any;  // every write refused: done, nothing to keep
  }

  PgConn& c_;
  int savepoints_ = 0;  // the newest savepoint's number: every write kept is before it
  bool kept_ = false;
  absl::Status failed_;  // why the last settled writes were not kept
};

}  // namespace

void PgDialect::RunBatch(const std::vector<Pending*>& all) {
  auto conn = Acquire();
  if (!conn.ok()) {
    for (Pending* p : all) p->result = conn.status();
    return;
  }
  auto& c = *conn;
  auto runnable = LockRunnable(*c, all);
  // A connection this could not clean (lost, or the ROLLBACK cancelled) is reconnected, which ends
  // its transaction and its locks; one left inside a transaction the Lease reconnects too.
  auto rollback_unlock = [&] {
    if (!c->Exec(c->InTransaction() ? absl::StrCat("ROLLBACK; ", kUnlockAll) : kUnlockAll).ok()) c->Reset();
  };
  if (!runnable.ok()) {
    rollback_unlock();
    for (Pending* p : all) p->result = runnable.status();
    return;
  }
  for (Pending* p : all) p->result = Busy();  // until it runs
  const std::vector<Pending*>& batch = *runnable;
  if (batch.empty()) return rollback_unlock();
  auto abandon = [&](const absl::Status& s) {
    c->DropDeferred();
    rollback_unlock();
    for (Pending* p : batch) p->result = s;
  };
  auto kept = WriteRunner(*c).Run(batch);
  if (!kept.ok()) return abandon(kept.status());
  // Nothing kept (every write refused): the transaction still commits (it wrote only kWriteWal's
  // record), so that the refusals, decided on what it read, are answered only once a synchronous
  // standby has all of that too.
  // A write whose deadline passed while the batch ran is not committed. Its savepoint is released
  // into the transaction, so the batch rolls back, and the others run again (the refusals among
  // them were decided beside it).
  const auto now = std::chrono::system_clock::now();
  if (std::any_of(batch.begin(), batch.end(), [&](Pending* p) { return p->result.ok() && now >= p->options->deadline; })) {
    rollback_unlock();
    for (Pending* p : batch) {
      if (p->result.ok() && now >= p->options->deadline) {
        p->result = absl::DeadlineExceededError("the call's deadline passed before its commit; nothing was applied");
      } else if (p->result.status().code() != absl::StatusCode::kDeadlineExceeded) {
        p->result = absl::AbortedError("a write beside it in its batch ran out of time; it runs again");
      }
    }
    return;
  }
  // COMMIT and the unlock in one round trip, their answers apart: a lost unlock after a COMMIT
  // that succeeded is not a failed commit (the locks go with the connection).
  size_t done = 0;
  std::vector<int> warned;
  const PgConn::Step close[] = {PgConn::OneOff("COMMIT"), PgConn::OneOff(kUnlockAll)};
  auto closed = c->Pipeline(close, &done, &warned);
  if (done >= 1) {
    if (!closed.ok() && c->Healthy() && !c->Exec(kUnlockAll).ok()) c->Reset();
    // A COMMIT that warned (its wait for the synchronous standby cancelled, say) is stored here
    // but perhaps not on the standby, and would be lost by a failover now: no answer of it is
    // given, a write's nor a refusal decided on what it read. Each answers UNAVAILABLE, not run
    // again; a retry with its request_id then finds it stored.
    if (!warned.empty() && warned[0] > 0) {
      for (Pending* p : batch) {
        if (!absl::IsDeadlineExceeded(p->result.status())) p->result = NotAcknowledged(c->last_warning());
      }
    }
    return;
  }
  // A COMMIT refused by the server stored nothing, and the refusals in the batch were decided on
  // writes that are gone: every write of it runs again. A connection lost during COMMIT may have
  // stored the batch: a write that records its request_id runs again (a replay if it was stored);
  // any other write of it answers UNAVAILABLE and is not run twice.
  const absl::Status failed = closed.status();
  std::vector<bool> sent(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) sent[i] = batch[i]->result.ok();
  abandon(failed);
  if (failed.code() != absl::StatusCode::kUnavailable) return;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (sent[i] && !batch[i]->options->replay_safe) batch[i]->result = InDoubt(failed);
  }
}

absl::Status PgDialect::Read(absl::FunctionRef<absl::Status(SqlSession&)> fn) {
  absl::Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {  // one retry on a lost connection or a cancelled statement
    auto conn = Acquire();
    if (!conn.ok()) return conn.status();
    // A read of several statements sees one snapshot.
    last = (*conn)->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status();
    if (last.ok()) {
      last = fn((*conn)->session());
      (void)(*conn)->Exec(last.ok() ? "COMMIT" : "ROLLBACK");
    }
    if (last.code() == absl::StatusCode::kAborted) continue;
    if (last.code() != absl::StatusCode::kUnavailable) return last;
    (*conn)->Reset();
  }
  return last;
}

absl::StatusOr<Freshness> PgDialect::ReadFreshness() {
  Freshness out;
  auto s = Read([&](SqlSession& session) {
    return session
        .QueryOne("SELECT pg_is_in_recovery(), COALESCE((EXTRACT(EPOCH FROM pg_last_xact_replay_timestamp()) * "
                  "1000000)::BIGINT, -1), COALESCE(pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn(), true)::INT",
                  {},
                  [&](const SqlRow& row) {
                    out.from_standby = row.Text(0) == "t";
                    if (out.from_standby && row.Int(1) >= 0) out.replayed_up_to = absl::FromUnixMicros(row.Int(1));
                    out.caught_up = !out.from_standby || row.Int(2) == 1;
                  })
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace subsidy::storage
