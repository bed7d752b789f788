#include "common/status_util.h"
#include "services/common.h"
#include "services/loan_mapping.h"
#include "services/pipelined_reactor.h"
#include "services/observed_reactor.h"
#include "services/services.h"
#include "services/status_mapping.h"

namespace subsidy::service {
namespace {

void CalculateInBand(const v1::LoanSubsidyRequest& req, const PolicyData& data, v1::LoanSubsidyResult* out) {
  absl::Status s = CalculateOne(req, data, out);
  if (!s.ok()) {
    const std::string id = req.loan_id();
    out->Clear();
    out->set_loan_id(id);
    out->set_data_version(data.version());
    ItemErrorFromStatus(s, out->mutable_error());
  }
}

void CalculateBatch(const v1::LoanSubsidyBatchRequest& req, const PolicyData& data, v1::LoanSubsidyBatchResult* out) {
  out->mutable_results()->Reserve(req.loans_size());
  for (const auto& loan : req.loans()) CalculateInBand(loan, data, out->add_results());
}

absl::Status FillPolicy(const v1::GetLoanPolicyRequest& req, const PolicyData& data, v1::LoanPolicy* out) {
  if (data.FindProvince(req.province()) == nullptr) {
    return InvalidField("province", "unknown province code \"" + req.province() + "\"");
  }
  auto program = LoanProgramFromProto(req.program());
  if (!program) return InvalidField("program", "must be one of the LoanProgram values");
  auto tier = RegionTierFromProto(req.region_tier());
  if (!tier) return InvalidField("region_tier", "must be EAST, CENTRAL_WEST or POVERTY_AREA");
  auto date = Date::Parse(req.date());
  if (!date.ok()) return InvalidField("date", date.status().message());
  const LprTenor tenor = req.lpr_tenor() == v1::FIVE_YEAR ? LprTenor::kFiveYear : LprTenor::kOneYear;
  auto match = data.loan_regimes().Find(req.province(), *program, *date);
  if (!match) {
    return absl::NotFoundError("no subsidy regime for " + std::string(LoanProgramName(*program)) +
                               " loans contracted on " + req.date() + " in province " + req.province());
  }
  const LoanRegime& r = *match->regime;
  const ProgramTerms& t = *match->terms;
  out->set_regime_id(r.regime_id);
  out->set_regime_name(r.name);
  out->set_province(req.province());
  out->set_program(req.program());
  out->set_date(req.date());
  out->set_region_tier(req.region_tier());
  // The window that applies in this province.
  std::optional<DateRange> window = r.default_window;
  if (auto it = r.province_windows.find(req.province()); it != r.province_windows.end()) {
    for (const auto& w : it->second) {
      if (w.Contains(*date)) window = w;
    }
  }
  if (window) {
    out->set_regime_start_date(window->first().ToString());
    out->set_regime_end_date(window->last().ToString());
  }
  out->set_subsidy_formula(SubsidyFormulaName(t.formula));
  const int spread = r.CeilingSpreadBp(req.province(), *tier);
  out->set_ceiling_spread_bp(spread);
  out->set_loan_cap_fen(t.loan_cap.fen());
  out->set_subsidy_base_cap_fen(t.subsidy_base_cap.fen());
  out->set_per_partner_cap_fen(t.per_partner_loan_cap.fen());
  out->set_partnership_cap_fen(*program == LoanProgram::kPartnership ? t.loan_cap.fen() : 0);
  out->set_subsidy_term_years(t.subsidy_term_years);
  out->set_max_prior_subsidized_loans(r.max_prior_subsidized_loans);
  out->set_status(t.status.empty() ? r.status : t.status);
  out->set_source(r.source);
  out->set_lpr_tenor(LprTenorName(tenor));
  auto fixing = data.lpr().InForce(*date);
  if (fixing.ok()) {
    const Rate lpr = (*fixing)->ForTenor(tenor);
    out->set_lpr_percent(lpr.ToString());
    out->set_lpr_effective_date((*fixing)->effective_date.ToString());
    out->set_lpr_source((*fixing)->source);
    out->set_lpr_confirmed(data.lpr().Confirmed(*date));
    out->set_ceiling_percent(lpr.Plus(Rate::FromBasisPoints(spread)).ToString());
  }
  out->set_data_version(data.version());
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* LoanSubsidyServiceImpl::CalculateLoanSubsidy(grpc::CallbackServerContext* context,
                                                                       const v1::LoanSubsidyRequest* request,
                                                                       v1::LoanSubsidyResult* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  const auto data = ctx_.policy->Get();
  reactor->FinishWith(ToGrpcStatus(CalculateOne(*request, *data, response)));
  return reactor;
}

grpc::ServerUnaryReactor* LoanSubsidyServiceImpl::CalculateLoanSubsidyBatch(grpc::CallbackServerContext* context,
                                                                            const v1::LoanSubsidyBatchRequest* request,
                                                                            v1::LoanSubsidyBatchResult* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.LoanSubsidyService/CalculateLoanSubsidyBatch", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.LoanSubsidyService/CalculateLoanSubsidyBatch");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  const auto data = ctx_.policy->Get();
  CalculateBatch(*request, *data, response);
  reactor->FinishWith(grpc::Status::OK);
  return reactor;
}

namespace {
// Records a stream's end like a unary call's.
std::function<void(const grpc::Status&)> StreamObserver(const ServiceContext* ctx, const grpc::CallbackServerContext* context,
                                                        const char* method, std::string caller) {
  if (!ctx->observe) return nullptr;
  const auto start = std::chrono::steady_clock::now();
  if (caller.empty()) caller = context->peer();
  return [ctx, method, caller, start](const grpc::Status& s) {
    ctx->observe(CallRecord{method, caller, "", s.error_code(), s.error_message(),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  };
}
// Counts a stream as in flight until its reactor lets go of this (with the caller's slot).
std::shared_ptr<void> InFlight(const ServiceContext& ctx, std::shared_ptr<void> slot) {
  if (ctx.in_flight == nullptr) return slot;
  ++*ctx.in_flight;
  auto* holder = new std::shared_ptr<void>(std::move(slot));
  std::atomic<int>* counter = ctx.in_flight;
  return std::shared_ptr<void>(holder, [counter](std::shared_ptr<void>* h) {
    delete h;
    --*counter;
  });
}
}  // namespace

grpc::ServerBidiReactor<v1::LoanSubsidyRequest, v1::LoanSubsidyResult>* LoanSubsidyServiceImpl::StreamLoanSubsidies(
    grpc::CallbackServerContext* context) {
  static constexpr char kMethod[] = "subsidy.v1.LoanSubsidyService/StreamLoanSubsidies";
  auto admission = Admit(ctx_, context, kMethod);
  if (!admission.ok()) {
    return new RejectingReactor<v1::LoanSubsidyRequest, v1::LoanSubsidyResult>(
        ToGrpcStatus(admission.status()), StreamObserver(&ctx_, context, kMethod, ""));
  }
  // One snapshot for the whole stream: a claim file is computed on one version of the data.
  auto data = ctx_.policy->Get();
  return new PipelinedReactor<v1::LoanSubsidyRequest, v1::LoanSubsidyResult>(
      [data](const v1::LoanSubsidyRequest& req, v1::LoanSubsidyResult* out) { CalculateInBand(req, *data, out); },
      kStreamWindow, InFlight(ctx_, admission->slot), ctx_.max_stream_messages,
      StreamObserver(&ctx_, context, kMethod, admission->caller->name));
}

grpc::ServerBidiReactor<v1::LoanSubsidyBatchRequest, v1::LoanSubsidyBatchResult>*
LoanSubsidyServiceImpl::StreamLoanSubsidyBatches(grpc::CallbackServerContext* context) {
  static constexpr char kMethod[] = "subsidy.v1.LoanSubsidyService/StreamLoanSubsidyBatches";
  auto admission = Admit(ctx_, context, kMethod);
  if (!admission.ok()) {
    return new RejectingReactor<v1::LoanSubsidyBatchRequest, v1::LoanSubsidyBatchResult>(
        ToGrpcStatus(admission.status()), StreamObserver(&ctx_, context, kMethod, ""));
  }
  auto data = ctx_.policy->Get();
  return new PipelinedReactor<v1::LoanSubsidyBatchRequest, v1::LoanSubsidyBatchResult>(
      [data](const v1::LoanSubsidyBatchRequest& req, v1::LoanSubsidyBatchResult* out) {
        CalculateBatch(req, *data, out);
      },
      kBatchStreamWindow, InFlight(ctx_, admission->slot), ctx_.max_stream_messages,
      StreamObserver(&ctx_, context, kMethod, admission->caller->name));
}

grpc::ServerUnaryReactor* LoanSubsidyServiceImpl::GetLoanPolicy(grpc::CallbackServerContext* context,
                                                                const v1::GetLoanPolicyRequest* request,
                                                                v1::LoanPolicy* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.LoanSubsidyService/GetLoanPolicy", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.LoanSubsidyService/GetLoanPolicy");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  const auto data = ctx_.policy->Get();
  reactor->FinishWith(ToGrpcStatus(FillPolicy(*request, *data, response)));
  return reactor;
}

}  // namespace subsidy::service
