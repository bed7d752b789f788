#include "time/calendar.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace subsidy {

absl::StatusOr<WorkingDayCalendar> WorkingDayCalendar::Build(int first_year, int last_year,
                                                             const std::vector<Day>& days) {
  if (first_year > last_year) return absl::InvalidArgumentError("calendar covers no year");
  auto first = Date::FromYmd(first_year, 1, 1);
  auto last = Date::FromYmd(last_year, 12, 31);
  if (!first.ok()) return first.status();
  if (!last.ok()) return last.status();
  WorkingDayCalendar cal;
  cal.first_year_ = first_year;
  cal.last_year_ = last_year;
  cal.first_ = *first;
  cal.last_ = *last;
  const int32_t n = DaysBetween(*first, *last) + 1;
  cal.working_.assign(static_cast<size_t>(n), 0);
  for (int32_t i = 0; i < n; ++i) cal.working_[i] = first->AddDays(i).is_weekend() ? 0 : 1;
  std::vector<uint8_t> listed(static_cast<size_t>(n), 0);
  for (const Day& day : days) {
    if (!cal.Covers(day.date)) continue;
    const int32_t i = DaysBetween(*first, day.date);
    if (listed[i]) return absl::InvalidArgumentError(absl::StrCat(day.date.ToString(), " is listed twice"));
    listed[i] = 1;
    if (day.makeup_workday) {
      if (!day.date.is_weekend()) {
        return absl::InvalidArgumentError(
            absl::StrCat(day.date.ToString(), " is a make-up working day but not a Saturday or Sunday"));
      }
      cal.working_[i] = 1;
    } else {
      cal.working_[i] = 0;
    }
  }
  cal.cumulative_.resize(static_cast<size_t>(n));
  int32_t sum = 0;
  for (int32_t i = 0; i < n; ++i) cal.cumulative_[i] = sum += cal.working_[i];
  return cal;
}

absl::Status WorkingDayCalendar::CheckCovered(Date d) const {
  if (Covers(d)) return absl::OkStatus();
  return WithParams(FailedPrecondition(kCalendarNotAvailable,
                                       absl::StrCat("the working-day calendar does not cover ", d.ToString(),
                                                    " (it covers ", first_year_, "–", last_year_, ")")),
                    {{"date", d.ToString()},
                     {"first_year", absl::StrCat(first_year_)},
                     {"last_year", absl::StrCat(last_year_)}});
}

absl::StatusOr<bool> WorkingDayCalendar::IsWorkingDay(Date d) const {
  if (auto s = CheckCovered(d); !s.ok()) return s;
  return working_[DaysBetween(first_, d)] != 0;
}

absl::StatusOr<Date> WorkingDayCalendar::AddWorkingDays(Date from, int n) const {
  if (n < 0) return absl::InvalidArgumentError("working-day count must be >= 0");
  if (auto s = CheckCovered(from); !s.ok()) return s;
  Date d = from;
  for (int counted = 0; counted < n;) {
    d = d.AddDays(1);
    if (auto s = CheckCovered(d); !s.ok()) return s;
    counted += working_[DaysBetween(first_, d)];
  }
  return d;
}

absl::StatusOr<int> WorkingDayCalendar::WorkingDaysBetween(Date from, Date to) const {
  if (auto s = CheckCovered(from); !s.ok()) return s;
  if (auto s = CheckCovered(to); !s.ok()) return s;
  if (to <= from) return 0;
  return cumulative_[DaysBetween(first_, to)] - cumulative_[DaysBetween(first_, from)];
}

}  // namespace subsidy
