// formats/cells.h: a cell's text as Excel on Chinese Windows saves it, each form read once.
#include "formats/cells.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace subsidy::formats {
namespace {

using ::testing::HasSubstr;

std::string Date(absl::string_view text) {
  auto d = NormalizeDate(text);
  return d.ok() ? *d : "error: " + std::string(d.status().message());
}

TEST(NormalizeDate, EveryFormBecomesYyyyMmDd) {
  EXPECT_EQ(Date("2024-03-05"), "2024-03-05");
  EXPECT_EQ(Date("2024-3-5"), "2024-03-05");
  EXPECT_EQ(Date("2024-03-5"), "2024-03-05");
  EXPECT_EQ(Date("2024/3/5"), "2024-03-05");
  EXPECT_EQ(Date("2024/03/05"), "2024-03-05");
  EXPECT_EQ(Date("2024/12/31"), "2024-12-31");
  EXPECT_EQ(Date("2024.3.5"), "2024-03-05");
  EXPECT_EQ(Date("20240305"), "2024-03-05");
  EXPECT_EQ(Date("2024年3月5日"), "2024-03-05");
  EXPECT_EQ(Date("2024年03月05日"), "2024-03-05");
  EXPECT_EQ(Date("2024年12月5日"), "2024-12-05");
  EXPECT_EQ(Date("2024/2/29"), "2024-02-29");  // a leap year
}

TEST(NormalizeDate, WhiteSpaceAndFullWidthDigitsAreExcelsNotTheClerks) {
  EXPECT_EQ(Date("  2024/3/5 \t"), "2024-03-05");
  EXPECT_EQ(Date("\xC2\xA0" "2024/3/5" "\xE3\x80\x80"), "2024-03-05");  // no-break and ideographic spaces
  EXPECT_EQ(Date("２０２４／３／５"), "2024-03-05");
  EXPECT_EQ(Date("２０２４年３月５日"), "2024-03-05");
  EXPECT_EQ(Date("２０２４０３０５"), "2024-03-05");
}

TEST(NormalizeDate, AnImpossibleDateIsRefusedSayingWhy) {
  EXPECT_THAT(Date("2024/2/30"), HasSubstr("no such date: \"2024/2/30\" (2024-02 has no day 30)"));
  EXPECT_THAT(Date("2023-02-29"), HasSubstr("no such date"));
  EXPECT_THAT(Date("2024年13月1日"), HasSubstr("no month 13"));
  EXPECT_THAT(Date("20240431"), HasSubstr("has no day 31"));
  EXPECT_THAT(Date("2024/0/5"), HasSubstr("no such date"));
  EXPECT_THAT(Date("2024/3/0"), HasSubstr("no such date"));
  EXPECT_THAT(Date("1800/1/1"), HasSubstr("no such date"));
}

TEST(NormalizeDate, AnythingElseIsNotADate) {
  for (const char* bad : {"", "2024", "24/3/5", "3/5/2024", "05/03/2024", "2024-3/5", "2024/3-5", "2024/3/5/",
                          "2024/003/5", "2024/3/005", "2024年3月5", "2024年3-5日", "2024-03-05T00:00",
                          "2024/3/5 0:00", "2024 3 5", "2024--3-5", "202435", "2024030", "202403051", "+2024-3-5",
                          "二〇二四年三月五日", "x2024/3/5"}) {
    EXPECT_THAT(Date(bad), HasSubstr("not a date")) << bad;
  }
  EXPECT_THAT(Date("abc"), HasSubstr("(write 2024-03-05, 2024/3/5, 20240305 or 2024年3月5日)"));
  // A date column Excel saved as a number.
  EXPECT_THAT(Date("45356"), HasSubstr("Excel's number for a day"));
}

TEST(NormalizeRatePercent, APercentSignAndFullWidthDigitsAreAccepted) {
  EXPECT_EQ(*NormalizeRatePercent("4.35"), "4.35");
  EXPECT_EQ(*NormalizeRatePercent("4.35%"), "4.35");
  EXPECT_EQ(*NormalizeRatePercent(" 4.35 % "), "4.35");
  EXPECT_EQ(*NormalizeRatePercent("４．３５％"), "4.35");
  // One form for one rate (Rate::ToString): a re-saved file writes the same rate the same way.
  EXPECT_EQ(*NormalizeRatePercent("4.1"), "4.10");
  EXPECT_EQ(*NormalizeRatePercent("3.975000%"), "3.975");
  EXPECT_EQ(*NormalizeRatePercent("3.950"), *NormalizeRatePercent("3.95%"));
  for (const char* bad : {"", "%", "4.35%%", "%4.35", "-4.35", "4,35", "4.1234567", "1001", "四点三五", "4.35‰"}) {
    auto r = NormalizeRatePercent(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("write the annual rate in percent")) << bad;
  }
}

TEST(ParseWholeNumber, DigitsWithOrWithoutThousandsGroups) {
  EXPECT_EQ(ParseWholeNumber("0"), 0);
  EXPECT_EQ(ParseWholeNumber("24000000"), 24000000);
  EXPECT_EQ(ParseWholeNumber("24,000,000"), 24000000);
  EXPECT_EQ(ParseWholeNumber("1,000"), 1000);
  EXPECT_EQ(ParseWholeNumber(" ２４ "), 24);
  EXPECT_EQ(ParseWholeNumber("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"", "-1", "+1", "1.5", "3e2", "1,00", "1,0000", ",100", "100,", "1234,567", "1,,000",
                          "1 000", "9223372036854775808", "x"}) {
    EXPECT_EQ(ParseWholeNumber(bad), std::nullopt) << bad;
  }
}

TEST(YuanToFen, ExactlyByIntegersToTheFen) {
  EXPECT_EQ(*YuanToFen("240000"), 24000000);
  EXPECT_EQ(*YuanToFen("240000.00"), 24000000);
  EXPECT_EQ(*YuanToFen("240000.5"), 24000050);
  EXPECT_EQ(*YuanToFen("240000.05"), 24000005);
  EXPECT_EQ(*YuanToFen("0.01"), 1);
  EXPECT_EQ(*YuanToFen("240,000.10"), 24000010);
  EXPECT_EQ(*YuanToFen("¥86500.00"), 8650000);
  EXPECT_EQ(*YuanToFen("￥86500"), 8650000);
  EXPECT_EQ(*YuanToFen("86500 元"), 8650000);
  EXPECT_EQ(*YuanToFen("８６５００．５０"), 8650050);
  // 0.29 元 is 29 分, not 28 (as 0.29 × 100 in binary floating point would truncate).
  EXPECT_EQ(*YuanToFen("0.29"), 29);
  EXPECT_EQ(*YuanToFen("92233720368547757.99"), INT64_MAX - 8);
  EXPECT_THAT(std::string(YuanToFen("240000.555").status().message()), HasSubstr("more than two decimals"));
  EXPECT_THAT(std::string(YuanToFen("92233720368547758").status().message()), HasSubstr("too large"));
  for (const char* bad : {"", "-1", "1.", ".5", "1e5", "1.2.3", "240,00.00", "元", "abc"}) {
    auto fen = YuanToFen(bad);
    ASSERT_FALSE(fen.ok()) << bad;
    EXPECT_THAT(std::string(fen.status().message()), HasSubstr("not an amount in 元")) << bad;
  }
}

TEST(Cells, TrimBlankAndFullWidth) {
  EXPECT_EQ(TrimCell(" \t\xEF\xBB\xBF" "a b\xC2\xA0\xE3\x80\x80\r"), "a b");
  EXPECT_TRUE(IsBlankCell(""));
  EXPECT_TRUE(IsBlankCell("  \t"));
  EXPECT_TRUE(IsBlankCell("\xE3\x80\x80"));
  EXPECT_FALSE(IsBlankCell(" x "));
  EXPECT_EQ(FoldFullWidth("（元）０９．％－／：；ＬＰＲ\xE3\x80\x80期限"), "(元)09.%-/:;LPR 期限");
  EXPECT_EQ(FoldFullWidth("贷款编号"), "贷款编号");  // CJK text is left as it is
}

}  // namespace
}  // namespace subsidy::formats
