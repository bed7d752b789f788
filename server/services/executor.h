// A fixed pool of worker threads for calls that block on the database, so that gRPC's own
// threads are never held by a commit and many mutations can wait for one group commit at once.
// The queue is bounded: past it, Submit refuses and the caller sheds the call.
#pragma once

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace subsidy::service {

class Executor {
 public:
  Executor(int threads, size_t max_queued);
  ~Executor();  // runs what is queued, then joins
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // False when the queue is full (the work was not taken).
  bool Submit(std::function<void()> work);
  size_t queued() const;

 private:
  void Loop();
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  const size_t max_queued_;
  std::vector<std::thread> threads_;
};

}  // namespace subsidy::service
