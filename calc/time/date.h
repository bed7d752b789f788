// Civil dates (China Standard Time, no time of day), inclusive date ranges and day-count bases.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace subsidy {

class Date {
 public:
  static constexpr int kMinYear = 1900;  // wide enough for any loan; keeps day products bounded
  static constexpr int kMaxYear = 2199;

  constexpr Date() = default;
  // Valid only for a real calendar date within [kMinYear, kMaxYear].
  static absl::StatusOr<Date> FromYmd(int year, int month, int day);
  // Exactly "YYYY-MM-DD": refuses 2023-02-29, 2024-13-01, "2024-1-05", spaces, anything else.
  static absl::StatusOr<Date> Parse(absl::string_view text);
  static constexpr Date FromDaysSinceEpoch(int32_t days) { return Date(days); }

  constexpr int32_t days_since_epoch() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  struct Ymd {
    int year, month, day;
  };
  Ymd ToYmd() const;  // one conversion for all three fields
  // For already-valid fields only (e.g. a settlement boundary): no checks.
  static Date FromValidYmd(int year, int month, int day);
  // ISO weekday: 1 = Monday … 7 = Sunday.
  int iso_weekday() const;
  bool is_weekend() const { return iso_weekday() >= 6; }

  constexpr Date AddDays(int32_t n) const { return Date(days_ + n); }
  // Same month and day n years later; 29 February maps to 28 February in a common year.
  Date AddYears(int n) const;

  std::string ToString() const;  // "YYYY-MM-DD"

  constexpr auto operator<=>(const Date&) const = default;

  static bool IsLeapYear(int year);
  static int DaysInMonth(int year, int month);

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;  // days since 1970-01-01
};

// Days from a to b (b − a); negative when b is earlier.
constexpr int32_t DaysBetween(Date a, Date b) { return b.days_since_epoch() - a.days_since_epoch(); }

// A range of civil dates, inclusive at both ends (API convention). Never empty: first <= last.
class DateRange {
 public:
  static absl::StatusOr<DateRange> Make(Date first, Date last);
  constexpr Date first() const { return first_; }
  constexpr Date last() const { return last_; }
  constexpr int32_t days() const { return DaysBetween(first_, last_) + 1; }
  constexpr bool Contains(Date d) const { return first_ <= d && d <= last_; }
  // The overlap, if any.
  bool Intersects(const DateRange& o) const { return first_ <= o.last_ && o.first_ <= last_; }
  DateRange Intersect(const DateRange& o) const;  // requires Intersects(o)
  constexpr bool operator==(const DateRange&) const = default;
  std::string ToString() const;

 private:
  constexpr DateRange(Date f, Date l) : first_(f), last_(l) {}
  Date first_, last_;
};

// Day-count basis for a daily rate = annual rate ÷ basis. ACT/360 is the PBOC convention.
enum class DayCount { kAct360, kAct365 };
constexpr int BasisDays(DayCount dc) { return dc == DayCount::kAct365 ? 365 : 360; }

}  // namespace subsidy
