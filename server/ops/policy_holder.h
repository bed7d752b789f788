// The current policy-data snapshot. A call takes one reference at its start and keeps it to the
// end, so a swap (reload) never changes the data under a call in flight.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "policy/policy_data.h"

namespace subsidy::ops {

class PolicyHolder {
 public:
  explicit PolicyHolder(std::shared_ptr<const PolicyData> data) : data_(std::move(data)) {}
  // Every call takes one: an atomic shared_ptr, so that calls never queue on a lock for it.
  std::shared_ptr<const PolicyData> Get() const { return data_.load(std::memory_order_acquire); }
  void Swap(std::shared_ptr<const PolicyData> data) {
    data_.store(std::move(data), std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }

  // The current snapshot for a call that starts and ends on this thread, without touching the
  // shared reference count (which every worker thread would otherwise bounce between cores):
  // each thread keeps its own reference and renews it when a swap has happened. The reference
  // stays valid until this thread's next call to Current().
  const PolicyData& Current() const {
    thread_local const PolicyHolder* owner = nullptr;
    thread_local uint64_t seen = 0;
    thread_local std::shared_ptr<const PolicyData> kept;
    const uint64_t now = generation_.load(std::memory_order_acquire);
    if (owner != this || seen != now || !kept) {
      kept = Get();
      seen = now;
      owner = this;
    }
    return *kept;
  }

 private:
  std::atomic<std::shared_ptr<const PolicyData>> data_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace subsidy::ops
