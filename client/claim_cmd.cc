#include "claim_cmd.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/struct.pb.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "approval_cmd.h"
#include "auth/authorizer.h"
#include "ids/canonical.h"
#include "loan/claim.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

using Line = v1::LoanSubsidyClaimLine;
using Stub = v1::LoanSubsidyService::Stub;

std::unique_ptr<Stub> NewStub(Context& ctx) { return v1::LoanSubsidyService::NewStub(ctx.Channel()); }

int ListClaims(Context& ctx, const Options& o) {
  v1::ListLoanSubsidyClaimsRequest req;
  req.set_bank_id(o.Get("bank"));
  if (o.Has("status")) {
    v1::LoanSubsidyClaim::Status status;
    if (!v1::LoanSubsidyClaim::Status_Parse(o.Get("status"), &status)) {
      return ctx.MustBe("--status", {"SUBMITTED", "PAID", "REJECTED"});
    }
    req.set_status(status);
  }
  if (o.Has("period") && !ParsePeriod(o.Get("period"), req.mutable_settlement_period())) {
    return ctx.Usage(kCliUsageFormat, {{"option", "--period"}, {"format", "START..END"}});
  }
  auto stub = NewStub(ctx);
  if (!ctx.json) *ctx.out << Say(ctx.language, kCliClaimsHeader) << "\n";
  // A status as the user reads it (SUBMITTED, or 已提交，待复核) in a column as wide as the widest
  // (9 in English), a Chinese character taking two.
  const std::map<v1::LoanSubsidyClaim::Status, std::string> words = {
      {v1::LoanSubsidyClaim::SUBMITTED, Say(ctx.language, kCliClaimStatusSubmitted)},
      {v1::LoanSubsidyClaim::PAID, Say(ctx.language, kCliClaimStatusPaid)},
      {v1::LoanSubsidyClaim::REJECTED, Say(ctx.language, kCliClaimStatusRejected)},
      {v1::LoanSubsidyClaim::RETURNED, Say(ctx.language, kCliClaimStatusReturned)}};
  auto columns = [](const std::string& text) {
    int n = 0;
    for (unsigned char c : text) n += (c & 0xC0) == 0x80 ? 0 : (c >= 0xE0 ? 2 : 1);
    return n;
  };
  int width = 9;
  for (const auto& [status, word] : words) width = std::max(width, columns(word));
  auto status_cell = [&](v1::LoanSubsidyClaim::Status status) {
    auto it = words.find(status);
    const std::string word = it == words.end() ? v1::LoanSubsidyClaim::Status_Name(status) : it->second;
    return word + std::string(std::max(0, width - columns(word)), ' ');
  };
  for (;;) {
    v1::ListLoanSubsidyClaimsResponse resp;
    if (int rc = Invoke(ctx, *stub, &Stub::ListLoanSubsidyClaims, req, &resp); rc) return rc;
    if (ctx.json) {
      ctx.PrintJson(resp);
    } else {
      for (const auto& c : resp.claims()) {
        *ctx.out << absl::StrFormat("%-12s %-10s %-22s %s %7d %7d %7d %7d %18s %-10s %s\n", c.claim_id(), c.bank_id(),
                                    c.settlement_period().start_date() + ".." + c.settlement_period().end_date(),
                                    status_cell(c.status()), c.loan_count(), c.accepted_count(),
                                    c.duplicate_count(), c.invalid_count(), Yuan(c.total_subsidy_fen()), c.paid_date(),
                                    c.voucher_no());
      }
    }
    if (resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
  }
}

int ListClaimLines(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "loan claim-lines"}, {"what", "CLAIM_ID"}});
  v1::ListLoanSubsidyClaimLinesRequest req;
  req.set_claim_id(o.positional()[0]);
  req.set_page_size(1000);
  if (o.Has("status")) {
    v1::LoanSubsidyClaimLine::Status status;
    if (!v1::LoanSubsidyClaimLine::Status_Parse(o.Get("status"), &status)) {
      return ctx.MustBe("--status", {"ACCEPTED", "INVALID", "DUPLICATE"});
    }
    req.set_line_status(status);
  }
  std::ofstream file;
  std::ostream* out = ctx.out;
  if (o.Has("out")) {
    file.open(o.Get("out"));
    if (!file) return ctx.CannotWrite(o.Get("out"));
    out = &file;
  }
  // A file is marked UTF-8 (a byte-order mark), so that Excel on a Chinese PC reads its Chinese.
  if (!ctx.json && o.Has("out")) *out << "\xEF\xBB\xBF";
  if (!ctx.json) *out << formats::ClaimLineCsvHeader() << "\n";
  auto stub = NewStub(ctx);
  int64_t n = 0;
  for (;;) {
    v1::ListLoanSubsidyClaimLinesResponse resp;
    if (int rc = Invoke(ctx, *stub, &Stub::ListLoanSubsidyClaimLines, req, &resp); rc) return rc;
    for (const auto& line : resp.lines()) {
      if (ctx.json) {
        ctx.PrintJson(line);
      } else {
        *out << formats::ClaimLineCsvRow(line) << "\n";
      }
    }
    n += resp.lines_size();
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  if (o.Has("out")) {
    file.close();
    if (!file) return ctx.CannotWrite(o.Get("out"));
    std::cerr << Say(ctx.language, kCliLinesWritten, {{"lines", absl::StrCat(n)}, {"file", o.Get("out")}}) << "\n";
  }
  return 0;
}

// --fund on a review: the review request has no fund field (the fund is the claim's, named when
// it was filed with --submit --fund), so here it checks that the claim is paid from that fund,
// before anything is reviewed. 0, or the exit code after saying why not.
int CheckClaimFund(Context& ctx, Stub& stub, const std::string& claim_id, const std::string& fund) {
  auto want = CanonicalCode(fund, "--fund");
  if (!want.ok()) return ctx.Usage(want.status());
  v1::GetLoanSubsidyClaimRequest get;
  get.set_claim_id(claim_id);
  v1::LoanSubsidyClaim claim;
  if (int rc = Invoke(ctx, stub, &Stub::GetLoanSubsidyClaim, get, &claim); rc) return rc;
  if (claim.fund_id() == *want) return 0;
  const bool none = claim.fund_id().empty();
  StatusParams params = {{"claim_id", claim_id}, {"want", *want}};
  if (!none) params.emplace("fund", claim.fund_id());
  return ctx.Fail(kCliClaimOtherFund, params);
}

int Review(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "loan review"}, {"what", "CLAIM_ID"}});
  if (o.Has("approve") == o.Has("reject")) return ctx.Usage(kCliUsageOneOf, {{"command", "loan review"}, {"options", ctx.Alternatives({"--approve", "--reject"})}});
  v1::ReviewLoanSubsidyClaimRequest req;
  req.set_claim_id(o.positional()[0]);
  if (o.Has("approve")) {
    req.set_decision(v1::ReviewLoanSubsidyClaimRequest::APPROVE);
    req.set_payment_date(o.Get("payment_date"));
    req.set_payee_name(o.Get("payee_name"));
    req.set_payee_account(o.Get("payee_account"));
    req.set_payee_bank(o.Get("payee_bank"));
  } else if (o.Has("payee_name") || o.Has("payee_account") || o.Has("payee_bank")) {
    return ctx.Usage(kCliUsageGoesWith, {{"options", ctx.AllOf({"--payee_name", "--payee_account", "--payee_bank"})}, {"with", "--approve"}});
  } else {
    req.set_decision(v1::ReviewLoanSubsidyClaimRequest::REJECT);
    req.set_reason(o.Get("reason"));
  }
  // The same review run again is a replay of the first, not a second review.
  req.set_request_id(o.Get("request_id", absl::StrCat("review-", req.claim_id(), o.Has("approve") ? "-approve" : "-reject")));
  v1::LoanSubsidyClaim claim;
  auto stub = NewStub(ctx);
  if (o.Has("fund")) {
    if (int rc = CheckClaimFund(ctx, *stub, req.claim_id(), o.Get("fund")); rc) return rc;
  }
  if (int rc = Invoke(ctx, *stub, &Stub::ReviewLoanSubsidyClaim, req, &claim); rc) return rc;
  if (!ctx.json && claim.approval_state() == v1::Instruction::PENDING_APPROVAL) {
    // A held approval answers with the instruction only: what it reserves is the claim's, read back.
    v1::GetLoanSubsidyClaimRequest get;
    get.set_claim_id(req.claim_id());
    v1::LoanSubsidyClaim held;
    auto call = ctx.NewCall();
    if (!stub->GetLoanSubsidyClaim(call.get(), get, &held).ok()) held.set_claim_id(req.claim_id());
    PrintHeld(ctx, claim.instruction_id(), claim.approval_state(),
              absl::StrCat("payment of claim ", req.claim_id(), " (bank ", held.bank_id(), ", subsidy ",
                           Yuan(held.total_subsidy_fen()), " 元, payment date ", req.payment_date(), ")"));
    return 0;
  }
  PrintClaim(ctx, claim);
  return 0;
}

// Every line of a claim (with `status`, or all), in line order. 0, or the exit code.
int ReadClaimLines(Context& ctx, Stub& stub, const std::string& claim_id, Line::Status status, std::vector<Line>* out) {
  v1::ListLoanSubsidyClaimLinesRequest req;
  req.set_claim_id(claim_id);
  req.set_line_status(status);
  req.set_page_size(1000);
  for (;;) {
    v1::ListLoanSubsidyClaimLinesResponse resp;
    if (int rc = Invoke(ctx, stub, &Stub::ListLoanSubsidyClaimLines, req, &resp); rc) return rc;
    std::move(resp.mutable_lines()->begin(), resp.mutable_lines()->end(), std::back_inserter(*out));
    if (resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
  }
}

// ---- --dry_run: what a submit would decide, with nothing stored -----------------------------------

// A row's checks before the engine, in the order the server's claim writer makes them: the row
// parses; its loan id (made canonical: at most 64 bytes, no control characters); its own claim
// window (ApplyClaimPeriod). nullopt when it goes to the engine, as `*loan`. (The claim file has no
// borrower_id column: the server's borrower check has nothing to check here.)
std::optional<ClaimOutcome> CheckRow(const ClaimFileRow& row, v1::LoanSubsidyRequest* loan) {
  if (!row.parse_error.empty()) return Failed("ERROR", "INVALID_ARGUMENT", "", row.parse_error);
  auto id = CanonicalizeId(row.loan.loan_id(), "loan_id", loan::kMaxClaimLoanIdBytes);
  if (!id.ok()) return Failed("INVALID", "INVALID_ARGUMENT", "loan_id", std::string(id.status().message()));
  if (!row.invalid.code().empty()) return Failed("INVALID", row.invalid.code(), row.invalid.field(), row.invalid.message());
  *loan = row.loan;
  loan->set_loan_id(id->text);
  return std::nullopt;
}

// The loans calculated by CalculateLoanSubsidyBatch (which stores nothing), batch_size a call:
// each row ACCEPTED with its figures, or INVALID with the in-band error. 0, or 1 when the server
// could not be used (the rows it did not answer are NOT_CHECKED, saying why).
int CheckOnServer(Context& ctx, const std::vector<v1::LoanSubsidyRequest>& loans, const std::vector<size_t>& rows,
                  int batch_size, std::vector<ClaimOutcome>& outcomes) {
  auto stub = NewStub(ctx);
  for (size_t from = 0; from < loans.size(); from += static_cast<size_t>(batch_size)) {
    v1::LoanSubsidyBatchRequest batch;
    for (size_t k = from; k < std::min(loans.size(), from + static_cast<size_t>(batch_size)); ++k) {
      *batch.add_loans() = loans[k];
    }
    v1::LoanSubsidyBatchResult answer;
    auto call = ctx.NewCall();
    const grpc::Status s = stub->CalculateLoanSubsidyBatch(call.get(), batch, &answer);
    if (!s.ok() || answer.results_size() != batch.loans_size()) {
      const std::string why = s.ok() ? "the server answered fewer loans than were sent" : s.error_message();
      for (size_t k = from; k < loans.size(); ++k) {
        outcomes[rows[k]] = Failed("NOT_CHECKED", "", "", "未检查 (not checked: " + why + ")");
      }
      return s.ok() ? ctx.Fail(why) : ctx.Fail(s);
    }
    for (int i = 0; i < answer.results_size(); ++i) {
      outcomes[rows[from + static_cast<size_t>(i)]] = Answered(std::move(*answer.mutable_results(i)), "ACCEPTED");
    }
  }
  return 0;
}

// The loans (by key) that already stand for the bank in the period: the accepted lines of its
// claims that are not rejected, each with its claim id. 0, or the exit code (said).
int ClaimedBefore(Context& ctx, const std::string& bank, const v1::DateRange& period,
                  std::map<std::string, std::string>* claimed) {
  auto stub = NewStub(ctx);
  v1::ListLoanSubsidyClaimsRequest req;
  req.set_bank_id(bank);
  *req.mutable_settlement_period() = period;
  std::vector<std::string> ids;
  for (;;) {
    v1::ListLoanSubsidyClaimsResponse resp;
    if (int rc = Invoke(ctx, *stub, &Stub::ListLoanSubsidyClaims, req, &resp); rc) return rc;
    for (const auto& c : resp.claims()) {
      if (c.status() != v1::LoanSubsidyClaim::REJECTED) ids.push_back(c.claim_id());
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  for (const auto& id : ids) {
    std::vector<Line> lines;
    if (int rc = ReadClaimLines(ctx, *stub, id, Line::ACCEPTED, &lines); rc) return rc;
    for (const auto& l : lines) claimed->emplace(IdKey(l.loan_id()), id);
  }
  return 0;
}

// DUPLICATE as the server decides it when the claim is settled: an accepted row whose loan (by
// its key: ＬＶ１ is LV1) stands in an earlier claim of the bank for the period, or earlier in the file.
void MarkDuplicates(const ClaimFile& file, const std::map<std::string, std::string>& claimed,
                    std::vector<ClaimOutcome>& outcomes) {
  std::map<std::string, size_t> first_line;
  for (size_t k = 0; k < outcomes.size(); ++k) {
    ClaimOutcome& c = outcomes[k];
    if (c.status != "ACCEPTED") continue;
    const std::string key = IdKey(c.result.loan_id());
    if (auto it = claimed.find(key); it != claimed.end()) {
      c.status = "DUPLICATE";
      c.duplicate_of = it->second;
    } else if (auto [first, fresh] = first_line.emplace(key, file.rows[k].line); !fresh) {
      c.status = "DUPLICATE";
      c.duplicate_of = absl::StrCat("line ", first->second);
    }
  }
}

struct ClaimOutcomeTotals {
  std::map<std::string, int> rows;  // by status
  int eligible = 0, ineligible = 0;
  MoneyTotal principal, interest, subsidy, borrower;
  int n(const std::string& status) const { return rows.count(status) ? rows.at(status) : 0; }
};

ClaimOutcomeTotals Totals(const ClaimFile& file, const std::vector<ClaimOutcome>& outcomes) {
  ClaimOutcomeTotals t;
  for (size_t k = 0; k < outcomes.size(); ++k) {
    const ClaimOutcome& c = outcomes[k];
    ++t.rows[c.status];
    if (c.status != "ACCEPTED") continue;
    c.result.eligible() ? ++t.eligible : ++t.ineligible;
    t.principal.Add(file.rows[k].loan.principal_fen());
    t.interest.Add(c.result.total_interest_fen());
    t.subsidy.Add(c.result.total_subsidy_fen());
    t.borrower.Add(c.result.total_borrower_fen());
  }
  return t;
}

void PrintDryRun(Context& ctx, const ClaimFile& file, bool bank, const ClaimOutcomeTotals& t) {
  const std::string period = file.period ? file.period->start_date() + ".." + file.period->end_date() : "";
  if (ctx.json) {
    google::protobuf::Struct summary;  // counts as numbers, money (int64 分) as strings
    auto& f = *summary.mutable_fields();
    for (const auto& [name, text] : std::map<std::string, std::string>{
             {"file", file.path}, {"encoding", file.csv.encoding}, {"period", period}, {"result_file", file.out_path},
             {"total_principal_fen", absl::StrCat(t.principal.fen())}, {"total_subsidy_fen", absl::StrCat(t.subsidy.fen())},
             {"total_interest_fen", absl::StrCat(t.interest.fen())}, {"total_borrower_fen", absl::StrCat(t.borrower.fen())}}) {
      f[name].set_string_value(text);
    }
    for (const auto& [name, n] : std::map<std::string, int>{
             {"loans", static_cast<int>(file.rows.size())}, {"accepted", t.n("ACCEPTED")}, {"eligible", t.eligible},
             {"ineligible", t.ineligible}, {"invalid", t.n("INVALID")}, {"duplicate", t.n("DUPLICATE")},
             {"unparsed", t.n("ERROR")}, {"not_checked", t.n("NOT_CHECKED")},
             {"errors", t.n("INVALID") + t.n("ERROR") + t.n("NOT_CHECKED")}}) {
      f[name].set_number_value(n);
    }
    for (const auto& c : file.ignored_columns) f["ignored_columns"].mutable_list_value()->add_values()->set_string_value(c);
    f["dry_run"].set_bool_value(true);
    ctx.PrintJson(summary);
    return;
  }
  auto& out = *ctx.out;
  const std::string& lang = ctx.language;
  out << Say(lang, kCliDryRunSummary,
             {{"file", file.path},
              {"encoding", file.csv.encoding},
              {"period", period.empty() ? Say(lang, kCliNoPeriod) : period},
              {"loans", absl::StrCat(file.rows.size())},
              {"accepted", absl::StrCat(t.n("ACCEPTED"))},
              {"eligible", absl::StrCat(t.eligible)},
              {"ineligible", absl::StrCat(t.ineligible)},
              {"invalid", absl::StrCat(t.n("INVALID"))},
              {"duplicate", absl::StrCat(t.n("DUPLICATE"))},
              {"unparsed", absl::StrCat(t.n("ERROR"))},
              {"not_checked", absl::StrCat(t.n("NOT_CHECKED"))},
              {"principal_yuan", Yuan(t.principal.fen())},
              {"interest_yuan", Yuan(t.interest.fen())},
              {"subsidy_yuan", Yuan(t.subsidy.fen())}})
      << "\n";
  if (t.n("ERROR") > 0) out << Say(lang, kCliDryRunWouldRefuse, {{"rows", absl::StrCat(t.n("ERROR"))}}) << "\n";
  if (!bank) out << Say(lang, kCliDryRunNotAgainstClaims) << "\n";
  out << Say(lang, kCliResults, {{"results", file.out_path}}) << "\n";
}

// ---- --submit ---------------------------------------------------------------------------------------

// By default the request_id is the file's own fingerprint: running the same command again (after
// a cut connection, a restarted server) answers the one claim it made. It is taken from the loans
// as read, not the cells as written: the same loans re-saved (a rate as 3.95 or 3.95%, a date as
// 2024/3/5 or 2024-03-05, a note column edited, other line ends) are the same claim. The fund is
// not part of it: the same loans with another --fund are refused as the request_id reused with
// other content (IDEMPOTENCY_KEY_REUSED), not filed as a second, all-duplicate claim.
std::string Fingerprint(const ClaimFile& file, const v1::SubmitLoanSubsidyClaimRequest& header) {
  std::string content = header.bank_id() + "\n" + header.settlement_period().start_date() + ".." +
                        header.settlement_period().end_date() + "\n";
  // In any order: the same loans in another order are the same claim.
  std::vector<std::string> loans;
  for (const ClaimFileRow& row : file.rows) {
    std::string bytes;
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    row.loan.SerializeToCodedStream(&coded);
    coded.Trim();
    loans.push_back(std::move(bytes));
  }
  std::sort(loans.begin(), loans.end());
  for (const std::string& bytes : loans) absl::StrAppend(&content, bytes.size(), ":", bytes, "\n");
  return "claim-" + auth::Sha256Hex(content).substr(0, 40);
}

// Uploads the loans after the header, batch_size a message. 0 with the claim (and whether it is
// the stored first answer), or 1 after saying why, with the loans' paths as file lines (`at`).
// `fingerprinted`: the request_id is the file's fingerprint (no --request_id given).
int Upload(Context& ctx, const v1::SubmitLoanSubsidyClaimRequest& header, std::vector<v1::LoanSubsidyRequest> loans,
           int batch_size, const std::function<std::string(size_t)>& at, bool fingerprinted, v1::LoanSubsidyClaim* claim,
           bool* replay, bool* filed_before) {
  auto stub = NewStub(ctx);
  auto call = ctx.NewCall(20);  // a claim file may take a while: a generous deadline per file
  auto writer = stub->UploadLoanSubsidyClaim(call.get(), claim);
  const bool tty = isatty(STDERR_FILENO) && !ctx.json;
  size_t sent = 0;
  v1::SubmitLoanSubsidyClaimRequest message = header;
  for (auto& loan : loans) {
    *message.add_loans() = std::move(loan);
    if (message.loans_size() < batch_size && sent + static_cast<size_t>(message.loans_size()) < loans.size()) continue;
    sent += static_cast<size_t>(message.loans_size());
    if (!writer->Write(message)) break;
    message.Clear();
    if (tty) {
      std::cerr << "\r  " << Say(ctx.language, kCliUploaded, {{"sent", absl::StrCat(sent)}, {"loans", absl::StrCat(loans.size())}})
                << std::flush;
    }
  }
  writer->WritesDone();
  if (tty) std::cerr << std::endl;
  const grpc::Status s = writer->Finish();
  if (!s.ok()) {
    // The same loans filed before from this file with other content (another fund): the request_id
    // is the file's own, so the server's "use a new request_id" is not the advice to give.
    *filed_before = fingerprinted && absl::StrContains(s.error_details(), "IDEMPOTENCY_KEY_REUSED");
    if (*filed_before) return ctx.Fail(Say(ctx.language, kCliSameLoansOtherClaim));
    ctx.Fail(WithFileLines(s, at));
    // Worth running again only when the failure was the way there, not the claim.
    const auto code = s.error_code();
    if (code == grpc::UNAVAILABLE || code == grpc::DEADLINE_EXCEEDED || code == grpc::ABORTED ||
        code == grpc::CANCELLED || code == grpc::RESOURCE_EXHAUSTED || code == grpc::INTERNAL) {
      std::cerr << Say(ctx.language, kCliUploadNothingKept, {{"request_id", header.request_id()}}) << "\n";
    }
    return 1;
  }
  *replay = ctx.NoteReplay(*call, header.request_id());
  return 0;
}

// The stored claim's lines as the file's rows (line_no k is the k-th loan sent, sent[k-1]); a
// DUPLICATE of a loan earlier in the same claim names that loan's file line. 0, or the exit code.
int StoredClaimOutcomes(Context& ctx, const v1::LoanSubsidyClaim& claim, const ClaimFile& file,
                        const std::vector<size_t>& sent, std::vector<ClaimOutcome>& outcomes) {
  for (size_t row : sent) {
    outcomes[row] = Failed("SUBMITTED", "", "", Say(ctx.language, kCliNotReadBack, {{"command", "subsidyctl loan claim-lines " + claim.claim_id()}}));
  }
  auto stub = NewStub(ctx);
  std::vector<Line> lines;
  if (int rc = ReadClaimLines(ctx, *stub, claim.claim_id(), Line::STATUS_UNSPECIFIED, &lines); rc) return rc;
  std::map<std::string, size_t> first_line;  // an accepted loan's key → its file line
  for (Line& line : lines) {
    if (line.line_no() < 1 || static_cast<size_t>(line.line_no()) > sent.size()) continue;
    const size_t row = sent[static_cast<size_t>(line.line_no() - 1)];
    ClaimOutcome& c = outcomes[row];
    c = Answered(std::move(*line.mutable_result()), std::string(Line::Status_Name(line.line_status())));
    c.duplicate_of = line.duplicate_of_claim_id();
    for (const auto& flag : line.flags()) c.flags.push_back(flag.code());
    const std::string key = IdKey(line.loan_id());
    if (line.line_status() == Line::ACCEPTED) first_line.emplace(key, file.rows[row].line);
    if (line.line_status() == Line::DUPLICATE && c.duplicate_of == claim.claim_id() && first_line.count(key)) {
      c.duplicate_of = absl::StrCat("line ", first_line[key]);
    }
  }
  return 0;
}

}  // namespace

int DryRunClaimFile(Context& ctx, const Options& o, const ClaimFile& file, int batch_size) {
  std::vector<ClaimOutcome> outcomes(file.rows.size());
  std::vector<v1::LoanSubsidyRequest> loans;
  std::vector<size_t> rows;  // the row of each loan calculated
  for (size_t k = 0; k < file.rows.size(); ++k) {
    v1::LoanSubsidyRequest loan;
    if (auto refused = CheckRow(file.rows[k], &loan)) {
      outcomes[k] = *std::move(refused);
      continue;
    }
    loans.push_back(std::move(loan));
    rows.push_back(k);
  }
  int rc = CheckOnServer(ctx, loans, rows, batch_size, outcomes);
  std::map<std::string, std::string> claimed;
  const bool bank = o.Has("bank") && file.period;
  if (rc == 0 && bank) rc = ClaimedBefore(ctx, o.Get("bank"), *file.period, &claimed);
  MarkDuplicates(file, claimed, outcomes);
  if (int written = WriteClaimOutcomes(ctx, file, outcomes); written != 0) return written;
  PrintDryRun(ctx, file, bank, Totals(file, outcomes));
  return rc;  // what a submit would refuse is data, in the result file; a server that failed is not
}

int SubmitClaimFile(Context& ctx, const Options& o, const ClaimFile& file, int batch_size) {
  if (!o.Has("bank") || !file.period) return ctx.Usage(kCliUsageNeeds, {{"what", "loan claim --submit"}, {"needs", ctx.AllOf({"--bank=BANK_ID", "--period=START..END"})}});
  v1::SubmitLoanSubsidyClaimRequest header;
  header.set_bank_id(o.Get("bank"));
  *header.mutable_settlement_period() = *file.period;
  header.set_fund_id(o.Get("fund"));
  // Every row goes to the server, which records it ACCEPTED, INVALID or DUPLICATE; a row that does
  // not even parse here stops the submission, so that the claim is the file as the bank meant it.
  std::vector<ClaimOutcome> outcomes(file.rows.size());
  std::vector<v1::LoanSubsidyRequest> loans;
  std::vector<size_t> sent;  // the row of each loan sent: the claim's line_no k is file.rows[sent[k-1]]
  for (size_t k = 0; k < file.rows.size(); ++k) {
    if (!file.rows[k].parse_error.empty()) {
      outcomes[k] = Failed("ERROR", "INVALID_ARGUMENT", "", file.rows[k].parse_error);
      continue;
    }
    loans.push_back(file.rows[k].loan);
    sent.push_back(k);
  }
  if (const size_t bad = file.rows.size() - sent.size(); bad > 0) {
    const std::string not_sent = Say(ctx.language, kCliNotSubmittedBadRows, {{"rows", absl::StrCat(bad)}});
    for (size_t k : sent) outcomes[k] = Failed("NOT_SUBMITTED", "", "", not_sent);
    if (int rc = WriteClaimOutcomes(ctx, file, outcomes); rc) return rc;
    return ctx.Fail(Say(ctx.language, kCliFileNotSubmitted, {{"rows", absl::StrCat(bad)}, {"results", file.out_path}}));
  }
  if (loans.empty()) return ctx.Fail(Say(ctx.language, kCliNoLoans, {{"file", file.path}}));
  header.set_request_id(o.Get("request_id", Fingerprint(file, header)));
  header.set_loan_count(static_cast<int64_t>(loans.size()));
  auto at = [&](size_t n) {
    return n < sent.size() ? absl::StrCat(file.path, ":", file.rows[sent[n]].line) : absl::StrCat("loans[", n, "]");
  };
  v1::LoanSubsidyClaim claim;
  bool replay = false;
  bool filed_before = false;
  if (int rc = Upload(ctx, header, std::move(loans), batch_size, at, !o.Has("request_id"), &claim, &replay,
                      &filed_before);
      rc) {
    const std::string why = Say(ctx.language, filed_before ? kCliNotSubmittedFiledBefore : kCliUploadFailed);
    for (size_t k : sent) outcomes[k] = Failed("NOT_SUBMITTED", "", "", why);
    (void)WriteClaimOutcomes(ctx, file, outcomes);
    return rc;
  }
  if (replay) {
    // The stored first answer is stale: the claim as it stands now (PAID with its voucher, say).
    v1::GetLoanSubsidyClaimRequest get;
    get.set_claim_id(claim.claim_id());
    if (int rc = Invoke(ctx, *NewStub(ctx), &Stub::GetLoanSubsidyClaim, get, &claim); rc) return rc;
    if (!ctx.json) std::cerr << Say(ctx.language, kCliClaimAsNow) << "\n";
  }
  int rc = StoredClaimOutcomes(ctx, claim, file, sent, outcomes);
  if (int written = WriteClaimOutcomes(ctx, file, outcomes); rc == 0) rc = written;
  PrintClaim(ctx, claim);
  if (!ctx.json) *ctx.out << Say(ctx.language, kCliResults, {{"results", file.out_path}}) << "\n";
  return rc;
}

void RegisterClaimCommands(Registry& r) {
  r.Add({{"loan", "claims"},
         "list claims (a bank sees its own), newest last",
         "",
         {{"bank", "a bank_id"},
          {"status", "SUBMITTED, PAID, REJECTED or RETURNED"},
          {"period", "a settlement period START..END"}},
         ListClaims});
  r.Add({{"loan", "claim-lines"},
         "a claim's lines as CSV, one per loan, with the period's figures (for the bank's reconciliation)",
         "Usage: subsidyctl loan claim-lines CLAIM_ID [--status=DUPLICATE] [--csv] [--out=FILE]",
         {{"status", "ACCEPTED, INVALID or DUPLICATE"},
          {"csv", "CSV out (the default; --json gives one JSON object per line instead)", false, true},
          {"out", "write to FILE instead of stdout"}},
         ListClaimLines});
  r.Add({{"loan", "review"},
         "approve (pay) or reject a submitted claim (finance)",
         "Usage: subsidyctl loan review CLAIM_ID --approve --payment_date=YYYY-MM-DD [--fund=FUND_ID]\n"
         "         [--payee_name=N] [--payee_account=A] [--payee_bank=B]\n"
         "       subsidyctl loan review CLAIM_ID --reject --reason=TEXT\n"
         "A rejected claim's loans may be claimed again; a claim is reviewed once. Under dual control (双人复核)\n"
         "an approval waits as a PENDING_APPROVAL instruction until a second finance officer approves it\n"
         "(subsidyctl approvals); the claim stays SUBMITTED and nothing is paid until then. The fund that pays is\n"
         "the claim's, named when it was filed (loan claim --submit --fund): a review request has no fund, so\n"
         "--fund only checks that the claim names that fund, and refuses (nothing reviewed) when it does not.",
         {{"approve", "pay the claim", false, true},
          {"payment_date", "a working day after the settlement date (with --approve)"},
          {"payee_name", "who the bank pays the subsidy to (with --approve; default the claim's bank id)"},
          {"payee_account", "the account it is paid to, the bank's settlement account (with --approve)"},
          {"payee_bank", "that account's bank, 开户行 (with --approve)"},
          {"reject", "reject the claim", false, true},
          {"reason", "why (with --reject)"},
          {"fund", "the fund the claim must name (checked; the fund is the claim's)"},
          {"request_id", "default: review-CLAIM_ID-approve|reject"}},
         Review});
}

int RefuseClaimFile(Context& ctx, const ClaimFile& file, size_t line, const std::string& why) {
  ClaimFileRow row;
  row.line = line;
  row.parse_error = why;
  ClaimOutcome c;
  c.status = "FILE_ERROR";
  c.result.mutable_error()->set_code("INVALID_ARGUMENT");
  c.result.mutable_error()->set_field("file");
  c.result.mutable_error()->set_message(why);
  (void)WriteClaimResultFile(ctx, file, absl::StrCat(ClaimOutcomeCsvHeader(), "\n", ClaimOutcomeCsvRow(row, c), "\n"));
  return ctx.Fail(absl::StrCat(file.path, line > 0 ? absl::StrCat(":", line) : "", ": ", why));
}


}  // namespace subsidy::cli
