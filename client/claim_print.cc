// What a person reads of a claim and of a claim file's rows: the claim as subsidyctl prints it,
// each row's outcome on stderr and in the result file, all from the built-in catalogue (texts.h).
#include "claim_cmd.h"

#include <iostream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "payment_words.h"
#include "texts.h"

namespace subsidy::cli {

// A claim's status as the user reads it (SUBMITTED, or 已提交，待复核).
namespace {
std::string ClaimStatusText(const Context& ctx, v1::LoanSubsidyClaim::Status status) {
  switch (status) {
    case v1::LoanSubsidyClaim::SUBMITTED: return Say(ctx.language, kCliClaimStatusSubmitted);
    case v1::LoanSubsidyClaim::PAID: return Say(ctx.language, kCliClaimStatusPaid);
    case v1::LoanSubsidyClaim::REJECTED: return Say(ctx.language, kCliClaimStatusRejected);
    case v1::LoanSubsidyClaim::RETURNED: return Say(ctx.language, kCliClaimStatusReturned);
    default: return v1::LoanSubsidyClaim::Status_Name(status);
  }
}
}  // namespace

void PrintClaim(Context& ctx, const v1::LoanSubsidyClaim& c) {
  if (ctx.json) {
    ctx.PrintJson(c);
    return;
  }
  const std::string& lang = ctx.language;
  *ctx.out << Say(lang, kCliClaimSummary,
                  {{"claim_id", c.claim_id()},
                   {"status", ClaimStatusText(ctx, c.status())},
                   {"bank_id", c.bank_id()},
                   {"period", c.settlement_period().start_date() + ".." + c.settlement_period().end_date()},
                   {"loans", absl::StrCat(c.loan_count())},
                   {"accepted", absl::StrCat(c.accepted_count())},
                   {"duplicate", absl::StrCat(c.duplicate_count())},
                   {"invalid", absl::StrCat(c.invalid_count())},
                   {"principal_yuan", Yuan(c.total_principal_fen())},
                   {"interest_yuan", Yuan(c.total_interest_fen())},
                   {"subsidy_yuan", Yuan(c.total_subsidy_fen())},
                   {"submitted_at", c.submitted_at()},
                   {"submitted_by", c.submitted_by()}})
           << "\n";
  if (!c.fund_id().empty()) *ctx.out << Say(lang, kCliClaimFund, {{"fund_id", c.fund_id()}}) << "\n";
  if (c.status() == v1::LoanSubsidyClaim::PAID) {
    *ctx.out << Say(lang, kCliClaimPaid,
                    {{"paid_date", c.paid_date()}, {"voucher_no", c.voucher_no()}, {"reviewed_by", c.reviewed_by()}})
             << "\n";
  }
  if (!c.payment_id().empty()) {
    StatusParams payment = {{"payment_id", c.payment_id()}, {"state", PaymentStateText(lang, c.payment_state())}};
    if (c.failed_fen() != 0) payment.emplace("failed_yuan", Yuan(c.failed_fen()));
    *ctx.out << Say(lang, kCliClaimPayment, payment) << "\n";
  }
  if (c.status() == v1::LoanSubsidyClaim::REJECTED) {
    *ctx.out << Say(lang, kCliClaimRejected, {{"reviewed_by", c.reviewed_by()}, {"reason", c.review_reason()}}) << "\n";
  }
  if (c.duplicate_count() + c.invalid_count() > 0) {
    const char* status = c.duplicate_count() > 0 ? "DUPLICATE" : "INVALID";
    *ctx.out << Say(lang, kCliClaimSeeLines,
                    {{"command", absl::StrCat("subsidyctl loan claim-lines ", c.claim_id(), " --status=", status)}})
             << "\n";
  }
}

// ---- A claim file's rows as a claim decides them, and the result file that says so --------------

// A row the engine did not answer: `status` and why.
ClaimOutcome Failed(const std::string& status, const std::string& code, const std::string& field, const std::string& why) {
  ClaimOutcome c;
  c.status = status;
  c.result.mutable_error()->set_code(code);
  c.result.mutable_error()->set_field(field);
  c.result.mutable_error()->set_message(why);
  return c;
}

// The server's answer for a row: INVALID with its in-band error, else `status` with the figures.
ClaimOutcome Answered(v1::LoanSubsidyResult r, const std::string& status) {
  ClaimOutcome c;
  c.status = r.error().code().empty() ? status : "INVALID";
  r.mutable_error()->set_field(WithoutLoanPath(r.error().field()));
  r.mutable_error()->set_message(WithoutLoanPath(r.error().message()));
  c.result = std::move(r);
  return c;
}

// A row's outcome as the user reads it: its status, the row it repeats, why it is invalid, and
// the reasons of its subsidy (written by the server in the user's language).
std::string RowOutcomeText(const std::string& lang, const ClaimOutcome& c) {
  static const std::map<std::string, const char*> kWords = {
      {"ACCEPTED", kCliRowAccepted},         {"INVALID", kCliRowInvalid},          {"DUPLICATE", kCliRowDuplicate},
      {"ERROR", kCliRowError},               {"NOT_SUBMITTED", kCliRowNotSubmitted}, {"NOT_CHECKED", kCliRowNotChecked},
      {"SUBMITTED", kCliRowSubmitted}};
  const bool zh = LanguageOf(lang) == Language::kZhCn;
  auto word = kWords.find(c.status);
  std::string out = word == kWords.end() ? c.status : Say(lang, word->second);
  if (!c.duplicate_of.empty()) {
    std::string of = c.duplicate_of;
    if (size_t line = 0; absl::StartsWith(of, "line ") && absl::SimpleAtoi(of.substr(5), &line)) {
      of = Say(lang, kCliLine, {{"line", absl::StrCat(line)}});
    }
    absl::StrAppend(&out, zh ? "" : " ", Say(lang, kCliRowDuplicateOf, {{"of", of}}));
  }
  if (!c.result.error().message().empty()) absl::StrAppend(&out, zh ? "：" : ": ", c.result.error().message());
  if (c.status == "ACCEPTED" && !c.result.eligible()) {
    absl::StrAppend(&out, zh ? "，" : ", ", Say(lang, kCliRowNotEligible));
  }
  for (const auto& reason : c.result.reasons()) absl::StrAppend(&out, zh ? "；" : "; ", reason.message());
  return out;
}

// The result file, and on stderr (not with --json) each row that is not plainly accepted: its file
// line and loan_id, then what the claim made of it. 0, or 1 when the file cannot be written.
int WriteClaimOutcomes(Context& ctx, const ClaimFile& file, const std::vector<ClaimOutcome>& outcomes) {
  std::string text = ClaimOutcomeCsvHeader() + "\n";
  for (size_t k = 0; k < outcomes.size(); ++k) {
    const ClaimOutcome& c = outcomes[k];
    absl::StrAppend(&text, ClaimOutcomeCsvRow(file.rows[k], c), "\n");
    const bool ineligible = c.status == "ACCEPTED" && !c.result.eligible();
    if (ctx.json || c.status == "NOT_SUBMITTED" || (c.status == "ACCEPTED" && !ineligible)) continue;
    std::cerr << file.Where(file.rows[k]) << RowOutcomeText(ctx.language, c) << "\n";
  }
  return WriteClaimResultFile(ctx, file, text);
}

}  // namespace subsidy::cli
