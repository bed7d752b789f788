// SqlSession::AppendRows (storage/sql_session.h): the multi-row INSERTs of SQLite and the COPY of
// PostgreSQL store every value exactly as given: text with the characters COPY's format escapes,
// bytes of every value, NULL, the extremes of a 64-bit integer; and a row that breaks a key
// stores none of them. SqlSession::ExecLater: a queued write runs, in order and with its own copy
// of the values, before the next statement (on PostgreSQL in the same pipeline), and a queued write
// that fails, by a key or by its count of rows, fails its own transaction's write whole.
// SqlSession::QueryLater: queued reads, in the same queue, see what was queued before them and
// fill their rows when the queue is sent; one that fails, or whose rows are refused, fails the write.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>

#include "storage/dialect.h"
#include "storage/postgres/pg_dialect.h"
#include "storage/sqlite/sqlite_dialect.h"
#include "support/postgres_server.h"

namespace subsidy::storage {
namespace {

class AppendRowsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      SUBSIDY_POSTGRES_OR_SKIP(pg);
      auto d = PgDialect::Open(pg->NewDatabase(), 2);
      ASSERT_TRUE(d.ok()) << d.status();
      dialect_ = std::move(*d);
    } else {
      auto dir = std::filesystem::temp_directory_path() / ("subsidy-append-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
      std::filesystem::remove(dir / "a.db");
      auto d = SqliteDialect::Open((dir / "a.db").string(), 1);
      ASSERT_TRUE(d.ok()) << d.status();
      dialect_ = std::move(*d);
    }
    const std::string bytes = GetParam() == "postgres" ? "BYTEA" : "BLOB";
    auto made = Write([&](SqlSession& s) {
      return s.ExecScript("CREATE TABLE t (k BIGINT PRIMARY KEY, name TEXT, note TEXT, raw " + bytes + ")");
    });
    ASSERT_TRUE(made.ok()) << made;
  }

  absl::Status Write(absl::FunctionRef<absl::Status(SqlSession&)> fn) {
    return dialect_
        ->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
          if (auto st = fn(s); !st.ok()) return st;
          return std::string();
        })
        .status();
  }

  struct Row {
    int64_t k;
    std::string name;
    bool note_null;
    std::string raw;
  };
  std::vector<Row> ReadAll() {
    std::vector<Row> out;
    auto read = dialect_->Read([&](SqlSession& s) {
      return s.Query("SELECT k, name, CASE WHEN note IS NULL THEN 1 ELSE 0 END, raw FROM t ORDER BY k", {}, [&](const SqlRow& row) {
        out.push_back({row.Int(0), row.Text(1), row.Int(2) != 0, row.Bytes(3)});
        return absl::OkStatus();
      });
    });
    EXPECT_TRUE(read.ok()) << read;
    return out;
  }

  std::unique_ptr<Dialect> dialect_;
};

constexpr absl::string_view kColumns[] = {"k", "name", "note", "raw"};

TEST_P(AppendRowsTest, EveryValueComesBackExactlyAsAppended) {
  std::string every_byte;
  const std::string empty;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  const std::vector<std::string> names = {"tab\there", "line\nbreak\r\nend", "back\\slash \\N \\.", "财政贴息 ＬＶ１",
                                          "", "\\", "unit\x1fsep\x1erecord"};
  std::vector<int64_t> keys = {std::numeric_limits<int64_t>::min(), -1, 0, 1, std::numeric_limits<int64_t>::max()};
  // Enough rows for several of SQLite's statements, several of COPY's pieces and three COPYs.
  for (int64_t k = 2; keys.size() < 20'000; ++k) keys.push_back(k * 1'000);
  std::vector<SqlParam> values;
  for (size_t i = 0; i < keys.size(); ++i) {
    values.push_back(SqlParam::Int(keys[i]));
    values.push_back(SqlParam::Text(names[i % names.size()]));
    values.push_back(i % 2 ? SqlParam::Null() : SqlParam::Text("kept"));
    values.push_back(SqlParam::Bytes(i % 3 ? every_byte : empty));
  }
  ASSERT_TRUE(Write([&](SqlSession& s) { return s.AppendRows("t", kColumns, values); }).ok());
  const auto rows = ReadAll();
  ASSERT_EQ(rows.size(), keys.size());
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i].k, keys[i]);
  // Find each appended row by its key and compare every value.
  std::map<int64_t, size_t> sent;
  for (size_t i = 0; i < values.size() / 4; ++i) sent[values[i * 4].int_value()] = i;
  for (const Row& r : rows) {
    const size_t i = sent.at(r.k);
    EXPECT_EQ(r.name, names[i % names.size()]) << r.k;
    EXPECT_EQ(r.note_null, i % 2 == 1) << r.k;
    EXPECT_EQ(r.raw, i % 3 ? every_byte : "") << r.k;
  }
}

TEST_P(AppendRowsTest, ARowBreakingAKeyStoresNoneOfThem) {
  ASSERT_TRUE(Write([&](SqlSession& s) {
                const SqlParam one[] = {SqlParam::Int(5), SqlParam::Text("first"), SqlParam::Null(), SqlParam::Bytes("")};
                return s.AppendRows("t", kColumns, one);
              }).ok());
  std::vector<SqlParam> values;
  for (int64_t k : {1, 2, 5, 6}) {
    for (SqlParam p : {SqlParam::Int(k), SqlParam::Text("again"), SqlParam::Null(), SqlParam::Bytes("x")}) {
      values.push_back(p);
    }
  }
  EXPECT_FALSE(Write([&](SqlSession& s) { return s.AppendRows("t", kColumns, values); }).ok());
  const auto rows = ReadAll();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "first");
  // A row not whole is refused before anything is sent.
  values.pop_back();
  EXPECT_FALSE(Write([&](SqlSession& s) { return s.AppendRows("t", kColumns, values); }).ok());
}

using ExecLaterTest = AppendRowsTest;

TEST_P(ExecLaterTest, QueuedWritesRunInOrderBeforeTheNextStatement) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  std::string name;
  auto written = Write([&](SqlSession& s) -> absl::Status {
    for (int64_t k : {1, 2, 3}) {
      name = "行 " + std::to_string(k);  // overwritten before the queue is sent: the queue keeps its copy
      const SqlParam row[] = {SqlParam::Int(k), SqlParam::Text(name), SqlParam::Null(), SqlParam::Bytes(every_byte)};
      if (auto st = s.ExecLater("INSERT INTO t (k, name, note, raw) VALUES ($1, $2, $3, $4)", row, 1, "a row"); !st.ok()) {
        return st;
      }
    }
    name = "overwritten";
    if (auto st = s.ExecLater("UPDATE t SET note = name WHERE k >= $1", {SqlParam::Int(2)}, 2, "two notes"); !st.ok()) {
      return st;
    }
    // The next statement sees every queued write.
    std::vector<std::string> seen;
    auto read = s.Query("SELECT name, COALESCE(note, '') FROM t ORDER BY k", {}, [&](const SqlRow& row) {
      seen.push_back(row.Text(0) + "|" + row.Text(1));
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    EXPECT_EQ(seen, (std::vector<std::string>{"行 1|", "行 2|行 2", "行 3|行 3"}));
    // Queued last, and sent when the write ends.
    return s.ExecLater("UPDATE t SET name = name || '·' WHERE k = $1", {SqlParam::Int(3)}, 1, "the last row");
  });
  ASSERT_TRUE(written.ok()) << written;
  const auto rows = ReadAll();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].name, "行 3·");
  for (const Row& r : rows) EXPECT_EQ(r.raw, every_byte) << r.k;
}

TEST_P(ExecLaterTest, AQueuedWriteThatFailsFailsItsWholeWrite) {
  const SqlParam first[] = {SqlParam::Int(5), SqlParam::Text("first"), SqlParam::Null(), SqlParam::Bytes("")};
  ASSERT_TRUE(Write([&](SqlSession& s) { return s.AppendRows("t", kColumns, first); }).ok());
  // A count of rows it did not expect: the write is refused whole, its plain statements included,
  // although on PostgreSQL the statements after it in the pipeline ran.
  auto miscounted = Write([&](SqlSession& s) -> absl::Status {
    if (auto n = s.Exec("INSERT INTO t (k, name) VALUES (6, 'six')"); !n.ok()) return n.status();
    return s.ExecLater("UPDATE t SET name = 'gone' WHERE k = $1", {SqlParam::Int(404)}, 1, "the row of 404");
  });
  EXPECT_EQ(miscounted.code(), absl::StatusCode::kInternal) << miscounted;
  EXPECT_NE(miscounted.message().find("the row of 404: 0 rows changed, expected 1"), std::string::npos) << miscounted;
  // A key it breaks: the statement that sends it answers ALREADY_EXISTS (which the write then
  // answers as a refusal of its own, not to be retried).
  absl::Status sent;
  auto duplicate = Write([&](SqlSession& s) -> absl::Status {
    if (auto n = s.Exec("INSERT INTO t (k, name) VALUES (7, 'seven')"); !n.ok()) return n.status();
    sent = s.ExecLater("INSERT INTO t (k, name) VALUES ($1, 'again')", {SqlParam::Int(5)}, 1, "a key");
    if (sent.ok()) sent = s.Query("SELECT k FROM t", {}, [](const SqlRow&) { return absl::OkStatus(); });
    return sent.ok() ? sent : absl::FailedPreconditionError(sent.message());
  });
  EXPECT_EQ(sent.code(), absl::StatusCode::kAlreadyExists) << sent;
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kFailedPrecondition) << duplicate;
  // Neither left anything, and the session serves the next write.
  ASSERT_TRUE(Write([&](SqlSession& s) {
                return s.ExecLater("UPDATE t SET note = 'after' WHERE k = $1", {SqlParam::Int(5)}, 1, "the row of 5");
              }).ok());
  const auto rows = ReadAll();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "first");
  EXPECT_FALSE(rows[0].note_null);
}

using QueryLaterTest = AppendRowsTest;

TEST_P(QueryLaterTest, QueuedReadsSeeTheWritesQueuedBeforeThemAndFillTheirRowsAtFlush) {
  const SqlParam first[] = {SqlParam::Int(1), SqlParam::Text("一"), SqlParam::Null(), SqlParam::Bytes("")};
  ASSERT_TRUE(Write([&](SqlSession& s) { return s.AppendRows("t", kColumns, first); }).ok());
  std::vector<std::string> before, after;
  int64_t count = -1;
  auto written = Write([&](SqlSession& s) -> absl::Status {
    auto names = [](std::vector<std::string>* into) {
      return [into](const SqlRow& row) {
        into->push_back(row.Text(0));
        return absl::OkStatus();
      };
    };
    if (auto st = s.QueryLater("SELECT name FROM t ORDER BY k", {}, names(&before)); !st.ok()) return st;
    if (auto st = s.ExecLater("INSERT INTO t (k, name) VALUES ($1, $2)", {SqlParam::Int(2), SqlParam::Text("二")}, 1,
                              "a row");
        !st.ok()) {
      return st;
    }
    if (auto st = s.QueryLater("SELECT name FROM t WHERE k >= $1 ORDER BY k", {SqlParam::Int(1)}, names(&after));
        !st.ok()) {
      return st;
    }
    if (auto st = s.QueryLater("SELECT COUNT(*) FROM t", {},
                               [&](const SqlRow& row) {
                                 count = row.Int(0);
                                 return absl::OkStatus();
                               });
        !st.ok()) {
      return st;
    }
    return s.Flush();
  });
  ASSERT_TRUE(written.ok()) << written;
  EXPECT_EQ(before, (std::vector<std::string>{"一"}));
  EXPECT_EQ(after, (std::vector<std::string>{"一", "二"}));
  EXPECT_EQ(count, 2);
}

TEST_P(QueryLaterTest, AQueuedReadThatFailsOrWhoseRowsAreRefusedFailsItsWrite) {
  // A read the database refuses.
  auto broken = Write([&](SqlSession& s) -> absl::Status {
    if (auto st = s.QueryLater("SELECT no_such_column FROM t", {}, [](const SqlRow&) { return absl::OkStatus(); });
        !st.ok()) {
      return st;
    }
    return s.Flush();
  });
  EXPECT_EQ(broken.code(), absl::StatusCode::kInternal) << broken;
  // A row its reader refuses: that refusal is the answer, and the write beside it is not kept.
  auto refused = Write([&](SqlSession& s) -> absl::Status {
    if (auto n = s.Exec("INSERT INTO t (k, name) VALUES (8, 'eight')"); !n.ok()) return n.status();
    if (auto st = s.QueryLater("SELECT k FROM t", {},
                               [](const SqlRow&) { return absl::FailedPreconditionError("a row it cannot take"); });
        !st.ok()) {
      return st;
    }
    return s.Flush();
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_TRUE(ReadAll().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ExecLaterTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });
INSTANTIATE_TEST_SUITE_P(Backends, QueryLaterTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

INSTANTIATE_TEST_SUITE_P(Backends, AppendRowsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace subsidy::storage
