// The subsidy.v1 services (callback API). Each RPC is one line through Serve() (common.h) and a
// handler: validate, call the pure engine in calc/, persist through storage, map the result.
// RPCs not overridden answer UNIMPLEMENTED.
#pragma once

#include "ops/data_reloader.h"
#include "services/service_context.h"
#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"

namespace subsidy::service {

class LoanSubsidyServiceImpl final : public v1::LoanSubsidyService::CallbackService {
 public:
  explicit LoanSubsidyServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  grpc::ServerUnaryReactor* CalculateLoanSubsidy(grpc::CallbackServerContext* context,
                                                 const v1::LoanSubsidyRequest* request,
                                                 v1::LoanSubsidyResult* response) override;
  grpc::ServerUnaryReactor* CalculateLoanSubsidyBatch(grpc::CallbackServerContext* context,
                                                      const v1::LoanSubsidyBatchRequest* request,
                                                      v1::LoanSubsidyBatchResult* response) override;
  grpc::ServerBidiReactor<v1::LoanSubsidyRequest, v1::LoanSubsidyResult>* StreamLoanSubsidies(
      grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<v1::LoanSubsidyBatchRequest, v1::LoanSubsidyBatchResult>* StreamLoanSubsidyBatches(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetLoanPolicy(grpc::CallbackServerContext* context, const v1::GetLoanPolicyRequest* request,
                                          v1::LoanPolicy* response) override;

 private:
  static constexpr size_t kStreamWindow = 256;      // results queued for the network per stream
  static constexpr size_t kBatchStreamWindow = 8;
  ServiceContext ctx_;
};

class EducationFundServiceImpl final : public v1::EducationFundService::CallbackService {
 public:
  explicit EducationFundServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  grpc::ServerUnaryReactor* SplitGrant(grpc::CallbackServerContext* context, const v1::SplitGrantRequest* request,
                                       v1::SplitGrantResponse* response) override;
  grpc::ServerUnaryReactor* GetFundPriority(grpc::CallbackServerContext* context,
                                            const v1::GetFundPriorityRequest* request,
                                            v1::FundPriority* response) override;
  grpc::ServerUnaryReactor* AllocateFunds(grpc::CallbackServerContext* context, const v1::AllocateFundsRequest* request,
                                          v1::FundBalance* response) override;
  grpc::ServerUnaryReactor* RecordExpenditure(grpc::CallbackServerContext* context,
                                              const v1::RecordExpenditureRequest* request,
                                              v1::Expenditure* response) override;
  grpc::ServerUnaryReactor* GetSpendingProgress(grpc::CallbackServerContext* context,
                                                const v1::GetSpendingProgressRequest* request,
                                                v1::SpendingProgress* response) override;
  grpc::ServerUnaryReactor* ComputeEducationEntitlement(grpc::CallbackServerContext* context,
                                                        const v1::EducationEntitlementRequest* request,
                                                        v1::EducationEntitlement* response) override;

 private:
  ServiceContext ctx_;
};

class RewardPayoutServiceImpl final : public v1::RewardPayoutService::CallbackService {
 public:
  explicit RewardPayoutServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  grpc::ServerUnaryReactor* ListRewardPolicies(grpc::CallbackServerContext* context,
                                               const v1::ListRewardPoliciesRequest* request,
                                               v1::ListRewardPoliciesResponse* response) override;
  grpc::ServerUnaryReactor* SubmitDetermination(grpc::CallbackServerContext* context,
                                                const v1::SubmitDeterminationRequest* request,
                                                v1::Payout* response) override;
  grpc::ServerUnaryReactor* GetPayout(grpc::CallbackServerContext* context, const v1::GetPayoutRequest* request,
                                      v1::Payout* response) override;
  grpc::ServerUnaryReactor* ListPayouts(grpc::CallbackServerContext* context, const v1::ListPayoutsRequest* request,
                                        v1::ListPayoutsResponse* response) override;
  grpc::ServerUnaryReactor* RunDisbursement(grpc::CallbackServerContext* context,
                                            const v1::RunDisbursementRequest* request,
                                            v1::RunDisbursementResponse* response) override;

 private:
  ServiceContext ctx_;
};

class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  AdminServiceImpl(ServiceContext ctx, ops::DataReloader* reloader) : ctx_(ctx), reloader_(reloader) {}

  grpc::ServerUnaryReactor* ReloadData(grpc::CallbackServerContext* context, const v1::ReloadDataRequest* request,
                                       v1::ReloadDataResponse* response) override;
  grpc::ServerUnaryReactor* GetDataStatus(grpc::CallbackServerContext* context, const v1::GetDataStatusRequest* request,
                                          v1::DataStatus* response) override;

 private:
  ServiceContext ctx_;
  ops::DataReloader* reloader_;
};

}  // namespace subsidy::service
