// The monitoring ledger (动态监控): alert cases and every step of their handling (问询 → 核实 → 认定 →
// 整改 → closed), postings a BLOCK rule refused, funds' performance targets (绩效目标) and the
// progress entered against them, and the units' own accounts (a payment there is 违规划转).
// MonitoringTx inside a transaction (LedgerTx::monitoring()), MonitoringReads outside one
// (Storage::monitoring()); written once in monitoring_ledger.cc. The database holds the rules: one
// case per alert, a case moves only forward one step at a time, nothing here is edited or deleted.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status_util.h"
#include "money/money.h"
#include "time/date.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

struct AlertCaseRow {
  int64_t seq = 0;
  std::string alert_id, rule_id, kind, severity, fund_id, subject_id;
  std::string unit_kind;  // "", SCHOOL, BANK
  std::string subject_unit;
  std::string since;
  StatusParams params;  // the alert's, as first seen
  std::string state = "OPEN";
  std::string violation_type, closed_reason;
  int64_t steps = 0;
  std::string opened_on;
};

struct AlertStepRow {
  int64_t step_no = 0;
  std::string from_state, state, by, at, text, request_id;
  std::string finding, violation_type, rectify_action, entry_id;
};

std::string CaseIdFor(int64_t seq);  // "AC-00000007"
std::optional<int64_t> CaseSeqFrom(const std::string& case_id);

struct AlertCaseFilter {
  std::string state, fund_id, severity, kind, subject_unit;
  // A school or bank caller: only cases addressed to one of these (unit_kind, unit) pairs.
  std::optional<std::vector<std::pair<std::string, std::string>>> units;
  int64_t before_seq = 0;  // newest first: cases older than this (0: from the newest)
  int limit = 20;
};

struct AlertTallyRow {
  std::string kind, severity, state;
  int64_t count = 0;
};

struct MonitoringEventRow {
  int64_t seq = 0;
  std::string request_id, rule_id, kind, severity, fund_id, subject_id;
  Date date;
  StatusParams params;
  std::string caller;
};

struct FundTargetRow {
  std::string fund_id, indicator_key, indicator_id, kind, name, unit, target_value;
  Date entered_on;
  std::string entered_by, request_id;
  // Read: the latest progress entered (by date, then entry), empty when none.
  std::string progress_value, progress_date;
};

class MonitoringTx {
 public:
  virtual ~MonitoringTx() = default;
  // The case of an alert, opened OPEN with its first step unless it has one; its seq either way, and
  // whether it was made now.
  virtual absl::StatusOr<std::pair<int64_t, bool>> OpenCase(const AlertCaseRow& c, const AlertStepRow& first) = 0;
  virtual absl::StatusOr<std::optional<AlertCaseRow>> CaseForUpdate(int64_t seq) = 0;
  // One step: the case moves to step.state (the database refuses a move the flow does not allow).
  virtual absl::Status Move(const AlertCaseRow& c, const AlertStepRow& step, const std::string& violation_type,
                            const std::string& closed_reason) = 0;
  // The case a correcting entry rectified already (0: none).
  virtual absl::StatusOr<int64_t> CaseRectifiedBy(const std::string& entry_id) = 0;
  // Every case not closed: alert_id → seq and state, for a sweep.
  virtual absl::StatusOr<std::map<std::string, AlertCaseRow>> LiveCases() = 0;
  // A posting a BLOCK rule refused; the same request_id is one event.
  virtual absl::Status RecordEvent(const MonitoringEventRow& e) = 0;
  virtual absl::StatusOr<bool> AddTarget(const FundTargetRow& t) = 0;  // false: the indicator exists
  virtual absl::Status AddProgress(const std::string& fund_id, const std::string& indicator_key,
                                   const std::string& value, Date date, const std::string& by,
                                   const std::string& request_id) = 0;
  virtual absl::StatusOr<std::vector<FundTargetRow>> Targets(const std::string& fund_id) = 0;
  // A unit's own account, named by an allocation to it (digits only).
  virtual absl::Status AddUnitAccount(const std::string& recipient_key, const std::string& account_key,
                                      int64_t entry_id) = 0;
  virtual absl::StatusOr<bool> IsUnitAccount(const std::string& recipient_key, const std::string& account_key) = 0;
};

class MonitoringReads {
 public:
  virtual ~MonitoringReads() = default;
  virtual absl::StatusOr<std::vector<AlertCaseRow>> ListCases(const AlertCaseFilter& filter) = 0;
  // With the filter (paging aside): counts by kind, severity and state, computed by the database.
  virtual absl::StatusOr<std::vector<AlertTallyRow>> Tallies(const AlertCaseFilter& filter) = 0;
  virtual absl::StatusOr<std::optional<AlertCaseRow>> GetCase(int64_t seq, std::vector<AlertStepRow>* steps) = 0;
  // The cases of these alerts: alert_id → its latest case.
  virtual absl::StatusOr<std::map<std::string, AlertCaseRow>> CasesOfAlerts(const std::vector<std::string>& alert_ids) = 0;
  // Cases not closed: (severity, opened_on) → how many (the metrics' open cases by severity and age).
  virtual absl::StatusOr<std::map<std::pair<std::string, std::string>, int64_t>> OpenCasesByDay() = 0;
  // Refused postings dated on or before as_of, oldest first.
  virtual absl::StatusOr<std::vector<MonitoringEventRow>> EventsAsOf(Date as_of) = 0;
  virtual absl::StatusOr<std::vector<FundTargetRow>> Targets(const std::string& fund_id) = 0;
  // fund_id → the day its first indicator was entered.
  virtual absl::StatusOr<std::map<std::string, Date>> TargetsEnteredOn() = 0;
  // fund_id → what it paid by as_of on payment lines naming the beneficiary (payee_id), not failed.
  virtual absl::StatusOr<std::map<std::string, Money>> BeneficiaryRecordedByFund(Date as_of) = 0;
};

std::unique_ptr<MonitoringTx> NewMonitoringTx(TxContext& tx);
std::unique_ptr<MonitoringReads> NewMonitoringReads(Dialect& dialect);

}  // namespace subsidy::storage
