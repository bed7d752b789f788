// The monitoring ledger's migration (monitoring_ledger.h), kept apart from schema.cc's list.
#include "storage/schema.h"

namespace subsidy::storage {
namespace {

constexpr char kMonitoringTables[] = R"sql(
          CREATE TABLE alert_cases (
            seq            {{id}},
            alert_id       TEXT NOT NULL,  -- rule, subject, first day: one live case per alert (alert_cases_live)
            rule_id        TEXT NOT NULL,
            kind           TEXT NOT NULL,
            severity       TEXT NOT NULL CHECK (severity IN ('RED', 'ORANGE', 'YELLOW', 'BLUE')),
            fund_id        TEXT NOT NULL,
            subject_id     TEXT NOT NULL,
            unit_kind      TEXT NOT NULL CHECK (unit_kind IN ('', 'SCHOOL', 'BANK')),
            subject_unit   TEXT NOT NULL,
            since          TEXT NOT NULL,
            params         TEXT NOT NULL,  -- the alert's parameters as first seen (its message in any language)
            state          TEXT NOT NULL CHECK (state IN ('OPEN', 'INQUIRED', 'RESPONDED', 'RULED_NORMAL',
                                                          'RULED_VIOLATION', 'RECTIFIED', 'CLOSED')),
            violation_type TEXT NOT NULL DEFAULT '',
            closed_reason  TEXT NOT NULL DEFAULT '',
            steps          BIGINT NOT NULL DEFAULT 0,  -- how many steps its history has
            opened_on      TEXT NOT NULL,
            created_at     TEXT NOT NULL,
            CHECK (state <> 'RULED_VIOLATION' OR violation_type <> ''));
          -- An alert that comes back after its case closed gets a new case; never two live ones.
          CREATE UNIQUE INDEX alert_cases_live ON alert_cases (alert_id) WHERE state <> 'CLOSED';
          CREATE INDEX alert_cases_alert ON alert_cases (alert_id, seq);
          CREATE INDEX alert_cases_state ON alert_cases (state, severity, kind);
          CREATE INDEX alert_cases_severity ON alert_cases (severity, kind, state);
          CREATE INDEX alert_cases_unit ON alert_cases (unit_kind, subject_unit, seq);
          CREATE INDEX alert_cases_fund ON alert_cases (fund_id, seq);
          CREATE TABLE alert_case_steps (
            case_seq       BIGINT NOT NULL REFERENCES alert_cases (seq),
            step_no        BIGINT NOT NULL,
            from_state     TEXT NOT NULL,
            state          TEXT NOT NULL,
            by_caller      TEXT NOT NULL,
            at             TEXT NOT NULL,
            text           TEXT NOT NULL,
            request_id     TEXT NOT NULL,
            finding        TEXT NOT NULL DEFAULT '',
            violation_type TEXT NOT NULL DEFAULT '',
            rectify_action TEXT NOT NULL DEFAULT '',
            entry_id       TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (case_seq, step_no));
          -- A correcting entry rectifies one case.
          CREATE UNIQUE INDEX alert_case_steps_entry ON alert_case_steps (entry_id) WHERE entry_id <> '';
          CREATE TABLE monitoring_events (
            seq        {{id}},
            request_id TEXT NOT NULL UNIQUE,  -- a refused call retried is one event
            rule_id    TEXT NOT NULL,
            kind       TEXT NOT NULL,
            severity   TEXT NOT NULL,
            fund_id    TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            date       TEXT NOT NULL,
            params     TEXT NOT NULL,
            caller     TEXT NOT NULL,
            created_at TEXT NOT NULL);
          CREATE INDEX monitoring_events_date ON monitoring_events (date, seq);
          CREATE TABLE fund_targets (
            fund_id       TEXT NOT NULL,
            indicator_key TEXT NOT NULL,  -- the indicator id's canonical form
            indicator_id  TEXT NOT NULL,
            kind          TEXT NOT NULL CHECK (kind IN ('OUTPUT', 'OUTCOME')),
            name          TEXT NOT NULL,
            unit          TEXT NOT NULL,
            target_value  TEXT NOT NULL,
            entered_on    TEXT NOT NULL,
            entered_by    TEXT NOT NULL,
            request_id    TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            PRIMARY KEY (fund_id, indicator_key));
          CREATE TABLE fund_target_progress (
            seq           {{id}},
            fund_id       TEXT NOT NULL,
            indicator_key TEXT NOT NULL,
            value         TEXT NOT NULL,
            date          TEXT NOT NULL,
            entered_by    TEXT NOT NULL,
            request_id    TEXT NOT NULL,
            created_at    TEXT NOT NULL,
            FOREIGN KEY (fund_id, indicator_key) REFERENCES fund_targets (fund_id, indicator_key));
          CREATE INDEX fund_target_progress_key ON fund_target_progress (fund_id, indicator_key, date, seq);
          -- A page of alerts reads only its own payouts: the overdue ones are counted and paged on an
          -- index, the held ones found on a partial index (ListFundAlerts, bench/alerts.sh).
          CREATE INDEX payouts_overdue ON payouts (status, due_date, determination_date, policy_id);
          CREATE INDEX payouts_paid_late ON payouts (status, paid_date);
          CREATE INDEX payouts_held ON payouts (seq) WHERE hold_reason <> '';
          CREATE TABLE unit_accounts (
            recipient_key TEXT NOT NULL,  -- the recipient's canonical id
            account_key   TEXT NOT NULL,  -- digits only
            entry_id      BIGINT NOT NULL,  -- the allocation that named it
            PRIMARY KEY (recipient_key, account_key));
        )sql";

}  // namespace

Migration MonitoringMigration() {
  return {"dynamic monitoring: alert cases and their steps, refused postings, performance targets, units' own accounts",
       {SchemaStep::Sql(kMonitoringTables),
        // A case moves only forward; a closed case never changes; its history is append-only.
        SchemaStep::Trigger({"alert_cases_state_flow", "alert_cases", "UPDATE",
                             "NOT ((OLD.state = NEW.state AND NEW.state <> 'CLOSED') OR "
                             "(OLD.state = 'OPEN' AND NEW.state IN ('INQUIRED', 'RULED_NORMAL', 'CLOSED')) OR "
                             "(OLD.state = 'INQUIRED' AND NEW.state IN ('RESPONDED', 'RULED_NORMAL', 'RULED_VIOLATION', 'CLOSED')) OR "
                             "(OLD.state = 'RESPONDED' AND NEW.state IN ('INQUIRED', 'RULED_NORMAL', 'RULED_VIOLATION', 'CLOSED')) OR "
                             "(OLD.state = 'RULED_NORMAL' AND NEW.state = 'CLOSED') OR "
                             "(OLD.state = 'RULED_VIOLATION' AND NEW.state = 'RECTIFIED') OR "
                             "(OLD.state = 'RECTIFIED' AND NEW.state = 'CLOSED')) OR "
                             "NEW.alert_id <> OLD.alert_id OR NEW.rule_id <> OLD.rule_id OR NEW.subject_id <> OLD.subject_id "
                             "OR NEW.steps <> OLD.steps + 1",
                             "an alert case moves only along 问询 -> 核实 -> 认定 -> 整改 -> closed, one step at a time"}),
        SchemaStep::Trigger({"alert_cases_no_delete", "alert_cases", "DELETE", "", "alert cases are never deleted"}),
        SchemaStep::Trigger({"alert_case_steps_no_change", "alert_case_steps", "UPDATE", "",
                             "a case's history is never changed"}),
        SchemaStep::Trigger({"alert_case_steps_no_delete", "alert_case_steps", "DELETE", "",
                             "a case's history is never deleted"}),
        SchemaStep::Trigger({"monitoring_events_no_change", "monitoring_events", "UPDATE", "",
                             "monitoring events are never changed"}),
        SchemaStep::Trigger({"monitoring_events_no_delete", "monitoring_events", "DELETE", "",
                             "monitoring events are never deleted"}),
        SchemaStep::Trigger({"fund_targets_no_change", "fund_targets", "UPDATE", "", "a target once entered never changes"}),
        SchemaStep::Trigger({"fund_targets_no_delete", "fund_targets", "DELETE", "", "targets are never deleted"}),
        SchemaStep::Trigger({"fund_target_progress_no_change", "fund_target_progress", "UPDATE", "",
                             "progress entries are never changed"}),
        SchemaStep::Trigger({"fund_target_progress_no_delete", "fund_target_progress", "DELETE", "",
                             "progress entries are never deleted"})}};
}

}  // namespace subsidy::storage
