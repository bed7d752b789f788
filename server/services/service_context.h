// What every service shares: the current policy-data snapshot and the storage.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/support/status.h>

#include "absl/synchronization/mutex.h"
#include "auth/authorizer.h"
#include "services/executor.h"
#include "policy/policy_data.h"
#include "storage/storage.h"

namespace subsidy::service {

// Holds the current snapshot; a call takes one reference at its start and keeps it to the end,
// so a swap never changes the data under a call in flight.
class PolicyHolder {
 public:
  explicit PolicyHolder(std::shared_ptr<const PolicyData> data) : data_(std::move(data)) {}
  // Every call takes one: an atomic shared_ptr, so that calls never queue on a lock for it.
  std::shared_ptr<const PolicyData> Get() const { return data_.load(std::memory_order_acquire); }
  void Swap(std::shared_ptr<const PolicyData> data) { data_.store(std::move(data), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const PolicyData>> data_;
};

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
  PolicyHolder* policy;
  storage::Storage* storage;
  Executor* executor;  // runs calls that wait on the database
  auth::Authorizer* auth;
  auth::CallLimiter* limiter;
  size_t max_stream_messages = 1'000'000;  // per call
  std::function<void(const CallRecord&)> observe;  // may be empty
  std::atomic<int>* in_flight = nullptr;            // calls not yet done (for a prompt, clean stop)
};

}  // namespace subsidy::service
