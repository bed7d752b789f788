// A payment line's state as the user reads it (CONFIRMED, or 已到账): in subsidyctl payments, and on
// a payout or a claim that names the line it was paid by.
#pragma once

#include <map>
#include <string>

#include "subsidy/v1/payment.pb.h"
#include "texts.h"

namespace subsidy::cli {

inline std::string PaymentStateText(const std::string& language, v1::PaymentLine::State s) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"SENT", kCliPaymentStateSent},         {"CONFIRMED", kCliPaymentStateConfirmed},
      {"FAILED", kCliPaymentStateFailed},     {"REISSUED", kCliPaymentStateReissued},
      {"RETURNED", kCliPaymentStateReturned}};
  return Word(language, *kWords, v1::PaymentLine::State_Name(s));
}

}  // namespace subsidy::cli
