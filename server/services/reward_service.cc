#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "ids/ids.h"
#include "ops/log.h"
#include "reward/reward_engine.h"
#include "services/common.h"
#include "services/observed_reactor.h"
#include "services/services.h"
#include "services/status_mapping.h"

namespace subsidy::service {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

void PayoutToProto(const storage::PayoutRow& r, v1::Payout* out) {
  out->set_payout_id(storage::PayoutIdFor(r.seq));
  out->set_policy_id(r.policy_id);
  out->set_enterprise_uscc(r.enterprise_uscc);
  out->set_enterprise_name(r.enterprise_name);
  v1::PayoutStatus status = v1::PAYOUT_STATUS_UNSPECIFIED;
  v1::PayoutStatus_Parse(r.status, &status);
  out->set_status(status);
  out->set_amount_fen(r.amount_fen);
  out->set_determination_date(r.determination_date);
  out->set_due_date(r.due_date);
  out->set_paid_date(r.paid_date);
  out->set_voucher_no(r.voucher_no);
  for (const auto& [code, message] : r.reasons) {
    auto* x = out->add_reasons();
    x->set_code(code);
    x->set_message(message);
  }
  out->set_request_id(r.request_id);
  out->set_data_version(r.data_version);
}

std::string EncodePageToken(int64_t seq) { return absl::WebSafeBase64Escape(absl::StrCat("after:", seq)); }

absl::StatusOr<int64_t> DecodePageToken(const std::string& token) {
  if (token.empty()) return 0;
  std::string raw;
  int64_t seq = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.rfind("after:", 0) != 0 ||
      !absl::SimpleAtoi(raw.substr(6), &seq) || seq < 0) {
    return InvalidField("page_token", "not a token this service issued");
  }
  return seq;
}

}  // namespace

grpc::ServerUnaryReactor* RewardPayoutServiceImpl::ListRewardPolicies(grpc::CallbackServerContext* context,
                                                                       const v1::ListRewardPoliciesRequest* /*request*/,
                                                                       v1::ListRewardPoliciesResponse* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.RewardPayoutService/ListRewardPolicies", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.RewardPayoutService/ListRewardPolicies");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  auto status = [&]() -> absl::Status {
    const auto data = ctx_.policy->Get();
    auto awarded = ctx_.storage->AwardedByPolicy();
    if (!awarded.ok()) return awarded.status();
    for (const auto& p : data->rewards().policies) {
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
      x->set_budget_fen(p.budget.fen());
      const auto it = awarded->find(p.policy_id);
      x->set_remaining_budget_fen(p.budget.fen() - (it == awarded->end() ? 0 : it->second));
      x->set_payout_working_days(p.payout_working_days);
      x->set_repeat_rule(RepeatRuleName(p.repeat_rule));
      x->set_group(p.group);
      x->set_status(p.status);
      x->set_source(p.source);
      std::string description;
      switch (p.formula) {
        case RewardFormula::kFixed: description = absl::StrCat(p.fixed_amount.ToYuanString(), " 元"); break;
        case RewardFormula::kRateWithCap:
          description = absl::StrCat(p.rate.ToString(), " % of ", p.metric, ", at most ", p.per_award_cap.ToYuanString(), " 元");
          break;
        case RewardFormula::kPerUnit:
          description = absl::StrCat(p.per_unit.ToYuanString(), " 元 × ", p.metric);
          break;
        case RewardFormula::kTiered:
          description = absl::StrCat("tiered on ", p.metric, ", the highest tier reached");
          break;
      }
      if (!p.note.empty()) absl::StrAppend(&description, " (", p.note, ")");
      x->set_formula_description(description);
    }
    response->set_data_version(data->version());
    return absl::OkStatus();
  }();
  reactor->FinishWith(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* RewardPayoutServiceImpl::SubmitDetermination(grpc::CallbackServerContext* context,
                                                                        const v1::SubmitDeterminationRequest* request,
                                                                        v1::Payout* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.RewardPayoutService/SubmitDetermination", request->request_id());
  auto admission = Admit(ctx_, context, "subsidy.v1.RewardPayoutService/SubmitDetermination");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  FinishOnExecutor(ctx_.executor, reactor, [this, context, request, response, admitted = std::move(*admission)]() -> absl::Status {
    if (auto s = ValidateRequestId(request->request_id()); !s.ok()) return s;
    if (request->policy_id().empty()) return InvalidField("policy_id", "is required");
    const auto data = ctx_.policy->Get();
    const RewardPolicy* policy = data->rewards().Find(request->policy_id());
    if (policy == nullptr) return absl::NotFoundError("no reward policy \"" + request->policy_id() + "\"");
    if (auto s = ValidateUscc(request->enterprise_uscc()); !s.ok()) return InvalidField("enterprise_uscc", s.message());
    if (request->enterprise_name().size() > 300) return InvalidField("enterprise_name", "at most 300 bytes");
    auto date = ParseDate(request->determination_date(), "determination_date");
    if (!date.ok()) return date.status();
    const std::map<std::string, std::string> metrics(request->metrics().begin(), request->metrics().end());
    // Bad metrics are bad input: refuse before anything is recorded.
    if (auto f = reward::FormulaAmount(*policy, metrics); !f.ok()) return f.status();
    auto due = data->calendar().AddWorkingDays(*date, policy->payout_working_days);
    if (!due.ok()) return due.status();  // FAILED_PRECONDITION CALENDAR_NOT_AVAILABLE
    const std::string caller = admitted.caller->name;
    auto stored = ctx_.storage->RunIdempotent(
        KeyFor("SubmitDetermination", *request, context->deadline(),
               {"policy:" + request->policy_id(), "enterprise:" + request->enterprise_uscc()}), [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
          auto history = tx.EnterpriseAwards(request->enterprise_uscc());
          if (!history.ok()) return history.status();
          auto awarded = tx.PolicyAwarded(policy->policy_id);
          if (!awarded.ok()) return awarded.status();
          std::vector<reward::PriorAward> prior;
          for (const auto& h : *history) {
            prior.push_back({h.policy_id, h.award_group, h.award_year, Money::Fen(h.amount_fen)});
          }
          auto decision = reward::Decide(*policy, metrics, request->enterprise_uscc(), date->year(), prior,
                                         Money::Fen(*awarded));
          if (!decision.ok()) return decision.status();
          storage::PayoutRow row;
          row.request_id = request->request_id();
          row.policy_id = policy->policy_id;
          row.award_group = policy->group;
          row.enterprise_uscc = request->enterprise_uscc();
          row.enterprise_name = request->enterprise_name();
          row.status = decision->scheduled ? "SCHEDULED" : "REJECTED";
          row.amount_fen = decision->amount.fen();
          row.determination_date = date->ToString();
          row.award_year = date->year();
          row.due_date = decision->scheduled ? due->ToString() : "";
          for (const auto& r : decision->reasons) row.reasons.emplace_back(r.code, r.message);
          row.award_key = decision->award_key.value_or("");
          row.data_version = data->version();
          row.created_by = caller;
          auto seq = tx.InsertPayout(row);
          if (!seq.ok()) return seq.status();
          row.seq = *seq;
          const std::string result =
              decision->scheduled ? "SCHEDULED" : "REJECTED:" + (row.reasons.empty() ? "" : row.reasons.back().first);
          if (auto s = tx.Audit({caller, "SubmitDetermination", request->request_id(), storage::PayoutIdFor(*seq),
                                 result,
                                 absl::StrCat(policy->policy_id, " ", request->enterprise_uscc(), " ",
                                              row.amount_fen, " 分 due ", row.due_date)});
              !s.ok()) {
            return s;
          }
          v1::Payout out;
          PayoutToProto(row, &out);
          return out.SerializeAsString();
        });
    if (!stored.ok()) return stored.status();
    return ParseStored(*stored, response);
  });
  return reactor;
}

grpc::ServerUnaryReactor* RewardPayoutServiceImpl::GetPayout(grpc::CallbackServerContext* context,
                                                              const v1::GetPayoutRequest* request, v1::Payout* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.RewardPayoutService/GetPayout", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.RewardPayoutService/GetPayout");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  auto status = [&]() -> absl::Status {
    if (request->payout_id().empty()) return InvalidField("payout_id", "is required");
    auto seq = storage::PayoutSeqFrom(request->payout_id());
    if (!seq) return absl::NotFoundError("no payout \"" + request->payout_id() + "\"");
    auto row = ctx_.storage->GetPayout(*seq);
    if (!row.ok()) return row.status();
    if (!row->has_value()) return absl::NotFoundError("no payout \"" + request->payout_id() + "\"");
    PayoutToProto(**row, response);
    return absl::OkStatus();
  }();
  reactor->FinishWith(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* RewardPayoutServiceImpl::ListPayouts(grpc::CallbackServerContext* context,
                                                                const v1::ListPayoutsRequest* request,
                                                                v1::ListPayoutsResponse* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.RewardPayoutService/ListPayouts", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.RewardPayoutService/ListPayouts");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  auto status = [&]() -> absl::Status {
    storage::PayoutFilter f;
    f.policy_id = request->policy_id();
    f.enterprise_uscc = request->enterprise_uscc();
    if (request->status() != v1::PAYOUT_STATUS_UNSPECIFIED) {
      if (!v1::PayoutStatus_IsValid(request->status())) return InvalidField("status", "not a PayoutStatus");
      f.status = v1::PayoutStatus_Name(request->status());
    }
    if (!request->overdue_as_of().empty()) {
      auto d = ParseDate(request->overdue_as_of(), "overdue_as_of");
      if (!d.ok()) return d.status();
      f.overdue_as_of = d->ToString();
    }
    if (request->page_size() < 0) return InvalidField("page_size", "must not be negative");
    f.limit = request->page_size() == 0 ? kDefaultPageSize : std::min(request->page_size(), kMaxPageSize);
    auto after = DecodePageToken(request->page_token());
    if (!after.ok()) return after.status();
    f.after_seq = *after;
    // One row more than the page tells whether another page follows.
    ++f.limit;
    auto rows = ctx_.storage->ListPayouts(f);
    if (!rows.ok()) return rows.status();
    const bool more = static_cast<int>(rows->size()) == f.limit;
    if (more) rows->pop_back();
    for (const auto& r : *rows) PayoutToProto(r, response->add_payouts());
    if (more) response->set_next_page_token(EncodePageToken(rows->back().seq));
    return absl::OkStatus();
  }();
  reactor->FinishWith(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* RewardPayoutServiceImpl::RunDisbursement(grpc::CallbackServerContext* context,
                                                                    const v1::RunDisbursementRequest* request,
                                                                    v1::RunDisbursementResponse* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.RewardPayoutService/RunDisbursement", request->request_id());
  auto admission = Admit(ctx_, context, "subsidy.v1.RewardPayoutService/RunDisbursement");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  FinishOnExecutor(ctx_.executor, reactor, [this, context, request, response, admitted = std::move(*admission)]() -> absl::Status {
    if (auto s = ValidateRequestId(request->request_id()); !s.ok()) return s;
    auto date = ParseDate(request->payment_date(), "payment_date");
    if (!date.ok()) return date.status();
    const std::string caller = admitted.caller->name;
    auto stored = ctx_.storage->RunIdempotent(
        KeyFor("RunDisbursement", *request, context->deadline(), {"disbursement"}), [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
          auto paid = tx.DisburseDue(date->ToString());
          if (!paid.ok()) return paid.status();
          v1::RunDisbursementResponse out;
          out.set_run_id("RUN-" + request->request_id());
          out.set_payment_date(date->ToString());
          int64_t fen = 0, late = 0;
          for (const auto& p : *paid) {
            fen += p.amount_fen;
            const bool is_late = p.paid_date > p.due_date;
            late += is_late;
            if (auto s = tx.Audit({caller, "RunDisbursement", request->request_id(), storage::PayoutIdFor(p.seq),
                                   is_late ? "DISBURSED_LATE" : "DISBURSED",
                                   absl::StrCat(p.amount_fen, " 分 voucher ", p.voucher_no, " due ", p.due_date)});
                !s.ok()) {
              return s;
            }
          }
          out.set_paid_count(static_cast<int64_t>(paid->size()));
          out.set_paid_fen(fen);
          out.set_late_count(late);
          if (auto s = tx.Audit({caller, "RunDisbursement", request->request_id(), out.run_id(), "OK",
                                 absl::StrCat(paid->size(), " payouts, ", fen, " 分, ", late, " late, paid ",
                                              date->ToString())});
              !s.ok()) {
            return s;
          }
          return out.SerializeAsString();
        });
    if (!stored.ok()) return stored.status();
    if (auto s = ParseStored(*stored, response); !s.ok()) return s;
    ops::LogLine("disbursement_run")
        .Str("request_id", request->request_id())
        .Str("run_id", response->run_id())
        .Str("payment_date", response->payment_date())
        .Int("paid_count", response->paid_count())
        .Int("paid_fen", response->paid_fen())
        .Int("late_count", response->late_count())
        .Write(ops::LogLevel::kInfo);
    return absl::OkStatus();
  });
  return reactor;
}

}  // namespace subsidy::service
