#include "storage/schema.h"

#include "absl/strings/str_replace.h"

namespace subsidy::storage {

std::string ReplaceTypeTokens(const std::string& sql, const std::string& id, const std::string& bytes) {
  return absl::StrReplaceAll(sql, {{"{{id}}", id}, {"{{bytes}}", bytes}});
}

const std::vector<Migration>& LedgerMigrations() {
  static const auto* kMigrations = new std::vector<Migration>{
      {"the schema's own bookkeeping",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
          INSERT INTO schema_meta (key, value) VALUES ('created_by', 'subsidy-server');
        )sql")}},
      {"idempotency records, the audit trail, the education ledger",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE idempotency (
            request_id TEXT PRIMARY KEY,
            method     TEXT NOT NULL,
            payload    {{bytes}} NOT NULL,
            response   {{bytes}} NOT NULL,
            created_at TEXT NOT NULL);
          CREATE TABLE audit_log (
            id         {{id}},
            at         TEXT NOT NULL,
            caller     TEXT NOT NULL,
            method     TEXT NOT NULL,
            request_id TEXT NOT NULL,
            entity_id  TEXT NOT NULL,
            result     TEXT NOT NULL,
            detail     TEXT NOT NULL);
          CREATE TABLE fund_accounts (
            school_id     TEXT NOT NULL,
            source        TEXT NOT NULL,
            allocated_fen BIGINT NOT NULL CHECK (allocated_fen >= 0),
            spent_fen     BIGINT NOT NULL CHECK (spent_fen >= 0 AND spent_fen <= allocated_fen),
            PRIMARY KEY (school_id, source));
          CREATE TABLE allocations (
            id         {{id}},
            school_id  TEXT NOT NULL,
            source     TEXT NOT NULL,
            amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
            date       TEXT NOT NULL,
            request_id TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL);
          CREATE TABLE expenditures (
            id         {{id}},
            school_id  TEXT NOT NULL,
            category   TEXT NOT NULL,
            amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
            date       TEXT NOT NULL,
            request_id TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL);
          CREATE TABLE expenditure_draws (
            expenditure_id BIGINT NOT NULL REFERENCES expenditures (id),
            source         TEXT NOT NULL,
            amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
            PRIMARY KEY (expenditure_id, source));
          CREATE INDEX allocations_school ON allocations (school_id);
          CREATE INDEX expenditures_school ON expenditures (school_id);
        )sql"),
        // The audit trail is append-only.
        SchemaStep::Trigger({"audit_log_no_update", "audit_log", "UPDATE", "", "audit_log is append-only"}),
        SchemaStep::Trigger({"audit_log_no_delete", "audit_log", "DELETE", "", "audit_log is append-only"})}},
      {"reward payouts",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE payouts (
            seq                {{id}},
            request_id         TEXT NOT NULL UNIQUE,
            policy_id          TEXT NOT NULL,
            award_group        TEXT NOT NULL,
            enterprise_uscc    TEXT NOT NULL,
            enterprise_name    TEXT NOT NULL,
            status             TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'REJECTED', 'DISBURSED')),
            amount_fen         BIGINT NOT NULL CHECK (amount_fen >= 0),
            determination_date TEXT NOT NULL,
            award_year         INTEGER NOT NULL,
            due_date           TEXT NOT NULL,
            paid_date          TEXT NOT NULL,
            voucher_no         TEXT UNIQUE,
            reasons            TEXT NOT NULL,
            award_key          TEXT,
            data_version       TEXT NOT NULL,
            created_by         TEXT NOT NULL,
            created_at         TEXT NOT NULL,
            CHECK ((status = 'DISBURSED') = (voucher_no IS NOT NULL)));
          -- Once-only awards are held unique by the database itself.
          CREATE UNIQUE INDEX payouts_award_key ON payouts (award_key) WHERE award_key IS NOT NULL AND status <> 'REJECTED';
          CREATE INDEX payouts_enterprise ON payouts (enterprise_uscc);
          CREATE INDEX payouts_due ON payouts (status, determination_date);
          CREATE TABLE policy_awarded (
            policy_id   TEXT PRIMARY KEY,
            awarded_fen BIGINT NOT NULL CHECK (awarded_fen >= 0));
        )sql"),
        // Only a SCHEDULED payout changes status (to DISBURSED): paid at most once; no row is deleted.
        SchemaStep::Trigger({"payouts_status_once", "payouts", "UPDATE OF status",
                             "OLD.status <> 'SCHEDULED' OR NEW.status <> 'DISBURSED'",
                             "only a scheduled payout may change status, to DISBURSED"}),
        SchemaStep::Trigger({"payouts_no_delete", "payouts", "DELETE", "", "payouts are never deleted"})}},
      {"the rejection reason as a column, for metrics by reason",
       {SchemaStep::Sql("ALTER TABLE payouts ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';")}},
  };
  return *kMigrations;
}

}  // namespace subsidy::storage
