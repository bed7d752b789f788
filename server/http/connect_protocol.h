// Connect's unary protocol on the wire, for the HTTP front: messages converted JSON ⇄ binary by
// protobuf's own converter, and errors as Connect's JSON body. (ConnectCode and ConnectHttpStatus,
// declared in connect_front.h, are defined with them.) Internal to the HTTP front.
#pragma once

#include <grpcpp/grpcpp.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/type_resolver.h>

#include <string>

namespace subsidy::http {

// The one type resolver of every JSON ⇄ binary conversion, over the compiled-in protos.
google::protobuf::util::TypeResolver* JsonTypeResolver();
// The URL JsonTypeResolver() knows a message type by.
std::string TypeUrl(const google::protobuf::Descriptor* d);

// A Connect error body: {"code", "message", "details": [{"type", "value"}]} from a gRPC status,
// its details (grpc-status-details-bin: RpcStatus with Anys) carried over.
std::string ConnectErrorJson(const grpc::Status& status);

}  // namespace subsidy::http
