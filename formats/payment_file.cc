#include "payment_file.h"

#include "absl/strings/str_cat.h"
#include "csv.h"
#include "money/money.h"

namespace subsidy::formats {

std::string PaymentFileCsvHeader() {
  return "voucher_no,payee_uscc,payee_name,amount_fen,amount_yuan,payout_id,policy_id,paid_date\r\n";
}

std::string PaymentFileCsvRow(const v1::Payout& p) {
  return absl::StrCat(CsvCell(p.voucher_no()), ",", CsvCell(p.enterprise_uscc()), ",", CsvCell(p.enterprise_name()), ",",
                      p.amount_fen(), ",", Money::Fen(p.amount_fen()).ToYuanString(), ",", p.payout_id(), ",",
                      CsvCell(p.policy_id()), ",", p.paid_date(), "\r\n");
}

}  // namespace subsidy::formats
