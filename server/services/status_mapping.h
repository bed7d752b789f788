// The service edge: absl::Status inside, grpc::Status outside. INVALID_ARGUMENT carries a
// BadRequest naming the field; a status with a reason carries an ErrorInfo whose metadata are the
// refusal's parameters (common/status_util.h: WithParams); with the message catalogue, a
// LocalizedMessage in the caller's language (all in the wire shape of google.rpc.*, inside
// grpc-status-details-bin). The status message stays the developer's text.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "policy/message_catalogue.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::service {

inline constexpr char kErrorDomain[] = "subsidy.v1";
// The metadata a gRPC caller names its language in (AIP-193); HTTP callers send Accept-Language.
inline constexpr char kAcceptLanguageMetadata[] = "grpc-accept-language";

// Details, without a LocalizedMessage.
grpc::Status ToGrpcStatus(const absl::Status& status);
// Details and a google.rpc.LocalizedMessage from `messages` in `language` (LanguageOf: "en…" is
// English, anything else zh-CN): the reason's text, else the status code's (a reason the
// catalogue lacks, or none), filled with the status's parameters and {field}.
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view language, const MessageCatalogue& messages);

// The text a person reads of `status` in `language`: the reason's text filled with its parameters
// and {field}, else the status code's (with {detail}, what was wrong); nullopt when the catalogue
// has neither. The LocalizedMessage of a refusal, and the message of an in-band ItemError.
std::optional<std::string> LocalizedText(const absl::Status& status, Language language,
                                         const MessageCatalogue& messages);

// In-band texts written for a reader of `language` from their code and parameters: a Reason's
// message from its code's text; an ItemError's like a refusal's LocalizedMessage. Done where an
// answer leaves (stored answers keep the developer's text and are written for each reader).
void LocalizeReason(v1::Reason* reason, const MessageCatalogue& messages, Language language);
void LocalizeReasons(google::protobuf::RepeatedPtrField<v1::Reason>* reasons, const MessageCatalogue& messages,
                     Language language);
void LocalizeItemError(v1::ItemError* error, const MessageCatalogue& messages, Language language);

// The language a caller asks for in an Accept-Language or grpc-accept-language value (RFC 9110:
// "en-US,en;q=0.9,zh;q=0.8"): "en" when its first acceptable language (the highest q, then the
// first listed; q=0 is not acceptable) starts with "en", else "zh-CN" — also when it is empty,
// "*" or unreadable.
std::string PreferredLanguage(absl::string_view accept_language);

}  // namespace subsidy::service
