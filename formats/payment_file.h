// The bank's payment file of a disbursement run.
#pragma once

#include <string>

#include "subsidy/v1/reward.pb.h"

namespace subsidy::formats {

// The bank's payment file of a disbursement run: one row per payout paid, CRLF line ends
// (RewardPayoutService.GetPaymentFile writes it; subsidyctl and the console fetch it).
std::string PaymentFileCsvHeader();
std::string PaymentFileCsvRow(const v1::Payout& paid);

// A payment batch's file for the agent bank (PaymentService's lines: payouts, claims and fund
// payments together): the payee's account whole, the columns named as the bank's return file
// names them (凭证号, 收款人账号, 收款人户名, 金额 in 元), so that the 回单 can answer row by row.
struct BatchPaymentRow {
  std::string voucher_no, payee_account, payee_name, payee_bank;
  int64_t amount_fen = 0;
  std::string payment_id, source_id, tracking_id, payment_date;
};
std::string BatchFileCsvHeader();
std::string BatchFileCsvRow(const BatchPaymentRow& row);

}  // namespace subsidy::formats
