// Every call of our services is counted, timed and logged when it finishes: a unary reactor
// that records its status on the way out (cheaper than a gRPC interceptor, which runs hooks on
// every operation of every call).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string>

#include "services/service_context.h"

namespace subsidy::service {

class ObservedReactor final : public grpc::ServerUnaryReactor {
 public:
  ObservedReactor(const ServiceContext& ctx, const grpc::CallbackServerContext* context, const char* method,
                  std::string request_id = "")
      : ctx_(ctx), context_(context), method_(method), request_id_(std::move(request_id)),
        start_(std::chrono::steady_clock::now()) {
    if (ctx_.in_flight) ++*ctx_.in_flight;
  }

  void set_caller(std::string caller) { caller_ = std::move(caller); }
  // Records the call, then finishes it.
  void FinishWith(grpc::Status status) {
    if (ctx_.observe) {
      ctx_.observe(CallRecord{method_, caller_.empty() ? context_->peer() : caller_, request_id_,
                              status.error_code(), status.error_message(),
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()});
    }
    Finish(std::move(status));
  }
  void OnDone() override {
    std::atomic<int>* in_flight = ctx_.in_flight;
    delete this;
    if (in_flight) --*in_flight;
  }

 private:
  const ServiceContext& ctx_;
  const grpc::CallbackServerContext* context_;
  const char* method_;
  std::string request_id_;
  std::string caller_;
  const std::chrono::steady_clock::time_point start_;
};

}  // namespace subsidy::service
