// Messages to and from the wire, parsed by us rather than by gRPC, so that a request that does
// not parse gets an answer a caller can act on. Bank files saved as GBK put bytes that are not
// UTF-8 into string fields; protobuf refuses such a message whole (and gRPC would then answer
// UNIMPLEMENTED with no message). Here it is INVALID_ARGUMENT naming the field: "loans[3].loan_id
// is not valid UTF-8".
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <functional>
#include <optional>
#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace subsidy::formats {

// Response metadata on the answer to a mutation whose request_id was seen before: the answer is
// the stored first one, and the call changed nothing (subsidyctl says so).
inline constexpr char kReplayMetadata[] = "subsidy-replay";

// The bytes of a message received from gRPC.
std::string WireBytes(const grpc::ByteBuffer& buffer);

// Parses `bytes` into `out`. A string field that is not UTF-8 is INVALID_ARGUMENT naming its path;
// anything else that does not parse is INVALID_ARGUMENT without a field.
absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* out);

// The path of the first string field in `bytes` (a message of type `type` on the wire) that is
// not valid UTF-8, e.g. "repayments[1].date" or "metrics"; nullopt when there is none.
std::optional<std::string> FindInvalidUtf8(absl::string_view bytes, const google::protobuf::Descriptor* type);

// The same check on a message in memory (a client checks before it sends).
std::optional<std::string> FindInvalidUtf8(const google::protobuf::Message& message);

// Calls `fn` with the bytes of each occurrence of length-delimited field `number` in `bytes`
// (the loans of a batch, one by one).
void ForEachLengthDelimited(absl::string_view bytes, int number, const std::function<void(absl::string_view)>& fn);

// The loan_id of a loan whose parse failed, when it is itself valid UTF-8 (else "").
std::string ValidLoanId(const google::protobuf::Message& partially_parsed);

// Parses a message received from gRPC, reading its slices in place; errors as ParseMessage.
absl::Status ParseMessage(const grpc::ByteBuffer& buffer, google::protobuf::Message* out);

// Serializes `message` for gRPC.
absl::Status ToWire(const google::protobuf::Message& message, grpc::ByteBuffer* out);

}  // namespace subsidy::formats
