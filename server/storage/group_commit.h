// Group commit, shared by the dialects: the writes that queue while a batch runs are taken
// together by the next leader, a waiting writer's own thread. Up to `lanes` batches run at once
// (SQLite: one writer; PostgreSQL: several connections). How a batch runs is the dialect's.
#pragma once

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/dialect.h"

namespace subsidy::storage {

class GroupCommit {
 public:
  struct Pending {
    const WriteOptions* options;
    Dialect::WriteFn* fn;
    absl::StatusOr<std::string> result = absl::UnknownError("not run");
    bool queued = true;  // still waiting for a leader to take it
    bool done = false;
  };
  using RunBatchFn = absl::FunctionRef<void(const std::vector<Pending*>&)>;

  explicit GroupCommit(int lanes) : lanes_(lanes) {}

  // Queues the write and returns its result once a batch (perhaps led by this thread) ran it.
  absl::StatusOr<std::string> Write(const WriteOptions& options, Dialect::WriteFn& fn, RunBatchFn run_batch) {
    Pending mine{&options, &fn};
    absl::MutexLock lock(&mu_);
    queue_.push_back(&mine);
    while (!mine.done) {
      if (mine.queued && leaders_ < lanes_) {
        // Lead: take everything queued so far (ours included) and run it as one batch.
        ++leaders_;
        std::vector<Pending*> batch;
        batch.swap(queue_);
        for (Pending* p : batch) p->queued = false;
        mu_.Unlock();
        run_batch(batch);
        mu_.Lock();
        for (Pending* p : batch) p->done = true;
        --leaders_;
      } else {
        // Wait until a leader has run ours, or until a lane is free and ours still waits.
        const auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return mine.done || (mine.queued && leaders_ < lanes_);
        };
        mu_.Await(absl::Condition(&ready));
      }
    }
    return std::move(mine.result);
  }

 private:
  const int lanes_;
  absl::Mutex mu_;
  std::vector<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  int leaders_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace subsidy::storage
