// Logs carry no personal data (SECURITY.md): USCCs masked, citizen IDs starred whole, wherever
// they stand in a logged string; payee accounts shown by their last 4 characters.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "ops/log.h"

namespace subsidy::ops {
namespace {

constexpr char kUscc[] = "91350100M000100Y43";       // a valid USCC (check character 3)
constexpr char kMasked[] = "91350100********43";
constexpr char kCitizenId[] = "11010519491231002X";  // a valid citizen ID (check character X)

TEST(MaskUscc, KeepsTheFirstEightAndTheLastTwo) {
  EXPECT_EQ(MaskUscc(kUscc), kMasked);
  EXPECT_EQ(MaskUscc("123"), "***");
}

TEST(MaskPersonalData, AUsccAnywhereInATextIsMasked) {
  EXPECT_EQ(MaskPersonalData(std::string("enterprise ") + kUscc + " refused"), "enterprise 91350100********43 refused");
  EXPECT_EQ(MaskPersonalData(std::string("no reward policy \"") + kUscc + "\""), "no reward policy \"91350100********43\"");
  EXPECT_EQ(MaskPersonalData(std::string("sd-") + kUscc + "-2024"), "sd-91350100********43-2024");
  EXPECT_EQ(MaskPersonalData(std::string("企业") + kUscc + "的奖励"), "企业91350100********43的奖励");
  EXPECT_EQ(MaskPersonalData(kUscc), kMasked);
  // Mistyped or in lower case, an 18-character token that reads as a USCC is masked all the same.
  EXPECT_EQ(MaskPersonalData("91350100M000100Y44"), "91350100********44");
  EXPECT_EQ(MaskPersonalData("91350100m000100y43"), "91350100********43");
  // Inside a longer run of letters and digits, a valid one is found and masked.
  EXPECT_EQ(MaskPersonalData(std::string("DET") + kUscc), "DET91350100********43");
  EXPECT_EQ(MaskPersonalData(std::string(kUscc) + kUscc), std::string(kMasked) + kMasked);
}

TEST(MaskPersonalData, ACitizenIdIsStarredWhole) {
  EXPECT_EQ(MaskPersonalData(std::string("borrower ") + kCitizenId + ", ok"), "borrower ******************, ok");
  EXPECT_EQ(MaskPersonalData("110105194912310021"), "******************");
  EXPECT_EQ(MaskPersonalData(std::string("L") + kCitizenId + "1"), "L******************1");
}

TEST(MaskPersonalData, EverythingElseIsLeftAlone) {
  for (const std::string text :
       {"", "PO-00000012", "CL-00000001 SUBMITTED", "ABCDEFGHJKLMNPQRTU", "DET91350100M000100Y44",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "0b3f5c1e-93a2-4c4f-8f7e-2d1c6b5a4e3f",
        "subsidy.v1.RewardPayoutService/SubmitDetermination", "9135010", "12345678901234567"}) {
    EXPECT_EQ(MaskPersonalData(text), text);
  }
}

TEST(MaskAccount, KeepsTheLastFourOnly) {
  EXPECT_EQ(MaskAccount("6222021234567890123"), "***************0123");
  EXPECT_EQ(MaskAccount("6222 0212 3456 7890"), "**** **** **** 7890");
  EXPECT_EQ(MaskAccount("6222-0212-3456-7890"), "****-****-****-7890");
  EXPECT_EQ(MaskAccount("12345"), "*2345");
  EXPECT_EQ(MaskAccount("1234"), "****");  // all of it would be the last four
  EXPECT_EQ(MaskAccount(""), "");
}

// What a LogLine writes, captured from stderr.
std::string Captured(const std::function<void()>& log) {
  char path[] = "/tmp/log_test_XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  FlushLogs();
  const int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  log();
  FlushLogs();
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path);
  return text.str();
}

TEST(LogLine, EveryStringValueIsMasked) {
  const std::string line = Captured([] {
    LogLine("rpc")
        .Str("request_id", std::string("sd-") + kUscc)
        .Str("message", std::string("no reward policy \"") + kUscc + "\" for " + kCitizenId)
        .Write(LogLevel::kWarning);
  });
  EXPECT_NE(line.find("\"request_id\":\"sd-91350100********43\""), std::string::npos) << line;
  EXPECT_NE(line.find("no reward policy \\\"91350100********43\\\" for ******************"), std::string::npos)
      << line;
  EXPECT_EQ(line.find(kUscc), std::string::npos) << line;
  EXPECT_EQ(line.find(kCitizenId), std::string::npos) << line;
}

}  // namespace
}  // namespace subsidy::ops
