// Staleness alarms: policy data that is about to run out, so that operators update it in time.
//  - CALENDAR_NEXT_YEAR_MISSING: from 1 December, the calendar does not cover next year;
//  - CALENDAR_EXPIRED: the calendar does not cover today;
//  - LPR_STALE: the newest confirmed LPR fixing is more than 45 days old;
//  - REGIME_ENDING: a regime's contract window ends within 90 days.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status_util.h"
#include "policy/policy_data.h"

namespace subsidy {

// The alarms' codes; each one's text for a person is the catalogue's, filled with its params.
inline constexpr char kCalendarNextYearMissing[] = "CALENDAR_NEXT_YEAR_MISSING";  // {last_year, next_year}
inline constexpr char kCalendarExpired[] = "CALENDAR_EXPIRED";                    // {first_year, last_year, today}
inline constexpr char kLprStale[] = "LPR_STALE";                                  // {lpr, last_confirmed, days}
inline constexpr char kRegimeEnding[] = "REGIME_ENDING";                          // {regime_id, [province,] last_day, days}

struct StalenessAlarm {
  std::string code;
  std::string message;  // the developer's, in English
  StatusParams params;
};

struct StalenessFigures {
  bool calendar_covers_next_year = false;
  int lpr_age_days = 0;                       // today − the last confirmed fixing
  std::optional<int> days_to_next_regime_end; // the nearest window end on or after today
};

inline constexpr int kLprStaleDays = 45;
inline constexpr int kRegimeEndingDays = 90;

std::vector<StalenessAlarm> StalenessAlarms(const PolicyData& data, Date today, StalenessFigures* figures = nullptr);

}  // namespace subsidy
