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

std::string BatchFileCsvHeader() {
  return "凭证号,收款人账号,收款人户名,收款人开户行,金额,支付编号,业务编号,追溯码,支付日期\r\n";
}

std::string BatchFileCsvRow(const BatchPaymentRow& r) {
  return absl::StrCat(CsvCell(r.voucher_no), ",", CsvCell(r.payee_account), ",", CsvCell(r.payee_name), ",",
                      CsvCell(r.payee_bank), ",", Money::Fen(r.amount_fen).ToYuanString(), ",", r.payment_id, ",",
                      r.source_id, ",", CsvCell(r.tracking_id), ",", r.payment_date, "\r\n");
}

}  // namespace subsidy::formats
