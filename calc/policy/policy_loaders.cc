#include "policy/policy_loaders.h"

#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "policy/data_file.h"
#include "subsidy/data/v1/policy_data.pb.h"

namespace subsidy::policy_loaders {

bool ValidStatus(const std::string& s) { return WordFrom(kCertainties, s).has_value(); }
Certainty Sure(const std::string& s) { return *WordFrom(kCertainties, s); }

bool KnownProvince(const std::vector<ProvinceInfo>& provinces, const std::string& code) {
  for (const auto& p : provinces) {
    if (p.code == code) return true;
  }
  return false;
}

namespace {

namespace pb = ::subsidy::data::v1;

constexpr char kCalendarFile[] = "calendar_cn.textproto";
constexpr char kLprFile[] = "lpr_cn.textproto";
constexpr char kProvincesFile[] = "provinces_cn.textproto";
constexpr char kLoanRegimesFile[] = "loan_regimes.textproto";
constexpr char kFundsFile[] = "funds.textproto";

absl::StatusOr<Date> DateField(const DataFile& f, absl::string_view field, int index, absl::string_view what,
                               const std::string& text) {
  auto d = Date::Parse(text);
  if (!d.ok()) return f.ErrorAt(field, index, what, d.status().message());
  return d;
}

absl::StatusOr<DateRange> WindowField(const DataFile& f, absl::string_view field, int index, absl::string_view what,
                                      const pb::DateWindow& w) {
  auto a = DateField(f, field, index, absl::StrCat(what, ".start_date"), w.start_date());
  if (!a.ok()) return a.status();
  auto b = DateField(f, field, index, absl::StrCat(what, ".end_date"), w.end_date());
  if (!b.ok()) return b.status();
  auto r = DateRange::Make(*a, *b);
  if (!r.ok()) return f.ErrorAt(field, index, what, r.status().message());
  return r;
}

// ---- the calendar ------------------------------------------------------------------------------

// One notice year: its days appended to `days`, after the checks that tell a whole notice from
// a half-copied one.
absl::Status ReadCalendarYear(const DataFile& f, const pb::Calendar& msg, int i,
                              std::vector<WorkingDayCalendar::Day>& days) {
  const auto& y = msg.years(i);
  const std::string what = absl::StrCat("years[", i, "] (", y.year(), ")");
  if (i > 0 && y.year() != msg.years(i - 1).year() + 1) {
    return f.ErrorAt("years", i, what, "years must be contiguous and ascending");
  }
  if (!ValidStatus(y.status())) return f.ErrorAt("years", i, what, "status must be C, P or U");
  bool any_holiday = false;
  for (int j = 0; j < y.days_size(); ++j) {
    const auto& d = y.days(j);
    const std::string dwhat = absl::StrCat(what, ".days[", j, "]");
    auto date = DateField(f, "years", i, dwhat, d.date());
    if (!date.ok()) return date.status();
    if (date->year() != y.year() && date->year() != y.year() - 1) {
      return f.ErrorAt("years", i, dwhat, absl::StrCat(d.date(), " is not in ", y.year(), " or its eve"));
    }
    if (d.kind() == pb::CalendarDay::KIND_UNSPECIFIED) return f.ErrorAt("years", i, dwhat, "kind is missing");
    any_holiday |= d.kind() == pb::CalendarDay::HOLIDAY;
    days.push_back({*date, d.kind() == pb::CalendarDay::MAKEUP_WORKDAY});
  }
  if (!any_holiday) return f.ErrorAt("years", i, what, "a year with no holiday is not a notice");
  bool any_makeup = false;
  for (const auto& d : y.days()) any_makeup |= d.kind() == pb::CalendarDay::MAKEUP_WORKDAY;
  if (!any_makeup) {
    // Every State Council notice so far moved some weekend days; a year without any is far more
    // likely a notice copied in half than a real one.
    return f.ErrorAt("years", i, what, "a year with holidays but no make-up working days (MAKEUP_WORKDAY)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WorkingDayCalendar> LoadCalendar(const std::string& dir, std::string* content) {
  pb::Calendar msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kCalendarFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  if (msg.years().empty()) return f->Error("no calendar year");
  std::vector<WorkingDayCalendar::Day> days;
  for (int i = 0; i < msg.years_size(); ++i) {
    if (auto s = ReadCalendarYear(*f, msg, i, days); !s.ok()) return s;
  }
  auto cal = WorkingDayCalendar::Build(msg.years(0).year(), msg.years(msg.years_size() - 1).year(), days);
  if (!cal.ok()) return f->Error(cal.status().message());
  return cal;
}

// ---- LPR and provinces -------------------------------------------------------------------------

absl::StatusOr<LprTable> LoadLpr(const std::string& dir, std::string* content) {
  pb::LprTable msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kLprFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  auto last = DateField(*f, "last_confirmed_date", -1, "last_confirmed_date", msg.last_confirmed_date());
  if (!last.ok()) return last.status();
  std::vector<LprFixing> fixings;
  for (int i = 0; i < msg.fixings_size(); ++i) {
    const auto& x = msg.fixings(i);
    const std::string what = absl::StrCat("fixings[", i, "]");
    auto d = DateField(*f, "fixings", i, absl::StrCat(what, ".effective_date"), x.effective_date());
    if (!d.ok()) return d.status();
    auto one = Rate::Parse(x.lpr_1y_percent());
    if (!one.ok()) return f->ErrorAt("fixings", i, absl::StrCat(what, ".lpr_1y_percent"), one.status().message());
    auto five = Rate::Parse(x.lpr_5y_percent());
    if (!five.ok()) return f->ErrorAt("fixings", i, absl::StrCat(what, ".lpr_5y_percent"), five.status().message());
    if (!ValidStatus(x.status())) return f->ErrorAt("fixings", i, what, "status must be C, P or U");
    if (!fixings.empty() && !(fixings.back().effective_date < *d)) {
      return f->ErrorAt("fixings", i, what, "effective dates must be strictly ascending");
    }
    fixings.push_back({*d, *one, *five, Sure(x.status()), x.source()});
  }
  auto t = LprTable::Build(std::move(fixings), *last);
  if (!t.ok()) return f->Error(t.status().message());
  return t;
}

absl::StatusOr<std::vector<ProvinceInfo>> LoadProvinces(const std::string& dir, std::string* content) {
  pb::ProvinceTable msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kProvincesFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  std::vector<ProvinceInfo> out;
  std::set<std::string> seen;
  for (int i = 0; i < msg.provinces_size(); ++i) {
    const auto& p = msg.provinces(i);
    const std::string what = absl::StrCat("provinces[", i, "] (", p.code(), ")");
    if (p.code().size() != 2 || !std::isdigit(static_cast<unsigned char>(p.code()[0])) ||
        !std::isdigit(static_cast<unsigned char>(p.code()[1]))) {
      return f->ErrorAt("provinces", i, what, "code must be two digits");
    }
    if (!seen.insert(p.code()).second) return f->ErrorAt("provinces", i, what, "code listed twice");
    const auto tier = WordFrom(kSharingTiers, p.education_sharing_tier());
    if (!tier) return f->ErrorAt("provinces", i, what, "education_sharing_tier must be TIER_1, TIER_2 or OTHER");
    const auto region = WordFrom(kEconomicRegions, p.economic_region());
    if (!region) return f->ErrorAt("provinces", i, what, "economic_region must be EAST, CENTRAL or WEST");
    out.push_back({p.code(), p.name(), *tier, *region});
  }
  if (out.empty()) return f->Error("no province");
  return out;
}

// ---- loan regimes ------------------------------------------------------------------------------
namespace {

// The contract dates a regime applies on: its national default window and the windows of
// single provinces; a regime must apply on some date.
absl::Status ReadRegimeWindows(const DataFile& f, int i, const std::string& what, const pb::LoanRegime& r,
                               const std::vector<ProvinceInfo>& provinces, LoanRegime& out) {
  const RowError err{f, "regimes", i, what};
  if (r.has_default_window()) {
    auto w = WindowField(f, "regimes", i, absl::StrCat(what, ".default_window"), r.default_window());
    if (!w.ok()) return w.status();
    out.default_window = *w;
  }
  for (const auto& pw : r.province_windows()) {
    if (!KnownProvince(provinces, pw.province())) return err(absl::StrCat("unknown province ", pw.province()));
    for (const auto& w : pw.windows()) {
      auto range = WindowField(f, "regimes", i, absl::StrCat(what, ".province_windows"), w);
      if (!range.ok()) return range.status();
      out.province_windows[pw.province()].push_back(*range);
    }
  }
  if (!out.default_window && out.province_windows.empty()) return err("the regime applies on no date");
  return absl::OkStatus();
}

absl::StatusOr<SubsidyFormula> SubsidyFormulaOf(const RowError& err, const std::string& twhat, pb::SubsidyFormula f) {
  switch (f) {
    case pb::CONTRACT_RATE: return SubsidyFormula::kContractRate;
    case pb::LPR_HALF: return SubsidyFormula::kLprHalf;
    case pb::RATE_ABOVE_LPR_MINUS_150BP: return SubsidyFormula::kRateAboveLprMinus150bp;
    case pb::RATE_HALF: return SubsidyFormula::kRateHalf;
    default: return err(absl::StrCat(twhat, ": a regime without a formula"));
  }
}

// One program's terms (`regime`: the regime read so far, where a program may stand once).
absl::StatusOr<ProgramTerms> ReadProgramTerms(const RowError& err, const std::string& twhat,
                                              const pb::ProgramTerms& t, const LoanRegime& regime) {
  auto program = LoanProgramFromName(t.program());
  if (!program) return err(absl::StrCat(twhat, ": unknown program ", t.program()));
  if (regime.TermsFor(*program)) return err(absl::StrCat(twhat, ": program listed twice"));
  ProgramTerms pt;
  pt.program = *program;
  auto formula = SubsidyFormulaOf(err, twhat, t.formula());
  if (!formula.ok()) return formula.status();
  pt.formula = *formula;
  if (t.loan_cap_fen() <= 0 || t.subsidy_base_cap_fen() <= 0 || t.subsidy_base_cap_fen() > t.loan_cap_fen()) {
    return err(absl::StrCat(twhat, ": need 0 < subsidy_base_cap_fen <= loan_cap_fen"));
  }
  if (t.subsidy_term_years() <= 0) return err(absl::StrCat(twhat, ": subsidy_term_years must be positive"));
  if (*program == LoanProgram::kPartnership &&
      (t.per_partner_loan_cap_fen() <= 0 || t.per_partner_base_cap_fen() <= 0 || t.partner_markup_percent() <= 0)) {
    return err(absl::StrCat(twhat, ": partnership terms need per-partner caps and a markup"));
  }
  if (!ValidStatus(t.status())) return err(absl::StrCat(twhat, ": status must be C, P or U"));
  pt.loan_cap = Money::Fen(t.loan_cap_fen());
  pt.subsidy_base_cap = Money::Fen(t.subsidy_base_cap_fen());
  pt.per_partner_loan_cap = Money::Fen(t.per_partner_loan_cap_fen());
  pt.per_partner_base_cap = Money::Fen(t.per_partner_base_cap_fen());
  pt.partner_markup_percent = t.partner_markup_percent() > 0 ? t.partner_markup_percent() : 100;
  pt.subsidy_term_years = t.subsidy_term_years();
  pt.status = Sure(t.status());
  pt.note = t.note();
  return pt;
}

// Regime `i` (`ids`: the regime ids read so far).
absl::StatusOr<LoanRegime> ReadLoanRegime(const DataFile& f, const pb::LoanRegime& r, int i,
                                          const std::vector<ProvinceInfo>& provinces, std::set<std::string>& ids) {
  const std::string what = absl::StrCat("regimes[", i, "] (", r.regime_id(), ")");
  const RowError err{f, "regimes", i, what};
  if (r.regime_id().empty()) return err("regime_id is missing");
  if (!ids.insert(r.regime_id()).second) return err("regime_id listed twice");
  if (!ValidStatus(r.status())) return err("status must be C, P or U");
  if (r.source().empty()) return err("source is missing");
  LoanRegime out;
  out.regime_id = r.regime_id();
  out.name = r.name();
  out.status = Sure(r.status());
  out.source = r.source();
  out.note = r.note();
  if (auto s = ReadRegimeWindows(f, i, what, r, provinces, out); !s.ok()) return s;
  out.spread_east_bp = r.ceiling_spread_east_bp();
  out.spread_central_west_bp = r.ceiling_spread_central_west_bp();
  out.spread_poverty_area_bp = r.ceiling_spread_poverty_area_bp();
  for (const auto& ps : r.province_spreads()) {
    if (!KnownProvince(provinces, ps.province())) return err(absl::StrCat("unknown province ", ps.province()));
    out.province_spread_bp[ps.province()] = ps.ceiling_spread_bp();
  }
  if (r.max_prior_subsidized_loans() <= 0) return err("max_prior_subsidized_loans must be positive");
  out.max_prior_subsidized_loans = r.max_prior_subsidized_loans();
  if (r.terms().empty()) return err("a regime without terms");
  for (int j = 0; j < r.terms_size(); ++j) {
    auto pt = ReadProgramTerms(err, absl::StrCat("terms[", j, "]"), r.terms(j), out);
    if (!pt.ok()) return pt.status();
    out.terms.push_back(*pt);
  }
  return out;
}

}  // namespace

absl::StatusOr<LoanRegimeTable> LoadLoanRegimes(const std::string& dir, const std::vector<ProvinceInfo>& provinces,
                                                std::string* content) {
  pb::LoanRegimeTable msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kLoanRegimesFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  std::vector<LoanRegime> regimes;
  std::set<std::string> ids;
  for (int i = 0; i < msg.regimes_size(); ++i) {
    auto regime = ReadLoanRegime(*f, msg.regimes(i), i, provinces, ids);
    if (!regime.ok()) return regime.status();
    regimes.push_back(std::move(*regime));
  }
  auto table = LoanRegimeTable::Build(std::move(regimes));
  if (!table.ok()) return f->Error(table.status().message());
  return table;
}

// ---- fund monitoring ---------------------------------------------------------------------------

absl::StatusOr<FundMonitoring> LoadFundMonitoring(const std::string& dir, std::string* content) {
  pb::FundMonitoringData msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kFundsFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  FundMonitoring out;
  auto tolerance = Rate::Parse(msg.tolerance_points());
  if (!tolerance.ok() || tolerance->units() > 100 * Rate::kUnitsPerPercent) {
    return f->ErrorAt("tolerance_points", -1, "tolerance_points", "a number of percentage points from 0 to 100");
  }
  out.tolerance = *tolerance;
  if (!ValidStatus(msg.status())) return f->ErrorAt("status", -1, "status", "C, P or U");
  out.status = Sure(msg.status());
  if (msg.source().empty()) return f->ErrorAt("source", -1, "source", "every rule names its source");
  out.source = msg.source();
  static const std::set<std::string> kPurposes = {"LOAN_INTEREST_SUBSIDY", "EDUCATION", "ENTERPRISE_REWARD", "OTHER"};
  for (int i = 0; i < msg.purposes_size(); ++i) {
    const auto& p = msg.purposes(i);
    const std::string what = absl::StrCat("purposes[", i, "] (", p.purpose(), ")");
    if (!kPurposes.count(p.purpose()) || out.forbidden_by_purpose.count(p.purpose())) {
      return f->ErrorAt("purposes", i, what, "an API purpose name, listed once");
    }
    if (!ValidStatus(p.status()) || p.source().empty()) return f->ErrorAt("purposes", i, what, "status and source");
    out.forbidden_by_purpose[p.purpose()].assign(p.forbidden_categories().begin(), p.forbidden_categories().end());
  }
  return out;
}

// ---- monitoring rules --------------------------------------------------------------------------
namespace {

constexpr char kMonitoringRulesFile[] = "monitoring_rules.textproto";

using RegionLists = std::map<std::string, std::pair<std::string, std::vector<std::string>>>;  // id → name, prefixes

bool IsRegionPrefix(const std::string& p) {
  if (p.size() < 2 || p.size() > 12) return false;
  for (char c : p) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The region lists by id, their prefixes checked.
absl::StatusOr<RegionLists> ReadRegionLists(const DataFile& f, const pb::MonitoringRulesData& msg) {
  RegionLists lists;
  for (int i = 0; i < msg.region_lists_size(); ++i) {
    const auto& l = msg.region_lists(i);
    const std::string what = absl::StrCat("region_lists[", i, "] (", l.list_id(), ")");
    const RowError err{f, "region_lists", i, what};
    if (l.list_id().empty()) return err("list_id is missing");
    if (lists.count(l.list_id())) return err("list_id listed twice");
    if (l.prefixes().empty()) return err("a list without prefixes");
    std::set<std::string> seen;
    for (const auto& p : l.prefixes()) {
      if (!IsRegionPrefix(p)) return err(absl::StrCat("prefix \"", p, "\" is not a GB/T 2260 prefix of 2 to 12 digits"));
      if (!seen.insert(p).second) return err(absl::StrCat("prefix ", p, " listed twice"));
    }
    if (!ValidStatus(l.status())) return err("status must be C, P or U");
    if (l.source().empty()) return err("source is missing");
    lists[l.list_id()] = {l.name(), {l.prefixes().begin(), l.prefixes().end()}};
  }
  return lists;
}

// A percentage given as text: required of the kind that takes it, refused of every other (the
// text tells "0" from nothing, which the parsed Rate cannot).
absl::Status ReadPercentParam(const RowError& err, const pb::MonitoringRuleData& r, absl::string_view field,
                              const std::string& text, bool takes, Rate& out) {
  if (takes && text.empty()) return err(absl::StrCat(field, " is missing"));
  if (!takes && !text.empty()) return err(absl::StrCat(field, " is not a parameter of ", r.kind()));
  if (text.empty()) return absl::OkStatus();
  auto rate = Rate::Parse(text);
  if (!rate.ok()) return err(absl::StrCat(field, ": ", rate.status().message()));
  out = *rate;
  return absl::OkStatus();
}

// A rule's parameters, its lists' prefixes copied in (the engine checks their values).
absl::Status ReadRuleParams(const RowError& err, const pb::MonitoringRuleData& r, const RegionLists& lists,
                            funds::MonitoringRule& out) {
  out.days = r.days();
  out.working_days = r.working_days();
  out.threshold = Money::Fen(r.threshold_fen());
  const bool nested = r.kind() == funds::kNestedTargetShareMissed;
  if (auto s = ReadPercentParam(err, r, "tolerance_points", r.tolerance_points(), r.kind() == funds::kExecutionLagging,
                                out.tolerance);
      !s.ok()) {
    return s;
  }
  if (auto s = ReadPercentParam(err, r, "outer_min_percent", r.outer_min_percent(), nested, out.outer_min); !s.ok()) {
    return s;
  }
  if (auto s = ReadPercentParam(err, r, "inner_min_percent", r.inner_min_percent(), nested, out.inner_min); !s.ok()) {
    return s;
  }
  out.fund_region_prefix = r.fund_region_prefix();
  for (const auto& [field, id, list, name, prefixes] :
       {std::tuple{"outer_list", r.outer_list(), &out.outer_list, &out.outer_name, &out.outer_prefixes},
        std::tuple{"inner_list", r.inner_list(), &out.inner_list, &out.inner_name, &out.inner_prefixes}}) {
    if (id.empty()) continue;
    auto it = lists.find(id);
    if (it == lists.end()) return err(absl::StrCat(field, " ", id, " names no region list"));
    *list = id;
    *name = it->second.first;
    *prefixes = it->second.second;
  }
  return absl::OkStatus();
}

// Rule `i`, checked by the engine's own checks so that an error names its line.
absl::StatusOr<funds::MonitoringRule> ReadRule(const DataFile& f, const pb::MonitoringRuleData& r, int i,
                                               const RegionLists& lists) {
  const std::string what = absl::StrCat("rules[", i, "] (", r.rule_id(), ")");
  const RowError err{f, "rules", i, what};
  funds::MonitoringRule out;
  out.rule_id = r.rule_id();
  out.kind = r.kind();
  const auto severity = funds::SeverityFromName(r.severity());
  if (!severity) return err("severity must be RED, ORANGE, YELLOW or BLUE");
  out.severity = *severity;
  const auto action = funds::RuleActionFromName(r.action());
  if (!action) return err("action must be BLOCK, WARN or RECORD");
  out.action = *action;
  if (r.effective_from().empty()) return err("effective_from is missing");
  auto from = DateField(f, "rules", i, absl::StrCat(what, ".effective_from"), r.effective_from());
  if (!from.ok()) return from.status();
  out.effective_from = *from;
  if (!r.effective_to().empty()) {
    auto to = DateField(f, "rules", i, absl::StrCat(what, ".effective_to"), r.effective_to());
    if (!to.ok()) return to.status();
    out.effective_to = *to;
  }
  if (!ValidStatus(r.status())) return err("status must be C, P or U");
  out.status = Sure(r.status());
  if (r.source().empty()) return err("source is missing");
  out.source = r.source();
  if (auto s = ReadRuleParams(err, r, lists, out); !s.ok()) return s;
  if (auto one = funds::MonitoringRules::Build({out}); !one.ok()) return err(one.status().message());
  return out;
}

}  // namespace

absl::StatusOr<funds::MonitoringRules> LoadMonitoringRules(const std::string& dir, std::string* content) {
  pb::MonitoringRulesData msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kMonitoringRulesFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  auto lists = ReadRegionLists(*f, msg);
  if (!lists.ok()) return lists.status();
  std::vector<funds::MonitoringRule> rules;
  std::set<std::string> ids;
  for (int i = 0; i < msg.rules_size(); ++i) {
    auto rule = ReadRule(*f, msg.rules(i), i, *lists);
    if (!rule.ok()) return rule.status();
    if (!ids.insert(rule->rule_id).second) {
      return f->ErrorAt("rules", i, absl::StrCat("rules[", i, "] (", rule->rule_id, ")"), "rule_id listed twice");
    }
    rules.push_back(std::move(*rule));
  }
  if (rules.empty()) return f->Error("no rule");
  auto built = funds::MonitoringRules::Build(std::move(rules));
  if (!built.ok()) return f->Error(built.status().message());
  return built;
}

}  // namespace subsidy::policy_loaders
