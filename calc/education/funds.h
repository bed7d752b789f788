// Compulsory-education funds: grant splits by ratio, spending order, expenditure draws and
// progress figures. Pure functions over plain values; the ledger itself lives in storage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "money/money.h"

namespace subsidy::education {

// The level a school's money comes from; a fund's level is the source of what it allocates to a
// school. A county (县级) is the district's peer level.
enum class FundSource { kCentralDirect, kMunicipal, kDistrict, kCounty, kProvincial };
inline constexpr FundSource kAllSources[] = {FundSource::kCentralDirect, FundSource::kProvincial,
                                             FundSource::kMunicipal, FundSource::kDistrict, FundSource::kCounty};
// API enum names: CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT, COUNTY (also the fund levels).
const char* FundSourceName(FundSource s);
std::optional<FundSource> FundSourceFromName(absl::string_view name);

struct Share {
  FundSource source;
  int64_t weight;
};
struct SourceAmount {
  FundSource source;
  Money amount;
};

// amount_i = floor(total × w_i ÷ Σw); the remaining 分 go one each to the largest fractional
// remainders, ties to the earlier share. Parts always sum to the total. INVALID_ARGUMENT naming
// the field for: no shares, a weight <= 0, a negative total, a source twice, an overflow.
absl::StatusOr<std::vector<SourceAmount>> SplitGrant(Money total, const std::vector<Share>& shares);

// The same largest-remainder split over plain integer weights (e.g. a central : local ratio).
absl::StatusOr<std::vector<Money>> SplitByWeights(Money total, const std::vector<int64_t>& weights);

struct FundPosition {
  FundSource source;
  Money allocated;
  Money spent;
  // A ledger never spends more than it was given (the database holds spent <= allocated).
  Money balance() const { return Money::Fen(allocated.fen() - spent.fen()); }
};

// A school's positions in its spending order, every source of the order listed (a source that
// never had an allocation stands at zero).
std::vector<FundPosition> InSpendingOrder(const std::vector<FundPosition>& accounts,
                                          const std::vector<FundSource>& order);

// A school's progress: per source in spending order, and overall (sums checked).
struct SchoolProgress {
  struct Line {
    FundSource source;
    Money allocated;
    Money spent;
    std::string progress_percent;
  };
  std::vector<Line> sources;
  Money allocated;
  Money spent;
  std::string progress_percent;
};
absl::StatusOr<SchoolProgress> ProgressOf(const std::vector<FundPosition>& positions_in_order);

// Draws `amount` from the permitted sources in `order`, min(balance, remaining) each.
// FAILED_PRECONDITION INSUFFICIENT_FUNDS when the permitted balances do not cover it.
absl::StatusOr<std::vector<SourceAmount>> PlanExpenditure(const std::vector<FundPosition>& positions_in_order,
                                                          const std::vector<FundSource>& permitted, Money amount);

// spent ÷ allocated × 100, rounded half-up to two decimals, as text ("85.80"; "0.00" when
// nothing is allocated).
std::string ProgressPercent(Money spent, Money allocated);

inline constexpr char kInsufficientFunds[] = "INSUFFICIENT_FUNDS";
inline constexpr char kCategoryForbidden[] = "EXPENDITURE_CATEGORY_FORBIDDEN";

}  // namespace subsidy::education

namespace subsidy::education {

// A school's ledger read line by line: what each source holds after each line. An allocation
// adds to its source, an expenditure takes its draws, a reversal gives them back.
class RunningBalances {
 public:
  enum class Move { kIn, kOut };
  // Applies one line's per-source amounts; false (nothing applied) on an overflow.
  bool Apply(Move move, const std::vector<SourceAmount>& amounts);
  // Every source seen so far, with its balance, in the order first seen.
  const std::vector<SourceAmount>& balances() const { return balances_; }
  Money total() const { return total_; }

 private:
  std::vector<SourceAmount> balances_;
  Money total_;
};

}  // namespace subsidy::education

namespace subsidy::education {

// A school's money of one source is its funds' (allocated to it by FundService funds, paid out
// only by its expenditures) and its own (allocations without a fund). What is left of its own:
// what it was allocated without a fund, less what it spent beyond what its funds paid. Never
// negative. An expenditure takes its source's fund money first and may take of its own only this.
Money OwnMoneyLeft(const FundPosition& account, Money fund_allocated, Money fund_paid);

}  // namespace subsidy::education
