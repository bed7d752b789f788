// The service edge: absl::Status inside, grpc::Status outside. INVALID_ARGUMENT carries a
// BadRequest naming the field; a status with a reason carries an ErrorInfo (both in the wire
// shape of google.rpc.*, inside grpc-status-details-bin).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace subsidy::service {

inline constexpr char kErrorDomain[] = "subsidy.v1";

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace subsidy::service
