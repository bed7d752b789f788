#include "http/connect_protocol.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/synchronization/mutex.h"
#include "http/connect_front.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::http {
namespace {

// JSON ⇄ binary by protobuf's own converter, through one type resolver over the compiled-in
// protos that keeps every type it has resolved: the converter asks for each message and enum type
// on every call, and building them from the descriptors costs more than copying them.
class CachingResolver final : public google::protobuf::util::TypeResolver {
 public:
  CachingResolver()
      : base_(google::protobuf::util::NewTypeResolverForDescriptorPool(
            "type.googleapis.com", google::protobuf::DescriptorPool::generated_pool())) {}
  google::protobuf::util::Status ResolveMessageType(const std::string& url, google::protobuf::Type* out) override {
    return Resolve(url, out, messages_, [&](google::protobuf::Type* t) { return base_->ResolveMessageType(url, t); });
  }
  google::protobuf::util::Status ResolveEnumType(const std::string& url, google::protobuf::Enum* out) override {
    return Resolve(url, out, enums_, [&](google::protobuf::Enum* e) { return base_->ResolveEnumType(url, e); });
  }

 private:
  template <class T, class Fn>
  google::protobuf::util::Status Resolve(const std::string& url, T* out, absl::flat_hash_map<std::string, T>& cache,
                                         Fn resolve) {
    {
      absl::ReaderMutexLock l(&mu_);
      if (auto it = cache.find(url); it != cache.end()) {
        *out = it->second;
        return google::protobuf::util::Status();
      }
    }
    auto status = resolve(out);
    if (status.ok()) {
      absl::MutexLock l(&mu_);
      cache.emplace(url, *out);
    }
    return status;
  }
  std::unique_ptr<google::protobuf::util::TypeResolver> base_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, google::protobuf::Type> messages_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, google::protobuf::Enum> enums_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

google::protobuf::util::TypeResolver* JsonTypeResolver() {
  static auto* resolver = new CachingResolver();
  return resolver;
}

std::string TypeUrl(const google::protobuf::Descriptor* d) { return "type.googleapis.com/" + d->full_name(); }

std::string ConnectErrorJson(const grpc::Status& status) {
  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  fields["code"].set_string_value(ConnectCode(status.error_code()));
  fields["message"].set_string_value(status.error_message());
  v1::RpcStatus details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    auto* list = fields["details"].mutable_list_value();
    for (const auto& any : details.details()) {
      google::protobuf::Struct d;
      const size_t slash = any.type_url().rfind('/');
      (*d.mutable_fields())["type"].set_string_value(
          slash == std::string::npos ? any.type_url() : any.type_url().substr(slash + 1));
      std::string value;
      absl::Base64Escape(any.value(), &value);
      (*d.mutable_fields())["value"].set_string_value(value);
      *list->add_values()->mutable_struct_value() = std::move(d);
    }
  }
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(body, &out);
  return out;
}

const char* ConnectCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "ok";
    case grpc::StatusCode::CANCELLED: return "canceled";
    case grpc::StatusCode::UNKNOWN: return "unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "invalid_argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "deadline_exceeded";
    case grpc::StatusCode::NOT_FOUND: return "not_found";
    case grpc::StatusCode::ALREADY_EXISTS: return "already_exists";
    case grpc::StatusCode::PERMISSION_DENIED: return "permission_denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "resource_exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "failed_precondition";
    case grpc::StatusCode::ABORTED: return "aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "out_of_range";
    case grpc::StatusCode::UNIMPLEMENTED: return "unimplemented";
    case grpc::StatusCode::INTERNAL: return "internal";
    case grpc::StatusCode::UNAVAILABLE: return "unavailable";
    case grpc::StatusCode::DATA_LOSS: return "data_loss";
    case grpc::StatusCode::UNAUTHENTICATED: return "unauthenticated";
    default: return "unknown";
  }
}

// Connect's table (connectrpc.com/docs/protocol, "Error Codes").
int ConnectHttpStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::FAILED_PRECONDITION: return 400;
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    default: return 500;
  }
}

}  // namespace subsidy::http
