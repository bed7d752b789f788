// subsidyctl payments batches|lines|import|reissue|return|reconcile: every outgoing payment as a
// line of a batch sent to the agent bank, the bank's return file (回单), failed lines reissued or
// returned (退回), and the reconciliation of sent against confirmed (PaymentService).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "approval_cmd.h"
#include "auth/authorizer.h"
#include "cli.h"
#include "formats/csv.h"
#include "payment_words.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

using Stub = v1::PaymentService::Stub;
using Line = v1::PaymentLine;

std::unique_ptr<Stub> NewStub(Context& ctx) { return v1::PaymentService::NewStub(ctx.Channel()); }

// A line's state (CONFIRMED, or 已到账) and source (PAYOUT, or 奖补兑付).
std::string StateText(const Context& ctx, Line::State s) { return PaymentStateText(ctx.language, s); }
std::string SourceText(const Context& ctx, Line::Source s) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"PAYOUT", kCliPaymentSourcePayout}, {"CLAIM", kCliPaymentSourceClaim},
      {"FUND_PAYMENT", kCliPaymentSourceFundPayment}};
  return Word(ctx.language, *kWords, Line::Source_Name(s));
}

// --page_size and --page_token, shared by batches and lines.
template <class Req>
int PageOptions(Context& ctx, const Options& o, Req* req) {
  if (o.Has("page_size")) {
    int32_t size = 0;
    if (!absl::SimpleAtoi(o.Get("page_size"), &size) || size <= 0) return ctx.Usage(kCliUsagePositiveInteger, {{"option", "--page_size"}});
    req->set_page_size(size);
  }
  req->set_page_token(o.Get("page_token"));
  return 0;
}

// "--page_token=…" for the count line when a page follows (without --all).
StatusParams Shown(int64_t shown, const std::string& next_page_token) {
  StatusParams params = {{"shown", absl::StrCat(shown)}};
  if (!next_page_token.empty()) params.emplace("next", "--page_token=" + next_page_token);
  return params;
}

// One page, or with `all` every page, appended into `all` (`append` moves a page's items); the
// last page's token is kept for the count line.
template <class Req, class Resp, class Rpc, class Append>
int Pages(Context& ctx, Stub& stub, Rpc rpc, Req req, bool all_pages, Resp* all, Append append) {
  for (;;) {
    Resp resp;
    if (int rc = Invoke(ctx, stub, rpc, req, &resp); rc != 0) return rc;
    append(resp, all);
    all->set_next_page_token(resp.next_page_token());
    if (!all_pages || resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
  }
}

// ---- batches ------------------------------------------------------------------------------------

void PrintBatchTable(Context& ctx, const google::protobuf::RepeatedPtrField<v1::PaymentBatch>& batches) {
  *ctx.out << Say(ctx.language, kCliPaymentBatchesHeader) << "\n";
  for (const auto& b : batches) {
    const v1::PaymentFigures& f = b.figures();
    *ctx.out << absl::StrFormat("%-13s %-10s %s %11d %16s %11d %16s %11d %16s %11d %16s\n", b.batch_id(),
                                b.payment_date(), Cell(b.reissues() ? Say(ctx.language, kCliPaymentBatchReissues) : "-", 8),
                                f.sent_count(), Yuan(f.sent_fen()), f.confirmed_count(), Yuan(f.confirmed_fen()),
                                f.failed_count(), Yuan(f.failed_fen()), f.outstanding_count(), Yuan(f.outstanding_fen()));
  }
}

int Batches(Context& ctx, const Options& o) {
  v1::ListPaymentBatchesRequest req;
  req.set_from_date(o.Get("from"));
  req.set_to_date(o.Get("to"));
  if (int rc = PageOptions(ctx, o, &req); rc != 0) return rc;
  auto stub = NewStub(ctx);
  v1::ListPaymentBatchesResponse all;  // every page asked for, in the server's order (newest first)
  if (int rc = Pages(ctx, *stub, &Stub::ListPaymentBatches, req, o.Has("all"), &all,
                     [](auto& page, auto* into) { into->mutable_batches()->MergeFrom(page.batches()); });
      rc != 0) {
    return rc;
  }
  if (ctx.json) {
    ctx.PrintJson(all);
    return 0;
  }
  PrintBatchTable(ctx, all.batches());
  *ctx.out << Say(ctx.language, kCliPaymentBatchesShown, Shown(all.batches_size(), all.next_page_token())) << "\n";
  return 0;
}

// ---- lines --------------------------------------------------------------------------------------

// Working days an open line (SENT or FAILED) has waited; "-" for a line that is settled.
std::string DaysOpen(const Line& l) {
  if (l.state() != Line::SENT && l.state() != Line::FAILED) return "-";
  return absl::StrCat(l.working_days_open());
}

void PrintLineRow(Context& ctx, const Line& l) {
  *ctx.out << absl::StrFormat("%-12s %-20s %s %-10s %16s %s %-20s %10s  %s\n", l.payment_id(), OrDash(l.voucher_no()),
                              Cell(OrDash(l.payee_name()), 24), OrDash(l.payee_account()), Yuan(l.amount_fen()),
                              Cell(StateText(ctx, l.state()), 10), OrDash(l.bank_serial()), DaysOpen(l),
                              OrDash(l.failure_reason()));
}

int ListLines(Context& ctx, const Options& o) {
  v1::ListPaymentLinesRequest req;
  req.set_batch_id(o.Get("batch"));
  if (o.Has("state")) {
    Line::State state;
    if (!Line::State_Parse(o.Get("state"), &state) || state == Line::STATE_UNSPECIFIED) {
      return ctx.MustBe("--state", Line::State_descriptor());
    }
    req.set_state(state);
  }
  req.set_source_id(o.Get("source"));
  req.set_tracking_id(o.Get("tracking_id"));
  if (int rc = PageOptions(ctx, o, &req); rc != 0) return rc;
  auto stub = NewStub(ctx);
  v1::ListPaymentLinesResponse all;
  if (int rc = Pages(ctx, *stub, &Stub::ListPaymentLines, req, o.Has("all"), &all,
                     [](auto& page, auto* into) { into->mutable_lines()->MergeFrom(page.lines()); });
      rc != 0) {
    return rc;
  }
  if (ctx.json) {
    ctx.PrintJson(all);
    return 0;
  }
  *ctx.out << Say(ctx.language, kCliPaymentLinesHeader) << "\n";
  MoneyTotal total;
  for (const auto& l : all.lines()) {
    PrintLineRow(ctx, l);
    total.Add(l.amount_fen());
  }
  StatusParams shown = Shown(all.lines_size(), all.next_page_token());
  shown.emplace("amount_yuan", Yuan(total.fen()));
  *ctx.out << Say(ctx.language, kCliPaymentLinesShown, shown) << "\n";
  return 0;
}

// One line in full: what reissue and return answer.
void PrintLine(Context& ctx, const Line& l) {
  auto& out = *ctx.out;
  const std::string& lang = ctx.language;
  out << Say(lang, kCliPaymentLine,
             {{"payment_id", l.payment_id()}, {"state", StateText(ctx, l.state())}, {"amount_yuan", Yuan(l.amount_fen())},
              {"payee_name", OrDash(l.payee_name())}, {"payee_account", OrDash(l.payee_account())},
              {"payee_bank", OrDash(l.payee_bank())}, {"batch_id", OrDash(l.batch_id())},
              {"payment_date", OrDash(l.payment_date())}, {"voucher_no", OrDash(l.voucher_no())},
              {"source", SourceText(ctx, l.source())}, {"source_id", OrDash(l.source_id())},
              {"tracking_id", OrDash(l.tracking_id())}})
      << "\n";
  if (!l.bank_serial().empty()) {
    out << Say(lang, kCliPaymentLineConfirmed, {{"bank_serial", l.bank_serial()}, {"bank_date", OrDash(l.bank_date())}})
        << "\n";
  }
  if (!l.failure_reason().empty()) {
    out << Say(lang, kCliPaymentLineFailed, {{"failure_reason", l.failure_reason()}}) << "\n";
  }
  if (!l.reissue_of().empty()) out << Say(lang, kCliPaymentLineReissueOf, {{"payment_id", l.reissue_of()}}) << "\n";
  if (!l.reissued_by().empty()) out << Say(lang, kCliPaymentLineReissuedBy, {{"payment_id", l.reissued_by()}}) << "\n";
  if (l.state() == Line::RETURNED || !l.return_reason().empty()) {
    StatusParams reason;
    if (!l.return_reason().empty()) reason.emplace("reason", l.return_reason());
    out << Say(lang, kCliPaymentLineReturned, reason) << "\n";
  }
}

// ---- import -------------------------------------------------------------------------------------

// The file's bytes as they are (the server reads the encoding). 0, or 1 after saying why.
int ReadBytes(Context& ctx, const std::string& path, std::string* bytes) {
  std::error_code ec;
  const bool directory = std::filesystem::is_directory(path, ec);
  std::ifstream in;
  if (!directory) in.open(path, std::ios::binary);
  std::ostringstream content;
  if (!directory && in) content << in.rdbuf();
  if (directory || !in || in.bad()) {
    const int error = directory ? EISDIR : errno;
    StatusParams params = {{"file", path}};
    // The system's reason is English: said to an English reader only.
    if (ctx.language == "en" && error != 0) params.emplace("error", std::strerror(error));
    return ctx.Fail(Say(ctx.language, kCliPaymentFileUnreadable, params));
  }
  *bytes = content.str();
  return 0;
}

// The default request_id: the request's own fingerprint (the file's bytes, its name and the encoding
// asked), so that running the same command again answers the one import it made. A renamed copy of
// the file is another request (another name, another fingerprint): the server answers it by content
// (BankReturnResult.replayed), rather than refusing a request_id reused with other content.
std::string Fingerprint(const v1::ImportBankReturnRequest& req) {
  const std::string content = absl::StrCat(req.encoding().size(), ":", req.encoding(), "\n", req.file_name().size(), ":",
                                           req.file_name(), "\n", req.file());
  return "bank-return-" + auth::Sha256Hex(content).substr(0, 16);
}

// The discrepancies listed (of `count` in all): a line saying so when fewer are listed, then a row
// each: the file's row, the voucher, the line it names, the server's words (in the caller's language).
void PrintDiscrepancies(Context& ctx, const google::protobuf::RepeatedPtrField<v1::PaymentDiscrepancy>& list,
                        int64_t count) {
  if (list.empty()) return;
  if (list.size() < count) {
    *ctx.out << Say(ctx.language, kCliPaymentDiscrepancies,
                    {{"count", absl::StrCat(count)}, {"listed", absl::StrCat(list.size())}})
             << "\n";
  }
  *ctx.out << Say(ctx.language, kCliPaymentDiscrepanciesHeader) << "\n";
  for (const auto& d : list) {
    const std::string& message = d.reason().message().empty() ? d.reason().code() : d.reason().message();
    *ctx.out << absl::StrFormat("%6d %-20s %-12s  %s\n", d.row(), OrDash(d.voucher_no()), OrDash(d.payment_id()),
                                message);
  }
}

void PrintImport(Context& ctx, const v1::BankReturnResult& r, bool replayed) {
  const std::string& lang = ctx.language;
  if (replayed) {
    StatusParams when;
    if (!r.imported_at().empty()) when.emplace("imported_at", r.imported_at());
    *ctx.out << Say(lang, kCliPaymentImportReplayed, when) << "\n";
  }
  *ctx.out << Say(lang, kCliPaymentImportSummary,
                  {{"file_name", OrDash(r.file_name())},
                   {"import_id", OrDash(r.import_id())},
                   {"imported_at", OrDash(r.imported_at())},
                   {"rows", absl::StrCat(r.row_count())},
                   {"confirmed_count", absl::StrCat(r.confirmed_count())},
                   {"confirmed_yuan", Yuan(r.confirmed_fen())},
                   {"failed_count", absl::StrCat(r.failed_count())},
                   {"failed_yuan", Yuan(r.failed_fen())},
                   {"discrepancy_count", absl::StrCat(r.discrepancy_count())}})
           << "\n";
  PrintDiscrepancies(ctx, r.discrepancies(), r.discrepancy_count());
}

int Import(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "payments import"}, {"what", "FILE"}});
  const std::string& path = o.positional()[0];
  v1::ImportBankReturnRequest req;
  req.set_encoding(absl::AsciiStrToLower(o.Get("encoding", "auto")));
  if (auto e = formats::EncodingFromName(req.encoding()); !e.ok()) return ctx.MustBe("--encoding", {"auto", "utf-8", "gb18030"});
  if (int rc = ReadBytes(ctx, path, req.mutable_file()); rc != 0) return rc;
  req.set_file_name(std::filesystem::path(path).filename().string());
  req.set_request_id(o.Get("request_id", Fingerprint(req)));
  // Invoke's steps, keeping whether the answer is the stored first answer to this request_id.
  if (int rc = ctx.CheckRequest(req); rc != 0) return rc;
  auto stub = NewStub(ctx);
  auto call = ctx.NewCall(4);  // a long file is read and matched in one transaction
  v1::BankReturnResult result;
  const grpc::Status s = stub->ImportBankReturn(call.get(), req, &result);
  if (!s.ok()) return ctx.Fail(s);
  const bool replayed_request = ctx.NoteReplay(*call, req.request_id());
  if (ctx.json) {
    ctx.PrintJson(result);
    return 0;
  }
  PrintImport(ctx, result, result.replayed() || replayed_request);
  return 0;
}

// ---- reissue, return ----------------------------------------------------------------------------

// The one positional PAY-… id of reissue and return.
int PaymentId(Context& ctx, const Options& o, const std::string& command, std::string* id) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "payments " + command}, {"what", "PAYMENT_ID (PAY-…)"}});
  *id = o.positional()[0];
  return 0;
}

// The answer of a reissue or a return: the line, or (dual control) that it waits for a second
// officer, `held` saying what waits.
int PrintAnswer(Context& ctx, const Line& l, const char* held, const std::string& payment_id) {
  if (ctx.json) {
    ctx.PrintJson(l);
    return 0;
  }
  StatusParams what = {{"payment_id", payment_id}};
  if (l.amount_fen() != 0) what.emplace("amount_yuan", Yuan(l.amount_fen()));
  if (PrintHeld(ctx, l.instruction_id(), l.approval_state(), Say(ctx.language, held, what))) return 0;
  PrintLine(ctx, l);
  return 0;
}

int Reissue(Context& ctx, const Options& o) {
  v1::ReissuePaymentRequest req;
  if (int rc = PaymentId(ctx, o, "reissue", req.mutable_payment_id()); rc != 0) return rc;
  req.set_date(o.Get("date"));
  req.set_payee_name(o.Get("payee_name"));
  req.set_payee_account(o.Get("payee_account"));
  req.set_payee_bank(o.Get("payee_bank"));
  req.set_note(o.Get("note"));
  req.set_request_id(o.Get("request_id", "reissue-" + req.payment_id()));
  Line line;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::ReissuePayment, req, &line); rc != 0) return rc;
  return PrintAnswer(ctx, line, kCliPaymentReissueHeld, req.payment_id());
}

int Return(Context& ctx, const Options& o) {
  v1::ReturnPaymentRequest req;
  if (int rc = PaymentId(ctx, o, "return", req.mutable_payment_id()); rc != 0) return rc;
  req.set_reason(o.Get("reason"));
  req.set_request_id(o.Get("request_id", "return-" + req.payment_id()));
  Line line;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::ReturnPayment, req, &line); rc != 0) return rc;
  return PrintAnswer(ctx, line, kCliPaymentReturnHeld, req.payment_id());
}

// ---- reconcile ----------------------------------------------------------------------------------

// One figure of a reconciliation: its CSV name, its words, its count and its 分.
struct Figure {
  const char* name;
  const char* words;
  int64_t count;
  int64_t fen;
};

std::vector<Figure> FiguresOf(const v1::PaymentFigures& f) {
  return {{"sent", kCliPaymentFigureSent, f.sent_count(), f.sent_fen()},
          {"confirmed", kCliPaymentFigureConfirmed, f.confirmed_count(), f.confirmed_fen()},
          {"failed", kCliPaymentFigureFailed, f.failed_count(), f.failed_fen()},
          {"outstanding", kCliPaymentFigureOutstanding, f.outstanding_count(), f.outstanding_fen()},
          {"open_failed", kCliPaymentFigureOpenFailed, f.open_failed_count(), f.open_failed_fen()},
          {"returned", kCliPaymentFigureReturned, f.returned_count(), f.returned_fen()}};
}

// What a clerk reads: the title, the figures in 元, each batch of the day, the discrepancies.
void PrintReconciliation(Context& ctx, const v1::Reconciliation& r) {
  const std::string& lang = ctx.language;
  StatusParams title;
  if (!r.batch_id().empty()) {
    title.emplace("batch_id", r.batch_id());
  } else if (!r.date().empty()) {
    title.emplace("date", r.date());
  }
  *ctx.out << Say(lang, kCliPaymentReconcileTitle, title) << "\n" << Say(lang, kCliPaymentFiguresHeader) << "\n";
  for (const Figure& f : FiguresOf(r.figures())) {
    *ctx.out << absl::StrFormat("%s %10d %18s\n", Cell(Say(lang, f.words), 16), f.count, Yuan(f.fen));
  }
  if (r.batch_id().empty() && !r.batches().empty()) {
    *ctx.out << "\n";
    PrintBatchTable(ctx, r.batches());
  }
  *ctx.out << "\n" << Say(lang, kCliPaymentDiscrepancies, {{"count", absl::StrCat(r.discrepancy_count())}}) << "\n";
  PrintDiscrepancies(ctx, r.discrepancies(), r.discrepancy_count());
}

int Reconcile(Context& ctx, const Options& o) {
  if (o.Has("batch") == o.Has("date")) {
    return ctx.Usage(kCliUsageOneOf, {{"command", "payments reconcile"}, {"options", ctx.Alternatives({"--batch=PB-…", "--date=YYYY-MM-DD"})}});
  }
  v1::GetReconciliationRequest req;
  req.set_batch_id(o.Get("batch"));
  req.set_date(o.Get("date"));
  v1::Reconciliation r;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::GetReconciliation, req, &r); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(r);
  } else if (o.Has("csv")) {
    *ctx.out << "figure,count,fen\n";
    for (const Figure& f : FiguresOf(r.figures())) *ctx.out << f.name << "," << f.count << "," << f.fen << "\n";
  } else {
    if (r.batch_id().empty() && r.date().empty()) {  // the title names what was asked
      r.set_batch_id(req.batch_id());
      r.set_date(req.date());
    }
    PrintReconciliation(ctx, r);
  }
  return 0;
}

const OptionSpec kPageSize = {"page_size", "rows per call (the server's default when not given)"};
const OptionSpec kPageToken = {"page_token", "from the previous page"};
const OptionSpec kAll = {"all", "follow every page", false, true};

// What was sent and what the bank said: batches, lines, reconcile.
void RegisterPaymentReports(Registry& r) {
  r.Add({{"payments", "batches"},
         "batches sent to the agent bank, newest first: sent, confirmed, failed and outstanding (count, 元)",
         "Usage: subsidyctl payments batches [--from=YYYY-MM-DD] [--to=YYYY-MM-DD] [--page_size=N] [--all]\n"
         "A batch is a day's payments (PB-YYYYMMDD) or a day's reissues (PB-YYYYMMDD-R).",
         {{"from", "batches dated on or after YYYY-MM-DD"}, {"to", "batches dated on or before YYYY-MM-DD"}, kPageSize,
          kPageToken, kAll},
         Batches});
  r.Add({{"payments", "lines"},
         "payment lines by batch, state, source or tracking id; accounts masked as the server gives them",
         "Usage: subsidyctl payments lines [--batch=PB-…] [--state=FAILED] [--source=PO-…|CL-…|FP-…]\n"
         "       [--tracking_id=T] [--page_size=N] [--all]\n"
         "open_days: working days a SENT or FAILED line has waited.",
         {{"batch", "only this batch's lines (PB-…)"},
          {"state", EnumChoices(Line::State_descriptor())},
          {"source", "only the lines of this payout, claim or fund payment (PO-…, CL-…, FP-…)"},
          {"tracking_id", "only the lines of this tracking id (业务追溯识别码)"},
          kPageSize,
          kPageToken,
          kAll},
         ListLines});
  r.Add({{"payments", "reconcile"},
         "a batch's or a day's reconciliation: sent, confirmed, failed, outstanding, open failed, returned; discrepancies",
         "Usage: subsidyctl payments reconcile (--batch=PB-… | --date=YYYY-MM-DD) [--csv]\n"
         "failed counts every line the bank did not pay (FAILED, REISSUED, RETURNED); open failed those neither\n"
         "reissued nor returned yet. --csv prints figure,count,fen: one row per figure, exact 分.",
         {{"batch", "the batch (PB-…)"}, {"date", "the batches of this payment date"}, {"csv", "CSV out", false, true}},
         Reconcile});
}

// What changes the lines: import, reissue, return.
void RegisterPaymentMovements(Registry& r) {
  r.Add({{"payments", "import"},
         "import the bank's return file (回单): each row confirms or fails its line; any other row is a discrepancy",
         "Usage: subsidyctl payments import FILE [--encoding=auto|utf-8|gb18030] [--request_id=ID]\n"
         "The request_id defaults to the file's fingerprint (its bytes, name and --encoding): running the command\n"
         "again changes nothing and answers the first import; the same file imported before under another name\n"
         "is answered by its first result too (replayed).",
         {{"encoding", "auto (default), utf-8 or gb18030"},
          {"request_id", "default: bank-return- and the first 16 hex digits of the file's SHA-256 fingerprint"}},
         Import});
  r.Add({{"payments", "reissue"},
         "pay a FAILED line again, to a corrected payee: a new line in the day's reissue batch (finance)",
         "Usage: subsidyctl payments reissue PAY-… --date=YYYY-MM-DD [--payee_name=N] [--payee_account=A]\n"
         "       [--payee_bank=B] [--note=T] [--request_id=ID]\n"
         "A payee field not given keeps the failed line's. Under dual control (双人复核) the reissue waits as a\n"
         "PENDING_APPROVAL instruction until a second finance officer approves it (subsidyctl approvals); after a\n"
         "rejected instruction give a new --request_id.",
         {{"date", "the reissue batch's date: a working day, not before the failure", true},
          {"payee_name", "the corrected payee's name"},
          {"payee_account", "the corrected account"},
          {"payee_bank", "the corrected bank"},
          {"note", "why (for the record)"},
          {"request_id", "default: reissue-PAYMENT_ID"}},
         Reissue});
  r.Add({{"payments", "return"},
         "return (退回) a FAILED line: its money stays in the fund; the payout or claim says RETURNED (finance)",
         "Usage: subsidyctl payments return PAY-… --reason=TEXT [--request_id=ID]\n"
         "Under dual control (双人复核) the return waits for a second finance officer (subsidyctl approvals).",
         {{"reason", "why", true}, {"request_id", "default: return-PAYMENT_ID"}},
         Return});
}

}  // namespace

void RegisterPaymentCommands(Registry& r) {
  RegisterPaymentReports(r);
  RegisterPaymentMovements(r);
}

}  // namespace subsidy::cli
