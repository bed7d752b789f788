#include <gtest/gtest.h>

#include <limits>

#include "money/exact.h"
#include "money/money.h"

namespace subsidy {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(Money, CheckedArithmeticReportsOverflowInsteadOfWrapping) {
  EXPECT_EQ(Money::Fen(150).Plus(Money::Fen(250))->fen(), 400);
  EXPECT_EQ(Money::Fen(150).Minus(Money::Fen(250))->fen(), -100);
  EXPECT_EQ(Money::Fen(100000000).Times(2)->fen(), 200000000);
  EXPECT_FALSE(Money::Fen(kMax).Plus(Money::Fen(1)).ok());
  EXPECT_FALSE(Money::Fen(kMin).Minus(Money::Fen(1)).ok());
  EXPECT_FALSE(Money::Fen(kMax / 2 + 1).Times(2).ok());
}

TEST(Money, FormatsAsYuan) {
  EXPECT_EQ(Money::Fen(515000).ToYuanString(), "5150.00");
  EXPECT_EQ(Money::Fen(-5).ToYuanString(), "-0.05");
  EXPECT_EQ(Money::Fen(kMin).ToYuanString(), "-92233720368547758.08");
}

TEST(RoundQuotient, HalfUpRoundsHalvesAwayFromZero) {
  EXPECT_EQ(*RoundQuotient(5, 2), 3);
  EXPECT_EQ(*RoundQuotient(7, 2), 4);
  EXPECT_EQ(*RoundQuotient(4, 3), 1);
  EXPECT_EQ(*RoundQuotient(-5, 2), -3);
  EXPECT_EQ(*RoundQuotient(-4, 3), -1);
  EXPECT_EQ(*RoundQuotient(0, 7), 0);
}

TEST(RoundQuotient, HalfEvenAndTowardZeroByName) {
  EXPECT_EQ(*RoundQuotient(5, 2, RoundingMode::kHalfEven), 2);
  EXPECT_EQ(*RoundQuotient(7, 2, RoundingMode::kHalfEven), 4);
  EXPECT_EQ(*RoundQuotient(11, 4, RoundingMode::kHalfEven), 3);  // 2.75
  EXPECT_EQ(*RoundQuotient(9, 4, RoundingMode::kHalfEven), 2);   // 2.25
  EXPECT_EQ(*RoundQuotient(-5, 2, RoundingMode::kHalfEven), -2);
  EXPECT_EQ(*RoundQuotient(19, 10, RoundingMode::kTowardZero), 1);
  EXPECT_EQ(*RoundQuotient(-19, 10, RoundingMode::kTowardZero), -1);
}

TEST(RoundQuotient, ReferenceBankInterestFigures) {
  // REFERENCE.md: 150,000 元 at 8.075 % on ACT/360 for 90 days = 3,028.125 元 → 302813 分 half-up.
  const Int128 principal_fen = 15000000;
  const Int128 rate_units = 807500000;  // 8.075 % in 1e-8 percent
  const Int128 den = Int128(100) * 100000000 * 360;
  EXPECT_EQ(*RoundQuotient(principal_fen * 90 * rate_units, den), 302813);
  EXPECT_EQ(*RoundQuotient(principal_fen * 90 * rate_units, den, RoundingMode::kHalfEven), 302812);
  EXPECT_EQ(*RoundQuotient(principal_fen * 89 * rate_units, den), 299448);  // 2,994.479
  EXPECT_EQ(*RoundQuotient(principal_fen * 91 * rate_units, den), 306177);  // 3,061.77
  EXPECT_EQ(*RoundQuotient(principal_fen * 92 * rate_units, den), 309542);  // 3,095.417
}

TEST(RoundQuotient, ResultsOutsideInt64AreErrorsNotWraps) {
  const Int128 big = Int128(kMax) * 4;
  EXPECT_FALSE(RoundQuotient(big, 2).ok());
  EXPECT_TRUE(RoundQuotient(Int128(kMax) * 2, 2).ok());
  EXPECT_FALSE(RoundQuotient(1, 0).ok());
}

TEST(Int128, CheckedMultiplicationThrowsOnOverflow) {
  const Int128 big = Int128(kMax) * Int128(kMax);
  // checked_int128_t is sign + 128-bit magnitude: about ±3.4e38.
  EXPECT_THROW((void)(big * 8), std::overflow_error);
}

TEST(FloorDivide, QuotientAndRemainder) {
  auto r = FloorDivide(1000, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->quotient, 333);
  EXPECT_EQ(r->remainder, 1);
  EXPECT_FALSE(FloorDivide(-1, 3).ok());
}

}  // namespace
}  // namespace subsidy
