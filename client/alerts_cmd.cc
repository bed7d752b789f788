// subsidyctl alerts list|show|today|inquire|respond|rule|rectify|sweep|rules: dynamic monitoring
// (动态监控). An alert becomes a case, handled 问询 (inquire) → 核实 (respond) → 认定 (rule) → 整改
// (rectify) → closed, every step kept; the rules in force on a day (FundService).
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "alert_words.h"
#include "cli.h"
#include "formats/csv.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

using Stub = v1::FundService::Stub;
using Case = v1::AlertCase;
using Rule = v1::MonitoringRule;

std::unique_ptr<Stub> NewStub(Context& ctx) { return v1::FundService::NewStub(ctx.Channel()); }

// ---- words --------------------------------------------------------------------------------------

// RED, or 红.
std::string SeverityText(const Context& ctx, Rule::Severity s) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"RED", kCliSeverityRed}, {"ORANGE", kCliSeverityOrange}, {"YELLOW", kCliSeverityYellow},
      {"BLUE", kCliSeverityBlue}};
  return Word(ctx.language, *kWords, Rule::Severity_Name(s));
}
// WARN, or 预警.
std::string ActionText(const Context& ctx, Rule::Action a) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"BLOCK", kCliRuleActionBlock}, {"WARN", kCliRuleActionWarn}, {"RECORD", kCliRuleActionRecord}};
  return Word(ctx.language, *kWords, Rule::Action_Name(a));
}
// INQUIRED, or 已问询.
std::string StateText(const Context& ctx, Case::State s) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"OPEN", kCliCaseStateOpen},
      {"INQUIRED", kCliCaseStateInquired},
      {"RESPONDED", kCliCaseStateResponded},
      {"RULED_NORMAL", kCliCaseStateRuledNormal},
      {"RULED_VIOLATION", kCliCaseStateRuledViolation},
      {"RECTIFIED", kCliCaseStateRectified},
      {"CLOSED", kCliCaseStateClosed}};
  return Word(ctx.language, *kWords, Case::State_Name(s));
}
// A step's finding, violation type and rectification (NORMAL, or 正常; IDLE_FUNDS, or 滞留闲置; …)
// and a case's closed_reason; the names of these do not repeat one another's.
std::string CaseWord(const Context& ctx, const std::string& name) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"NORMAL", kCliFindingNormal},
      {"VIOLATION", kCliFindingViolation},
      {"DELAYED_ALLOCATION", kCliViolationDelayedAllocation},
      {"IDLE_FUNDS", kCliViolationIdleFunds},
      {"MISAPPROPRIATION", kCliViolationMisappropriation},
      {"EXCESS_SCOPE", kCliViolationExcessScope},
      {"TRANSFER_TO_OWN_ACCOUNT", kCliViolationTransferToOwnAccount},
      {"FALSE_CLAIM", kCliViolationFalseClaim},
      {"INCOMPLETE_DATA", kCliViolationIncompleteData},
      {"RETURN_FUNDS", kCliRectifyReturnFunds},
      {"ADJUST_ACCOUNT", kCliRectifyAdjustAccount},
      {"OTHER", kCliRectifyOther},
      {"CAUSE_GONE", kCliCaseClosedCauseGone},
      {"RECTIFIED", kCliCaseClosedRectified},
      {"RULED_NORMAL", kCliCaseClosedRuledNormal},
      {"RULE_ENDED", kCliCaseClosedRuleEnded}};
  return Word(ctx.language, *kWords, name);
}

// "红 2、黄 1": the non-zero counts, in the enum's order.
template <class E, class Text>
std::string Counts(const Context& ctx, const std::map<int, int64_t>& counts, Text text) {
  std::vector<std::string> parts;
  for (const auto& [value, n] : counts) {
    if (n != 0) parts.push_back(absl::StrCat(text(ctx, static_cast<E>(value)), " ", n));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, Say(ctx.language, kCliListSeparator));
}

// The tallies summed by severity, and (for cases) by state: a line each.
void PrintTallies(Context& ctx, const google::protobuf::RepeatedPtrField<v1::AlertTally>& tallies, bool states) {
  std::map<int, int64_t> by_severity, by_state;
  for (const v1::AlertTally& t : tallies) {
    by_severity[t.severity()] += t.count();
    by_state[t.state()] += t.count();
  }
  *ctx.out << Say(ctx.language, kCliAlertTallySeverity, {{"counts", Counts<Rule::Severity>(ctx, by_severity, SeverityText)}})
           << "\n";
  if (states) {
    *ctx.out << Say(ctx.language, kCliAlertTallyState, {{"counts", Counts<Case::State>(ctx, by_state, StateText)}})
             << "\n";
  }
}

// Who answers a case's inquiry: its school or bank, else the finance bureau (财政部门).
std::string UnitText(const Context& ctx, const std::string& unit) {
  return unit.empty() ? Say(ctx.language, kCliAlertUnitFinance) : unit;
}

// The one positional id of show, inquire, respond, rule and rectify.
int IdOf(Context& ctx, const Options& o, const std::string& command, const std::string& what, std::string* id) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "alerts " + command}, {"what", what}});
  *id = o.positional()[0];
  return 0;
}

// ---- list, show ---------------------------------------------------------------------------------

void PrintCaseCsv(Context& ctx, const google::protobuf::RepeatedPtrField<Case>& cases) {
  *ctx.out << "case_id,severity,state,kind,fund_id,subject_id,subject_unit,since,opened_on,alert_id,message\n";
  for (const Case& c : cases) {
    *ctx.out << absl::StrJoin({formats::CsvCell(c.case_id()), Rule::Severity_Name(c.severity()),
                               Case::State_Name(c.state()), v1::FundAlert::Kind_Name(c.kind()),
                               formats::CsvCell(c.fund_id()), formats::CsvCell(c.subject_id()),
                               formats::CsvCell(c.subject_unit()), c.since(), c.opened_on(),
                               formats::CsvCell(c.alert_id()), formats::CsvCell(c.message())},
                              ",")
             << "\n";
  }
}

int List(Context& ctx, const Options& o) {
  v1::ListAlertCasesRequest req;
  Case::State state = Case::STATE_UNSPECIFIED;
  Rule::Severity severity = Rule::SEVERITY_UNSPECIFIED;
  v1::FundAlert::Kind kind = v1::FundAlert::KIND_UNSPECIFIED;
  if (int rc = EnumOption(ctx, o, "state", &state); rc != 0) return rc;
  if (int rc = EnumOption(ctx, o, "severity", &severity); rc != 0) return rc;
  if (int rc = EnumOption(ctx, o, "kind", &kind); rc != 0) return rc;
  req.set_state(state);
  req.set_severity(severity);
  req.set_kind(kind);
  req.set_fund_id(o.Get("fund"));
  req.set_subject_unit(o.Get("unit"));
  if (o.Has("page_size")) {
    int32_t size = 0;
    if (!absl::SimpleAtoi(o.Get("page_size"), &size) || size <= 0) return ctx.Usage(kCliUsagePositiveInteger, {{"option", "--page_size"}});
    req.set_page_size(size);
  }
  req.set_page_token(o.Get("page_token"));
  v1::ListAlertCasesResponse resp;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::ListAlertCases, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  if (o.Has("csv")) {
    PrintCaseCsv(ctx, resp.cases());
    return 0;
  }
  PrintTallies(ctx, resp.tallies(), true);
  *ctx.out << Say(ctx.language, kCliAlertCasesHeader) << "\n";
  for (const Case& c : resp.cases()) {
    *ctx.out << absl::StrFormat("%-12s %s %s %s %-20s %-20s %s %-10s %s\n", c.case_id(),
                                Cell(SeverityText(ctx, c.severity()), 6), Cell(StateText(ctx, c.state()), 16),
                                Cell(AlertKindText(ctx.language, c.kind()), 26), c.fund_id(), OrDash(c.subject_id()),
                                Cell(UnitText(ctx, c.subject_unit()), 16), c.since(), c.message());
  }
  StatusParams shown = {{"shown", absl::StrCat(resp.cases_size())}, {"count", absl::StrCat(resp.case_count())}};
  if (!resp.next_page_token().empty()) shown.emplace("next", "--page_token=" + resp.next_page_token());
  *ctx.out << Say(ctx.language, kCliAlertCasesShown, shown) << "\n";
  return 0;
}

// One step of a case's history: when, who, the state it moved the case to, what was said, and the
// finding, violation type, rectification and correcting entry it gave.
void PrintStep(Context& ctx, const Case::Step& s) {
  std::vector<std::string> given;
  if (s.finding() != Case::FINDING_UNSPECIFIED) given.push_back(CaseWord(ctx, Case::Finding_Name(s.finding())));
  if (s.violation_type() != Case::VIOLATION_TYPE_UNSPECIFIED) {
    given.push_back(CaseWord(ctx, Case::ViolationType_Name(s.violation_type())));
  }
  if (s.rectify_action() != Case::RECTIFY_ACTION_UNSPECIFIED) {
    given.push_back(CaseWord(ctx, Case::RectifyAction_Name(s.rectify_action())));
  }
  if (!s.entry_id().empty()) given.push_back(s.entry_id());
  *ctx.out << absl::StrFormat("%-25s %-16s %s %s  %s\n", s.at(), OrDash(s.by()), Cell(StateText(ctx, s.state()), 16),
                              Cell(OrDash(s.text()), 40),
                              given.empty() ? "-" : absl::StrJoin(given, Say(ctx.language, kCliListSeparator)));
}

// A case in full: what show, inquire, respond, rule and rectify answer.
int PrintCase(Context& ctx, const Case& c) {
  if (ctx.json) {
    ctx.PrintJson(c);
    return 0;
  }
  const std::string& lang = ctx.language;
  *ctx.out << Say(lang, kCliAlertCase,
                  {{"case_id", c.case_id()},
                   {"state", StateText(ctx, c.state())},
                   {"severity", SeverityText(ctx, c.severity())},
                   {"kind", AlertKindText(lang, c.kind())},
                   {"fund_id", c.fund_id()},
                   {"subject_id", OrDash(c.subject_id())},
                   {"subject_unit", UnitText(ctx, c.subject_unit())},
                   {"since", OrDash(c.since())},
                   {"opened_on", OrDash(c.opened_on())},
                   {"alert_id", OrDash(c.alert_id())},
                   {"rule_id", OrDash(c.rule_id())},
                   {"message", OrDash(c.message())}})
           << "\n";
  if (c.violation_type() != Case::VIOLATION_TYPE_UNSPECIFIED) {
    *ctx.out << Say(lang, kCliAlertCaseViolation,
                    {{"violation_type", CaseWord(ctx, Case::ViolationType_Name(c.violation_type()))}})
             << "\n";
  }
  if (!c.closed_reason().empty()) {
    *ctx.out << Say(lang, kCliAlertCaseClosed, {{"reason", CaseWord(ctx, c.closed_reason())}}) << "\n";
  }
  *ctx.out << Say(lang, kCliAlertCaseHistoryHeader) << "\n";
  for (const Case::Step& s : c.history()) PrintStep(ctx, s);
  return 0;
}

int Show(Context& ctx, const Options& o) {
  v1::GetAlertCaseRequest req;
  if (int rc = IdOf(ctx, o, "show", "CASE_ID (AC-…)", req.mutable_case_id()); rc != 0) return rc;
  Case c;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::GetAlertCase, req, &c); rc != 0) return rc;
  return PrintCase(ctx, c);
}

// ---- today, rules -------------------------------------------------------------------------------

int Today(Context& ctx, const Options& o) {
  v1::ListFundAlertsRequest req;
  req.set_as_of(o.Get("as_of"));  // empty: the server's today
  for (absl::string_view f : absl::StrSplit(o.Get("fund"), ',', absl::SkipWhitespace())) req.add_fund_ids(std::string(f));
  req.add_actions(o.Has("record") ? Rule::RECORD : Rule::WARN);
  v1::ListFundAlertsResponse resp;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::ListFundAlerts, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  if (resp.alerts().empty()) {
    StatusParams as_of;
    if (!req.as_of().empty()) as_of.emplace("as_of", req.as_of());
    *ctx.out << Say(ctx.language, kCliFundNoAlerts, as_of) << "\n";
    return 0;
  }
  PrintTallies(ctx, resp.tallies(), false);
  *ctx.out << Say(ctx.language, kCliAlertsTodayHeader) << "\n";
  for (const v1::FundAlert& a : resp.alerts()) {
    const std::string state = a.case_id().empty() ? "-" : StateText(ctx, a.case_state());
    *ctx.out << absl::StrFormat("%-40s %s %s %-20s %-20s %-10s %-12s %s %s\n", OrDash(a.alert_id()),
                                Cell(SeverityText(ctx, a.severity()), 6), Cell(AlertKindText(ctx.language, a.kind()), 26),
                                a.fund_id(), OrDash(a.subject_id()), a.since(), OrDash(a.case_id()), Cell(state, 16),
                                a.message());
  }
  const int64_t count = resp.alert_count() > 0 ? resp.alert_count() : resp.alerts_size();
  *ctx.out << Say(ctx.language, kCliAlertsShown,
                  {{"shown", absl::StrCat(resp.alerts_size())}, {"count", absl::StrCat(count)}})
           << "\n";
  return 0;
}

int Rules(Context& ctx, const Options& o) {
  v1::ListMonitoringRulesRequest req;
  req.set_as_of(o.Get("as_of"));
  v1::ListMonitoringRulesResponse resp;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::ListMonitoringRules, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  if (resp.rules().empty()) {
    StatusParams as_of;
    if (!req.as_of().empty()) as_of.emplace("as_of", req.as_of());
    *ctx.out << Say(ctx.language, kCliNoRules, as_of) << "\n";
    return 0;
  }
  *ctx.out << Say(ctx.language, kCliRulesHeader) << "\n";
  for (const Rule& r : resp.rules()) {
    *ctx.out << absl::StrFormat("%-20s %s %s %s %-10s %-10s %-28s %-28s %s\n", r.rule_id(),
                                Cell(AlertKindText(ctx.language, r.kind()), 26), Cell(SeverityText(ctx, r.severity()), 6),
                                Cell(ActionText(ctx, r.action()), 6), r.effective_from(), OrDash(r.effective_to()),
                                OrDash(r.parameters()), OrDash(r.source()), r.description());
  }
  return 0;
}

// ---- inquire, respond, rule, rectify, sweep -----------------------------------------------------

// A mutation that answers the case: sent, then the case printed.
template <class Req>
int Move(Context& ctx, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Case*), const Req& req) {
  Case c;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, rpc, req, &c); rc != 0) return rc;
  return PrintCase(ctx, c);
}

// The alert to inquire about: ALERT_ID as today's alerts name it, or the CASE_ID (AC-…) a sweep
// opened for it (looked up: the case's alert).
int AlertIdOf(Context& ctx, const Options& o, std::string* alert_id) {
  if (int rc = IdOf(ctx, o, "inquire", "ALERT_ID (or the CASE_ID AC-… of its case)", alert_id); rc != 0) return rc;
  if (alert_id->rfind("AC-", 0) != 0) return 0;
  v1::GetAlertCaseRequest req;
  req.set_case_id(*alert_id);
  Case c;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::GetAlertCase, req, &c); rc != 0) return rc;
  *alert_id = c.alert_id();
  return 0;
}

int Inquire(Context& ctx, const Options& o) {
  v1::InquireAlertRequest req;
  if (int rc = AlertIdOf(ctx, o, req.mutable_alert_id()); rc != 0) return rc;
  req.set_question(o.Get("question"));
  req.set_request_id(o.Get("request_id", RequestIdOf("inquire", {req.alert_id(), req.question()})));
  return Move(ctx, &Stub::InquireAlert, req);
}

int Respond(Context& ctx, const Options& o) {
  v1::RespondToInquiryRequest req;
  if (int rc = IdOf(ctx, o, "respond", "CASE_ID (AC-…)", req.mutable_case_id()); rc != 0) return rc;
  req.set_response(o.Get("response"));
  req.set_request_id(o.Get("request_id", RequestIdOf("respond-" + req.case_id(), {req.response()})));
  return Move(ctx, &Stub::RespondToInquiry, req);
}

int RuleOn(Context& ctx, const Options& o) {
  v1::RuleOnAlertRequest req;
  if (int rc = IdOf(ctx, o, "rule", "CASE_ID (AC-…)", req.mutable_case_id()); rc != 0) return rc;
  Case::Finding finding = Case::FINDING_UNSPECIFIED;
  Case::ViolationType type = Case::VIOLATION_TYPE_UNSPECIFIED;
  if (int rc = EnumOption(ctx, o, "finding", &finding); rc != 0) return rc;
  if (int rc = EnumOption(ctx, o, "violation_type", &type); rc != 0) return rc;
  if (finding == Case::VIOLATION && type == Case::VIOLATION_TYPE_UNSPECIFIED) {
    return ctx.Usage(kCliUsageNeeds, {{"what", "--finding=VIOLATION"}, {"needs", "--violation_type=" + ctx.Alternatives(EnumNames(Case::ViolationType_descriptor()))}});
  }
  if (finding == Case::NORMAL && type != Case::VIOLATION_TYPE_UNSPECIFIED) {
    return ctx.Usage(kCliUsageGoesWith, {{"options", "--violation_type"}, {"with", "--finding=VIOLATION"}});
  }
  req.set_finding(finding);
  req.set_violation_type(type);
  req.set_note(o.Get("note"));
  const std::string id = RequestIdOf("rule-" + req.case_id(),
                                     {Case::Finding_Name(finding), Case::ViolationType_Name(type), req.note()});
  req.set_request_id(o.Get("request_id", id));
  return Move(ctx, &Stub::RuleOnAlert, req);
}

int Rectify(Context& ctx, const Options& o) {
  v1::RectifyAlertRequest req;
  if (int rc = IdOf(ctx, o, "rectify", "CASE_ID (AC-…)", req.mutable_case_id()); rc != 0) return rc;
  Case::RectifyAction action = Case::RECTIFY_ACTION_UNSPECIFIED;
  if (int rc = EnumOption(ctx, o, "action", &action); rc != 0) return rc;
  req.set_action(action);
  req.set_entry_id(o.Get("entry_id"));
  req.set_note(o.Get("note"));
  const std::string id =
      RequestIdOf("rectify-" + req.case_id(), {Case::RectifyAction_Name(action), req.entry_id(), req.note()});
  req.set_request_id(o.Get("request_id", id));
  return Move(ctx, &Stub::RectifyAlert, req);
}

int Sweep(Context& ctx, const Options& o) {
  if (!o.positional().empty()) return ctx.Usage(kCliUsageNoArguments, {{"command", "alerts sweep"}});
  v1::SweepAlertCasesRequest req;
  // Each sweep is a new request: the day's alerts change as postings do.
  const std::string now = absl::FormatTime("%Y%m%dT%H%M%E6SZ", absl::Now(), absl::UTCTimeZone());
  req.set_request_id(o.Get("request_id", "sweep-" + now));
  v1::SweepAlertCasesResponse resp;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::SweepAlertCases, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << Say(ctx.language, kCliAlertsSwept,
                  {{"as_of", resp.as_of()},
                   {"opened", absl::StrCat(resp.opened())},
                   {"closed", absl::StrCat(resp.closed())},
                   {"open_count", absl::StrCat(resp.open_count())}})
           << "\n";
  return 0;
}

// What is raised and what the cases hold: list, show, today, rules.
void RegisterAlertReports(Registry& r) {
  r.Add({{"alerts", "list"},
         "alert cases, newest first: counts by severity and state, then a row per case",
         "Usage: subsidyctl alerts list [--state=S] [--fund=F] [--severity=SEV] [--kind=K] [--unit=U]\n"
         "       [--page_size=N] [--page_token=T] [--csv]\n"
         "A school or bank caller sees the cases addressed to it. --csv prints the rows with the API's names.",
         {{"state", EnumChoices(Case::State_descriptor()) + ", in any case"},
          {"fund", "only this fund's cases"},
          {"severity", EnumChoices(Rule::Severity_descriptor()) + ", in any case"},
          {"kind", "an alert kind, e.g. TARGETS_MISSING or IDLE_ALLOCATION, in any case"},
          {"unit", "only the cases addressed to this school or bank"},
          {"page_size", "cases per page (default 20, at most 500)"},
          {"page_token", "from the previous page"},
          {"csv", "CSV out", false, true}},
         List});
  r.Add({{"alerts", "show"},
         "one alert case: what was raised, then every step (问询, 核实, 认定, 整改, closed) in order",
         "Usage: subsidyctl alerts show AC-…",
         {},
         Show});
  r.Add({{"alerts", "today"},
         "the alerts raised as of a day (default the server's today), with the case each has",
         "Usage: subsidyctl alerts today [--as_of=YYYY-MM-DD] [--record] [--fund=F]\n"
         "Without --record: the WARN alerts (each becomes a case); with it: what is recorded only (RECORD).",
         {{"as_of", "YYYY-MM-DD (default: the server's today)"},
          {"record", "list the RECORD alerts (logged only) instead of the WARN ones", false, true},
          {"fund", "only these fund ids, comma-separated"}},
         Today});
  r.Add({{"alerts", "rules"},
         "the monitoring rules in force on a day: kind, severity, action, dates, parameters, source",
         "Usage: subsidyctl alerts rules [--as_of=YYYY-MM-DD]",
         {{"as_of", "YYYY-MM-DD (default: the server's today)"}},
         Rules});
}

// What moves a case: inquire, respond, rule, rectify, sweep.
void RegisterAlertMovements(Registry& r) {
  const std::string id_help = "default: the command, the case and a fingerprint of what it asks (a retry changes nothing)";
  r.Add({{"alerts", "inquire"},
         "问询: open (or find) the case of one of today's alerts and ask its unit (finance)",
         "Usage: subsidyctl alerts inquire ALERT_ID --question=TEXT [--request_id=ID]\n"
         "ALERT_ID as subsidyctl alerts today shows it (R-…/subject/first day), or the case's AC-… id.",
         {{"question", "what the unit is asked", true},
          {"request_id", "default: inquire- and a fingerprint of the alert and the question"}},
         Inquire});
  r.Add({{"alerts", "respond"},
         "核实: the unit's explanation (its school's or bank's caller; finance when the case names neither)",
         "Usage: subsidyctl alerts respond AC-… --response=TEXT [--request_id=ID]",
         {{"response", "the explanation", true}, {"request_id", id_help}},
         Respond});
  r.Add({{"alerts", "rule"},
         "认定: rule a case NORMAL, or a VIOLATION of a type (finance)",
         "Usage: subsidyctl alerts rule AC-… --finding=NORMAL|VIOLATION [--violation_type=T] [--note=TEXT]\n"
         "       [--request_id=ID]",
         {{"finding", "NORMAL or VIOLATION, in any case", true},
          {"violation_type", EnumChoices(Case::ViolationType_descriptor()) + " (with VIOLATION)"},
          {"note", "why"},
          {"request_id", id_help}},
         RuleOn});
  r.Add({{"alerts", "rectify"},
         "整改: a violation's rectification, linked to the entry that corrected it (finance)",
         "Usage: subsidyctl alerts rectify AC-… --action=RETURN_FUNDS|ADJUST_ACCOUNT|OTHER [--entry_id=ID]\n"
         "       [--note=TEXT] [--request_id=ID]\n"
         "--entry_id: the reversal (FR-…) or the returned payment line (PAY-…); OTHER may give none. The case\n"
         "closes once the alert's cause has gone.",
         {{"action", EnumChoices(Case::RectifyAction_descriptor()) + ", in any case", true},
          {"entry_id", "the correcting entry (FR-…) or returned payment line (PAY-…)"},
          {"note", "what was done"},
          {"request_id", id_help}},
         Rectify});
  r.Add({{"alerts", "sweep"},
         "open a case for each of today's WARN alerts without one; close those whose cause has gone (finance)",
         "Usage: subsidyctl alerts sweep [--request_id=ID]\nThe server also sweeps on its own (--alert_sweep_seconds).",
         {{"request_id", "default: sweep- and the time (each sweep is a new request)"}},
         Sweep});
}

}  // namespace

void RegisterAlertCommands(Registry& r) {
  RegisterAlertReports(r);
  RegisterAlertMovements(r);
}

}  // namespace subsidy::cli
