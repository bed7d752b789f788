#include "http/connect_protocol.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/status_util.h"
#include "http/connect_front.h"
#include "services/status_mapping.h"
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

namespace {

// A detail as JSON (Connect's "debug" form): the message type its URL names, or this API's copy of
// a google.rpc type (common.proto: subsidy.v1.BadRequest has the wire shape of google.rpc.BadRequest
// and is sent under its name); none when neither is known or the bytes do not convert.
std::optional<google::protobuf::Struct> DebugOf(absl::string_view type, const std::string& value) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::Descriptor* d = pool->FindMessageTypeByName(std::string(type));
  if (d == nullptr && absl::ConsumePrefix(&type, "google.rpc.")) {
    d = pool->FindMessageTypeByName(absl::StrCat("subsidy.v1.", type));
  }
  std::string json;
  google::protobuf::Struct out;
  if (d == nullptr || !google::protobuf::util::BinaryToJsonString(JsonTypeResolver(), TypeUrl(d), value, &json).ok() ||
      !google::protobuf::util::JsonStringToMessage(json, &out).ok()) {
    return std::nullopt;
  }
  return out;
}

// What protobuf's JSON converter says of a body it cannot convert, split into the field it names
// (a path of proto field names) and what it says of it. Its forms:
//   "(loans[1].program): invalid value \"NOPE\" for type type.googleapis.com/subsidy.v1.LoanProgram"
//   "(claim_period) start_date: Proto field is not repeating, cannot start list."
//   "noSuchField: Cannot find field."
struct Complaint {
  std::string field;
  std::string what;
};
std::optional<Complaint> ComplaintOf(absl::string_view why) {
  Complaint out;
  if (absl::ConsumePrefix(&why, "(")) {
    const size_t close = why.find(')');
    if (close == absl::string_view::npos) return std::nullopt;
    out.field = std::string(why.substr(0, close));
    why.remove_prefix(close + 1);
    if (!absl::ConsumePrefix(&why, ": ")) {
      // "(parent) child: …": the child is named after its parent's path.
      const size_t colon = why.find(": ");
      if (!absl::ConsumePrefix(&why, " ") || colon == absl::string_view::npos) return std::nullopt;
      const absl::string_view child = why.substr(0, colon - 1);
      out.field = out.field.empty() ? std::string(child) : absl::StrCat(out.field, ".", child);
      why.remove_prefix(colon + 1);
    }
  } else {
    const size_t colon = why.find(": ");
    if (colon == absl::string_view::npos || colon == 0) return std::nullopt;
    for (char c : why.substr(0, colon)) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
    }
    out.field = std::string(why.substr(0, colon));
    why.remove_prefix(colon + 2);
  }
  if (out.field.empty()) return std::nullopt;
  out.what = std::string(why);
  return out;
}

// "invalid value \"NOPE\" for type type.googleapis.com/subsidy.v1.LoanProgram" → the value given
// and the names the enum has; none when `what` is not about an enum of the compiled-in protos.
std::optional<std::string> EnumComplaint(absl::string_view what) {
  constexpr absl::string_view kInvalid = "invalid value ", kForType = " for type type.googleapis.com/";
  const size_t at = what.find(kForType);
  if (!absl::StartsWith(what, kInvalid) || at == absl::string_view::npos) return std::nullopt;
  const auto* e = google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
      std::string(what.substr(at + kForType.size())));
  if (e == nullptr) return std::nullopt;
  std::vector<std::string> names;
  // The zero value (…_UNSPECIFIED) is the field left out, never a value to give.
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) names.push_back(e->value(i)->name());
  }
  return absl::StrCat("invalid value ", what.substr(kInvalid.size(), at - kInvalid.size()), ": a ", e->full_name(),
                      " is one of ", absl::StrJoin(names, ", "));
}

}  // namespace

absl::Status JsonBodyError(absl::string_view type, absl::string_view why) {
  const std::string prefix = absl::StrCat("the body is not a ", type, " in JSON: ");
  const std::optional<Complaint> complaint = ComplaintOf(why);
  if (!complaint) return absl::InvalidArgumentError(absl::StrCat(prefix, why));
  const std::optional<std::string> names = EnumComplaint(complaint->what);
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat(prefix, complaint->field, ": ", names ? *names : complaint->what));
  status.SetPayload(kFieldPayload, absl::Cord(complaint->field));
  return status;
}

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
      if (auto debug = DebugOf(d.fields().at("type").string_value(), any.value())) {
        *(*d.mutable_fields())["debug"].mutable_struct_value() = std::move(*debug);
      }
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
