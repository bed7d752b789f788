// Both backends reach the same schema version with the same tables, columns, keys, constraints
// and triggers, from the one schema source (storage/schema.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/postgres/pg_conn.h"
#include "storage/schema.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/storage.h"
#include "support/postgres_server.h"

namespace subsidy::storage {
namespace {

std::string TypeClass(std::string declared) {
  declared = absl::AsciiStrToLower(declared);
  if (absl::StrContains(declared, "int") || absl::StrContains(declared, "serial")) return "int";
  if (absl::StrContains(declared, "blob") || absl::StrContains(declared, "bytea")) return "bytes";
  if (absl::StrContains(declared, "text")) return "text";
  return "other:" + declared;
}

size_t CountChecks(const std::string& create_sql) {
  size_t n = 0;
  const std::string upper = absl::AsciiStrToUpper(create_sql);
  for (size_t at = upper.find("CHECK ("); at != std::string::npos; at = upper.find("CHECK (", at + 1)) ++n;
  return n;
}

// One line per fact: "table t", "column t.c int not null", "pk t (a,b)", "unique t (c)",
// "checks t 2", "trigger t name".
std::set<std::string> SqliteSchema(const std::string& path) {
  auto db = SqliteDb::Open(path);
  EXPECT_TRUE(db.ok());
  std::set<std::string> out;
  std::vector<std::pair<std::string, std::string>> tables;
  auto& s = (*db)->session();
  EXPECT_TRUE(s.Query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", {},
                      [&](const SqlRow& r) {
                        tables.emplace_back(r.Text(0), r.Text(1));
                        return absl::OkStatus();
                      })
                  .ok());
  for (const auto& [t, sql] : tables) {
    out.insert("table " + t);
    out.insert(absl::StrCat("checks ", t, " ", CountChecks(sql)));
    std::vector<std::pair<int, std::string>> pk;
    EXPECT_TRUE(s.Query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)", {SqlParam::Text(t)},
                        [&](const SqlRow& r) {
                          const bool key = r.Int(3) > 0;
                          if (key) pk.emplace_back(static_cast<int>(r.Int(3)), r.Text(0));
                          out.insert(absl::StrCat("column ", t, ".", r.Text(0), " ", TypeClass(r.Text(1)),
                                                  r.Int(2) || key ? " not null" : ""));
                          return absl::OkStatus();
                        })
                    .ok());
    std::sort(pk.begin(), pk.end());
    std::vector<std::string> pk_cols;
    for (const auto& [n, c] : pk) pk_cols.push_back(c);
    if (!pk_cols.empty()) out.insert(absl::StrCat("pk ", t, " (", absl::StrJoin(pk_cols, ","), ")"));
    std::vector<std::string> unique_indexes;
    EXPECT_TRUE(s.Query("SELECT name FROM pragma_index_list($1) WHERE \"unique\" = 1 AND origin <> 'pk'",
                        {SqlParam::Text(t)},
                        [&](const SqlRow& r) {
                          unique_indexes.push_back(r.Text(0));
                          return absl::OkStatus();
                        })
                    .ok());
    for (const auto& index : unique_indexes) {
      std::vector<std::string> cols;
      EXPECT_TRUE(s.Query("SELECT name FROM pragma_index_info($1) ORDER BY seqno", {SqlParam::Text(index)},
                          [&](const SqlRow& r) {
                            cols.push_back(r.Text(0));
                            return absl::OkStatus();
                          })
                      .ok());
      out.insert(absl::StrCat("unique ", t, " (", absl::StrJoin(cols, ","), ")"));
    }
  }
  EXPECT_TRUE(s.Query("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'", {}, [&](const SqlRow& r) {
                 out.insert(absl::StrCat("trigger ", r.Text(0), " ", r.Text(1)));
                 return absl::OkStatus();
               }).ok());
  return out;
}

std::set<std::string> PostgresSchema(const std::string& url) {
  auto c = PgConn::Connect(url);
  EXPECT_TRUE(c.ok());
  std::set<std::string> out;
  auto& s = (*c)->session();
  const std::string excluded = "'schema_version'";  // PostgreSQL's place for the version (SQLite: user_version)
  EXPECT_TRUE(s.Query(absl::StrCat("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                                   "AND table_name NOT IN (", excluded, ")"),
                      {},
                      [&](const SqlRow& r) {
                        out.insert("table " + r.Text(0));
                        return absl::OkStatus();
                      })
                  .ok());
  EXPECT_TRUE(s.Query(absl::StrCat("SELECT c.table_name, c.column_name, c.data_type, c.is_nullable FROM "
                                   "information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name "
                                   "NOT IN (", excluded, ")"),
                      {},
                      [&](const SqlRow& r) {
                        out.insert(absl::StrCat("column ", r.Text(0), ".", r.Text(1), " ", TypeClass(r.Text(2)),
                                                r.Text(3) == "NO" ? " not null" : ""));
                        return absl::OkStatus();
                      })
                  .ok());
  // Keys and unique indexes with their columns in order; CHECK constraints counted per table.
  EXPECT_TRUE(s.Query("SELECT t.relname, i.indisprimary, "
                      "(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY AS "
                      "k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) "
                      "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = "
                      "t.relnamespace WHERE ns.nspname = 'public' AND i.indisunique AND t.relname <> "
                      "'schema_version'",
                      {},
                      [&](const SqlRow& r) {
                        out.insert(absl::StrCat(r.Text(1) == "t" ? "pk " : "unique ", r.Text(0), " (", r.Text(2),
                                                ")"));
                        return absl::OkStatus();
                      })
                  .ok());
  EXPECT_TRUE(s.Query("SELECT t.relname, COUNT(con.oid) FROM pg_class t JOIN pg_namespace ns ON ns.oid = "
                      "t.relnamespace LEFT JOIN pg_constraint con ON con.conrelid = t.oid AND con.contype = 'c' "
                      "WHERE ns.nspname = 'public' AND t.relkind = 'r' AND t.relname <> 'schema_version' "
                      "GROUP BY t.relname",
                      {},
                      [&](const SqlRow& r) {
                        out.insert(absl::StrCat("checks ", r.Text(0), " ", r.Int(1)));
                        return absl::OkStatus();
                      })
                  .ok());
  EXPECT_TRUE(s.Query("SELECT t.relname, tg.tgname FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid "
                      "WHERE NOT tg.tgisinternal",
                      {},
                      [&](const SqlRow& r) {
                        out.insert(absl::StrCat("trigger ", r.Text(0), " ", r.Text(1)));
                        return absl::OkStatus();
                      })
                  .ok());
  return out;
}

TEST(SchemaParity, BothBackendsReachTheSameSchema) {
  SUBSIDY_POSTGRES_OR_SKIP(pg);
  const auto dir = std::filesystem::temp_directory_path() / ("subsidy-parity-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "parity.db").string();
  std::filesystem::remove(path);
  const std::string url = pg->NewDatabase();
  {
    auto sqlite = OpenStorage(path);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status();
    auto postgres = OpenStorage(url);
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    EXPECT_EQ((*sqlite)->schema_version(), LedgerSchemaVersion());
    EXPECT_EQ((*postgres)->schema_version(), LedgerSchemaVersion());
  }
  const auto a = SqliteSchema(path);
  const auto b = PostgresSchema(url);
  EXPECT_GT(a.size(), 40u);  // the comparison compares something
  std::vector<std::string> only_sqlite, only_postgres;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_sqlite));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_postgres));
  EXPECT_THAT(only_sqlite, ::testing::IsEmpty()) << "only in SQLite";
  EXPECT_THAT(only_postgres, ::testing::IsEmpty()) << "only in PostgreSQL";
}

}  // namespace
}  // namespace subsidy::storage
