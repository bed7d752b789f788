#include "loan/loan_engine.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "money/exact.h"

namespace subsidy::loan {
namespace {

// Pieces of the window where the subsidy is suspended (overdue/extended), merged and sorted.
absl::InlinedVector<DateRange, 4> MergeRanges(absl::InlinedVector<DateRange, 4> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const DateRange& a, const DateRange& b) { return a.first() < b.first(); });
  absl::InlinedVector<DateRange, 4> out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.first() <= out.back().last().AddDays(1)) {
      if (out.back().last() < r.last()) out.back() = *DateRange::Make(out.back().first(), r.last());
    } else {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace

DateRange SettlementPeriodContaining(Date d) {
  const Date::Ymd ymd = d.ToYmd();
  const int y = ymd.year;
  const int md = ymd.month * 100 + ymd.day;
  auto make = [](int y1, int m1, int d1, int y2, int m2, int d2) {
    return *DateRange::Make(Date::FromValidYmd(y1, m1, d1), Date::FromValidYmd(y2, m2, d2));
  };
  if (md >= 1221) return make(y, 12, 21, y + 1, 3, 20);
  if (md <= 320) return make(y - 1, 12, 21, y, 3, 20);
  if (md <= 620) return make(y, 3, 21, y, 6, 20);
  if (md <= 920) return make(y, 6, 21, y, 9, 20);
  return make(y, 9, 21, y, 12, 20);
}

LoanCaps CapsFor(const ProgramTerms& terms, int partner_count) {
  if (terms.program != LoanProgram::kPartnership) return {terms.loan_cap, terms.subsidy_base_cap};
  auto scaled = [&](Money per_partner, Money cap) {
    // partners × per-partner cap × markup %, in whole 分 toward zero (exact for every shipped cap),
    // through the one rounding function, then capped.
    const auto v = RoundQuotient(Int128(per_partner.fen()) * partner_count * terms.partner_markup_percent, 100,
                                 RoundingMode::kTowardZero);
    return !v.ok() || *v >= cap.fen() ? cap : Money::Fen(*v);
  };
  return {scaled(terms.per_partner_loan_cap, terms.loan_cap),
          scaled(terms.per_partner_base_cap, terms.subsidy_base_cap)};
}

int PriorLoansAllowed(const LoanRegime& regime) { return regime.max_prior_subsidized_loans - 1; }

absl::StatusOr<Rate> SubsidyRateFor(SubsidyFormula formula, Rate contract_rate, Rate lpr, int share_percent) {
  Rate r;
  switch (formula) {
    case SubsidyFormula::kContractRate:
      r = contract_rate;
      break;
    case SubsidyFormula::kLprHalf: {
      auto h = lpr.Half();
      if (!h.ok()) return h.status();
      r = *h;
      break;
    }
    case SubsidyFormula::kRateAboveLprMinus150bp:
      r = contract_rate.Minus(lpr.Minus(Rate::FromBasisPoints(150)));
      break;
    case SubsidyFormula::kRateHalf: {
      auto h = contract_rate.Half();
      if (!h.ok()) return h.status();
      r = *h;
      break;
    }
    case SubsidyFormula::kRateShare: {
      // A rate of at most 6 fraction digits is a multiple of 100 units: × a whole percentage ÷ 100 is exact.
      const Int128 units = Int128(contract_rate.units()) * share_percent;
      if (units % 100 != 0) return absl::InvalidArgumentError("the subsidy share of this rate is not exact");
      r = Rate::FromUnits(static_cast<int64_t>(units / 100));
      break;
    }
  }
  // Finance never pays more than the interest, nor a negative subsidy.
  return Max(Rate::Zero(), Min(r, contract_rate));
}

namespace {
// INVALID_ARGUMENT about `field` with the reason a person reads it by (its text in
// data/messages.textproto names the field in words).
absl::Status BadLoan(absl::string_view field, absl::string_view reason, absl::string_view message,
                     const StatusParams& params = {}) {
  return WithParams(WithReason(InvalidField(field, message), reason), params);
}
}  // namespace

absl::Status ValidateLoan(const LoanInput& in, const PolicyData& data) {
  if (in.principal.fen() <= 0) return BadLoan("principal_fen", kLoanPrincipalNotPositive, "must be positive");
  if (in.principal.fen() > kMaxPrincipalFen) {
    return BadLoan("principal_fen", kLoanPrincipalTooLarge,
                   absl::StrCat("above the largest accepted principal (", kMaxPrincipalFen, " 分)"),
                   {{"max_yuan", Money::Fen(kMaxPrincipalFen).ToYuanString()}});
  }
  if (data.FindProvince(in.province) == nullptr) {
    return BadLoan("province", kLoanUnknownProvince,
                   absl::StrCat("unknown province code \"", in.province,
                                "\" (two-digit GB/T 2260 code of a mainland province)"),
                   {{"province", in.province}});
  }
  if (in.partner_count < 0) return BadLoan("partner_count", kLoanCountNegative, "must not be negative");
  if (in.program == LoanProgram::kPartnership && in.partner_count < 2) {
    return BadLoan("partner_count", kLoanPartnershipNeedsPartners, "a partnership loan needs at least 2 partners");
  }
  if (in.prior_subsidized_loans < 0) {
    return BadLoan("prior_subsidized_loans", kLoanCountNegative, "must not be negative");
  }
  if (in.disbursement_date < in.contract_date) {
    return BadLoan("disbursement_date", kLoanDisbursedBeforeContract, "is before contract_date");
  }
  if (in.maturity_date <= in.disbursement_date) {
    return BadLoan("maturity_date", kLoanMaturityNotAfterDisbursement, "must be after disbursement_date");
  }
  Money repaid;
  for (size_t i = 0; i < in.repayments.size(); ++i) {
    const auto& r = in.repayments[i];
    const std::string f = absl::StrCat("repayments[", i, "]");
    const StatusParams which = {{"item", absl::StrCat(i + 1)}, {"date", r.date.ToString()}};
    if (r.date < in.disbursement_date || in.maturity_date < r.date) {
      return BadLoan(absl::StrCat(f, ".date"), kLoanRepaymentOutsideLife,
                     "outside the loan's life (disbursement_date … maturity_date)", which);
    }
    if (r.principal.fen() <= 0) {
      return BadLoan(absl::StrCat(f, ".principal_fen"), kLoanRepaymentNotPositive, "must be positive", which);
    }
    auto sum = repaid.Plus(r.principal);
    if (!sum.ok() || *sum > in.principal) {
      return BadLoan(absl::StrCat(f, ".principal_fen"), kLoanRepaymentsAbovePrincipal,
                     "repayments sum above the principal", which);
    }
    repaid = *sum;
  }
  // A claim window or an overdue period is a DateRange: one that ends before it starts cannot be
  // made (the edge refuses it, naming its end_date).
  return absl::OkStatus();
}

LoanTerms TermsFor(const PolicyData& data, const std::string& province, LoanProgram program, RegionTier tier,
                   Date contract_date, LprTenor requested, std::optional<std::pair<Date, Date>> term) {
  LoanTerms t;
  t.match = data.loan_regimes().Find(province, program, contract_date);
  t.tenor = term && term->second <= term->first.AddYears(1) ? LprTenor::kOneYear : requested;
  auto fixing = data.lpr().InForce(contract_date);
  if (fixing.ok()) {
    t.fixing = *fixing;
    t.lpr = t.fixing->ForTenor(t.tenor);
    t.lpr_confirmed = data.lpr().Confirmed(contract_date);
  } else {
    t.fixing_error = std::string(fixing.status().message());
  }
  if (t.match) {
    t.ceiling_spread_bp = t.match->regime->CeilingSpreadBp(province, tier);
    if (t.lpr) t.ceiling = t.lpr->Plus(Rate::FromBasisPoints(t.ceiling_spread_bp));
  }
  return t;
}

namespace {

// What eligibility decides beside the result's own fields: the caps and the subsidy term.
struct Eligibility {
  LoanCaps caps{};
  int term_years = 0;
};

// The regime, LPR and ceiling; the blocking reasons; the subsidy rate of an eligible loan.
absl::StatusOr<Eligibility> DecideEligibility(const LoanInput& in, const PolicyData& data, LoanResult* out) {
  const LoanTerms terms = TermsFor(data, in.province, in.program, in.region_tier, in.contract_date, in.lpr_tenor,
                                   std::make_pair(in.disbursement_date, in.maturity_date));
  out->lpr = terms.lpr;
  if (terms.lpr && !terms.lpr_confirmed) {
    out->reasons.push_back({kLprUnconfirmed,
                            absl::StrCat("no LPR fixing is confirmed after ", data.lpr().last_confirmed().ToString(),
                                         "; computed with the latest value ", terms.lpr->ToString()),
                            {{"last_confirmed", data.lpr().last_confirmed().ToString()},
                             {"lpr_percent", terms.lpr->ToString()}}});
  }
  Eligibility e;
  std::vector<Reason> blocking;
  if (!terms.match) {
    blocking.push_back({kNoApplicableRegime,
                        absl::StrCat("no subsidy regime for ", LoanProgramName(in.program), " loans contracted on ",
                                     in.contract_date.ToString(), " in province ", in.province),
                        {{"contract_date", in.contract_date.ToString()}, {"province", in.province},
                         {"province_name", data.FindProvince(in.province) ? data.FindProvince(in.province)->name
                                                                          : in.province}}});
  } else {
    out->regime_id = terms.match->regime->regime_id;
    if (!terms.lpr) return WithReason(absl::FailedPreconditionError(terms.fixing_error), "LPR_NOT_AVAILABLE");
    out->ceiling = terms.ceiling;
    e.caps = CapsFor(*terms.match->terms, in.partner_count);
    e.term_years = terms.match->terms->subsidy_term_years;
    if (in.annual_rate > *out->ceiling) {
      blocking.push_back({kRateAboveCeiling,
                          absl::StrCat("annual rate ", in.annual_rate.ToString(), " % is above the ceiling ",
                                       out->ceiling->ToString(), " %"),
                          {{"rate_percent", in.annual_rate.ToString()}, {"ceiling_percent", out->ceiling->ToString()}}});
    }
    if (in.principal > e.caps.loan_cap) {
      blocking.push_back({kPrincipalAboveCap,
                          absl::StrCat("principal ", in.principal.ToYuanString(), " 元 is above the loan cap ",
                                       e.caps.loan_cap.ToYuanString(), " 元"),
                          {{"principal_yuan", in.principal.ToYuanString()},
                           {"cap_yuan", e.caps.loan_cap.ToYuanString()}}});
    }
    if (in.prior_subsidized_loans > PriorLoansAllowed(*terms.match->regime)) {
      const int limit = terms.match->regime->max_prior_subsidized_loans;
      blocking.push_back({kPriorLoansLimit,
                          absl::StrCat("the borrower already had ", in.prior_subsidized_loans,
                                       " subsidised loans (limit ", limit, ")"),
                          {{"prior_loans", absl::StrCat(in.prior_subsidized_loans)}, {"limit", absl::StrCat(limit)}}});
    }
  }
  out->eligible = blocking.empty();
  if (out->eligible) {
    auto rate = SubsidyRateFor(terms.match->terms->formula, in.annual_rate, *out->lpr,
                               terms.match->terms->subsidy_share_percent);
    if (!rate.ok()) return rate.status();
    out->subsidy_rate = *rate;
  }
  out->reasons.insert(out->reasons.begin(), blocking.begin(), blocking.end());
  return e;
}

// The loan's timeline inside the window: the days to sweep, and the dates at which its state
// (principal outstanding, subsidised or not) may change.
struct Segments {
  DateRange window;
  Date lo, hi;    // first and last day to sweep
  Date term_end;  // first unsubsidised day
  absl::InlinedVector<DateRange, 4> overdue;
  absl::InlinedVector<Repayment, 8> repayments;  // by date
  absl::InlinedVector<Date, 16> changes;         // sorted
};

Segments SegmentsOf(const LoanInput& in, int term_years) {
  const Date life_last = in.maturity_date.AddDays(-1);
  const DateRange window = in.claim_period ? *in.claim_period : *DateRange::Make(in.disbursement_date, life_last);
  Segments s{window, std::max(window.first(), in.disbursement_date), std::min(window.last(), life_last),
             in.disbursement_date.AddYears(term_years), MergeRanges({in.overdue_periods.begin(), in.overdue_periods.end()}),
             {in.repayments.begin(), in.repayments.end()}, {}};
  std::stable_sort(s.repayments.begin(), s.repayments.end(),
                   [](const Repayment& a, const Repayment& b) { return a.date < b.date; });
  for (const auto& r : s.repayments) s.changes.push_back(r.date);
  for (const auto& o : s.overdue) {
    s.changes.push_back(o.first());
    s.changes.push_back(o.last().AddDays(1));
  }
  s.changes.push_back(s.term_end);
  std::sort(s.changes.begin(), s.changes.end());
  return s;
}

// Sweeps the segments period by period: per settlement period, exact sums of outstanding × days,
// each rounded once to the 分.
absl::Status Sweep(const LoanInput& in, const Segments& seg, const LoanCaps& caps, int term_years, LoanResult* out) {
  const Int128 denominator = Int128(100) * Rate::kUnitsPerPercent * BasisDays(in.day_count);
  const int64_t base_cap = caps.subsidy_base_cap.fen();
  int64_t outstanding = in.principal.fen();
  size_t ri = 0, ci = 0, oi = 0;
  bool term_cut = false, overdue_cut = false;
  Money total_interest, total_subsidy;

  Date cursor = seg.lo;
  auto apply_repayments = [&](Date d) {
    while (ri < seg.repayments.size() && seg.repayments[ri].date <= d) {
      outstanding -= seg.repayments[ri++].principal.fen();  // validated: repayments sum to at most the principal
    }
  };
  apply_repayments(cursor);
  while (cursor <= seg.hi && outstanding > 0) {
    const DateRange period = SettlementPeriodContaining(cursor);
    const Date period_end = std::min(period.last(), seg.hi);
    Int128 interest_num = 0, subsidy_num = 0;
    int days = 0, subsidy_days = 0;
    while (cursor <= period_end && outstanding > 0) {
      while (ci < seg.changes.size() && seg.changes[ci] <= cursor) ++ci;
      Date seg_end = period_end;
      if (ci < seg.changes.size() && seg.changes[ci].AddDays(-1) < seg_end) seg_end = seg.changes[ci].AddDays(-1);
      const int len = DaysBetween(cursor, seg_end) + 1;
      days += len;
      interest_num += Int128(outstanding) * len;
      while (oi < seg.overdue.size() && seg.overdue[oi].last() < cursor) ++oi;
      const bool in_overdue = oi < seg.overdue.size() && seg.overdue[oi].first() <= cursor;
      if (out->eligible) {
        if (!(cursor < seg.term_end)) {
          term_cut = true;
        } else if (in_overdue) {
          overdue_cut = true;
        } else {
          subsidy_num += Int128(std::min(outstanding, base_cap)) * len;
          subsidy_days += len;
        }
      }
      cursor = seg_end.AddDays(1);
      apply_repayments(cursor);
    }
    if (days > 0) {
      auto interest = RoundQuotient(interest_num * in.annual_rate.units(), denominator);
      if (!interest.ok()) return interest.status();
      auto subsidy = RoundQuotient(subsidy_num * out->subsidy_rate.units(), denominator);
      if (!subsidy.ok()) return subsidy.status();
      SUBSIDY_CHECK(*subsidy <= *interest);
      const PeriodResult p{*DateRange::Make(std::max(period.first(), seg.window.first()),
                                            std::min(period.last(), seg.window.last())),
                           days, subsidy_days, Money::Fen(*interest), Money::Fen(*subsidy),
                           Money::Fen(*interest - *subsidy)};
      auto ti = total_interest.Plus(p.interest);
      auto ts = total_subsidy.Plus(p.subsidy);
      if (!ti.ok() || !ts.ok()) return absl::OutOfRangeError("loan totals overflow");
      total_interest = *ti;
      total_subsidy = *ts;
      out->periods.push_back(p);
    }
  }
  out->total_interest = total_interest;
  out->total_subsidy = total_subsidy;
  auto borrower = total_interest.Minus(total_subsidy);
  SUBSIDY_CHECK(borrower.ok());
  out->total_borrower = *borrower;

  if (term_cut) {
    out->reasons.push_back({kTermBeyondSubsidyLimit,
                            absl::StrCat("no subsidy from ", seg.term_end.ToString(), " (", term_years,
                                         "-year subsidy term from disbursement)"),
                            {{"term_end", seg.term_end.ToString()}, {"term_years", absl::StrCat(term_years)}}});
  }
  if (overdue_cut) out->reasons.push_back({kOverdueExcluded, "overdue or extended days earn no subsidy", {}});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LoanResult> CalculateLoanSubsidy(const LoanInput& in, const PolicyData& data) {
  if (auto s = ValidateLoan(in, data); !s.ok()) return s;
  LoanResult out;
  auto eligibility = DecideEligibility(in, data, &out);
  if (!eligibility.ok()) return eligibility.status();
  const Segments segments = SegmentsOf(in, eligibility->term_years);
  if (auto s = Sweep(in, segments, eligibility->caps, eligibility->term_years, &out); !s.ok()) return s;
  return out;
}

}  // namespace subsidy::loan
