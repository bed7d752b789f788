// A server-streaming call whose messages are a long computation's progress, then its answer: the
// exchange (common.h) of one gRPC call served by Dispatch like any unary one (admission, the log
// line, metrics, the executor), whose Progress writes a message and whose Finish writes the answer
// last. Progress is coalesced: while one message is on the wire only the latest waits behind it.
#pragma once

#include <functional>
#include <mutex>
#include <optional>

#include "services/common.h"

namespace subsidy::service {

class ProgressStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer>, public Exchange {
 public:
  // `progress(done, total, out)` writes a progress message.
  using ProgressMessage = std::function<void(int64_t, int64_t, grpc::ByteBuffer*)>;
  ProgressStream(const ServiceContext& ctx, grpc::CallbackServerContext* context, ProgressMessage progress)
      : ctx_(ctx), context_(context), progress_(std::move(progress)) {
    if (ctx_.in_flight) ctx_.in_flight->Enter();
  }
  std::chrono::system_clock::time_point deadline() const override { return context_->deadline(); }
  void NoteReplay() override {}
  absl::StatusOr<std::shared_ptr<const auth::Caller>> Authorize(const auth::Authorizer& auth, absl::string_view method,
                                                                absl::string_view scope) const override {
    return auth.Authorize(*context_, method, scope);
  }
  std::string peer() const override { return context_->peer(); }
  std::string language() const override { return CallerLanguage(*context_); }

  bool Progress(int64_t done, int64_t total) override {
    std::lock_guard<std::mutex> l(mu_);
    if (gone_) return false;
    next_.emplace();
    progress_(done, total, &*next_);
    Pump();
    return true;
  }
  void Finish(const absl::Status& status, const google::protobuf::Message& response) override {
    std::lock_guard<std::mutex> l(mu_);
    status_ = status;
    next_.reset();  // the answer says it all
    if (status.ok()) {
      answer_.emplace();
      if (auto s = formats::ToWire(response, &*answer_); !s.ok()) {
        status_ = s;
        answer_.reset();
      }
    }
    finishing_ = true;
    Pump();
  }
  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> l(mu_);
    writing_ = false;
    if (!ok) gone_ = true;
    Pump();
  }
  void OnCancel() override {
    std::lock_guard<std::mutex> l(mu_);
    gone_ = true;
  }
  void OnDone() override {
    CallsInFlight* in_flight = ctx_.in_flight;
    delete this;
    if (in_flight) in_flight->Leave();
  }

 private:
  // Under mu_: the next write, or the end once nothing is on the wire.
  void Pump() {
    if (writing_ || finished_) return;
    if (finishing_) {
      finished_ = true;
      const grpc::Status status = CallerStatus(ctx_, *this, status_);
      if (answer_ && !gone_) {
        wire_ = std::move(*answer_);
        StartWriteAndFinish(&wire_, grpc::WriteOptions(), status);
      } else {
        grpc::ServerWriteReactor<grpc::ByteBuffer>::Finish(status);
      }
      return;
    }
    if (next_ && !gone_) {
      wire_ = std::move(*next_);
      next_.reset();
      writing_ = true;
      StartWrite(&wire_);
    }
  }

  const ServiceContext& ctx_;
  grpc::CallbackServerContext* context_;
  ProgressMessage progress_;
  std::mutex mu_;
  grpc::ByteBuffer wire_;                   // the message on the wire
  std::optional<grpc::ByteBuffer> next_;    // the latest progress, waiting
  std::optional<grpc::ByteBuffer> answer_;  // the last message
  absl::Status status_;
  bool writing_ = false, finishing_ = false, finished_ = false, gone_ = false;
};

}  // namespace subsidy::service
