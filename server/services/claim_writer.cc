#include "services/claim_writer.h"

#include <system_error>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "ids/canonical.h"
#include "ids/ids.h"
#include "services/payment_postings.h"
#include "loan/claim.h"
#include "services/common.h"
#include "services/loan_mapping.h"

namespace subsidy::service {
namespace {

// The method idempotency records keep for both RPCs: one claim, however it was sent.
constexpr char kClaimMethod[] = "SubmitLoanSubsidyClaim";

}  // namespace

void ClaimToProto(const storage::ClaimRow& c, v1::LoanSubsidyClaim* out) {
  out->set_claim_id(storage::ClaimIdFor(c.seq));
  out->set_bank_id(c.bank_id);
  out->mutable_settlement_period()->set_start_date(c.period_start.ToString());
  out->mutable_settlement_period()->set_end_date(c.period_end.ToString());
  out->set_fund_id(c.fund_id);
  switch (c.status) {
    case storage::ClaimStatus::kSubmitted: out->set_status(v1::LoanSubsidyClaim::SUBMITTED); break;
    case storage::ClaimStatus::kPaid: out->set_status(v1::LoanSubsidyClaim::PAID); break;
    case storage::ClaimStatus::kRejected: out->set_status(v1::LoanSubsidyClaim::REJECTED); break;
    case storage::ClaimStatus::kUploading: out->set_status(v1::LoanSubsidyClaim::STATUS_UNSPECIFIED); break;
  }
  out->set_loan_count(c.loan_count);
  out->set_accepted_count(c.accepted_count);
  out->set_invalid_count(c.invalid_count);
  out->set_duplicate_count(c.duplicate_count);
  out->set_total_principal_fen(c.total_principal.fen());
  out->set_total_interest_fen(c.total_interest.fen());
  out->set_total_subsidy_fen(c.total_subsidy.fen());
  if (c.paid_date) out->set_paid_date(c.paid_date->ToString());
  out->set_voucher_no(c.voucher_no);
  out->set_review_reason(c.review_reason);
  out->set_submitted_at(c.submitted_at);
  out->set_submitted_by(c.submitted_by);
  out->set_reviewed_by(c.reviewed_by);
  out->set_data_version(c.data_version);
  if (c.payment_seq != 0) {
    out->set_payment_id(storage::PaymentIdFor(c.payment_seq));
    if (auto state = funds::PaymentStateFromName(c.payment_state)) {
      out->set_payment_state(StateToProto(*state));
      if (*state == funds::PaymentState::kReturned) out->set_status(v1::LoanSubsidyClaim::RETURNED);
    }
    out->set_failed_fen(c.failed.fen());
  }
}

ClaimWriter::ClaimWriter(storage::Storage& storage, std::shared_ptr<const PolicyData> data,
                         std::shared_ptr<const auth::Caller> caller, std::string method)
    : storage_(storage),
      data_(std::move(data)),
      caller_(std::move(caller)),
      method_(std::move(method)),
      sha_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
  EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr);
  pending_.reserve(kChunkLines);
}

ClaimWriter::~ClaimWriter() {
  if (staging_.valid()) staging_.wait();  // its thread uses this writer's members
}

void ClaimWriter::Hash(absl::string_view bytes) {
  // Length-prefixed, so that no two sequences of parts hash alike.
  const uint64_t n = bytes.size();
  EVP_DigestUpdate(sha_.get(), &n, sizeof n);
  EVP_DigestUpdate(sha_.get(), bytes.data(), bytes.size());
}

absl::Status ClaimWriter::Begin(const v1::SubmitLoanSubsidyClaimRequest& sent) {
  // A stream's messages do not pass through Dispatch: their identifiers are made canonical here.
  v1::SubmitLoanSubsidyClaimRequest first = sent;
  if (auto s = CanonicalizeIds(&first); !s.ok()) return s;
  if (auto s = ValidateRequestId(first.request_id()); !s.ok()) return s;
  if (auto s = ValidateId(first.bank_id(), "bank_id"); !s.ok()) return s;
  if (!caller_->MaySeeBank(first.bank_id())) {
    return absl::PermissionDeniedError(
        absl::StrCat("caller ", caller_->name, " may not file claims for bank ", first.bank_id()));
  }
  auto period = ParseDateRange(first.settlement_period(), "settlement_period");
  if (!period.ok()) return period.status();
  if (auto s = loan::ValidateSettlementPeriod(*period, "settlement_period"); !s.ok()) return s;
  if (!first.fund_id().empty()) {
    // The fund pays the claim when it is approved; it must exist now.
    if (auto s = ValidateId(first.fund_id(), "fund_id"); !s.ok()) return s;
    auto fund = storage_.funds().GetFund(first.fund_id());
    if (!fund.ok()) return fund.status();
    if (!fund->has_value()) return absl::NotFoundError(absl::StrCat("no fund ", first.fund_id()));
  }
  if (first.loan_count() < 0) return InvalidField("loan_count", "must not be negative");
  period_ = *period;
  request_id_ = first.request_id();
  header_ = first;
  header_.clear_loans();
  header_.clear_request_id();
  for (absl::string_view part : {absl::string_view(first.bank_id()), absl::string_view(first.fund_id()),
                                 absl::string_view(first.settlement_period().start_date()),
                                 absl::string_view(first.settlement_period().end_date())}) {
    Hash(part);
  }
  Hash(absl::StrCat(first.loan_count()));

  storage::ClaimRow row;
  row.request_id = first.request_id();
  row.bank_id = first.bank_id();
  row.period_start = period->first();
  row.period_end = period->last();
  row.fund_id = first.fund_id();
  row.data_version = data_->version();
  row.submitted_by = caller_->name;
  auto seq = storage_.claims().BeginClaim(row);
  if (!seq.ok()) return seq.status();
  seq_ = *seq;
  return AddLoans(first);
}

absl::Status ClaimWriter::Continue(const v1::SubmitLoanSubsidyClaimRequest& sent) {
  v1::SubmitLoanSubsidyClaimRequest next = sent;
  if (auto s = CanonicalizeIds(&next); !s.ok()) return s;
  // The header rides on the first message; a later one may repeat it, never change it.
  auto differs = [](const std::string& later, const std::string& first) { return !later.empty() && later != first; };
  if (differs(next.request_id(), request_id_)) return InvalidField("request_id", "differs from the first message's");
  if (differs(next.bank_id(), header_.bank_id())) return InvalidField("bank_id", "differs from the first message's");
  if (differs(next.fund_id(), header_.fund_id())) return InvalidField("fund_id", "differs from the first message's");
  if (differs(next.settlement_period().start_date(), header_.settlement_period().start_date()) ||
      differs(next.settlement_period().end_date(), header_.settlement_period().end_date())) {
    return InvalidField("settlement_period", "differs from the first message's");
  }
  if (next.loan_count() != 0 && next.loan_count() != header_.loan_count()) {
    return InvalidField("loan_count", "differs from the first message's");
  }
  return AddLoans(next);
}

absl::Status ClaimWriter::AddLoans(const v1::SubmitLoanSubsidyClaimRequest& message) {
  for (const auto& loan : message.loans()) AddLoan(loan);
  if (pending_.size() >= kChunkLines) return Flush();
  return absl::OkStatus();
}

std::string BoundTermsOf(const v1::LoanSubsidyRequest& loan) {
  return absl::StrCat(loan.principal_fen(), "|", loan.contract_date(), "|", loan.disbursement_date(), "|",
                      loan.maturity_date(), "|", v1::LoanProgram_Name(loan.program()));
}

void ClaimWriter::AddLoan(const v1::LoanSubsidyRequest& loan) {
  storage::ClaimLineRow line;
  line.line_no = ++lines_;
  const std::string at = absl::StrCat("loans[", line.line_no - 1, "]");
  {
    scratch_.clear();
    google::protobuf::io::StringOutputStream raw(&scratch_);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    loan.SerializeToCodedStream(&out);
  }
  Hash(scratch_);

  v1::LoanSubsidyResult result;
  // The loan's id in its canonical spelling (NFKC, trimmed): ＬＶ１ and "LV1 " are LV1; an
  // invisible or control character makes the line INVALID, naming the field.
  auto id = CanonicalizeId(loan.loan_id(), at + ".loan_id", loan::kMaxClaimLoanIdBytes);
  absl::Status s = id.ok() ? absl::OkStatus() : id.status();
  if (s.ok() && (!loan.claim_period().start_date().empty() || !loan.claim_period().end_date().empty())) {
    auto own = ParseDateRange(loan.claim_period(), at + ".claim_period");
    s = own.ok() ? loan::ValidateLoanClaimPeriod(*own, *period_, at + ".claim_period") : own.status();
  }
  std::string borrower;
  if (s.ok() && !loan.borrower_id().empty()) {
    // A person's 居民身份证号 or a firm's USCC, each with its check character.
    auto code = CanonicalCode(loan.borrower_id(), at + ".borrower_id");
    s = code.status();
    if (s.ok()) {
      borrower = *code;
      if (!ValidateCitizenId(borrower).ok() && !ValidateUscc(borrower).ok()) {
        s = InvalidField(at + ".borrower_id", "is neither a citizen id nor a USCC with a valid check character");
      }
    }
  }
  if (s.ok()) {
    v1::LoanSubsidyRequest in_period = loan;
    in_period.set_loan_id(id->text);
    in_period.mutable_claim_period()->set_start_date(period_->first().ToString());
    in_period.mutable_claim_period()->set_end_date(period_->last().ToString());
    s = CalculateOne(in_period, *data_, &result);
  }
  if (s.ok()) {
    line.loan_id = id->text;
    line.status = storage::ClaimLineStatus::kAccepted;
    // The contract's terms, bound to the loan by its first claim (repayments and overdue periods
    // may change from one claim to the next; these may not).
    line.terms = BoundTermsOf(loan);
    line.borrower_key = borrower;
    for (const auto& regime : data_->loan_regimes().regimes()) {
      if (regime.regime_id == result.regime_id()) line.borrower_limit = regime.max_prior_subsidized_loans;
    }
    line.principal = Money::Fen(loan.principal_fen());
    // The loan as sent (the bytes the request's fingerprint hashed), for the loan book: its terms
    // as last known. The book reads it with the line's canonical loan_id, without a claim period.
    line.input = scratch_;
    line.interest = Money::Fen(result.total_interest_fen());
    line.subsidy = Money::Fen(result.total_subsidy_fen());
  } else {
    if (id.ok()) line.loan_id = id->text;
    result.Clear();
    result.set_loan_id(line.loan_id);
    result.set_data_version(data_->version());
    ItemErrorFromStatus(s, result.mutable_error());
    line.status = storage::ClaimLineStatus::kInvalid;
  }
  line.result = result.SerializeAsString();
  pending_.push_back(std::move(line));
}

// The chunk just filled is staged on a thread of its own while the next one is computed (the
// database's work and the engine's overlap); at most one is in flight, so memory holds two chunks.
absl::Status ClaimWriter::Flush() {
  if (auto s = AwaitStaging(); !s.ok()) return s;
  if (pending_.empty()) return absl::OkStatus();
  staging_lines_ = std::move(pending_);
  pending_.clear();
  pending_.reserve(kChunkLines);
  if (superseded_) return absl::OkStatus();
  try {
    staging_ = std::async(std::launch::async,
                          [this] { return storage_.claims().AppendClaimLines(seq_, staging_lines_); });
  } catch (const std::system_error&) {  // no thread to be had: staged here, as before
    return StagedOutcome(storage_.claims().AppendClaimLines(seq_, staging_lines_));
  }
  return absl::OkStatus();
}

absl::Status ClaimWriter::AwaitStaging() {
  if (!staging_.valid()) return absl::OkStatus();
  return StagedOutcome(staging_.get());
}

absl::Status ClaimWriter::StagedOutcome(absl::Status s) {
  if (ReasonOf(s) == std::optional<std::string>(storage::kUploadSuperseded)) {
    // Another attempt of this request settled first and took our staged claim with it: read the
    // rest (its hash decides), then answer as it did (a replay) or refuse another payload.
    superseded_ = true;
    return absl::OkStatus();
  }
  return s;
}

absl::StatusOr<v1::LoanSubsidyClaim> ClaimWriter::Finish(std::chrono::system_clock::time_point deadline,
                                                         bool* replayed) {
  if (lines_ == 0) return InvalidField("loans", "a claim has at least one loan");
  if (header_.loan_count() != 0 && header_.loan_count() != lines_) {
    return InvalidField("loan_count", absl::StrCat("says ", header_.loan_count(), " loans, but ", lines_,
                                                   " arrived: the claim is refused whole"));
  }
  if (auto s = Flush(); !s.ok()) return s;
  if (auto s = AwaitStaging(); !s.ok()) return s;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(sha_.get(), md, &n);
  const std::string digest(reinterpret_cast<char*>(md), n);
  storage::IdempotencyKey key{request_id_, kClaimMethod, "sha256:" + absl::BytesToHexString(digest), deadline,
                              {"bank:" + header_.bank_id()}};
  auto stored = storage_.RunIdempotent(
      key,
      [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
        auto claim = tx.claims().SubmitStagedClaim(seq_);
        if (!claim.ok()) return claim.status();
        v1::LoanSubsidyClaim out;
        ClaimToProto(*claim, &out);
        auto audited = tx.audit().Audit({caller_->name, method_, request_id_, out.claim_id(), "OK",
                                         absl::StrCat(claim->loan_count, " loans: ", claim->accepted_count, " accepted, ",
                                                      claim->duplicate_count, " duplicate, ", claim->invalid_count,
                                                      " invalid; subsidy ", claim->total_subsidy.fen(), " fen")});
        if (!audited.ok()) return audited;
        return out.SerializeAsString();
      },
      replayed);
  if (!stored.ok()) return stored.status();
  if (*replayed) {
    Abandon();  // this attempt's staged lines: the claim already stands
  } else {
    settled_ = true;
  }
  v1::LoanSubsidyClaim out;
  if (!out.ParseFromString(*stored)) return absl::DataLossError("a stored claim does not parse");
  return out;
}

void ClaimWriter::Abandon() {
  (void)AwaitStaging();  // the chunk in flight lands first, then goes with the rest
  if (seq_ == 0 || settled_) return;
  (void)storage_.claims().AbandonClaim(seq_);  // what is left, the next attempt or the sweep deletes
  seq_ = 0;
}

}  // namespace subsidy::service
