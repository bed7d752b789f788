#include "policy/staleness.h"

#include "absl/strings/str_cat.h"

namespace subsidy {

std::vector<StalenessAlarm> StalenessAlarms(const PolicyData& data, Date today, StalenessFigures* figures) {
  std::vector<StalenessAlarm> alarms;
  StalenessFigures f;
  const auto& cal = data.calendar();
  const int year = today.year();
  f.calendar_covers_next_year = cal.last_year() >= year + 1;
  if (!cal.Covers(today)) {
    alarms.push_back({kCalendarExpired,
                      absl::StrCat("the working-day calendar covers ", cal.first_year(), "–", cal.last_year(),
                                   ", not today (", today.ToString(), ")"),
                      {{"first_year", absl::StrCat(cal.first_year())},
                       {"last_year", absl::StrCat(cal.last_year())},
                       {"today", today.ToString()}}});
  } else if (today.month() == 12 && !f.calendar_covers_next_year) {
    alarms.push_back({kCalendarNextYearMissing,
                      absl::StrCat("the working-day calendar ends with ", cal.last_year(), "; add the State Council's ",
                                   year + 1, " holiday notice before 1 January"),
                      {{"last_year", absl::StrCat(cal.last_year())}, {"next_year", absl::StrCat(year + 1)}}});
  }
  f.lpr_age_days = DaysBetween(data.lpr().last_confirmed(), today);
  if (f.lpr_age_days > kLprStaleDays) {
    alarms.push_back({kLprStale,
                      absl::StrCat("the newest confirmed LPR fixing is ", data.lpr().last_confirmed().ToString(), ", ",
                                   f.lpr_age_days, " days ago; new contracts are flagged LPR_UNCONFIRMED"),
                      {{"lpr", "LPR"},
                       {"last_confirmed", data.lpr().last_confirmed().ToString()},
                       {"days", absl::StrCat(f.lpr_age_days)}}});
  }
  for (const auto& r : data.loan_regimes().regimes()) {
    std::vector<std::pair<std::string, DateRange>> windows;
    if (r.default_window) windows.emplace_back("", *r.default_window);
    for (const auto& [prov, ws] : r.province_windows) {
      for (const auto& w : ws) windows.emplace_back(prov, w);
    }
    for (const auto& [prov, w] : windows) {
      const int days = DaysBetween(today, w.last());
      if (days < 0) continue;
      if (!f.days_to_next_regime_end || days < *f.days_to_next_regime_end) f.days_to_next_regime_end = days;
      if (days <= kRegimeEndingDays) {
        StatusParams params = {{"regime_id", r.regime_id}, {"last_day", w.last().ToString()},
                               {"days", absl::StrCat(days)}};
        if (!prov.empty()) params.emplace("province", prov);
        alarms.push_back({kRegimeEnding,
                          absl::StrCat("regime ", r.regime_id, prov.empty() ? "" : absl::StrCat(" (province ", prov, ")"),
                                       " ends on ", w.last().ToString(), ", in ", days, " days"),
                          std::move(params)});
      }
    }
  }
  if (figures) *figures = f;
  return alarms;
}

}  // namespace subsidy
