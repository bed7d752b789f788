// Fund execution reports and alerts as of a date, from the figures storage keeps and the
// definitions in calc/funds/execution.h: shared by FundService and the metrics refresher.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "funds/execution.h"
#include "services/common.h"

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


// What a report and the alerts are made from: the funds as of a date, their recipients then.
struct Position {
  Date as_of;
  std::vector<storage::FundFigures> funds;
  std::vector<storage::FundRecipientRow> recipients;
};

template <class Req>
// The recipients' figures are read for every fund (`all_recipients`) or only for the funds with
// target regions (a report by fund needs them only for the target share).
absl::StatusOr<Position> PositionOf(storage::FundReads& reads, const Req& req, bool all_recipients) {
  auto as_of = ParseDate(req.as_of(), "as_of");
  if (!as_of.ok()) return as_of.status();
  for (int i = 0; i < req.fund_ids_size(); ++i) {
    if (auto s = ValidateId(req.fund_ids(i), absl::StrCat("fund_ids[", i, "]")); !s.ok()) return s;
  }
  if (!req.region_prefix().empty()) {
    if (auto s = ValidateDigits(req.region_prefix(), "region_prefix", 1, 12); !s.ok()) return s;
  }
  Position p{*as_of, {}, {}};
  auto funds = reads.FundFiguresAsOf(FilterOf(req), *as_of);
  if (!funds.ok()) return funds.status();
  p.funds = std::move(*funds);
  std::vector<std::string> ids;
  for (const auto& f : p.funds) {
    if (all_recipients || !f.fund.target_prefixes.empty()) ids.push_back(f.fund.fund_id);
  }
  auto recipients = reads.RecipientFiguresAsOf(ids, *as_of);
  if (!recipients.ok()) return recipients.status();
  p.recipients = std::move(*recipients);
  return p;
}

// The recipients' allocations by fund, made once per report (a fund's target share reads only
// its own).
using AllocationsByFund = absl::flat_hash_map<std::string, std::vector<funds::RegionAllocation>>;
AllocationsByFund ByFund(const std::vector<storage::FundRecipientRow>& recipients);
// The share of a fund's allocations (as of the date) that went to its target regions (none for a
// fund without targets).
absl::StatusOr<std::optional<funds::Ratio>> TargetShare(const storage::FundFigures& f, const AllocationsByFund& by_fund);

absl::Status BuildExecutionReport(storage::Storage& storage, const PolicyData& data,
                                  const v1::GetExecutionReportRequest& req, v1::ExecutionReport* out);
// The part of a list computed whole (a report's rows, the alerts) that an answer carries: items
// [first, first + size); size < 0: every item.
struct Window {
  int64_t first = 0;
  int64_t size = -1;
  bool Has(int64_t i) const { return i >= first && (size < 0 || i < first + size); }
};

}  // namespace subsidy::service
