// The one source of "now". Engines take dates as arguments; storage and services ask a Clock,
// so that tests can hold time still or move it, and nothing reads the wall clock behind their
// back. China Standard Time is UTC+8 all year (no daylight saving since 1991). (A call's deadline
// is gRPC's, a point of real time: storage checks it against the system clock, not this one.)
#pragma once

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "time/date.h"

namespace subsidy {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // Today's civil date in China.
  Date TodayInChina() const {
    const absl::CivilDay d = absl::ToCivilDay(Now(), absl::FixedTimeZone(8 * 3600));
    return Date::FromValidYmd(static_cast<int>(d.year()), d.month(), d.day());
  }
  // "2026-11-26T15:48:16.123456Z", for created_at columns and logs: such texts compare in time order.
  std::string NowUtcText() const { return UtcText(Now()); }
  static std::string UtcText(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone()); }

  // The process's wall clock.
  static const Clock& System();
};

// A clock for tests: it stands still until told to move.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time t) : ns_(absl::ToUnixNanos(t)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(ns_.load()); }
  void Set(absl::Time t) { ns_.store(absl::ToUnixNanos(t)); }
  void Advance(absl::Duration d) { ns_.fetch_add(absl::ToInt64Nanoseconds(d)); }

 private:
  std::atomic<int64_t> ns_;
};

}  // namespace subsidy
