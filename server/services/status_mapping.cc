#include "services/status_mapping.h"

#include "common/status_util.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::service {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  v1::RpcStatus details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  if (auto field = FieldOf(status)) {
    v1::BadRequest bad;
    auto* v = bad.add_field_violations();
    v->set_field(*field);
    v->set_description(message);
    auto* any = details.add_details();
    any->set_type_url("type.googleapis.com/google.rpc.BadRequest");
    any->set_value(bad.SerializeAsString());
  }
  if (auto reason = ReasonOf(status)) {
    v1::ErrorInfo info;
    info.set_reason(*reason);
    info.set_domain(kErrorDomain);
    auto* any = details.add_details();
    any->set_type_url("type.googleapis.com/google.rpc.ErrorInfo");
    any->set_value(info.SerializeAsString());
  }
  if (details.details().empty()) return grpc::Status(code, message);
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace subsidy::service
