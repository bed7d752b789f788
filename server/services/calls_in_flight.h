// The calls a server has admitted and not yet answered (gRPC and HTTP alike), so that a stop can
// wait for them to finish — on a condition, not by polling.
#pragma once

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace subsidy::service {

class CallsInFlight {
 public:
  void Enter() { n_.fetch_add(1, std::memory_order_relaxed); }
  void Leave() {
    // The lock is taken only by the last call out, so that a waiter cannot miss the wake-up.
    if (n_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      absl::MutexLock lock(&mu_);
      idle_.SignalAll();
    }
  }
  int count() const { return n_.load(std::memory_order_acquire); }
  // From now on no new call is admitted (Admit refuses it UNAVAILABLE). A call counts itself
  // (Enter) before it asks for admission, so one admitted before Close is always awaited.
  void Close() { closed_.store(true, std::memory_order_release); }
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  // Waits until no call is in flight or `deadline` passes; true when none is.
  bool AwaitNone(absl::Time deadline) {
    absl::MutexLock lock(&mu_);
    while (n_.load(std::memory_order_acquire) != 0) {
      if (idle_.WaitWithDeadline(&mu_, deadline)) return n_.load(std::memory_order_acquire) == 0;
    }
    return true;
  }

 private:
  std::atomic<int> n_{0};
  std::atomic<bool> closed_{false};
  absl::Mutex mu_;
  absl::CondVar idle_;
};

}  // namespace subsidy::service
