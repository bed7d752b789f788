#include "services/fund_alerts.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "funds/limits.h"
#include "funds/payments.h"

namespace subsidy::service {

std::string RaisedAlert::AlertId() const {
  const std::string subject = !id_subject.empty() ? id_subject
                              : subject_in_fund    ? absl::StrCat(fund_id, ":", subject_id)
                                                   : subject_id;
  return absl::StrCat(rule->rule_id, "/", subject, "/", first_day.ToString());
}

v1::MonitoringRule::Severity SeverityToProto(funds::Severity s) {
  switch (s) {
    case funds::Severity::kRed: return v1::MonitoringRule::RED;
    case funds::Severity::kOrange: return v1::MonitoringRule::ORANGE;
    case funds::Severity::kYellow: return v1::MonitoringRule::YELLOW;
    case funds::Severity::kBlue: return v1::MonitoringRule::BLUE;
  }
  return v1::MonitoringRule::SEVERITY_UNSPECIFIED;
}

v1::MonitoringRule::Action ActionToProto(funds::RuleAction a) {
  switch (a) {
    case funds::RuleAction::kBlock: return v1::MonitoringRule::BLOCK;
    case funds::RuleAction::kWarn: return v1::MonitoringRule::WARN;
    case funds::RuleAction::kRecord: return v1::MonitoringRule::RECORD;
  }
  return v1::MonitoringRule::ACTION_UNSPECIFIED;
}

v1::FundAlert::Kind KindToProto(const std::string& kind) {
  v1::FundAlert::Kind k = v1::FundAlert::KIND_UNSPECIFIED;
  v1::FundAlert::Kind_Parse(kind, &k);
  return k;
}

std::string AlertMessage(const PolicyData& data, const std::string& kind, const StatusParams& params,
                         Language language) {
  return data.messages().Render(MessageKind::kAlert, kind, language, params).value_or(kind);
}

namespace {

// The rules of one kind in force on the day, among the actions asked for.
class RuleBook {
 public:
  RuleBook(const PolicyData& data, Date day, const AlertScope& scope) : data_(data), day_(day), scope_(scope) {}
  std::vector<const funds::MonitoringRule*> Of(absl::string_view kind) const {
    std::vector<const funds::MonitoringRule*> out;
    for (const auto* r : data_.monitoring_rules().InForce(day_, kind)) {
      if (std::find(scope_.actions.begin(), scope_.actions.end(), r->action) != scope_.actions.end()) out.push_back(r);
    }
    return out;
  }

 private:
  const PolicyData& data_;
  Date day_;
  const AlertScope& scope_;
};

bool Filtered(const v1::ListFundAlertsRequest& req) {
  return !req.fund_ids().empty() || req.budget_year() || req.purpose() || req.level() || !req.region_prefix().empty();
}

RaisedAlert FundAlert(const funds::MonitoringRule* rule, const storage::FundFigures& f, std::optional<Date> since,
                      StatusParams params) {
  RaisedAlert a;
  a.rule = rule;
  a.fund_id = f.fund.fund_id;
  a.subject_id = f.fund.fund_id;
  a.since = since;
  a.first_day = since.value_or(f.fund.date);
  a.params = std::move(params);
  return a;
}

// A fund's target shares missed: its own minimum, and the nested shares of a rule.
absl::Status ShareConditions(const storage::FundFigures& f, const AllocationsByFund& by_fund, const RuleBook& rules,
                             AlertSink& sink) {
  if (!f.fund.min_target_share.empty() && f.allocated.fen() != 0) {
    auto minimum = Rate::Parse(f.fund.min_target_share);
    auto share = TargetShare(f, by_fund);
    if (!share.ok()) return share.status();
    for (const auto* r : rules.Of(funds::kTargetShareMissed)) {
      if (minimum.ok() && *share && (*share)->BelowPercent(*minimum) && sink.Wanted(*r)) {
        sink.Add(FundAlert(r, f, std::nullopt,
                           {{"fund_id", f.fund.fund_id},
                            {"share_percent", (*share)->PercentText()},
                            {"minimum_percent", f.fund.min_target_share}}));
      }
    }
  }
  for (const auto* r : rules.Of(funds::kNestedTargetShareMissed)) {
    if (!absl::StartsWith(f.fund.region_code, r->fund_region_prefix)) continue;
    auto it = by_fund.find(f.fund.fund_id);
    static const std::vector<funds::RegionAllocation> kNone;
    auto shares = funds::NestedShare(it == by_fund.end() ? kNone : it->second, r->outer_prefixes,
                                     r->inner_prefixes);
    if (!shares.ok()) return shares.status();
    if (funds::MissesNestedShare(*shares, *r, f.allocated) && sink.Wanted(*r)) {
      sink.Add(FundAlert(r, f, std::nullopt,
                         {{"fund_id", f.fund.fund_id},
                          {"outer_name", r->outer_name},
                          {"outer_percent", shares->outer.PercentText()},
                          {"outer_min_percent", r->outer_min.ToString()},
                          {"inner_name", r->inner_name},
                          {"inner_percent", shares->inner_of_outer.PercentText()},
                          {"inner_min_percent", r->inner_min.ToString()}}));
    }
  }
  return absl::OkStatus();
}

// The conditions of a fund as a whole: execution lagging, target shares missed, budget unallocated
// or targets missing past their deadline.
absl::Status FundConditions(storage::Storage& storage, const Position& position, const RuleBook& rules,
                            AlertSink& sink) {
  const Date day = position.as_of;
  std::optional<AllocationsByFund> by_fund;
  auto allocations = [&]() -> const AllocationsByFund& {
    if (!by_fund) by_fund = ByFund(position.recipients);
    return *by_fund;
  };
  std::optional<std::map<std::string, Date>> targets;
  for (const auto& f : position.funds) {
    const auto execution = funds::Ratio::Of(f.paid, f.budget);
    const auto time = funds::TimeProgress(f.fund.budget_year, day, funds::TimeBasis::kDays);
    for (const auto* r : rules.Of(funds::kExecutionLagging)) {
      if (funds::PaceOf(execution, time, r->tolerance) == funds::Pace::kLagging && sink.Wanted(*r)) {
        sink.Add(FundAlert(r, f, std::nullopt,
                           {{"fund_id", f.fund.fund_id},
                            {"execution_percent", execution.PercentText()},
                            {"time_percent", time.PercentText()},
                            {"tolerance_points", r->tolerance.ToString()}}));
      }
    }
    if (auto st = ShareConditions(f, allocations(), rules, sink); !st.ok()) return st;
    for (const auto* r : rules.Of(funds::kLateAllocation)) {
      if (f.allocated < f.budget && funds::PastDeadline(f.fund.date, r->days, day) && sink.Wanted(*r)) {
        auto unallocated = f.budget.Minus(f.allocated);
        sink.Add(FundAlert(r, f, f.fund.date.AddDays(r->days + 1),
                           {{"fund_id", f.fund.fund_id},
                            {"unallocated_yuan", unallocated.ok() ? unallocated->ToYuanString() : ""},
                            {"days", absl::StrCat(r->days)},
                            {"budget_date", f.fund.date.ToString()}}));
      }
    }
    const auto missing = rules.Of(funds::kTargetsMissing);
    if (missing.empty()) continue;
    if (!targets) {
      auto entered = storage.monitoring().TargetsEnteredOn();
      if (!entered.ok()) return entered.status();
      targets = std::move(*entered);
    }
    auto entered = targets->find(f.fund.fund_id);
    const bool has_targets = entered != targets->end() && entered->second <= day;
    for (const auto* r : missing) {
      if (!has_targets && funds::PastDeadline(f.fund.date, r->days, day) && sink.Wanted(*r)) {
        sink.Add(FundAlert(r, f, f.fund.date.AddDays(r->days + 1),
                           {{"fund_id", f.fund.fund_id},
                            {"days", absl::StrCat(r->days)},
                            {"budget_date", f.fund.date.ToString()}}));
      }
    }
  }
  return absl::OkStatus();
}

// A recipient's allocation idle for longer than the rule allows.
void IdleAllocations(const Position& position, const RuleBook& rules, AlertSink& sink) {
  const auto idle = rules.Of(funds::kIdleAllocation);
  for (const auto& r : position.recipients) {
    for (const auto* rule : idle) {
      if (!r.last_movement || !funds::IsIdle(r.allocated, r.paid, *r.last_movement, position.as_of, rule->days) ||
          !sink.Wanted(*rule)) {
        continue;
      }
      RaisedAlert a;
      a.rule = rule;
      a.fund_id = r.fund_id;
      a.subject_id = r.recipient_id;
      a.subject_in_fund = true;
      if (r.recipient_kind == "SCHOOL" || r.recipient_kind == "BANK") {
        a.unit_kind = r.recipient_kind;
        a.subject_unit = r.recipient_id;
      }
      a.since = r.last_movement;
      a.first_day = *r.last_movement;
      a.params = {{"recipient_id", r.recipient_id},
                  {"amount_yuan", funds::Payable(r.allocated, r.paid).ToYuanString()},
                  {"idle_days", absl::StrCat(rule->days)}};
      sink.Add(std::move(a));
    }
  }
}

RaisedAlert PayoutAlert(const funds::MonitoringRule* rule, const std::string& fund, const storage::PayoutRow& p,
                        Date since, StatusParams params) {
  RaisedAlert a;
  a.rule = rule;
  a.fund_id = fund;
  a.subject_id = storage::PayoutIdFor(p.seq);
  a.since = since;
  a.first_day = since;
  a.params = std::move(params);
  return a;
}

// A payout's alerts: overdue (counted and paged by the database: there may be a hundred thousand),
// or held by a run; every one when no fund is asked for, else those of the funds asked for.
absl::Status PayoutAlerts(storage::Storage& storage, const v1::ListFundAlertsRequest& req, const Position& position,
                          const RuleBook& rules, AlertSink& sink) {
  std::map<std::string, std::string> fund_of_policy;  // policy_id → the fund allocated to it
  for (const auto& r : position.recipients) {
    if (r.recipient_kind == "REWARD_POLICY") fund_of_policy.emplace(r.recipient_id, r.fund_id);
  }
  const bool filtered = Filtered(req);
  std::vector<std::string> policies;
  for (const auto& [policy, fund] : fund_of_policy) policies.push_back(policy);
  auto fund_of = [&](const storage::PayoutRow& p) {
    auto it = fund_of_policy.find(p.policy_id);
    return it == fund_of_policy.end() ? std::string() : it->second;
  };
  const Date day = position.as_of;
  for (const auto* r : rules.Of(funds::kOverduePayout)) {
    auto n = storage.payouts().CountOverduePayouts(day, filtered ? &policies : nullptr);
    if (!n.ok()) return n.status();
    const auto [first, last] = sink.Reserve(*r, *n);
    if (first >= last) continue;
    auto payouts = storage.payouts().OverduePayoutsAsOf(day, filtered ? &policies : nullptr, first, last - first);
    if (!payouts.ok()) return payouts.status();
    for (const auto& p : *payouts) {
      sink.Add(PayoutAlert(r, fund_of(p), p, p.due_date->AddDays(1),
                           {{"enterprise_uscc", p.enterprise_uscc},
                            {"policy_id", p.policy_id},
                            {"amount_yuan", p.amount.ToYuanString()},
                            {"due_date", p.due_date->ToString()}}));
    }
  }
  const auto held_rules = rules.Of(funds::kPayoutHeld);
  if (held_rules.empty()) return absl::OkStatus();
  auto held = storage.payouts().HeldPayouts();
  if (!held.ok()) return held.status();
  for (const auto& p : *held) {
    if ((filtered && !fund_of_policy.count(p.policy_id)) || day < p.determination_date) continue;
    for (const auto* r : held_rules) {
      if (!sink.Wanted(*r)) continue;
      sink.Add(PayoutAlert(
          r, fund_of(p), p, p.determination_date,
          {{"enterprise_uscc", p.enterprise_uscc}, {"policy_id", p.policy_id}, {"amount_yuan", p.amount.ToYuanString()}}));
    }
  }
  return absl::OkStatus();
}

RaisedAlert LineAlert(const funds::MonitoringRule* rule, const storage::PaymentLineRow& l, Date since,
                      StatusParams params) {
  RaisedAlert a;
  a.rule = rule;
  a.subject_id = storage::PaymentIdFor(l.seq);
  a.since = since;
  a.first_day = since;
  a.params = std::move(params);
  return a;
}

// Payment lines: unsettled by the bank too long, large payments to a person, payments dated on a
// day the calendar does not work.
absl::Status PaymentAlerts(storage::Storage& storage, const PolicyData& data, Date as_of, const RuleBook& rules,
                           AlertSink& sink) {
  const auto unconfirmed = rules.Of(funds::kPaymentUnconfirmed);
  const auto failed_open = rules.Of(funds::kPaymentFailedOpen);
  if (!unconfirmed.empty() || !failed_open.empty()) {
    auto lines = storage.payments().OpenLines();
    if (!lines.ok()) return lines.status();
    for (const auto& l : *lines) {
      const bool sent = l.state == funds::PaymentState::kSent;
      std::optional<Date> since = l.payment_date;
      if (!sent) {
        auto failed = Date::Parse(l.failed_date);
        since = failed.ok() ? std::optional<Date>(*failed) : std::nullopt;
      }
      if (!since || as_of < *since) continue;
      for (const auto* r : sent ? unconfirmed : failed_open) {
        auto days = funds::OpenWorkingDays(data.calendar(), *since, as_of, r->working_days);
        if (!days.ok() || !days->has_value() || !sink.Wanted(*r)) continue;  // outside the calendar: no guess
        sink.Add(LineAlert(r, l, *since,
                           {{"payment_id", storage::PaymentIdFor(l.seq)},
                            {"days", absl::StrCat(**days)},
                            {"amount_yuan", l.amount.ToYuanString()},
                            {"payee", l.payee_name}}));
      }
    }
  }
  for (const auto* r : rules.Of(funds::kLargePersonalPayment)) {
    auto lines = storage.payments().LargeLinesAsOf(r->threshold, as_of);
    if (!lines.ok()) return lines.status();
    for (const auto& l : *lines) {
      if (!funds::IsPersonId(l.payee_id) || !sink.Wanted(*r)) continue;
      sink.Add(LineAlert(r, l, l.payment_date,
                         {{"payment_id", storage::PaymentIdFor(l.seq)},
                          {"payee", l.payee_name},
                          {"amount_yuan", l.amount.ToYuanString()},
                          {"threshold_yuan", r->threshold.ToYuanString()}}));
    }
  }
  const auto non_working = rules.Of(funds::kNonWorkingDayPayment);
  if (non_working.empty()) return absl::OkStatus();
  auto days = storage.payments().PaymentDaysAsOf(as_of);
  if (!days.ok()) return days.status();
  for (Date d : *days) {
    auto working = data.calendar().IsWorkingDay(d);
    if (!working.ok() || *working) continue;  // a day outside the calendar is no finding
    auto lines = storage.payments().LinesOn(d);
    if (!lines.ok()) return lines.status();
    for (const auto& l : *lines) {
      for (const auto* r : non_working) {
        if (!sink.Wanted(*r)) continue;
        sink.Add(LineAlert(r, l, d,
                           {{"payment_id", storage::PaymentIdFor(l.seq)},
                            {"payee", l.payee_name},
                            {"amount_yuan", l.amount.ToYuanString()},
                            {"date", d.ToString()}}));
      }
    }
  }
  return absl::OkStatus();
}

// Postings a BLOCK rule refused, as RECORD-level findings of their day.
absl::Status RefusedPostings(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                             const Position& position, AlertSink& sink) {
  std::set<std::string> funds_asked;
  for (const auto& f : position.funds) funds_asked.insert(f.fund.fund_id);
  auto events = storage.monitoring().EventsAsOf(position.as_of);
  if (!events.ok()) return events.status();
  for (const auto& e : *events) {
    const auto* rule = data.monitoring_rules().Find(e.rule_id);
    if (rule == nullptr || (Filtered(req) && !funds_asked.count(e.fund_id)) || !sink.Wanted(*rule)) continue;
    RaisedAlert a;
    a.rule = rule;
    a.fund_id = e.fund_id;
    a.subject_id = e.subject_id;
    a.id_subject = e.request_id;
    a.since = e.date;
    a.first_day = e.date;
    a.params = e.params;
    sink.Add(std::move(a));
  }
  return absl::OkStatus();
}

// Collects every alert.
class AllSink final : public AlertSink {
 public:
  bool Wanted(const funds::MonitoringRule&) override { return true; }
  std::pair<int64_t, int64_t> Reserve(const funds::MonitoringRule&, int64_t n) override { return {0, n}; }
  void Add(RaisedAlert alert) override { alerts.push_back(std::move(alert)); }
  std::vector<RaisedAlert> alerts;
};

// Counts every alert by kind and severity, and writes those of the window.
class PageSink final : public AlertSink {
 public:
  PageSink(Window window, std::map<v1::FundAlert::Kind, int>* by_kind) : window_(window), by_kind_(by_kind) {}
  bool Wanted(const funds::MonitoringRule& rule) override {
    Reserve(rule, 1);
    return last_wanted_;
  }
  std::pair<int64_t, int64_t> Reserve(const funds::MonitoringRule& rule, int64_t n) override {
    tallies_[{rule.kind, rule.severity}] += n;
    if (by_kind_) (*by_kind_)[KindToProto(rule.kind)] += static_cast<int>(n);
    const int64_t start = count_;
    count_ += n;
    const int64_t lo = std::max(start, window_.first);
    const int64_t hi = window_.size < 0 ? count_ : std::min(count_, window_.first + window_.size);
    last_wanted_ = lo < hi;
    if (lo >= hi) return {0, 0};
    return {lo - start, hi - start};
  }
  void Add(RaisedAlert alert) override { alerts.push_back(std::move(alert)); }
  int64_t count() const { return count_; }
  const std::map<std::pair<std::string, funds::Severity>, int64_t>& tallies() const { return tallies_; }
  std::vector<RaisedAlert> alerts;

 private:
  Window window_;
  std::map<v1::FundAlert::Kind, int>* by_kind_;
  std::map<std::pair<std::string, funds::Severity>, int64_t> tallies_;
  int64_t count_ = 0;
  bool last_wanted_ = false;
};

}  // namespace

absl::Status RaiseAlerts(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                         const AlertScope& scope, AlertSink& sink) {
  auto position = PositionOf(storage.funds(), req, /*all_recipients=*/true);
  if (!position.ok()) return position.status();
  const RuleBook rules(data, position->as_of, scope);
  if (auto s = FundConditions(storage, *position, rules, sink); !s.ok()) return s;
  IdleAllocations(*position, rules, sink);
  if (auto s = PayoutAlerts(storage, req, *position, rules, sink); !s.ok()) return s;
  // Payment lines belong to no fund filter (a line may pay several funds' entries).
  if (!Filtered(req)) {
    if (auto s = PaymentAlerts(storage, data, position->as_of, rules, sink); !s.ok()) return s;
  }
  const bool records = std::find(scope.actions.begin(), scope.actions.end(), funds::RuleAction::kRecord) !=
                       scope.actions.end();
  if (records) return RefusedPostings(storage, data, req, *position, sink);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RaisedAlert>> AllAlerts(storage::Storage& storage, const PolicyData& data, Date as_of) {
  v1::ListFundAlertsRequest req;
  req.set_as_of(as_of.ToString());
  AllSink sink;
  if (auto s = RaiseAlerts(storage, data, req, AlertScope{}, sink); !s.ok()) return s;
  return std::move(sink.alerts);
}

absl::Status BuildFundAlerts(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                             Window window, v1::ListFundAlertsResponse* out, std::map<v1::FundAlert::Kind, int>* by_kind,
                             Language language) {
  AlertScope scope;
  if (!req.actions().empty()) {
    scope.actions.clear();
    for (int i = 0; i < req.actions_size(); ++i) {
      const auto a = req.actions(i);
      if (a == v1::MonitoringRule::WARN) scope.actions.push_back(funds::RuleAction::kWarn);
      else if (a == v1::MonitoringRule::RECORD) scope.actions.push_back(funds::RuleAction::kRecord);
      else return InvalidField(absl::StrCat("actions[", i, "]"), "WARN or RECORD (a BLOCK rule refuses postings)");
    }
  }
  PageSink sink(window, by_kind);
  if (auto s = RaiseAlerts(storage, data, req, scope, sink); !s.ok()) return s;
  std::vector<std::string> ids;
  for (const auto& a : sink.alerts) ids.push_back(a.AlertId());
  auto cases = storage.monitoring().CasesOfAlerts(ids);
  if (!cases.ok()) return cases.status();
  for (const auto& a : sink.alerts) {
    auto* p = out->add_alerts();
    p->set_kind(KindToProto(a.rule->kind));
    p->set_fund_id(a.fund_id);
    p->set_subject_id(a.subject_id);
    p->set_message(AlertMessage(data, a.rule->kind, a.params, language));
    if (a.since) p->set_since(a.since->ToString());
    p->set_alert_id(a.AlertId());
    p->set_rule_id(a.rule->rule_id);
    p->set_severity(SeverityToProto(a.rule->severity));
    p->set_action(ActionToProto(a.rule->action));
    p->set_subject_unit(a.subject_unit);
    if (auto it = cases->find(p->alert_id()); it != cases->end()) {
      p->set_case_id(storage::CaseIdFor(it->second.seq));
      v1::AlertCase::State state = v1::AlertCase::STATE_UNSPECIFIED;
      v1::AlertCase::State_Parse(it->second.state, &state);
      p->set_case_state(state);
    }
  }
  for (const auto& [key, n] : sink.tallies()) {
    auto* t = out->add_tallies();
    t->set_kind(KindToProto(key.first));
    t->set_severity(SeverityToProto(key.second));
    t->set_count(static_cast<int32_t>(n));
  }
  out->set_alert_count(static_cast<int32_t>(sink.count()));
  return absl::OkStatus();
}

}  // namespace subsidy::service
