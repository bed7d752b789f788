// Money: a whole number of 分 (1 元 = 100 分) in an int64. Arithmetic is checked: an overflow is
// an error, never a wrap. There is no Money × Money and no Money ÷ Money: a product of money
// with a rate goes through exact.h's fractions and the one rounding function.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace subsidy {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money Fen(int64_t fen) { return Money(fen); }
  static constexpr Money Zero() { return Money(0); }

  constexpr int64_t fen() const { return fen_; }

  absl::StatusOr<Money> Plus(Money other) const;
  absl::StatusOr<Money> Minus(Money other) const;
  absl::StatusOr<Money> Times(int64_t count) const;  // e.g. 100万 × units

  constexpr auto operator<=>(const Money&) const = default;

  // "1234.56" (元, two decimals, a leading '-' when negative); for humans, never parsed back.
  std::string ToYuanString() const;

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

constexpr Money Min(Money a, Money b) { return a < b ? a : b; }
constexpr Money Max(Money a, Money b) { return a < b ? b : a; }

}  // namespace subsidy
