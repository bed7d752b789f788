// The loan interest-subsidy engine (财政贴息): plain structs in, plain structs and reasons out.
// Conventions (normative; bank systems reconcile against them to the 分):
//  - a loan accrues on each day d with disbursement <= d < maturity while principal is
//    outstanding; a repayment dated d reduces the principal from day d on;
//  - settlement periods run 21st … 20th (Dec 21–Mar 20, Mar 21–Jun 20, Jun 21–Sep 20,
//    Sep 21–Dec 20); one result per period with an accrual day in the window;
//  - per period, exactly: interest = Σ outstanding × rate ÷ 100 ÷ basis and
//    subsidy = Σ over subsidised days min(outstanding, base cap) × subsidy rate ÷ 100 ÷ basis,
//    each rounded half-up to the 分 once; borrower = interest − subsidy.
// The work is per segment of constant principal, never per day.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status_util.h"
#include "money/money.h"
#include "money/rate.h"
#include "policy/policy_data.h"
#include "time/date.h"

namespace subsidy::loan {

// Reason codes (stable; part of the API).
inline constexpr char kNoApplicableRegime[] = "NO_APPLICABLE_REGIME";
inline constexpr char kRateAboveCeiling[] = "RATE_ABOVE_CEILING";
inline constexpr char kPrincipalAboveCap[] = "PRINCIPAL_ABOVE_CAP";
inline constexpr char kPriorLoansLimit[] = "PRIOR_LOANS_LIMIT";
inline constexpr char kTermBeyondSubsidyLimit[] = "TERM_BEYOND_SUBSIDY_LIMIT";
inline constexpr char kOverdueExcluded[] = "OVERDUE_EXCLUDED";
inline constexpr char kLprUnconfirmed[] = "LPR_UNCONFIRMED";
// A loan that cannot be computed (INVALID_ARGUMENT naming the field, with one of these reasons).
inline constexpr char kLoanPrincipalNotPositive[] = "LOAN_PRINCIPAL_NOT_POSITIVE";
inline constexpr char kLoanPrincipalTooLarge[] = "LOAN_PRINCIPAL_TOO_LARGE";  // {max_yuan}
inline constexpr char kLoanUnknownProvince[] = "LOAN_UNKNOWN_PROVINCE";     // {province}
inline constexpr char kLoanCountNegative[] = "LOAN_COUNT_NEGATIVE";
inline constexpr char kLoanPartnershipNeedsPartners[] = "LOAN_PARTNERSHIP_NEEDS_PARTNERS";
inline constexpr char kLoanDisbursedBeforeContract[] = "LOAN_DISBURSED_BEFORE_CONTRACT";
inline constexpr char kLoanMaturityNotAfterDisbursement[] = "LOAN_MATURITY_NOT_AFTER_DISBURSEMENT";
inline constexpr char kLoanRepaymentOutsideLife[] = "LOAN_REPAYMENT_OUTSIDE_LIFE";  // {item, date}
inline constexpr char kLoanRepaymentNotPositive[] = "LOAN_REPAYMENT_NOT_POSITIVE";
inline constexpr char kLoanRepaymentsAbovePrincipal[] = "LOAN_REPAYMENTS_ABOVE_PRINCIPAL";

// The largest principal accepted as input: 10 trillion 元 (keeps every product far from overflow).
inline constexpr int64_t kMaxPrincipalFen = 1'000'000'000'000'000;

struct Repayment {
  Date date;
  Money principal;
};

struct LoanInput {
  std::string loan_id;
  std::string province;
  RegionTier region_tier = RegionTier::kEast;
  LoanProgram program = LoanProgram::kIndividual;
  int partner_count = 0;
  int prior_subsidized_loans = 0;
  Money principal;
  Date contract_date;
  Date disbursement_date;
  Date maturity_date;
  Rate annual_rate;
  LprTenor lpr_tenor = LprTenor::kOneYear;
  std::vector<Repayment> repayments;
  std::vector<DateRange> overdue_periods;
  std::optional<DateRange> claim_period;  // none: the whole life of the loan
  DayCount day_count = DayCount::kAct360;
};

// A code, the developer's sentence, and what the code's text in data/messages.textproto is
// filled with (rate_percent, ceiling_percent, …): what a person reads is written from those.
struct Reason {
  std::string code;
  std::string message;
  StatusParams params;
};

struct PeriodResult {
  DateRange range;  // the settlement period clipped to the window
  int days = 0;     // accrual days in it
  int subsidy_days = 0;  // of which earned a subsidy
  Money interest;
  Money subsidy;
  Money borrower;
};

struct LoanResult {
  bool eligible = false;
  std::vector<Reason> reasons;
  std::string regime_id;
  std::optional<Rate> lpr;
  std::optional<Rate> ceiling;
  Rate subsidy_rate;  // 0 when not eligible
  std::vector<PeriodResult> periods;
  Money total_interest;
  Money total_subsidy;
  Money total_borrower;
};

// The terms in force for a loan, one function for the preview (GetLoanPolicy) and the
// calculation, so that the two can never disagree: the regime for the province, program and
// contract date; the LPR tenor (a loan of at most one year uses the 1-year LPR whatever tenor
// is asked for); the LPR fixing in force on the contract date; the ceiling = LPR + the regime's
// spread for the province and region tier.
struct LoanTerms {
  std::optional<RegimeMatch> match;  // none: no regime applies
  LprTenor tenor = LprTenor::kOneYear;
  const LprFixing* fixing = nullptr;  // null when the data has no fixing in force
  std::string fixing_error;           // why not, when null
  std::optional<Rate> lpr;
  bool lpr_confirmed = false;
  int ceiling_spread_bp = 0;
  std::optional<Rate> ceiling;  // with a regime and an LPR
};
// `term` is the loan's disbursement and maturity when known (else the tenor asked for stands).
LoanTerms TermsFor(const PolicyData& data, const std::string& province, LoanProgram program, RegionTier tier,
                   Date contract_date, LprTenor requested, std::optional<std::pair<Date, Date>> term);

// INVALID_ARGUMENT naming the API field (e.g. "repayments[1].date") for input no bank could mean.
absl::Status ValidateLoan(const LoanInput& in, const PolicyData& data);

// Validates, then computes. Ineligible loans still get their interest, with subsidy 0.
absl::StatusOr<LoanResult> CalculateLoanSubsidy(const LoanInput& in, const PolicyData& data);

// The settlement period (21st … 20th, quarterly) containing `d`.
DateRange SettlementPeriodContaining(Date d);

// The regime's caps for a loan: partnerships scale with the partner count.
struct LoanCaps {
  Money loan_cap;
  Money subsidy_base_cap;
};
LoanCaps CapsFor(const ProgramTerms& terms, int partner_count);

// How many earlier subsidised loans a borrower may have had under the regime.
int PriorLoansAllowed(const LoanRegime& regime);

// The annual subsidy rate the regime's formula gives, never above the contract rate or below 0.
// `share_percent`: kRateShare's share (a whole percentage, so that the product stays exact).
absl::StatusOr<Rate> SubsidyRateFor(SubsidyFormula formula, Rate contract_rate, Rate lpr, int share_percent = 0);

}  // namespace subsidy::loan
