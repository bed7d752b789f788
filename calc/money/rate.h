// Rate: an exact annual percentage. API text ("4.35" = 4.35 % a year, at most 6 fraction
// digits) is parsed exactly into integer units of 1e-8 percent, so that the halves the rules
// take (rate ÷ 2, LPR ÷ 2) of any 6-digit input stay exact.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace subsidy {

class Rate {
 public:
  static constexpr int64_t kUnitsPerPercent = 100'000'000;  // 1e-8 percent per unit
  static constexpr int kMaxInputFractionDigits = 6;
  static constexpr int64_t kMaxPercent = 1000;  // larger inputs are refused, keeping products bounded

  constexpr Rate() = default;
  static constexpr Rate FromUnits(int64_t units) { return Rate(units); }
  static constexpr Rate FromBasisPoints(int64_t bp) { return Rate(bp * (kUnitsPerPercent / 100)); }
  static constexpr Rate Zero() { return Rate(0); }

  // Accepts `12`, `4.35`, `0.5`; refuses signs, exponents, spaces, commas, empty text, a lone
  // '.', more than 6 fraction digits, NaN/Inf and values above kMaxPercent.
  static absl::StatusOr<Rate> Parse(absl::string_view text);

  constexpr int64_t units() const { return units_; }

  // Exact halving; inputs with <= 6 fraction digits are multiples of 100 units, so their half
  // is always exact. An odd unit count (never produced from parsed text) is an error.
  absl::StatusOr<Rate> Half() const;
  Rate Plus(Rate o) const { return Rate(units_ + o.units_); }
  Rate Minus(Rate o) const { return Rate(units_ - o.units_); }

  constexpr auto operator<=>(const Rate&) const = default;

  // Decimal text with at least two fraction digits and no trailing zeros beyond: "3.45",
  // "4.00", "2.175". Round-trips through Parse when it has <= 6 fraction digits.
  std::string ToString() const;

 private:
  constexpr explicit Rate(int64_t units) : units_(units) {}
  int64_t units_ = 0;
};

constexpr Rate Min(Rate a, Rate b) { return a < b ? a : b; }
constexpr Rate Max(Rate a, Rate b) { return a < b ? b : a; }

// Parses a non-negative decimal integer written in plain digits ("0", "12345600"), as used for
// metrics; refuses signs, spaces, fractions and values above int64.
absl::StatusOr<int64_t> ParseNonNegativeInteger(absl::string_view text);

}  // namespace subsidy
