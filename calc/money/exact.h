// Exact integer arithmetic for money products, and THE rounding function.
//
// Every amount that is not a whole number of 分 (interest for some days, a percentage of a
// spend, a share of a grant) is carried as an exact fraction numerator / denominator of 128-bit
// checked integers (Boost.Multiprecision: overflow throws, never wraps) and becomes 分 only
// through RoundQuotient, at the point the rule names, in the mode it names.
#pragma once

#include <cstdint>

#include <boost/multiprecision/cpp_int.hpp>

#include "absl/status/statusor.h"

namespace subsidy {

using Int128 = boost::multiprecision::checked_int128_t;

enum class RoundingMode {
  kHalfUp,      // halves away from zero (the default for money: 0.5 分 → 1 分, −0.5 → −1)
  kHalfEven,    // banker's rounding, by name only
  kTowardZero,  // truncation, by name only
};

// round(numerator / denominator) in `mode`. denominator must be > 0. Fails if the result does
// not fit int64 or an intermediate overflows.
absl::StatusOr<int64_t> RoundQuotient(const Int128& numerator, const Int128& denominator,
                                      RoundingMode mode = RoundingMode::kHalfUp);

// floor(numerator / denominator) and the remainder, for splits that distribute remainders
// themselves (denominator > 0, numerator >= 0).
struct FloorDivision {
  int64_t quotient;
  Int128 remainder;
};
absl::StatusOr<FloorDivision> FloorDivide(const Int128& numerator, const Int128& denominator);

}  // namespace subsidy
