#include "money/money.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace subsidy {

absl::StatusOr<Money> Money::Plus(Money other) const {
  int64_t r;
  if (__builtin_add_overflow(fen_, other.fen_, &r)) return absl::OutOfRangeError("money overflow");
  return Money(r);
}

absl::StatusOr<Money> Money::Minus(Money other) const {
  int64_t r;
  if (__builtin_sub_overflow(fen_, other.fen_, &r)) return absl::OutOfRangeError("money overflow");
  return Money(r);
}

absl::StatusOr<Money> Money::Times(int64_t count) const {
  int64_t r;
  if (__builtin_mul_overflow(fen_, count, &r)) return absl::OutOfRangeError("money overflow");
  return Money(r);
}

std::string Money::ToYuanString() const {
  // Work in unsigned to print INT64_MIN correctly.
  const bool negative = fen_ < 0;
  const uint64_t mag = negative ? uint64_t{0} - static_cast<uint64_t>(fen_) : static_cast<uint64_t>(fen_);
  return absl::StrFormat("%s%d.%02d", negative ? "-" : "", mag / 100, mag % 100);
}

}  // namespace subsidy
