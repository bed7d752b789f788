// Fund execution reports and alerts as of a date, from the figures storage keeps and the
// definitions in calc/funds/execution.h: shared by FundService and the metrics refresher.
#pragma once

#include "absl/status/status.h"
#include "policy/policy_data.h"
#include "storage/storage.h"
#include "subsidy/v1/fund.pb.h"

namespace subsidy::service {

// The storage filter of a list, report or alerts request.
template <class Req>
storage::FundFilter FilterOf(const Req& req) {
  storage::FundFilter f;
  if constexpr (requires { req.fund_ids(); }) f.fund_ids.assign(req.fund_ids().begin(), req.fund_ids().end());
  f.budget_year = req.budget_year();
  if (req.purpose() != v1::Fund::PURPOSE_UNSPECIFIED) f.purpose = v1::Fund::Purpose_Name(req.purpose());
  if (req.level() != v1::Fund::LEVEL_UNSPECIFIED) f.level = v1::Fund::Level_Name(req.level());
  f.region_prefix = req.region_prefix();
  return f;
}


absl::Status BuildExecutionReport(storage::Storage& storage, const PolicyData& data,
                                  const v1::GetExecutionReportRequest& req, v1::ExecutionReport* out);
// Every alert is counted (alert_count); those from the `first` on, at most `limit` (< 0: all),
// are written out.
absl::Status BuildFundAlerts(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                             v1::ListFundAlertsResponse* out, int64_t first = 0, int64_t limit = -1);

}  // namespace subsidy::service
