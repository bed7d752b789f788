#include "services/fund_report.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "funds/payments.h"
#include "funds/execution.h"
#include "funds/limits.h"
#include "services/common.h"

namespace subsidy::service {
namespace {

v1::Pace PaceToProto(funds::Pace p) {
  switch (p) {
    case funds::Pace::kAhead: return v1::AHEAD;
    case funds::Pace::kBehind: return v1::BEHIND;
    case funds::Pace::kLagging: return v1::LAGGING;
  }
  return v1::PACE_UNSPECIFIED;
}

void FillRow(const std::string& key, const std::string& fund_id, Money budget, Money allocated, Money paid,
             const funds::Ratio& time, Rate tolerance, v1::ExecutionRow* row) {
  row->set_key(key);
  row->set_fund_id(fund_id);
  row->set_budget_fen(budget.fen());
  row->set_allocated_fen(allocated.fen());
  row->set_paid_fen(paid.fen());
  const funds::Ratio execution = funds::Ratio::Of(paid, budget);
  row->set_allocation_progress_percent(funds::Ratio::Of(allocated, budget).PercentText());
  row->set_execution_progress_percent(execution.PercentText());
  row->set_time_progress_percent(time.PercentText());
  row->set_pace(PaceToProto(funds::PaceOf(execution, time, tolerance)));
}


}  // namespace

// The recipients' allocations by fund, made once per report (a fund's target share reads only
// its own).
AllocationsByFund ByFund(const std::vector<storage::FundRecipientRow>& recipients) {
  AllocationsByFund out;
  for (const auto& r : recipients) out[r.fund_id].push_back({r.region_code, r.allocated});
  return out;
}

// The share of a fund's allocations (as of the date) that went to its target regions (none for a
// fund without targets).
absl::StatusOr<std::optional<funds::Ratio>> TargetShare(const storage::FundFigures& f, const AllocationsByFund& by_fund) {
  if (f.fund.target_prefixes.empty()) return std::optional<funds::Ratio>();
  static const std::vector<funds::RegionAllocation> kNone;
  auto it = by_fund.find(f.fund.fund_id);
  auto share = funds::TargetShare(it == by_fund.end() ? kNone : it->second, f.fund.target_prefixes);
  if (!share.ok()) return share.status();
  return std::optional<funds::Ratio>(*share);
}

// What a fund row shows apart from its figures: what pending instructions hold now (已申请未审核),
// and of what was paid, what went to the bank by the report's date with no return yet (在途); on
// each row and in the total.
absl::Status AddApartFromFigures(storage::Storage& storage, Date as_of, v1::ExecutionReport* out) {
  auto pending = storage.instructions().PendingByFund();
  if (!pending.ok()) return pending.status();
  auto unconfirmed = storage.payments().UnconfirmedByFund(as_of);
  if (!unconfirmed.ok()) return unconfirmed.status();
  Money pending_total, unconfirmed_total;
  for (auto& row : *out->mutable_rows()) {
    if (auto it = pending->find(row.fund_id()); it != pending->end()) {
      row.set_pending_fen(it->second.pending.fen());
      auto sum = pending_total.Plus(it->second.pending);
      if (!sum.ok()) return sum.status();
      pending_total = *sum;
    }
    if (auto it = unconfirmed->find(row.fund_id()); it != unconfirmed->end()) {
      row.set_unconfirmed_fen(it->second.fen());
      auto sum = unconfirmed_total.Plus(it->second);
      if (!sum.ok()) return sum.status();
      unconfirmed_total = *sum;
    }
  }
  out->mutable_total()->set_pending_fen(pending_total.fen());
  out->mutable_total()->set_unconfirmed_fen(unconfirmed_total.fen());
  return absl::OkStatus();
}

// The seed's two further ranked figures, on each fund row and the total: the share of budget whose
// fund had its performance targets entered by the report's date (绩效目标录入率), and the share of
// paid money on lines naming the beneficiary (到人到户资金录入率).
absl::Status AddMonitoringFigures(storage::Storage& storage, Date as_of, v1::ExecutionReport* out) {
  auto targets = storage.monitoring().TargetsEnteredOn();
  if (!targets.ok()) return targets.status();
  auto recorded = storage.monitoring().BeneficiaryRecordedByFund(as_of);
  if (!recorded.ok()) return recorded.status();
  Money with_targets, budget, recorded_total, paid;
  for (auto& row : *out->mutable_rows()) {
    auto t = targets->find(row.fund_id());
    const bool entered = t != targets->end() && t->second <= as_of;
    auto r = recorded->find(row.fund_id());
    // What a line paid counts once it is paid in the fund's figures (never more than they show).
    const Money fund_recorded = r == recorded->end() ? Money() : std::min(r->second, Money::Fen(row.paid_fen()));
    row.set_target_entry_percent(funds::Ratio::Of(entered ? row.budget_fen() : 0, row.budget_fen()).PercentText());
    row.set_beneficiary_recorded_fen(fund_recorded.fen());
    row.set_beneficiary_recorded_percent(funds::Ratio::Of(fund_recorded, Money::Fen(row.paid_fen())).PercentText());
    for (auto [sum, v] : {std::pair{&with_targets, Money::Fen(entered ? row.budget_fen() : 0)},
                          {&budget, Money::Fen(row.budget_fen())},
                          {&recorded_total, fund_recorded},
                          {&paid, Money::Fen(row.paid_fen())}}) {
      auto next = sum->Plus(v);
      if (!next.ok()) return next.status();
      *sum = *next;
    }
  }
  auto* total = out->mutable_total();
  total->set_target_entry_percent(funds::Ratio::Of(with_targets, budget).PercentText());
  total->set_beneficiary_recorded_fen(recorded_total.fen());
  total->set_beneficiary_recorded_percent(funds::Ratio::Of(recorded_total, paid).PercentText());
  return absl::OkStatus();
}

absl::Status BuildExecutionReport(storage::Storage& storage, const PolicyData& data,
                                  const v1::GetExecutionReportRequest& req, v1::ExecutionReport* out) {
  auto position = PositionOf(storage.funds(), req, req.group_by() == v1::RECIPIENT || req.group_by() == v1::REGION);
  if (!position.ok()) return position.status();
  const funds::TimeBasis basis = req.time_basis() == v1::MONTHS ? funds::TimeBasis::kMonths : funds::TimeBasis::kDays;
  const Rate tolerance = data.fund_monitoring().tolerance;
  out->set_as_of(position->as_of.ToString());
  out->set_time_basis(basis == funds::TimeBasis::kMonths ? "MONTHS" : "DAYS");
  out->set_tolerance_points(tolerance.ToString());
  Money budget, allocated, paid;
  auto add = [](Money* sum, Money v) -> absl::Status {
    auto next = sum->Plus(v);
    if (!next.ok()) return next.status();
    *sum = *next;
    return absl::OkStatus();
  };
  std::set<int> years;
  std::optional<AllocationsByFund> by_fund;
  std::map<std::string, const storage::FundFigures*> by_id;
  for (const auto& f : position->funds) {
    by_id[f.fund.fund_id] = &f;
    years.insert(f.fund.budget_year);
    for (auto [sum, v] : {std::pair{&budget, f.budget}, {&allocated, f.allocated}, {&paid, f.paid}}) {
      if (auto s = add(sum, v); !s.ok()) return s;
    }
  }
  const auto time_of = [&](int year) { return funds::TimeProgress(year, position->as_of, basis); };
  switch (req.group_by()) {
    case v1::RECIPIENT:
      // A recipient's row: what it was allocated (its budget) and what it was paid.
      for (const auto& r : position->recipients) {
        const auto& f = *by_id.at(r.fund_id);
        FillRow(r.recipient_id, r.fund_id, r.allocated, r.allocated, r.paid, time_of(f.fund.budget_year), tolerance,
                out->add_rows());
        out->mutable_rows()->rbegin()->set_budget_year(f.fund.budget_year);
      }
      break;
    case v1::REGION: {
      // A region's row: the allocations to recipients of that region and their payments.
      std::map<std::string, std::pair<Money, Money>> regions;
      for (const auto& r : position->recipients) {
        auto& [a, p] = regions[r.region_code];
        if (auto s = add(&a, r.allocated); !s.ok()) return s;
        if (auto s = add(&p, r.paid); !s.ok()) return s;
      }
      const int year = years.size() == 1 ? *years.begin() : position->as_of.ToYmd().year;
      for (const auto& [region, figures] : regions) {
        FillRow(region, "", figures.first, figures.first, figures.second, time_of(year), tolerance, out->add_rows());
      }
      break;
    }
    default: {
      for (const auto& f : position->funds) {
        auto* row = out->add_rows();
        FillRow(f.fund.fund_id, f.fund.fund_id, f.budget, f.allocated, f.paid, time_of(f.fund.budget_year), tolerance,
                row);
        row->set_name(f.fund.name);
        row->set_budget_year(f.fund.budget_year);
        if (!by_fund) by_fund = ByFund(position->recipients);
        auto share = TargetShare(f, *by_fund);
        if (!share.ok()) return share.status();
        if (*share) row->set_target_share_percent((*share)->PercentText());
      }
      if (auto st = AddApartFromFigures(storage, position->as_of, out); !st.ok()) return st;
    }
  }
  // The total's time progress: the funds' budget year when they share one, else the year of as_of.
  const int year = years.size() == 1 ? *years.begin() : position->as_of.ToYmd().year;
  FillRow("TOTAL", "", budget, allocated, paid, time_of(year), tolerance, out->mutable_total());
  out->mutable_total()->set_budget_year(year);
  if (req.group_by() != v1::RECIPIENT && req.group_by() != v1::REGION) {
    return AddMonitoringFigures(storage, position->as_of, out);
  }
  return absl::OkStatus();
}

}  // namespace subsidy::service
