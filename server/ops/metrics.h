// Prometheus metrics (Debian's prometheus-cpp), served in text format on --metrics_listen.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

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

class Metrics {
 public:
  Metrics();
  // Serves the registry on HOST:PORT (port 0: a free port); returns the bound address.
  absl::StatusOr<std::string> Serve(const std::string& listen);

  // `method` must outlive the process (a string literal): series are cached by its address.
  void ObserveRpc(const char* method, const char* code, double seconds);
  // Where the gauges are read from: the data snapshot and the database (so replicas agree).
  struct Sources {
    PolicyHolder* policy;
    storage::Storage* storage;
    const Clock* clock;
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
  prometheus::Family<prometheus::Counter>& rpcs_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Gauge>& payouts_;
  prometheus::Family<prometheus::Gauge>& payout_fen_;
  prometheus::Family<prometheus::Gauge>& remaining_budget_;
  prometheus::Family<prometheus::Gauge>& ledger_;
  prometheus::Family<prometheus::Gauge>& data_info_;
  prometheus::Family<prometheus::Gauge>& staleness_;
  prometheus::Family<prometheus::Gauge>& alarms_;
  absl::Mutex mu_;  // guards label sets that come and go (data version, alarms)
  prometheus::Gauge* data_version_gauge_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<prometheus::Gauge*> alarm_gauges_ ABSL_GUARDED_BY(mu_);
  struct RpcSeries {
    prometheus::Counter* count = nullptr;
    prometheus::Histogram* latency = nullptr;
  };
  absl::Mutex rpc_mu_;
  absl::flat_hash_map<std::pair<const char*, const char*>, RpcSeries> rpc_series_ ABSL_GUARDED_BY(rpc_mu_);
  absl::Notification stop_;
  std::thread refresher_;
};

}  // namespace subsidy::ops
