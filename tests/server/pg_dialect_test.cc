// PostgreSQL's rule for a lost connection (server/storage/postgres/pg_dialect.cc): a write whose
// connection broke before COMMIT is run again (PostgreSQL rolled it back); one whose connection broke
// during COMMIT is run again only if it is replay-safe, and otherwise answers UNAVAILABLE, run once.
#include <gtest/gtest.h>

#include "storage/postgres/pg_dialect.h"
#include "support/postgres_server.h"

namespace subsidy::storage {
namespace {

class PgDialectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SUBSIDY_POSTGRES_OR_FAIL(pg);
    auto d = PgDialect::Open(pg->NewDatabase(), 2);
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

}  // namespace
}  // namespace subsidy::storage
