#include "common/status_util.h"
#include "education/entitlement.h"
#include "education/funds.h"
#include "absl/strings/numbers.h"
#include "services/common.h"
#include "services/observed_reactor.h"
#include "services/services.h"
#include "services/status_mapping.h"

namespace subsidy::service {
namespace {

using education::FundSource;

std::optional<FundSource> FromProto(v1::FundSource s) {
  switch (s) {
    case v1::CENTRAL_DIRECT: return FundSource::kCentralDirect;
    case v1::MUNICIPAL: return FundSource::kMunicipal;
    case v1::DISTRICT: return FundSource::kDistrict;
    default: return std::nullopt;
  }
}

v1::FundSource ToProto(FundSource s) {
  switch (s) {
    case FundSource::kCentralDirect: return v1::CENTRAL_DIRECT;
    case FundSource::kMunicipal: return v1::MUNICIPAL;
    case FundSource::kDistrict: return v1::DISTRICT;
  }
  return v1::FUND_SOURCE_UNSPECIFIED;
}

// The school's positions in its spending order, every source listed.
std::vector<education::FundPosition> PositionsInOrder(const std::vector<storage::FundAccount>& accounts,
                                                      const std::vector<FundSource>& order) {
  std::vector<education::FundPosition> out;
  for (FundSource s : order) {
    education::FundPosition p{s, Money(), Money()};
    for (const auto& a : accounts) {
      if (a.source == s) {
        p.allocated = Money::Fen(a.allocated_fen);
        p.spent = Money::Fen(a.spent_fen);
      }
    }
    out.push_back(p);
  }
  return out;
}

void AddPositions(const std::vector<education::FundPosition>& positions,
                  google::protobuf::RepeatedPtrField<v1::FundPosition>* out) {
  for (const auto& p : positions) {
    auto* x = out->Add();
    x->set_source(ToProto(p.source));
    x->set_allocated_fen(p.allocated.fen());
    x->set_spent_fen(p.spent.fen());
    x->set_balance_fen(p.balance().fen());
  }
}

absl::Status ValidateAmount(int64_t amount) {
  if (amount <= 0) return InvalidField("amount_fen", "must be positive");
  if (amount > 1'000'000'000'000'000) return InvalidField("amount_fen", "above the largest accepted amount");
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* EducationFundServiceImpl::SplitGrant(grpc::CallbackServerContext* context,
                                                                const v1::SplitGrantRequest* request,
                                                                v1::SplitGrantResponse* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.EducationFundService/SplitGrant", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.EducationFundService/SplitGrant");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  std::vector<education::Share> shares;
  for (int i = 0; i < request->shares_size(); ++i) {
    auto src = FromProto(request->shares(i).source());
    if (!src) {
      reactor->FinishWith(ToGrpcStatus(InvalidField("shares[" + std::to_string(i) + "].source", "must be a FundSource")));
      return reactor;
    }
    shares.push_back({*src, request->shares(i).weight()});
  }
  auto parts = education::SplitGrant(Money::Fen(request->total_fen()), shares);
  if (!parts.ok()) {
    reactor->FinishWith(ToGrpcStatus(parts.status()));
    return reactor;
  }
  for (const auto& p : *parts) {
    auto* a = response->add_amounts();
    a->set_source(ToProto(p.source));
    a->set_amount_fen(p.amount.fen());
  }
  reactor->FinishWith(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* EducationFundServiceImpl::GetFundPriority(grpc::CallbackServerContext* context,
                                                                     const v1::GetFundPriorityRequest* request,
                                                                     v1::FundPriority* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.EducationFundService/GetFundPriority", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.EducationFundService/GetFundPriority", request->school_id());
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  auto status = [&]() -> absl::Status {
    if (auto s = ValidateId(request->school_id(), "school_id"); !s.ok()) return s;
    const auto data = ctx_.policy->Get();
    auto accounts = ctx_.storage->ReadFundAccounts(request->school_id());
    if (!accounts.ok()) return accounts.status();
    response->set_school_id(request->school_id());
    AddPositions(PositionsInOrder(*accounts, data->education().SpendingOrderFor(request->school_id())),
                 response->mutable_funds());
    return absl::OkStatus();
  }();
  reactor->FinishWith(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* EducationFundServiceImpl::AllocateFunds(grpc::CallbackServerContext* context,
                                                                   const v1::AllocateFundsRequest* request,
                                                                   v1::FundBalance* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.EducationFundService/AllocateFunds", request->request_id());
  auto admission = Admit(ctx_, context, "subsidy.v1.EducationFundService/AllocateFunds", request->school_id());
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  FinishOnExecutor(ctx_.executor, reactor, [this, context, request, response, admitted = std::move(*admission)]() -> absl::Status {
    if (auto s = ValidateRequestId(request->request_id()); !s.ok()) return s;
    if (auto s = ValidateId(request->school_id(), "school_id"); !s.ok()) return s;
    auto source = FromProto(request->source());
    if (!source) return InvalidField("source", "must be CENTRAL_DIRECT, MUNICIPAL or DISTRICT");
    if (auto s = ValidateAmount(request->amount_fen()); !s.ok()) return s;
    auto date = ParseDate(request->date(), "date");
    if (!date.ok()) return date.status();
    const std::string caller = admitted.caller->name;
    auto stored = ctx_.storage->RunIdempotent(
        KeyFor("AllocateFunds", *request, context->deadline(), {"school:" + request->school_id()}), [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
          auto id = tx.InsertAllocation(request->school_id(), *source, request->amount_fen(), request->date(),
                                        request->request_id());
          if (!id.ok()) return id.status();
          auto accounts = tx.FundAccounts(request->school_id());
          if (!accounts.ok()) return accounts.status();
          v1::FundBalance out;
          out.set_school_id(request->school_id());
          out.set_source(request->source());
          out.set_allocation_id(*id);
          for (const auto& a : *accounts) {
            if (a.source == *source) {
              out.set_allocated_fen(a.allocated_fen);
              out.set_spent_fen(a.spent_fen);
              out.set_balance_fen(a.allocated_fen - a.spent_fen);
            }
          }
          if (auto s = tx.Audit({caller, "AllocateFunds", request->request_id(), *id, "OK",
                                 request->school_id() + " " + education::FundSourceName(*source) + " +" +
                                     std::to_string(request->amount_fen()) + " 分"});
              !s.ok()) {
            return s;
          }
          return out.SerializeAsString();
        });
    if (!stored.ok()) return stored.status();
    return ParseStored(*stored, response);
  });
  return reactor;
}

grpc::ServerUnaryReactor* EducationFundServiceImpl::RecordExpenditure(grpc::CallbackServerContext* context,
                                                                       const v1::RecordExpenditureRequest* request,
                                                                       v1::Expenditure* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.EducationFundService/RecordExpenditure", request->request_id());
  auto admission = Admit(ctx_, context, "subsidy.v1.EducationFundService/RecordExpenditure", request->school_id());
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  FinishOnExecutor(ctx_.executor, reactor, [this, context, request, response, admitted = std::move(*admission)]() -> absl::Status {
    if (auto s = ValidateRequestId(request->request_id()); !s.ok()) return s;
    if (auto s = ValidateId(request->school_id(), "school_id"); !s.ok()) return s;
    if (request->category().empty()) return InvalidField("category", "is required");
    if (auto s = ValidateAmount(request->amount_fen()); !s.ok()) return s;
    auto date = ParseDate(request->date(), "date");
    if (!date.ok()) return date.status();
    const auto data = ctx_.policy->Get();
    const std::string caller = admitted.caller->name;
    auto stored = ctx_.storage->RunIdempotent(
        KeyFor("RecordExpenditure", *request, context->deadline(), {"school:" + request->school_id()}), [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
          const auto* category = data->education().FindCategory(request->category());
          if (category == nullptr) {
            return InvalidField("category", "unknown expenditure category \"" + request->category() + "\"");
          }
          if (category->permitted_sources.empty()) {
            return FailedPrecondition(education::kCategoryForbidden,
                                      request->category() + " (" + category->name +
                                          ") may not be paid from compulsory-education public-expense funds");
          }
          auto accounts = tx.FundAccounts(request->school_id());
          if (!accounts.ok()) return accounts.status();
          const auto& order = data->education().SpendingOrderFor(request->school_id());
          auto draws = education::PlanExpenditure(PositionsInOrder(*accounts, order), category->permitted_sources,
                                                  Money::Fen(request->amount_fen()));
          if (!draws.ok()) return draws.status();
          std::vector<storage::ExpenditureDraw> rows;
          for (const auto& d : *draws) rows.push_back({d.source, d.amount.fen()});
          auto id = tx.InsertExpenditure(request->school_id(), request->category(), request->amount_fen(),
                                         request->date(), request->request_id(), rows);
          if (!id.ok()) return id.status();
          auto after = tx.FundAccounts(request->school_id());
          if (!after.ok()) return after.status();
          v1::Expenditure out;
          out.set_expenditure_id(*id);
          out.set_school_id(request->school_id());
          out.set_category(request->category());
          out.set_amount_fen(request->amount_fen());
          out.set_date(request->date());
          for (const auto& d : *draws) {
            auto* a = out.add_draws();
            a->set_source(ToProto(d.source));
            a->set_amount_fen(d.amount.fen());
          }
          AddPositions(PositionsInOrder(*after, order), out.mutable_funds());
          if (auto s = tx.Audit({caller, "RecordExpenditure", request->request_id(), *id, "OK",
                                 request->school_id() + " " + request->category() + " -" +
                                     std::to_string(request->amount_fen()) + " 分"});
              !s.ok()) {
            return s;
          }
          return out.SerializeAsString();
        });
    if (!stored.ok()) return stored.status();
    return ParseStored(*stored, response);
  });
  return reactor;
}

grpc::ServerUnaryReactor* EducationFundServiceImpl::GetSpendingProgress(grpc::CallbackServerContext* context,
                                                                         const v1::GetSpendingProgressRequest* request,
                                                                         v1::SpendingProgress* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.EducationFundService/GetSpendingProgress", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.EducationFundService/GetSpendingProgress", request->school_id());
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  auto status = [&]() -> absl::Status {
    if (auto s = ValidateId(request->school_id(), "school_id"); !s.ok()) return s;
    const auto data = ctx_.policy->Get();
    auto accounts = ctx_.storage->ReadFundAccounts(request->school_id());
    if (!accounts.ok()) return accounts.status();
    int64_t allocated = 0, spent = 0;
    response->set_school_id(request->school_id());
    for (const auto& p : PositionsInOrder(*accounts, data->education().SpendingOrderFor(request->school_id()))) {
      auto* s = response->add_sources();
      s->set_source(ToProto(p.source));
      s->set_allocated_fen(p.allocated.fen());
      s->set_spent_fen(p.spent.fen());
      s->set_progress_percent(education::ProgressPercent(p.spent, p.allocated));
      allocated += p.allocated.fen();
      spent += p.spent.fen();
    }
    response->set_allocated_fen(allocated);
    response->set_spent_fen(spent);
    response->set_progress_percent(education::ProgressPercent(Money::Fen(spent), Money::Fen(allocated)));
    return absl::OkStatus();
  }();
  reactor->FinishWith(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* EducationFundServiceImpl::ComputeEducationEntitlement(
    grpc::CallbackServerContext* context, const v1::EducationEntitlementRequest* request,
    v1::EducationEntitlement* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.EducationFundService/ComputeEducationEntitlement", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.EducationFundService/ComputeEducationEntitlement", request->school_id());
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  auto status = [&]() -> absl::Status {
    int year = 0;
    if (request->school_year().size() != 4 || !absl::SimpleAtoi(request->school_year(), &year) || year < 2000 ||
        year > 2199) {
      return InvalidField("school_year", "must be a year such as \"2024\"");
    }
    education::PupilCounts c;
    c.primary = request->primary_pupils();
    c.junior = request->junior_pupils();
    c.boarding_primary = request->boarding_primary_pupils();
    c.boarding_junior = request->boarding_junior_pupils();
    c.special_education = request->special_education_pupils();
    c.difficulty_boarding_primary = request->difficulty_boarding_primary();
    c.difficulty_boarding_junior = request->difficulty_boarding_junior();
    c.difficulty_nonboarding_primary = request->difficulty_nonboarding_primary();
    c.difficulty_nonboarding_junior = request->difficulty_nonboarding_junior();
    const auto data = ctx_.policy->Get();
    auto e = education::ComputeEntitlement(request->province(), year, c, *data);
    if (!e.ok()) return e.status();
    response->set_school_id(request->school_id());
    response->set_province(request->province());
    response->set_school_year(request->school_year());
    response->set_sharing_tier(e->sharing_tier);
    for (const auto& l : e->lines) {
      auto* x = response->add_lines();
      x->set_item(l.item);
      x->set_quantity(l.quantity);
      x->set_rate_fen(l.rate.fen());
      x->set_amount_fen(l.amount.fen());
      x->set_central_fen(l.central.fen());
      x->set_local_fen(l.local.fen());
      x->set_data_row(l.data_row);
      x->set_status(l.status);
      x->set_source(l.source);
    }
    response->set_total_fen(e->total.fen());
    response->set_central_fen(e->central.fen());
    response->set_local_fen(e->local.fen());
    response->set_data_version(data->version());
    return absl::OkStatus();
  }();
  reactor->FinishWith(ToGrpcStatus(status));
  return reactor;
}

}  // namespace subsidy::service
