// The automatic disbursement schedule on China's official calendar.
#include "reward/schedule.h"

#include <gtest/gtest.h>

#include "policy/policy_data.h"

namespace subsidy::reward {
namespace {

absl::Time Cst(const char* text) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M", text, absl::FixedTimeZone(8 * 3600), &t, &err)) << err;
  return t;
}
Date D(const char* text) { return *Date::Parse(text); }

class ScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = *data;
  }
  const WorkingDayCalendar& cal() { return data_->calendar(); }
  std::shared_ptr<const PolicyData> data_;
};

TEST_F(ScheduleTest, TimesOfDay) {
  EXPECT_EQ(*ParseTimeOfDay("09:30"), 570);
  EXPECT_EQ(*ParseTimeOfDay("00:00"), 0);
  for (const char* bad : {"9:30", "24:00", "09:60", "0930", "ab:cd", ""}) EXPECT_FALSE(ParseTimeOfDay(bad).ok()) << bad;
}

TEST_F(ScheduleTest, RunsOnWorkingDaysOnlyIncludingMakeUpDays) {
  // Friday 2024-09-27 10:00 → the next run is Sunday 09-29, a make-up working day before National Day.
  EXPECT_EQ(*NextRunDay(cal(), Cst("2024-09-27 10:00"), 600), D("2024-09-29"));
  // At 09:59 on the 27th the run of the 27th is still ahead; at 10:00 it is the latest.
  EXPECT_EQ(*NextRunDay(cal(), Cst("2024-09-27 09:59"), 600), D("2024-09-27"));
  EXPECT_EQ(**LatestRunDay(cal(), Cst("2024-09-27 10:00"), 600), D("2024-09-27"));
  // Over the National Day holiday the latest run is the 30th; the next one the 8th of October.
  EXPECT_EQ(**LatestRunDay(cal(), Cst("2024-10-05 12:00"), 600), D("2024-09-30"));
  EXPECT_EQ(*NextRunDay(cal(), Cst("2024-10-05 12:00"), 600), D("2024-10-08"));
}

TEST_F(ScheduleTest, ADateOutsideTheCalendarIsAnErrorNotAGuess) {
  EXPECT_FALSE(NextRunDay(cal(), Cst("2099-06-01 10:00"), 600).ok());
}

TEST_F(ScheduleTest, TheRunIdIsTheDays) { EXPECT_EQ(ScheduledRunId(D("2024-05-20")), "auto-2024-05-20"); }

}  // namespace
}  // namespace subsidy::reward
