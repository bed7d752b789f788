// The automatic disbursement schedule (政策找人): a run on every working day of China's official
// calendar at one time of day, China Standard Time. Pure: the caller says what time it is.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "time/calendar.h"
#include "time/date.h"

namespace subsidy::reward {

// "HH:MM" (00:00 … 23:59) → minutes after midnight.
absl::StatusOr<int> ParseTimeOfDay(absl::string_view hhmm);

// The scheduled run's time on `day` (CST).
absl::Time RunTimeOn(Date day, int minute_of_day);

// The latest run at or before `now` (none within the last 60 days); the first one after `now`.
// A date outside the calendar's data is an error, never a guess.
absl::StatusOr<std::optional<Date>> LatestRunDay(const WorkingDayCalendar& calendar, absl::Time now,
                                                 int minute_of_day);
absl::StatusOr<Date> NextRunDay(const WorkingDayCalendar& calendar, absl::Time now, int minute_of_day);

// The run's request_id: derived from its day, so that a restart or a second replica can never
// run a day twice (the second answers the first's result).
std::string ScheduledRunId(Date day);

}  // namespace subsidy::reward
