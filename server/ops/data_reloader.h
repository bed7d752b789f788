// Loads --data_dir afresh, validates all of it, and only then swaps it in (SIGHUP and
// AdminService.ReloadData). A rejected update leaves the old snapshot serving.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "policy/staleness.h"
#include "services/service_context.h"

namespace subsidy::ops {

struct ReloadResult {
  std::string previous_version;
  std::string data_version;
  bool changed = false;
  std::vector<StalenessAlarm> alarms;
};

class DataReloader {
 public:
  DataReloader(service::PolicyHolder* holder, std::string data_dir);
  // FAILED_PRECONDITION with reason DATA_INVALID (file, line, field in the message) on bad data.
  absl::StatusOr<ReloadResult> Reload(const std::string& trigger);
  const std::string& data_dir() const { return data_dir_; }
  std::string loaded_at() const;

 private:
  service::PolicyHolder* holder_;
  const std::string data_dir_;
  mutable absl::Mutex mu_;  // one reload at a time
  std::string loaded_at_ ABSL_GUARDED_BY(mu_);
};

Date TodayInChina();
// Logs the snapshot's staleness alarms (at start and after each reload).
std::vector<StalenessAlarm> LogStaleness(const PolicyData& data);

}  // namespace subsidy::ops
