#include "money/rate.h"

#include <cstdlib>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace subsidy {

absl::StatusOr<Rate> Rate::Parse(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty rate");
  const size_t dot = text.find('.');
  absl::string_view int_part = text.substr(0, dot);
  absl::string_view frac_part = dot == absl::string_view::npos ? absl::string_view() : text.substr(dot + 1);
  auto all_digits = [](absl::string_view s) {
    for (char c : s) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  };
  if (int_part.empty() || !all_digits(int_part)) {
    return absl::InvalidArgumentError(absl::StrCat("not a decimal percentage: \"", text, "\""));
  }
  if (dot != absl::string_view::npos && (frac_part.empty() || !all_digits(frac_part))) {
    return absl::InvalidArgumentError(absl::StrCat("not a decimal percentage: \"", text, "\""));
  }
  if (frac_part.size() > static_cast<size_t>(kMaxInputFractionDigits)) {
    return absl::InvalidArgumentError(
        absl::StrCat("more than ", kMaxInputFractionDigits, " fraction digits: \"", text, "\""));
  }
  // Leading zeros are harmless ("04.5"); bound the integer part before converting.
  while (int_part.size() > 1 && int_part.front() == '0') int_part.remove_prefix(1);
  if (int_part.size() > 4) return absl::InvalidArgumentError(absl::StrCat("rate above ", kMaxPercent, " %"));
  int64_t whole = 0;
  for (char c : int_part) whole = whole * 10 + (c - '0');
  int64_t frac = 0;
  int64_t scale = kUnitsPerPercent;
  for (char c : frac_part) {
    scale /= 10;
    frac += (c - '0') * scale;
  }
  const int64_t units = whole * kUnitsPerPercent + frac;
  if (units > kMaxPercent * kUnitsPerPercent) {
    return absl::InvalidArgumentError(absl::StrCat("rate above ", kMaxPercent, " %"));
  }
  return Rate(units);
}

absl::StatusOr<Rate> Rate::Half() const {
  if (units_ % 2 != 0) return absl::InternalError("Rate::Half of an odd unit count");
  return Rate(units_ / 2);
}

std::string Rate::ToString() const {
  const bool negative = units_ < 0;
  const uint64_t mag = negative ? uint64_t{0} - static_cast<uint64_t>(units_) : static_cast<uint64_t>(units_);
  char frac[8];
  uint64_t f = mag % kUnitsPerPercent;
  for (int i = 7; i >= 0; --i, f /= 10) frac[i] = static_cast<char>('0' + f % 10);
  int len = 8;
  while (len > 2 && frac[len - 1] == '0') --len;
  return absl::StrCat(negative ? "-" : "", mag / kUnitsPerPercent, ".", absl::string_view(frac, static_cast<size_t>(len)));
}

absl::StatusOr<int64_t> ParseNonNegativeInteger(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty number");
  if (text.size() > 19) return absl::InvalidArgumentError(absl::StrCat("number too large: \"", text, "\""));
  uint64_t v = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat("not a non-negative integer: \"", text, "\""));
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError(absl::StrCat("number too large: \"", text, "\""));
  }
  return static_cast<int64_t>(v);
}

}  // namespace subsidy
