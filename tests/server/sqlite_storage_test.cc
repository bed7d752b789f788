#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite_db.h"
#include "storage/sqlite_storage.h"

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
    auto s = SqliteStorage::Open(path);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ((*s)->schema_version(), static_cast<int>(SqliteStorage::Migrations().size()));
  }
  auto again = SqliteStorage::Open(path);
  ASSERT_TRUE(again.ok()) << again.status();
}

TEST(SqliteStorage, RefusesADatabaseFromANewerBinary) {
  const std::string path = TempPath("newer.db");
  { ASSERT_TRUE(SqliteStorage::Open(path).ok()); }
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 999").ok());
  }
  auto s = SqliteStorage::Open(path);
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

}  // namespace
}  // namespace subsidy::storage
