// Staleness alarms (calc/policy/staleness.h) on the shipped data: which fire on which day, with the
// parameters their texts for a person are filled with, in Chinese and in English.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "policy/policy_data.h"
#include "policy/staleness.h"

namespace subsidy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Date D(const char* s) { return *Date::Parse(s); }

std::shared_ptr<const PolicyData> Shipped() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return *data;
}

std::map<std::string, StalenessAlarm> On(Date today) {
  std::map<std::string, StalenessAlarm> by_code;
  for (auto& a : StalenessAlarms(*Shipped(), today)) by_code.emplace(a.code, std::move(a));
  return by_code;
}

std::string Text(const StalenessAlarm& a, Language language) {
  return Shipped()->messages().Render(MessageKind::kReason, a.code, language, a.params).value_or("(none)");
}

TEST(StalenessAlarms, FromDecemberTheCalendarWantsNextYear) {
  const int last = Shipped()->calendar().last_year();
  const Date november = *Date::FromYmd(last, 11, 30);
  const Date december = *Date::FromYmd(last, 12, 1);
  EXPECT_EQ(On(november).count(kCalendarNextYearMissing), 0u);
  const auto alarms = On(december);
  ASSERT_EQ(alarms.count(kCalendarNextYearMissing), 1u);
  const StalenessAlarm& a = alarms.at(kCalendarNextYearMissing);
  EXPECT_EQ(a.params.at("next_year"), std::to_string(last + 1));
  EXPECT_THAT(Text(a, Language::kZhCn), HasSubstr(std::to_string(last + 1) + " 年节假日安排"));
  EXPECT_THAT(Text(a, Language::kEn), HasSubstr("holiday notice"));
}

TEST(StalenessAlarms, ACalendarThatEndedIsExpiredAndSaysWhatItCovers) {
  const int last = Shipped()->calendar().last_year();
  const auto alarms = On(*Date::FromYmd(last + 1, 1, 2));
  ASSERT_EQ(alarms.count(kCalendarExpired), 1u);
  const StalenessAlarm& a = alarms.at(kCalendarExpired);
  EXPECT_EQ(a.params.at("last_year"), std::to_string(last));
  EXPECT_THAT(Text(a, Language::kZhCn), HasSubstr("不含今天（" + std::to_string(last + 1) + "-01-02）"));
}

TEST(StalenessAlarms, AnLprFixingOlderThan45DaysIsStale) {
  const Date confirmed = Shipped()->lpr().last_confirmed();
  EXPECT_EQ(On(confirmed.AddDays(kLprStaleDays)).count(kLprStale), 0u);
  const auto alarms = On(confirmed.AddDays(kLprStaleDays + 1));
  ASSERT_EQ(alarms.count(kLprStale), 1u);
  const StalenessAlarm& a = alarms.at(kLprStale);
  EXPECT_EQ(a.params.at("days"), std::to_string(kLprStaleDays + 1));
  EXPECT_EQ(Text(a, Language::kZhCn), "最新确认的 LPR 报价为 " + confirmed.ToString() + "，已过 46 天：新签合同将标记为利率未确认。");
}

TEST(StalenessAlarms, EveryAlarmHasATextForAPersonInBothLanguages) {
  const int last = Shipped()->calendar().last_year();
  for (const Date day : {*Date::FromYmd(last, 12, 1), *Date::FromYmd(last + 1, 1, 2), D("2024-01-02")}) {
    for (const auto& [code, a] : On(day)) {
      SCOPED_TRACE(code);
      EXPECT_NE(Text(a, Language::kZhCn), "(none)");
      EXPECT_NE(Text(a, Language::kEn), Text(a, Language::kZhCn));
      EXPECT_THAT(Text(a, Language::kZhCn), Not(HasSubstr("{")));  // every parameter filled
    }
  }
}

TEST(StalenessAlarms, ARegimeWhoseContractWindowEndsWithin90DaysIsEnding) {
  const auto& regimes = Shipped()->loan_regimes().regimes();
  const auto with_window = std::find_if(regimes.begin(), regimes.end(), [](const auto& r) { return r.default_window; });
  ASSERT_NE(with_window, regimes.end());
  const Date last = with_window->default_window->last();
  std::vector<std::string> ending;  // this regime's alarms, 10 days before its window ends
  for (const auto& a : StalenessAlarms(*Shipped(), last.AddDays(-10))) {
    if (a.code == kRegimeEnding && a.params.at("regime_id") == with_window->regime_id && !a.params.count("province")) {
      ending.push_back(Text(a, Language::kZhCn));
    }
  }
  EXPECT_EQ(ending, std::vector<std::string>{"政策口径 " + with_window->regime_id + " 的合同签订期于 " + last.ToString() +
                                             " 结束，还有 10 天。"});
  // After its end it is no alarm.
  for (const auto& a : StalenessAlarms(*Shipped(), last.AddDays(1))) {
    EXPECT_FALSE(a.code == kRegimeEnding && a.params.at("regime_id") == with_window->regime_id &&
                 a.params.at("last_day") == last.ToString());
  }
}

}  // namespace
}  // namespace subsidy
