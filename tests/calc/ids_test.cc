#include <gtest/gtest.h>

#include "common/status_util.h"
#include "ids/canonical.h"
#include "ids/ids.h"

namespace subsidy {
namespace {

TEST(Uscc, AcceptsTheReferenceExample) { EXPECT_TRUE(ValidateUscc("914403001922038216").ok()); }

TEST(Uscc, RefusesAWrongCheckCharacterLengthOrAlphabet) {
  EXPECT_FALSE(ValidateUscc("914403001922038217").ok());
  EXPECT_FALSE(ValidateUscc("91440300192203821").ok());
  EXPECT_FALSE(ValidateUscc("9144030019220382166").ok());
  EXPECT_FALSE(ValidateUscc("91440300192203821I").ok());  // I is not in the alphabet
  EXPECT_FALSE(ValidateUscc("914403001922038216 ").ok());
  EXPECT_FALSE(ValidateUscc("").ok());
}

TEST(Uscc, EveryCheckCharacterIsReachable) {
  // Vary position 17 and confirm exactly one final character validates each code.
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (char c17 : alphabet) {
    std::string base = "91440300192203821";
    base[16] = c17;
    int valid = 0;
    for (char last : alphabet) valid += ValidateUscc(base + last).ok();
    EXPECT_EQ(valid, 1) << base;
  }
}

TEST(CitizenId, ChecksTheGb11643CheckCharacter) {
  EXPECT_TRUE(ValidateCitizenId("11010519491231002X").ok());
  EXPECT_TRUE(ValidateCitizenId("440524188001010014").ok());
  EXPECT_FALSE(ValidateCitizenId("110105194912310021").ok());
  EXPECT_FALSE(ValidateCitizenId("11010519491231002x").ok());
  EXPECT_FALSE(ValidateCitizenId("1101051949123100").ok());
}

}  // namespace
}  // namespace subsidy

namespace subsidy {
namespace {

// The six spellings of one loan that were once six loans: one key; the caller's spelling kept.
// Text shown as written: anything that shows passes (a rare name's private-use character too);
// what splits or reorders the line does not.
TEST(ShownText, RefusesOnlyWhatControlsLayout) {
  for (const char* shown : {"", "张三", "中国工商银行 北京分行", "6222 0202 0011-2233", "李\xEE\x80\x80", "Zhang San"}) {
    EXPECT_TRUE(CheckShownText(shown, "payee").ok()) << shown;
  }
  for (const char* hidden : {"张三\n", "A\tB", "A\x7F", "张三\xE2\x80\xAE", "张\xE2\x80\x8B三", "张三\xE2\x80\xA8",
                             "\xEF\xBB\xBF张三", "\xFF\xFE"}) {
    auto s = CheckShownText(hidden, "payee");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << hidden;
    EXPECT_NE(s.message().find("payee"), absl::string_view::npos) << s.message();
  }
}

TEST(CanonicalId, LookAlikeSpellingsAreOneIdentifier) {
  const auto plain = CanonicalizeId("LV1", "loan_id");
  ASSERT_TRUE(plain.ok());
  for (const char* spelling : {"LV1 ", " LV1", "lv1", "\xEF\xBC\xAC\xEF\xBC\xB6\xEF\xBC\x91" /* ＬＶ１ */,
                               "\xE3\x80\x80LV1" /* ideographic space */}) {
    auto id = CanonicalizeId(spelling, "loan_id");
    ASSERT_TRUE(id.ok()) << spelling << ": " << id.status();
    EXPECT_EQ(id->key, plain->key) << spelling;
  }
  // Dashes, inner spaces and combining marks do not make another loan either.
  const auto hyphen = CanonicalizeId("LN-1", "loan_id");
  for (const char* spelling : {"LN\xE2\x80\x90" "1", "LN\xE2\x80\x93" "1", "LN\xE2\x88\x92" "1", "LN -1",
                               "L\xCC\x80N-1"}) {
    auto id = CanonicalizeId(spelling, "loan_id");
    ASSERT_TRUE(id.ok()) << spelling;
    EXPECT_EQ(id->key, hyphen->key) << spelling;
  }
  EXPECT_EQ(CanonicalizeId("lv1", "loan_id")->text, "lv1");  // shown as the caller wrote it
  EXPECT_EQ(CanonicalizeId(" LV1 ", "loan_id")->text, "LV1");
  EXPECT_EQ(CanonicalizeId("\xEF\xBC\xAC\xEF\xBC\xB6\xEF\xBC\x91", "loan_id")->text, "LV1");
}

TEST(CanonicalId, InvisibleAndControlCharactersAreRefusedNamingTheField) {
  for (const char* bad : {"LV1\xE2\x80\x8B" /* ZWSP */, "L\xE2\x80\x8DV1" /* ZWJ */, "\xEF\xBB\xBFLV1" /* BOM */,
                          "LV\x01" "1", "LV\xE2\x80\xA8" "1" /* line separator inside */, "LV\xE2\x80\xAE" "1" /* RLO */}) {
    auto id = CanonicalizeId(bad, "loans[3].loan_id");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(id.status()), "loans[3].loan_id");
  }
  EXPECT_FALSE(CanonicalizeId("   ", "school_id").ok());
  EXPECT_FALSE(CanonicalizeId("\xFF\xFE", "school_id").ok());  // not UTF-8
  EXPECT_FALSE(CanonicalizeId(std::string(65, 'A'), "school_id").ok());
}

TEST(CanonicalCode, CodesAreUpperCase) {
  EXPECT_EQ(*CanonicalCode("110106-ft001", "school_id"), "110106-FT001");
  EXPECT_EQ(*CanonicalCode(" vb2a", "bank_id"), "VB2A");
  EXPECT_EQ(*CanonicalCode("\xEF\xBC\xB6\xEF\xBC\xA2\xEF\xBC\x92" "a", "bank_id"), "VB2A");  // ＶＢ２a
  EXPECT_EQ(IdKey("LV1"), IdKey("lv1"));
}

}  // namespace
}  // namespace subsidy
