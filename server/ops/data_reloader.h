// Loads --data_dir afresh, validates all of it, and only then swaps it in (SIGHUP and
// AdminService.ReloadData). A rejected update leaves the old snapshot serving.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "policy/staleness.h"
#include "ops/policy_holder.h"
#include "time/clock.h"

namespace subsidy::ops {

struct ReloadResult {
  std::string previous_version;
  std::string data_version;
  bool changed = false;
  std::vector<StalenessAlarm> alarms;
};

class DataReloader {
 public:
  DataReloader(PolicyHolder* holder, std::string data_dir, const Clock* clock = &Clock::System());
  // FAILED_PRECONDITION with reason DATA_INVALID (file, line, field in the message) on bad data.
  absl::StatusOr<ReloadResult> Reload(const std::string& trigger);
  const std::string& data_dir() const { return data_dir_; }
  std::string loaded_at() const;

 private:
  PolicyHolder* holder_;
  const Clock* clock_;
  const std::string data_dir_;
  mutable absl::Mutex mu_;  // one reload at a time
  std::string loaded_at_ ABSL_GUARDED_BY(mu_);
};

// Logs the snapshot's staleness alarms as of `today` (at start and after each reload).
std::vector<StalenessAlarm> LogStaleness(const PolicyData& data, Date today);

}  // namespace subsidy::ops
