#include "services/bank_return_import.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "funds/payments.h"
#include "ids/canonical.h"
#include "services/payment_postings.h"

namespace subsidy::service {

void DiscrepancyToProto(const storage::DiscrepancyRow& d, v1::PaymentDiscrepancy* out) {
  v1::PaymentDiscrepancy::Kind kind = v1::PaymentDiscrepancy::KIND_UNSPECIFIED;
  v1::PaymentDiscrepancy::Kind_Parse(d.kind, &kind);
  out->set_kind(kind);
  out->set_row(d.row_no);
  out->set_voucher_no(d.voucher_no);
  if (d.payment_seq != 0) out->set_payment_id(storage::PaymentIdFor(d.payment_seq));
  out->mutable_reason()->set_code(d.kind);
  out->mutable_reason()->mutable_params()->insert(d.params.begin(), d.params.end());
  out->set_import_id(storage::ImportIdFor(d.import_seq));
  out->set_batch_id(d.batch_id);
  out->set_date(d.date);
}

namespace {

constexpr int kListedDiscrepancies = 1000;

// A voucher as this service writes them (ASCII, upper case): a bank's system may hand it back in
// full-width characters or lower case.
std::string VoucherKey(const std::string& voucher) {
  auto code = CanonicalCode(voucher, "voucher_no", 200);
  return code.ok() ? *code : voucher;
}

// What an import adds up as it goes.
struct Tally {
  v1::BankReturnResult out;
  std::vector<storage::DiscrepancyRow> discrepancies;
  std::vector<storage::PaymentTx::Confirmation> confirmations;
  int64_t import_seq = 0;
  std::string date;

  void Discrepancy(const formats::BankReturnRow& row, std::string kind, StatusParams params,
                   const storage::PaymentLineRow* line) {
    params.emplace("voucher_no", row.voucher_no);
    params.emplace("row", absl::StrCat(row.line));
    discrepancies.push_back({import_seq, static_cast<int64_t>(row.line), row.voucher_no, std::move(kind),
                             line ? line->seq : 0, line ? line->batch_id : "", std::move(params), date});
  }
};

absl::Status ApplyRow(storage::LedgerTx& tx, const BankReturnImport& in, const formats::BankReturnRow& row,
                      std::map<std::string, storage::PaymentLineRow>& lines, std::map<std::string, size_t>& seen,
                      Tally& t) {
  const std::string import_id = storage::ImportIdFor(t.import_seq);
  auto found = lines.find(VoucherKey(row.voucher_no));
  storage::PaymentLineRow* named = found == lines.end() ? nullptr : &found->second;  // listed with its batch
  if (!row.error.ok()) {
    t.Discrepancy(row, funds::kRowInvalid, {{"problems", std::string(row.error.message())}}, named);
    return absl::OkStatus();
  }
  if (auto [first, fresh] = seen.emplace(VoucherKey(row.voucher_no), row.line); !fresh) {
    t.Discrepancy(row, funds::kRepeatedInFile, {{"first_row", absl::StrCat(first->second)}}, named);
    return absl::OkStatus();
  }
  if (named == nullptr) {
    t.Discrepancy(row, funds::kUnknownVoucher, {}, nullptr);
    return absl::OkStatus();
  }
  storage::PaymentLineRow& line = *named;
  const funds::ReturnOutcome outcome =
      funds::MatchReturnRow({line.state, line.amount, line.payee_name, line.payee_account},
                            {row.status == formats::BankReturnStatus::kSuccess, row.amount, row.payee_name,
                             row.payee_account, row.date},
                            in.today);
  const std::string bank_date = row.date ? row.date->ToString() : "";
  switch (outcome.action) {
    case funds::ReturnOutcome::Action::kDiscrepancy:
      t.Discrepancy(row, outcome.discrepancy, outcome.params, &line);
      return absl::OkStatus();
    case funds::ReturnOutcome::Action::kConfirm:
      t.confirmations.push_back({line.seq, row.bank_serial, bank_date});  // applied together (ConfirmMany)
      line.state = funds::PaymentState::kConfirmed;
      t.out.set_confirmed_count(t.out.confirmed_count() + 1);
      t.out.set_confirmed_fen(t.out.confirmed_fen() + line.amount.fen());
      return absl::OkStatus();
    case funds::ReturnOutcome::Action::kFail: {
      const std::string reason = row.failure_reason.empty() ? "银行未说明原因" : row.failure_reason;
      if (auto s = FailPayment(tx, line, reason, bank_date, row.date.value_or(in.today), import_id, in.request_id,
                               in.caller);
          !s.ok()) {
        return s;
      }
      line.state = funds::PaymentState::kFailed;
      t.out.set_failed_count(t.out.failed_count() + 1);
      t.out.set_failed_fen(t.out.failed_fen() + line.amount.fen());
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::BankReturnResult> ApplyBankReturn(storage::LedgerTx& tx, const BankReturnImport& in) {
  auto before = tx.payments().ImportedAnswer(in.content_sha256);
  if (!before.ok()) return before.status();
  if (before->has_value()) {
    v1::BankReturnResult first;
    if (!first.ParseFromString(**before)) return absl::InternalError("an import's stored answer does not parse");
    first.set_replayed(true);
    return first;
  }
  Tally t;
  t.date = in.today.ToString();
  auto seq = tx.payments().BeginImport(in.request_id, in.content_sha256, in.file_name, in.today, in.caller);
  if (!seq.ok()) return seq.status();
  t.import_seq = *seq;
  std::vector<std::string> vouchers;
  for (const auto& row : in.file->rows) {
    if (!row.voucher_no.empty()) vouchers.push_back(VoucherKey(row.voucher_no));
  }
  auto lines = tx.payments().LinesByVoucher(vouchers);
  if (!lines.ok()) return lines.status();
  std::map<std::string, size_t> seen;
  for (const auto& row : in.file->rows) {
    if (auto s = ApplyRow(tx, in, row, *lines, seen, t); !s.ok()) return s;
  }
  if (auto s = tx.payments().ConfirmMany(t.confirmations, t.out.import_id().empty()
                                                               ? storage::ImportIdFor(t.import_seq)
                                                               : t.out.import_id());
      !s.ok()) {
    return s;
  }
  if (auto s = tx.payments().AddDiscrepancies(t.discrepancies); !s.ok()) return s;
  t.out.set_import_id(storage::ImportIdFor(t.import_seq));
  t.out.set_file_name(in.file_name);
  t.out.set_row_count(static_cast<int64_t>(in.file->rows.size()));
  t.out.set_discrepancy_count(static_cast<int64_t>(t.discrepancies.size()));
  t.out.set_imported_at(in.today.ToString());
  for (size_t i = 0; i < t.discrepancies.size() && i < kListedDiscrepancies; ++i) {
    DiscrepancyToProto(t.discrepancies[i], t.out.add_discrepancies());
  }
  if (auto s = tx.payments().FinishImport(t.import_seq, t.out.SerializeAsString()); !s.ok()) return s;
  return t.out;
}

}  // namespace subsidy::service
