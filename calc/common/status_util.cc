#include "common/status_util.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace subsidy {

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  absl::Status s = absl::InvalidArgumentError(absl::StrCat(field, ": ", description));
  s.SetPayload(kFieldPayload, absl::Cord(field));
  return s;
}

absl::Status RequiredField(absl::string_view field) {
  return WithReason(InvalidField(field, "is required"), kFieldRequired);
}

absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message) {
  return WithReason(absl::FailedPreconditionError(message), reason);
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

namespace {

// The parameters as one payload: each name and value length-prefixed ("7:fund_id4:F-01"), so
// that no character of a value needs escaping.
std::string EncodeParams(const StatusParams& params) {
  std::string out;
  for (const auto& [name, value] : params) absl::StrAppend(&out, name.size(), ":", name, value.size(), ":", value);
  return out;
}

// One length-prefixed piece of `in` (advanced past it); false when `in` is not one.
bool TakePiece(absl::string_view& in, std::string* out) {
  const size_t colon = in.find(':');
  size_t n = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(in.substr(0, colon), &n) || n > in.size() - colon - 1) {
    return false;
  }
  *out = std::string(in.substr(colon + 1, n));
  in.remove_prefix(colon + 1 + n);
  return true;
}

}  // namespace

absl::Status WithParams(absl::Status status, const StatusParams& params) {
  if (status.ok() || params.empty()) return status;
  StatusParams all = ParamsOf(status);
  for (const auto& [name, value] : params) all[name] = value;
  status.SetPayload(kParamsPayload, absl::Cord(EncodeParams(all)));
  return status;
}

absl::Status WithParams(absl::Status status, std::initializer_list<std::pair<absl::string_view, std::string>> params) {
  StatusParams given;
  for (const auto& [name, value] : params) given[std::string(name)] = value;
  return WithParams(std::move(status), given);
}

StatusParams ParamsOf(const absl::Status& status) {
  StatusParams out;
  auto p = status.GetPayload(kParamsPayload);
  if (!p) return out;
  const std::string flat(*p);
  absl::string_view in(flat);
  std::string name, value;
  while (!in.empty() && TakePiece(in, &name) && TakePiece(in, &value)) out[name] = value;
  return out;
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
