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
    alarms.push_back({"CALENDAR_EXPIRED", absl::StrCat("the working-day calendar covers ", cal.first_year(), "–",
                                                       cal.last_year(), ", not today (", today.ToString(), ")")});
  } else if (today.month() == 12 && !f.calendar_covers_next_year) {
    alarms.push_back({"CALENDAR_NEXT_YEAR_MISSING",
                      absl::StrCat("the working-day calendar ends with ", cal.last_year(), "; add the State Council's ",
                                   year + 1, " holiday notice before 1 January")});
  }
  f.lpr_age_days = DaysBetween(data.lpr().last_confirmed(), today);
  if (f.lpr_age_days > kLprStaleDays) {
    alarms.push_back({"LPR_STALE", absl::StrCat("the newest confirmed LPR fixing is ", data.lpr().last_confirmed().ToString(),
                                                ", ", f.lpr_age_days, " days ago; new contracts are flagged LPR_UNCONFIRMED")});
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
        alarms.push_back({"REGIME_ENDING",
                          absl::StrCat("regime ", r.regime_id, prov.empty() ? "" : absl::StrCat(" (province ", prov, ")"),
                                       " ends on ", w.last().ToString(), ", in ", days, " days")});
      }
    }
  }
  if (figures) *figures = f;
  return alarms;
}

}  // namespace subsidy
