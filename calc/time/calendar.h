// China's official working-day calendar, from data: a day is a working day if it is a listed
// make-up working day, or Monday–Friday and not a listed holiday. Years the data does not list
// are unknown: every query touching them fails with reason CALENDAR_NOT_AVAILABLE.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "time/date.h"

namespace subsidy {

inline constexpr char kCalendarNotAvailable[] = "CALENDAR_NOT_AVAILABLE";

class WorkingDayCalendar {
 public:
  struct Day {
    Date date;
    bool makeup_workday;  // false: holiday
  };
  // Covers the whole civil years first_year..last_year. Listed days outside them are ignored
  // (a notice may list 29–31 December of the previous year). A make-up working day must fall
  // on a weekend and a listed holiday may not be listed twice.
  static absl::StatusOr<WorkingDayCalendar> Build(int first_year, int last_year, const std::vector<Day>& days);

  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  bool Covers(Date d) const { return d >= first_ && d <= last_; }

  absl::StatusOr<bool> IsWorkingDay(Date d) const;
  // The date n working days after `from`; `from` itself is not counted (民法典 art. 201), so
  // AddWorkingDays(d, 0) == d. n >= 0.
  absl::StatusOr<Date> AddWorkingDays(Date from, int n) const;
  // The number of working days d with from < d <= to (0 when to <= from). Inverse of
  // AddWorkingDays: WorkingDaysBetween(d, AddWorkingDays(d, n)) == n.
  absl::StatusOr<int> WorkingDaysBetween(Date from, Date to) const;

 private:
  absl::Status CheckCovered(Date d) const;
  int first_year_ = 0, last_year_ = -1;
  Date first_, last_;
  std::vector<uint8_t> working_;      // one flag per day from first_
  std::vector<int32_t> cumulative_;   // cumulative_[i] = working days in [first_, first_ + i]
};

}  // namespace subsidy
