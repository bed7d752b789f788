// Budget execution against time progress (序时进度): the pure definitions every fund report and
// alert is computed with. Figures are exact fractions; they become text ("47.60") only for
// display, rounded half-up to 2 decimals by the one rounding function.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "money/exact.h"
#include "money/money.h"
#include "money/rate.h"
#include "time/date.h"

namespace subsidy::funds {

// An exact fraction part ÷ whole (≥ 0). A whole of 0 is the fraction 0.
class Ratio {
 public:
  Ratio() = default;
  static Ratio Of(Money part, Money whole);
  static Ratio Of(int64_t part, int64_t whole);
  const Int128& numerator() const { return num_; }
  const Int128& denominator() const { return den_; }
  // × 100, half-up to 2 decimals: "41.37"; a whole of 0 gives "0.00".
  std::string PercentText() const;
  // Exact comparisons.
  bool operator<(const Ratio& o) const { return num_ * o.den_ < o.num_ * den_; }
  bool operator>=(const Ratio& o) const { return !(*this < o); }
  // Whether this × 100 is below `percent` (a Rate is a percentage).
  bool BelowPercent(Rate percent) const;

 private:
  Ratio(Int128 n, Int128 d) : num_(std::move(n)), den_(std::move(d)) {}
  Int128 num_ = 0;
  Int128 den_ = 1;
};

enum class TimeBasis { kDays, kMonths };

// Time progress of budget year `year` as of `as_of`: DAYS, the day of the year ÷ the days in it;
// MONTHS, the months whose last day is on or before as_of ÷ 12. 0 before the year, 1 after it.
Ratio TimeProgress(int year, Date as_of, TimeBasis basis);

enum class Pace { kAhead, kBehind, kLagging };
// AHEAD when execution ≥ time; BEHIND when time − tolerance ≤ execution < time; LAGGING below.
// The tolerance is in percentage points.
Pace PaceOf(const Ratio& execution, const Ratio& time, Rate tolerance_points);

// Whether a recipient's region counts towards a fund's target: its code starts with a prefix.
bool InTargetRegion(const std::string& region_code, const std::vector<std::string>& prefixes);

// A fund's target share: what went to recipients in its target regions ÷ all it allocated (sums
// checked). Only for a fund with targets.
struct RegionAllocation {
  std::string region_code;
  Money allocated;
};
absl::StatusOr<Ratio> TargetShare(const std::vector<RegionAllocation>& allocations,
                                  const std::vector<std::string>& prefixes);

// A recipient's allocation is idle as of `as_of` when money of it is unpaid and its last movement
// (an allocation or a payment) is more than `idle_days` calendar days before as_of.
bool IsIdle(Money allocated, Money paid, Date last_movement, Date as_of, int idle_days);

// A SCHEDULED payout is overdue as of `as_of` from the day after its due date.
bool IsOverdue(Date due_date, Date as_of);

}  // namespace subsidy::funds
