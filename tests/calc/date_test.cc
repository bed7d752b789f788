#include <gtest/gtest.h>

#include "time/date.h"

namespace subsidy {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

TEST(DateParse, RoundTripsValidDates) {
  for (const char* s : {"2024-02-29", "2000-02-29", "1970-01-01", "2026-12-31", "1900-01-01", "2199-12-31"}) {
    auto d = Date::Parse(s);
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(d->ToString(), s);
  }
}

TEST(DateParse, RefusesInvalidText) {
  for (const char* s : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "1900-02-29", "2024-1-05",
                        "2024/01/05", " 2024-01-05", "2024-01-05 ", "20240105", "", "2024-01-5x", "1899-12-31",
                        "2200-01-01", "２０２４-01-05"}) {
    EXPECT_FALSE(Date::Parse(s).ok()) << s;
  }
}

TEST(Date, FieldsAndWeekdays) {
  const Date d = D("2026-11-26");
  EXPECT_EQ(d.year(), 2026);
  EXPECT_EQ(d.month(), 11);
  EXPECT_EQ(d.day(), 26);
  EXPECT_EQ(d.iso_weekday(), 4);  // Thursday
  EXPECT_EQ(D("1970-01-01").iso_weekday(), 4);
  EXPECT_EQ(D("1969-12-28").iso_weekday(), 7);
  EXPECT_TRUE(D("2024-10-12").is_weekend());
}

TEST(Date, AddDaysCrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(D("2024-02-28").AddDays(1), D("2024-02-29"));
  EXPECT_EQ(D("2023-02-28").AddDays(1), D("2023-03-01"));
  EXPECT_EQ(D("2024-12-31").AddDays(1), D("2025-01-01"));
  EXPECT_EQ(D("2025-01-01").AddDays(-1), D("2024-12-31"));
  EXPECT_EQ(DaysBetween(D("2024-01-01"), D("2025-01-01")), 366);
}

TEST(Date, AddYearsMapsLeapDayToFebruary28) {
  EXPECT_EQ(D("2024-02-29").AddYears(1), D("2025-02-28"));
  EXPECT_EQ(D("2024-02-29").AddYears(3), D("2027-02-28"));
  EXPECT_EQ(D("2024-02-29").AddYears(4), D("2028-02-29"));
  EXPECT_EQ(D("2023-03-15").AddYears(2), D("2025-03-15"));
}

TEST(DateRange, InclusiveAtBothEnds) {
  auto r = DateRange::Make(D("2024-03-21"), D("2024-06-20"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->days(), 92);
  EXPECT_TRUE(r->Contains(D("2024-03-21")));
  EXPECT_TRUE(r->Contains(D("2024-06-20")));
  EXPECT_FALSE(r->Contains(D("2024-06-21")));
  EXPECT_EQ(DateRange::Make(D("2024-01-01"), D("2024-01-01"))->days(), 1);
  EXPECT_FALSE(DateRange::Make(D("2024-01-02"), D("2024-01-01")).ok());
  auto other = DateRange::Make(D("2024-06-01"), D("2024-07-01"));
  EXPECT_EQ(r->Intersect(*other), *DateRange::Make(D("2024-06-01"), D("2024-06-20")));
}

TEST(DayCount, Bases) {
  EXPECT_EQ(BasisDays(DayCount::kAct360), 360);
  EXPECT_EQ(BasisDays(DayCount::kAct365), 365);
}

}  // namespace
}  // namespace subsidy
