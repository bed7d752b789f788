// Loan interest-subsidy regimes and the LPR table, as loaded from data/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "money/money.h"
#include "money/rate.h"
#include "policy/vocabulary.h"
#include "time/date.h"

namespace subsidy {

enum class LoanProgram { kIndividual, kPartnership, kSmallBusiness, kPovertyMicrocredit };
enum class RegionTier { kEast, kCentralWest, kPovertyArea };
enum class LprTenor { kOneYear, kFiveYear };

const char* LoanProgramName(LoanProgram p);  // the API enum names, e.g. ENTREPRENEUR_INDIVIDUAL
std::optional<LoanProgram> LoanProgramFromName(absl::string_view name);
const char* LprTenorName(LprTenor t);

// kRateShare: the contract rate × subsidy_share_percent ÷ 100 (a draft's subsidy share, reform.h).
enum class SubsidyFormula { kContractRate, kLprHalf, kRateAboveLprMinus150bp, kRateHalf, kRateShare };
const char* SubsidyFormulaName(SubsidyFormula f);

struct ProgramTerms {
  LoanProgram program;
  SubsidyFormula formula;
  Money loan_cap;
  Money subsidy_base_cap;
  Money per_partner_loan_cap;   // partnerships only
  Money per_partner_base_cap;   // partnerships only
  int partner_markup_percent = 100;
  int subsidy_term_years = 0;
  int subsidy_share_percent = 0;  // kRateShare only
  std::optional<Certainty> status;  // none: the regime's
  std::string note;
};

struct LoanRegime {
  std::string regime_id;
  std::string name;
  std::optional<DateRange> default_window;
  std::map<std::string, std::vector<DateRange>> province_windows;
  int spread_east_bp = 0;
  int spread_central_west_bp = 0;
  int spread_poverty_area_bp = 0;
  std::map<std::string, int> province_spread_bp;
  int max_prior_subsidized_loans = 0;
  std::vector<ProgramTerms> terms;
  Certainty status = Certainty::kUnverified;
  std::string source;
  std::string note;

  const ProgramTerms* TermsFor(LoanProgram p) const;
  int CeilingSpreadBp(const std::string& province, RegionTier tier) const;
};

struct RegimeMatch {
  const LoanRegime* regime;
  const ProgramTerms* terms;
};

class LoanRegimeTable {
 public:
  // Refuses a table in which two regimes could both apply to one (province, program, date).
  static absl::StatusOr<LoanRegimeTable> Build(std::vector<LoanRegime> regimes);
  // A regime whose province window contains the date wins over a default window.
  std::optional<RegimeMatch> Find(const std::string& province, LoanProgram program, Date contract_date) const;
  const std::vector<LoanRegime>& regimes() const { return regimes_; }

 private:
  std::vector<LoanRegime> regimes_;
};

struct LprFixing {
  Date effective_date;
  Rate one_year;
  Rate five_year;
  Certainty status = Certainty::kUnverified;
  std::string source;
  Rate ForTenor(LprTenor t) const { return t == LprTenor::kFiveYear ? five_year : one_year; }
};

class LprTable {
 public:
  static absl::StatusOr<LprTable> Build(std::vector<LprFixing> fixings, Date last_confirmed);
  // The fixing in force on `d` (latest effective on or before it); NOT_FOUND before the first.
  absl::StatusOr<const LprFixing*> InForce(Date d) const;
  // False for a date after the last confirmed fixing: the latest value is only presumed.
  bool Confirmed(Date d) const { return d <= last_confirmed_; }
  Date last_confirmed() const { return last_confirmed_; }
  const std::vector<LprFixing>& fixings() const { return fixings_; }

 private:
  std::vector<LprFixing> fixings_;
  Date last_confirmed_;
};

}  // namespace subsidy
