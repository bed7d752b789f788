// The message catalogue (data/messages.textproto): templates, the choice of text by the
// parameters an error carries, the two languages, and the loader's refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "funds/limits.h"
#include "policy/policy_data.h"
#include "support/data_copy.h"
#include "time/calendar.h"

namespace subsidy {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const PolicyData> Shipped() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return *data;
}

MessageTemplate Text(const std::string& zh, const std::string& en) {
  MessageTemplate t{*ParseMessageTemplate(zh), *ParseMessageTemplate(en), {}};
  for (const auto& p : t.zh_cn) {
    if (p.is_param) t.params.push_back(p.text);
  }
  std::sort(t.params.begin(), t.params.end());
  return t;
}

TEST(MessageCatalogue, TemplatesNameLowerSnakeParameters) {
  auto pieces = ParseMessageTemplate("资金 {fund_id} 余额 {available_yuan} 元");
  ASSERT_TRUE(pieces.ok());
  ASSERT_EQ(pieces->size(), 5u);
  EXPECT_TRUE((*pieces)[1].is_param);
  EXPECT_EQ((*pieces)[1].text, "fund_id");
  EXPECT_EQ((*pieces)[4].text, " 元");
  for (const char* bad : {"{Fund}", "a { b", "a } b", "{}", "{fund id}", "{1x}"}) {
    EXPECT_FALSE(ParseMessageTemplate(bad).ok()) << bad;
  }
}

TEST(MessageCatalogue, TheFirstTextTheParametersFill) {
  MessageCatalogue c;
  c.Add(MessageKind::kReason, "X", {Text("{a} 与 {b}", "{a} and {b}"), Text("只有 {a}", "only {a}"), Text("无", "none")});
  EXPECT_EQ(c.Render(MessageKind::kReason, "X", Language::kZhCn, {{"a", "1"}, {"b", "2"}}), "1 与 2");
  EXPECT_EQ(c.Render(MessageKind::kReason, "X", Language::kEn, {{"a", "1"}, {"c", "3"}}), "only 1");
  EXPECT_EQ(c.Render(MessageKind::kReason, "X", Language::kEn, {{"b", "2"}}), "none");
  EXPECT_EQ(c.Render(MessageKind::kReason, "X", Language::kZhCn), "无");
  EXPECT_EQ(c.Render(MessageKind::kReason, "Y", Language::kZhCn), std::nullopt);
  EXPECT_EQ(c.Render(MessageKind::kAlert, "X", Language::kZhCn), std::nullopt);  // each kind its own codes
}

TEST(MessageCatalogue, LanguagesAreZhCnUnlessEnglishIsAsked) {
  EXPECT_EQ(LanguageOf(""), Language::kZhCn);
  EXPECT_EQ(LanguageOf("zh-CN"), Language::kZhCn);
  EXPECT_EQ(LanguageOf("fr"), Language::kZhCn);
  EXPECT_EQ(LanguageOf("en"), Language::kEn);
  EXPECT_EQ(LanguageOf("EN_gb"), Language::kEn);
  EXPECT_STREQ(LocaleOf(Language::kZhCn), "zh-CN");
  EXPECT_STREQ(LocaleOf(Language::kEn), "en");
}

TEST(MessageCatalogue, ShippedMessagesFillFromTheRefusalsParameters) {
  const MessageCatalogue& m = Shipped()->messages();
  EXPECT_TRUE(m.Has(MessageKind::kReason, funds::kFundBudgetExceeded));
  EXPECT_TRUE(m.Has(MessageKind::kAlert, "IDLE_ALLOCATION"));
  EXPECT_TRUE(m.Has(MessageKind::kStatusCode, "INVALID_ARGUMENT"));
  const absl::Status over = funds::CheckAllocation("F-1", Money::Fen(5000), Money::Fen(9000), *Date::Parse("2024-05-06"));
  EXPECT_EQ(m.Render(MessageKind::kReason, *ReasonOf(over), Language::kZhCn, ParamsOf(over)),
            "资金 F-1 自 2024-05-06 起可分配额度为 50.00 元，不足本次分配的 90.00 元。");
  auto calendar = WorkingDayCalendar::Build(2024, 2024, {});
  ASSERT_TRUE(calendar.ok());
  const absl::Status uncovered = calendar->IsWorkingDay(*Date::Parse("2031-01-02")).status();
  EXPECT_EQ(m.Render(MessageKind::kReason, *ReasonOf(uncovered), Language::kEn, ParamsOf(uncovered)),
            "The working-day calendar does not cover 2031-01-02 (it covers 2024–2024); the holiday data must be "
            "updated first.");
}

// A copy of the shipped data with messages.textproto edited.
class MessagesCopy {
 public:
  void Replace(const std::string& from, const std::string& to) { copy_.Replace("messages.textproto", from, to); }
  std::string path() const { return copy_.path(); }

 private:
  testing::DataCopy copy_;
};

TEST(MessageCatalogue, TheLoaderRefusesATextAPersonCannotRead) {
  const std::pair<std::string, std::string> cases[] = {
      {"zh_cn: \"该笔已冲销，不能重复冲销。\"", "zh_cn: \"该笔已冲销 (reversed)。\""},          // English in zh_cn
      {"zh_cn: \"拨付日期须为法定工作日。\"", "zh_cn: \"{date} 须为法定工作日。\""},          // last text with a parameter
      {"zh_cn: \"分配 {entry_id} 已全部支付或预留，无可冲销金额。\"", "zh_cn: \"分配 {entry} 已全部支付。\""},  // zh ≠ en
      {"code: \"SAME_CALLER\"", "code: \"INSTRUCTION_PENDING\""},                                    // listed twice
      {"code: \"DATA_LOSS\"", "code: \"DATA_LOST\""},                                                // no such gRPC code
      {"en: \"This has been reversed already.\"", "en: \"\""},                                       // no English
      {"en: \"No such record.\"", "en: \"No such {record.\""},                                       // a brace
      {"code: \"MOVEMENT_SUMMARY\"", "code: \"MOVEMENT_SUMMARIES\""},                              // a summary's words
  };
  for (const auto& [from, to] : cases) {
    MessagesCopy copy;
    copy.Replace(from, to);
    auto r = PolicyData::LoadFromDirectory(copy.path());
    ASSERT_FALSE(r.ok()) << to;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("messages.textproto:")) << to;
  }
  MessagesCopy missing;
  std::filesystem::remove(missing.path() + "/messages.textproto");
  auto r = PolicyData::LoadFromDirectory(missing.path());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("messages.textproto"));
}

TEST(MessageCatalogue, AMessageIsPartOfTheDataVersion) {
  MessagesCopy copy;
  copy.Replace("该笔兑付已撤销。", "该笔兑付已被撤销。");
  auto changed = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_NE((*changed)->version(), Shipped()->version());
  EXPECT_EQ((*changed)->messages().Render(MessageKind::kReason, "CANCELLED", Language::kZhCn), "该笔兑付已被撤销。");
}

}  // namespace
}  // namespace subsidy
