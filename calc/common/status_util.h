// Status helpers shared by calc/ and server/: a Status can name the request field it is about
// and carry a stable UPPER_SNAKE reason. The service edge turns these into BadRequest and
// ErrorInfo details; inside, they are ordinary absl::Status payloads.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace subsidy {

inline constexpr absl::string_view kFieldPayload = "type.subsidy.calc/field";
inline constexpr absl::string_view kReasonPayload = "type.subsidy.calc/reason";
inline constexpr absl::string_view kParamsPayload = "type.subsidy.calc/params";

// A refusal's parameters by name (lower_snake: fund_id, amount_yuan, date, …): what its message
// in data/messages.textproto is filled with, and ErrorInfo.metadata at the service edge. Values
// are text as a person reads them (amounts in 元 with two decimals, dates YYYY-MM-DD).
using StatusParams = std::map<std::string, std::string>;

// INVALID_ARGUMENT about `field`; the message starts with the field's name.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// The two refusals of a field most often met, with their reasons (data/messages.textproto): the
// field is empty ({field}); a date that does not read ({field}, {value}).
inline constexpr char kFieldRequired[] = "FIELD_REQUIRED";
inline constexpr char kFieldNotADate[] = "FIELD_NOT_A_DATE";
absl::Status RequiredField(absl::string_view field);

// FAILED_PRECONDITION with a stable reason, e.g. INSUFFICIENT_FUNDS.
absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message);

// Any code with a stable reason.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// The status with `params` added to those it carries (a name given again takes the new value).
// An OK status carries none.
absl::Status WithParams(absl::Status status, std::initializer_list<std::pair<absl::string_view, std::string>> params);
absl::Status WithParams(absl::Status status, const StatusParams& params);

std::optional<std::string> FieldOf(const absl::Status& status);
std::optional<std::string> ReasonOf(const absl::Status& status);
// The parameters WithParams added (none: empty).
StatusParams ParamsOf(const absl::Status& status);

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
