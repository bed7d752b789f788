// FundService's alert cases (问询 → 核实 → 认定 → 整改 → closed): a case is opened for an alert of
// today's (by a sweep, or by an inquiry), moved one step at a time by the people the contract names,
// and closes itself once its cause has gone. Every step is a row of its history and an audit entry;
// the database refuses a move the flow does not allow.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ids/canonical.h"
#include "services/alert_cases.h"
#include "services/common.h"
#include "services/fund_alerts.h"
#include "services/services.h"

namespace subsidy::service {

constexpr char kAlertCaseState[] = "ALERT_CASE_STATE";
constexpr char kNotCaseSubject[] = "NOT_CASE_SUBJECT";
constexpr char kRectifyEntryNotCorrecting[] = "RECTIFY_ENTRY_NOT_CORRECTING";

namespace {

std::string StepTime(const Clock& clock) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S+08:00", clock.Now(), absl::FixedTimeZone(8 * 3600));
}

storage::AlertCaseRow CaseOf(const RaisedAlert& a, Date today) {
  storage::AlertCaseRow c;
  c.alert_id = a.AlertId();
  c.rule_id = a.rule->rule_id;
  c.kind = a.rule->kind;
  c.severity = funds::SeverityName(a.rule->severity);
  c.fund_id = a.fund_id;
  c.subject_id = a.subject_id;
  c.unit_kind = a.unit_kind;
  c.subject_unit = a.subject_unit;
  c.since = a.first_day.ToString();
  c.params = a.params;
  c.opened_on = today.ToString();
  return c;
}

// Why a case whose alert is gone closes: the state it was in says what settled it.
std::string ClosedReason(const std::string& state) {
  if (state == "RECTIFIED") return "RECTIFIED";
  if (state == "RULED_NORMAL") return "RULED_NORMAL";
  return "CAUSE_GONE";
}

// A case a sweep closes when its alert has gone: any but one ruled a violation and not yet rectified.
bool ClosesWhenGone(const std::string& state) { return state != "RULED_VIOLATION" && state != "CLOSED"; }

void CaseToProto(const PolicyData& data, Language language, const storage::AlertCaseRow& c,
                 const std::vector<storage::AlertStepRow>& steps, v1::AlertCase* out) {
  out->set_case_id(storage::CaseIdFor(c.seq));
  out->set_alert_id(c.alert_id);
  out->set_rule_id(c.rule_id);
  if (auto s = funds::SeverityFromName(c.severity)) out->set_severity(SeverityToProto(*s));
  out->set_fund_id(c.fund_id);
  out->set_subject_id(c.subject_id);
  v1::AlertCase::State state = v1::AlertCase::STATE_UNSPECIFIED;
  v1::AlertCase::State_Parse(c.state, &state);
  out->set_state(state);
  out->set_kind(KindToProto(c.kind));
  out->set_message(AlertMessage(data, c.kind, c.params, language));
  out->set_since(c.since);
  out->set_subject_unit(c.subject_unit);
  out->set_opened_on(c.opened_on);
  v1::AlertCase::ViolationType type = v1::AlertCase::VIOLATION_TYPE_UNSPECIFIED;
  if (v1::AlertCase::ViolationType_Parse(c.violation_type, &type)) out->set_violation_type(type);
  out->set_closed_reason(c.closed_reason);
  for (const auto& s : steps) {
    auto* p = out->add_history();
    v1::AlertCase::State to = v1::AlertCase::STATE_UNSPECIFIED;
    v1::AlertCase::State_Parse(s.state, &to);
    p->set_state(to);
    p->set_by(s.by);
    p->set_at(s.at);
    p->set_text(s.text);
    p->set_request_id(s.request_id);
    v1::AlertCase::Finding finding = v1::AlertCase::FINDING_UNSPECIFIED;
    if (v1::AlertCase::Finding_Parse(s.finding, &finding)) p->set_finding(finding);
    v1::AlertCase::ViolationType vt = v1::AlertCase::VIOLATION_TYPE_UNSPECIFIED;
    if (v1::AlertCase::ViolationType_Parse(s.violation_type, &vt)) p->set_violation_type(vt);
    v1::AlertCase::RectifyAction action = v1::AlertCase::RECTIFY_ACTION_UNSPECIFIED;
    if (v1::AlertCase::RectifyAction_Parse(s.rectify_action, &action)) p->set_rectify_action(action);
    p->set_entry_id(s.entry_id);
  }
}

// The case as it stands inside the transaction, in the caller's language.
absl::StatusOr<v1::AlertCase> CaseNow(storage::LedgerTx& tx, Call& call, int64_t seq) {
  auto c = tx.monitoring().CaseForUpdate(seq);
  if (!c.ok()) return c.status();
  v1::AlertCase out;
  // The history is read after the commit by the caller's reads; in the transaction, only the case.
  CaseToProto(call.data(), LanguageOf(call.language()), **c, {}, &out);
  return out;
}

// A school or bank caller sees only the cases addressed to one of its own.
std::optional<std::vector<std::pair<std::string, std::string>>> UnitsOf(const auth::Caller& who) {
  const bool sees_all = who.everywhere || who.roles.count(auth::Role::kFinance) || who.roles.count(auth::Role::kAdmin) ||
                        who.roles.count(auth::Role::kAuditor);
  if (sees_all) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> units;
  for (const auto& s : who.schools) units.emplace_back("SCHOOL", s);
  for (const auto& b : who.banks) units.emplace_back("BANK", b);
  return units;
}

bool MaySee(const auth::Caller& who, const storage::AlertCaseRow& c) {
  auto units = UnitsOf(who);
  if (!units) return true;
  for (const auto& u : *units) {
    if (u.first == c.unit_kind && u.second == c.subject_unit) return true;
  }
  return false;
}

absl::Status WrongState(const storage::AlertCaseRow& c, absl::string_view wanted) {
  const std::string id = storage::CaseIdFor(c.seq);
  return WithParams(FailedPrecondition(kAlertCaseState, absl::StrCat("case ", id, " is ", c.state, "; ", wanted)),
                    {{"case_id", id}, {"state", c.state}});
}

// Locks the case a request names (NOT_FOUND when unknown) and checks it is in one of `states`.
absl::StatusOr<storage::AlertCaseRow> CaseIn(storage::LedgerTx& tx, const std::string& case_id,
                                             const std::set<std::string>& states, absl::string_view wanted) {
  auto seq = storage::CaseSeqFrom(case_id);
  if (!seq) return absl::NotFoundError(absl::StrCat("no alert case ", case_id));
  auto c = tx.monitoring().CaseForUpdate(*seq);
  if (!c.ok()) return c.status();
  if (!c->has_value()) return absl::NotFoundError(absl::StrCat("no alert case ", case_id));
  if (!states.count((*c)->state)) return WrongState(**c, wanted);
  return **c;
}

}  // namespace

absl::StatusOr<SweepResult> SweepCases(storage::LedgerTx& tx, const PolicyData& data,
                                       const std::vector<RaisedAlert>& alerts, Date today, const std::string& at,
                                       const std::string& by, const std::string& request_id) {
  SweepResult r;
  std::set<std::string> in_force;
  for (const auto* rule : data.monitoring_rules().InForce(today)) in_force.insert(rule->rule_id);
  auto live = tx.monitoring().LiveCases();
  if (!live.ok()) return live.status();
  std::set<std::string> present;
  for (const auto& a : alerts) {
    const std::string id = a.AlertId();
    present.insert(id);
    if (live->count(id)) continue;
    storage::AlertStepRow first;
    first.by = by;
    first.at = at;
    first.request_id = request_id;
    auto opened = tx.monitoring().OpenCase(CaseOf(a, today), first);
    if (!opened.ok()) return opened.status();
    if (opened->second) ++r.opened;
  }
  for (const auto& [alert_id, c] : *live) {
    if (present.count(alert_id) || !ClosesWhenGone(c.state)) continue;
    // A rule the data no longer has in force settled nothing: the case says so.
    const std::string reason = in_force.count(c.rule_id) ? ClosedReason(c.state) : "RULE_ENDED";
    storage::AlertStepRow step;
    step.state = "CLOSED";
    step.by = "system";
    step.at = at;
    step.text = reason;
    step.request_id = request_id;
    if (auto s = tx.monitoring().Move(c, step, c.violation_type, reason); !s.ok()) return s;
    ++r.closed;
  }
  r.open_count = static_cast<int>(present.size());
  return r;
}

namespace {
namespace handlers {

absl::Status ListMonitoringRules(Call& call, const v1::ListMonitoringRulesRequest& req,
                                 v1::ListMonitoringRulesResponse* out) {
  Date day = call.clock().TodayInChina();
  if (!req.as_of().empty()) {
    auto d = ParseDate(req.as_of(), "as_of");
    if (!d.ok()) return d.status();
    day = *d;
  }
  for (const auto* r : call.data().monitoring_rules().InForce(day)) {
    auto* p = out->add_rules();
    p->set_rule_id(r->rule_id);
    p->set_kind(KindToProto(r->kind));
    p->set_severity(SeverityToProto(r->severity));
    p->set_action(ActionToProto(r->action));
    p->set_effective_from(r->effective_from.ToString());
    if (r->effective_to) p->set_effective_to(r->effective_to->ToString());
    p->set_source(r->source);
    p->set_parameters(r->ParametersText());
    p->set_description(AlertMessage(call.data(), r->kind, {}, LanguageOf(call.language())));
  }
  return absl::OkStatus();
}

absl::Status ListAlertCases(Call& call, const v1::ListAlertCasesRequest& req, v1::ListAlertCasesResponse* out) {
  if (req.page_size() < 0 || req.page_size() > 500) return InvalidField("page_size", "0 to 500");
  storage::AlertCaseFilter f;
  if (req.state() != v1::AlertCase::STATE_UNSPECIFIED) f.state = v1::AlertCase::State_Name(req.state());
  if (req.severity() != v1::MonitoringRule::SEVERITY_UNSPECIFIED) {
    f.severity = v1::MonitoringRule::Severity_Name(req.severity());
  }
  if (req.kind() != v1::FundAlert::KIND_UNSPECIFIED) f.kind = v1::FundAlert::Kind_Name(req.kind());
  f.fund_id = req.fund_id();
  f.subject_unit = req.subject_unit();
  f.units = UnitsOf(call.who());
  auto tallies = call.storage().monitoring().Tallies(f);
  if (!tallies.ok()) return tallies.status();
  int64_t count = 0;
  for (const auto& t : *tallies) {
    auto* p = out->add_tallies();
    p->set_kind(KindToProto(t.kind));
    if (auto s = funds::SeverityFromName(t.severity)) p->set_severity(SeverityToProto(*s));
    v1::AlertCase::State state = v1::AlertCase::STATE_UNSPECIFIED;
    v1::AlertCase::State_Parse(t.state, &state);
    p->set_state(state);
    p->set_count(static_cast<int32_t>(t.count));
    count += t.count;
  }
  out->set_case_count(static_cast<int32_t>(count));
  auto page = ParsePage(req.page_size() == 0 ? 20 : req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  f.before_seq = page->after;  // newest first: the token is the last case served
  f.limit = page->limit;
  auto rows = call.storage().monitoring().ListCases(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  for (const auto& c : *rows) CaseToProto(call.data(), LanguageOf(call.language()), c, {}, out->add_cases());
  if (more) out->set_next_page_token(EncodePageToken(rows->back().seq));
  return absl::OkStatus();
}

absl::Status GetAlertCase(Call& call, const v1::GetAlertCaseRequest& req, v1::AlertCase* out) {
  if (req.case_id().empty()) return RequiredField("case_id");
  auto seq = storage::CaseSeqFrom(req.case_id());
  std::vector<storage::AlertStepRow> steps;
  auto c = seq ? call.storage().monitoring().GetCase(*seq, &steps) : absl::StatusOr<std::optional<storage::AlertCaseRow>>();
  if (!c.ok()) return c.status();
  // A case not addressed to a school or bank caller is, for it, no case at all.
  if (!c->has_value() || !MaySee(call.who(), **c)) return absl::NotFoundError(absl::StrCat("no alert case ", req.case_id()));
  CaseToProto(call.data(), LanguageOf(call.language()), **c, steps, out);
  return absl::OkStatus();
}

// Answers the case after a step, with its whole history (read after the commit).
absl::Status Answer(Call& call, absl::Status done, v1::AlertCase* out) {
  if (!done.ok()) return done;
  v1::GetAlertCaseRequest get;
  get.set_case_id(out->case_id());
  return GetAlertCase(call, get, out);
}

absl::Status InquireAlert(Call& call, const v1::InquireAlertRequest& req, v1::AlertCase* out) {
  if (req.alert_id().empty()) return RequiredField("alert_id");
  if (auto s = ValidateText(req.question(), "question", 2000, true); !s.ok()) return s;
  const Date today = call.clock().TodayInChina();
  // The alert as today raises it (an inquiry is about a condition that holds now).
  auto alerts = AllAlerts(call.storage(), call.data(), today);
  if (!alerts.ok()) return alerts.status();
  const RaisedAlert* alert = nullptr;
  for (const auto& a : *alerts) {
    if (a.AlertId() == req.alert_id()) alert = &a;
  }
  auto done = call.Mutate(
      req, {"alert:" + req.alert_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::AlertCase> {
        const std::string at = StepTime(call.clock());
        int64_t seq = 0;
        if (alert != nullptr) {
          auto opened = tx.monitoring().OpenCase(CaseOf(*alert, today), {0, "", "OPEN", call.caller(), at, "",
                                                                         req.request_id()});
          if (!opened.ok()) return opened.status();
          seq = opened->first;
        } else {
          auto known = call.storage().monitoring().CasesOfAlerts({req.alert_id()});
          if (!known.ok()) return known.status();
          if (known->empty()) return absl::NotFoundError(absl::StrCat("today has no alert ", req.alert_id()));
          seq = known->begin()->second.seq;
        }
        auto c = CaseIn(tx, storage::CaseIdFor(seq), {"OPEN", "INQUIRED", "RESPONDED"}, "an inquiry needs an open case");
        if (!c.ok()) return c.status();
        if (auto s = tx.monitoring().Move(*c, {0, "", "INQUIRED", call.caller(), at, req.question(), req.request_id()},
                                          c->violation_type, "");
            !s.ok()) {
          return s;
        }
        if (auto s = call.Audit(tx.audit(), req.request_id(), storage::CaseIdFor(seq), "OK",
                                absl::StrCat("inquiry on ", req.alert_id(), ": ", req.question()));
            !s.ok()) {
          return s;
        }
        return CaseNow(tx, call, seq);
      },
      out);
  return Answer(call, done, out);
}

absl::Status RespondToInquiry(Call& call, const v1::RespondToInquiryRequest& req, v1::AlertCase* out) {
  if (req.case_id().empty()) return RequiredField("case_id");
  if (auto s = ValidateText(req.response(), "response", 4000, true); !s.ok()) return s;
  auto done = call.Mutate(
      req, {"case:" + req.case_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::AlertCase> {
        auto c = CaseIn(tx, req.case_id(), {"INQUIRED"}, "a response answers an inquiry");
        if (!c.ok()) return c.status();
        // Only the case's subject answers: its school's or bank's caller, finance when it has none.
        const auth::Caller& who = call.who();
        const bool subject =
            c->unit_kind.empty()
                ? (who.everywhere || who.roles.count(auth::Role::kFinance) > 0)
                : (who.everywhere || (c->unit_kind == "SCHOOL" && who.roles.count(auth::Role::kSchool) &&
                                      who.schools.count(c->subject_unit)) ||
                   (c->unit_kind == "BANK" && who.roles.count(auth::Role::kBank) && who.banks.count(c->subject_unit)));
        if (!subject) {
          return WithParams(WithReason(absl::PermissionDeniedError(absl::StrCat(
                                           "case ", req.case_id(), " is addressed to ",
                                           c->subject_unit.empty() ? "the finance bureau" : c->subject_unit)),
                                       kNotCaseSubject),
                            {{"case_id", req.case_id()}});
        }
        if (auto s = tx.monitoring().Move(*c, {0, "", "RESPONDED", call.caller(), StepTime(call.clock()),
                                               req.response(), req.request_id()},
                                          c->violation_type, "");
            !s.ok()) {
          return s;
        }
        if (auto s = call.Audit(tx.audit(), req.request_id(), req.case_id(), "OK", "response to the inquiry"); !s.ok()) {
          return s;
        }
        return CaseNow(tx, call, c->seq);
      },
      out);
  return Answer(call, done, out);
}

absl::Status RuleOnAlert(Call& call, const v1::RuleOnAlertRequest& req, v1::AlertCase* out) {
  if (req.case_id().empty()) return RequiredField("case_id");
  if (req.finding() == v1::AlertCase::FINDING_UNSPECIFIED || !v1::AlertCase::Finding_IsValid(req.finding())) {
    return InvalidField("finding", "NORMAL or VIOLATION");
  }
  const bool violation = req.finding() == v1::AlertCase::VIOLATION;
  if (violation && (req.violation_type() == v1::AlertCase::VIOLATION_TYPE_UNSPECIFIED ||
                    !v1::AlertCase::ViolationType_IsValid(req.violation_type()))) {
    return InvalidField("violation_type", "a violation's type: IDLE_FUNDS, MISAPPROPRIATION, …");
  }
  if (!violation && req.violation_type() != v1::AlertCase::VIOLATION_TYPE_UNSPECIFIED) {
    return InvalidField("violation_type", "only with the finding VIOLATION");
  }
  if (auto s = ValidateText(req.note(), "note", 4000, false); !s.ok()) return s;
  const std::string type = violation ? v1::AlertCase::ViolationType_Name(req.violation_type()) : "";
  auto done = call.Mutate(
      req, {"case:" + req.case_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::AlertCase> {
        // A violation is found only after the unit was asked (问询); a false alarm may be ruled normal at once.
        auto c = violation ? CaseIn(tx, req.case_id(), {"INQUIRED", "RESPONDED"}, "a violation is ruled after an inquiry")
                           : CaseIn(tx, req.case_id(), {"OPEN", "INQUIRED", "RESPONDED"}, "a ruling needs a case not yet ruled");
        if (!c.ok()) return c.status();
        storage::AlertStepRow step{0, "", violation ? "RULED_VIOLATION" : "RULED_NORMAL", call.caller(),
                                   StepTime(call.clock()), req.note(), req.request_id(),
                                   v1::AlertCase::Finding_Name(req.finding()), type};
        if (auto s = tx.monitoring().Move(*c, step, type, ""); !s.ok()) return s;
        if (auto s = call.Audit(tx.audit(), req.request_id(), req.case_id(), "OK",
                                absl::StrCat("ruled ", step.finding, violation ? " " : "", type));
            !s.ok()) {
          return s;
        }
        return CaseNow(tx, call, c->seq);
      },
      out);
  return Answer(call, done, out);
}

// The correcting entry a rectification names: a REVERSAL (FR-…) or a RETURNED payment line (PAY-…)
// of the case's own fund (and of its recipient, when the case is about one); an entry rectifies one
// case (a unique index on the steps' entry_id).
absl::Status CheckCorrectingEntry(storage::LedgerTx& tx, const storage::AlertCaseRow& c, const std::string& entry_id) {
  auto not_correcting = [&](absl::string_view what) {
    return WithParams(FailedPrecondition(kRectifyEntryNotCorrecting, absl::StrCat(entry_id, " is ", what,
                                                                                  ", not a reversal or a return")),
                      {{"entry_id", entry_id}});
  };
  if (auto pay = storage::PaymentSeqFrom(entry_id)) {
    auto used = tx.monitoring().CaseRectifiedBy(entry_id);
    if (!used.ok()) return used.status();
    if (*used != 0) return not_correcting(absl::StrCat("the rectification of ", storage::CaseIdFor(*used), " already"));
    auto line = tx.payments().LineForUpdate(*pay, nullptr);
    if (!line.ok()) return line.status();
    if (!line->has_value()) return absl::NotFoundError(absl::StrCat("no payment ", entry_id));
    if ((*line)->state != funds::PaymentState::kReturned) return not_correcting(funds::PaymentStateName((*line)->state));
    std::vector<int64_t> entries;
    auto locked = tx.payments().LineForUpdate(*pay, &entries);
    if (!locked.ok()) return locked.status();
    for (int64_t id : entries) {
      auto e = tx.funds().FundEntryById(id);
      if (!e.ok()) return e.status();
      if (e->has_value() && !c.fund_id.empty() && (*e)->entry.fund_id != c.fund_id) {
        return not_correcting(absl::StrCat("a payment of fund ", (*e)->entry.fund_id));
      }
    }
    return absl::OkStatus();
  }
  auto used = tx.monitoring().CaseRectifiedBy(entry_id);
  if (!used.ok()) return used.status();
  if (*used != 0) return not_correcting(absl::StrCat("the rectification of ", storage::CaseIdFor(*used), " already"));
  auto seq = storage::FundEntrySeqFrom(entry_id);
  if (!seq) return absl::NotFoundError(absl::StrCat("no fund entry ", entry_id));
  auto e = tx.funds().FundEntryById(*seq);
  if (!e.ok()) return e.status();
  if (!e->has_value()) return absl::NotFoundError(absl::StrCat("no fund entry ", entry_id));
  if ((*e)->entry.kind != storage::FundEntryKind::kReversal) return not_correcting("another kind of entry");
  if (!c.fund_id.empty() && (*e)->entry.fund_id != c.fund_id) {
    return not_correcting(absl::StrCat("a reversal in fund ", (*e)->entry.fund_id));
  }
  const bool about_recipient = c.kind == "IDLE_ALLOCATION" || c.kind == "TRANSFER_TO_OWN_ACCOUNT";
  if (about_recipient && IdKey((*e)->entry.recipient_id) != IdKey(c.subject_id)) {
    return not_correcting(absl::StrCat("a reversal for ", (*e)->entry.recipient_id));
  }
  return absl::OkStatus();
}

absl::Status RectifyAlert(Call& call, const v1::RectifyAlertRequest& req, v1::AlertCase* out) {
  if (req.case_id().empty()) return RequiredField("case_id");
  if (req.action() == v1::AlertCase::RECTIFY_ACTION_UNSPECIFIED || !v1::AlertCase::RectifyAction_IsValid(req.action())) {
    return InvalidField("action", "RETURN_FUNDS, ADJUST_ACCOUNT or OTHER");
  }
  // Money returned or accounts adjusted show in an entry; OTHER says in words what was done.
  if (req.action() != v1::AlertCase::OTHER && req.entry_id().empty()) return RequiredField("entry_id");
  if (auto s = ValidateText(req.note(), "note", 4000, req.action() == v1::AlertCase::OTHER); !s.ok()) return s;
  const Date today = call.clock().TodayInChina();
  auto alerts = AllAlerts(call.storage(), call.data(), today);
  if (!alerts.ok()) return alerts.status();
  std::set<std::string> present;
  for (const auto& a : *alerts) present.insert(a.AlertId());
  auto done = call.Mutate(
      req, {"case:" + req.case_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::AlertCase> {
        auto c = CaseIn(tx, req.case_id(), {"RULED_VIOLATION"}, "a rectification follows a violation's ruling");
        if (!c.ok()) return c.status();
        if (!req.entry_id().empty()) {
          if (auto s = CheckCorrectingEntry(tx, *c, req.entry_id()); !s.ok()) return s;
        }
        const std::string at = StepTime(call.clock());
        storage::AlertStepRow step{0, "", "RECTIFIED", call.caller(), at, req.note(), req.request_id(), "", "",
                                   v1::AlertCase::RectifyAction_Name(req.action()), req.entry_id()};
        if (auto s = tx.monitoring().Move(*c, step, c->violation_type, ""); !s.ok()) return s;
        // The correction took the cause away: the case closes now, with that reason.
        if (!present.count(c->alert_id)) {
          auto moved = tx.monitoring().CaseForUpdate(c->seq);
          if (!moved.ok()) return moved.status();
          if (auto s = tx.monitoring().Move(**moved, {0, "", "CLOSED", "system", at, "RECTIFIED", req.request_id()},
                                            c->violation_type, "RECTIFIED");
              !s.ok()) {
            return s;
          }
        }
        if (auto s = call.Audit(tx.audit(), req.request_id(), req.case_id(), "OK",
                                absl::StrCat("rectified: ", step.rectify_action, " ", req.entry_id()));
            !s.ok()) {
          return s;
        }
        return CaseNow(tx, call, c->seq);
      },
      out);
  return Answer(call, done, out);
}

absl::Status SweepAlertCases(Call& call, const v1::SweepAlertCasesRequest& req, v1::SweepAlertCasesResponse* out) {
  const Date today = call.clock().TodayInChina();
  auto alerts = AllAlerts(call.storage(), call.data(), today);
  if (!alerts.ok()) return alerts.status();
  return call.Mutate(
      req, {"alert_sweep"},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::SweepAlertCasesResponse> {
        auto r = SweepCases(tx, call.data(), *alerts, today, StepTime(call.clock()), call.caller(), req.request_id());
        if (!r.ok()) return r.status();
        if (auto s = call.Audit(tx.audit(), req.request_id(), "alert_cases", "OK",
                                absl::StrCat("sweep: ", r->opened, " opened, ", r->closed, " closed"));
            !s.ok()) {
          return s;
        }
        v1::SweepAlertCasesResponse resp;
        resp.set_as_of(today.ToString());
        resp.set_opened(r->opened);
        resp.set_closed(r->closed);
        resp.set_open_count(r->open_count);
        return resp;
      },
      out);
}

}  // namespace handlers
}  // namespace

absl::StatusOr<SweepResult> SweepNow(storage::Storage& storage, const PolicyData& data, const Clock& clock,
                                     const std::string& request_id) {
  const Date today = clock.TodayInChina();
  auto alerts = AllAlerts(storage, data, today);
  if (!alerts.ok()) return alerts.status();
  std::optional<SweepResult> result;
  storage::IdempotencyKey key;
  key.request_id = request_id;
  key.method = "SweepAlertCases";
  key.lock_keys = {"alert_sweep"};
  auto done = storage.RunIdempotent(key, [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto r = SweepCases(tx, data, *alerts, today, StepTime(clock), "system", request_id);
    if (!r.ok()) return r.status();
    result = *r;
    return std::string();
  });
  if (!done.ok()) return done.status();
  return result.value_or(SweepResult{});
}

#define SUBSIDY_CASE_RPC(Rpc, runs) SUBSIDY_UNARY_RPC(FundServiceImpl, Rpc, runs)
SUBSIDY_CASE_RPC(ListMonitoringRules, Runs::kInline)
SUBSIDY_CASE_RPC(ListAlertCases, Runs::kInline)
SUBSIDY_CASE_RPC(GetAlertCase, Runs::kInline)
SUBSIDY_CASE_RPC(InquireAlert, Runs::kMutation)
SUBSIDY_CASE_RPC(RespondToInquiry, Runs::kMutation)
SUBSIDY_CASE_RPC(RuleOnAlert, Runs::kMutation)
SUBSIDY_CASE_RPC(RectifyAlert, Runs::kMutation)
SUBSIDY_CASE_RPC(SweepAlertCases, Runs::kMutation)
#undef SUBSIDY_CASE_RPC

}  // namespace subsidy::service
