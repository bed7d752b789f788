// A server interceptor that sees every RPC: its method, caller, request_id, status code and
// latency go to the metrics and to one JSON log line.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include "auth/authorizer.h"
#include "ops/metrics.h"

namespace subsidy::ops {

class RpcObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RpcObserverFactory(Metrics* metrics, const auth::Authorizer* auth) : metrics_(metrics), auth_(auth) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  Metrics* metrics_;
  const auth::Authorizer* auth_;
};

}  // namespace subsidy::ops
