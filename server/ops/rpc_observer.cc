#include "ops/rpc_observer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ops/log.h"

namespace subsidy::ops {
namespace {

using grpc::experimental::InterceptionHookPoints;

std::string CodeName(grpc::StatusCode c) { return absl::StatusCodeToString(static_cast<absl::StatusCode>(c)); }

class RpcObserver : public grpc::experimental::Interceptor {
 public:
  RpcObserver(grpc::experimental::ServerRpcInfo* info, Metrics* metrics, const auth::Authorizer* auth)
      : info_(info), metrics_(metrics), auth_(auth), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // Only our own services' messages are protobuf messages we know: gRPC's health service, for
    // one, hands raw byte buffers through here.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) && !seen_message_ &&
        absl::StartsWith(info_->method(), "/subsidy.v1.")) {
      seen_message_ = true;
      if (const auto* msg = static_cast<const google::protobuf::Message*>(methods->GetRecvMessage())) {
        const auto* field = msg->GetDescriptor()->FindFieldByName("request_id");
        if (field != nullptr && field->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !field->is_repeated()) {
          request_id_ = msg->GetReflection()->GetString(*msg, field);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      std::string method = info_->method();
      if (!method.empty() && method.front() == '/') method.erase(0, 1);
      const std::string code = CodeName(status.error_code());
      if (metrics_) metrics_->ObserveRpc(method, code, seconds);
      const std::string caller = auth_ ? auth_->NameFor(*info_->server_context()) : info_->server_context()->peer();
      const bool health = method.rfind("grpc.", 0) == 0;
      LogLine line("rpc");
      line.Str("method", method).Str("caller", caller).Str("request_id", request_id_).Str("code", code).Num(
          "latency_ms", seconds * 1000);
      if (!status.ok()) line.Str("message", status.error_message());
      line.Write(health ? LogLevel::kDebug : LogLevel::kInfo);
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  Metrics* metrics_;
  const auth::Authorizer* auth_;
  const std::chrono::steady_clock::time_point start_;
  bool seen_message_ = false;
  std::string request_id_;
};

}  // namespace

grpc::experimental::Interceptor* RpcObserverFactory::CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) {
  return new RpcObserver(info, metrics_, auth_);
}

}  // namespace subsidy::ops
