// The bank's payment file of a disbursement run.
#pragma once

#include <string>

#include "subsidy/v1/reward.pb.h"

namespace subsidy::formats {

// The bank's payment file of a disbursement run: one row per payout paid, CRLF line ends
// (RewardPayoutService.GetPaymentFile writes it; subsidyctl and the console fetch it).
std::string PaymentFileCsvHeader();
std::string PaymentFileCsvRow(const v1::Payout& paid);

}  // namespace subsidy::formats
