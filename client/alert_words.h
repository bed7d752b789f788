// A fund alert's kind as the user reads it (TARGETS_MISSING, or 绩效目标未录入): in subsidyctl fund
// alerts, and in subsidyctl alerts (its cases and today's alerts).
#pragma once

#include <map>
#include <string>

#include "subsidy/v1/fund.pb.h"
#include "texts.h"

namespace subsidy::cli {

inline std::string AlertKindText(const std::string& language, v1::FundAlert::Kind k) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"EXECUTION_LAGGING", kCliAlertExecutionLagging},
      {"IDLE_ALLOCATION", kCliAlertIdleAllocation},
      {"OVERDUE_PAYOUT", kCliAlertOverduePayout},
      {"TARGET_SHARE_MISSED", kCliAlertTargetShareMissed},
      {"PAYOUT_HELD", kCliAlertPayoutHeld},
      {"PAYMENT_UNCONFIRMED", kCliAlertPaymentUnconfirmed},
      {"PAYMENT_FAILED_OPEN", kCliAlertPaymentFailedOpen},
      {"LARGE_PERSONAL_PAYMENT", kCliAlertLargePersonalPayment},
      {"NON_WORKING_DAY_PAYMENT", kCliAlertNonWorkingDayPayment},
      {"LATE_ALLOCATION", kCliAlertLateAllocation},
      {"TARGETS_MISSING", kCliAlertTargetsMissing},
      {"NESTED_TARGET_SHARE_MISSED", kCliAlertNestedTargetShareMissed},
      {"TRANSFER_TO_OWN_ACCOUNT", kCliAlertTransferToOwnAccount}};
  return Word(language, *kWords, v1::FundAlert::Kind_Name(k));
}

}  // namespace subsidy::cli
