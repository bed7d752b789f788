// Status helpers shared by calc/ and server/: a Status can name the request field it is about
// and carry a stable UPPER_SNAKE reason. The service edge turns these into BadRequest and
// ErrorInfo details; inside, they are ordinary absl::Status payloads.
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace subsidy {

inline constexpr absl::string_view kFieldPayload = "type.subsidy.calc/field";
inline constexpr absl::string_view kReasonPayload = "type.subsidy.calc/reason";

// INVALID_ARGUMENT about `field`; the message starts with the field's name.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// FAILED_PRECONDITION with a stable reason, e.g. INSUFFICIENT_FUNDS.
absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message);

// Any code with a stable reason.
absl::Status WithReason(absl::Status status, absl::string_view reason);

std::optional<std::string> FieldOf(const absl::Status& status);
std::optional<std::string> ReasonOf(const absl::Status& status);

// Prefixes the field path of a field error (e.g. "repayments[2]." + "date"), keeping the reason.
absl::Status PrefixField(const absl::Status& status, absl::string_view prefix);

}  // namespace subsidy

// Always-on assertion (TigerBeetle-style): a broken invariant stops the process rather than
// letting a wrong 分 through. Not for input validation: that returns a Status.
#define SUBSIDY_CHECK(cond)                                                          \
  do {                                                                               \
    if (!(cond)) ::subsidy::internal::CheckFailed(#cond, __FILE__, __LINE__);        \
  } while (false)

namespace subsidy::internal {
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line);
}
