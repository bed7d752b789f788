#include "ops/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ops/data_reloader.h"
#include "ops/log.h"
#include "reward/reward_engine.h"

namespace subsidy::ops {

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      rpcs_(prometheus::BuildCounter().Name("subsidy_rpcs_total").Help("RPCs by method and status code").Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("subsidy_rpc_latency_seconds")
                   .Help("RPC latency by method and status code")
                   .Register(*registry_)),
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
                  .Register(*registry_)) {}

absl::StatusOr<std::string> Metrics::Serve(const std::string& listen) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  const auto ports = exposer_->GetListeningPorts();
  const std::string host = listen.substr(0, listen.rfind(':'));
  return absl::StrCat(host, ":", ports.empty() ? 0 : ports.front());
}

void Metrics::ObserveRpc(const char* method, const char* code, double seconds) {
  // The series of a (method, code) pair is looked up once and then kept: the RPC path pays a
  // hash lookup on two pointers, not prometheus-cpp's label hashing and family lock.
  const std::pair<const char*, const char*> key(method, code);
  RpcSeries series{nullptr, nullptr};
  {
    absl::ReaderMutexLock l(&rpc_mu_);
    auto it = rpc_series_.find(key);
    if (it != rpc_series_.end()) series = it->second;
  }
  if (series.count == nullptr) {
    static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                                     0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                                     1,      2.5,     5,      10};
    absl::MutexLock l(&rpc_mu_);
    series = {&rpcs_.Add({{"method", method}, {"code", code}}),
              &latency_.Add({{"method", method}, {"code", code}}, kBuckets)};
    rpc_series_.emplace(key, series);
  }
  series.count->Increment();
  series.latency->Observe(seconds);
}

namespace {
// Prometheus samples are doubles: a gauge shows a figure, it never computes one.
double Sample(Money m) { return static_cast<double>(m.fen()); }
}  // namespace

void Metrics::Refresh(const Sources& from) {
  const auto data = from.policy->Get();
  if (auto stats = from.storage->PayoutStats(); stats.ok()) {
    std::map<std::string, Money> fen_by_status;
    for (const auto& s : *stats) {
      const char* status = storage::PayoutStatusName(s.status);
      payouts_.Add({{"status", status}, {"reason", s.reject_reason}}).Set(static_cast<double>(s.count));
      auto sum = fen_by_status[status].Plus(s.amount);
      if (sum.ok()) fen_by_status[status] = *sum;
    }
    for (const auto& [status, fen] : fen_by_status) payout_fen_.Add({{"status", status}}).Set(Sample(fen));
  }
  if (auto awarded = from.storage->AwardedByPolicy(); awarded.ok()) {
    for (const auto& p : data->rewards().policies) {
      const auto it = awarded->find(p.policy_id);
      remaining_budget_.Add({{"policy_id", p.policy_id}})
          .Set(Sample(reward::RemainingBudget(p, it == awarded->end() ? Money() : it->second)));
    }
  }
  if (auto totals = from.storage->Totals(); totals.ok()) {
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
  absl::MutexLock l(&mu_);
  if (data_version_gauge_) data_info_.Remove(data_version_gauge_);
  data_version_gauge_ = &data_info_.Add({{"version", data->version()}, {"data_dir", data->directory()}});
  data_version_gauge_->Set(1);
  for (auto* g : alarm_gauges_) alarms_.Remove(g);
  alarm_gauges_.clear();
  for (const auto& a : alarms) {
    auto& g = alarms_.Add({{"code", a.code}, {"message", a.message}});
    g.Set(1);
    alarm_gauges_.push_back(&g);
  }
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
