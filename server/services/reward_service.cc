#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "formats/csv.h"
#include "formats/payment_file.h"
#include "common/status_util.h"
#include "funds/execution.h"
#include "ids/ids.h"
#include "ops/log.h"
#include "reward/reward_engine.h"
#include "services/common.h"
#include "services/determinations.h"
#include "services/status_mapping.h"
#include "services/disbursement_scheduler.h"
#include "services/fund_postings.h"
#include "services/payment_postings.h"
#include "services/reward_budget.h"
#include "services/services.h"

namespace subsidy::service {
namespace {



constexpr char kPayoutAlreadyDisbursed[] = "PAYOUT_ALREADY_DISBURSED";
constexpr char kPayoutAlreadyCancelled[] = "PAYOUT_ALREADY_CANCELLED";
constexpr char kPayoutNotScheduled[] = "PAYOUT_NOT_SCHEDULED";  // a rejected determination: nothing to cancel

namespace handlers {

absl::Status ListRewardPolicies(Call& call, const v1::ListRewardPoliciesRequest& request,
                                v1::ListRewardPoliciesResponse* response) {
  // Each policy's budget for the year (this year's, China Standard Time, unless asked), the one
  // SubmitDetermination measures a determination of that year against (reward::BudgetForYear).
  if (request.budget_year() != 0 && (request.budget_year() < 2000 || request.budget_year() > 2100)) {
    return InvalidField("budget_year", "a year, 2000 to 2100, or 0 for this year");
  }
  const int year = request.budget_year() != 0 ? request.budget_year() : call.clock().TodayInChina().year();
  auto awarded = call.storage().payouts().AwardedByPolicy();
  if (!awarded.ok()) return awarded.status();
  auto awarded_in_year = call.storage().payouts().AwardedByPolicyInYear(year);
  if (!awarded_in_year.ok()) return awarded_in_year.status();
  auto funded = call.storage().funds().AllocatedByRecipient("REWARD_POLICY", year);
  if (!funded.ok()) return funded.status();
  const auto budgets =
      reward::BudgetsForYear(call.data().rewards().policies, *funded, *awarded_in_year, *awarded);
  for (const auto& p : call.data().rewards().policies) {
    auto* x = response->add_policies();
    x->set_policy_id(p.policy_id);
    x->set_name(p.name);
    x->set_department(p.department);
    x->set_formula(RewardFormulaName(p.formula));
    x->set_metric(p.metric);
    x->set_fixed_amount_fen(p.fixed_amount.fen());
    if (p.formula == RewardFormula::kRateWithCap) x->set_rate_percent(p.rate.ToString());
    x->set_per_award_cap_fen(p.per_award_cap.fen());
    x->set_per_unit_fen(p.per_unit.fen());
    x->set_annual_cap_fen(p.annual_cap.fen());
    for (const auto& t : p.tiers) {
      auto* tier = x->add_tiers();
      tier->set_min_metric(t.min_metric);
      tier->set_amount_fen(t.amount.fen());
    }
    const reward::PolicyBudget& budget = budgets.at(p.policy_id);
    x->set_budget_fen(budget.budget.fen());
    x->set_remaining_budget_fen(budget.Remaining().fen());
    x->set_budget_year(year);
    x->set_funded(budget.from_funds);
    x->set_payout_working_days(p.payout_working_days);
    x->set_repeat_rule(RepeatRuleName(p.repeat_rule));
    x->set_group(p.group);
    x->set_status(CodeOf(p.status));
    x->set_source(p.source);
    x->set_formula_description(reward::DescribeFormula(p));
  }
  response->set_data_version(call.data().version());
  return absl::OkStatus();
}

absl::Status SubmitDetermination(Call& call, const v1::SubmitDeterminationRequest& request, v1::Payout* response) {
  if (request.policy_id().empty()) return RequiredField("policy_id");
  const RewardPolicy* policy = call.data().rewards().Find(request.policy_id());
  if (policy == nullptr) return absl::NotFoundError("no reward policy \"" + request.policy_id() + "\"");
  if (auto s = ValidateUscc(request.enterprise_uscc()); !s.ok()) return InvalidField("enterprise_uscc", s.message());
  if (request.enterprise_name().size() > 300) return InvalidField("enterprise_name", "at most 300 bytes");
  if (auto s = ValidateAccount(request.payee_account(), "payee_account"); !s.ok()) return s;
  if (auto s = ValidatePayeeText(request.payee_bank(), "payee_bank", 200); !s.ok()) return s;
  auto date = ParseDate(request.determination_date(), "determination_date");
  if (!date.ok()) return date.status();
  const std::map<std::string, std::string> metrics(request.metrics().begin(), request.metrics().end());
  // Bad metrics are bad input: refuse before anything is recorded.
  if (auto f = reward::FormulaAmount(*policy, metrics); !f.ok()) return f.status();
  auto due = call.data().calendar().AddWorkingDays(*date, policy->payout_working_days);
  if (!due.ok()) return due.status();  // FAILED_PRECONDITION CALENDAR_NOT_AVAILABLE
  const Determination determination{&call, &request, policy, metrics, *date, *due};
  absl::Status done = call.MutateCombined(
      request, {"policy:" + request.policy_id(), "enterprise:" + request.enterprise_uscc()}, Determinations(),
      &determination, response);
  if (done.ok()) LocalizeReasons(response->mutable_reasons(), call.data().messages(), LanguageOf(call.language()));
  return done;
}

absl::Status GetPayout(Call& call, const v1::GetPayoutRequest& request, v1::Payout* response) {
  if (request.payout_id().empty()) return RequiredField("payout_id");
  auto seq = storage::PayoutSeqFrom(request.payout_id());
  if (!seq) return absl::NotFoundError("no payout \"" + request.payout_id() + "\"");
  auto row = call.storage().payouts().GetPayout(*seq);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError("no payout \"" + request.payout_id() + "\"");
  PayoutToProto(**row, response, call.clock().TodayInChina());
  LocalizeReasons(response->mutable_reasons(), call.data().messages(), LanguageOf(call.language()));
  return absl::OkStatus();
}

absl::Status ListPayouts(Call& call, const v1::ListPayoutsRequest& request, v1::ListPayoutsResponse* response) {
  storage::PayoutFilter f;
  // A filter that names nothing that exists is an error, not an empty page.
  if (!request.policy_id().empty() && call.data().rewards().Find(request.policy_id()) == nullptr) {
    return absl::NotFoundError("no reward policy \"" + request.policy_id() + "\"");
  }
  if (!request.enterprise_uscc().empty()) {
    if (auto s = ValidateUscc(request.enterprise_uscc()); !s.ok()) return InvalidField("enterprise_uscc", s.message());
  }
  f.policy_id = request.policy_id();
  f.enterprise_uscc = request.enterprise_uscc();
  if (request.status() != v1::PAYOUT_STATUS_UNSPECIFIED) {
    if (!v1::PayoutStatus_IsValid(request.status())) return InvalidField("status", "not a PayoutStatus");
    f.status = storage::PayoutStatusFromName(v1::PayoutStatus_Name(request.status()));
  }
  if (!request.overdue_as_of().empty()) {
    auto d = ParseDate(request.overdue_as_of(), "overdue_as_of");
    if (!d.ok()) return d.status();
    f.overdue_as_of = *d;
  }
  if (!request.paid_date().empty()) {
    auto d = ParseDate(request.paid_date(), "paid_date");
    if (!d.ok()) return d.status();
    f.paid_date = *d;
  }
  f.paid_late = request.paid_late();
  if (request.with_totals()) {
    auto totals = call.storage().payouts().TotalPayouts(f);
    if (!totals.ok()) return totals.status();
    response->set_total_count(totals->count);
    response->set_total_amount_fen(totals->amount.fen());
  }
  auto page = ParsePage(request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  f.after_seq = page->after;
  f.limit = page->limit;
  auto rows = call.storage().payouts().ListPayouts(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  const Date today = call.clock().TodayInChina();
  for (const auto& r : *rows) {
    v1::Payout* p = response->add_payouts();
    PayoutToProto(r, p, today);
    LocalizeReasons(p->mutable_reasons(), call.data().messages(), LanguageOf(call.language()));
  }
  if (more) response->set_next_page_token(EncodePageToken(rows->back().seq));
  return absl::OkStatus();
}

// A payment batch's file: every line of the batch, the accounts whole (the one place they are).
absl::Status BatchFile(Call& call, const std::string& batch_id, formats::Encoding encoding, v1::PaymentFile* response) {
  storage::PaymentLineFilter f;
  f.batch_id = batch_id;
  f.limit = kMaxPageSize;
  std::string csv = formats::BatchFileCsvHeader();
  Money total;
  for (;;) {
    auto rows = call.storage().payments().ListLines(f);
    if (!rows.ok()) return rows.status();
    for (const auto& l : *rows) {
      csv += formats::BatchFileCsvRow({l.voucher_no, l.payee_account, l.payee_name, l.payee_bank, l.amount.fen(),
                                       storage::PaymentIdFor(l.seq), l.source_id, l.tracking_id,
                                       l.payment_date.ToString()});
      auto sum = total.Plus(l.amount);
      if (!sum.ok()) return sum.status();
      total = *sum;
    }
    response->set_payment_count(response->payment_count() + static_cast<int64_t>(rows->size()));
    if (static_cast<int>(rows->size()) < f.limit) break;
    f.after_seq = rows->back().seq;
  }
  if (response->payment_count() == 0) return absl::NotFoundError(absl::StrCat("no payment batch ", batch_id));
  auto bytes = formats::EncodeText(csv, encoding);
  if (!bytes.ok()) return bytes.status();
  response->set_file_name(batch_id + ".csv");
  response->set_content(std::move(*bytes));
  response->set_total_amount_fen(total.fen());
  return absl::OkStatus();
}

absl::Status GetPaymentFile(Call& call, const v1::GetPaymentFileRequest& request, v1::PaymentFile* response) {
  formats::Encoding encoding = formats::Encoding::kUtf8;
  if (!request.encoding().empty()) {
    auto e = formats::EncodingFromName(request.encoding());
    if (!e.ok() || *e == formats::Encoding::kAuto) return InvalidField("encoding", "utf-8 or gb18030");
    encoding = *e;
  }
  if (!request.batch_id().empty()) return BatchFile(call, request.batch_id(), encoding, response);
  auto date = ParseDate(request.paid_date(), "paid_date");
  if (!date.ok()) return date.status();
  if (!request.policy_id().empty() && call.data().rewards().Find(request.policy_id()) == nullptr) {
    return absl::NotFoundError("no reward policy \"" + request.policy_id() + "\"");
  }
  storage::PayoutFilter f;
  f.paid_date = *date;
  f.policy_id = request.policy_id();
  f.limit = kMaxPageSize;
  std::string csv = formats::PaymentFileCsvHeader();
  Money total;
  for (;;) {
    auto rows = call.storage().payouts().ListPayouts(f);
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) {
      v1::Payout p;
      PayoutToProto(r, &p);
      csv += formats::PaymentFileCsvRow(p);
      auto sum = total.Plus(r.amount);
      if (!sum.ok()) return sum.status();
      total = *sum;
    }
    response->set_payment_count(response->payment_count() + static_cast<int64_t>(rows->size()));
    if (static_cast<int>(rows->size()) < f.limit) break;
    f.after_seq = rows->back().seq;
  }
  auto bytes = formats::EncodeText(csv, encoding);
  if (!bytes.ok()) return bytes.status();
  response->set_file_name("payments-" + request.paid_date() + ".csv");
  response->set_content(std::move(*bytes));
  response->set_total_amount_fen(total.fen());
  return absl::OkStatus();
}

absl::Status CancelPayout(Call& call, const v1::CancelPayoutRequest& request, v1::Payout* response) {
  auto seq = storage::PayoutSeqFrom(request.payout_id());
  if (!seq) return absl::NotFoundError("no payout \"" + request.payout_id() + "\"");
  if (request.reason().empty()) return InvalidField("reason", "a cancellation says why");
  if (request.reason().size() > 1000) return InvalidField("reason", "at most 1000 bytes");
  absl::Status done = call.Mutate(
      request, {"payout:" + request.payout_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::Payout> {
        auto row = tx.payouts().PayoutForUpdate(*seq);
        if (!row.ok()) return row.status();
        if (!row->has_value()) return absl::NotFoundError("no payout \"" + request.payout_id() + "\"");
        if ((*row)->status != storage::PayoutStatus::kScheduled) {
          const storage::PayoutStatus status = (*row)->status;
          return FailedPrecondition(status == storage::PayoutStatus::kDisbursed   ? kPayoutAlreadyDisbursed
                                    : status == storage::PayoutStatus::kCancelled ? kPayoutAlreadyCancelled
                                                                                  : kPayoutNotScheduled,
                                    absl::StrCat("payout ", request.payout_id(), " is ",
                                                 storage::PayoutStatusName((*row)->status),
                                                 ": only a SCHEDULED payout may be cancelled"));
        }
        auto cancelled = tx.payouts().CancelPayout(*seq, request.reason(), request.request_id(), call.caller());
        if (!cancelled.ok()) return cancelled.status();
        if (auto s = call.Audit(tx.audit(), request.request_id(), request.payout_id(), "CANCELLED",
                                absl::StrCat(cancelled->amount.fen(), " 分 freed for ", cancelled->policy_id, ": ",
                                             request.reason()));
            !s.ok()) {
          return s;
        }
        v1::Payout out;
        PayoutToProto(*cancelled, &out);
        return out;
      },
      response);
  if (done.ok()) LocalizeReasons(response->mutable_reasons(), call.data().messages(), LanguageOf(call.language()));
  return done;
}


absl::Status RunDisbursement(Call& call, const v1::RunDisbursementRequest& request,
                             v1::RunDisbursementResponse* response) {
  auto date = ParseDate(request.payment_date(), "payment_date");
  if (!date.ok()) return date.status();
  if (auto s = reward::CheckPaymentDay(call.data().calendar(), *date); !s.ok()) return s;
  auto status = call.Mutate(
      request, {"disbursement"},
      [&](storage::LedgerTx& tx) { return DisbursementTx(tx, call.data(), call.caller(), request, *date); },
      response);
  if (!status.ok()) return status;
  for (auto& held : *response->mutable_held()) {
    LocalizeReason(held.mutable_reason(), call.data().messages(), LanguageOf(call.language()));
  }
  // A run held for approval paid nothing yet; one posted inside an approval may still be rolled
  // back (the approval's own checks follow): only a run that paid, at once, is logged here.
  if (call.posting_approved() || response->approval_state() == v1::Instruction::PENDING_APPROVAL) {
    return absl::OkStatus();
  }
  ops::LogLine("disbursement_run")
      .Str("request_id", request.request_id())
      .Str("run_id", response->run_id())
      .Str("payment_date", response->payment_date())
      .Int("paid_count", response->paid_count())
      .Int("paid_fen", response->paid_fen())
      .Int("late_count", response->late_count())
      .Write(ops::LogLevel::kInfo);
  return absl::OkStatus();
}

}  // namespace handlers
}  // namespace

namespace {

// What a run decides on, and what it has held so far.
struct Run {
  storage::LedgerTx& tx;
  const PolicyData& data;
  const std::string& caller;
  const v1::RunDisbursementRequest& request;
  Date date;
  v1::RunDisbursementResponse& out;
  Money held_total;
};

// A payout of a policy that funds allocated to for its year is those funds' payment: paid from
// them, or — when they cannot pay it today (the one payable check) — held with the reason, left
// SCHEDULED for a later run while every other payout of the day is paid. True when held.
absl::StatusOr<bool> PayFromPolicyFunds(Run& run, const storage::PayoutRow& p, std::vector<std::string>* paid_ids) {
  auto can = PayableAcrossFunds(run.tx.funds(), "REWARD_POLICY", p.policy_id, "", p.award_year, run.date);
  if (!can.ok()) return can.status();
  const absl::Status payable =
      funds::CheckPayment(absl::StrCat(p.policy_id, "/", p.award_year), p.policy_id, can->payable, p.amount, run.date);
  if (payable.ok()) {
    auto from = PayAcrossFunds(run.tx.funds(), run.data, "REWARD_POLICY", "", p.award_year,
                               {p.policy_id, p.amount, run.date, "", p.enterprise_uscc, storage::PayoutIdFor(p.seq),
                                run.request.request_id(), run.caller});
    if (!from.ok()) return from.status();
    int64_t covered = 0;
    for (const auto& part : *from) {
      covered += part.amount.fen();
      paid_ids->push_back(part.payment_id);
    }
    SUBSIDY_CHECK(covered == p.amount.fen());  // within what PayableAcrossFunds just said
    return false;
  }
  const bool none_yet = can->allocated_as_of.fen() == 0;
  const std::string reason = none_yet ? kFundNotYetAllocated : kAllocationExceeded;
  const std::string message =
      none_yet ? absl::StrCat("no fund money allocated to ", p.policy_id, " for ", p.award_year, " by ",
                              run.date.ToString())
               : std::string(payable.message());
  const StatusParams params =
      none_yet ? StatusParams{{"policy_id", p.policy_id}, {"year", absl::StrCat(p.award_year)},
                              {"date", run.date.ToString()}}
               : ParamsOf(payable);
  if (auto s = run.tx.payouts().HoldPayout(p.seq, reason); !s.ok()) return s;
  auto* h = run.out.add_held();
  h->set_payout_id(storage::PayoutIdFor(p.seq));
  h->set_policy_id(p.policy_id);
  h->set_amount_fen(p.amount.fen());
  h->mutable_reason()->set_code(reason);
  h->mutable_reason()->set_message(message);
  h->mutable_reason()->mutable_params()->insert(params.begin(), params.end());
  run.held_total = funds::Committed(run.held_total, p.amount);
  if (auto s = run.tx.audit().Audit({run.caller, "RunDisbursement", run.request.request_id(),
                                     storage::PayoutIdFor(p.seq), "HELD:" + reason, message});
      !s.ok()) {
    return s;
  }
  return true;
}

}  // namespace

// The run in its transaction: every SCHEDULED payout determined by `date` paid, funds posted,
// each payout and the run in the audit trail. Shared by the RPC and the automatic schedule.
absl::StatusOr<v1::RunDisbursementResponse> DisbursementTx(storage::LedgerTx& tx, const PolicyData& data,
                                                           const std::string& caller,
                                                           const v1::RunDisbursementRequest& request, Date date) {
  auto due = tx.payouts().DuePayouts(date);
  if (!due.ok()) return due.status();
  v1::RunDisbursementResponse out;
  Run run{tx, data, caller, request, date, out, Money()};
  out.set_run_id(reward::RunIdFor(request.request_id()));
  out.set_payment_date(date.ToString());
  Money total;
  int64_t paid = 0, late = 0;
  std::map<std::pair<std::string, int>, bool> funded_by;  // (policy, award year) → has fund allocations
  for (auto& p : *due) {
    // Whether funds allocated to the policy for the year, asked once per policy and year of the run.
    auto key = std::make_pair(p.policy_id, p.award_year);
    auto known = funded_by.find(key);
    if (known == funded_by.end()) {
      auto funded = tx.funds().AllocatedToRecipient("REWARD_POLICY", p.policy_id, p.award_year);
      if (!funded.ok()) return funded.status();
      known = funded_by.emplace(key, funded->has_value()).first;
    }
    std::vector<std::string> paid_ids;
    if (known->second) {
      auto held = PayFromPolicyFunds(run, p, &paid_ids);
      if (!held.ok()) return held.status();
      if (*held) continue;
    }
    if (auto s = tx.payouts().DisbursePayout(&p, date); !s.ok()) return s;
    if (p.amount.fen() > 0) {
      // The payout goes out as a line of the day's batch to the agent bank, which confirms it.
      auto line = SendPayment(tx, {storage::PaymentSource::kPayout, storage::PayoutIdFor(p.seq), p.enterprise_name,
                                   p.payee_account, p.payee_bank, p.enterprise_uscc, p.amount, date, p.voucher_no,
                                   caller, paid_ids});
      if (!line.ok()) return line.status();
    }
    auto sum = total.Plus(p.amount);
    if (!sum.ok()) return sum.status();
    total = *sum;
    const bool is_late = p.due_date && reward::PaidLate(*p.due_date, date);
    late += is_late ? 1 : 0;
    ++paid;
    if (auto s = tx.audit().Audit({caller, "RunDisbursement", request.request_id(), storage::PayoutIdFor(p.seq),
                                   is_late ? "DISBURSED_LATE" : "DISBURSED",
                                   absl::StrCat(p.amount.fen(), " 分 voucher ", p.voucher_no, " due ",
                                                DateText(p.due_date))});
        !s.ok()) {
      return s;
    }
  }
  out.set_paid_count(paid);
  out.set_paid_fen(total.fen());
  out.set_late_count(late);
  out.set_held_fen(run.held_total.fen());
  if (auto s = tx.audit().Audit({caller, "RunDisbursement", request.request_id(), out.run_id(), "OK",
                                 absl::StrCat(paid, " payouts, ", total.fen(), " 分, ", late, " late, paid ",
                                              date.ToString())});
      !s.ok()) {
    return s;
  }
  return out;
}

SUBSIDY_UNARY_RPC(RewardPayoutServiceImpl, ListRewardPolicies, Runs::kInline)
SUBSIDY_UNARY_RPC(RewardPayoutServiceImpl, SubmitDetermination, Runs::kMutation)
SUBSIDY_UNARY_RPC(RewardPayoutServiceImpl, GetPayout, Runs::kInline)
SUBSIDY_UNARY_RPC(RewardPayoutServiceImpl, ListPayouts, Runs::kInline)
SUBSIDY_UNARY_RPC(RewardPayoutServiceImpl, RunDisbursement, Runs::kMutation)
SUBSIDY_UNARY_RPC(RewardPayoutServiceImpl, GetPaymentFile, Runs::kInline)
SUBSIDY_UNARY_RPC(RewardPayoutServiceImpl, CancelPayout, Runs::kMutation)

}  // namespace subsidy::service
