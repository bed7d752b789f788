// A server interceptor that sees every RPC: its method, caller, request_id, status code and
// latency go to the metrics and to one JSON log line.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include "ops/metrics.h"

namespace subsidy::ops {

class RpcObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcObserverFactory(Metrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  Metrics* metrics_;
};

// The caller's name as the authentication layer set it for this call ("" before it runs).
inline constexpr char kCallerMetadata[] = "x-subsidy-caller";

}  // namespace subsidy::ops
