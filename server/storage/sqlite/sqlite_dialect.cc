#include "storage/sqlite/sqlite_dialect.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace subsidy::storage {
namespace {

bool Expired(const WriteOptions& o) { return std::chrono::system_clock::now() >= o.deadline; }

// Transaction control runs on every call: through the connection's kept statements, not parsed
// again each time.
absl::Status Control(SqliteDb& db, absl::string_view sql) { return db.session().Exec(sql).status(); }

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDialect>> SqliteDialect::Open(const std::string& path, int readers) {
  auto db = SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  return std::unique_ptr<SqliteDialect>(new SqliteDialect(path, std::move(*db), std::max(1, readers)));
}

std::string SqliteDialect::RenderSchema(const SchemaStep& step) const {
  if (step.kind == SchemaStep::Kind::kSql) {
    return ReplaceTypeTokens(step.sql, "INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB");
  }
  const GuardTrigger& t = step.trigger;
  if (step.kind == SchemaStep::Kind::kDropTrigger) return absl::StrCat("DROP TRIGGER ", t.name, ";");
  return absl::StrCat("CREATE TRIGGER ", t.name, " BEFORE ", t.event, " ON ", t.table,
                      t.when.empty() ? "" : absl::StrCat(" WHEN ", t.when), " BEGIN SELECT RAISE(ABORT, '",
                      absl::StrReplaceAll(t.message, {{"'", "''"}}), "'); END;");
}

absl::Status SqliteDialect::Migrate(int target, absl::FunctionRef<absl::Status(SqlSession&, int)> migrate) {
  absl::MutexLock lock(&write_mu_);
  // BEGIN IMMEDIATE: two servers starting on one file must not both migrate.
  if (auto s = Control(*writer_, "BEGIN IMMEDIATE"); !s.ok()) return s;
  auto rollback = [&](absl::Status s) {
    (void)Control(*writer_, "ROLLBACK");
    return s;
  };
  int current = 0;
  auto found = writer_->session().QueryOne("PRAGMA user_version", {}, [&](const SqlRow& row) {
    current = static_cast<int>(row.Int(0));
  });
  if (!found.ok()) return rollback(found.status());
  if (current > target) {
    return rollback(absl::FailedPreconditionError(absl::StrCat("database ", path_, " has schema version ", current,
                                                               ", newer than this binary knows (", target,
                                                               "); run a newer subsidy-server")));
  }
  if (auto s = migrate(writer_->session(), current); !s.ok()) return rollback(s);
  if (auto s = writer_->Exec(absl::StrCat("PRAGMA user_version = ", target)); !s.ok()) return rollback(s);
  if (auto s = Control(*writer_, "COMMIT"); !s.ok()) return rollback(s);
  return absl::OkStatus();
}

absl::Status SqliteDialect::Read(absl::FunctionRef<absl::Status(SqlSession&)> fn) {
  std::unique_ptr<SqliteDb> reader;
  {
    absl::MutexLock lock(&readers_mu_);
    const auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(readers_mu_) {
      return !idle_readers_.empty() || open_readers_ < max_readers_;
    };
    readers_mu_.Await(absl::Condition(&available));
    if (!idle_readers_.empty()) {
      reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    } else {
      ++open_readers_;
    }
  }
  if (!reader) {
    auto opened = SqliteDb::Open(path_, /*read_only=*/true);
    if (!opened.ok()) {
      absl::MutexLock lock(&readers_mu_);
      --open_readers_;
      return opened.status();
    }
    reader = std::move(*opened);
  }
  // A read of several statements sees one snapshot.
  absl::Status s = Control(*reader, "BEGIN");
  if (s.ok()) {
    s = fn(reader->session());
    (void)Control(*reader, s.ok() ? "COMMIT" : "ROLLBACK");
  }
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(std::move(reader));
  return s;
}

absl::StatusOr<std::string> SqliteDialect::Write(const WriteOptions& options, WriteFn fn) {
  return group_.Write(options, fn, [this](const std::vector<Pending*>& batch) { RunBatch(batch); });
}

void SqliteDialect::RunBatch(std::vector<Pending*> batch) {
  absl::MutexLock lock(&write_mu_);
  for (;;) {
    const std::vector<Pending*> expired = RunBatchLocked(batch);
    if (expired.empty()) return;
    // A write whose deadline passed before the commit is not applied: the batch was rolled back
    // whole; run it again without them.
    for (Pending* p : expired) {
      p->result = absl::DeadlineExceededError("the call's deadline passed before its commit; nothing was applied");
      batch.erase(std::find(batch.begin(), batch.end(), p));
    }
    if (batch.empty()) return;
  }
}

std::vector<SqliteDialect::Pending*> SqliteDialect::RunBatchLocked(const std::vector<Pending*>& batch) {
  std::vector<Pending*> expired;
  if (auto s = Control(*writer_, "BEGIN IMMEDIATE"); !s.ok()) {
    for (Pending* p : batch) p->result = s;
    return expired;
  }
  std::set<const Pending*> wrote;
  // Each write, or run of combined writes (CombinedRuns), behind a savepoint to which a failed one
  // rolls back; a combined run that fails as a whole runs again write by write.
  auto settle = [&](bool keep) {
    (void)Control(*writer_, keep ? "RELEASE one" : "ROLLBACK TO one");
    if (!keep) (void)Control(*writer_, "RELEASE one");
  };
  for (auto& run : CombinedRuns(batch)) {
    std::erase_if(run, [&](Pending* p) {
      if (!Expired(*p->options)) return false;
      p->result = absl::DeadlineExceededError("the call's deadline passed before it ran; nothing was applied");
      return true;
    });
    if (run.size() >= 2 && Control(*writer_, "SAVEPOINT one").ok()) {
      const bool combined = RunCombined(writer_->session(), run).ok();
      const bool any = combined && std::any_of(run.begin(), run.end(), [](Pending* p) { return p->result.ok(); });
      settle(any);
      if (combined) {
        for (Pending* p : run) {
          if (p->result.ok()) wrote.insert(p);
        }
        continue;
      }
    }
    for (Pending* p : run) {
      if (auto s = Control(*writer_, "SAVEPOINT one"); !s.ok()) {
        p->result = s;
        continue;
      }
      p->result = (*p->fn)(writer_->session());
      if (p->result.ok()) wrote.insert(p);
      settle(p->result.ok());
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (wrote.count(batch[i]) && Expired(*batch[i]->options)) expired.push_back(batch[i]);
  }
  if (!expired.empty()) {
    (void)Control(*writer_, "ROLLBACK");
    return expired;
  }
  if (auto s = Control(*writer_, "COMMIT"); !s.ok()) {
    (void)Control(*writer_, "ROLLBACK");
    for (size_t i = 0; i < batch.size(); ++i) {
      if (wrote.count(batch[i])) batch[i]->result = absl::UnavailableError(absl::StrCat("commit failed: ", s.message()));
    }
  }
  return expired;
}

}  // namespace subsidy::storage
