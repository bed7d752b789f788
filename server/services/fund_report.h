// Fund execution reports and alerts as of a date, from the figures storage keeps and the
// definitions in calc/funds/execution.h: shared by FundService and the metrics refresher.
#pragma once

#include <map>

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
// The part of a list computed whole (a report's rows, the alerts) that an answer carries: items
// [first, first + size); size < 0: every item.
struct Window {
  int64_t first = 0;
  int64_t size = -1;
  bool Has(int64_t i) const { return i >= first && (size < 0 || i < first + size); }
};

// Every alert is counted (alert_count, and by kind into `by_kind` when given); those of `window`
// are written out, each message from the catalogue (data/messages.textproto) in `language`.
absl::Status BuildFundAlerts(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                             Window window, v1::ListFundAlertsResponse* out,
                             std::map<v1::FundAlert::Kind, int>* by_kind = nullptr,
                             Language language = Language::kZhCn);

}  // namespace subsidy::service
