// Payments the bank confirms (回单): what a line of the bank's return file does to the payment line
// it names, how a payee is compared, how an account is shown, and when an open line is an alert.
// Pure rules over figures the caller reads; the ledger records what they decide and the database
// holds the states again (a line is confirmed or failed once).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/status_util.h"
#include "money/money.h"
#include "time/calendar.h"
#include "time/date.h"

namespace subsidy::funds {

// A payment line's states: SENT → CONFIRMED | FAILED; FAILED → REISSUED | RETURNED.
enum class PaymentState { kSent, kConfirmed, kFailed, kReissued, kReturned };
const char* PaymentStateName(PaymentState s);
std::optional<PaymentState> PaymentStateFromName(absl::string_view name);

// Refusals of a reissue or a return ({payment_id}, {state}).
inline constexpr char kPaymentNotFailed[] = "PAYMENT_NOT_FAILED";
// A fund payment sent to the bank is corrected by the bank's return (a failure) or a return, never
// by reversing its entry ({entry_id}, {payment_id}, {state}).
inline constexpr char kPaymentAtBank[] = "PAYMENT_AT_BANK";
// A reissue dated before its line failed ({payment_id}, {failed_date}).
inline constexpr char kReissueBeforeFailure[] = "REISSUE_BEFORE_FAILURE";
// A reissue of a payout whose policy's year has no budget left for it ({policy_id}, {year}, {remaining_yuan}).
inline constexpr char kReissueOverBudget[] = "REISSUE_OVER_BUDGET";
// A return file's row that changes nothing (PaymentDiscrepancy.Kind names).
inline constexpr char kUnknownVoucher[] = "UNKNOWN_VOUCHER";
inline constexpr char kAmountMismatch[] = "AMOUNT_MISMATCH";
inline constexpr char kPayeeMismatch[] = "PAYEE_MISMATCH";
inline constexpr char kConfirmedTwice[] = "CONFIRMED_TWICE";
inline constexpr char kConfirmationOfFailed[] = "CONFIRMATION_OF_FAILED";
inline constexpr char kFailureOfConfirmed[] = "FAILURE_OF_CONFIRMED";
inline constexpr char kFailedTwice[] = "FAILED_TWICE";
inline constexpr char kRepeatedInFile[] = "REPEATED_IN_FILE";
inline constexpr char kRowInvalid[] = "ROW_INVALID";
inline constexpr char kDateAfterImport[] = "DATE_AFTER_IMPORT";

// An account as logs, lists and the console show it: its last 4 digits ("****1234"); "" stays "",
// and a masked one stays as it is.
std::string MaskAccount(absl::string_view account);

// What was sent on a line, as the return row is checked against it.
struct SentLine {
  PaymentState state = PaymentState::kSent;
  Money amount;
  std::string payee_name;
  std::string payee_account;
};
// What the bank says of it.
struct ReturnedRow {
  bool success = true;
  Money amount;
  std::string payee_name;     // "" : not given
  std::string payee_account;  // "" : not given; may be masked (****1234, 6222***1234)
  std::optional<Date> date;   // the bank's date of the row, when given
};
// The row's effect: confirm the line, fail it, or change nothing and report why (`discrepancy`,
// a kind above, with `params`: expected and found).
struct ReturnOutcome {
  enum class Action { kConfirm, kFail, kDiscrepancy } action = Action::kDiscrepancy;
  std::string discrepancy;
  StatusParams params;
};
// The one rule: a row for a SENT line with the amount and payee sent confirms or fails it; any
// other row is a discrepancy (the amount first, then the payee, then the line's state). A payee
// name or account is compared when the row gives one and the line was sent with one. A name is
// compared by its NFKC case-folded form without spaces; an account by its digits, a masked one by those it shows.
// A row dated after `today`, the day it is imported, is a discrepancy first (DATE_AFTER_IMPORT): a
// return never speaks of a day still to come.
ReturnOutcome MatchReturnRow(const SentLine& line, const ReturnedRow& row, Date today);

// A failed line is paid again on a working day of the official calendar (NOT_A_WORKING_DAY), never
// before the bank failed it (REISSUE_BEFORE_FAILURE: the money was out until then).
absl::Status CheckReissueDate(const WorkingDayCalendar& calendar, const std::string& payment_id, Date failed,
                              Date reissue);

// Whether the payee given matches the payee sent (see MatchReturnRow).
bool SamePayeeName(absl::string_view sent, absl::string_view returned);
bool SameAccount(absl::string_view sent, absl::string_view returned);
// An account's digits: how two spellings of one account compare ("6222 0210" is "62220210").
std::string AccountKey(absl::string_view account);

// Whether money can be sent to an account as given: it has 6 digits or more (full-width ones and
// separators allowed), and it is whole, not masked as a list shows one ("6222***1234": the bank
// cannot pay that). A single star is not a mask.
enum class AccountCheck { kPayable, kTooFewDigits, kMasked };
AccountCheck CheckAccount(absl::string_view account);

// An open line's alert: SENT for more than `unconfirmed_days` working days after its payment date,
// or FAILED for more than `failed_days` working days after its failure, as of `as_of`. Returns
// the working days it has been open, or none when it is not (yet) an alert.
absl::StatusOr<std::optional<int>> OpenWorkingDays(const WorkingDayCalendar& calendar, Date since, Date as_of,
                                                   int limit_days);

}  // namespace subsidy::funds
