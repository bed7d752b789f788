#include "claim_cmd.h"

#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "approval_cmd.h"
#include "auth/authorizer.h"
#include "formats/wire.h"
#include "subsidy/v1/loan.grpc.pb.h"

namespace subsidy::cli {
namespace {

void PrintClaim(Context& ctx, const v1::LoanSubsidyClaim& c) {
  if (ctx.json) {
    ctx.PrintJson(c);
    return;
  }
  *ctx.out << "claim       " << c.claim_id() << "  " << v1::LoanSubsidyClaim::Status_Name(c.status()) << "\n"
           << "bank        " << c.bank_id() << ", period " << c.settlement_period().start_date() << ".."
           << c.settlement_period().end_date() << "\n"
           << "loans       " << c.loan_count() << " (accepted " << c.accepted_count() << ", duplicate "
           << c.duplicate_count() << ", invalid " << c.invalid_count() << ")\n"
           << "principal   " << Yuan(c.total_principal_fen()) << " 元 (accepted lines)\n"
           << "interest    " << Yuan(c.total_interest_fen()) << " 元\n"
           << "subsidy     " << Yuan(c.total_subsidy_fen()) << " 元\n"
           << "submitted   " << c.submitted_at() << " by " << c.submitted_by() << "\n";
  if (c.status() == v1::LoanSubsidyClaim::PAID) {
    *ctx.out << "paid        " << c.paid_date() << ", voucher " << c.voucher_no() << ", by " << c.reviewed_by() << "\n";
  }
  if (c.status() == v1::LoanSubsidyClaim::REJECTED) {
    *ctx.out << "rejected    by " << c.reviewed_by() << ": " << c.review_reason() << "\n";
  }
  if (c.duplicate_count() + c.invalid_count() > 0) {
    *ctx.out << "see         subsidyctl loan claim-lines " << c.claim_id() << " --status=DUPLICATE (or INVALID)\n";
  }
}

std::unique_ptr<v1::LoanSubsidyService::Stub> Stub(Context& ctx) { return v1::LoanSubsidyService::NewStub(ctx.Channel()); }

int ListClaims(Context& ctx, const Options& o) {
  v1::ListLoanSubsidyClaimsRequest req;
  req.set_bank_id(o.Get("bank"));
  if (o.Has("status")) {
    v1::LoanSubsidyClaim::Status status;
    if (!v1::LoanSubsidyClaim::Status_Parse(o.Get("status"), &status)) {
      return ctx.Usage("--status must be SUBMITTED, PAID or REJECTED");
    }
    req.set_status(status);
  }
  if (o.Has("period") && !ParsePeriod(o.Get("period"), req.mutable_settlement_period())) {
    return ctx.Usage("--period must be START..END");
  }
  auto stub = Stub(ctx);
  if (!ctx.json) {
    *ctx.out << absl::StrFormat("%-12s %-10s %-22s %-9s %7s %7s %7s %7s %18s %-10s %s\n", "claim_id", "bank", "period",
                                "status", "loans", "accept", "dup", "invalid", "subsidy_元", "paid", "voucher");
  }
  for (;;) {
    v1::ListLoanSubsidyClaimsResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::LoanSubsidyService::Stub::ListLoanSubsidyClaims, req, &resp); rc) return rc;
    if (ctx.json) {
      ctx.PrintJson(resp);
    } else {
      for (const auto& c : resp.claims()) {
        *ctx.out << absl::StrFormat("%-12s %-10s %-22s %-9s %7d %7d %7d %7d %18s %-10s %s\n", c.claim_id(), c.bank_id(),
                                    c.settlement_period().start_date() + ".." + c.settlement_period().end_date(),
                                    v1::LoanSubsidyClaim::Status_Name(c.status()), c.loan_count(), c.accepted_count(),
                                    c.duplicate_count(), c.invalid_count(), Yuan(c.total_subsidy_fen()), c.paid_date(),
                                    c.voucher_no());
      }
    }
    if (resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
  }
}

int ListClaimLines(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage("loan claim-lines: give exactly one CLAIM_ID");
  v1::ListLoanSubsidyClaimLinesRequest req;
  req.set_claim_id(o.positional()[0]);
  req.set_page_size(1000);
  if (o.Has("status")) {
    v1::LoanSubsidyClaimLine::Status status;
    if (!v1::LoanSubsidyClaimLine::Status_Parse(o.Get("status"), &status)) {
      return ctx.Usage("--status must be ACCEPTED, INVALID or DUPLICATE");
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
  if (!ctx.json) *out << formats::ClaimLineCsvHeader() << "\n";
  auto stub = Stub(ctx);
  int64_t n = 0;
  for (;;) {
    v1::ListLoanSubsidyClaimLinesResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::LoanSubsidyService::Stub::ListLoanSubsidyClaimLines, req, &resp); rc) return rc;
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
    std::cerr << n << " lines written to " << o.Get("out") << "\n";
  }
  return 0;
}

int Review(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage("loan review: give exactly one CLAIM_ID");
  if (o.Has("approve") == o.Has("reject")) return ctx.Usage("give one of --approve or --reject");
  v1::ReviewLoanSubsidyClaimRequest req;
  req.set_claim_id(o.positional()[0]);
  if (o.Has("approve")) {
    req.set_decision(v1::ReviewLoanSubsidyClaimRequest::APPROVE);
    req.set_payment_date(o.Get("payment_date"));
  } else {
    req.set_decision(v1::ReviewLoanSubsidyClaimRequest::REJECT);
    req.set_reason(o.Get("reason"));
  }
  // The same review run again is a replay of the first, not a second review.
  req.set_request_id(o.Get("request_id", absl::StrCat("review-", req.claim_id(), o.Has("approve") ? "-approve" : "-reject")));
  v1::LoanSubsidyClaim claim;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::LoanSubsidyService::Stub::ReviewLoanSubsidyClaim, req, &claim); rc) return rc;
  if (!ctx.json && PrintHeld(ctx, claim.instruction_id(), claim.approval_state(),
                             absl::StrCat("payment of claim ", claim.claim_id(), " (bank ", claim.bank_id(), ", subsidy ",
                                          Yuan(claim.total_subsidy_fen()), " 元, payment date ", req.payment_date(),
                                          ")"))) {
    return 0;
  }
  PrintClaim(ctx, claim);
  return 0;
}

}  // namespace

int SubmitClaimFile(Context& ctx, const Options& o, const std::string& path, const formats::CsvFile& file,
                    const formats::ClaimFileReader& reader, int batch_size) {
  if (!o.Has("bank") || !o.Has("period")) return ctx.Usage("loan claim --submit needs --bank=BANK_ID and --period=START..END");
  v1::SubmitLoanSubsidyClaimRequest header;
  header.set_bank_id(o.Get("bank"));
  if (!ParsePeriod(o.Get("period"), header.mutable_settlement_period())) return ctx.Usage("--period must be START..END");

  // Every row goes to the server, which records it ACCEPTED, INVALID or DUPLICATE; a row that does
  // not even parse here stops the submission, so that the claim is the file as the bank meant it.
  std::vector<v1::LoanSubsidyRequest> loans;
  int bad = 0;
  std::string content = header.bank_id() + "\n" + o.Get("period") + "\n";
  for (size_t k = 1; k < file.records.size(); ++k) {
    const formats::CsvRecord& rec = file.records[k];
    absl::StrAppend(&content, absl::StrJoin(rec.cells, "\x1f"), "\n");
    auto req = reader.ParseRow(rec.cells);
    if (!req.ok()) {
      std::cerr << path << ":" << rec.line << " (loan_id " << reader.LoanId(rec.cells) << "): " << req.status().message()
                << "\n";
      ++bad;
      continue;
    }
    if (auto field = formats::FindInvalidUtf8(*req)) {
      std::cerr << path << ":" << rec.line << ": " << *field << " is not valid UTF-8\n";
      ++bad;
      continue;
    }
    loans.push_back(std::move(*req));
  }
  if (bad > 0) return ctx.Fail(absl::StrCat(bad, " rows do not parse; nothing was submitted (check with --dry_run)"));
  if (loans.empty()) return ctx.Fail(path + ": no loans to claim");
  // By default the request_id is the file's own fingerprint: running the same command again
  // (after a cut connection, a restarted server) answers the one claim it made.
  header.set_request_id(o.Get("request_id", "claim-" + auth::Sha256Hex(content).substr(0, 40)));
  header.set_loan_count(static_cast<int64_t>(loans.size()));

  auto stub = Stub(ctx);
  auto call = ctx.NewCall(20);  // a claim file may take a while: a generous deadline per file
  v1::LoanSubsidyClaim claim;
  auto writer = stub->UploadLoanSubsidyClaim(call.get(), &claim);
  const bool tty = isatty(STDERR_FILENO) && !ctx.json;
  size_t sent = 0;
  v1::SubmitLoanSubsidyClaimRequest message = header;
  for (auto& loan : loans) {
    *message.add_loans() = std::move(loan);
    if (message.loans_size() < batch_size && sent + message.loans_size() < loans.size()) continue;
    sent += message.loans_size();
    if (!writer->Write(message)) break;
    message.Clear();
    if (tty) std::cerr << "\r  uploaded " << sent << " / " << loans.size() << " loans" << std::flush;
  }
  writer->WritesDone();
  if (tty) std::cerr << std::endl;
  const grpc::Status s = writer->Finish();
  if (!s.ok()) {
    ctx.Fail(s);
    std::cerr << "nothing half-written is ever kept: run the same command again (request_id " << header.request_id()
              << ") to make the one claim\n";
    return 1;
  }
  ctx.NoteReplay(*call, header.request_id());
  PrintClaim(ctx, claim);
  return 0;
}

void RegisterClaimCommands(Registry& r) {
  r.Add({{"loan", "claims"},
         "list claims (a bank sees its own), newest last",
         "",
         {{"bank", "a bank_id"},
          {"status", "SUBMITTED, PAID or REJECTED"},
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
         "Usage: subsidyctl loan review CLAIM_ID --approve --payment_date=YYYY-MM-DD\n"
         "       subsidyctl loan review CLAIM_ID --reject --reason=TEXT\n"
         "A rejected claim's loans may be claimed again; a claim is reviewed once. Under dual control (双人复核)\n"
         "an approval waits as a PENDING_APPROVAL instruction until a second finance officer approves it\n"
         "(subsidyctl approvals); the claim stays SUBMITTED and nothing is paid until then.",
         {{"approve", "pay the claim", false, true},
          {"payment_date", "a working day after the settlement date (with --approve)"},
          {"reject", "reject the claim", false, true},
          {"reason", "why (with --reject)"},
          {"request_id", "default: review-CLAIM_ID-approve|reject"}},
         Review});
}

}  // namespace subsidy::cli
