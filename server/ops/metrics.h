// Prometheus metrics (Debian's prometheus-cpp), served in text format on --metrics_listen.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <functional>
#include <map>
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "policy/staleness.h"
#include "ops/policy_holder.h"
#include "storage/storage.h"
#include "time/clock.h"

namespace subsidy::ops {

// RPC counts and latencies by (method, code), kept in atomics: the RPC path never takes a lock
// to count a call (prometheus-cpp's Histogram::Observe takes a mutex per call, which 8 worker
// threads then queue on). Exposed as subsidy_rpcs_total and subsidy_rpc_latency_seconds.
class RpcStats final : public prometheus::Collectable {
 public:
  static constexpr std::array<double, 16> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,     10};
  // `method` and `code` must outlive the process (string literals): series are keyed by address.
  void Observe(const char* method, const char* code, double seconds);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Series {
    const char* method;
    const char* code;
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_ns{0};
    std::array<std::atomic<uint64_t>, kBounds.size()> buckets{};  // not cumulative; +Inf is count
  };
  Series* Find(const char* method, const char* code);
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::pair<const char*, const char*>, std::unique_ptr<Series>> series_ ABSL_GUARDED_BY(mu_);
};

class Metrics {
 public:
  Metrics();
  // Serves the registry on HOST:PORT (port 0: a free port); returns the bound address.
  absl::StatusOr<std::string> Serve(const std::string& listen);

  // `method` must outlive the process (a string literal): series are cached by its address.
  void ObserveRpc(const char* method, const char* code, double seconds);
  // Funds as of today, for their gauges: computed by the services' report (the caller wires it),
  // read from the database, so every replica shows the same figures.
  struct FundGauges {
    struct Fund {
      std::string fund_id;
      std::string allocation_percent, execution_percent, time_percent;  // the report's text, "47.60"
    };
    std::vector<Fund> funds;
    std::map<std::string, int> alerts_by_kind;
    // Alert cases not closed, by severity and age ("0-7d", "8-30d", "31d+" since opened).
    std::map<std::pair<std::string, std::string>, int64_t> open_cases;
  };
  // Where the gauges are read from: the data snapshot and the database (so replicas agree).
  struct Sources {
    PolicyHolder* policy;
    storage::Storage* storage;
    const Clock* clock;
    std::function<absl::StatusOr<FundGauges>()> funds;  // may be empty
  };
  // Refreshes the gauges read from the database and the data snapshot.
  void Refresh(const Sources& from);
  // Refreshes every `period` on a thread of its own until Stop().
  void StartRefresher(Sources from, std::chrono::seconds period);
  void Stop();
  ~Metrics();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  prometheus::Family<prometheus::Gauge>& payouts_;
  prometheus::Family<prometheus::Gauge>& payout_fen_;
  prometheus::Family<prometheus::Gauge>& remaining_budget_;
  prometheus::Family<prometheus::Gauge>& ledger_;
  prometheus::Family<prometheus::Gauge>& data_info_;
  prometheus::Family<prometheus::Gauge>& staleness_;
  prometheus::Family<prometheus::Gauge>& alarms_;
  prometheus::Family<prometheus::Gauge>& fund_progress_;
  prometheus::Family<prometheus::Gauge>& fund_alerts_;
  prometheus::Family<prometheus::Gauge>& open_cases_;
  static void ReplaceSeries(prometheus::Family<prometheus::Gauge>& family, std::vector<prometheus::Gauge*> now,
                            std::vector<prometheus::Gauge*>* kept);
  std::vector<prometheus::Gauge*> fund_gauges_ ABSL_GUARDED_BY(mu_);
  absl::Mutex mu_;  // guards label sets that come and go (data version, alarms)
  std::vector<prometheus::Gauge*> data_version_gauges_ ABSL_GUARDED_BY(mu_);
  std::vector<prometheus::Gauge*> alarm_gauges_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<RpcStats> rpc_stats_ = std::make_shared<RpcStats>();
  absl::Notification stop_;
  std::thread refresher_;
};

}  // namespace subsidy::ops
