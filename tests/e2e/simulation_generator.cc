#include "e2e/simulation_generator.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "subsidy/v1/approval.grpc.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing::sim {

using ::subsidy::testing::TestLoan;
using ::subsidy::testing::TestUscc;

std::string Day(int day_of_2024) {
  static const int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0;
  while (day_of_2024 > kMonthDays[m]) day_of_2024 -= kMonthDays[m++];
  return absl::StrFormat("2024-%02d-%02d", m + 1, day_of_2024);
}

namespace {

// One call as `token`'s caller with a deadline.
template <typename Call, typename Req, typename Resp>
grpc::Status Send(const std::string& token, std::chrono::milliseconds deadline, Call call, const Req& req,
                  Resp* out) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  ctx.AddMetadata("authorization", "Bearer " + token);
  return call(&ctx, req, out);
}

// Whether the answer is a movement held for the second officer; if so the outcome says so.
template <typename Resp>
bool HeldBy(const grpc::Status& s, const Resp& out, Outcome* o, Held held) {
  if (!s.ok() || out.approval_state() != v1::Instruction::PENDING_APPROVAL) return false;
  o->held_id = out.instruction_id();
  o->held = std::move(held);
  absl::StrAppend(&o->answer, " held in ", out.instruction_id());
  return true;
}

// Posting adds the instruction's amount to a figure on a date (negative: takes it away).
// `made`: where the entry posting makes is kept (its id and date), when one is.
using Made = std::set<std::pair<std::string, std::string>>;
Held PostsAmount(bool paid, std::string date, int sign, Made* made = nullptr) {
  return {[paid, date, sign, made](const v1::Instruction& posted, Effect* e) {
            (paid ? e->paid : e->allocated)[date] += sign * posted.amount_fen();
            if (made) made->insert({posted.result_id(), date});
          }};
}

// A movement answered: held (posting it moves the instruction's amount), or posted at once: `fen`
// on `date`, and what it made (`id`) kept in `made`.
template <typename Resp>
void Moved(const grpc::Status& s, const Resp& out, const std::string& id, bool paid, const std::string& date,
           int64_t fen, Made* made, Outcome* o) {
  if (HeldBy(s, out, o, PostsAmount(paid, date, 1, made))) return;
  (paid ? o->effect.paid : o->effect.allocated)[date] += fen;
  if (s.ok()) made->insert({id, date});
}

// The payment lines in `state` (the first 500), at the time of asking.
absl::StatusOr<std::vector<v1::PaymentLine>> LinesIn(const std::string& token, const ChannelPtr& ch,
                                                    v1::PaymentLine::State state) {
  v1::ListPaymentLinesRequest r;
  r.set_state(state);
  r.set_page_size(500);
  v1::ListPaymentLinesResponse out;
  auto s = Send(token, std::chrono::seconds(10),
                [&](auto* c, auto& q, auto* o) { return v1::PaymentService::NewStub(ch)->ListPaymentLines(c, q, o); },
                r, &out);
  if (!s.ok()) return absl::UnavailableError(s.error_message());
  return std::vector<v1::PaymentLine>(out.lines().begin(), out.lines().end());
}

grpc::Status Unavailable(const absl::Status& s) { return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(s.message())); }

}  // namespace

Op Generator::Next(int n) {
  const std::string rid = absl::StrCat("sim-", n);
  const std::string date = Day(3 + Pick(360));
  const int64_t fen = 1'000 * (1 + Pick(60));
  switch (Pick(16)) {
    case 0: return Allocate(rid, v1::FundAllocation::UNIT, absl::StrCat("U", Pick(3)), fen, date);
    case 1:  // (early in the year, so that the runs after it can pay from it)
      return Allocate(rid, v1::FundAllocation::REWARD_POLICY, "YC-ABOVE-SCALE-ENTRY", 20'000'000, Day(3 + Pick(40)));
    case 2: return Allocate(rid, v1::FundAllocation::BANK, kBank, fen * 10, date);
    case 3: return SchoolAllocation(rid, fen, date);
    case 4: return FundPayment(rid, fen, date);
    case 5: return Expenditure(rid, fen, date);
    case 6: return ReverseExpenditure(rid, date);
    case 7: return ReverseEntry(rid, date);
    case 8: return Determination(rid, date);
    case 9: return Run(rid, date);
    case 10: return Claim(rid);
    case 11: return Review(rid, date);
    case 12: return BankReturn(rid, date);
    case 13: return Pick(2) == 0 ? Reissue(rid, date) : Return(rid);
    default: return Decide(rid, Pick(6));
  }
}

void Generator::Answered(const Outcome& o) {
  if (!o.held_id.empty()) pending_[o.held_id] = o.held;
  if (!o.decided_id.empty()) pending_.erase(o.decided_id);
  if (!o.failed_payment.empty()) failed_[o.failed_payment] = o.failed_on;
  if (!o.settled_payment.empty()) failed_.erase(o.settled_payment);
}

Op Generator::Allocate(const std::string& rid, int kind, const std::string& to, int64_t fen, const std::string& date) {
  v1::AllocateFundRequest r;
  r.set_request_id(rid);
  r.set_fund_id(kFund);
  r.set_recipient_kind(static_cast<v1::FundAllocation::RecipientKind>(kind));
  r.set_recipient_id(to);
  r.set_region_code("110106");
  r.set_amount_fen(fen);
  r.set_date(date);
  const std::string& maker = token("maker");
  return {rid, false, [r, maker, this](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::FundAllocation out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::FundService::NewStub(ch)->AllocateFund(c, q, x); }, r, &out);
            o->answer = out.allocation_id();
            const bool policy = r.recipient_kind() == v1::FundAllocation::REWARD_POLICY;
            Moved(s, out, out.allocation_id(), false, r.date(), r.amount_fen(), &allocations_, o);
            if (policy && !o->held_id.empty()) {  // posting it funds the policy
              o->held.post = [this, date = r.date()](const v1::Instruction& posted, Effect* e) {
                e->allocated[date] += posted.amount_fen();
                allocations_.insert({posted.result_id(), date});
                policy_funded_ = true;
              };
            }
            if (s.ok() && policy && o->held_id.empty()) policy_funded_ = true;
            return s;
          }, "AllocateFund"};
}

Op Generator::SchoolAllocation(const std::string& rid, int64_t fen, const std::string& date) {
  v1::AllocateFundsRequest r;
  r.set_request_id(rid);
  r.set_school_id(absl::StrCat("110106-S", Pick(2)));
  r.set_source(v1::DISTRICT);
  r.set_amount_fen(fen);
  r.set_date(date);
  r.set_fund_id(kFund);
  const std::string& maker = token("maker");
  return {rid, false, [r, maker, this](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::FundBalance out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::EducationFundService::NewStub(ch)->AllocateFunds(c, q, x); }, r, &out);
            o->answer = out.fund_allocation_id();
            // (A posted instruction names the school ledger's ALLOC-…, not the fund's entry: not kept.)
            if (HeldBy(s, out, o, PostsAmount(false, r.date(), 1))) return s;
            Moved(s, out, out.fund_allocation_id(), false, r.date(), r.amount_fen(), &allocations_, o);
            return s;
          }, "AllocateFunds"};
}

Op Generator::FundPayment(const std::string& rid, int64_t fen, const std::string& date) {
  v1::RecordFundPaymentRequest r;
  r.set_request_id(rid);
  r.set_fund_id(kFund);
  r.set_recipient_id(absl::StrCat("U", Pick(3)));
  r.set_amount_fen(fen / 2);
  r.set_date(date);
  if (Pick(2) == 0) {  // paid to a payee: a line of the day's batch to the bank
    r.set_payee("某某设备有限公司");
    r.set_payee_account(absl::StrCat("62220200001", 10000 + Pick(90000)));
    r.set_payee_bank("中国工商银行");
  }
  const std::string& maker = token("maker");
  return {rid, false, [r, maker, this](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::FundPayment out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::FundService::NewStub(ch)->RecordFundPayment(c, q, x); }, r, &out);
            o->answer = out.payment_id();
            Moved(s, out, out.payment_id(), true, r.date(), r.amount_fen(), &payments_, o);
            return s;
          }, "RecordFundPayment"};
}

Op Generator::Expenditure(const std::string& rid, int64_t fen, const std::string& date) {
  v1::RecordExpenditureRequest r;
  r.set_request_id(rid);
  r.set_school_id(absl::StrCat("110106-S", Pick(2)));
  r.set_category("TEACHING");
  r.set_amount_fen(fen / 2);
  r.set_date(date);
  const std::string& school = token("school");
  return {rid, false, [r, school, this](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::Expenditure out;
            auto s = Send(school, deadline, [&](auto* c, auto& q, auto* x) { return v1::EducationFundService::NewStub(ch)->RecordExpenditure(c, q, x); }, r, &out);
            o->answer = out.expenditure_id();
            for (const auto& p : out.fund_payments()) o->effect.paid[r.date()] += p.amount_fen();
            if (s.ok()) expenditures_.insert({out.expenditure_id(), r.date()});
            return s;
          }, "RecordExpenditure"};
}

Op Generator::ReverseExpenditure(const std::string& rid, const std::string& date) {
  if (expenditures_.empty()) return Expenditure(rid, 1'000 * (1 + Pick(60)), date);
  const auto& [id, on] = Any(expenditures_);
  v1::ReverseExpenditureRequest r;
  r.set_request_id(rid);
  r.set_expenditure_id(id);
  r.set_date(std::max(on, date));
  r.set_reason("模拟");
  const std::string& school = token("school");
  return {rid, false, [r, school](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::Expenditure out;
            auto s = Send(school, deadline, [&](auto* c, auto& q, auto* x) { return v1::EducationFundService::NewStub(ch)->ReverseExpenditure(c, q, x); }, r, &out);
            o->answer = absl::StrCat(out.expenditure_id(), " ", out.reverses_expenditure_id());
            for (const auto& p : out.fund_payments()) o->effect.paid[r.date()] -= p.amount_fen();
            return s;
          }, "ReverseExpenditure"};
}

Op Generator::ReverseEntry(const std::string& rid, const std::string& date) {
  const bool payment = Pick(2) == 0 && !payments_.empty();
  auto& from = payment ? payments_ : allocations_;
  if (from.empty()) return FundPayment(rid, 1'000 * (1 + Pick(60)), date);
  const auto& [id, on] = Any(from);
  v1::ReverseFundEntryRequest r;
  r.set_request_id(rid);
  r.set_entry_id(id);
  r.set_date(std::max(on, date));
  r.set_reason("模拟");
  const std::string& maker = token("maker");
  return {rid, false, [r, maker, payment](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::FundEntry out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::FundService::NewStub(ch)->ReverseFundEntry(c, q, x); }, r, &out);
            o->answer = out.entry_id();
            if (HeldBy(s, out, o, PostsAmount(payment, r.date(), -1))) return s;
            (out.reverses_kind() == v1::FundEntry::PAYMENT ? o->effect.paid : o->effect.allocated)[r.date()] -= out.amount_fen();
            return s;
          }, "ReverseFundEntry"};
}

Op Generator::Determination(const std::string& rid, const std::string& date) {
  // (Until a fund allocates to the policy for 2024 the data's budget pays its awards, outside any
  // fund: determinations and runs wait for that allocation.)
  if (!policy_funded_) return Allocate(rid, v1::FundAllocation::REWARD_POLICY, "YC-ABOVE-SCALE-ENTRY", 20'000'000, date);
  v1::SubmitDeterminationRequest r;
  r.set_request_id(rid);
  r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
  r.set_enterprise_uscc(TestUscc(Pick(40)));
  r.set_enterprise_name("企业");
  r.set_determination_date(date);
  const std::string& portal = token("portal");
  return {rid, false, [r, portal](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::Payout out;
            auto s = Send(portal, deadline, [&](auto* c, auto& q, auto* x) { return v1::RewardPayoutService::NewStub(ch)->SubmitDetermination(c, q, x); }, r, &out);
            o->answer = absl::StrCat(out.payout_id(), " ", out.status(), " ", out.amount_fen());
            return s;
          }, "SubmitDetermination"};
}

Op Generator::Run(const std::string& rid, const std::string& date) {
  if (!policy_funded_) return Determination(rid, date);
  v1::RunDisbursementRequest r;
  r.set_request_id(rid);
  r.set_payment_date(date);
  const std::string& maker = token("maker");
  return {rid, false, [r, maker](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::RunDisbursementResponse out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::RewardPayoutService::NewStub(ch)->RunDisbursement(c, q, x); }, r, &out);
            o->answer = absl::StrCat(out.paid_fen(), " ", out.paid_count());
            // Held: approval posts the instruction's amount (all the run pays) or nothing.
            if (HeldBy(s, out, o, PostsAmount(true, r.payment_date(), 1))) return s;
            o->effect.paid[r.payment_date()] += out.paid_fen();
            return s;
          }, "RunDisbursement"};
}

Op Generator::Claim(const std::string& rid) {  // one new loan, or one claimed before (a duplicate of the period)
  v1::SubmitLoanSubsidyClaimRequest c;
  c.set_request_id(rid);
  c.set_bank_id(kBank);
  c.set_fund_id(kFund);
  c.mutable_settlement_period()->set_start_date("2024-03-21");
  c.mutable_settlement_period()->set_end_date("2024-06-20");
  *c.add_loans() = TestLoan(absl::StrCat("L", Pick(30)));
  const std::string& bank = token("bank");
  return {rid, false, [c, bank, this](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::LoanSubsidyClaim out;
            auto s = Send(bank, deadline, [&](auto* x, auto& q, auto* y) { return v1::LoanSubsidyService::NewStub(ch)->SubmitLoanSubsidyClaim(x, q, y); }, c, &out);
            o->answer = absl::StrCat(out.claim_id(), " ", out.accepted_count(), " ", out.total_subsidy_fen(), " ", out.fund_id());
            if (s.ok()) claims_.insert(out.claim_id());
            return s;
          }, "SubmitLoanSubsidyClaim"};
}

Op Generator::Review(const std::string& rid, const std::string& date) {  // approved and paid, or rejected
  if (claims_.empty()) return Claim(rid);
  v1::ReviewLoanSubsidyClaimRequest r;
  r.set_request_id(rid);
  r.set_claim_id(Any(claims_));
  const bool approve = Pick(3) != 0;
  r.set_decision(approve ? v1::ReviewLoanSubsidyClaimRequest::APPROVE : v1::ReviewLoanSubsidyClaimRequest::REJECT);
  (approve ? r.mutable_payment_date() : r.mutable_reason())->assign(approve ? date : "模拟");
  const std::string& maker = token("maker");
  return {rid, false, [r, maker](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::LoanSubsidyClaim out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::LoanSubsidyService::NewStub(ch)->ReviewLoanSubsidyClaim(c, q, x); }, r, &out);
            o->answer = absl::StrCat(out.claim_id(), " ", out.status());
            if (HeldBy(s, out, o, PostsAmount(true, r.payment_date(), 1))) return s;
            if (out.status() == v1::LoanSubsidyClaim::PAID) o->effect.paid[r.payment_date()] += out.total_subsidy_fen();
            return s;
          }, "ReviewLoanSubsidyClaim"};
}

// The bank's return file: a line sent and not yet answered, confirmed or failed (its money back in
// the fund on the failure's day), sometimes beside a voucher no line has. The file is written at
// its first send and sent the same every time after.
Op Generator::BankReturn(const std::string& rid, const std::string& date) {
  const int pick = Pick(1000), how = Pick(4);
  const std::string& checker = token("checker");
  struct File {
    std::string text, failed_on;  // failed_on: the failed row's day
    std::string payment_id;       // the line the file fails, if it does
  };
  auto file = std::make_shared<File>();
  return {rid, false, [=](const ChannelPtr& ch, auto deadline, Outcome* o) {
            if (file->text.empty()) {
              auto sent = LinesIn(checker, ch, v1::PaymentLine::SENT);
              if (!sent.ok()) return Unavailable(sent.status());
              file->text = "凭证号,金额,状态,失败原因,日期\n";
              if (!sent->empty()) {
                const v1::PaymentLine& line = (*sent)[pick % sent->size()];
                file->failed_on = std::max(line.payment_date(), date);
                if (how != 0) file->payment_id = line.payment_id();
                absl::StrAppend(&file->text, line.voucher_no(), ",", line.amount_fen() / 100, ".",
                                absl::StrFormat("%02d", line.amount_fen() % 100), how == 0 ? ",成功," : ",失败,账户冻结",
                                ",", file->failed_on, "\n");
              }
              if (sent->empty() || how == 3) absl::StrAppend(&file->text, "FV-NONE-", pick, ",1.00,成功,,", date, "\n");
            }
            v1::ImportBankReturnRequest r;
            r.set_request_id(rid);
            r.set_file(file->text);
            v1::BankReturnResult out;
            auto s = Send(checker, deadline, [&](auto* c, auto& q, auto* x) { return v1::PaymentService::NewStub(ch)->ImportBankReturn(c, q, x); }, r, &out);
            o->answer = absl::StrCat(out.import_id(), " ", out.confirmed_fen(), " ", out.failed_fen(), " ", out.discrepancy_count());
            if (out.failed_fen() != 0) o->effect.paid[file->failed_on] -= out.failed_fen();
            if (s.ok() && out.failed_fen() != 0) o->failed_payment = file->payment_id, o->failed_on = file->failed_on;
            return s;
          }, "ImportBankReturn"};
}

// A failed line paid again (its money drawn again; held when it is 20,000 分 or more), on a day
// not before its failure (a weekend or holiday is refused by the calendar).
Op Generator::Reissue(const std::string& rid, const std::string& date) {
  if (failed_.empty()) return BankReturn(rid, date);
  const auto& [payment, failed_on] = Any(failed_);
  v1::ReissuePaymentRequest r;
  r.set_request_id(rid);
  r.set_payment_id(payment);
  r.set_date(std::max(failed_on, date));
  r.set_payee_account("6222020000999999");
  const std::string& maker = token("maker");
  return {rid, false, [r, maker](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::PaymentLine out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::PaymentService::NewStub(ch)->ReissuePayment(c, q, x); }, r, &out);
            o->answer = absl::StrCat(out.payment_id(), " ", out.state(), " ", out.amount_fen());
            if (s.ok()) o->settled_payment = r.payment_id();
            if (HeldBy(s, out, o, PostsAmount(true, r.date(), 1))) return s;
            if (s.ok()) o->effect.paid[r.date()] += out.amount_fen();
            return s;
          }, "ReissuePayment"};
}

// A failed line returned (退回): nothing moves, the money stays in the fund.
Op Generator::Return(const std::string& rid) {
  if (failed_.empty()) return BankReturn(rid, Day(3 + Pick(360)));
  v1::ReturnPaymentRequest r;
  r.set_request_id(rid);
  r.set_payment_id(Any(failed_).first);
  r.set_reason("收款人账户已注销");
  const std::string& maker = token("maker");
  return {rid, false, [r, maker](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::PaymentLine out;
            auto s = Send(maker, deadline, [&](auto* c, auto& q, auto* x) { return v1::PaymentService::NewStub(ch)->ReturnPayment(c, q, x); }, r, &out);
            o->answer = absl::StrCat(out.payment_id(), " ", out.state());
            if (s.ok()) o->settled_payment = r.payment_id();
            HeldBy(s, out, o, Held{[](const v1::Instruction&, Effect*) {}});  // posting moves nothing
            return s;
          }, "ReturnPayment"};
}

// A pending instruction decided: approved by the checker (posted: what it held moves), rejected
// by the checker, or (invalid) approved by its own maker.
Op Generator::Decide(const std::string& rid, int how) {
  if (pending_.empty()) return Allocate(rid, v1::FundAllocation::UNIT, absl::StrCat("U", Pick(3)), 30'000, Day(3 + Pick(360)));
  const auto& [id, held] = Any(pending_);
  const std::string& who = token(how == 0 ? "maker" : "checker");
  return {rid, how == 0, [=, id = id, held = held](const ChannelPtr& ch, auto deadline, Outcome* o) {
            v1::Instruction out;
            grpc::Status s;
            if (how == 1) {
              v1::RejectInstructionRequest r;
              r.set_request_id(rid);
              r.set_instruction_id(id);
              r.set_reason("金额有误");
              s = Send(who, deadline, [&](auto* c, auto& q, auto* x) { return v1::ApprovalService::NewStub(ch)->RejectInstruction(c, q, x); }, r, &out);
            } else {
              v1::ApproveInstructionRequest r;
              r.set_request_id(rid);
              r.set_instruction_id(id);
              s = Send(who, deadline, [&](auto* c, auto& q, auto* x) { return v1::ApprovalService::NewStub(ch)->ApproveInstruction(c, q, x); }, r, &out);
            }
            o->answer = absl::StrCat(out.instruction_id(), " ", v1::Instruction::State_Name(out.state()), " ", out.result_id(), " ",
                                     out.amount_fen());
            if (!s.ok()) return s;
            o->decided_id = id;
            if (out.state() != v1::Instruction::POSTED) return s;
            held.post(out, &o->effect);
            return s;
          }, "ApproveOrRejectInstruction"};
}

}  // namespace subsidy::testing::sim
