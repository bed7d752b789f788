// SqlSession::AppendRows (storage/sql_session.h): the multi-row INSERTs of SQLite and the COPY of
// PostgreSQL store every value exactly as given: text with the characters COPY's format escapes,
// bytes of every value, NULL, the extremes of a 64-bit integer; and a row that breaks a key
// stores none of them.
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

INSTANTIATE_TEST_SUITE_P(Backends, AppendRowsTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace subsidy::storage
