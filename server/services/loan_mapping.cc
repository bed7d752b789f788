#include "services/loan_mapping.h"

#include "services/common.h"
#include "services/status_mapping.h"

#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace subsidy::service {

std::optional<RegionTier> RegionTierFromProto(v1::RegionTier t) {
  switch (t) {
    case v1::EAST: return RegionTier::kEast;
    case v1::CENTRAL_WEST: return RegionTier::kCentralWest;
    case v1::POVERTY_AREA: return RegionTier::kPovertyArea;
    default: return std::nullopt;
  }
}

std::optional<LoanProgram> LoanProgramFromProto(v1::LoanProgram p) {
  switch (p) {
    case v1::ENTREPRENEUR_INDIVIDUAL: return LoanProgram::kIndividual;
    case v1::ENTREPRENEUR_PARTNERSHIP: return LoanProgram::kPartnership;
    case v1::ENTREPRENEUR_SMALL_BUSINESS: return LoanProgram::kSmallBusiness;
    case v1::POVERTY_MICROCREDIT: return LoanProgram::kPovertyMicrocredit;
    default: return std::nullopt;
  }
}

absl::StatusOr<loan::LoanInput> LoanInputFromProto(const v1::LoanSubsidyRequest& req) {
  loan::LoanInput in;
  in.loan_id = req.loan_id();
  in.province = req.province();
  auto tier = RegionTierFromProto(req.region_tier());
  if (!tier) return InvalidField("region_tier", "must be EAST, CENTRAL_WEST or POVERTY_AREA");
  in.region_tier = *tier;
  auto program = LoanProgramFromProto(req.program());
  if (!program) return InvalidField("program", "must be one of the LoanProgram values");
  in.program = *program;
  in.partner_count = req.partner_count();
  in.prior_subsidized_loans = req.prior_subsidized_loans();
  in.principal = Money::Fen(req.principal_fen());
  auto contract = ParseDate(req.contract_date(), "contract_date");
  if (!contract.ok()) return contract.status();
  in.contract_date = *contract;
  auto disbursement = ParseDate(req.disbursement_date(), "disbursement_date");
  if (!disbursement.ok()) return disbursement.status();
  in.disbursement_date = *disbursement;
  auto maturity = ParseDate(req.maturity_date(), "maturity_date");
  if (!maturity.ok()) return maturity.status();
  in.maturity_date = *maturity;
  auto rate = Rate::Parse(req.annual_rate_percent());
  if (!rate.ok()) return InvalidField("annual_rate_percent", rate.status().message());
  in.annual_rate = *rate;
  switch (req.lpr_tenor()) {
    case v1::LPR_TENOR_UNSPECIFIED:
    case v1::ONE_YEAR: in.lpr_tenor = LprTenor::kOneYear; break;
    case v1::FIVE_YEAR: in.lpr_tenor = LprTenor::kFiveYear; break;
    default: return InvalidField("lpr_tenor", "must be ONE_YEAR or FIVE_YEAR");
  }
  switch (req.day_count()) {
    case v1::DAY_COUNT_UNSPECIFIED:
    case v1::ACT_360: in.day_count = DayCount::kAct360; break;
    case v1::ACT_365: in.day_count = DayCount::kAct365; break;
    default: return InvalidField("day_count", "must be ACT_360 or ACT_365");
  }
  in.repayments.reserve(static_cast<size_t>(req.repayments_size()));
  for (int i = 0; i < req.repayments_size(); ++i) {
    const auto& r = req.repayments(i);
    auto d = ParseDate(r.date(), absl::StrCat("repayments[", i, "].date"));
    if (!d.ok()) return d.status();
    in.repayments.push_back({*d, Money::Fen(r.principal_fen())});
  }
  for (int i = 0; i < req.overdue_periods_size(); ++i) {
    auto r = ParseDateRange(req.overdue_periods(i), absl::StrCat("overdue_periods[", i, "]"));
    if (!r.ok()) return r.status();
    in.overdue_periods.push_back(*r);
  }
  if (req.has_claim_period() &&
      !(req.claim_period().start_date().empty() && req.claim_period().end_date().empty())) {
    auto r = ParseDateRange(req.claim_period(), "claim_period");
    if (!r.ok()) return r.status();
    in.claim_period = *r;
  }
  return in;
}

void ReasonToProto(const loan::Reason& r, v1::Reason* out) {
  out->set_code(r.code);
  out->set_message(r.message);
  out->mutable_params()->insert(r.params.begin(), r.params.end());
}

void LoanResultToProto(const loan::LoanResult& r, v1::LoanSubsidyResult* out) {
  out->set_eligible(r.eligible);
  for (const auto& reason : r.reasons) ReasonToProto(reason, out->add_reasons());
  out->set_regime_id(r.regime_id);
  if (r.lpr) out->set_lpr_percent(r.lpr->ToString());
  if (r.ceiling) out->set_ceiling_percent(r.ceiling->ToString());
  out->set_subsidy_rate_percent(r.subsidy_rate.ToString());
  for (const auto& p : r.periods) {
    auto* x = out->add_periods();
    x->set_start_date(p.range.first().ToString());
    x->set_end_date(p.range.last().ToString());
    x->set_days(p.days);
    x->set_subsidy_days(p.subsidy_days);
    x->set_interest_fen(p.interest.fen());
    x->set_subsidy_fen(p.subsidy.fen());
    x->set_borrower_fen(p.borrower.fen());
  }
  out->set_total_interest_fen(r.total_interest.fen());
  out->set_total_subsidy_fen(r.total_subsidy.fen());
  out->set_total_borrower_fen(r.total_borrower.fen());
}

absl::Status CalculateOne(const v1::LoanSubsidyRequest& req, const PolicyData& data, v1::LoanSubsidyResult* out) {
  out->set_loan_id(req.loan_id());
  out->set_data_version(data.version());
  auto in = LoanInputFromProto(req);
  if (!in.ok()) return in.status();
  // A claim file names the province as banks write it: 41, or 河南 / 河南省.
  if (data.FindProvince(in->province) == nullptr) {
    if (const ProvinceInfo* named = data.FindProvinceByName(in->province)) in->province = named->code;
  }
  auto result = loan::CalculateLoanSubsidy(*in, data);
  if (!result.ok()) return result.status();
  LoanResultToProto(*result, out);
  return absl::OkStatus();
}

void ItemErrorFromStatus(const absl::Status& s, v1::ItemError* out) {
  out->set_code(std::string(absl::StatusCodeToString(s.code())));
  out->set_message(std::string(s.message()));
  if (auto f = FieldOf(s)) out->set_field(*f);
  if (auto r = ReasonOf(s)) out->set_reason(*r);
  for (const auto& [name, value] : ParamsOf(s)) (*out->mutable_params())[name] = value;
}

void LocalizeResult(v1::LoanSubsidyResult* result, const MessageCatalogue& messages, Language language) {
  LocalizeReasons(result->mutable_reasons(), messages, language);
  if (!result->has_error() || result->error().code().empty()) return;
  LocalizeItemError(result->mutable_error(), messages, language);
}

absl::Status LoanPolicyFor(const v1::GetLoanPolicyRequest& req, const PolicyData& data, v1::LoanPolicy* out) {
  if (data.FindProvince(req.province()) == nullptr) {
    return InvalidField("province", "unknown province code \"" + req.province() + "\"");
  }
  auto program = LoanProgramFromProto(req.program());
  if (!program) return InvalidField("program", "must be one of the LoanProgram values");
  auto tier = RegionTierFromProto(req.region_tier());
  if (!tier) return InvalidField("region_tier", "must be EAST, CENTRAL_WEST or POVERTY_AREA");
  auto date = Date::Parse(req.date());
  if (!date.ok()) return InvalidField("date", date.status().message());
  std::optional<std::pair<Date, Date>> term;
  if (!req.disbursement_date().empty() || !req.maturity_date().empty()) {
    auto disbursed = ParseDate(req.disbursement_date(), "disbursement_date");
    if (!disbursed.ok()) return disbursed.status();
    auto matures = ParseDate(req.maturity_date(), "maturity_date");
    if (!matures.ok()) return matures.status();
    if (*matures <= *disbursed) return InvalidField("maturity_date", "must be after disbursement_date");
    term = std::make_pair(*disbursed, *matures);
  }
  const LprTenor requested = req.lpr_tenor() == v1::FIVE_YEAR ? LprTenor::kFiveYear : LprTenor::kOneYear;
  const loan::LoanTerms terms = loan::TermsFor(data, req.province(), *program, *tier, *date, requested, term);
  if (!terms.match) {
    return absl::NotFoundError("no subsidy regime for " + std::string(LoanProgramName(*program)) +
                               " loans contracted on " + req.date() + " in province " + req.province());
  }
  const LoanRegime& r = *terms.match->regime;
  const ProgramTerms& t = *terms.match->terms;
  out->set_regime_id(r.regime_id);
  out->set_regime_name(r.name);
  out->set_province(req.province());
  out->set_program(req.program());
  out->set_date(req.date());
  out->set_region_tier(req.region_tier());
  // The window that applies in this province.
  std::optional<DateRange> window = r.default_window;
  if (auto it = r.province_windows.find(req.province()); it != r.province_windows.end()) {
    for (const auto& w : it->second) {
      if (w.Contains(*date)) window = w;
    }
  }
  if (window) {
    out->set_regime_start_date(window->first().ToString());
    out->set_regime_end_date(window->last().ToString());
  }
  out->set_subsidy_formula(SubsidyFormulaName(t.formula));
  out->set_ceiling_spread_bp(terms.ceiling_spread_bp);
  out->set_loan_cap_fen(t.loan_cap.fen());
  out->set_subsidy_base_cap_fen(t.subsidy_base_cap.fen());
  out->set_per_partner_cap_fen(t.per_partner_loan_cap.fen());
  out->set_partnership_cap_fen(*program == LoanProgram::kPartnership ? t.loan_cap.fen() : 0);
  out->set_subsidy_term_years(t.subsidy_term_years);
  out->set_max_prior_subsidized_loans(r.max_prior_subsidized_loans);
  out->set_prior_subsidized_loans_allowed(loan::PriorLoansAllowed(r));
  out->set_partner_markup_percent(*program == LoanProgram::kPartnership ? t.partner_markup_percent : 0);
  out->set_status(CodeOf(t.status.value_or(r.status)));
  out->set_source(r.source);
  out->set_lpr_tenor(LprTenorName(terms.tenor));
  if (terms.fixing != nullptr) {
    out->set_lpr_percent(terms.lpr->ToString());
    out->set_lpr_effective_date(terms.fixing->effective_date.ToString());
    out->set_lpr_source(terms.fixing->source);
    out->set_lpr_confirmed(terms.lpr_confirmed);
  }
  if (terms.ceiling) out->set_ceiling_percent(terms.ceiling->ToString());
  out->set_data_version(data.version());
  return absl::OkStatus();
}

}  // namespace subsidy::service
