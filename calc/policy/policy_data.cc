#include "policy/policy_data.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/status_util.h"
#include "policy/data_file.h"
#include "subsidy/data/v1/policy_data.pb.h"

namespace subsidy {
namespace {

namespace pb = ::subsidy::data::v1;

constexpr char kCalendarFile[] = "calendar_cn.textproto";
constexpr char kLprFile[] = "lpr_cn.textproto";
constexpr char kProvincesFile[] = "provinces_cn.textproto";
constexpr char kLoanRegimesFile[] = "loan_regimes.textproto";
constexpr char kEducationFile[] = "education.textproto";
constexpr char kRewardFile[] = "reward_policies.textproto";
constexpr char kFundsFile[] = "funds.textproto";

// FNV-1a, 64 bit: a stable content fingerprint (not a security hash).
uint64_t Fnv1a(uint64_t h, absl::string_view data) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool ValidStatus(const std::string& s) { return WordFrom(kCertainties, s).has_value(); }
// For a status already checked with ValidStatus.
Certainty Sure(const std::string& s) { return *WordFrom(kCertainties, s); }

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

absl::StatusOr<WorkingDayCalendar> LoadCalendar(const std::string& dir, std::string* content) {
  pb::Calendar msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kCalendarFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  if (msg.years().empty()) return f->Error("no calendar year");
  std::vector<WorkingDayCalendar::Day> days;
  for (int i = 0; i < msg.years_size(); ++i) {
    const auto& y = msg.years(i);
    const std::string what = absl::StrCat("years[", i, "] (", y.year(), ")");
    if (i > 0 && y.year() != msg.years(i - 1).year() + 1) {
      return f->ErrorAt("years", i, what, "years must be contiguous and ascending");
    }
    if (!ValidStatus(y.status())) return f->ErrorAt("years", i, what, "status must be C, P or U");
    bool any_holiday = false;
    for (int j = 0; j < y.days_size(); ++j) {
      const auto& d = y.days(j);
      const std::string dwhat = absl::StrCat(what, ".days[", j, "]");
      auto date = DateField(*f, "years", i, dwhat, d.date());
      if (!date.ok()) return date.status();
      if (date->year() != y.year() && date->year() != y.year() - 1) {
        return f->ErrorAt("years", i, dwhat, absl::StrCat(d.date(), " is not in ", y.year(), " or its eve"));
      }
      if (d.kind() == pb::CalendarDay::KIND_UNSPECIFIED) return f->ErrorAt("years", i, dwhat, "kind is missing");
      any_holiday |= d.kind() == pb::CalendarDay::HOLIDAY;
      days.push_back({*date, d.kind() == pb::CalendarDay::MAKEUP_WORKDAY});
    }
    if (!any_holiday) return f->ErrorAt("years", i, what, "a year with no holiday is not a notice");
    bool any_makeup = false;
    for (const auto& d : y.days()) any_makeup |= d.kind() == pb::CalendarDay::MAKEUP_WORKDAY;
    if (!any_makeup) {
      // Every State Council notice so far moved some weekend days; a year without any is far more
      // likely a notice copied in half than a real one.
      return f->ErrorAt("years", i, what, "a year with holidays but no make-up working days (MAKEUP_WORKDAY)");
    }
  }
  auto cal = WorkingDayCalendar::Build(msg.years(0).year(), msg.years(msg.years_size() - 1).year(), days);
  if (!cal.ok()) return f->Error(cal.status().message());
  return cal;
}

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

absl::StatusOr<LoanRegimeTable> LoadLoanRegimes(const std::string& dir, const std::vector<ProvinceInfo>& provinces,
                                                std::string* content) {
  pb::LoanRegimeTable msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kLoanRegimesFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  auto known_province = [&](const std::string& code) {
    for (const auto& p : provinces) {
      if (p.code == code) return true;
    }
    return false;
  };
  std::vector<LoanRegime> regimes;
  std::set<std::string> ids;
  for (int i = 0; i < msg.regimes_size(); ++i) {
    const auto& r = msg.regimes(i);
    const std::string what = absl::StrCat("regimes[", i, "] (", r.regime_id(), ")");
    auto err = [&](absl::string_view problem) { return f->ErrorAt("regimes", i, what, problem); };
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
    if (r.has_default_window()) {
      auto w = WindowField(*f, "regimes", i, absl::StrCat(what, ".default_window"), r.default_window());
      if (!w.ok()) return w.status();
      out.default_window = *w;
    }
    for (const auto& pw : r.province_windows()) {
      if (!known_province(pw.province())) return err(absl::StrCat("unknown province ", pw.province()));
      for (const auto& w : pw.windows()) {
        auto range = WindowField(*f, "regimes", i, absl::StrCat(what, ".province_windows"), w);
        if (!range.ok()) return range.status();
        out.province_windows[pw.province()].push_back(*range);
      }
    }
    if (!out.default_window && out.province_windows.empty()) return err("the regime applies on no date");
    out.spread_east_bp = r.ceiling_spread_east_bp();
    out.spread_central_west_bp = r.ceiling_spread_central_west_bp();
    out.spread_poverty_area_bp = r.ceiling_spread_poverty_area_bp();
    for (const auto& ps : r.province_spreads()) {
      if (!known_province(ps.province())) return err(absl::StrCat("unknown province ", ps.province()));
      out.province_spread_bp[ps.province()] = ps.ceiling_spread_bp();
    }
    if (r.max_prior_subsidized_loans() <= 0) return err("max_prior_subsidized_loans must be positive");
    out.max_prior_subsidized_loans = r.max_prior_subsidized_loans();
    if (r.terms().empty()) return err("a regime without terms");
    for (int j = 0; j < r.terms_size(); ++j) {
      const auto& t = r.terms(j);
      const std::string twhat = absl::StrCat("terms[", j, "]");
      auto program = LoanProgramFromName(t.program());
      if (!program) return err(absl::StrCat(twhat, ": unknown program ", t.program()));
      if (out.TermsFor(*program)) return err(absl::StrCat(twhat, ": program listed twice"));
      ProgramTerms pt;
      pt.program = *program;
      switch (t.formula()) {
        case pb::CONTRACT_RATE: pt.formula = SubsidyFormula::kContractRate; break;
        case pb::LPR_HALF: pt.formula = SubsidyFormula::kLprHalf; break;
        case pb::RATE_ABOVE_LPR_MINUS_150BP: pt.formula = SubsidyFormula::kRateAboveLprMinus150bp; break;
        case pb::RATE_HALF: pt.formula = SubsidyFormula::kRateHalf; break;
        default: return err(absl::StrCat(twhat, ": a regime without a formula"));
      }
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
      out.terms.push_back(pt);
    }
    regimes.push_back(std::move(out));
  }
  auto table = LoanRegimeTable::Build(std::move(regimes));
  if (!table.ok()) return f->Error(table.status().message());
  return table;
}

absl::StatusOr<EducationPolicy> LoadEducation(const std::string& dir, const std::vector<ProvinceInfo>& provinces,
                                              std::string* content) {
  pb::EducationData msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kEducationFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  EducationPolicy out;
  auto sources = [&](const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view field, int i,
                     const std::string& what) -> absl::StatusOr<std::vector<education::FundSource>> {
    std::vector<education::FundSource> v;
    for (const auto& n : names) {
      auto s = education::FundSourceFromName(n);
      if (!s) return f->ErrorAt(field, i, what, absl::StrCat("unknown fund source ", n));
      if (std::find(v.begin(), v.end(), *s) != v.end()) return f->ErrorAt(field, i, what, absl::StrCat(n, " twice"));
      v.push_back(*s);
    }
    return v;
  };
  bool has_default = false;
  for (int i = 0; i < msg.spending_orders_size(); ++i) {
    const auto& o = msg.spending_orders(i);
    const std::string what = absl::StrCat("spending_orders[", i, "] (", o.region_name(), ")");
    auto order = sources(o.order(), "spending_orders", i, what);
    if (!order.ok()) return order.status();
    if (order->size() != std::size(education::kAllSources)) {
      return f->ErrorAt("spending_orders", i, what, "the order must list every fund source exactly once");
    }
    if (!ValidStatus(o.status())) return f->ErrorAt("spending_orders", i, what, "status must be C, P or U");
    for (const auto& prev : out.spending_orders) {
      if (prev.prefix == o.region_prefix()) return f->ErrorAt("spending_orders", i, what, "region_prefix listed twice");
    }
    has_default |= o.region_prefix().empty();
    out.spending_orders.push_back({o.region_prefix(), o.region_name(), *order});
  }
  if (!has_default) return f->Error("spending_orders needs a default row (region_prefix \"\")");
  for (int i = 0; i < msg.categories_size(); ++i) {
    const auto& c = msg.categories(i);
    const std::string what = absl::StrCat("categories[", i, "] (", c.code(), ")");
    if (c.code().empty()) return f->ErrorAt("categories", i, what, "code is missing");
    if (!ValidStatus(c.status())) return f->ErrorAt("categories", i, what, "status must be C, P or U");
    auto permitted = sources(c.permitted_sources(), "categories", i, what);
    if (!permitted.ok()) return permitted.status();
    if (!out.categories.emplace(c.code(), ExpenditureCategoryInfo{c.code(), c.name(), *permitted, Sure(c.status()), c.source()})
             .second) {
      return f->ErrorAt("categories", i, what, "code listed twice");
    }
  }
  static const std::set<std::string> kItems = {
      "PUBLIC_EXPENSE_PRIMARY", "PUBLIC_EXPENSE_JUNIOR", "BOARDING_ADD_ON", "SPECIAL_EDUCATION", "HEATING",
      "LIVING_BOARDING_PRIMARY", "LIVING_BOARDING_JUNIOR", "LIVING_NONBOARDING_PRIMARY", "LIVING_NONBOARDING_JUNIOR",
      "TEXTBOOK_PRIMARY", "TEXTBOOK_JUNIOR"};
  std::set<std::string> row_ids;
  for (int i = 0; i < msg.rates_size(); ++i) {
    const auto& r = msg.rates(i);
    const std::string what = absl::StrCat("rates[", i, "] (", r.row_id(), ")");
    auto err = [&](absl::string_view problem) { return f->ErrorAt("rates", i, what, problem); };
    if (r.row_id().empty() || !row_ids.insert(r.row_id()).second) return err("row_id missing or listed twice");
    if (!kItems.count(r.item())) return err(absl::StrCat("unknown item ", r.item()));
    if (r.from_school_year() < 2000 || (r.to_school_year() != 0 && r.to_school_year() < r.from_school_year())) {
      return err("school years must be from_school_year >= 2000 and to_school_year >= it (or 0)");
    }
    std::optional<EconomicRegion> region;
    if (!r.economic_region().empty()) {
      region = WordFrom(kEconomicRegions, r.economic_region());
      if (!region) return err("economic_region must be EAST, CENTRAL, WEST or empty");
    }
    if (!r.province().empty() &&
        std::none_of(provinces.begin(), provinces.end(), [&](const ProvinceInfo& p) { return p.code == r.province(); })) {
      return err(absl::StrCat("unknown province ", r.province()));
    }
    if (r.amount_fen() < 0) return err("amount_fen must not be negative");
    const auto funding = WordFrom(kFundings, r.funding());
    if (!funding) return err("funding must be SHARED, CENTRAL or LOCAL");
    if (!ValidStatus(r.status())) return err("status must be C, P or U");
    PerPupilRateRow row{r.row_id(),   r.item(),  r.from_school_year(),      r.to_school_year(),
                        region,       r.province(), Money::Fen(r.amount_fen()), *funding,
                        Sure(r.status()), r.source()};
    // Two rows of the same scope for one item must not overlap in years.
    for (const auto& o : out.rates) {
      if (o.item == row.item && o.economic_region == row.economic_region && o.province == row.province) {
        const int a_to = o.to_year ? o.to_year : 99999, b_to = row.to_year ? row.to_year : 99999;
        if (o.from_year <= b_to && row.from_year <= a_to) return err(absl::StrCat("overlaps row ", o.row_id));
      }
    }
    out.rates.push_back(std::move(row));
  }
  for (int i = 0; i < msg.sharing_size(); ++i) {
    const auto& s = msg.sharing(i);
    const std::string what = absl::StrCat("sharing[", i, "] (", s.tier(), ")");
    if (s.central_weight() < 0 || s.local_weight() < 0 || s.central_weight() + s.local_weight() <= 0) {
      return f->ErrorAt("sharing", i, what, "weights must be non-negative with a positive sum");
    }
    const auto tier = WordFrom(kSharingTiers, s.tier());
    if (!tier) return f->ErrorAt("sharing", i, what, "tier must be TIER_1, TIER_2 or OTHER");
    if (!ValidStatus(s.status())) return f->ErrorAt("sharing", i, what, "status must be C, P or U");
    if (!out.sharing.emplace(*tier, SharingRatioRow{s.central_weight(), s.local_weight(), Sure(s.status()), s.source()})
             .second) {
      return f->ErrorAt("sharing", i, what, "tier listed twice");
    }
  }
  for (const auto& tier : kSharingTiers) {
    if (!out.sharing.count(tier.value)) return f->Error(absl::StrCat("sharing has no row for ", tier.code));
  }
  if (msg.small_school_floor_pupils() < 0) return f->Error("small_school_floor_pupils must not be negative");
  out.small_school_floor = msg.small_school_floor_pupils();
  if (!ValidStatus(msg.small_school_floor_status())) return f->Error("small_school_floor_status must be C, P or U");
  out.small_school_floor_status = Sure(msg.small_school_floor_status());
  out.small_school_floor_source = msg.small_school_floor_source();
  return out;
}

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
  if (msg.idle_days() <= 0 || msg.idle_days() > 366) return f->ErrorAt("idle_days", -1, "idle_days", "1 to 366 days");
  out.idle_days = msg.idle_days();
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

absl::StatusOr<RewardCatalog> LoadRewards(const std::string& dir, std::string* content) {
  pb::RewardPolicyTable msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kRewardFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  RewardCatalog out;
  std::set<std::string> ids;
  for (int i = 0; i < msg.policies_size(); ++i) {
    const auto& p = msg.policies(i);
    const std::string what = absl::StrCat("policies[", i, "] (", p.policy_id(), ")");
    auto err = [&](absl::string_view problem) { return f->ErrorAt("policies", i, what, problem); };
    if (p.policy_id().empty() || !ids.insert(p.policy_id()).second) return err("policy_id missing or listed twice");
    if (p.name().empty() || p.department().empty()) return err("name and department are required");
    if (!ValidStatus(p.status())) return err("status must be C, P or U");
    if (p.source().empty()) return err("source is missing");
    RewardPolicy r;
    r.policy_id = p.policy_id();
    r.name = p.name();
    r.department = p.department();
    r.metric = p.metric();
    r.status = Sure(p.status());
    r.source = p.source();
    r.note = p.note();
    if (p.formula() == "FIXED") {
      r.formula = RewardFormula::kFixed;
      if (p.fixed_amount_fen() <= 0) return err("FIXED needs fixed_amount_fen > 0");
      if (!p.metric().empty()) return err("FIXED reads no metric");
      r.fixed_amount = Money::Fen(p.fixed_amount_fen());
    } else if (p.formula() == "RATE_WITH_CAP") {
      r.formula = RewardFormula::kRateWithCap;
      auto rate = Rate::Parse(p.rate_percent());
      if (!rate.ok()) return err(absl::StrCat("rate_percent: ", rate.status().message()));
      if (p.per_award_cap_fen() <= 0) return err("RATE_WITH_CAP needs per_award_cap_fen > 0");
      r.rate = *rate;
      r.per_award_cap = Money::Fen(p.per_award_cap_fen());
    } else if (p.formula() == "PER_UNIT") {
      r.formula = RewardFormula::kPerUnit;
      if (p.per_unit_fen() <= 0) return err("PER_UNIT needs per_unit_fen > 0");
      r.per_unit = Money::Fen(p.per_unit_fen());
    } else if (p.formula() == "TIERED") {
      r.formula = RewardFormula::kTiered;
      if (p.tiers().empty()) return err("TIERED needs tiers");
      for (int t = 0; t < p.tiers_size(); ++t) {
        const auto& tier = p.tiers(t);
        if (tier.amount_fen() <= 0 || tier.min_metric() < 0) return err("tiers need amount_fen > 0 and min_metric >= 0");
        if (t > 0 && (tier.min_metric() <= p.tiers(t - 1).min_metric() || tier.amount_fen() <= p.tiers(t - 1).amount_fen())) {
          return err("tiers must rise in both min_metric and amount_fen");
        }
        r.tiers.push_back({tier.min_metric(), Money::Fen(tier.amount_fen())});
      }
    } else {
      return err("a policy without a formula (FIXED, RATE_WITH_CAP, PER_UNIT or TIERED)");
    }
    if (r.formula != RewardFormula::kFixed && r.metric.empty()) return err("the formula needs a metric");
    if (p.repeat_rule() == "ONCE_EVER") {
      r.repeat_rule = RepeatRule::kOnceEver;
    } else if (p.repeat_rule() == "ONCE_PER_YEAR") {
      r.repeat_rule = RepeatRule::kOncePerYear;
    } else if (p.repeat_rule() == "ANNUAL_CAP") {
      r.repeat_rule = RepeatRule::kAnnualCap;
      if (p.annual_cap_fen() <= 0) return err("ANNUAL_CAP needs annual_cap_fen > 0");
      r.annual_cap = Money::Fen(p.annual_cap_fen());
    } else if (p.repeat_rule() == "GROUP_HIGHEST_PER_YEAR") {
      r.repeat_rule = RepeatRule::kGroupHighestPerYear;
      if (p.group().empty()) return err("GROUP_HIGHEST_PER_YEAR needs a group");
    } else {
      return err("repeat_rule must be ONCE_EVER, ONCE_PER_YEAR, ANNUAL_CAP or GROUP_HIGHEST_PER_YEAR");
    }
    r.group = p.group();
    if (p.budget_fen() <= 0) return err("budget_fen must be positive");
    r.budget = Money::Fen(p.budget_fen());
    if (p.when_budget_short().empty() || p.when_budget_short() == "REJECT") {
      r.when_budget_short = BudgetShort::kReject;
    } else if (p.when_budget_short() == "PARTIAL") {
      r.when_budget_short = BudgetShort::kPartial;
    } else {
      return err("when_budget_short must be REJECT or PARTIAL");
    }
    if (p.payout_working_days() < 0 || p.payout_working_days() > 60) return err("payout_working_days must be 0..60");
    r.payout_working_days = p.payout_working_days() == 0 ? 5 : p.payout_working_days();
    out.policies.push_back(std::move(r));
  }
  return out;
}

}  // namespace

const char* RewardFormulaName(RewardFormula f) {
  switch (f) {
    case RewardFormula::kFixed: return "FIXED";
    case RewardFormula::kRateWithCap: return "RATE_WITH_CAP";
    case RewardFormula::kPerUnit: return "PER_UNIT";
    case RewardFormula::kTiered: return "TIERED";
  }
  return "?";
}

const char* RepeatRuleName(RepeatRule r) {
  switch (r) {
    case RepeatRule::kOnceEver: return "ONCE_EVER";
    case RepeatRule::kOncePerYear: return "ONCE_PER_YEAR";
    case RepeatRule::kAnnualCap: return "ANNUAL_CAP";
    case RepeatRule::kGroupHighestPerYear: return "GROUP_HIGHEST_PER_YEAR";
  }
  return "?";
}

const RewardPolicy* RewardCatalog::Find(const std::string& policy_id) const {
  for (const auto& p : policies) {
    if (p.policy_id == policy_id) return &p;
  }
  return nullptr;
}

const std::vector<education::FundSource>& EducationPolicy::SpendingOrderFor(const std::string& school_id) const {
  const Order* best = nullptr;
  for (const auto& o : spending_orders) {
    if (absl::StartsWith(school_id, o.prefix) && (!best || o.prefix.size() > best->prefix.size())) best = &o;
  }
  SUBSIDY_CHECK(best != nullptr);  // the loader requires a default row
  return best->order;
}

const ExpenditureCategoryInfo* EducationPolicy::FindCategory(const std::string& code) const {
  auto it = categories.find(code);
  return it == categories.end() ? nullptr : &it->second;
}

const PerPupilRateRow* EducationPolicy::FindRate(const std::string& item, int year, const std::string& province,
                                                 EconomicRegion economic_region) const {
  const PerPupilRateRow* best = nullptr;
  int best_rank = -1;
  for (const auto& r : rates) {
    if (r.item != item || year < r.from_year || (r.to_year != 0 && year > r.to_year)) continue;
    int rank;
    if (!r.province.empty()) {
      if (r.province != province) continue;
      rank = 2;
    } else if (r.economic_region) {
      if (*r.economic_region != economic_region) continue;
      rank = 1;
    } else {
      rank = 0;
    }
    if (rank > best_rank) {
      best = &r;
      best_rank = rank;
    }
  }
  return best;
}

absl::StatusOr<std::shared_ptr<const PolicyData>> PolicyData::LoadFromDirectory(const std::string& dir) {
  auto data = std::shared_ptr<PolicyData>(new PolicyData());
  data->directory_ = dir;
  std::string c_cal, c_lpr, c_prov, c_loan;
  auto cal = LoadCalendar(dir, &c_cal);
  if (!cal.ok()) return cal.status();
  data->calendar_ = std::move(*cal);
  auto lpr = LoadLpr(dir, &c_lpr);
  if (!lpr.ok()) return lpr.status();
  data->lpr_ = std::move(*lpr);
  auto provinces = LoadProvinces(dir, &c_prov);
  if (!provinces.ok()) return provinces.status();
  data->provinces_ = std::move(*provinces);
  for (size_t i = 0; i < data->provinces_.size(); ++i) data->province_index_[data->provinces_[i].code] = i;
  auto regimes = LoadLoanRegimes(dir, data->provinces_, &c_loan);
  if (!regimes.ok()) return regimes.status();
  data->loan_regimes_ = std::move(*regimes);
  std::string c_edu;
  auto education = LoadEducation(dir, data->provinces_, &c_edu);
  if (!education.ok()) return education.status();
  data->education_ = std::move(*education);
  std::string c_reward;
  auto rewards = LoadRewards(dir, &c_reward);
  if (!rewards.ok()) return rewards.status();
  data->rewards_ = std::move(*rewards);
  std::string c_funds;
  auto monitoring = LoadFundMonitoring(dir, &c_funds);
  if (!monitoring.ok()) return monitoring.status();
  data->fund_monitoring_ = std::move(*monitoring);

  uint64_t h = 14695981039346656037ull;
  for (const auto* part : {&c_cal, &c_lpr, &c_prov, &c_loan, &c_edu, &c_reward, &c_funds}) {
    h = Fnv1a(h, *part);
    h = Fnv1a(h, absl::string_view("\0", 1));
  }
  data->version_ = absl::StrFormat("%016x", h);
  return std::shared_ptr<const PolicyData>(std::move(data));
}

const ProvinceInfo* PolicyData::FindProvince(const std::string& code) const {
  auto it = province_index_.find(code);
  return it == province_index_.end() ? nullptr : &provinces_[it->second];
}

PolicyDataBuilder& PolicyDataBuilder::Province(ProvinceInfo p) {
  data_->province_index_[p.code] = data_->provinces_.size();
  data_->provinces_.push_back(std::move(p));
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Calendar(WorkingDayCalendar c) {
  data_->calendar_ = std::move(c);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Lpr(LprTable t) {
  data_->lpr_ = std::move(t);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::LoanRegimes(LoanRegimeTable t) {
  data_->loan_regimes_ = std::move(t);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Education(EducationPolicy e) {
  data_->education_ = std::move(e);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Reward(RewardPolicy p) {
  data_->rewards_.policies.push_back(std::move(p));
  return *this;
}
std::shared_ptr<const PolicyData> PolicyDataBuilder::Build(std::string version) {
  data_->version_ = std::move(version);
  data_->directory_ = "(built in a test)";
  return std::move(data_);
}

}  // namespace subsidy
