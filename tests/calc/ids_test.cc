#include <gtest/gtest.h>

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
