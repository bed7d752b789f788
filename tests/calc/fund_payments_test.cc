// Payments the bank confirms: what a row of the bank's return file does to the line it names
// (funds::MatchReturnRow), how payees are compared and accounts shown, and when an open line is
// an alert.
#include "funds/payments.h"

#include <gtest/gtest.h>

namespace subsidy::funds {
namespace {

Date D(const char* text) { return *Date::Parse(text); }
const Date kToday = D("2024-05-21");

SentLine Sent(PaymentState state = PaymentState::kSent) {
  return {state, Money::Fen(20'000'000), "宜昌某公司07", "6222024200000000007"};
}
ReturnedRow Row(bool success, int64_t fen = 20'000'000, std::string name = "宜昌某公司07",
                std::string account = "6222024200000000007") {
  return {success, Money::Fen(fen), std::move(name), std::move(account)};
}

TEST(FundPayments, ASentLineIsConfirmedOrFailedByItsRow) {
  EXPECT_EQ(MatchReturnRow(Sent(), Row(true), kToday).action, ReturnOutcome::Action::kConfirm);
  EXPECT_EQ(MatchReturnRow(Sent(), Row(false), kToday).action, ReturnOutcome::Action::kFail);
  // The bank may leave the payee out: the voucher and the amount decide.
  EXPECT_EQ(MatchReturnRow(Sent(), Row(true, 20'000'000, "", ""), kToday).action, ReturnOutcome::Action::kConfirm);
}

TEST(FundPayments, OneFenOffIsAnAmountMismatchNamingBoth) {
  const ReturnOutcome o = MatchReturnRow(Sent(), Row(true, 20'000'001), kToday);
  EXPECT_EQ(o.action, ReturnOutcome::Action::kDiscrepancy);
  EXPECT_EQ(o.discrepancy, kAmountMismatch);
  EXPECT_EQ(o.params.at("expected_yuan"), "200000.00");
  EXPECT_EQ(o.params.at("found_yuan"), "200000.01");
}

TEST(FundPayments, AnotherPayeeIsAMismatchWhateverTheState) {
  EXPECT_EQ(MatchReturnRow(Sent(), Row(true, 20'000'000, "宜昌某公司08"), kToday).discrepancy, kPayeeMismatch);
  const ReturnOutcome account = MatchReturnRow(Sent(), Row(true, 20'000'000, "", "6222024200000000008"), kToday);
  EXPECT_EQ(account.discrepancy, kPayeeMismatch);
  EXPECT_EQ(account.params.at("expected"), "****0007");  // never the whole account
  EXPECT_EQ(account.params.at("found"), "****0008");
  EXPECT_EQ(MatchReturnRow(Sent(PaymentState::kConfirmed), Row(true, 1), kToday).discrepancy, kAmountMismatch);
}

TEST(FundPayments, ASettledLineIsNeverSettledAgain) {
  EXPECT_EQ(MatchReturnRow(Sent(PaymentState::kConfirmed), Row(true), kToday).discrepancy, kConfirmedTwice);
  EXPECT_EQ(MatchReturnRow(Sent(PaymentState::kConfirmed), Row(false), kToday).discrepancy, kFailureOfConfirmed);
  for (PaymentState failed : {PaymentState::kFailed, PaymentState::kReissued, PaymentState::kReturned}) {
    EXPECT_EQ(MatchReturnRow(Sent(failed), Row(true), kToday).discrepancy, kConfirmationOfFailed);
    EXPECT_EQ(MatchReturnRow(Sent(failed), Row(false), kToday).discrepancy, kFailedTwice);
    EXPECT_EQ(MatchReturnRow(Sent(failed), Row(false), kToday).params.at("state"), PaymentStateName(failed));
  }
}

TEST(FundPayments, ARowDatedAfterItsImportIsADiscrepancyWhateverElseItSays) {
  ReturnedRow row = Row(true);
  row.date = D("2024-05-22");
  const ReturnOutcome o = MatchReturnRow(Sent(), row, kToday);
  EXPECT_EQ(o.discrepancy, kDateAfterImport);
  EXPECT_EQ(o.params.at("date"), "2024-05-22");
  row.date = kToday;
  EXPECT_EQ(MatchReturnRow(Sent(), row, kToday).action, ReturnOutcome::Action::kConfirm);
}

TEST(FundPayments, AReissueIsOnAWorkingDayNotBeforeTheFailure) {
  auto cal = WorkingDayCalendar::Build(2024, 2024, {});
  ASSERT_TRUE(cal.ok());
  EXPECT_TRUE(CheckReissueDate(*cal, "PAY-00000001", D("2024-06-25"), D("2024-06-25")).ok());
  EXPECT_EQ(ReasonOf(CheckReissueDate(*cal, "PAY-00000001", D("2024-06-25"), D("2024-06-24"))), kReissueBeforeFailure);
  EXPECT_EQ(ReasonOf(CheckReissueDate(*cal, "PAY-00000001", D("2024-06-25"), D("2024-06-29"))), "NOT_A_WORKING_DAY");
}

TEST(FundPayments, NamesCompareAsBanksWriteThem) {
  EXPECT_TRUE(SamePayeeName("宜昌某公司07", " 宜昌某公司０７ "));  // full-width digits, padding
  EXPECT_TRUE(SamePayeeName("Yichang Tech Co", "YICHANG TECHCO"));
  EXPECT_FALSE(SamePayeeName("宜昌某公司07", "宜昌某公司70"));
}

TEST(FundPayments, AccountsCompareByDigitsAndByWhatAMaskShows) {
  EXPECT_TRUE(SameAccount("6222024200000000007", "6222 0242 0000 0000 007"));
  EXPECT_TRUE(SameAccount("6222024200000000007", "****0007"));
  EXPECT_TRUE(SameAccount("6222024200000000007", "6222***0007"));
  EXPECT_FALSE(SameAccount("6222024200000000007", "6223***0007"));
  EXPECT_FALSE(SameAccount("6222024200000000007", "****0008"));
  EXPECT_FALSE(SameAccount("6222024200000000007", "****"));  // shows nothing to compare
  EXPECT_FALSE(SameAccount("0007", "12345****0007"));       // shows more than the account has
}

// Full-width digits typed on a Chinese keyboard are the same account (违规划转 must not slip past
// the own-account rule by them).
TEST(FundPayments, FullWidthDigitsAreTheSameAccount) {
  EXPECT_EQ(AccountKey("６２２２０２１２３４５６７８９０"), "6222021234567890");
  EXPECT_EQ(AccountKey("6222 0212 3456 789０"), "6222021234567890");
  EXPECT_TRUE(SameAccount("6222021234567890", "６２２２－０２１２－３４５６－７８９０"));
  EXPECT_EQ(AccountKey("６二２"), "62");  // other characters are no digits
}

TEST(FundPayments, MoneyGoesOnlyToAWholeAccountOfSixDigitsOrMore) {
  EXPECT_EQ(CheckAccount("622202"), AccountCheck::kPayable);
  EXPECT_EQ(CheckAccount("6222 0210 0000 1234 567"), AccountCheck::kPayable);
  EXPECT_EQ(CheckAccount("６２２２－０２１０"), AccountCheck::kPayable);  // full-width, with a separator
  EXPECT_EQ(CheckAccount("6222*0210"), AccountCheck::kPayable);          // one star is not a mask
  EXPECT_EQ(CheckAccount("62220"), AccountCheck::kTooFewDigits);
  EXPECT_EQ(CheckAccount("农行 12345"), AccountCheck::kTooFewDigits);
  EXPECT_EQ(CheckAccount(""), AccountCheck::kTooFewDigits);
  EXPECT_EQ(CheckAccount("6222***1234"), AccountCheck::kMasked);  // as a list shows it
  EXPECT_EQ(CheckAccount(MaskAccount("6222021000001234567")), AccountCheck::kTooFewDigits);  // "****4567"
}

TEST(FundPayments, AnAccountIsShownByItsLastFourDigits) {
  EXPECT_EQ(MaskAccount("6222024200000000007"), "****0007");
  EXPECT_EQ(MaskAccount("6222 0242 0000 0000 123"), "****0123");
  EXPECT_EQ(MaskAccount("123"), "****");
  EXPECT_EQ(MaskAccount(""), "");
  EXPECT_EQ(MaskAccount(MaskAccount("6222024200000000007")), "****0007");  // masked once
  // Full-width digits (a Chinese input method) are digits; a star inside an account masks it all the
  // same; what comes out is ASCII.
  EXPECT_EQ(MaskAccount("６２２８４８００００００９９９９"), "****9999");
  EXPECT_EQ(MaskAccount("6228480000009999*"), "****9999");
  EXPECT_EQ(MaskAccount("6222****0007"), "****0007");
}

TEST(FundPayments, StatesReadBackByName) {
  for (PaymentState s : {PaymentState::kSent, PaymentState::kConfirmed, PaymentState::kFailed,
                         PaymentState::kReissued, PaymentState::kReturned}) {
    EXPECT_EQ(PaymentStateFromName(PaymentStateName(s)), s);
  }
  EXPECT_EQ(PaymentStateFromName("PAID"), std::nullopt);
}

TEST(FundPayments, AnOpenLineIsAnAlertAfterItsWorkingDays) {
  // May 2024: 1–5 May are the Labour Day holiday, 11 May (Saturday) a make-up working day.
  auto cal = WorkingDayCalendar::Build(2024, 2024,
                                       {{D("2024-05-01"), false}, {D("2024-05-02"), false}, {D("2024-05-03"), false},
                                        {D("2024-04-28"), true}, {D("2024-05-11"), true}});
  ASSERT_TRUE(cal.ok()) << cal.status();
  // Sent Monday 20 May: three working days pass on Thursday 23; an alert from Friday 24.
  EXPECT_EQ(*OpenWorkingDays(*cal, D("2024-05-20"), D("2024-05-23"), 3), std::nullopt);
  EXPECT_EQ(*OpenWorkingDays(*cal, D("2024-05-20"), D("2024-05-24"), 3), 4);
  EXPECT_EQ(*OpenWorkingDays(*cal, D("2024-05-20"), D("2024-05-27"), 3), 5);  // the weekend does not count
  // Sent Tuesday 30 April: the holiday does not count, the make-up Saturday does.
  EXPECT_EQ(*OpenWorkingDays(*cal, D("2024-04-30"), D("2024-05-08"), 3), std::nullopt);  // 6, 7, 8 May
  EXPECT_EQ(*OpenWorkingDays(*cal, D("2024-04-30"), D("2024-05-09"), 3), 4);
  EXPECT_EQ(*OpenWorkingDays(*cal, D("2024-05-20"), D("2024-05-20"), 0), std::nullopt);
  EXPECT_FALSE(OpenWorkingDays(*cal, D("2024-12-30"), D("2025-01-10"), 3).ok());  // no guess outside the data
}

}  // namespace
}  // namespace subsidy::funds
