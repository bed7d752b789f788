#include "reward/schedule.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace subsidy::reward {
namespace {
const absl::TimeZone& ChinaStandardTime() {
  static const absl::TimeZone* tz = new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return *tz;
}
Date DayOf(absl::Time t) {
  const absl::CivilDay d = absl::ToCivilDay(t, ChinaStandardTime());
  return Date::FromValidYmd(static_cast<int>(d.year()), d.month(), d.day());
}
}  // namespace

absl::StatusOr<int> ParseTimeOfDay(absl::string_view hhmm) {
  int h = 0, m = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' || !absl::SimpleAtoi(hhmm.substr(0, 2), &h) ||
      !absl::SimpleAtoi(hhmm.substr(3, 2), &m) || h < 0 || h > 23 || m < 0 || m > 59) {
    return absl::InvalidArgumentError(absl::StrCat("\"", hhmm, "\" is not a time of day HH:MM (00:00 … 23:59)"));
  }
  return h * 60 + m;
}

absl::Time RunTimeOn(Date day, int minute_of_day) {
  const Date::Ymd d = day.ToYmd();
  return absl::FromCivil(absl::CivilMinute(d.year, d.month, d.day, minute_of_day / 60, minute_of_day % 60),
                         ChinaStandardTime());
}

absl::StatusOr<std::optional<Date>> LatestRunDay(const WorkingDayCalendar& calendar, absl::Time now,
                                                 int minute_of_day) {
  const Date today = DayOf(now);
  for (int back = 0; back <= 60; ++back) {
    const Date d = today.AddDays(-back);
    if (RunTimeOn(d, minute_of_day) > now) continue;
    auto working = calendar.IsWorkingDay(d);
    if (!working.ok()) return working.status();
    if (*working) return std::optional<Date>(d);
  }
  return std::optional<Date>();
}

absl::StatusOr<Date> NextRunDay(const WorkingDayCalendar& calendar, absl::Time now, int minute_of_day) {
  const Date today = DayOf(now);
  for (int ahead = 0; ahead <= 60; ++ahead) {
    const Date d = today.AddDays(ahead);
    if (RunTimeOn(d, minute_of_day) <= now) continue;
    auto working = calendar.IsWorkingDay(d);
    if (!working.ok()) return working.status();
    if (*working) return d;
  }
  return absl::FailedPreconditionError("no working day in the next 60 days of the calendar");
}

std::string ScheduledRunId(Date day) { return "auto-" + day.ToString(); }

}  // namespace subsidy::reward
