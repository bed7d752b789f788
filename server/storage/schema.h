// The ledger's schema: one source, versioned, for every dialect. Migration i takes the schema
// from version i to i + 1. The two places where SQL dialects really differ are named in it:
//   - column types written as tokens: {{id}} (an auto-incrementing 64-bit primary key) and
//     {{bytes}} (a byte string);
//   - guard triggers, declared here (table, event, condition, message) and written (or dropped)
//     by each dialect in its own syntax.
// Everything else (tables, CHECKs, unique and partial indexes) is plain SQL both accept.
#pragma once

#include <string>
#include <vector>

namespace subsidy::storage {

struct GuardTrigger {
  std::string name;   // e.g. "payouts_status_once"
  std::string table;  // "payouts"
  std::string event;  // "UPDATE", "UPDATE OF status" or "DELETE"
  std::string when;   // a condition on OLD/NEW; empty: always refuse
  std::string message;
};

struct SchemaStep {
  enum class Kind { kSql, kTrigger, kDropTrigger };
  Kind kind;
  std::string sql;  // kSql: statements with type tokens
  GuardTrigger trigger;  // kDropTrigger: its name and table

  static SchemaStep Sql(std::string sql) { return {Kind::kSql, std::move(sql), {}}; }
  static SchemaStep Trigger(GuardTrigger t) { return {Kind::kTrigger, {}, std::move(t)}; }
  // Removes a guard trigger (to put a wider one in its place).
  static SchemaStep DropTrigger(std::string name, std::string table) {
    return {Kind::kDropTrigger, {}, {std::move(name), std::move(table), "", "", ""}};
  }
};

struct Migration {
  std::string summary;
  std::vector<SchemaStep> steps;
};

const std::vector<Migration>& LedgerMigrations();
// Dynamic monitoring's tables (schema_monitoring.cc).
Migration MonitoringMigration();
// The loan book's (schema_book.cc).
Migration LoanBookMigration();
inline int LedgerSchemaVersion() { return static_cast<int>(LedgerMigrations().size()); }

// Replaces the type tokens of `sql` with `id` and `bytes`.
std::string ReplaceTypeTokens(const std::string& sql, const std::string& id, const std::string& bytes);

}  // namespace subsidy::storage
