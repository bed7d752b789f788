#include "common/status_util.h"
#include "services/common.h"
#include "services/loan_mapping.h"
#include "services/pipelined_reactor.h"
#include "services/services.h"

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

namespace handlers {

absl::Status CalculateLoanSubsidy(Call& call, const v1::LoanSubsidyRequest& req, v1::LoanSubsidyResult* out) {
  return CalculateOne(req, call.data(), out);
}

absl::Status CalculateLoanSubsidyBatch(Call& call, const v1::LoanSubsidyBatchRequest& req,
                                       v1::LoanSubsidyBatchResult* out) {
  CalculateBatch(req, call.data(), out);
  return absl::OkStatus();
}

absl::Status GetLoanPolicy(Call& call, const v1::GetLoanPolicyRequest& req, v1::LoanPolicy* out) {
  return LoanPolicyFor(req, call.data(), out);
}

}  // namespace handlers
}  // namespace

SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, "subsidy.v1.LoanSubsidyService", CalculateLoanSubsidy, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, "subsidy.v1.LoanSubsidyService", CalculateLoanSubsidyBatch, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, "subsidy.v1.LoanSubsidyService", GetLoanPolicy, Runs::kInline)

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

}  // namespace subsidy::service
