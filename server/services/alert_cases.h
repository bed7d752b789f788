// Alert cases (alert_cases.cc): what a sweep does, shared by SweepAlertCases and the server's own
// periodic sweep.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common.h"
#include "services/fund_alerts.h"
#include "storage/storage.h"

namespace subsidy::service {

struct SweepResult {
  int opened = 0;
  int closed = 0;
  int open_count = 0;
};

// Opens a case for each alert without one and closes the live cases whose alert has gone (all
// but those ruled a violation and not yet rectified), each with a step by `by`; a case whose rule
// is no longer in force closes with RULE_ENDED.
absl::StatusOr<SweepResult> SweepCases(storage::LedgerTx& tx, const PolicyData& data,
                                       const std::vector<RaisedAlert>& alerts, Date today, const std::string& at,
                                       const std::string& by, const std::string& request_id);

// A sweep as of today in a transaction of its own (the server's periodic sweep).
absl::StatusOr<SweepResult> SweepNow(storage::Storage& storage, const PolicyData& data, const Clock& clock,
                                     const std::string& request_id);

}  // namespace subsidy::service
