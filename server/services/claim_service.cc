// LoanSubsidyService's claims: submit or upload (ClaimWriter), read, review. A bank caller sees
// only the claims of its own bank_ids; finance reviews.
#include "absl/strings/str_join.h"
#include "common/status_util.h"
#include "loan/claim.h"
#include "formats/claim_file.h"
#include "formats/csv.h"
#include "services/claim_writer.h"
#include "services/common.h"
#include "services/fund_postings.h"
#include "services/loan_mapping.h"
#include "services/payment_postings.h"
#include "services/services.h"

namespace subsidy::service {
namespace {


// A claim the caller may see; an unknown id and another bank's claim alike are NOT_FOUND, so
// that a bank learns nothing of others' claims.
absl::StatusOr<storage::ClaimRow> VisibleClaim(const Call& call, const std::string& claim_id) {
  auto seq = storage::ClaimSeqFrom(claim_id);
  if (!seq) return absl::NotFoundError(absl::StrCat("no claim ", claim_id));
  auto claim = call.storage().claims().GetClaim(*seq);
  if (!claim.ok()) return claim.status();
  if (!claim->has_value() || !call.who().MaySeeBank((*claim)->bank_id)) {
    return absl::NotFoundError(absl::StrCat("no claim ", claim_id));
  }
  return std::move(**claim);
}

v1::LoanSubsidyClaimLine::Status LineStatusToProto(storage::ClaimLineStatus s) {
  switch (s) {
    case storage::ClaimLineStatus::kAccepted: return v1::LoanSubsidyClaimLine::ACCEPTED;
    case storage::ClaimLineStatus::kInvalid: return v1::LoanSubsidyClaimLine::INVALID;
    case storage::ClaimLineStatus::kDuplicate: return v1::LoanSubsidyClaimLine::DUPLICATE;
  }
  return v1::LoanSubsidyClaimLine::STATUS_UNSPECIFIED;
}

namespace handlers {

// One claim in one message; `method` is what the audit trail records (the idempotency key is the
// claim's content, whichever RPC carried it: ClaimWriter).
absl::Status SubmitClaim(Call& call, const v1::SubmitLoanSubsidyClaimRequest& request, const char* method,
                         v1::LoanSubsidyClaim* response) {
  ClaimWriter writer(call.storage(), call.data_snapshot(), call.who_shared(), method);
  bool replayed = false;
  absl::Status begun = writer.Begin(request);
  absl::StatusOr<v1::LoanSubsidyClaim> claim =
      begun.ok() ? writer.Finish(call.deadline(), &replayed) : absl::StatusOr<v1::LoanSubsidyClaim>(begun);
  if (!claim.ok()) {
    writer.Abandon();
    return claim.status();
  }
  if (replayed) call.NoteReplay();
  *response = std::move(*claim);
  return absl::OkStatus();
}

absl::Status SubmitLoanSubsidyClaim(Call& call, const v1::SubmitLoanSubsidyClaimRequest& request,
                                    v1::LoanSubsidyClaim* response) {
  return SubmitClaim(call, request, "SubmitLoanSubsidyClaim", response);
}

// A refusal of the file as a whole: INVALID_ARGUMENT naming `file`, with the reader's reason and
// parameters (what the caller reads, in its language).
absl::Status AboutTheFile(const absl::Status& why) {
  absl::Status s = InvalidField("file", why.message());
  if (auto reason = ReasonOf(why)) s = WithReason(std::move(s), *reason);
  return WithParams(std::move(s), ParamsOf(why));
}

// The file read by the same reader as subsidyctl's, then submitted as SubmitLoanSubsidyClaim.
absl::Status SubmitLoanSubsidyClaimFile(Call& call, const v1::SubmitLoanSubsidyClaimFileRequest& request,
                                        v1::LoanSubsidyClaim* response) {
  auto loans = LoansFromClaimFile(call, request.file(), request.encoding());
  if (!loans.ok()) return loans.status();
  v1::SubmitLoanSubsidyClaimRequest submit;
  submit.set_request_id(request.request_id());
  submit.set_bank_id(request.bank_id());
  *submit.mutable_settlement_period() = request.settlement_period();
  submit.set_fund_id(request.fund_id());
  for (auto& loan : *loans) *submit.add_loans() = std::move(loan);
  submit.set_loan_count(submit.loans_size());
  return SubmitClaim(call, submit, "SubmitLoanSubsidyClaimFile", response);
}

// A claim whose approval waits for a second officer says so, with the instruction that holds it.
absl::Status MarkPendingApprovals(Call& call, const std::vector<v1::LoanSubsidyClaim*>& claims) {
  std::vector<std::string> subjects;
  for (const auto* c : claims) {
    if (c->status() == v1::LoanSubsidyClaim::SUBMITTED) subjects.push_back("claim:" + c->claim_id());
  }
  if (subjects.empty()) return absl::OkStatus();
  auto pending = call.storage().instructions().PendingOnSubjects(subjects);
  if (!pending.ok()) return pending.status();
  for (auto* c : claims) {
    auto it = pending->find("claim:" + c->claim_id());
    if (it == pending->end()) continue;
    c->set_instruction_id(storage::InstructionIdFor(it->second));
    c->set_approval_state(v1::Instruction::PENDING_APPROVAL);
  }
  return absl::OkStatus();
}

absl::Status GetLoanSubsidyClaim(Call& call, const v1::GetLoanSubsidyClaimRequest& request,
                                 v1::LoanSubsidyClaim* response) {
  auto claim = VisibleClaim(call, request.claim_id());
  if (!claim.ok()) return claim.status();
  ClaimToProto(*claim, response);
  return MarkPendingApprovals(call, {response});
}

absl::Status ListLoanSubsidyClaims(Call& call, const v1::ListLoanSubsidyClaimsRequest& request,
                                   v1::ListLoanSubsidyClaimsResponse* response) {
  storage::ClaimFilter f;
  const auth::Caller& who = call.who();
  if (!request.bank_id().empty()) {
    if (!who.MaySeeBank(request.bank_id())) {
      return absl::PermissionDeniedError(absl::StrCat("caller ", who.name, " may not read claims of bank ",
                                                      request.bank_id()));
    }
    f.bank_ids = {request.bank_id()};
  } else if (!who.SeesEveryBank()) {
    // A bank caller without a filter: its own banks.
    f.bank_ids.assign(who.banks.begin(), who.banks.end());
    if (f.bank_ids.empty()) return absl::OkStatus();
  }
  switch (request.status()) {
    case v1::LoanSubsidyClaim::SUBMITTED: f.status = storage::ClaimStatus::kSubmitted; break;
    case v1::LoanSubsidyClaim::PAID: f.status = storage::ClaimStatus::kPaid; break;
    case v1::LoanSubsidyClaim::REJECTED: f.status = storage::ClaimStatus::kRejected; break;
    default: break;
  }
  const auto& p = request.settlement_period();
  if (!p.start_date().empty() || !p.end_date().empty()) {
    auto range = ParseDateRange(p, "settlement_period");
    if (!range.ok()) return range.status();
    if (auto s = loan::ValidateSettlementPeriod(*range, "settlement_period"); !s.ok()) return s;
    f.period_start = range->first();
  }
  auto page = ParsePage(request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  f.after_seq = page->after;
  f.limit = page->limit;
  auto rows = call.storage().claims().ListClaims(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  std::vector<v1::LoanSubsidyClaim*> claims;
  for (const auto& c : *rows) {
    ClaimToProto(c, response->add_claims());
    claims.push_back(response->mutable_claims(response->claims_size() - 1));
  }
  if (more) response->set_next_page_token(EncodePageToken(rows->back().seq));
  return MarkPendingApprovals(call, claims);
}

absl::Status ListLoanSubsidyClaimLines(Call& call, const v1::ListLoanSubsidyClaimLinesRequest& request,
                                       v1::ListLoanSubsidyClaimLinesResponse* response) {
  auto claim = VisibleClaim(call, request.claim_id());
  if (!claim.ok()) return claim.status();
  storage::ClaimLineFilter f;
  f.claim_seq = claim->seq;
  switch (request.line_status()) {
    case v1::LoanSubsidyClaimLine::ACCEPTED: f.status = storage::ClaimLineStatus::kAccepted; break;
    case v1::LoanSubsidyClaimLine::INVALID: f.status = storage::ClaimLineStatus::kInvalid; break;
    case v1::LoanSubsidyClaimLine::DUPLICATE: f.status = storage::ClaimLineStatus::kDuplicate; break;
    default: break;
  }
  auto page = ParsePage(request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  f.after_line_no = page->after;
  f.limit = page->limit;
  if (auto s = call.SetFreshness(response->mutable_freshness()); !s.ok()) return s;
  auto rows = call.reports().claims().ListClaimLines(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  response->mutable_lines()->Reserve(static_cast<int>(rows->size()));
  const Language language = LanguageOf(call.language());
  for (const auto& l : *rows) {
    auto* line = response->add_lines();
    line->set_line_no(l.line_no);
    line->set_loan_id(l.loan_id);
    line->set_line_status(LineStatusToProto(l.status));
    line->set_principal_fen(l.principal.fen());
    if (!line->mutable_result()->ParseFromString(l.result)) {
      return absl::DataLossError(absl::StrCat("claim line ", l.line_no, ": the stored result does not parse"));
    }
    if (l.duplicate_of_seq) line->set_duplicate_of_claim_id(storage::ClaimIdFor(l.duplicate_of_seq));
    // Refused when settled (its terms differ from the loan's first claim): the line says why.
    if (l.status == storage::ClaimLineStatus::kInvalid && !l.settled_reasons.empty()) {
      v1::LoanSubsidyResult* result = line->mutable_result();
      const std::string loan_id = result->loan_id(), version = result->data_version();
      result->Clear();
      result->set_loan_id(loan_id);
      result->set_data_version(version);
      const storage::Reason& why = l.settled_reasons.front();
      result->mutable_error()->set_code(why.code);
      result->mutable_error()->set_reason(why.code);
      result->mutable_error()->set_message(why.message);
      result->mutable_error()->set_field(absl::StrCat("loans[", l.line_no - 1, "]"));
      result->mutable_error()->mutable_params()->insert(why.params.begin(), why.params.end());
    }
    LocalizeResult(line->mutable_result(), call.data().messages(), language);
    for (const auto& reason : l.flags) {
      auto* flag = line->add_flags();
      flag->set_code(reason.code);
      flag->set_message(reason.message);
      flag->mutable_params()->insert(reason.params.begin(), reason.params.end());
    }
    LocalizeReasons(line->mutable_flags(), call.data().messages(), language);
  }
  if (more) response->set_next_page_token(EncodePageToken(rows->back().line_no));
  return absl::OkStatus();
}

// An approved claim paid: with a fund, one payment from its allocation to the bank (or no
// approval); then PAID, and the subsidy sent to the bank as a line of the day's batch.
absl::StatusOr<storage::ClaimRow> PayApprovedClaim(Call& call, storage::LedgerTx& tx,
                                                   const v1::ReviewLoanSubsidyClaimRequest& request,
                                                   const storage::ClaimRow& c, Date payment_date) {
  const DateRange period = *DateRange::Make(c.period_start, c.period_end);
  if (auto s = loan::CheckClaimPaymentDate(call.data().calendar(), period, payment_date); !s.ok()) return s;
  std::vector<std::string> paid_ids;
  if (!c.fund_id.empty() && c.total_subsidy.fen() > 0) {
    auto fund = LockedFund(tx.funds(), c.fund_id);
    if (!fund.ok()) return fund.status();
    auto payable = Payable(tx.funds(), c.fund_id, c.bank_id, payment_date);
    if (!payable.ok()) return payable.status();
    if (auto s = funds::CheckPayment(c.fund_id, c.bank_id, *payable, c.total_subsidy, payment_date,
                                     funds::kFundBudgetExceeded);
        !s.ok()) {
      return s;
    }
    auto paid = PostPayment(tx.funds(), call.data(), *fund,
                            {c.bank_id, c.total_subsidy, payment_date, "", c.bank_id, storage::ClaimIdFor(c.seq),
                             request.request_id(), call.caller()});
    if (!paid.ok()) return paid.status();
    paid_ids.push_back(*paid);
  }
  auto after = tx.claims().PayClaim(c.seq, payment_date, call.caller());
  if (!after.ok() || c.total_subsidy.fen() == 0) return after;
  const std::string payee = request.payee_name().empty() ? c.bank_id : request.payee_name();
  auto line = SendPayment(tx, {storage::PaymentSource::kClaim, storage::ClaimIdFor(c.seq), payee,
                               request.payee_account(), request.payee_bank(), c.bank_id, c.total_subsidy, payment_date,
                               after->voucher_no, call.caller(), paid_ids});
  if (!line.ok()) return line.status();
  auto reread = tx.claims().ClaimForUpdate(c.seq);  // with its payment's line
  if (!reread.ok()) return reread.status();
  return **reread;
}

absl::Status ReviewLoanSubsidyClaim(Call& call, const v1::ReviewLoanSubsidyClaimRequest& request,
                                    v1::LoanSubsidyClaim* response) {
  const bool approve = request.decision() == v1::ReviewLoanSubsidyClaimRequest::APPROVE;
  if (!approve && request.decision() != v1::ReviewLoanSubsidyClaimRequest::REJECT) {
    return InvalidField("decision", "APPROVE or REJECT");
  }
  std::optional<Date> payment_date;
  if (approve) {
    auto d = ParseDate(request.payment_date(), "payment_date");
    if (!d.ok()) return d.status();
    payment_date = *d;
  } else {
    if (request.reason().empty()) return InvalidField("reason", "a rejection says why");
    if (request.reason().size() > 1000) return InvalidField("reason", "at most 1000 bytes");
  }
  for (const auto& [field, value] : {std::pair{"payee_name", &request.payee_name()},
                                     std::pair{"payee_bank", &request.payee_bank()}}) {
    if (auto s = ValidatePayeeText(*value, field, 200); !s.ok()) return s;
  }
  if (auto s = ValidateAccount(request.payee_account(), "payee_account"); !s.ok()) return s;
  auto seq = storage::ClaimSeqFrom(request.claim_id());
  if (!seq) return absl::NotFoundError(absl::StrCat("no claim ", request.claim_id()));
  return call.Mutate(
      request, {"claim:" + request.claim_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::LoanSubsidyClaim> {
        auto claim = tx.claims().ClaimForUpdate(*seq);
        if (!claim.ok()) return claim.status();
        if (!claim->has_value()) return absl::NotFoundError(absl::StrCat("no claim ", request.claim_id()));
        const storage::ClaimRow& c = **claim;
        if (c.status != storage::ClaimStatus::kSubmitted) {
          return WithParams(FailedPrecondition(loan::kClaimAlreadyReviewed,
                                               absl::StrCat("claim ", request.claim_id(), " is already ",
                                                            storage::ClaimStatusName(c.status))),
                            {{"claim_id", request.claim_id()}, {"status", storage::ClaimStatusName(c.status)}});
        }
        absl::StatusOr<storage::ClaimRow> after;
        if (approve) {
          after = PayApprovedClaim(call, tx, request, c, *payment_date);
        } else {
          after = tx.claims().RejectClaim(c.seq, request.reason(), call.caller());
        }
        if (!after.ok()) return after.status();
        v1::LoanSubsidyClaim out;
        ClaimToProto(*after, &out);
        auto audited = call.Audit(tx.audit(), request.request_id(), out.claim_id(), approve ? "PAID" : "REJECTED",
                                  approve ? absl::StrCat("voucher ", after->voucher_no, ", ",
                                                         after->total_subsidy.fen(), " fen to bank ", after->bank_id)
                                          : request.reason());
        if (!audited.ok()) return audited;
        return out;
      },
      response);
}

}  // namespace handlers
}  // namespace

SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, SubmitLoanSubsidyClaim, Runs::kMutation)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, SubmitLoanSubsidyClaimFile, Runs::kMutation)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, GetLoanSubsidyClaim, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, ListLoanSubsidyClaims, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, ListLoanSubsidyClaimLines, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, ReviewLoanSubsidyClaim, Runs::kMutation)

namespace {

// UploadLoanSubsidyClaim: one message at a time, each handed to the executor (parsing, the
// engine and the staging writes never hold gRPC's threads), the next read only when it is done,
// so that memory holds one message and one chunk of lines whatever the claim's size. A stream
// the client cancels or cuts is never settled: its staged lines are deleted.
class UploadReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  UploadReactor(const ServiceContext& ctx, grpc::CallbackServerContext* context, grpc::ByteBuffer* response,
                Admission admission)
      : ctx_(ctx),
        context_(context),
        response_(response),
        writer_(*ctx.storage, ctx.policy->Get(), admission.caller, "UploadLoanSubsidyClaim"),
        keep_alive_(InFlight(ctx, std::move(admission.slot))),
        observe_(StreamObserver(&ctx, context, kMethod, admission.caller->name)) {
    StartRead(&in_);
  }

  static inline const std::string kMethodName =
      FullMethodName(LoanSubsidyServiceImpl::ProtoService::service_full_name(), "UploadLoanSubsidyClaim");
  static inline const char* const kMethod = kMethodName.c_str();

  void OnReadDone(bool ok) override {
    const bool too_many = ok && ++messages_ > ctx_.max_stream_messages;
    const bool cut = !ok && context_->IsCancelled();
    auto work = [this, ok, cut, too_many] {
      if (too_many) {
        return Fail(absl::ResourceExhaustedError(absl::StrCat(
            "more than ", ctx_.max_stream_messages, " messages in one upload; send more loans per message")));
      }
      if (cut) return Fail(absl::CancelledError("the upload was cut; nothing was stored"));
      if (!ok) return Settle();
      v1::SubmitLoanSubsidyClaimRequest message;
      absl::Status s = formats::ParseMessage(in_, &message);
      if (s.ok()) s = writer_.begun() ? writer_.Continue(message) : writer_.Begin(message);
      if (!s.ok()) return Fail(s);
      in_.Clear();
      StartRead(&in_);
    };
    if (!ctx_.executor->Submit(work)) {
      // Nothing of this call runs now; its staged lines (if any) go with the next attempt or the sweep.
      FinishWith(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "the server is overloaded; retry later"));
    }
  }

  void OnDone() override { delete this; }

 private:
  void Settle() {
    if (!writer_.begun()) return Fail(InvalidField("loans", "a claim has at least one loan"));
    bool replayed = false;
    auto claim = writer_.Finish(context_->deadline(), &replayed);
    if (!claim.ok()) return Fail(claim.status());
    if (replayed) context_->AddInitialMetadata(formats::kReplayMetadata, "true");
    absl::Status s = formats::ToWire(*claim, response_);
    FinishWith(CallerStatus(ctx_, *context_, s));
  }
  // Runs on the executor: deletes what was staged.
  void Fail(absl::Status status) {
    writer_.Abandon();
    FinishWith(CallerStatus(ctx_, *context_, status));
  }
  void FinishWith(grpc::Status status) {
    if (observe_) observe_(status);
    Finish(std::move(status));
  }

  const ServiceContext& ctx_;
  grpc::CallbackServerContext* context_;
  grpc::ByteBuffer* response_;
  grpc::ByteBuffer in_;
  ClaimWriter writer_;
  std::shared_ptr<void> keep_alive_;
  std::function<void(const grpc::Status&)> observe_;
  size_t messages_ = 0;
};

}  // namespace

grpc::ServerReadReactor<grpc::ByteBuffer>* LoanSubsidyServiceImpl::UploadLoanSubsidyClaim(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  auto admission = Admit(ctx_, context, UploadReactor::kMethod);
  if (!admission.ok()) {
    struct Refused final : grpc::ServerReadReactor<grpc::ByteBuffer> {
      explicit Refused(grpc::Status s) { Finish(std::move(s)); }
      void OnDone() override { delete this; }
    };
    const grpc::Status refused = CallerStatus(ctx_, *context, admission.status());
    if (auto observe = StreamObserver(&ctx_, context, UploadReactor::kMethod, "")) observe(refused);
    return new Refused(refused);
  }
  return new UploadReactor(ctx_, context, response, std::move(*admission));
}

absl::StatusOr<std::vector<v1::LoanSubsidyRequest>> LoansFromClaimFile(const Call& call, const std::string& file,
                                                                       const std::string& encoding_name) {
  auto encoding = formats::EncodingFromName(encoding_name.empty() ? "auto" : encoding_name);
  if (!encoding.ok()) return InvalidField("encoding", encoding.status().message());
  auto text = formats::DecodeText(file, *encoding);
  if (!text.ok()) return handlers::AboutTheFile(text.status());
  auto records = formats::ParseCsv(text->utf8);
  if (!records.ok()) return handlers::AboutTheFile(records.status());
  if (records->empty()) {
    return handlers::AboutTheFile(formats::FileError(formats::kFileEmpty, "is empty (a header row and one row per loan)"));
  }
  auto reader = formats::ClaimFileReader::FromHeader((*records)[0].cells);
  if (!reader.ok()) return handlers::AboutTheFile(reader.status());
  const MessageCatalogue& messages = call.data().messages();
  const Language language = LanguageOf(call.language());
  reader->WriteCellErrors({&messages, language});
  // Every bad row is named (the first 100 of them), so that a clerk corrects the file in one round.
  constexpr size_t kNamed = 100;
  std::vector<std::string> bad;
  std::vector<v1::LoanSubsidyRequest> loans;
  size_t bad_rows = 0;
  for (size_t i = 1; i < records->size(); ++i) {
    auto loan = reader->ParseRow((*records)[i].cells);
    if (loan.ok()) {
      loans.push_back(std::move(*loan));
    } else if (++bad_rows <= kNamed) {
      const std::string line = absl::StrCat((*records)[i].line), problems(loan.status().message());
      bad.push_back(messages.Render(MessageKind::kReason, formats::kClaimFileRow, language, {{"line", line}, {"problems", problems}})
                        .value_or(absl::StrCat("line ", line, ": ", problems)));
    }
  }
  if (bad_rows > 0) {
    if (bad_rows > kNamed) bad.push_back(absl::StrCat("… +", bad_rows - kNamed));
    const std::string rows = absl::StrJoin(bad, " ");
    return WithParams(WithReason(InvalidField("file", absl::StrCat(bad_rows, " rows do not parse; nothing was submitted: ",
                                                                   rows)),
                                 formats::kClaimFileRowsInvalid),
                      {{"bad_rows", absl::StrCat(bad_rows)}, {"rows", rows}});
  }
  return loans;
}

}  // namespace subsidy::service
