// PaymentService: the lines sent to the agent bank and what its return files (回单) said of them.
// The import is bank_return_import.cc; reissues and returns are payment_postings.cc.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "auth/authorizer.h"
#include "common/status_util.h"
#include "formats/bank_return.h"
#include "formats/csv.h"
#include "ops/log.h"
#include "services/bank_return_import.h"
#include "services/common.h"
#include "services/payment_postings.h"
#include "services/services.h"
#include "services/status_mapping.h"

namespace subsidy::service {
namespace {

void FiguresToProto(const storage::PaymentFiguresRow& f, v1::PaymentFigures* out) {
  out->set_sent_count(f.sent_count);
  out->set_sent_fen(f.sent.fen());
  out->set_confirmed_count(f.confirmed_count);
  out->set_confirmed_fen(f.confirmed.fen());
  out->set_failed_count(f.failed_count);
  out->set_failed_fen(f.failed.fen());
  out->set_outstanding_count(f.outstanding_count);
  out->set_outstanding_fen(f.outstanding.fen());
  out->set_open_failed_count(f.open_failed_count);
  out->set_open_failed_fen(f.open_failed.fen());
  out->set_returned_count(f.returned_count);
  out->set_returned_fen(f.returned.fen());
}

void BatchToProto(const storage::PaymentBatchRow& b, v1::PaymentBatch* out) {
  out->set_batch_id(b.batch_id);
  out->set_payment_date(b.date.ToString());
  out->set_reissues(b.reissues);
  FiguresToProto(b.figures, out->mutable_figures());
}

// A batch id as a page token: PB-YYYYMMDD[-R] ⇄ YYYYMMDD × 10 (+ 1 for the reissues).
int64_t BatchKey(const std::string& batch_id) {
  int64_t ymd = 0;
  if (batch_id.size() < 11 || !absl::SimpleAtoi(batch_id.substr(3, 8), &ymd)) return 0;
  return ymd * 10 + (batch_id.size() > 11 ? 1 : 0);
}
std::string BatchFromKey(int64_t key) {
  const int64_t ymd = key / 10;
  auto date = Date::FromYmd(static_cast<int>(ymd / 10000), static_cast<int>(ymd / 100 % 100), static_cast<int>(ymd % 100));
  return date.ok() ? storage::BatchIdFor(*date, key % 10 == 1) : "";
}

absl::StatusOr<std::optional<Date>> OptionalDate(const std::string& text, absl::string_view field) {
  if (text.empty()) return std::optional<Date>();
  auto d = ParseDate(text, field);
  if (!d.ok()) return d.status();
  return std::optional<Date>(*d);
}

absl::StatusOr<int64_t> LineSeq(const std::string& payment_id) {
  if (payment_id.empty()) return RequiredField("payment_id");
  auto seq = storage::PaymentSeqFrom(payment_id);
  if (!seq) return absl::NotFoundError(absl::StrCat("no payment ", payment_id));
  return *seq;
}

void LocalizeDiscrepancies(Call& call, google::protobuf::RepeatedPtrField<v1::PaymentDiscrepancy>* list) {
  for (auto& d : *list) LocalizeReason(d.mutable_reason(), call.data().messages(), LanguageOf(call.language()));
}

// A reissue's or return's line as the answer, after its audit line.
absl::StatusOr<v1::PaymentLine> Audited(Call& call, storage::LedgerTx& tx, const std::string& request_id,
                                        const absl::StatusOr<storage::PaymentLineRow>& line, const char* result,
                                        const std::string& detail) {
  if (!line.ok()) return line.status();
  if (auto s = call.Audit(tx.audit(), request_id, storage::PaymentIdFor(line->seq), result, detail); !s.ok()) return s;
  v1::PaymentLine p;
  LineToProto(*line, &p);
  return p;
}

namespace handlers {

absl::Status ListPaymentBatches(Call& call, const v1::ListPaymentBatchesRequest& req,
                                v1::ListPaymentBatchesResponse* out) {
  auto from = OptionalDate(req.from_date(), "from_date");
  if (!from.ok()) return from.status();
  auto to = OptionalDate(req.to_date(), "to_date");
  if (!to.ok()) return to.status();
  auto page = ParsePage(req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  auto rows = call.storage().payments().ListBatches(*from, *to, page->after ? BatchFromKey(page->after) : "",
                                                    page->limit);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  for (const auto& b : *rows) BatchToProto(b, out->add_batches());
  if (more) out->set_next_page_token(EncodePageToken(BatchKey(rows->back().batch_id)));
  return absl::OkStatus();
}

absl::Status ListPaymentLines(Call& call, const v1::ListPaymentLinesRequest& req, v1::ListPaymentLinesResponse* out) {
  auto page = ParsePage(req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  storage::PaymentLineFilter f;
  f.batch_id = req.batch_id();
  if (req.state() != v1::PaymentLine::STATE_UNSPECIFIED) {
    f.state = funds::PaymentStateFromName(v1::PaymentLine::State_Name(req.state()));
    if (!f.state) return InvalidField("state", "SENT, CONFIRMED, FAILED, REISSUED or RETURNED");
  }
  f.source_id = req.source_id();
  f.tracking_id = req.tracking_id();
  f.after_seq = page->after;
  f.limit = page->limit;
  auto rows = call.storage().payments().ListLines(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  const Date today = call.clock().TodayInChina();
  for (const auto& l : *rows) {
    auto* line = out->add_lines();
    LineToProto(l, line);
    // How long an open line has waited, in working days (none outside the calendar's years).
    if (l.state == funds::PaymentState::kSent || l.state == funds::PaymentState::kFailed) {
      auto since = l.state == funds::PaymentState::kSent ? l.payment_date : Date::Parse(l.failed_date).value_or(today);
      auto days = call.data().calendar().WorkingDaysBetween(since, today);
      if (days.ok()) line->set_working_days_open(*days);
    }
  }
  if (more) out->set_next_page_token(EncodePageToken(rows->back().seq));
  return absl::OkStatus();
}

absl::Status ImportBankReturn(Call& call, const v1::ImportBankReturnRequest& req, v1::BankReturnResult* out) {
  if (req.file().empty()) return RequiredField("file");
  if (auto s = ValidateText(req.file_name(), "file_name", 200, false); !s.ok()) return s;
  auto encoding = formats::EncodingFromName(req.encoding().empty() ? "auto" : req.encoding());
  if (!encoding.ok()) return InvalidField("encoding", encoding.status().message());
  // Read before the transaction: a file that is not a return file changes nothing.
  auto file = formats::ReadBankReturnFile(req.file(), *encoding,
                                          {&call.data().messages(), Language::kZhCn});
  if (!file.ok()) return file.status();
  const std::string sha = auth::Sha256Hex(req.file());
  BankReturnImport in{req.request_id(), sha, req.file_name(), call.clock().TodayInChina(), call.caller(), &*file};
  // Two imports of one file at once queue on its content; the second answers the first's result.
  auto done = call.Mutate(
      req, {"bank_return:" + sha}, [&](storage::LedgerTx& tx) { return ApplyBankReturn(tx, in); }, out);
  if (!done.ok()) return done;
  LocalizeDiscrepancies(call, out->mutable_discrepancies());
  ops::LogLine("bank_return_import")
      .Str("request_id", req.request_id())
      .Str("import_id", out->import_id())
      .Int("rows", out->row_count())
      .Int("confirmed", out->confirmed_count())
      .Int("failed", out->failed_count())
      .Int("discrepancies", out->discrepancy_count())
      .Write(ops::LogLevel::kInfo);
  return absl::OkStatus();
}

absl::Status ReissuePayment(Call& call, const v1::ReissuePaymentRequest& req, v1::PaymentLine* out) {
  auto seq = LineSeq(req.payment_id());
  if (!seq.ok()) return seq.status();
  auto date = ParseDate(req.date(), "date");
  if (!date.ok()) return date.status();
  for (const auto& [field, value] : {std::pair{"payee_name", &req.payee_name()},
                                     std::pair{"payee_bank", &req.payee_bank()}}) {
    if (auto s = ValidatePayeeText(*value, field, 200); !s.ok()) return s;
  }
  if (auto s = ValidateAccount(req.payee_account(), "payee_account"); !s.ok()) return s;
  if (auto s = ValidateText(req.note(), "note", 1000, false); !s.ok()) return s;
  auto done = call.Mutate(
      req, {"payment:" + req.payment_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::PaymentLine> {
        auto line = ReissueFailed(tx, call.data(), *seq,
                                  {req.payee_name(), req.payee_account(), req.payee_bank(), *date, req.request_id(),
                                   call.caller()});
        const std::string detail =
            line.ok() ? absl::StrCat(req.payment_id(), " → ", storage::PaymentIdFor(line->seq), " ", line->amount.fen(),
                                     " 分 to ", funds::MaskAccount(line->payee_account),
                                     req.note().empty() ? "" : " — ", req.note())
                      : "";
        return Audited(call, tx, req.request_id(), line, "REISSUED", detail);
      },
      out);
  // A held reissue echoes its request: the account is shown masked there too.
  out->set_payee_account(funds::MaskAccount(out->payee_account()));
  return done;
}

absl::Status ReturnPayment(Call& call, const v1::ReturnPaymentRequest& req, v1::PaymentLine* out) {
  auto seq = LineSeq(req.payment_id());
  if (!seq.ok()) return seq.status();
  if (auto s = ValidateText(req.reason(), "reason", 1000, true); !s.ok()) return s;
  return call.Mutate(
      req, {"payment:" + req.payment_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::PaymentLine> {
        auto line = ReturnFailed(tx, *seq, req.reason(), req.request_id());
        const std::string detail = line.ok() ? absl::StrCat(line->amount.fen(), " 分 stays in the fund: ", req.reason()) : "";
        return Audited(call, tx, req.request_id(), line, "RETURNED", detail);
      },
      out);
}

absl::Status GetReconciliation(Call& call, const v1::GetReconciliationRequest& req, v1::Reconciliation* out) {
  if (req.batch_id().empty() == req.date().empty()) {
    return InvalidField(req.batch_id().empty() ? "batch_id" : "date", "give a batch_id or a date, one of them");
  }
  const int limit = req.discrepancy_limit() > 0 ? std::min(req.discrepancy_limit(), 10000) : 1000;
  std::optional<Date> day;
  if (auto s = call.SetFreshness(out->mutable_freshness()); !s.ok()) return s;
  auto& payments = call.reports().payments();
  if (!req.batch_id().empty()) {
    auto batch = payments.GetBatch(req.batch_id());
    if (!batch.ok()) return batch.status();
    if (!batch->has_value()) return absl::NotFoundError(absl::StrCat("no payment batch ", req.batch_id()));
    out->set_batch_id(req.batch_id());
    out->set_date((*batch)->date.ToString());
    FiguresToProto((*batch)->figures, out->mutable_figures());
  } else {
    auto d = ParseDate(req.date(), "date");
    if (!d.ok()) return d.status();
    day = *d;
    out->set_date(d->ToString());
    auto batches = payments.ListBatches(*d, *d, "", 10);
    if (!batches.ok()) return batches.status();
    storage::PaymentFiguresRow sum;
    for (const auto& b : *batches) {
      BatchToProto(b, out->add_batches());
      const auto& f = b.figures;
      sum.sent_count += f.sent_count, sum.confirmed_count += f.confirmed_count, sum.failed_count += f.failed_count;
      sum.outstanding_count += f.outstanding_count, sum.open_failed_count += f.open_failed_count;
      sum.returned_count += f.returned_count;
      sum.sent = Money::Fen(sum.sent.fen() + f.sent.fen());
      sum.confirmed = Money::Fen(sum.confirmed.fen() + f.confirmed.fen());
      sum.failed = Money::Fen(sum.failed.fen() + f.failed.fen());
      sum.outstanding = Money::Fen(sum.outstanding.fen() + f.outstanding.fen());
      sum.open_failed = Money::Fen(sum.open_failed.fen() + f.open_failed.fen());
      sum.returned = Money::Fen(sum.returned.fen() + f.returned.fen());
    }
    FiguresToProto(sum, out->mutable_figures());
  }
  int64_t count = 0;
  auto found = payments.Discrepancies(req.batch_id(), day, limit, &count);
  if (!found.ok()) return found.status();
  for (const auto& d : *found) DiscrepancyToProto(d, out->add_discrepancies());
  out->set_discrepancy_count(count);
  LocalizeDiscrepancies(call, out->mutable_discrepancies());
  return absl::OkStatus();
}

}  // namespace handlers
}  // namespace

#define SUBSIDY_PAYMENT_RPC(Rpc, runs) SUBSIDY_UNARY_RPC(PaymentServiceImpl, Rpc, runs)
SUBSIDY_PAYMENT_RPC(ListPaymentBatches, Runs::kInline)
SUBSIDY_PAYMENT_RPC(ListPaymentLines, Runs::kInline)
SUBSIDY_PAYMENT_RPC(ImportBankReturn, Runs::kMutation)
SUBSIDY_PAYMENT_RPC(ReissuePayment, Runs::kMutation)
SUBSIDY_PAYMENT_RPC(ReturnPayment, Runs::kMutation)
SUBSIDY_PAYMENT_RPC(GetReconciliation, Runs::kInline)
#undef SUBSIDY_PAYMENT_RPC

}  // namespace subsidy::service
