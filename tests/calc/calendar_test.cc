#include <gtest/gtest.h>

#include "common/status_util.h"
#include "policy/policy_data.h"

namespace subsidy {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

class CalendarTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = new std::shared_ptr<const PolicyData>(*data);
  }
  const WorkingDayCalendar& cal() { return (*data_)->calendar(); }
  static std::shared_ptr<const PolicyData>* data_;
};
std::shared_ptr<const PolicyData>* CalendarTest::data_ = nullptr;

TEST_F(CalendarTest, CoversTheYearsOfTheData) {
  EXPECT_EQ(cal().first_year(), 2019);
  EXPECT_EQ(cal().last_year(), 2026);
}

TEST_F(CalendarTest, HolidaysMakeupDaysAndOrdinaryDays) {
  EXPECT_FALSE(*cal().IsWorkingDay(D("2024-10-01")));  // National Day, Tuesday
  EXPECT_TRUE(*cal().IsWorkingDay(D("2024-10-12")));   // make-up Saturday
  EXPECT_TRUE(*cal().IsWorkingDay(D("2024-09-29")));   // make-up Sunday
  EXPECT_FALSE(*cal().IsWorkingDay(D("2024-10-13")));  // ordinary Sunday
  EXPECT_TRUE(*cal().IsWorkingDay(D("2024-10-08")));   // ordinary Tuesday
  EXPECT_FALSE(*cal().IsWorkingDay(D("2025-01-29")));  // Spring Festival
  EXPECT_TRUE(*cal().IsWorkingDay(D("2025-01-26")));   // make-up Sunday before it
  EXPECT_TRUE(*cal().IsWorkingDay(D("2025-02-08")));   // make-up Saturday after it
}

TEST_F(CalendarTest, AddWorkingDaysDoesNotCountTheTriggerDay) {
  EXPECT_EQ(*cal().AddWorkingDays(D("2024-11-04"), 5), D("2024-11-11"));  // Mon → next Mon
  EXPECT_EQ(*cal().AddWorkingDays(D("2024-11-04"), 0), D("2024-11-04"));
  EXPECT_EQ(*cal().AddWorkingDays(D("2024-11-08"), 1), D("2024-11-11"));  // Fri → Mon
}

TEST_F(CalendarTest, AddWorkingDaysAcrossNationalDay2024) {
  // Mon 2024-09-30 is the last working day before the holiday (10-01..10-07); make-up days
  // 09-29 (Sun) and 10-12 (Sat). Working days after 09-30: 10-08, 09, 10, 11, 12(Sat).
  EXPECT_EQ(*cal().AddWorkingDays(D("2024-09-30"), 5), D("2024-10-12"));
  // Triggered on the make-up Sunday 09-29: 09-30, 10-08, 09, 10, 11.
  EXPECT_EQ(*cal().AddWorkingDays(D("2024-09-29"), 5), D("2024-10-11"));
  // Triggered inside the holiday.
  EXPECT_EQ(*cal().AddWorkingDays(D("2024-10-03"), 5), D("2024-10-12"));
}

TEST_F(CalendarTest, AddWorkingDaysAcrossSpringFestival2025) {
  // 2025: holiday 01-28..02-04; make-up Sun 01-26 and Sat 02-08. Last working day before: Mon 01-27.
  EXPECT_EQ(*cal().AddWorkingDays(D("2025-01-27"), 1), D("2025-02-05"));
  EXPECT_EQ(*cal().AddWorkingDays(D("2025-01-27"), 5), D("2025-02-10"));  // 05,06,07,08(Sat),10
  EXPECT_EQ(*cal().AddWorkingDays(D("2025-01-26"), 5), D("2025-02-08"));  // 27,05,06,07,08
}

TEST_F(CalendarTest, WorkingDaysBetweenIsTheInverse) {
  EXPECT_EQ(*cal().WorkingDaysBetween(D("2024-09-30"), D("2024-10-12")), 5);
  EXPECT_EQ(*cal().WorkingDaysBetween(D("2024-10-12"), D("2024-09-30")), 0);
  for (Date d = D("2024-01-01"); d < D("2026-12-01"); d = d.AddDays(3)) {
    for (int n : {0, 1, 5, 17}) {
      auto to = cal().AddWorkingDays(d, n);
      ASSERT_TRUE(to.ok());
      EXPECT_EQ(*cal().WorkingDaysBetween(d, *to), n) << d.ToString();
      if (n > 0) {
        EXPECT_TRUE(*cal().IsWorkingDay(*to)) << d.ToString();
      }
    }
  }
}

TEST_F(CalendarTest, YearsOutsideTheDataAreErrorsNotGuesses) {
  auto r = cal().IsWorkingDay(D("2027-01-04"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(r.status()), "CALENDAR_NOT_AVAILABLE");
  EXPECT_FALSE(cal().IsWorkingDay(D("2018-12-31")).ok());
  EXPECT_FALSE(cal().AddWorkingDays(D("2026-12-28"), 5).ok());  // would run into 2027
  EXPECT_TRUE(cal().AddWorkingDays(D("2026-12-21"), 5).ok());
}

TEST(WorkingDayCalendar, RefusesAMakeupDayOnAWeekday) {
  auto cal = WorkingDayCalendar::Build(2024, 2024, {{D("2024-10-08"), true}});
  EXPECT_FALSE(cal.ok());
  auto twice = WorkingDayCalendar::Build(2024, 2024, {{D("2024-10-01"), false}, {D("2024-10-01"), false}});
  EXPECT_FALSE(twice.ok());
}

}  // namespace
}  // namespace subsidy
