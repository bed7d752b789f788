#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/schema.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/storage.h"

namespace subsidy::storage {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("subsidy-sqlite-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::filesystem::remove(p);
  return p.string();
}

TEST(SqliteStorage, CreatesTheSchemaOnFirstOpenAndKeepsItOnTheNext) {
  const std::string path = TempPath("fresh.db");
  {
    auto s = OpenStorage(path);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ((*s)->schema_version(), LedgerSchemaVersion());
  }
  auto again = OpenStorage(path);
  ASSERT_TRUE(again.ok()) << again.status();
}

TEST(SqliteStorage, RefusesADatabaseFromANewerBinary) {
  const std::string path = TempPath("newer.db");
  { ASSERT_TRUE(OpenStorage(path).ok()); }
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 999").ok());
  }
  auto s = OpenStorage(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("newer than this binary knows"));
}

TEST(SqliteStorage, UsesWalAndFullSync) {
  const std::string path = TempPath("pragma.db");
  auto db = SqliteDb::Open(path);
  ASSERT_TRUE(db.ok());
  auto mode = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->Text(0), "wal");
  auto sync = (*db)->Prepare("PRAGMA synchronous");
  ASSERT_TRUE(*sync->Step());
  EXPECT_EQ(sync->Int(0), 2);  // FULL
}

TEST(SqliteStorage, KeepsPreparedStatementsAndRewritesPlaceholders) {
  const std::string path = TempPath("stmts.db");
  auto db = SqliteDb::Open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (a INTEGER, b TEXT)").ok());
  auto& s = (*db)->session();
  for (int i = 0; i < 3; ++i) {
    auto n = s.Exec("INSERT INTO t (b, a) VALUES ($2, $1)", {SqlParam::Int(i), SqlParam::Text("x")});
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_EQ(*n, 1);
  }
  bool owned = true;
  auto first = (*db)->Statement("SELECT COUNT(*) FROM t WHERE a >= $1", &owned);
  auto second = (*db)->Statement("SELECT COUNT(*) FROM t WHERE a >= $1", &owned);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);  // parsed once
  EXPECT_FALSE(owned);
  int64_t count = 0;
  ASSERT_TRUE(*s.QueryOne("SELECT COUNT(*) FROM t WHERE a >= $1", {SqlParam::Int(1)},
                          [&](const SqlRow& r) { count = r.Int(0); }));
  EXPECT_EQ(count, 2);
}

}  // namespace
}  // namespace subsidy::storage
