#include "storage/schema.h"

#include "absl/strings/str_replace.h"

namespace subsidy::storage {

std::string ReplaceTypeTokens(const std::string& sql, const std::string& id, const std::string& bytes) {
  return absl::StrReplaceAll(sql, {{"{{id}}", id}, {"{{bytes}}", bytes}});
}

namespace {

// Every migration, oldest first; one released is never edited (a database's schema version is how
// many of them it has run). Data, not logic: a new table is one more entry at the end.
const Migration kMigrations[] = {
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
      {"loan-subsidy claims, their lines and the once-only keys",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE loan_claims (
            seq             {{id}},
            request_id      TEXT NOT NULL,
            bank_id         TEXT NOT NULL,
            period_start    TEXT NOT NULL,
            period_end      TEXT NOT NULL,
            fund_id         TEXT NOT NULL,
            status          TEXT NOT NULL CHECK (status IN ('UPLOADING', 'SUBMITTED', 'PAID', 'REJECTED')),
            loan_count      BIGINT NOT NULL DEFAULT 0,
            accepted_count  BIGINT NOT NULL DEFAULT 0,
            invalid_count   BIGINT NOT NULL DEFAULT 0,
            duplicate_count BIGINT NOT NULL DEFAULT 0,
            total_principal_fen BIGINT NOT NULL DEFAULT 0 CHECK (total_principal_fen >= 0),
            total_interest_fen  BIGINT NOT NULL DEFAULT 0 CHECK (total_interest_fen >= 0),
            total_subsidy_fen   BIGINT NOT NULL DEFAULT 0 CHECK (total_subsidy_fen >= 0),
            paid_date       TEXT NOT NULL DEFAULT '',
            voucher_no      TEXT UNIQUE,
            review_reason   TEXT NOT NULL DEFAULT '',
            data_version    TEXT NOT NULL,
            submitted_by    TEXT NOT NULL,
            submitted_at    TEXT NOT NULL DEFAULT '',
            reviewed_by     TEXT NOT NULL DEFAULT '',
            created_at      TEXT NOT NULL,
            CHECK ((status = 'PAID') = (voucher_no IS NOT NULL)));
          -- A request makes at most one visible claim; staged attempts may overlap.
          CREATE UNIQUE INDEX loan_claims_request ON loan_claims (request_id) WHERE status <> 'UPLOADING';
          CREATE INDEX loan_claims_bank ON loan_claims (bank_id, period_start);
          CREATE TABLE loan_claim_lines (
            claim_seq        BIGINT NOT NULL REFERENCES loan_claims (seq),
            line_no          BIGINT NOT NULL CHECK (line_no > 0),
            loan_id          TEXT NOT NULL,
            line_status      TEXT NOT NULL CHECK (line_status IN ('ACCEPTED', 'INVALID', 'DUPLICATE')),
            principal_fen    BIGINT NOT NULL,
            interest_fen     BIGINT NOT NULL CHECK (interest_fen >= 0),
            subsidy_fen      BIGINT NOT NULL CHECK (subsidy_fen >= 0),
            duplicate_of_seq BIGINT,
            result           {{bytes}} NOT NULL,
            PRIMARY KEY (claim_seq, line_no),
            CHECK ((line_status = 'DUPLICATE') = (duplicate_of_seq IS NOT NULL)));
          -- Once-only, held by the database: a loan-period stands in one claim that is not REJECTED.
          CREATE TABLE loan_claim_keys (
            bank_id      TEXT NOT NULL,
            loan_id      TEXT NOT NULL,
            period_start TEXT NOT NULL,
            claim_seq    BIGINT NOT NULL REFERENCES loan_claims (seq),
            line_no      BIGINT NOT NULL,
            PRIMARY KEY (bank_id, loan_id, period_start));
          CREATE INDEX loan_claim_keys_claim ON loan_claim_keys (claim_seq);
        )sql"),
        // A claim moves UPLOADING → SUBMITTED → PAID or REJECTED, and only a staged one is deleted.
        SchemaStep::Trigger({"loan_claims_status_flow", "loan_claims", "UPDATE OF status",
                             "NOT ((OLD.status = 'UPLOADING' AND NEW.status = 'SUBMITTED') OR "
                             "(OLD.status = 'SUBMITTED' AND NEW.status IN ('PAID', 'REJECTED')))",
                             "a claim moves only UPLOADING -> SUBMITTED -> PAID or REJECTED"}),
        SchemaStep::Trigger({"loan_claims_no_delete", "loan_claims", "DELETE", "OLD.status <> 'UPLOADING'",
                             "only a staged claim is ever deleted"}),
        // A visible claim's lines never change.
        SchemaStep::Trigger({"loan_claim_lines_frozen", "loan_claim_lines", "UPDATE",
                             "(SELECT status FROM loan_claims WHERE seq = OLD.claim_seq) <> 'UPLOADING'",
                             "the lines of a submitted claim never change"}),
        SchemaStep::Trigger({"loan_claim_lines_no_delete", "loan_claim_lines", "DELETE",
                             "(SELECT status FROM loan_claims WHERE seq = OLD.claim_seq) <> 'UPLOADING'",
                             "the lines of a submitted claim are never deleted"}),
        // A key is released only by its claim's rejection.
        SchemaStep::Trigger({"loan_claim_keys_no_update", "loan_claim_keys", "UPDATE", "",
                             "once-only keys never change"}),
        SchemaStep::Trigger({"loan_claim_keys_release", "loan_claim_keys", "DELETE",
                             "(SELECT status FROM loan_claims WHERE seq = OLD.claim_seq) <> 'REJECTED'",
                             "a once-only key is released only when its claim is rejected"})}},
      {"funds from budget to beneficiary: funds, dated entries, recipients, daily figures",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE funds (
            seq             {{id}},
            fund_id         TEXT NOT NULL UNIQUE,
            name            TEXT NOT NULL,
            budget_year     INTEGER NOT NULL,
            level           TEXT NOT NULL,
            purpose         TEXT NOT NULL,
            region_code     TEXT NOT NULL,
            date            TEXT NOT NULL,
            document_no     TEXT NOT NULL,
            target_prefixes TEXT NOT NULL,
            min_target_share TEXT NOT NULL,
            forbidden_categories TEXT NOT NULL,
            budget_fen      BIGINT NOT NULL CHECK (budget_fen >= 0),
            allocated_fen   BIGINT NOT NULL DEFAULT 0 CHECK (allocated_fen >= 0 AND allocated_fen <= budget_fen),
            paid_fen        BIGINT NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= allocated_fen),
            created_by      TEXT NOT NULL,
            created_at      TEXT NOT NULL);
          -- Every movement of money, dated; reports as of a date read their sums.
          CREATE TABLE fund_entries (
            id           {{id}},
            fund_id      TEXT NOT NULL REFERENCES funds (fund_id),
            kind         TEXT NOT NULL CHECK (kind IN ('BUDGET', 'ADJUSTMENT', 'ALLOCATION', 'PAYMENT', 'REVERSAL')),
            recipient_id TEXT NOT NULL,
            amount_fen   BIGINT NOT NULL,
            date         TEXT NOT NULL,
            document_no  TEXT NOT NULL,
            category     TEXT NOT NULL,
            payee        TEXT NOT NULL,
            reference    TEXT NOT NULL,
            request_id   TEXT NOT NULL,
            created_by   TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            reverses     BIGINT REFERENCES fund_entries (id),  -- a REVERSAL: the payment it undoes
            CHECK (kind = 'ADJUSTMENT' OR amount_fen > 0),
            CHECK ((kind = 'REVERSAL') = (reverses IS NOT NULL)));
          -- A payment is reversed at most once.
          CREATE UNIQUE INDEX fund_entries_reverses ON fund_entries (reverses) WHERE reverses IS NOT NULL;
          CREATE TABLE fund_recipients (
            fund_id        TEXT NOT NULL REFERENCES funds (fund_id),
            recipient_id   TEXT NOT NULL,
            recipient_kind TEXT NOT NULL,
            region_code    TEXT NOT NULL,
            allocated_fen  BIGINT NOT NULL CHECK (allocated_fen >= 0),
            paid_fen       BIGINT NOT NULL CHECK (paid_fen >= 0 AND paid_fen <= allocated_fen),
            PRIMARY KEY (fund_id, recipient_id));
          CREATE INDEX fund_recipients_recipient ON fund_recipients (recipient_id);
          -- Sums per day, kept with each entry: a report as of any date reads days, not entries.
          CREATE TABLE fund_daily (
            fund_id       TEXT NOT NULL,
            date          TEXT NOT NULL,
            budget_fen    BIGINT NOT NULL,
            allocated_fen BIGINT NOT NULL,
            paid_fen      BIGINT NOT NULL,
            PRIMARY KEY (fund_id, date));
          CREATE TABLE fund_recipient_daily (
            fund_id       TEXT NOT NULL,
            recipient_id  TEXT NOT NULL,
            date          TEXT NOT NULL,
            allocated_fen BIGINT NOT NULL,
            paid_fen      BIGINT NOT NULL,
            PRIMARY KEY (fund_id, recipient_id, date));
        )sql"),
        // Entries are the record: appended, never changed or deleted; funds are never deleted.
        SchemaStep::Trigger({"fund_entries_no_update", "fund_entries", "UPDATE", "", "fund entries are append-only"}),
        SchemaStep::Trigger({"fund_entries_no_delete", "fund_entries", "DELETE", "", "fund entries are append-only"}),
        SchemaStep::Trigger({"funds_no_delete", "funds", "DELETE", "", "funds are never deleted"})}},
      {"corrections: expenditure reversals and payout cancellations, entries that point at what they correct",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE expenditure_reversals (
            id             {{id}},
            expenditure_id BIGINT NOT NULL UNIQUE REFERENCES expenditures (id),  -- reversed at most once
            school_id      TEXT NOT NULL,
            date           TEXT NOT NULL,
            reason         TEXT NOT NULL,
            request_id     TEXT NOT NULL UNIQUE,
            created_by     TEXT NOT NULL,
            created_at     TEXT NOT NULL);
          CREATE INDEX expenditure_reversals_school ON expenditure_reversals (school_id);
          -- What each policy awarded per award year (SCHEDULED and DISBURSED), for budgets that funds
          -- give a policy year by year.
          CREATE TABLE policy_awarded_yearly (
            policy_id   TEXT NOT NULL,
            award_year  INTEGER NOT NULL,
            awarded_fen BIGINT NOT NULL CHECK (awarded_fen >= 0),
            PRIMARY KEY (policy_id, award_year));
          INSERT INTO policy_awarded_yearly (policy_id, award_year, awarded_fen)
            SELECT policy_id, award_year, SUM(amount_fen) FROM payouts
            WHERE status IN ('SCHEDULED', 'DISBURSED') GROUP BY policy_id, award_year;
          CREATE TABLE payout_cancellations (
            payout_seq BIGINT PRIMARY KEY REFERENCES payouts (seq),  -- cancelled at most once
            reason     TEXT NOT NULL,
            request_id TEXT NOT NULL UNIQUE,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL);
        )sql"),
        SchemaStep::Trigger({"expenditure_reversals_no_change", "expenditure_reversals", "UPDATE", "",
                             "reversals are never changed"}),
        SchemaStep::Trigger({"expenditure_reversals_no_delete", "expenditure_reversals", "DELETE", "",
                             "reversals are never deleted"}),
        SchemaStep::Trigger({"payout_cancellations_no_change", "payout_cancellations", "UPDATE", "",
                             "cancellations are never changed"}),
        SchemaStep::Trigger({"payout_cancellations_no_delete", "payout_cancellations", "DELETE", "",
                             "cancellations are never deleted"}),
        // A scheduled payout is paid (DISBURSED) or, with its cancellation recorded, CANCELLED
        // (stored as REJECTED with the reason CANCELLED, which frees its once-only key); nothing else.
        SchemaStep::DropTrigger("payouts_status_once", "payouts"),
        SchemaStep::Trigger({"payouts_status_flow", "payouts", "UPDATE OF status",
                             "NOT (OLD.status = 'SCHEDULED' AND ((NEW.status = 'DISBURSED' AND NOT EXISTS "
                             "(SELECT 1 FROM payout_cancellations WHERE payout_seq = OLD.seq)) OR "
                             "(NEW.status = 'REJECTED' AND NEW.reject_reason = 'CANCELLED' AND EXISTS "
                             "(SELECT 1 FROM payout_cancellations WHERE payout_seq = OLD.seq))))",
                             "a scheduled payout is only paid, or cancelled with its cancellation recorded"})}},
      {"dual control: instructions that reserve money until a second officer posts or rejects them; who "
       "approved each fund entry and the tracking id that follows its money",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE instructions (
            seq          {{id}},
            request_id   TEXT NOT NULL UNIQUE,  -- the maker's
            rpc          TEXT NOT NULL,
            request      {{bytes}} NOT NULL,    -- the maker's request as it came
            summary      TEXT NOT NULL,
            fund_id      TEXT NOT NULL,
            recipient_id TEXT NOT NULL,
            subject_id   TEXT NOT NULL,
            amount_fen   BIGINT NOT NULL CHECK (amount_fen >= 0),
            reservations TEXT NOT NULL,         -- KIND|fund|recipient|fen;… what it holds while pending
            maker        TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            state        TEXT NOT NULL CHECK (state IN ('PENDING_APPROVAL', 'POSTED', 'REJECTED')),
            checker      TEXT NOT NULL DEFAULT '',
            decided_at   TEXT NOT NULL DEFAULT '',
            reason       TEXT NOT NULL DEFAULT '',
            result_id    TEXT NOT NULL DEFAULT '',
            CHECK (state = 'PENDING_APPROVAL' OR (checker <> '' AND decided_at <> '')),
            CHECK (state <> 'POSTED' OR checker <> maker));  -- nobody approves their own
          CREATE INDEX instructions_state ON instructions (state, fund_id);
          -- One pending instruction at a time on a subject (a claim, an entry, a day's run).
          CREATE UNIQUE INDEX instructions_pending_subject ON instructions (subject_id)
            WHERE state = 'PENDING_APPROVAL' AND subject_id <> '';
          -- What pending instructions hold: nothing may over-commit it.
          ALTER TABLE funds ADD COLUMN pending_allocated_fen BIGINT NOT NULL DEFAULT 0;
          ALTER TABLE funds ADD COLUMN pending_cut_fen BIGINT NOT NULL DEFAULT 0;
          ALTER TABLE fund_recipients ADD COLUMN pending_paid_fen BIGINT NOT NULL DEFAULT 0;
          ALTER TABLE fund_entries ADD COLUMN checker TEXT NOT NULL DEFAULT '';
          ALTER TABLE fund_entries ADD COLUMN tracking_id TEXT NOT NULL DEFAULT '';
          CREATE INDEX fund_entries_fund ON fund_entries (fund_id, id);
          CREATE INDEX fund_entries_tracking ON fund_entries (tracking_id);
        )sql"),
        // Reservations never go negative and never over-commit: allocated + reserved allocations +
        // reserved cuts ≤ budget; per recipient, paid + reserved payments ≤ allocated.
        SchemaStep::Trigger({"funds_reservations", "funds", "UPDATE",
                             "NEW.pending_allocated_fen < 0 OR NEW.pending_cut_fen < 0 OR "
                             "NEW.allocated_fen + NEW.pending_allocated_fen + NEW.pending_cut_fen > NEW.budget_fen",
                             "a fund's reservations over-commit its budget"}),
        SchemaStep::Trigger({"fund_recipients_reservations", "fund_recipients", "UPDATE",
                             "NEW.pending_paid_fen < 0 OR NEW.paid_fen + NEW.pending_paid_fen > NEW.allocated_fen",
                             "a recipient's reserved payments over-commit its allocation"}),
        // A pending instruction is decided once (POSTED or REJECTED); a decided one never changes.
        SchemaStep::Trigger({"instructions_decided_once", "instructions", "UPDATE",
                             "OLD.state <> 'PENDING_APPROVAL' OR NEW.state NOT IN ('POSTED', 'REJECTED') OR "
                             "NEW.maker <> OLD.maker OR NEW.request <> OLD.request OR NEW.amount_fen <> OLD.amount_fen",
                             "an instruction is decided once and never changed after"}),
        SchemaStep::Trigger({"instructions_no_delete", "instructions", "DELETE", "", "instructions are never deleted"})}},
      {"a loan's once-only key is its id's case-folded key (one loan however its id is spelt)",
       {SchemaStep::DropTrigger("loan_claim_keys_no_update", "loan_claim_keys"),
        SchemaStep::Sql("UPDATE loan_claim_keys SET loan_id = LOWER(loan_id), bank_id = UPPER(bank_id);"),
        SchemaStep::Trigger({"loan_claim_keys_no_update", "loan_claim_keys", "UPDATE", "",
                             "once-only keys never change"})}},
      {"a school's allocation taken back when the fund allocation behind it is reversed",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE allocation_reversals (
            id            {{id}},
            school_id     TEXT NOT NULL,
            source        TEXT NOT NULL,
            amount_fen    BIGINT NOT NULL CHECK (amount_fen > 0),
            date          TEXT NOT NULL,
            fund_entry_id TEXT NOT NULL UNIQUE,  -- the fund's reversal it goes with: once
            request_id    TEXT NOT NULL,
            created_by    TEXT NOT NULL,
            created_at    TEXT NOT NULL);
          CREATE INDEX allocation_reversals_school ON allocation_reversals (school_id);
        )sql"),
        SchemaStep::Trigger({"allocation_reversals_no_change", "allocation_reversals", "UPDATE", "",
                             "reversals are never changed"}),
        SchemaStep::Trigger({"allocation_reversals_no_delete", "allocation_reversals", "DELETE", "",
                             "reversals are never deleted"})}},
      {"a run pays what it can: a payout it could not pay stays SCHEDULED with the reason",
       {SchemaStep::Sql("ALTER TABLE payouts ADD COLUMN hold_reason TEXT NOT NULL DEFAULT '';")}},
      {"a loan bound to its contract terms by its first claim; a borrower seen across banks",
       {SchemaStep::Sql(R"sql(
          ALTER TABLE loan_claim_lines ADD COLUMN terms TEXT NOT NULL DEFAULT '';
          ALTER TABLE loan_claim_lines ADD COLUMN borrower_key TEXT NOT NULL DEFAULT '';
          ALTER TABLE loan_claim_lines ADD COLUMN borrower_limit INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE loan_claim_lines ADD COLUMN settled_reasons TEXT NOT NULL DEFAULT '';
          ALTER TABLE loan_claim_lines ADD COLUMN flags TEXT NOT NULL DEFAULT '';
          CREATE TABLE loan_terms (
            bank_id       TEXT NOT NULL,
            loan_id       TEXT NOT NULL,  -- the case-folded key
            terms         TEXT NOT NULL,
            first_claim_seq BIGINT NOT NULL,
            PRIMARY KEY (bank_id, loan_id));
          CREATE TABLE loan_borrower_periods (
            borrower_key  TEXT NOT NULL,
            period_start  TEXT NOT NULL,
            bank_id       TEXT NOT NULL,
            loan_id       TEXT NOT NULL,
            claim_seq     BIGINT NOT NULL,
            PRIMARY KEY (borrower_key, period_start, bank_id, loan_id));
        )sql"),
        SchemaStep::Trigger({"loan_terms_no_update", "loan_terms", "UPDATE", "", "a loan's terms never change"})}},
      {"payments the bank confirms: batches, lines, the fund entries each line paid, return files and their "
       "discrepancies",
       {SchemaStep::Sql(R"sql(
          ALTER TABLE payouts ADD COLUMN payee_account TEXT NOT NULL DEFAULT '';
          ALTER TABLE payouts ADD COLUMN payee_bank TEXT NOT NULL DEFAULT '';
          ALTER TABLE payouts ADD COLUMN payment_seq BIGINT NOT NULL DEFAULT 0;
          ALTER TABLE payouts ADD COLUMN payment_state TEXT NOT NULL DEFAULT '';
          ALTER TABLE loan_claims ADD COLUMN payment_seq BIGINT NOT NULL DEFAULT 0;
          ALTER TABLE loan_claims ADD COLUMN payment_state TEXT NOT NULL DEFAULT '';
          ALTER TABLE loan_claims ADD COLUMN failed_fen BIGINT NOT NULL DEFAULT 0;
          CREATE TABLE payment_batches (
            batch_id   TEXT PRIMARY KEY,
            date       TEXT NOT NULL,
            reissues   INTEGER NOT NULL CHECK (reissues IN (0, 1)),
            created_at TEXT NOT NULL);
          CREATE INDEX payment_batches_date ON payment_batches (date);
          CREATE TABLE payment_lines (
            seq            {{id}},
            batch_id       TEXT NOT NULL REFERENCES payment_batches (batch_id),
            voucher_no     TEXT NOT NULL UNIQUE,
            source         TEXT NOT NULL CHECK (source IN ('PAYOUT', 'CLAIM', 'FUND_PAYMENT')),
            source_id      TEXT NOT NULL,
            payee_name     TEXT NOT NULL,
            payee_account  TEXT NOT NULL,
            payee_bank     TEXT NOT NULL,
            payee_id       TEXT NOT NULL,
            amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
            tracking_id    TEXT NOT NULL,
            payment_date   TEXT NOT NULL,
            state          TEXT NOT NULL CHECK (state IN ('SENT', 'CONFIRMED', 'FAILED', 'REISSUED', 'RETURNED')),
            bank_serial    TEXT NOT NULL DEFAULT '',
            bank_date      TEXT NOT NULL DEFAULT '',
            failure_reason TEXT NOT NULL DEFAULT '',
            failed_date    TEXT NOT NULL DEFAULT '',
            settled_by     TEXT NOT NULL DEFAULT '',  -- the return file (BR-…) that confirmed or failed it
            reissue_of     BIGINT UNIQUE REFERENCES payment_lines (seq),  -- a failed line is reissued once
            closed_by      TEXT NOT NULL DEFAULT '',  -- REISSUED, RETURNED: the request that did it
            return_reason  TEXT NOT NULL DEFAULT '',
            created_by     TEXT NOT NULL,
            created_at     TEXT NOT NULL,
            CHECK (state <> 'CONFIRMED' OR settled_by <> ''),
            CHECK (state IN ('SENT', 'CONFIRMED') OR (failed_date <> '' AND settled_by <> '')));
          CREATE INDEX payment_lines_batch ON payment_lines (batch_id, state);
          CREATE INDEX payment_lines_state ON payment_lines (state, payment_date);
          CREATE INDEX payment_lines_source ON payment_lines (source_id);
          CREATE INDEX payment_lines_tracking ON payment_lines (tracking_id);
          -- One live line per payment: a new one only once the last failed.
          CREATE UNIQUE INDEX payment_lines_live ON payment_lines (source_id) WHERE state IN ('SENT', 'CONFIRMED', 'FAILED');
          CREATE TABLE payment_line_entries (
            payment_seq BIGINT NOT NULL REFERENCES payment_lines (seq),
            entry_id    BIGINT NOT NULL UNIQUE REFERENCES fund_entries (id),  -- a fund payment is one line's
            PRIMARY KEY (payment_seq, entry_id));
          CREATE TABLE bank_return_imports (
            seq            {{id}},
            request_id     TEXT NOT NULL UNIQUE,
            content_sha256 TEXT NOT NULL UNIQUE,  -- the same file twice is one import
            file_name      TEXT NOT NULL,
            date           TEXT NOT NULL,
            response       {{bytes}},
            created_by     TEXT NOT NULL,
            created_at     TEXT NOT NULL);
          CREATE TABLE payment_discrepancies (
            seq         {{id}},
            import_seq  BIGINT NOT NULL REFERENCES bank_return_imports (seq),
            row_no      BIGINT NOT NULL,
            voucher_no  TEXT NOT NULL,
            kind        TEXT NOT NULL,
            payment_seq BIGINT NOT NULL DEFAULT 0,
            batch_id    TEXT NOT NULL DEFAULT '',
            params      TEXT NOT NULL,
            date        TEXT NOT NULL);
          CREATE INDEX payment_discrepancies_batch ON payment_discrepancies (batch_id, seq);
          CREATE INDEX payment_discrepancies_date ON payment_discrepancies (date, seq);
          CREATE INDEX payouts_payment ON payouts (payment_seq) WHERE payment_seq <> 0;
          CREATE INDEX loan_claims_payment ON loan_claims (payment_seq) WHERE payment_seq <> 0;
        )sql"),
        // A line is confirmed or failed once, by the bank; a failed one is reissued or returned once.
        // What was sent never changes.
        SchemaStep::Trigger({"payment_lines_state_flow", "payment_lines", "UPDATE",
                             "NOT ((OLD.state = 'SENT' AND NEW.state IN ('CONFIRMED', 'FAILED')) OR "
                             "(OLD.state = 'FAILED' AND NEW.state IN ('REISSUED', 'RETURNED'))) OR "
                             "NEW.amount_fen <> OLD.amount_fen OR NEW.voucher_no <> OLD.voucher_no OR "
                             "NEW.payee_account <> OLD.payee_account OR NEW.payee_name <> OLD.payee_name OR "
                             "NEW.source_id <> OLD.source_id OR NEW.batch_id <> OLD.batch_id",
                             "a payment line moves only SENT -> CONFIRMED or FAILED -> REISSUED or RETURNED, once"}),
        SchemaStep::Trigger({"payment_lines_no_delete", "payment_lines", "DELETE", "", "payment lines are never deleted"}),
        SchemaStep::Trigger({"payment_line_entries_no_change", "payment_line_entries", "UPDATE", "",
                             "a line's fund entries never change"}),
        SchemaStep::Trigger({"payment_line_entries_no_delete", "payment_line_entries", "DELETE", "",
                             "a line's fund entries are never deleted"}),
        SchemaStep::Trigger({"payment_discrepancies_no_change", "payment_discrepancies", "UPDATE", "",
                             "discrepancies are never changed"}),
        SchemaStep::Trigger({"payment_discrepancies_no_delete", "payment_discrepancies", "DELETE", "",
                             "discrepancies are never deleted"}),
        SchemaStep::Trigger({"bank_return_imports_once", "bank_return_imports", "UPDATE",
                             "OLD.response IS NOT NULL OR NEW.content_sha256 <> OLD.content_sha256",
                             "an import's record is written once"}),
        SchemaStep::Trigger({"bank_return_imports_no_delete", "bank_return_imports", "DELETE", "",
                             "imports are never deleted"})}},
      MonitoringMigration(),
      LoanBookMigration(),
      {"an instruction keeps a digest of what its trial moved: posting must move the same",
       {SchemaStep::Sql("ALTER TABLE instructions ADD COLUMN moved TEXT NOT NULL DEFAULT '';"),
        SchemaStep::DropTrigger("instructions_decided_once", "instructions"),
        SchemaStep::Trigger({"instructions_decided_once", "instructions", "UPDATE",
                             "OLD.state <> 'PENDING_APPROVAL' OR NEW.state NOT IN ('POSTED', 'REJECTED') OR "
                             "NEW.maker <> OLD.maker OR NEW.request <> OLD.request OR NEW.amount_fen <> OLD.amount_fen "
                             "OR NEW.moved <> OLD.moved",
                             "an instruction is decided once and never changed after"})}},
      {"the movements a person posted without a second officer, under the threshold: a person's day adds up",
       {SchemaStep::Sql(R"sql(
          CREATE TABLE unchecked_movements (
            seq         BIGSERIAL PRIMARY KEY,
            maker       TEXT NOT NULL,
            day         TEXT NOT NULL,
            amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
            rpc         TEXT NOT NULL,
            request_id  TEXT NOT NULL UNIQUE);
          CREATE INDEX unchecked_movements_maker_day ON unchecked_movements (maker, day);
        )sql"),
        SchemaStep::Trigger({"unchecked_movements_no_update", "unchecked_movements", "UPDATE", "",
                             "a posted movement's record never changes"}),
        SchemaStep::Trigger({"unchecked_movements_no_delete", "unchecked_movements", "DELETE", "",
                             "a posted movement's record is never deleted"})}},
};

}  // namespace

const std::vector<Migration>& LedgerMigrations() {
  static const auto* all = new std::vector<Migration>(std::begin(kMigrations), std::end(kMigrations));
  return *all;
}

}  // namespace subsidy::storage
