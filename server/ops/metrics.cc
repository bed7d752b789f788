#include "ops/metrics.h"

#include "absl/strings/numbers.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ops/data_reloader.h"
#include "ops/log.h"
#include "reward/reward_engine.h"

namespace subsidy::ops {

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      payouts_(prometheus::BuildGauge()
                   .Name("subsidy_payouts")
                   .Help("Reward payouts by status and rejection reason (from the database)")
                   .Register(*registry_)),
      payout_fen_(prometheus::BuildGauge()
                      .Name("subsidy_payouts_fen")
                      .Help("Reward payout amounts in fen by status (from the database)")
                      .Register(*registry_)),
      remaining_budget_(prometheus::BuildGauge()
                            .Name("subsidy_reward_remaining_budget_fen")
                            .Help("Remaining budget per reward policy, in fen")
                            .Register(*registry_)),
      ledger_(prometheus::BuildGauge()
                  .Name("subsidy_school_ledger_fen")
                  .Help("Compulsory-education funds over all schools, in fen (allocated, spent, balance)")
                  .Register(*registry_)),
      data_info_(prometheus::BuildGauge()
                     .Name("subsidy_policy_data_info")
                     .Help("The policy data snapshot serving, by content hash")
                     .Register(*registry_)),
      staleness_(prometheus::BuildGauge()
                     .Name("subsidy_policy_data_staleness")
                     .Help("lpr_age_days, calendar_covers_next_year (0/1), days_to_next_regime_end")
                     .Register(*registry_)),
      alarms_(prometheus::BuildGauge()
                  .Name("subsidy_policy_data_alarm")
                  .Help("1 for each staleness alarm raised")
                  .Register(*registry_)),
      fund_progress_(prometheus::BuildGauge()
                         .Name("subsidy_fund_progress_percent")
                         .Help("Each fund as of today: allocation, execution and time progress (序时进度), percent")
                         .Register(*registry_)),
      fund_alerts_(prometheus::BuildGauge()
                       .Name("subsidy_fund_alerts")
                       .Help("Fund alerts as of today, by kind")
                       .Register(*registry_)),
      open_cases_(prometheus::BuildGauge()
                      .Name("subsidy_alert_cases_open")
                      .Help("Alert cases not closed, by severity and age since opened")
                      .Register(*registry_)) {}

absl::StatusOr<std::string> Metrics::Serve(const std::string& listen) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(rpc_stats_);
  const auto ports = exposer_->GetListeningPorts();
  const std::string host = listen.substr(0, listen.rfind(':'));
  return absl::StrCat(host, ":", ports.empty() ? 0 : ports.front());
}

void Metrics::ObserveRpc(const char* method, const char* code, double seconds) {
  rpc_stats_->Observe(method, code, seconds);
}

RpcStats::Series* RpcStats::Find(const char* method, const char* code) {
  const std::pair<const char*, const char*> key(method, code);
  {
    absl::ReaderMutexLock l(&mu_);
    auto it = series_.find(key);
    if (it != series_.end()) return it->second.get();
  }
  absl::MutexLock l(&mu_);
  auto& slot = series_[key];
  if (!slot) {
    slot = std::make_unique<Series>();
    slot->method = method;
    slot->code = code;
  }
  return slot.get();
}

void RpcStats::Observe(const char* method, const char* code, double seconds) {
  Series* s = Find(method, code);
  // Latency is a measurement, not money: seconds as a double, summed in whole nanoseconds.
  const auto ns = static_cast<uint64_t>(std::max(0.0, seconds) * 1e9);
  s->count.fetch_add(1, std::memory_order_relaxed);
  s->sum_ns.fetch_add(ns, std::memory_order_relaxed);
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      s->buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
}

std::vector<prometheus::MetricFamily> RpcStats::Collect() const {
  prometheus::MetricFamily calls{"subsidy_rpcs_total", "RPCs by method and status code",
                                 prometheus::MetricType::Counter, {}};
  prometheus::MetricFamily latency{"subsidy_rpc_latency_seconds", "RPC latency by method and status code",
                                   prometheus::MetricType::Histogram, {}};
  absl::ReaderMutexLock l(&mu_);
  for (const auto& [key, s] : series_) {
    const std::vector<prometheus::ClientMetric::Label> labels = {{"code", s->code}, {"method", s->method}};
    const uint64_t count = s->count.load(std::memory_order_relaxed);
    prometheus::ClientMetric c;
    c.label = labels;
    c.counter.value = static_cast<double>(count);
    calls.metric.push_back(std::move(c));
    prometheus::ClientMetric h;
    h.label = labels;
    h.histogram.sample_count = count;
    h.histogram.sample_sum = static_cast<double>(s->sum_ns.load(std::memory_order_relaxed)) / 1e9;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBounds.size(); ++i) {
      cumulative += s->buckets[i].load(std::memory_order_relaxed);
      h.histogram.bucket.push_back({cumulative, kBounds[i]});
    }
    h.histogram.bucket.push_back({std::max(cumulative, count), std::numeric_limits<double>::infinity()});
    latency.metric.push_back(std::move(h));
  }
  return {std::move(calls), std::move(latency)};
}

namespace {
// Prometheus samples are doubles: a gauge shows a figure, it never computes one.
double Sample(Money m) { return static_cast<double>(m.fen()); }
}  // namespace

void Metrics::Refresh(const Sources& from) {
  const auto data = from.policy->Get();
  if (auto stats = from.storage->payouts().PayoutStats(); stats.ok()) {
    std::map<std::string, Money> fen_by_status;
    for (const auto& s : *stats) {
      const char* status = storage::PayoutStatusName(s.status);
      payouts_.Add({{"status", status}, {"reason", s.reject_reason}}).Set(static_cast<double>(s.count));
      auto sum = fen_by_status[status].Plus(s.amount);
      if (sum.ok()) fen_by_status[status] = *sum;
    }
    for (const auto& [status, fen] : fen_by_status) payout_fen_.Add({{"status", status}}).Set(Sample(fen));
  }
  // The remaining budget for this year, as ListRewardPolicies shows it and SubmitDetermination
  // enforces it (reward::BudgetForYear).
  const int year = from.clock->TodayInChina().year();
  auto awarded = from.storage->payouts().AwardedByPolicy();
  auto awarded_in_year = from.storage->payouts().AwardedByPolicyInYear(year);
  auto funded = from.storage->funds().AllocatedByRecipient("REWARD_POLICY", year);
  if (awarded.ok() && awarded_in_year.ok() && funded.ok()) {
    for (const auto& [policy_id, budget] :
         reward::BudgetsForYear(data->rewards().policies, *funded, *awarded_in_year, *awarded)) {
      remaining_budget_.Add({{"policy_id", policy_id}}).Set(Sample(budget.Remaining()));
    }
  }
  if (auto totals = from.storage->schools().Totals(); totals.ok()) {
    ledger_.Add({{"figure", "allocated"}}).Set(Sample(totals->allocated));
    ledger_.Add({{"figure", "spent"}}).Set(Sample(totals->spent));
    if (auto balance = totals->allocated.Minus(totals->spent); balance.ok()) {
      ledger_.Add({{"figure", "balance"}}).Set(Sample(*balance));
    }
    ledger_.Add({{"figure", "schools"}}).Set(static_cast<double>(totals->schools));
  }
  StalenessFigures f;
  const auto alarms = StalenessAlarms(*data, from.clock->TodayInChina(), &f);
  staleness_.Add({{"figure", "lpr_age_days"}}).Set(f.lpr_age_days);
  staleness_.Add({{"figure", "calendar_covers_next_year"}}).Set(f.calendar_covers_next_year ? 1 : 0);
  staleness_.Add({{"figure", "days_to_next_regime_end"}}).Set(f.days_to_next_regime_end.value_or(-1));
  absl::StatusOr<FundGauges> funds = from.funds ? from.funds() : absl::StatusOr<FundGauges>(FundGauges{});
  absl::MutexLock l(&mu_);
  if (funds.ok()) {
    // Funds come and go with the data: last refresh's series are replaced whole.
    std::vector<prometheus::Gauge*> now;
    for (const auto& fund : funds->funds) {
      for (const auto& [figure, text] : {std::pair{"allocation", &fund.allocation_percent},
                                         {"execution", &fund.execution_percent}, {"time", &fund.time_percent}}) {
        double percent = 0;  // display only: the exact figure is the report's text
        if (!absl::SimpleAtod(*text, &percent)) continue;
        auto& g = fund_progress_.Add({{"fund_id", fund.fund_id}, {"figure", figure}});
        g.Set(percent);
        now.push_back(&g);
      }
    }
    ReplaceSeries(fund_progress_, std::move(now), &fund_gauges_);
    for (const auto& [kind, n] : funds->alerts_by_kind) fund_alerts_.Add({{"kind", kind}}).Set(n);
    for (const char* severity : {"RED", "ORANGE", "YELLOW", "BLUE"}) {
      for (const char* age : {"0-7d", "8-30d", "31d+"}) {
        auto it = funds->open_cases.find({severity, age});
        open_cases_.Add({{"severity", severity}, {"age", age}}).Set(it == funds->open_cases.end() ? 0 : it->second);
      }
    }
  }
  // The new series first, the old one removed after: a scrape in between never finds none.
  auto* version = &data_info_.Add({{"version", data->version()}, {"data_dir", data->directory()}});
  version->Set(1);
  std::vector<prometheus::Gauge*> versions = {version};
  ReplaceSeries(data_info_, std::move(versions), &data_version_gauges_);
  std::vector<prometheus::Gauge*> now;
  for (const auto& a : alarms) {
    auto& g = alarms_.Add({{"code", a.code}, {"message", a.message}});
    g.Set(1);
    now.push_back(&g);
  }
  ReplaceSeries(alarms_, std::move(now), &alarm_gauges_);
}

// A refresh's series replace the last one's: the new ones are added (or found) first, then those
// no longer wanted removed, so that a scrape between the two never misses a series that stays.
void Metrics::ReplaceSeries(prometheus::Family<prometheus::Gauge>& family, std::vector<prometheus::Gauge*> now,
                            std::vector<prometheus::Gauge*>* kept) {
  for (auto* g : *kept) {
    if (std::find(now.begin(), now.end(), g) == now.end()) family.Remove(g);
  }
  *kept = std::move(now);
}

void Metrics::StartRefresher(Sources from, std::chrono::seconds period) {
  Refresh(from);
  refresher_ = std::thread([this, from, period] {
    while (!stop_.WaitForNotificationWithTimeout(absl::FromChrono(period))) Refresh(from);
  });
}

void Metrics::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (refresher_.joinable()) refresher_.join();
}

Metrics::~Metrics() { Stop(); }

}  // namespace subsidy::ops
