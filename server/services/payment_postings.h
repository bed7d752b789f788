// Payments the bank confirms, for every service that sends money out (disbursement runs, approved
// claims, fund payments with a payee) and for PaymentService: the one place a payment line is made,
// failed (its money put back where it came from), reissued and returned, inside the caller's
// transaction. The rules are calc's (funds/payments.h); the database holds the states.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "funds/payments.h"
#include "policy/policy_data.h"
#include "storage/storage.h"
#include "subsidy/v1/payment.pb.h"

namespace subsidy::service {

// What goes out: the payment (its source and id), to whom, how much, on which day, by which voucher.
struct OutgoingPayment {
  storage::PaymentSource source = storage::PaymentSource::kPayout;
  std::string source_id;
  std::string payee_name, payee_account, payee_bank, payee_id;
  Money amount;
  Date date;
  std::string voucher_no;
  std::string caller;
  std::vector<std::string> fund_payment_ids;  // FP-…: the fund entries it paid ("" none)
};
// The line in the day's batch; the tracking id is the first fund entry's (the allocation's the
// money came from), else the source's id. Returns the line's id (PAY-…).
absl::StatusOr<std::string> SendPayment(storage::LedgerTx& tx, const OutgoingPayment& p);

// The bank failed the line: FAILED, and its money goes back — each fund payment it made is reversed
// on `failed_date` (the recipient's allocation unpaid again), a payout's award gives its year's
// budget back, a claim shows the failed amount.
absl::Status FailPayment(storage::LedgerTx& tx, const storage::PaymentLineRow& line, const std::string& reason,
                         const std::string& bank_date, Date failed_date, const std::string& import_id,
                         const std::string& request_id, const std::string& caller);

struct Reissue {
  std::string payee_name, payee_account, payee_bank;  // "" keeps the failed line's
  Date date;
  std::string request_id;
  std::string caller;
};
// A FAILED line paid again (a new line in the day's reissue batch, same tracking id): the money
// drawn again from the same funds and, for a payout, its year's budget taken again
// (REISSUE_OVER_BUDGET when gone). PAYMENT_NOT_FAILED for a line in any other state.
absl::StatusOr<storage::PaymentLineRow> ReissueFailed(storage::LedgerTx& tx, const PolicyData& data, int64_t seq,
                                                      const Reissue& r);
// A FAILED line returned (退回): the money stays where the failure put it.
absl::StatusOr<storage::PaymentLineRow> ReturnFailed(storage::LedgerTx& tx, int64_t seq, const std::string& reason,
                                                     const std::string& request_id);

// A line as the API shows it (the account masked).
void LineToProto(const storage::PaymentLineRow& l, v1::PaymentLine* out);
v1::PaymentLine::State StateToProto(funds::PaymentState s);

}  // namespace subsidy::service
