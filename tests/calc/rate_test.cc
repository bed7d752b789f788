#include <gtest/gtest.h>

#include "money/rate.h"

namespace subsidy {
namespace {

TEST(RateParse, AcceptsPlainDecimals) {
  EXPECT_EQ(Rate::Parse("4.35")->units(), 435000000);
  EXPECT_EQ(Rate::Parse("0.5")->units(), 50000000);
  EXPECT_EQ(Rate::Parse("12")->units(), 1200000000);
  EXPECT_EQ(Rate::Parse("0.000001")->units(), 100);
  EXPECT_EQ(Rate::Parse("3.000000")->units(), 300000000);
  EXPECT_EQ(Rate::Parse("04.5")->units(), 450000000);
  EXPECT_EQ(Rate::Parse("0")->units(), 0);
}

TEST(RateParse, RefusesEverythingElse) {
  for (const char* bad : {"4.3.5", "1e3", "-1", " 4.35", "4.35 ", "4,35", "NaN", "nan", "inf", "", "4.3500001", ".5",
                          "5.", "+4", "0x10", "４.35", "1001", "99999999999999999999"}) {
    EXPECT_FALSE(Rate::Parse(bad).ok()) << '"' << bad << '"';
  }
}

TEST(Rate, FormatsWithAtLeastTwoDecimals) {
  EXPECT_EQ(Rate::Parse("3.45")->ToString(), "3.45");
  EXPECT_EQ(Rate::Parse("4")->ToString(), "4.00");
  EXPECT_EQ(Rate::Parse("4.350")->ToString(), "4.35");
  EXPECT_EQ(Rate::Parse("0.000001")->ToString(), "0.000001");
  EXPECT_EQ(Rate::Parse("4.35")->Half()->ToString(), "2.175");
  EXPECT_EQ(Rate::Parse("0.000001")->Half()->ToString(), "0.0000005");
  EXPECT_EQ(Rate::FromBasisPoints(150).ToString(), "1.50");
  EXPECT_EQ(Rate::Parse("3.45")->Minus(*Rate::Parse("5"))  .ToString(), "-1.55");
}

TEST(Rate, HalfIsExactForEveryParsedInput) {
  for (const char* text : {"0.000001", "4.35", "3.45", "1", "999.999999"}) {
    const Rate r = *Rate::Parse(text);
    EXPECT_EQ(r.Half()->units() * 2, r.units()) << text;
  }
}

TEST(ParseNonNegativeInteger, AcceptsDigitsOnly) {
  EXPECT_EQ(*ParseNonNegativeInteger("0"), 0);
  EXPECT_EQ(*ParseNonNegativeInteger("12345600"), 12345600);
  EXPECT_EQ(*ParseNonNegativeInteger("9223372036854775807"), 9223372036854775807);
  for (const char* bad : {"", "-1", "1.0", " 1", "1e3", "9223372036854775808", "99999999999999999999"}) {
    EXPECT_FALSE(ParseNonNegativeInteger(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace subsidy
