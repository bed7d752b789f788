// PostgreSQL's rule for a lost connection (server/storage/postgres/pg_dialect.cc): a write whose
// connection broke before COMMIT is run again (PostgreSQL rolled it back); one whose connection broke
// during COMMIT is run again only if it is replay-safe, and otherwise answers UNAVAILABLE, run once.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "storage/postgres/pg_conn.h"
#include "storage/postgres/pg_dialect.h"
#include "support/postgres_server.h"

namespace subsidy::storage {
namespace {

bool WaitUntilTrue(const std::function<bool()>& done) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < limit) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

// Server settings for one test (ALTER SYSTEM, reloaded; all reset when the test ends: its
// process has the server to itself).
class ServerSettings {
 public:
  explicit ServerSettings(PgConn& admin) : admin_(admin) {}
  ~ServerSettings() {
    (void)admin_.Exec("ALTER SYSTEM RESET ALL");
    (void)admin_.Exec("SELECT pg_reload_conf()");
  }
  // Runs `statements` (each alone: ALTER SYSTEM takes no block) and reloads; true once a new
  // connection shows `name` as `value`.
  bool Set(const std::vector<std::string>& statements, const std::string& url, const std::string& name,
           const std::string& value) {
    for (const std::string& sql : statements) {
      if (!admin_.Exec(sql).ok()) return false;
    }
    if (!admin_.Exec("SELECT pg_reload_conf()").ok()) return false;
    return WaitUntilTrue([&] {
      auto fresh = PgConn::Connect(url);
      if (!fresh.ok()) return false;
      auto shown = (*fresh)->Exec("SHOW " + name);
      return shown.ok() && shown->Text(0, 0) == value;
    });
  }

 private:
  PgConn& admin_;
};

class PgDialectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SUBSIDY_POSTGRES_OR_FAIL(pg);
    url_ = pg->NewDatabase();
    auto d = PgDialect::Open(url_, 4);
    ASSERT_TRUE(d.ok()) << d.status();
    dialect_ = std::move(*d);
    // A deferred constraint trigger runs inside COMMIT: on the first row of `doomed` ever (a
    // sequence does not roll back), the backend ends its own connection there.
    auto made = dialect_->Write({}, [](SqlSession& s) -> absl::StatusOr<std::string> {
      if (auto r = s.ExecScript(R"sql(
        CREATE TABLE doomed (id INTEGER);
        CREATE SEQUENCE commits_killed;
        CREATE FUNCTION kill_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          IF nextval('commits_killed') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
          RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER kill_at_commit AFTER INSERT ON doomed DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW EXECUTE FUNCTION kill_at_commit();)sql");
          !r.ok()) {
        return r;
      }
      return std::string();
    });
    ASSERT_TRUE(made.ok()) << made.status();
  }

  absl::StatusOr<std::string> InsertDoomed(bool replay_safe, int* runs) {
    return dialect_->Write({.replay_safe = replay_safe}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
      ++*runs;
      auto n = s.Exec("INSERT INTO doomed (id) VALUES (1)", {});
      if (!n.ok()) return n.status();
      return std::string("stored");
    });
  }

  int64_t Rows() {
    int64_t n = -1;
    auto read = dialect_->Read([&](SqlSession& s) {
      return s.QueryOne("SELECT COUNT(*) FROM doomed", {}, [&](const SqlRow& row) { n = row.Int(0); }).status();
    });
    EXPECT_TRUE(read.ok()) << read;
    return n;
  }

  absl::StatusOr<std::string> Insert(int id, std::vector<std::string> keys, const std::string& before = "",
                                     std::chrono::system_clock::time_point deadline =
                                         std::chrono::system_clock::time_point::max()) {
    WriteOptions options{.lock_keys = &keys, .deadline = deadline};
    return dialect_->Write(options, [&](SqlSession& s) -> absl::StatusOr<std::string> {
      if (!before.empty()) {
        if (auto r = s.ExecScript(before); !r.ok()) return r;
      }
      auto n = s.Exec("INSERT INTO kept (id) VALUES ($1)", {SqlParam::Int(id)});
      if (!n.ok()) return n.status();
      return std::string("stored");
    });
  }
  bool Stored(int id) {
    bool found = false;
    EXPECT_TRUE(dialect_
                    ->Read([&](SqlSession& s) {
                      return s.QueryOne("SELECT 1 FROM kept WHERE id = $1", {SqlParam::Int(id)},
                                        [&](const SqlRow&) { found = true; })
                          .status();
                    })
                    .ok());
    return found;
  }
  void MakeKept() {
    auto made = dialect_->Write({}, [](SqlSession& s) -> absl::StatusOr<std::string> {
      if (auto r = s.ExecScript("CREATE TABLE kept (id INTEGER PRIMARY KEY)"); !r.ok()) return r;
      return std::string();
    });
    ASSERT_TRUE(made.ok()) << made.status();
  }

  std::string url_;
  std::unique_ptr<PgDialect> dialect_;
};

TEST_F(PgDialectTest, AConnectionLostDuringCommitIsNotRunAgainUnlessReplaySafe) {
  int runs = 0;
  auto r = InsertDoomed(/*replay_safe=*/false, &runs);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Rows(), 0);  // (here the lost COMMIT stored nothing; the server could not know)
  // The pool recovers: the next write is on a new connection.
  runs = 0;
  EXPECT_TRUE(InsertDoomed(false, &runs).ok());
  EXPECT_EQ(Rows(), 1);
}

TEST_F(PgDialectTest, AReplaySafeWriteIsRunAgainAfterAConnectionLostDuringCommit) {
  int runs = 0;
  auto r = InsertDoomed(/*replay_safe=*/true, &runs);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(Rows(), 1);
}

TEST_F(PgDialectTest, AConnectionLostBeforeCommitIsRunAgain) {
  int runs = 0;
  auto r = dialect_->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
    if (++runs == 1) {
      (void)s.Exec("SELECT pg_terminate_backend(pg_backend_pid())", {});
      return std::string("lost");  // the connection is gone: nothing of this run can commit
    }
    auto n = s.Exec("INSERT INTO doomed (id) SELECT 2 WHERE false", {});
    if (!n.ok()) return n.status();
    return std::string("second run");
  });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "second run");
  EXPECT_EQ(runs, 2);
}

// A key held elsewhere (another replica's long transaction, an operator's session) holds up the
// writes on that key only: a write on another key commits meanwhile.
TEST_F(PgDialectTest, AKeyHeldElsewhereHoldsUpOnlyTheWritesOnIt) {
  MakeKept();
  auto other = PgConn::Connect(url_);
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)->Exec("SELECT pg_advisory_lock(hashtextextended('fund:HELD', 7245119))").ok());
  // More writes on the held key than there are lanes: were a batch to wait for all its keys,
  // every lane would wait behind the held one.
  std::atomic<int> held_done{0};
  std::vector<std::thread> held;
  for (int i = 0; i < PgDialect::kLanes + 1; ++i) {
    held.emplace_back([&, i] {
      EXPECT_TRUE(Insert(1 + i, {"fund:HELD"}).ok());
      ++held_done;
    });
  }
  std::atomic<int> free_done{0};
  std::vector<std::thread> free;
  for (int i = 0; i < 6; ++i) {
    free.emplace_back([&, i] {
      EXPECT_TRUE(Insert(10 + i, {"fund:FREE-" + std::to_string(i)}).ok());
      ++free_done;
    });
  }
  // They commit while the key is still held (were they behind it, they would wait until it goes).
  EXPECT_TRUE(WaitUntilTrue([&] { return free_done.load() == 6; }));
  EXPECT_EQ(held_done.load(), 0);
  ASSERT_TRUE((*other)->Exec("SELECT pg_advisory_unlock_all()").ok());
  for (auto& t : held) t.join();
  for (auto& t : free) t.join();
  for (int i = 0; i < PgDialect::kLanes + 1; ++i) EXPECT_TRUE(Stored(1 + i));
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(Stored(10 + i));
}

// A write whose deadline passes while a slower write of its batch runs is not committed.
TEST_F(PgDialectTest, AWriteWhoseDeadlinePassesBeforeItsBatchCommitsIsNotStored) {
  MakeKept();
  // Every lane busy for half a second (each sleeper seen running before the next is sent, so
  // each is a batch of its own): the two writes after them are queued and run together.
  std::atomic<int> running{0};
  std::vector<std::thread> lanes;
  for (int i = 0; i < PgDialect::kLanes; ++i) {
    lanes.emplace_back([&] {
      EXPECT_TRUE(dialect_
                      ->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
                        ++running;
                        if (auto r = s.ExecScript("SELECT pg_sleep(0.5)"); !r.ok()) return r;
                        return std::string();
                      })
                      .ok());
    });
    const int want = i + 1;
    ASSERT_TRUE(WaitUntilTrue([&] { return running.load() >= want; }));
  }
  const auto t0 = std::chrono::system_clock::now();
  absl::StatusOr<std::string> quick, slow;
  std::thread q([&] { quick = Insert(1, {}, "", t0 + std::chrono::milliseconds(700)); });
  // (The quick one is queued first, so that it runs before the slow one, not after; if the order
  // comes out the other way, it misses its deadline before it runs, and the checks hold too.)
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::thread w([&] { slow = Insert(2, {}, "SELECT pg_sleep(0.6)"); });
  q.join();
  w.join();
  for (auto& t : lanes) t.join();
  EXPECT_EQ(quick.status().code(), absl::StatusCode::kDeadlineExceeded) << quick.status();
  EXPECT_FALSE(Stored(1));
  ASSERT_TRUE(slow.ok()) << slow.status();
  EXPECT_TRUE(Stored(2));
}

// The batch's round trips (pg_dialect.cc): the locks, BEGIN and the first savepoint go in one
// pipeline, a sync between the locks' read and the BEGIN, so that the transaction's snapshot is
// taken by its own first read, after the locks; without the sync, PostgreSQL refuses the BEGIN's
// isolation level, the read having taken a snapshot already.
TEST_F(PgDialectTest, ABeginAfterASyncInOnePipelineStartsAFreshTransaction) {
  auto c = PgConn::Connect(url_);
  ASSERT_TRUE(c.ok()) << c.status();
  const std::string lock = "SELECT pg_try_advisory_lock(1)";
  auto without = (*c)->Pipeline({{lock, false}, PgConn::OneOff("BEGIN ISOLATION LEVEL SERIALIZABLE")});
  EXPECT_FALSE(without.ok());
  ASSERT_TRUE((*c)->Exec("SELECT pg_advisory_unlock_all()").ok());
  PgConn::Step read{lock, false};
  read.sync_after = true;
  auto with = (*c)->Pipeline({read, PgConn::OneOff("BEGIN ISOLATION LEVEL SERIALIZABLE"), PgConn::OneOff("SAVEPOINT w0")});
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ((*with)[0].Text(0, 0), "t");
  EXPECT_TRUE((*c)->InTransaction());
  auto level = (*c)->Exec("SHOW transaction_isolation");
  ASSERT_TRUE(level.ok()) << level.status();
  EXPECT_EQ(level->Text(0, 0), "serializable");
  ASSERT_TRUE((*c)->Exec("ROLLBACK; SELECT pg_advisory_unlock_all()").ok());
  EXPECT_FALSE((*c)->InTransaction());
}

// COMMIT and the unlock go in one round trip, their answers apart: when the connection is lost
// after the COMMIT's answer, the pipeline fails, but says the COMMIT was done.
TEST_F(PgDialectTest, ACommitFollowedByALostConnectionIsKnownToHaveCommitted) {
  MakeKept();
  auto c = PgConn::Connect(url_);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE((*c)->Exec("BEGIN; INSERT INTO kept (id) VALUES (41)").ok());
  size_t done = 9;
  auto closed = (*c)->Pipeline(
      {PgConn::OneOff("COMMIT"), PgConn::OneOff("SELECT pg_terminate_backend(pg_backend_pid())")}, &done);
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kUnavailable) << closed.status();
  EXPECT_EQ(done, 1u);
  EXPECT_TRUE(Stored(41));
  // A COMMIT the server refuses (a deferred key, checked at COMMIT) says so: done is 0, and the
  // statement after it did not run.
  ASSERT_TRUE((*c)->Reset());
  ASSERT_TRUE((*c)->Exec("CREATE TABLE once (id INTEGER UNIQUE DEFERRABLE INITIALLY DEFERRED)").ok());
  ASSERT_TRUE((*c)->Exec("BEGIN; INSERT INTO once VALUES (1); INSERT INTO once VALUES (1)").ok());
  done = 9;
  auto refused = (*c)->Pipeline({PgConn::OneOff("COMMIT"), PgConn::OneOff("INSERT INTO kept (id) VALUES (42)")}, &done);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists) << refused.status();
  EXPECT_EQ(done, 0u);
  EXPECT_FALSE(Stored(42));
}

// An operator's pg_cancel_backend (or any cancel sooner than the statement timeout) fails the
// batch's transaction, which stored nothing: the write runs again, not DEADLINE_EXCEEDED.
TEST_F(PgDialectTest, AStatementCancelledByAnotherSessionRunsAgain) {
  MakeKept();
  auto admin = PgConn::Connect(url_);
  ASSERT_TRUE(admin.ok()) << admin.status();
  std::atomic<int> runs = 0;
  absl::StatusOr<std::string> written;
  std::thread writer([&] {
    written = dialect_->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
      auto n = s.Exec("INSERT INTO kept (id) VALUES (61)", {});
      if (!n.ok()) return n.status();
      if (++runs == 1) {
        if (auto slept = s.Exec("SELECT pg_sleep(20)", {}); !slept.ok()) return slept.status();
      }
      return std::string("stored");
    });
  });
  const bool cancelled = WaitUntilTrue([&] {
    auto r = (*admin)->Exec(
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)' AND state = 'active'");
    return r.ok() && r->rows() == 1 && r->Text(0, 0) == "t";
  });
  writer.join();
  ASSERT_TRUE(cancelled);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(Stored(61));
}

// With a synchronous standby, a COMMIT waits for it; cancelled in that wait, PostgreSQL keeps the
// commit but only warns, and terminated in it, the commit is kept and the connection lost. A write
// is acknowledged only once the standby has it: one whose wait was cancelled answers UNAVAILABLE,
// in doubt, and is not run again; one run again (its connection lost) or sent again finds it
// stored and still waits for the standby before it answers (a failover would lose it till then),
// and so does a refusal decided on it.
TEST_F(PgDialectTest, AWriteIsAcknowledgedOnlyOnceTheSynchronousStandbyHasIt) {
  MakeKept();
  auto admin = PgConn::Connect(url_);
  ASSERT_TRUE(admin.ok()) << admin.status();
  // A standby that never comes: every COMMIT waits for it.
  ServerSettings settings(**admin);
  ASSERT_TRUE(settings.Set({"ALTER SYSTEM SET synchronous_standby_names = 'nobody'"}, url_,
                           "synchronous_standby_names", "nobody"));
  auto d = PgDialect::Open(url_, 2);  // connections opened after the reload
  ASSERT_TRUE(d.ok()) << d.status();
  // Signals (`how`) the one backend waiting for the standby other than `not_pid`: its pid, "" if none came.
  auto signal = [&](const std::string& how, const std::string& not_pid = "0") {
    std::string pid;
    WaitUntilTrue([&] {
      auto r = (*admin)->Exec(absl::StrCat("SELECT pid, ", how,
                                           "(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep' AND pid <> $1"),
                              {PgParam::Text(not_pid)});
      if (r.ok() && r->rows() == 1 && r->Text(0, 1) == "t") pid = r->Text(0, 0);
      return !pid.empty();
    });
    return pid;
  };
  std::atomic<int> runs = 0;
  // As a write that records its request_id: stored once; a second run finds it and stores nothing.
  auto once = [&](SqlSession& s) -> absl::StatusOr<std::string> {
    ++runs;
    auto n = s.Exec("INSERT INTO kept (id) VALUES (71) ON CONFLICT DO NOTHING", {});
    if (!n.ok()) return n.status();
    return std::string(*n == 1 ? "stored" : "found stored");
  };
  absl::StatusOr<std::string> written;
  std::thread writer([&] { written = (*d)->Write({.replay_safe = true}, once); });
  // (each thread is joined before anything is asserted: a failed wait for a waiter must not end
  // the test with a thread running; a write left waiting gives its connection up within 35 s)
  const std::string cut = signal("pg_terminate_backend");
  const bool rerun_waited = !cut.empty() && !signal("pg_cancel_backend", cut).empty();  // the run again, waiting too
  writer.join();
  ASSERT_TRUE(rerun_waited);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kUnavailable) << written.status();
  EXPECT_NE(written.status().message().find("standby"), absl::string_view::npos) << written.status();
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(Stored(71));  // kept here

  std::thread again([&] { written = (*d)->Write({.replay_safe = true}, once); });
  const bool retry_waited = !signal("pg_cancel_backend").empty();
  again.join();
  ASSERT_TRUE(retry_waited);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kUnavailable) << written.status();
  EXPECT_EQ(runs, 3);

  // A refusal decided on it waits for the standby too (a failover would make it a wrong answer).
  std::thread refused([&] {
    written = (*d)->Write({}, [](SqlSession& s) -> absl::StatusOr<std::string> {
      auto taken = s.QueryOne("SELECT 1 FROM kept WHERE id = 71", {}, [](const SqlRow&) {});
      if (!taken.ok()) return taken.status();
      if (*taken) return absl::FailedPreconditionError("71 is taken");
      return std::string("free");
    });
  });
  const bool refusal_waited = !signal("pg_cancel_backend").empty();
  refused.join();
  ASSERT_TRUE(refusal_waited);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kUnavailable) << written.status();
}

// Only the COMMIT's own WARNING makes a write unacknowledged: statements beside it may warn
// (auto_explain logging every plan at WARNING, the unlock sent with the COMMIT among them).
TEST_F(PgDialectTest, AWarningBesideTheCommitIsNotTheCommits) {
  MakeKept();
  auto admin = PgConn::Connect(url_);
  ASSERT_TRUE(admin.ok()) << admin.status();
  ServerSettings settings(**admin);
  ASSERT_TRUE(settings.Set({"LOAD 'auto_explain'", "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'",
                            "ALTER SYSTEM SET auto_explain.log_min_duration = 0",
                            "ALTER SYSTEM SET auto_explain.log_level = 'warning'"},
                           url_, "auto_explain.log_level", "warning"));
  auto d = PgDialect::Open(url_, 2);  // connections opened after the reload: each plan warns
  ASSERT_TRUE(d.ok()) << d.status();
  std::vector<std::string> keys = {"k"};
  auto written = (*d)->Write({.lock_keys = &keys}, [](SqlSession& s) -> absl::StatusOr<std::string> {
    auto n = s.Exec("INSERT INTO kept (id) VALUES (81)", {});
    if (!n.ok()) return n.status();
    return std::string("stored");
  });
  EXPECT_TRUE(written.ok()) << written.status();
  EXPECT_TRUE(Stored(81));
}

}  // namespace
}  // namespace subsidy::storage
