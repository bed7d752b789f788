#include "money/exact.h"

#include <limits>
#include <stdexcept>

#include "absl/status/status.h"

namespace subsidy {
namespace {

absl::StatusOr<int64_t> ToInt64(const Int128& v) {
  if (v > Int128(std::numeric_limits<int64_t>::max()) ||
      v < Int128(std::numeric_limits<int64_t>::min())) {
    return absl::OutOfRangeError("amount does not fit in 64-bit 分");
  }
  return static_cast<int64_t>(v);
}

}  // namespace

absl::StatusOr<int64_t> RoundQuotient(const Int128& numerator, const Int128& denominator,
                                      RoundingMode mode) {
  if (denominator <= 0) return absl::InternalError("RoundQuotient: denominator must be positive");
  try {
    const bool negative = numerator < 0;
    const Int128 magnitude = negative ? Int128(-numerator) : numerator;
    Int128 q = magnitude / denominator;
    const Int128 r = magnitude % denominator;
    const Int128 twice_r = r * 2;
    switch (mode) {
      case RoundingMode::kHalfUp:
        if (twice_r >= denominator) q += 1;
        break;
      case RoundingMode::kHalfEven:
        if (twice_r > denominator || (twice_r == denominator && (q % 2) == 1)) q += 1;
        break;
      case RoundingMode::kTowardZero:
        break;
    }
    return ToInt64(negative ? Int128(-q) : q);
  } catch (const std::exception& e) {  // checked_int128_t overflow
    return absl::OutOfRangeError(std::string("arithmetic overflow: ") + e.what());
  }
}

absl::StatusOr<FloorDivision> FloorDivide(const Int128& numerator, const Int128& denominator) {
  if (denominator <= 0 || numerator < 0) {
    return absl::InternalError("FloorDivide: needs numerator >= 0 and denominator > 0");
  }
  try {
    auto q = ToInt64(numerator / denominator);
    if (!q.ok()) return q.status();
    return FloorDivision{*q, numerator % denominator};
  } catch (const std::exception& e) {
    return absl::OutOfRangeError(std::string("arithmetic overflow: ") + e.what());
  }
}

}  // namespace subsidy
