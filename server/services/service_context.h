// What every service shares: the policy-data snapshot, the storage, the executor for calls that
// wait on the database, authorization, the clock, and the observer of finished calls.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/support/status.h>

#include "auth/authorizer.h"
#include "ops/data_reloader.h"
#include "ops/policy_holder.h"
#include "services/calls_in_flight.h"
#include "services/executor.h"
#include "storage/storage.h"
#include "time/clock.h"

namespace subsidy::service {

// One finished call, for metrics and logs.
struct CallRecord {
  const char* method;  // "subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy"
  std::string caller;
  std::string request_id;
  grpc::StatusCode code;
  std::string message;
  double seconds;
};

struct ServiceContext {
  ops::PolicyHolder* policy;
  storage::Storage* storage;
  Executor* executor;  // runs calls that wait on the database
  auth::Authorizer* auth;
  auth::CallLimiter* limiter;
  const Clock* clock = &Clock::System();
  size_t max_stream_messages = 1'000'000;  // per call
  std::function<void(const CallRecord&)> observe;  // may be empty
  CallsInFlight* in_flight = nullptr;               // calls not yet done (for a prompt, clean stop)
  ops::DataReloader* reloader = nullptr;            // AdminService.ReloadData
  // Dual control (双人复核): a money movement by a person at or above this many 分 waits for a second
  // finance officer; -1: off (no caller list, so no second person).
  int64_t dual_control_threshold_fen = -1;
  // Where the report and list RPCs read: a hot standby (--report_db), or `storage`.
  storage::Storage* reports = nullptr;
};

}  // namespace subsidy::service
