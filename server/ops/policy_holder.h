// The current policy-data snapshot. A call takes one reference at its start and keeps it to the
// end, so a swap (reload) never changes the data under a call in flight.
#pragma once

#include <atomic>
#include <memory>

#include "policy/policy_data.h"

namespace subsidy::ops {

class PolicyHolder {
 public:
  explicit PolicyHolder(std::shared_ptr<const PolicyData> data) : data_(std::move(data)) {}
  // Every call takes one: an atomic shared_ptr, so that calls never queue on a lock for it.
  std::shared_ptr<const PolicyData> Get() const { return data_.load(std::memory_order_acquire); }
  void Swap(std::shared_ptr<const PolicyData> data) { data_.store(std::move(data), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const PolicyData>> data_;
};

}  // namespace subsidy::ops
