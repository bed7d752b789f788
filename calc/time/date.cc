#include "time/date.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_util.h"

namespace subsidy {
namespace {

// Howard Hinnant's civil-date algorithms (public domain), proleptic Gregorian.
constexpr int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

struct CivilYmd {
  int y;
  unsigned m, d;
};

constexpr CivilYmd CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);

}  // namespace

bool Date::IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int Date::DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

absl::StatusOr<Date> Date::FromYmd(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) {
    return absl::InvalidArgumentError(absl::StrCat("year ", year, " outside ", kMinYear, "..", kMaxYear));
  }
  if (month < 1 || month > 12) return absl::InvalidArgumentError(absl::StrCat("no month ", month));
  if (day < 1 || day > DaysInMonth(year, month)) {
    return absl::InvalidArgumentError(absl::StrFormat("%04d-%02d has no day %d", year, month, day));
  }
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

absl::StatusOr<Date> Date::Parse(absl::string_view t) {
  auto digits = [&](size_t pos, size_t n, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(t[i]))) return false;
      v = v * 10 + (t[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, m, d;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-' || !digits(0, 4, &y) || !digits(5, 2, &m) ||
      !digits(8, 2, &d)) {
    return absl::InvalidArgumentError(absl::StrCat("not a YYYY-MM-DD date: \"", t, "\""));
  }
  auto date = FromYmd(y, m, d);
  if (!date.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("not a valid date: \"", t, "\" (", date.status().message(), ")"));
  }
  return date;
}

Date::Ymd Date::ToYmd() const {
  const auto c = CivilFromDays(days_);
  return {c.y, static_cast<int>(c.m), static_cast<int>(c.d)};
}

Date Date::FromValidYmd(int year, int month, int day) {
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

int Date::year() const { return CivilFromDays(days_).y; }
int Date::month() const { return static_cast<int>(CivilFromDays(days_).m); }
int Date::day() const { return static_cast<int>(CivilFromDays(days_).d); }

int Date::iso_weekday() const {
  // 1970-01-01 was a Thursday (4).
  const int32_t w = (days_ % 7 + 7 + 3) % 7;  // 0 = Monday
  return w + 1;
}

Date Date::AddYears(int n) const {
  const CivilYmd c = CivilFromDays(days_);
  const int y = c.y + n;
  unsigned d = c.d;
  if (c.m == 2 && d == 29 && !IsLeapYear(y)) d = 28;
  return Date(DaysFromCivil(y, c.m, d));
}

std::string Date::ToString() const {
  const CivilYmd c = CivilFromDays(days_);
  // Years are 1900..2199 by construction: four digits.
  char out[10] = {static_cast<char>('0' + c.y / 1000 % 10), static_cast<char>('0' + c.y / 100 % 10),
                  static_cast<char>('0' + c.y / 10 % 10),   static_cast<char>('0' + c.y % 10),
                  '-',
                  static_cast<char>('0' + c.m / 10),         static_cast<char>('0' + c.m % 10),
                  '-',
                  static_cast<char>('0' + c.d / 10),         static_cast<char>('0' + c.d % 10)};
  return std::string(out, sizeof out);
}

absl::StatusOr<DateRange> DateRange::Make(Date first, Date last) {
  if (last < first) {
    return absl::InvalidArgumentError(
        absl::StrCat("range ends (", last.ToString(), ") before it starts (", first.ToString(), ")"));
  }
  return DateRange(first, last);
}

DateRange DateRange::Intersect(const DateRange& o) const {
  SUBSIDY_CHECK(Intersects(o));
  return DateRange(first_ < o.first_ ? o.first_ : first_, last_ < o.last_ ? last_ : o.last_);
}

std::string DateRange::ToString() const { return absl::StrCat(first_.ToString(), "..", last_.ToString()); }

}  // namespace subsidy
