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

// A batch's writes in the runs a dialect takes one at a time: the writes of one combiner kind queued
// one after another together, every other write alone.
inline std::vector<std::vector<GroupCommit::Pending*>> CombinedRuns(const std::vector<GroupCommit::Pending*>& batch) {
  std::vector<std::vector<GroupCommit::Pending*>> runs;
  auto kind = [](const GroupCommit::Pending* p) -> const void* {
    return p->options->combiner ? p->options->combiner->kind() : nullptr;
  };
  for (GroupCommit::Pending* p : batch) {
    if (runs.empty() || kind(p) == nullptr || kind(runs.back().front()) != kind(p)) runs.emplace_back();
    runs.back().push_back(p);
  }
  return runs;
}

// Runs a run of two or more combined writes by their combiner and sets each one's result; an
// error (none set): roll back what it did and run each alone.
inline absl::Status RunCombined(SqlSession& session, const std::vector<GroupCommit::Pending*>& run) {
  std::vector<const void*> items;
  for (const GroupCommit::Pending* p : run) items.push_back(p->options->item);
  auto results = run.front()->options->combiner->RunAll(session, items);
  if (!results.ok()) return results.status();
  if (results->size() != run.size()) return absl::InternalError("a combined run answered another number of writes");
  for (size_t i = 0; i < run.size(); ++i) run[i]->result = std::move((*results)[i]);
  return absl::OkStatus();
}

}  // namespace subsidy::storage
