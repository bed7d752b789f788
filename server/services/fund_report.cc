#include "services/fund_report.h"

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
  return absl::OkStatus();
}

namespace {

// Where alerts go: every one counted (by kind too), only those of the window written out (an
// overdue payout each can be a hundred thousand alerts, of which a page shows twenty).
class AlertSink {
 public:
  AlertSink(Window window, v1::ListFundAlertsResponse* out, std::map<v1::FundAlert::Kind, int>* by_kind,
            const MessageCatalogue& messages, Language language)
      : window_(window), out_(out), by_kind_(by_kind), messages_(messages), language_(language) {}
  // Counts an alert of `kind`; true when it is to be written out (then Add it).
  bool Wanted(v1::FundAlert::Kind kind) {
    if (by_kind_) ++(*by_kind_)[kind];
    return window_.Has(count_++);
  }
  // An alert's message is the catalogue's text for its kind, filled with `params`.
  void Add(v1::FundAlert::Kind kind, const std::string& fund_id, const std::string& subject, const StatusParams& params,
           std::optional<Date> since) {
    auto* a = out_->add_alerts();
    a->set_kind(kind);
    a->set_fund_id(fund_id);
    a->set_subject_id(subject);
    a->set_message(messages_.Render(MessageKind::kAlert, v1::FundAlert::Kind_Name(kind), language_, params)
                       .value_or(v1::FundAlert::Kind_Name(kind)));
    if (since) a->set_since(since->ToString());
  }
  void Finish() { out_->set_alert_count(static_cast<int32_t>(count_)); }

 private:
  Window window_;
  v1::ListFundAlertsResponse* out_;
  std::map<v1::FundAlert::Kind, int>* by_kind_;
  const MessageCatalogue& messages_;
  Language language_;
  int64_t count_ = 0;
};

// A fund's alerts: execution lagging behind time progress, a target share missed.
absl::Status FundAlerts(const Position& position, const PolicyData& data, AlertSink& sink) {
  const Rate tolerance = data.fund_monitoring().tolerance;
  std::optional<AllocationsByFund> by_fund;
  for (const auto& f : position.funds) {
    const auto execution = funds::Ratio::Of(f.paid, f.budget);
    const auto time = funds::TimeProgress(f.fund.budget_year, position.as_of, funds::TimeBasis::kDays);
    if (funds::PaceOf(execution, time, tolerance) == funds::Pace::kLagging &&
        sink.Wanted(v1::FundAlert::EXECUTION_LAGGING)) {
      sink.Add(v1::FundAlert::EXECUTION_LAGGING, f.fund.fund_id, f.fund.fund_id,
               {{"fund_id", f.fund.fund_id},
                {"execution_percent", execution.PercentText()},
                {"time_percent", time.PercentText()},
                {"tolerance_points", tolerance.ToString()}},
               std::nullopt);
    }
    if (f.fund.min_target_share.empty() || f.allocated.fen() == 0) continue;
    auto minimum = Rate::Parse(f.fund.min_target_share);
    if (!by_fund) by_fund = ByFund(position.recipients);
    auto share = TargetShare(f, *by_fund);
    if (!share.ok()) return share.status();
    if (minimum.ok() && *share && (*share)->BelowPercent(*minimum) && sink.Wanted(v1::FundAlert::TARGET_SHARE_MISSED)) {
      sink.Add(v1::FundAlert::TARGET_SHARE_MISSED, f.fund.fund_id, f.fund.fund_id,
               {{"fund_id", f.fund.fund_id},
                {"share_percent", (*share)->PercentText()},
                {"minimum_percent", f.fund.min_target_share}},
               std::nullopt);
    }
  }
  return absl::OkStatus();
}

// A payout's alerts: overdue, or held by a run (its policy's funds could not pay it), each one an
// alert until paid; every one when no fund is asked for, else those of the funds asked for.
absl::Status PayoutAlerts(storage::Storage& storage, const v1::ListFundAlertsRequest& req, Date as_of,
                          const std::map<std::string, std::string>& reward_policy_fund, AlertSink& sink) {
  const bool filtered = !req.fund_ids().empty() || req.budget_year() || req.purpose() || req.level() ||
                        !req.region_prefix().empty();
  auto fund_of = [&](const storage::PayoutRow& p) -> std::optional<std::string> {
    auto it = reward_policy_fund.find(p.policy_id);
    if (it != reward_policy_fund.end()) return it->second;
    return filtered ? std::nullopt : std::optional<std::string>("");
  };
  auto payouts = storage.payouts().OverduePayoutsAsOf(as_of);
  if (!payouts.ok()) return payouts.status();
  for (const auto& p : *payouts) {
    const auto fund = fund_of(p);
    if (!fund || !p.due_date || !funds::IsOverdue(*p.due_date, as_of) || !sink.Wanted(v1::FundAlert::OVERDUE_PAYOUT)) {
      continue;
    }
    sink.Add(v1::FundAlert::OVERDUE_PAYOUT, *fund, storage::PayoutIdFor(p.seq),
             {{"enterprise_uscc", p.enterprise_uscc},
              {"policy_id", p.policy_id},
              {"amount_yuan", p.amount.ToYuanString()},
              {"due_date", p.due_date->ToString()}},
             p.due_date->AddDays(1));
  }
  auto held = storage.payouts().HeldPayouts();
  if (!held.ok()) return held.status();
  for (const auto& p : *held) {
    const auto fund = fund_of(p);
    if (!fund || as_of < p.determination_date || !sink.Wanted(v1::FundAlert::PAYOUT_HELD)) continue;
    sink.Add(v1::FundAlert::PAYOUT_HELD, *fund, storage::PayoutIdFor(p.seq),
             {{"enterprise_uscc", p.enterprise_uscc}, {"policy_id", p.policy_id}, {"amount_yuan", p.amount.ToYuanString()}},
             p.determination_date);
  }
  return absl::OkStatus();
}

// A payment line the bank has not settled: sent with no return, or failed and neither reissued nor
// returned, for more working days than the data allows (funds::OpenWorkingDays).
absl::Status PaymentAlerts(storage::Storage& storage, const PolicyData& data, Date as_of, AlertSink& sink) {
  auto lines = storage.payments().OpenLines();
  if (!lines.ok()) return lines.status();
  const FundMonitoring& m = data.fund_monitoring();
  for (const auto& l : *lines) {
    const bool sent = l.state == funds::PaymentState::kSent;
    std::optional<Date> since = l.payment_date;
    if (!sent) {
      auto failed = Date::Parse(l.failed_date);
      since = failed.ok() ? std::optional<Date>(*failed) : std::nullopt;
    }
    if (!since || as_of < *since) continue;
    auto days = funds::OpenWorkingDays(data.calendar(), *since, as_of,
                                       sent ? m.payment_unconfirmed_working_days : m.payment_failed_open_working_days);
    if (!days.ok() || !days->has_value()) continue;  // outside the calendar's years: no guess
    const auto kind = sent ? v1::FundAlert::PAYMENT_UNCONFIRMED : v1::FundAlert::PAYMENT_FAILED_OPEN;
    if (!sink.Wanted(kind)) continue;
    sink.Add(kind, "", storage::PaymentIdFor(l.seq),
             {{"payment_id", storage::PaymentIdFor(l.seq)},
              {"days", absl::StrCat(**days)},
              {"amount_yuan", l.amount.ToYuanString()},
              {"payee", l.payee_name}},
             since);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status BuildFundAlerts(storage::Storage& storage, const PolicyData& data, const v1::ListFundAlertsRequest& req,
                             Window window, v1::ListFundAlertsResponse* out, std::map<v1::FundAlert::Kind, int>* by_kind,
                             Language language) {
  auto position = PositionOf(storage.funds(), req, /*all_recipients=*/true);
  if (!position.ok()) return position.status();
  AlertSink sink(window, out, by_kind, data.messages(), language);
  if (auto s = FundAlerts(*position, data, sink); !s.ok()) return s;
  // A recipient's alert: an allocation idle for too long.
  const int idle_days = data.fund_monitoring().idle_days;
  std::map<std::string, std::string> reward_policy_fund;  // policy_id → the fund allocated to it
  for (const auto& r : position->recipients) {
    if (r.recipient_kind == "REWARD_POLICY") reward_policy_fund.emplace(r.recipient_id, r.fund_id);
    if (r.last_movement && funds::IsIdle(r.allocated, r.paid, *r.last_movement, position->as_of, idle_days) &&
        sink.Wanted(v1::FundAlert::IDLE_ALLOCATION)) {
      sink.Add(v1::FundAlert::IDLE_ALLOCATION, r.fund_id, r.recipient_id,
               {{"recipient_id", r.recipient_id},
                {"amount_yuan", funds::Payable(r.allocated, r.paid).ToYuanString()},
                {"idle_days", absl::StrCat(idle_days)}},
               r.last_movement);
    }
  }
  if (auto s = PayoutAlerts(storage, req, position->as_of, reward_policy_fund, sink); !s.ok()) return s;
  const bool filtered = !req.fund_ids().empty() || req.budget_year() || req.purpose() || req.level() ||
                        !req.region_prefix().empty();
  if (!filtered) {
    if (auto s = PaymentAlerts(storage, data, position->as_of, sink); !s.ok()) return s;
  }
  sink.Finish();
  return absl::OkStatus();
}

}  // namespace subsidy::service
