// The rules of a bank's quarterly claim that need no database. The once-only rule — a
// (bank_id, loan_id, period) stands in at most one claim that is not rejected — is held by the
// database (storage/ledger.cc), where concurrent claims and replicas meet.
#pragma once

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "time/calendar.h"
#include "time/date.h"

namespace subsidy::loan {

// Loan ids in a claim are the bank's own: 1 … kMaxClaimLoanIdBytes bytes, no control characters.
inline constexpr size_t kMaxClaimLoanIdBytes = 64;

// A claim covers exactly one settlement period (21st … 20th, quarterly); INVALID_ARGUMENT naming
// `field` otherwise, with the period that contains its start.
absl::Status ValidateSettlementPeriod(const DateRange& period, absl::string_view field);

// A loan's own claim_period inside a claim: absent, or exactly the claim's period.
absl::Status ValidateLoanClaimPeriod(const std::optional<DateRange>& loan_period, const DateRange& claim_period,
                                     absl::string_view field);

absl::Status ValidateClaimLoanId(absl::string_view loan_id, absl::string_view field);

inline constexpr char kClaimAlreadyReviewed[] = "CLAIM_ALREADY_REVIEWED";
// A period that is not one settlement period ({example}: the one its start falls in).
inline constexpr char kNotASettlementPeriod[] = "NOT_A_SETTLEMENT_PERIOD";
// A loan's own claim window other than its claim's settlement period ({period}).
inline constexpr char kLoanWindowNotTheClaims[] = "LOAN_WINDOW_NOT_THE_CLAIMS";
inline constexpr char kPaidBeforeSettlement[] = "PAID_BEFORE_SETTLEMENT";

// An approved claim is paid on a working day after its settlement date (the period's last day).
// FAILED_PRECONDITION NOT_A_WORKING_DAY or PAID_BEFORE_SETTLEMENT otherwise; a date outside the
// calendar's data is an error, never a guess.
absl::Status CheckClaimPaymentDate(const WorkingDayCalendar& calendar, const DateRange& period, Date payment_date);

}  // namespace subsidy::loan
