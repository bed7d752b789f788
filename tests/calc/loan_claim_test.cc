// The claim rules that need no database: the settlement-period check, a loan's own period, its id.
#include "loan/claim.h"

#include <gtest/gtest.h>

#include "common/status_util.h"
#include "loan/loan_engine.h"
#include "policy/policy_data.h"

namespace subsidy::loan {
namespace {

DateRange Range(const char* first, const char* last) {
  return *DateRange::Make(*Date::Parse(first), *Date::Parse(last));
}

TEST(SettlementPeriod, TheFourQuartersOfAYearAreAccepted) {
  for (auto [first, last] : {std::pair{"2023-12-21", "2024-03-20"}, {"2024-03-21", "2024-06-20"},
                             {"2024-06-21", "2024-09-20"}, {"2024-09-21", "2024-12-20"}}) {
    EXPECT_TRUE(ValidateSettlementPeriod(Range(first, last), "settlement_period").ok()) << first;
  }
}

TEST(SettlementPeriod, ACalendarQuarterOrTwoPeriodsAreRefusedNamingTheField) {
  for (auto [first, last] : {std::pair{"2024-07-01", "2024-09-30"}, {"2024-06-21", "2024-12-20"},
                             {"2024-06-21", "2024-09-21"}, {"2024-06-20", "2024-09-20"}, {"2024-06-21", "2024-06-21"}}) {
    const absl::Status s = ValidateSettlementPeriod(Range(first, last), "settlement_period");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << first << ".." << last;
    EXPECT_NE(s.message().find("settlement_period"), absl::string_view::npos) << s;
    EXPECT_EQ(ReasonOf(s), kNotASettlementPeriod);
  }
  // The example a person is shown: the period its start falls in.
  EXPECT_EQ(ParamsOf(ValidateSettlementPeriod(Range("2024-07-01", "2024-09-30"), "p")).at("example"),
            "2024-06-21..2024-09-20");
}

// Property: over three years, a range is a settlement period exactly when it is the one that
// contains its first day; moving either end by a day breaks it.
TEST(SettlementPeriod, ExactlyThePeriodContainingItsStartOverThreeYears) {
  for (Date d = *Date::Parse("2023-01-01"); d <= *Date::Parse("2025-12-31"); d = d.AddDays(1)) {
    const DateRange p = SettlementPeriodContaining(d);
    ASSERT_TRUE(ValidateSettlementPeriod(p, "p").ok()) << p.ToString();
    EXPECT_EQ(p.first().ToYmd().day, 21);
    EXPECT_EQ(p.last().ToYmd().day, 20);
    EXPECT_FALSE(ValidateSettlementPeriod(*DateRange::Make(p.first(), p.last().AddDays(1)), "p").ok());
    EXPECT_FALSE(ValidateSettlementPeriod(*DateRange::Make(p.first(), p.last().AddDays(-1)), "p").ok());
    EXPECT_FALSE(ValidateSettlementPeriod(*DateRange::Make(p.first().AddDays(1), p.last()), "p").ok());
  }
}

TEST(LoanClaimPeriod, EmptyOrTheClaimsOwn) {
  const DateRange claim = Range("2024-06-21", "2024-09-20");
  EXPECT_TRUE(ValidateLoanClaimPeriod(std::nullopt, claim, "loans[0].claim_period").ok());
  EXPECT_TRUE(ValidateLoanClaimPeriod(claim, claim, "loans[0].claim_period").ok());
  const absl::Status other = ValidateLoanClaimPeriod(Range("2024-03-21", "2024-06-20"), claim, "loans[3].claim_period");
  EXPECT_EQ(other.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.message().find("loans[3].claim_period"), absl::string_view::npos);
  EXPECT_EQ(ReasonOf(other), kLoanWindowNotTheClaims);
  EXPECT_EQ(ParamsOf(other).at("period"), "2024-06-21..2024-09-20");
}

TEST(ClaimLoanId, PresentShortAndPrintable) {
  EXPECT_TRUE(ValidateClaimLoanId("TBS-2024-0001", "loan_id").ok());
  EXPECT_TRUE(ValidateClaimLoanId(std::string(64, 'x'), "loan_id").ok());
  EXPECT_TRUE(ValidateClaimLoanId("贷款-01", "loan_id").ok());
  EXPECT_FALSE(ValidateClaimLoanId("", "loan_id").ok());
  EXPECT_FALSE(ValidateClaimLoanId(std::string(65, 'x'), "loan_id").ok());
  EXPECT_FALSE(ValidateClaimLoanId("a\nb", "loan_id").ok());
}

TEST(ClaimPayment, OnAWorkingDayAfterTheSettlementDate) {
  auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
  ASSERT_TRUE(data.ok()) << data.status();
  const DateRange period = Range("2024-06-21", "2024-09-20");
  EXPECT_TRUE(CheckClaimPaymentDate((*data)->calendar(), period, *Date::Parse("2024-09-23")).ok());  // Monday
  auto reason = [&](const char* day) {
    return ReasonOf(CheckClaimPaymentDate((*data)->calendar(), period, *Date::Parse(day))).value_or("OK");
  };
  EXPECT_EQ(reason("2024-09-20"), kPaidBeforeSettlement);
  EXPECT_EQ(reason("2024-09-22"), "NOT_A_WORKING_DAY");  // Sunday
  EXPECT_EQ(reason("2024-10-01"), "NOT_A_WORKING_DAY");  // National Day
  EXPECT_EQ(reason("2024-09-29"), "OK");                 // a Sunday worked for the National Day holiday
}

}  // namespace
}  // namespace subsidy::loan
