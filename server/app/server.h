// The server as one object, built from parsed options (options.h): the ledger, the policy data,
// the services on gRPC and HTTP, metrics and the disbursement schedule. Start() brings them up in
// order; Stop() refuses new calls, waits (on a condition) for those in flight up to the grace
// period, then takes everything down in reverse order and closes the database last.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "app/options.h"
#include "auth/authorizer.h"
#include "http/connect_front.h"
#include "ops/data_reloader.h"
#include "ops/metrics.h"
#include "ops/policy_holder.h"
#include "services/calls_in_flight.h"
#include "services/alert_sweeper.h"
#include "services/disbursement_scheduler.h"
#include "services/services.h"
#include "storage/storage.h"
#include "time/clock.h"

namespace subsidy::app {

class Server {
 public:
  // Prints "listening on HOST:PORT" on stdout once every front serves.
  static absl::StatusOr<std::unique_ptr<Server>> Start(ServerOptions options);
  ~Server();

  // SIGHUP: the policy data and the callers are reloaded (a bad file keeps the old).
  void Reload();
  // SIGTERM/SIGINT: an orderly stop; returns when the database is closed.
  void Stop(int signal);

 private:
  explicit Server(ServerOptions options) : options_(std::move(options)) {}
  absl::Status Open();
  absl::Status WireServices();
  absl::Status StartGrpc();
  absl::Status StartHttp();
  absl::Status StartMetrics();
  void LogStart() const;

  ServerOptions options_;
  std::unique_ptr<FakeClock> fixed_clock_;
  const Clock* clock_ = &Clock::System();
  std::shared_ptr<const PolicyData> data_;
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<storage::Storage> report_storage_;  // --report_db: a hot standby (else none)
  std::unique_ptr<ops::PolicyHolder> policy_;
  std::unique_ptr<service::Executor> executor_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<auth::CallLimiter> limiter_;
  service::CallsInFlight calls_;
  ops::Metrics metrics_;
  std::unique_ptr<ops::DataReloader> reloader_;
  service::ServiceContext ctx_{};
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> grpc_;
  std::string address_, metrics_address_, http_address_;
  std::atomic<bool> serving_{true};
  std::unique_ptr<http::ConnectFront> http_;
  std::unique_ptr<service::DisbursementScheduler> scheduler_;
  std::unique_ptr<service::AlertSweeper> sweeper_;
  bool stopped_ = false;
};

}  // namespace subsidy::app
