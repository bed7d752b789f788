// Policy what-if (政策测算): a loan book run through the engine under the rules in force and under
// a draft (loan/reform.h), quarter by quarter, and the subsidy cost of a book in coming quarters
// (ForecastBook). Both sides are the engine's own per-period figures, so the in-force side of a
// paid claim's loans equals what was claimed to the 分. Pure and single-threaded: a caller
// splits a large book into shards (one WhatIf each) and merges them.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "loan/loan_engine.h"

namespace subsidy::loan {

// What a forecast's figures rest on (reasons, texts in data/messages.textproto).
inline constexpr char kForecastBookAsOf[] = "FORECAST_BOOK_AS_OF";        // {as_of, loans}
inline constexpr char kForecastLprFlat[] = "FORECAST_LPR_FLAT";           // {effective_date, lpr_percent}
inline constexpr char kForecastLprPath[] = "FORECAST_LPR_PATH";           // {points}
inline constexpr char kForecastNewLending[] = "FORECAST_NEW_LENDING";     // {yearly_yuan}
inline constexpr char kForecastNoNewLending[] = "FORECAST_NO_NEW_LENDING";

// A loan of the book: the bank's loan with its terms as last known (claim_period unset), or a
// paid claim's line, run for its own quarter only and carrying what was claimed.
struct BookLoan {
  std::string bank_id;
  LoanInput input;
  std::optional<DateRange> only_period;  // a claim line's settlement period
  std::optional<Money> claimed;          // a claim line's claimed subsidy
};

// What the breakdowns are by.
enum class Dimension { kBank, kProvince, kProgram, kBorrowerType };
inline constexpr Dimension kDimensions[] = {Dimension::kBank, Dimension::kProvince, Dimension::kProgram,
                                            Dimension::kBorrowerType};
const char* DimensionName(Dimension d);  // BANK, PROVINCE, PROGRAM, BORROWER_TYPE
// INDIVIDUAL (individuals, partnerships of individuals, poverty micro-credit) or SMALL_BUSINESS.
const char* BorrowerTypeOf(LoanProgram p);

struct Figures {
  Money in_force;
  Money draft;
  Money claimed;       // the claim lines' claimed subsidy (paid claims only)
  int64_t loans = 0;   // loans with a subsidy on either side
  Money difference() const { return Money::Fen(draft.fen() - in_force.fen()); }
};

struct WhatIfCell {
  Dimension dimension;
  std::string value;
  int quarter = 0;  // index into the quarters
  Figures figures;
};

// A loan eligible on one side only.
struct EligibilityChange {
  std::string bank_id;
  std::string loan_id;
  bool eligible_in_force = false;
  bool eligible_draft = false;
  std::vector<Reason> reasons_in_force;  // the blocking reasons of the ineligible side
  std::vector<Reason> reasons_draft;
  Money difference;  // draft − in force over the window
};

struct LoanFailure {
  std::string bank_id;
  std::string loan_id;
  absl::Status status;
};

struct WhatIfResult {
  std::vector<DateRange> quarters;
  std::vector<Figures> by_quarter;
  Figures total;
  std::vector<WhatIfCell> breakdown;  // by dimension, value, quarter
  std::vector<EligibilityChange> changed;  // the largest differences first, up to the limit
  int64_t changed_count = 0;
  int64_t loans = 0;
  std::vector<LoanFailure> failures;  // up to the limit; failed_count counts all
  int64_t failed_count = 0;
  int64_t lpr_presumed = 0;  // loans computed with an unconfirmed LPR (reason LPR_UNCONFIRMED)
};

// The settlement periods from the one containing `from` through the one containing `to`.
std::vector<DateRange> QuartersBetween(Date from, Date to);

// One shard of a what-if. `quarters` contiguous and ascending settlement periods.
class WhatIf {
 public:
  WhatIf(std::vector<DateRange> quarters, const PolicyData& in_force, const PolicyData& draft, int list_limit);
  // A loan whose input the engine refuses is counted and listed, never guessed at.
  void Add(const BookLoan& loan);
  void Merge(WhatIf&& other);
  WhatIfResult Finish() &&;

 private:
  int QuarterOf(Date d) const;
  std::vector<DateRange> quarters_;
  const PolicyData& in_force_;
  const PolicyData& draft_;
  int list_limit_;
  WhatIfResult r_;
  std::map<std::pair<int, std::string>, std::vector<Figures>> cells_;  // (dimension, value) → quarters
};

// ---- the forecast ------------------------------------------------------------------------------

// New lending assumed per year, split by mix; each quarter's share is lent on the quarter's first
// day as loans of the average principal (and one for the remainder).
struct NewLendingMix {
  LoanProgram program = LoanProgram::kIndividual;
  int share_percent = 0;
  std::string province;
  RegionTier region_tier = RegionTier::kEast;
  Money average_principal;
  int rate_spread_bp = 0;  // the contract rate over the LPR in force on the contract date
  int term_months = 24;
  int partner_count = 0;
};
struct NewLending {
  Money yearly_principal;
  std::vector<NewLendingMix> mix;  // shares sum to 100
};
absl::Status ValidateNewLending(const NewLending& n, const PolicyData& data);

struct Driver {
  std::string bank_id;
  std::string loan_id;
  Money subsidy;
};

struct ForecastQuarter {
  DateRange period;
  Money book;         // the loans of the book
  Money new_lending;  // the assumed new loans
  int64_t loans = 0;  // the book's loans with a subsidy in the quarter
  std::vector<Driver> drivers;  // the book's largest, up to the limit
};

struct ForecastResult {
  std::vector<ForecastQuarter> quarters;
  int64_t loans = 0;
  std::vector<LoanFailure> failures;
  int64_t failed_count = 0;
};

// One shard of a forecast: the book's loans run over the quarters.
class Forecast {
 public:
  Forecast(std::vector<DateRange> quarters, const PolicyData& data, int drivers, int list_limit);
  void Add(const BookLoan& loan);
  void Merge(Forecast&& other);
  // Adds the assumed new lending (once, on the merged forecast).
  absl::Status AddNewLending(const NewLending& lending);
  ForecastResult Finish() &&;

 private:
  void Keep(int q, Driver d);
  std::vector<DateRange> quarters_;
  const PolicyData& data_;
  int drivers_;
  int list_limit_;
  ForecastResult r_;
};

// Months later, the day clamped to the month's last (2024-01-31 + 1 month = 2024-02-29).
Date AddMonths(Date d, int months);

// The principal outstanding on `d`: less every repayment dated on or before it.
Money OutstandingOn(const LoanInput& loan, Date d);

// A forecast's LPR scenario: `path` (ascending, every point after the table's latest fixing)
// appended to the table as unconfirmed fixings. INVALID_ARGUMENT naming lpr_path[i].
absl::StatusOr<std::shared_ptr<const PolicyData>> WithLprPath(const PolicyData& data, std::vector<LprFixing> path);

// A forecast's error against what was claimed, in percent to 2 places, half-up by the one
// rounding function ("" when nothing was claimed): -1.25 for 98.75 against 100.
std::string ErrorPercent(Money error, Money claimed);

}  // namespace subsidy::loan
