#include "ops/data_reloader.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_util.h"
#include "ops/log.h"

namespace subsidy::ops {

std::vector<StalenessAlarm> LogStaleness(const PolicyData& data, Date today) {
  auto alarms = StalenessAlarms(data, today);
  for (const auto& a : alarms) LogLine("staleness_alarm").Str("code", a.code).Str("message", a.message).Write(LogLevel::kWarning);
  return alarms;
}

DataReloader::DataReloader(PolicyHolder* holder, std::string data_dir, const Clock* clock)
    : holder_(holder),
      clock_(clock),
      data_dir_(std::move(data_dir)),
      loaded_at_(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", clock->Now(), absl::UTCTimeZone())) {}

std::string DataReloader::loaded_at() const {
  absl::MutexLock l(&mu_);
  return loaded_at_;
}

absl::StatusOr<ReloadResult> DataReloader::Reload(const std::string& trigger) {
  absl::MutexLock l(&mu_);
  const auto before = holder_->Get();
  auto fresh = PolicyData::LoadFromDirectory(data_dir_);
  if (!fresh.ok()) {
    LogLine("data_reload")
        .Str("trigger", trigger)
        .Str("result", "rejected")
        .Str("serving", before->version())
        .Str("error", fresh.status().message())
        .Write(LogLevel::kError);
    return FailedPrecondition("DATA_INVALID", absl::StrCat("the new policy data was rejected; still serving ",
                                                          before->version(), ": ", fresh.status().message()));
  }
  ReloadResult r;
  r.previous_version = before->version();
  r.data_version = (*fresh)->version();
  r.changed = r.previous_version != r.data_version;
  if (r.changed) holder_->Swap(*fresh);
  loaded_at_ = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", clock_->Now(), absl::UTCTimeZone());
  LogLine("data_reload")
      .Str("trigger", trigger)
      .Str("result", r.changed ? "swapped" : "unchanged")
      .Str("previous_version", r.previous_version)
      .Str("data_version", r.data_version)
      .Write(LogLevel::kInfo);
  r.alarms = LogStaleness(**fresh, clock_->TodayInChina());
  FlushLogs();
  return r;
}

}  // namespace subsidy::ops
