#include "services/determinations.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "funds/execution.h"
#include "reward/reward_engine.h"
#include "services/fund_postings.h"
#include "services/payment_postings.h"
#include "services/reward_budget.h"

namespace subsidy::service {
namespace {

v1::PayoutStatus ToProto(storage::PayoutStatus s) {
  switch (s) {
    case storage::PayoutStatus::kScheduled: return v1::SCHEDULED;
    case storage::PayoutStatus::kRejected: return v1::REJECTED;
    case storage::PayoutStatus::kDisbursed: return v1::DISBURSED;
    case storage::PayoutStatus::kCancelled: return v1::CANCELLED;
  }
  return v1::PAYOUT_STATUS_UNSPECIFIED;
}

// The engine's decision on one request, given what was awarded before it.
absl::StatusOr<storage::PayoutRow> Decide(const Determination& d, const BudgetedPolicy& budgeted,
                                          const std::vector<storage::PriorAwardRow>& history) {
  const v1::SubmitDeterminationRequest& request = *d.request;
  std::vector<reward::PriorAward> prior;
  for (const auto& h : history) prior.push_back({h.policy_id, h.award_group, h.award_year, h.amount});
  auto decision =
      reward::Decide(budgeted.policy, d.metrics, request.enterprise_uscc(), d.date.year(), prior, budgeted.awarded);
  if (!decision.ok()) return decision.status();
  storage::PayoutRow row;
  row.request_id = request.request_id();
  row.policy_id = d.policy->policy_id;
  row.award_group = d.policy->group;
  row.enterprise_uscc = request.enterprise_uscc();
  row.enterprise_name = request.enterprise_name();
  row.status = decision->scheduled ? storage::PayoutStatus::kScheduled : storage::PayoutStatus::kRejected;
  row.amount = decision->amount;
  row.determination_date = d.date;
  row.award_year = d.date.year();
  if (decision->scheduled) row.due_date = d.due;
  for (const auto& r : decision->reasons) row.reasons.push_back({r.code, r.message, r.params});
  row.award_key = decision->award_key.value_or("");
  row.data_version = d.call->data().version();
  row.created_by = d.call->caller();
  row.payee_account = request.payee_account();
  row.payee_bank = request.payee_bank();
  return row;
}

// What a policy's funds for a year hold payable on a date, read once for the determinations
// decided together: deciding them pays nothing, so it stays what it was.
class PayableBook {
 public:
  explicit PayableBook(storage::FundTx& funds) : funds_(funds) {}
  absl::StatusOr<Money> Payable(const storage::PayoutRow& row) {
    const Key key{row.policy_id, row.award_year, row.determination_date};
    if (auto it = known_.find(key); it != known_.end()) return it->second;
    auto can = PayableAcrossFunds(funds_, "REWARD_POLICY", row.policy_id, "", row.award_year, row.determination_date);
    if (!can.ok()) return can.status();
    known_.emplace(key, can->payable);
    return can->payable;
  }

 private:
  using Key = std::tuple<std::string, int, Date>;
  storage::FundTx& funds_;
  std::map<Key, Money> known_;
};

// The year's money is the funds', but it may be allocated later than this determination: say so
// now rather than let the run hold the payout without warning.
absl::Status SayIfNotYetAllocated(PayableBook& funds, storage::PayoutRow* row) {
  auto payable = funds.Payable(*row);
  if (!payable.ok()) return payable.status();
  if (*payable >= row->amount) return absl::OkStatus();
  const std::string date = row->determination_date.ToString();
  row->reasons.push_back({kFundNotYetAllocated,
                          absl::StrCat("the policy's funds hold ", payable->ToYuanString(), " 元 payable on ", date,
                                       ": the run pays it once the money is allocated"),
                          {{"policy_id", row->policy_id}, {"date", date}, {"payable_yuan", payable->ToYuanString()}}});
  return absl::OkStatus();
}

storage::AuditEntry AuditLineOf(const Determination& d, const storage::PayoutRow& row) {
  const std::string result = row.status == storage::PayoutStatus::kScheduled
                                 ? "SCHEDULED"
                                 : "REJECTED:" + (row.reasons.empty() ? "" : row.reasons.back().code);
  return d.call->AuditLine(row.request_id, storage::PayoutIdFor(row.seq), result,
                           absl::StrCat(row.policy_id, " ", row.enterprise_uscc, " ", row.amount.fen(), " 分 due ",
                                        DateText(row.due_date)));
}

class Decider final : public storage::IdempotentDecider {
 public:
  // A read that fails fails them all (each is then decided alone); a refusal by the engine is that
  // request's answer, and it writes nothing.
  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> DecideAll(
      storage::LedgerTx& tx, const std::vector<const void*>& items) const override {
    std::vector<const Determination*> requests;
    std::vector<std::string> usccs;
    for (const void* item : items) {
      requests.push_back(static_cast<const Determination*>(item));
      usccs.push_back(requests.back()->request->enterprise_uscc());
    }
    std::sort(usccs.begin(), usccs.end());
    usccs.erase(std::unique(usccs.begin(), usccs.end()), usccs.end());
    // Every figure the run decides on, read in one go: the enterprises' awards and each policy's
    // budget for its year.
    std::map<std::string, std::vector<storage::PriorAwardRow>> awards;
    if (auto s = tx.payouts().EnterpriseAwardsLater(usccs, &awards); !s.ok()) return s;
    BudgetBook budgets(tx);
    for (const Determination* d : requests) {
      if (auto s = budgets.ReadLater(d->policy->policy_id, d->date.year()); !s.ok()) return s;
    }
    if (auto s = tx.Flush(); !s.ok()) return s;
    PayableBook payable(tx.funds());
    std::vector<absl::StatusOr<std::string>> out(requests.size(), absl::UnknownError("not decided"));
    std::vector<storage::PayoutRow> rows;
    std::vector<size_t> answers;  // rows[k] answers requests[answers[k]]
    for (size_t i = 0; i < requests.size(); ++i) {
      const Determination& d = *requests[i];
      auto budgeted = budgets.For(*d.policy, d.date.year());
      if (!budgeted.ok()) return budgeted.status();
      auto& history = awards[d.request->enterprise_uscc()];
      auto row = Decide(d, *budgeted, history);
      if (!row.ok()) {
        out[i] = row.status();
        continue;
      }
      if (row->status == storage::PayoutStatus::kScheduled) {
        if (budgeted->funded) {
          if (auto s = SayIfNotYetAllocated(payable, &*row); !s.ok()) return s;
        }
        if (auto s = budgets.Add(row->policy_id, row->award_year, row->amount); !s.ok()) return s;
        history.push_back({row->policy_id, row->award_group, row->award_year, row->amount});
      }
      rows.push_back(std::move(*row));
      answers.push_back(i);
    }
    if (auto s = tx.payouts().InsertPayouts(&rows); !s.ok()) return s;
    std::vector<storage::AuditEntry> lines;
    for (size_t k = 0; k < rows.size(); ++k) {
      lines.push_back(AuditLineOf(*requests[answers[k]], rows[k]));
      v1::Payout payout;
      PayoutToProto(rows[k], &payout);
      out[answers[k]] = payout.SerializeAsString();
    }
    if (auto s = tx.audit().AuditAll(lines); !s.ok()) return s;
    return out;
  }
};

}  // namespace

const storage::IdempotentDecider& Determinations() {
  static const Decider kDecider;
  return kDecider;
}

std::string DateText(const std::optional<Date>& d) { return d ? d->ToString() : std::string(); }

void PayoutToProto(const storage::PayoutRow& r, v1::Payout* out, std::optional<Date> today) {
  out->set_payout_id(storage::PayoutIdFor(r.seq));
  out->set_policy_id(r.policy_id);
  out->set_enterprise_uscc(r.enterprise_uscc);
  out->set_enterprise_name(r.enterprise_name);
  out->set_status(ToProto(r.status));
  out->set_amount_fen(r.amount.fen());
  out->set_determination_date(r.determination_date.ToString());
  out->set_due_date(DateText(r.due_date));
  out->set_paid_date(DateText(r.paid_date));
  out->set_voucher_no(r.voucher_no);
  for (const auto& reason : r.reasons) {
    auto* x = out->add_reasons();
    x->set_code(reason.code);
    x->set_message(reason.message);
    x->mutable_params()->insert(reason.params.begin(), reason.params.end());
  }
  out->set_request_id(r.request_id);
  out->set_data_version(r.data_version);
  out->set_hold_reason(r.hold_reason);
  out->set_payee_account(funds::MaskAccount(r.payee_account));
  out->set_payee_bank(r.payee_bank);
  if (r.payment_seq != 0) {
    out->set_payment_id(storage::PaymentIdFor(r.payment_seq));
    if (auto state = funds::PaymentStateFromName(r.payment_state)) {
      out->set_payment_state(StateToProto(*state));
      if (*state == funds::PaymentState::kReturned) out->set_status(v1::RETURNED);
    }
  }
  if (today && r.status == storage::PayoutStatus::kScheduled && r.due_date) {
    out->set_overdue(funds::IsOverdue(*r.due_date, *today));
  }
}


}  // namespace subsidy::service
