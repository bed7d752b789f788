#include "services/payment_postings.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "services/fund_postings.h"
#include "services/reward_budget.h"

namespace subsidy::service {

v1::PaymentLine::State StateToProto(funds::PaymentState s) {
  switch (s) {
    case funds::PaymentState::kSent: return v1::PaymentLine::SENT;
    case funds::PaymentState::kConfirmed: return v1::PaymentLine::CONFIRMED;
    case funds::PaymentState::kFailed: return v1::PaymentLine::FAILED;
    case funds::PaymentState::kReissued: return v1::PaymentLine::REISSUED;
    case funds::PaymentState::kReturned: return v1::PaymentLine::RETURNED;
  }
  return v1::PaymentLine::STATE_UNSPECIFIED;
}

void LineToProto(const storage::PaymentLineRow& l, v1::PaymentLine* out) {
  out->set_payment_id(storage::PaymentIdFor(l.seq));
  out->set_batch_id(l.batch_id);
  out->set_voucher_no(l.voucher_no);
  out->set_payee_name(l.payee_name);
  out->set_payee_account(funds::MaskAccount(l.payee_account));
  out->set_payee_bank(l.payee_bank);
  out->set_payee_id(l.payee_id);
  out->set_amount_fen(l.amount.fen());
  out->set_tracking_id(l.tracking_id);
  out->set_state(StateToProto(l.state));
  out->set_bank_serial(l.bank_serial);
  out->set_failure_reason(l.failure_reason);
  switch (l.source) {
    case storage::PaymentSource::kPayout: out->set_source(v1::PaymentLine::PAYOUT); break;
    case storage::PaymentSource::kClaim: out->set_source(v1::PaymentLine::CLAIM); break;
    case storage::PaymentSource::kFundPayment: out->set_source(v1::PaymentLine::FUND_PAYMENT); break;
  }
  out->set_source_id(l.source_id);
  out->set_payment_date(l.payment_date.ToString());
  out->set_bank_date(l.bank_date);
  if (l.reissue_of != 0) out->set_reissue_of(storage::PaymentIdFor(l.reissue_of));
  if (l.reissued_by != 0) out->set_reissued_by(storage::PaymentIdFor(l.reissued_by));
  out->set_return_reason(l.return_reason);
}

absl::StatusOr<std::string> SendPayment(storage::LedgerTx& tx, const OutgoingPayment& p) {
  storage::PaymentLineRow l;
  l.source = p.source;
  l.source_id = p.source_id;
  l.payee_name = p.payee_name;
  l.payee_account = p.payee_account;
  l.payee_bank = p.payee_bank;
  l.payee_id = p.payee_id;
  l.amount = p.amount;
  l.payment_date = p.date;
  l.voucher_no = p.voucher_no;
  l.created_by = p.caller;
  l.tracking_id = p.source_id;
  std::vector<int64_t> entries;
  for (const auto& id : p.fund_payment_ids) {
    auto seq = storage::FundEntrySeqFrom(id);
    if (!seq) return absl::InternalError(absl::StrCat("a payment line paying ", id));
    auto e = tx.funds().FundEntryById(*seq);
    if (!e.ok()) return e.status();
    if (!e->has_value()) return absl::InternalError(absl::StrCat("no fund entry ", id));
    // The money's 业务追溯识别码 follows it from the allocation it was drawn on.
    if (entries.empty() && !(*e)->entry.tracking_id.empty()) l.tracking_id = (*e)->entry.tracking_id;
    entries.push_back(*seq);
  }
  auto seq = tx.payments().AddLine(l, entries);
  if (!seq.ok()) return seq.status();
  return storage::PaymentIdFor(*seq);
}

absl::Status FailPayment(storage::LedgerTx& tx, const storage::PaymentLineRow& line, const std::string& reason,
                         const std::string& bank_date, Date failed_date, const std::string& import_id,
                         const std::string& request_id, const std::string& caller) {
  std::vector<int64_t> entries;
  auto locked = tx.payments().LineForUpdate(line.seq, &entries);
  if (!locked.ok()) return locked.status();
  if (auto s = tx.payments().Fail(line, reason, bank_date, failed_date, import_id); !s.ok()) return s;
  // The money goes back where it came from, dated the failure (never before the payment).
  const Date on = std::max(failed_date, line.payment_date);
  for (int64_t id : entries) {
    auto e = tx.funds().FundEntryById(id);
    if (!e.ok()) return e.status();
    if (!e->has_value()) return absl::InternalError(absl::StrCat("no fund entry ", id));
    const storage::FundEntry& paid = (*e)->entry;
    auto reversed = ReversePayment(tx.funds(), {id, paid.fund_id, paid.recipient_id, paid.tracking_id, paid.amount, on,
                                                import_id, request_id, caller});
    if (!reversed.ok()) return reversed.status();
  }
  if (line.source == storage::PaymentSource::kPayout) {
    auto payout = tx.payouts().PayoutForUpdate(*storage::PayoutSeqFrom(line.source_id));
    if (!payout.ok()) return payout.status();
    if (!payout->has_value()) return absl::InternalError(absl::StrCat("no payout ", line.source_id));
    const storage::PayoutRow& p = **payout;
    if (auto s = tx.payouts().PolicyAwarded(p.policy_id); !s.ok()) return s.status();  // locks the budget row
    return tx.payouts().MoveAwarded(p.policy_id, p.award_year, Money::Fen(-line.amount.fen()));
  }
  return absl::OkStatus();
}

namespace {

absl::Status NotFailed(const storage::PaymentLineRow& l) {
  const std::string id = storage::PaymentIdFor(l.seq), state = funds::PaymentStateName(l.state);
  return WithParams(FailedPrecondition(funds::kPaymentNotFailed,
                                       absl::StrCat(id, " is ", state, ": only a FAILED line is reissued or returned")),
                    {{"payment_id", id}, {"state", state}});
}

absl::StatusOr<storage::PaymentLineRow> FailedLine(storage::LedgerTx& tx, int64_t seq, std::vector<int64_t>* entries) {
  auto line = tx.payments().LineForUpdate(seq, entries);
  if (!line.ok()) return line.status();
  if (!line->has_value()) return absl::NotFoundError(absl::StrCat("no payment ", storage::PaymentIdFor(seq)));
  if ((*line)->state != funds::PaymentState::kFailed) return NotFailed(**line);
  return std::move(**line);
}

// "PV…-R1" for the first reissue of "PV…", "PV…-R2" for the next.
std::string ReissueVoucher(const std::string& voucher) {
  const size_t r = voucher.rfind("-R");
  int n = 0;
  if (r != std::string::npos && absl::SimpleAtoi(voucher.substr(r + 2), &n) && n > 0) {
    return absl::StrCat(voucher.substr(0, r), "-R", n + 1);
  }
  return absl::StrCat(voucher, "-R1");
}

// A payout's reissue takes its year's budget again, if the year still has it.
absl::Status RetakeBudget(storage::LedgerTx& tx, const PolicyData& data, const storage::PaymentLineRow& l) {
  auto payout = tx.payouts().PayoutForUpdate(*storage::PayoutSeqFrom(l.source_id));
  if (!payout.ok()) return payout.status();
  if (!payout->has_value()) return absl::InternalError(absl::StrCat("no payout ", l.source_id));
  const storage::PayoutRow& p = **payout;
  const RewardPolicy* policy = data.rewards().Find(p.policy_id);
  if (policy != nullptr) {
    auto budgeted = WithBudget(tx, *policy, p.award_year);
    if (!budgeted.ok()) return budgeted.status();
    const int64_t remaining = budgeted->policy.budget.fen() - budgeted->awarded.fen();
    if (remaining < l.amount.fen()) {
      return WithParams(FailedPrecondition(funds::kReissueOverBudget,
                                           absl::StrCat(p.policy_id, "'s ", p.award_year, " budget has ",
                                                        Money::Fen(remaining).ToYuanString(), " 元 left")),
                        {{"policy_id", p.policy_id},
                         {"year", absl::StrCat(p.award_year)},
                         {"remaining_yuan", Money::Fen(remaining).ToYuanString()}});
    }
  }
  return tx.payouts().MoveAwarded(p.policy_id, p.award_year, l.amount);
}

// The failed line's fund payments made again on `date`, each within what its recipient's
// allocation holds payable then; their new ids.
absl::StatusOr<std::vector<std::string>> PayAgain(storage::LedgerTx& tx, const PolicyData& data,
                                                  const std::vector<int64_t>& entries, const Reissue& r) {
  std::vector<std::string> out;
  for (int64_t id : entries) {
    auto e = tx.funds().FundEntryById(id);
    if (!e.ok()) return e.status();
    if (!e->has_value()) return absl::InternalError(absl::StrCat("no fund entry ", id));
    const storage::FundEntry& was = (*e)->entry;
    auto fund = LockedFund(tx.funds(), was.fund_id);
    if (!fund.ok()) return fund.status();
    auto payable = Payable(tx.funds(), was.fund_id, was.recipient_id, r.date);
    if (!payable.ok()) return payable.status();
    if (auto s = funds::CheckPayment(was.fund_id, was.recipient_id, *payable, was.amount, r.date); !s.ok()) return s;
    auto paid = PostPayment(tx.funds(), data, *fund,
                            {was.recipient_id, was.amount, r.date, was.category, was.payee, was.reference,
                             r.request_id, r.caller, was.tracking_id});
    if (!paid.ok()) return paid.status();
    out.push_back(*paid);
  }
  return out;
}

}  // namespace

absl::StatusOr<storage::PaymentLineRow> ReissueFailed(storage::LedgerTx& tx, const PolicyData& data, int64_t seq,
                                                      const Reissue& r) {
  std::vector<int64_t> entries;
  auto line = FailedLine(tx, seq, &entries);
  if (!line.ok()) return line.status();
  auto failed = Date::Parse(line->failed_date);
  if (!failed.ok()) return absl::InternalError(absl::StrCat("a failed line without its date: ", line->failed_date));
  if (auto s = funds::CheckReissueDate(data.calendar(), storage::PaymentIdFor(seq), *failed, r.date); !s.ok()) return s;
  if (line->source == storage::PaymentSource::kPayout) {
    if (auto s = RetakeBudget(tx, data, *line); !s.ok()) return s;
  }
  auto paid = PayAgain(tx, data, entries, r);
  if (!paid.ok()) return paid.status();
  if (auto s = tx.payments().Close(*line, funds::PaymentState::kReissued, r.request_id, ""); !s.ok()) return s;
  storage::PaymentLineRow next = *line;
  next.reissue_of = line->seq;
  next.payment_date = r.date;
  next.voucher_no = ReissueVoucher(line->voucher_no);
  if (!r.payee_name.empty()) next.payee_name = r.payee_name;
  if (!r.payee_account.empty()) next.payee_account = r.payee_account;
  if (!r.payee_bank.empty()) next.payee_bank = r.payee_bank;
  next.created_by = r.caller;
  std::vector<int64_t> new_entries;
  for (const auto& id : *paid) new_entries.push_back(*storage::FundEntrySeqFrom(id));
  auto added = tx.payments().AddLine(next, new_entries);  // same tracking id: the money's own
  if (!added.ok()) return added.status();
  auto out = tx.payments().LineForUpdate(*added, nullptr);
  if (!out.ok()) return out.status();
  return std::move(**out);
}

absl::StatusOr<storage::PaymentLineRow> ReturnFailed(storage::LedgerTx& tx, int64_t seq, const std::string& reason,
                                                     const std::string& request_id) {
  auto line = FailedLine(tx, seq, nullptr);
  if (!line.ok()) return line.status();
  if (auto s = tx.payments().Close(*line, funds::PaymentState::kReturned, request_id, reason); !s.ok()) return s;
  auto out = tx.payments().LineForUpdate(seq, nullptr);
  if (!out.ok()) return out.status();
  return std::move(**out);
}

}  // namespace subsidy::service
