// Small helpers shared by the service adapters.
#pragma once

#include <grpcpp/grpcpp.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

#include <string>

#include "absl/status/statusor.h"
#include "services/executor.h"
#include "services/service_context.h"
#include "storage/storage.h"
#include "time/date.h"

namespace subsidy::service {

// The request's payload for idempotency: its deterministic serialization without request_id.
template <class Req>
storage::IdempotencyKey KeyFor(const std::string& method, const Req& request,
                               std::chrono::system_clock::time_point deadline,
                               std::vector<std::string> lock_keys = {}) {
  Req copy = request;
  copy.clear_request_id();
  std::string payload;
  google::protobuf::io::StringOutputStream raw(&payload);
  {
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&out);
  }
  return {request.request_id(), method, payload, deadline, std::move(lock_keys)};
}

// The caller, authorized for `method` (and `school_id` when the RPC is school-scoped), holding
// one of its concurrent-call slots until the Admission is destroyed.
struct Admission {
  std::shared_ptr<const auth::Caller> caller;
  std::shared_ptr<void> slot;
};
absl::StatusOr<Admission> Admit(const ServiceContext& ctx, const grpc::CallbackServerContext* context,
                                absl::string_view method, absl::string_view school_id = "");

absl::Status ValidateRequestId(const std::string& request_id);
absl::Status ValidateId(const std::string& value, absl::string_view field);
absl::StatusOr<Date> ParseDate(const std::string& text, absl::string_view field);


// Runs `work` (which returns the call's status) on the executor and finishes the reactor with
// it; sheds the call with RESOURCE_EXHAUSTED when the executor's queue is full.
class ObservedReactor;
void FinishOnExecutor(Executor* executor, ObservedReactor* reactor, std::function<absl::Status()> work);

// Parses a stored response.
template <class Resp>
absl::Status ParseStored(const std::string& bytes, Resp* out) {
  if (!out->ParseFromString(bytes)) return absl::DataLossError("a stored response does not parse");
  return absl::OkStatus();
}

}  // namespace subsidy::service
