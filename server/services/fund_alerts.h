// Dynamic monitoring's alerts as of a date: every rule in force that day (data/monitoring_rules.textproto,
// calc/funds/rules.h) applied to the figures storage keeps. A past day is judged by the rules of
// that day, so its alerts can be recomputed at any time. Shared by FundService (ListFundAlerts, the
// cases) and the metrics refresher.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/status_util.h"
#include "funds/rules.h"
#include "policy/policy_data.h"
#include "services/fund_report.h"
#include "storage/storage.h"
#include "subsidy/v1/fund.pb.h"

namespace subsidy::service {

// One alert as a rule raises it.
struct RaisedAlert {
  const funds::MonitoringRule* rule = nullptr;
  std::string fund_id, subject_id;
  std::string unit_kind, subject_unit;  // SCHOOL or BANK and its id, when the alert concerns one
  std::optional<Date> since;
  Date first_day;  // since, or the fund's budget date for a condition of the fund as a whole
  StatusParams params;
  // The subject is a recipient, known only within its fund (a school idle in two funds is two alerts).
  bool subject_in_fund = false;
  // What names the alert instead of its subject (a refused posting: its request_id, one alert each).
  std::string id_subject;
  // Stable: rule, subject (fund:recipient for a recipient), first day.
  std::string AlertId() const;
};

// Where alerts go. Sources counted by the database reserve a count and read only the part wanted.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Counts one alert of `rule`; true when it is to be Added.
  virtual bool Wanted(const funds::MonitoringRule& rule) = 0;
  // Counts `n` alerts of `rule` at once; the [first, last) of them to read and Add.
  virtual std::pair<int64_t, int64_t> Reserve(const funds::MonitoringRule& rule, int64_t n) = 0;
  virtual void Add(RaisedAlert alert) = 0;
};

// What to raise: the funds of a request's filters, the actions asked for.
struct AlertScope {
  std::vector<funds::RuleAction> actions = {funds::RuleAction::kWarn};
};

absl::Status RaiseAlerts(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                         const AlertScope& scope, AlertSink& sink);

// Every WARN alert as of a day, on every fund (the cases' sweep and inquiry).
absl::StatusOr<std::vector<RaisedAlert>> AllAlerts(storage::Storage& storage, const PolicyData& data, Date as_of);

// An alert's message in `language`, from the catalogue's text for its kind.
std::string AlertMessage(const PolicyData& data, const std::string& kind, const StatusParams& params,
                         Language language);

v1::MonitoringRule::Severity SeverityToProto(funds::Severity s);
v1::MonitoringRule::Action ActionToProto(funds::RuleAction a);
v1::FundAlert::Kind KindToProto(const std::string& kind);

// Every alert is counted (alert_count, tallies, and by kind into `by_kind` when given); those of
// `window` are written out, each with its case when it has one and its message in `language`.
absl::Status BuildFundAlerts(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                             Window window, v1::ListFundAlertsResponse* out,
                             std::map<v1::FundAlert::Kind, int>* by_kind = nullptr,
                             Language language = Language::kZhCn);

}  // namespace subsidy::service
