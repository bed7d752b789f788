#include "loan/claim.h"

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "loan/loan_engine.h"
#include "reward/reward_engine.h"

namespace subsidy::loan {

absl::Status ValidateSettlementPeriod(const DateRange& period, absl::string_view field) {
  const DateRange containing = SettlementPeriodContaining(period.first());
  if (period == containing) return absl::OkStatus();
  const std::string example = absl::StrCat(containing.first().ToString(), "..", containing.last().ToString());
  return WithParams(
      WithReason(InvalidField(field, "must be exactly one settlement period (21st … 20th), e.g. " + example),
                 kNotASettlementPeriod),
      {{"example", example}});
}

absl::Status ValidateLoanClaimPeriod(const std::optional<DateRange>& loan_period, const DateRange& claim_period,
                                     absl::string_view field) {
  if (!loan_period || *loan_period == claim_period) return absl::OkStatus();
  const std::string period = absl::StrCat(claim_period.first().ToString(), "..", claim_period.last().ToString());
  return WithParams(WithReason(InvalidField(field, "must be empty or the claim's settlement period " + period),
                               kLoanWindowNotTheClaims),
                    {{"period", period}});
}

absl::Status ValidateClaimLoanId(absl::string_view loan_id, absl::string_view field) {
  if (loan_id.empty()) return RequiredField(field);
  if (loan_id.size() > kMaxClaimLoanIdBytes) {
    return InvalidField(field, absl::StrCat("at most ", kMaxClaimLoanIdBytes, " bytes"));
  }
  for (unsigned char c : loan_id) {
    if (c < 0x20 || c == 0x7f) return InvalidField(field, "must not contain control characters");
  }
  return absl::OkStatus();
}

absl::Status CheckClaimPaymentDate(const WorkingDayCalendar& calendar, const DateRange& period, Date payment_date) {
  if (payment_date <= period.last()) {
    return WithParams(FailedPrecondition(kPaidBeforeSettlement,
                                         absl::StrCat("payment_date ", payment_date.ToString(),
                                                      " is not after the settlement date ", period.last().ToString(),
                                                      " of the claim's period")),
                      {{"date", payment_date.ToString()}, {"settlement_date", period.last().ToString()}});
  }
  auto working = calendar.IsWorkingDay(payment_date);
  if (!working.ok()) return working.status();
  if (!*working) {
    return WithParams(FailedPrecondition(reward::kNotAWorkingDay,
                                         absl::StrCat(payment_date.ToString(),
                                                      " is not a working day on China's official calendar: claims are "
                                                      "paid on working days")),
                      {{"date", payment_date.ToString()}});
  }
  return absl::OkStatus();
}

}  // namespace subsidy::loan
