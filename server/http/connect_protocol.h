// Connect's unary protocol on the wire, for the HTTP front: messages converted JSON ⇄ binary by
// protobuf's own converter, and errors as Connect's JSON body. (ConnectCode and ConnectHttpStatus,
// declared in connect_front.h, are defined with them.) Internal to the HTTP front.
#pragma once

#include <grpcpp/grpcpp.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/type_resolver.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace subsidy::http {

// The one type resolver of every JSON ⇄ binary conversion, over the compiled-in protos.
google::protobuf::util::TypeResolver* JsonTypeResolver();
// The URL JsonTypeResolver() knows a message type by.
std::string TypeUrl(const google::protobuf::Descriptor* d);

// A Connect error body: {"code", "message", "details": [{"type", "value", "debug"}]} from a gRPC
// status, its details (grpc-status-details-bin: RpcStatus with Anys) carried over: `value` the
// message's bytes in base64, `debug` the same message in protobuf's JSON (Connect's readable form,
// for a client without the protos).
std::string ConnectErrorJson(const grpc::Status& status);

// Why a JSON body is not a `type` ("subsidy.v1.LoanSubsidyRequest"), from what protobuf's
// converter said (`why`): INVALID_ARGUMENT, with a BadRequest naming the field when `why` names one
// (as a path of proto field names, "loans[1].program"). A name an enum does not have is answered
// with the names it has.
absl::Status JsonBodyError(absl::string_view type, absl::string_view why);

}  // namespace subsidy::http
