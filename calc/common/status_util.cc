#include "common/status_util.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace subsidy {

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  absl::Status s = absl::InvalidArgumentError(absl::StrCat(field, ": ", description));
  s.SetPayload(kFieldPayload, absl::Cord(field));
  return s;
}

absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message) {
  return WithReason(absl::FailedPreconditionError(message), reason);
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

std::optional<std::string> FieldOf(const absl::Status& status) {
  auto p = status.GetPayload(kFieldPayload);
  if (!p) return std::nullopt;
  return std::string(*p);
}

std::optional<std::string> ReasonOf(const absl::Status& status) {
  auto p = status.GetPayload(kReasonPayload);
  if (!p) return std::nullopt;
  return std::string(*p);
}

absl::Status PrefixField(const absl::Status& status, absl::string_view prefix) {
  auto field = FieldOf(status);
  if (!field) return status;
  std::string full = absl::StrCat(prefix, *field);
  absl::string_view msg = status.message();
  // The message starts with the old field name; restate it with the full path.
  if (absl::StartsWith(msg, *field)) msg.remove_prefix(field->size());
  absl::Status out(status.code(), absl::StrCat(full, msg));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& c) { out.SetPayload(url, c); });
  out.SetPayload(kFieldPayload, absl::Cord(full));
  return out;
}

namespace internal {
void CheckFailed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "SUBSIDY_CHECK failed: %s at %s:%d\n", cond, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace internal

}  // namespace subsidy
