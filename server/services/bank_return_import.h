// The bank's return file (回单) applied in one transaction (PaymentService.ImportBankReturn): each
// row matched by voucher and checked by calc's rule (funds::MatchReturnRow); a success confirms its
// line once, a failure puts the money back (FailPayment); every other row is a discrepancy that
// changes nothing and is recorded. The same content imported again answers the first import.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "formats/bank_return.h"
#include "storage/storage.h"
#include "subsidy/v1/payment.pb.h"
#include "time/date.h"

namespace subsidy::service {

struct BankReturnImport {
  std::string request_id;
  std::string content_sha256;
  std::string file_name;
  Date today;
  std::string caller;
  const formats::BankReturnFile* file = nullptr;
};

absl::StatusOr<v1::BankReturnResult> ApplyBankReturn(storage::LedgerTx& tx, const BankReturnImport& in);

// A recorded discrepancy as the API shows it (its reason's message is written at the edge).
void DiscrepancyToProto(const storage::DiscrepancyRow& d, v1::PaymentDiscrepancy* out);

}  // namespace subsidy::service
