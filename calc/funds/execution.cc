#include "funds/execution.h"

#include "absl/strings/str_format.h"
#include "common/status_util.h"

namespace subsidy::funds {

Ratio Ratio::Of(Money part, Money whole) { return Of(part.fen(), whole.fen()); }

Ratio Ratio::Of(int64_t part, int64_t whole) {
  if (whole <= 0) return Ratio();
  return Ratio(Int128(part), Int128(whole));
}

std::string Ratio::PercentText() const {
  // Hundredths of a percent: part × 10000 ÷ whole, half-up.
  auto hundredths = RoundQuotient(num_ * 10000, den_);
  SUBSIDY_CHECK(hundredths.ok());
  const int64_t h = *hundredths;
  return absl::StrFormat("%s%d.%02d", h < 0 ? "-" : "", std::abs(h) / 100, std::abs(h) % 100);
}

bool Ratio::BelowPercent(Rate percent) const {
  // num/den × 100 < units / kUnitsPerPercent
  return num_ * 100 * Rate::kUnitsPerPercent < Int128(percent.units()) * den_;
}

Ratio TimeProgress(int year, Date as_of, TimeBasis basis) {
  const Date first = Date::FromValidYmd(year, 1, 1), last = Date::FromValidYmd(year, 12, 31);
  if (as_of < first) return Ratio();
  if (as_of >= last) return Ratio::Of(1, 1);
  if (basis == TimeBasis::kDays) return Ratio::Of(DaysBetween(first, as_of) + 1, DaysBetween(first, last) + 1);
  const Date::Ymd d = as_of.ToYmd();
  // The month of as_of counts when as_of is its last day.
  const bool month_end = as_of.AddDays(1).ToYmd().month != d.month;
  return Ratio::Of(d.month - 1 + (month_end ? 1 : 0), 12);
}

Pace PaceOf(const Ratio& execution, const Ratio& time, Rate tolerance_points) {
  if (execution >= time) return Pace::kAhead;
  // execution + t/100 ≥ time, with t a percentage (Rate units of 1e-8 %).
  const Int128 scale = Int128(100) * Rate::kUnitsPerPercent;
  const Int128 lhs = (execution.numerator() * scale + Int128(tolerance_points.units()) * execution.denominator()) *
                     time.denominator();
  const Int128 rhs = time.numerator() * execution.denominator() * scale;
  return lhs >= rhs ? Pace::kBehind : Pace::kLagging;
}

bool InTargetRegion(const std::string& region_code, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (!p.empty() && region_code.rfind(p, 0) == 0) return true;
  }
  return false;
}

absl::StatusOr<Ratio> TargetShare(const std::vector<RegionAllocation>& allocations,
                                  const std::vector<std::string>& prefixes) {
  Money target, all;
  for (const auto& a : allocations) {
    auto sum = all.Plus(a.allocated);
    if (!sum.ok()) return sum.status();
    all = *sum;
    if (!InTargetRegion(a.region_code, prefixes)) continue;
    auto part = target.Plus(a.allocated);
    if (!part.ok()) return part.status();
    target = *part;
  }
  return Ratio::Of(target, all);
}

bool IsIdle(Money allocated, Money paid, Date last_movement, Date as_of, int idle_days) {
  return paid < allocated && DaysBetween(last_movement, as_of) > idle_days;
}

bool IsOverdue(Date due_date, Date as_of) { return due_date < as_of; }

}  // namespace subsidy::funds
