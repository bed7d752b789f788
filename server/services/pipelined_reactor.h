// A bidirectional-stream reactor that reads ahead while results are written: each request is
// turned into one response by `fn`, responses go out in request order, and at most
// `max_queued` responses wait for the network (backpressure: reading pauses past that).
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <functional>

#include "absl/synchronization/mutex.h"

namespace subsidy::service {

template <class Req, class Resp>
class PipelinedReactor final : public grpc::ServerBidiReactor<Req, Resp> {
 public:
  using Fn = std::function<void(const Req&, Resp*)>;

  // `keep_alive` is held until the call is done (e.g. the caller's concurrent-call slot); past
  // `max_messages` requests the call ends with RESOURCE_EXHAUSTED.
  // `on_finish` sees the final status (metrics, logs).
  PipelinedReactor(Fn fn, size_t max_queued, std::shared_ptr<void> keep_alive = nullptr,
                   size_t max_messages = static_cast<size_t>(-1),
                   std::function<void(const grpc::Status&)> on_finish = nullptr)
      : fn_(std::move(fn)),
        max_queued_(max_queued),
        keep_alive_(std::move(keep_alive)),
        max_messages_(max_messages),
        on_finish_(std::move(on_finish)) {
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (ok && ++messages_ > max_messages_) {
      {
        absl::MutexLock lock(&mu_);
        if (finished_) return;
        finished_ = true;
      }
      FinishWith(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many messages in one stream"));
      return;
    }
    Resp response;
    if (ok) fn_(request_, &response);
    Resp* to_write = nullptr;
    bool read_more = false, finish = false;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      if (ok) {
        queue_.push_back(std::move(response));
        if (queue_.size() < max_queued_) {
          read_more = true;
        } else {
          read_paused_ = true;
        }
      } else {
        reads_done_ = true;
      }
      to_write = NextWriteLocked();
      finish = ShouldFinishLocked();
    }
    Act(to_write, read_more, finish);
  }

  void OnWriteDone(bool ok) override {
    Resp* to_write = nullptr;
    bool read_more = false, finish = false;
    {
      absl::MutexLock lock(&mu_);
      queue_.pop_front();
      writing_ = false;
      if (!ok) failed_ = true;  // the client has gone: stop
      if (!finished_ && !failed_) {
        to_write = NextWriteLocked();
        if (read_paused_ && queue_.size() < max_queued_) {
          read_paused_ = false;
          read_more = true;
        }
      }
      finish = ShouldFinishLocked();
    }
    Act(to_write, read_more, finish);
  }

  void OnDone() override { delete this; }

 private:
  Resp* NextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || queue_.empty() || failed_) return nullptr;
    writing_ = true;
    return &queue_.front();  // deque elements do not move while others are pushed
  }
  bool ShouldFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return false;
    if (failed_ || (reads_done_ && queue_.empty() && !writing_)) {
      finished_ = true;
      return true;
    }
    return false;
  }
  void Act(Resp* to_write, bool read_more, bool finish) {
    if (to_write) this->StartWrite(to_write);
    if (read_more) this->StartRead(&request_);
    if (finish) FinishWith(failed_ ? grpc::Status(grpc::StatusCode::CANCELLED, "client gone") : grpc::Status::OK);
  }
  void FinishWith(grpc::Status status) {
    if (on_finish_) on_finish_(status);
    this->Finish(std::move(status));
  }

  Fn fn_;
  const size_t max_queued_;
  std::shared_ptr<void> keep_alive_;
  const size_t max_messages_;
  std::function<void(const grpc::Status&)> on_finish_;
  size_t messages_ = 0;  // only OnReadDone touches it, and reads are sequential
  Req request_;
  absl::Mutex mu_;
  std::deque<Resp> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

// Ends a stream at once with `status` (e.g. the caller may not make this call).
template <class Req, class Resp>
class RejectingReactor final : public grpc::ServerBidiReactor<Req, Resp> {
 public:
  explicit RejectingReactor(grpc::Status status, const std::function<void(const grpc::Status&)>& on_finish = nullptr) {
    if (on_finish) on_finish(status);
    this->Finish(std::move(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace subsidy::service
