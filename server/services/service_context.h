// What every service shares: the current policy-data snapshot and the storage.
#pragma once

#include <memory>

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
  std::shared_ptr<const PolicyData> Get() const {
    absl::MutexLock lock(&mu_);
    return data_;
  }
  void Swap(std::shared_ptr<const PolicyData> data) {
    absl::MutexLock lock(&mu_);
    data_ = std::move(data);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const PolicyData> data_ ABSL_GUARDED_BY(mu_);
};

struct ServiceContext {
  PolicyHolder* policy;
  storage::Storage* storage;
  Executor* executor;  // runs calls that wait on the database
  auth::Authorizer* auth;
  auth::CallLimiter* limiter;
  size_t max_stream_messages = 1'000'000;  // per call
};

}  // namespace subsidy::service
