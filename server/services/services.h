// The subsidy.v1 services (callback API, messages raw from the wire: services/wire.h). Each
// unary RPC is one SUBSIDY_UNARY_RPC line through Serve() (common.h) and a handler: validate,
// call the pure engine in calc/, persist through storage, map the result.
#pragma once

#include "ops/data_reloader.h"
#include "services/common.h"
#include "services/service_context.h"
#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/approval.grpc.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"

namespace subsidy::service {

namespace raw {
using LoanService = v1::LoanSubsidyService;
using LoanBook = LoanService::WithRawCallbackMethod_ListLoanBook<LoanService::WithRawCallbackMethod_ImportLoanPortfolio<
    LoanService::WithRawCallbackMethod_ListLoanReforms<LoanService::WithRawCallbackMethod_SimulateReform<
        LoanService::WithRawCallbackMethod_ForecastLoanSubsidies<
            LoanService::WithRawCallbackMethod_StreamSimulateReform<LoanService::Service>>>>>>;
using LoanClaims = LoanService::WithRawCallbackMethod_SubmitLoanSubsidyClaimFile<LoanService::WithRawCallbackMethod_SubmitLoanSubsidyClaim<
    LoanService::WithRawCallbackMethod_UploadLoanSubsidyClaim<LoanService::WithRawCallbackMethod_GetLoanSubsidyClaim<
        LoanService::WithRawCallbackMethod_ListLoanSubsidyClaims<LoanService::WithRawCallbackMethod_ListLoanSubsidyClaimLines<
            LoanService::WithRawCallbackMethod_ReviewLoanSubsidyClaim<LoanBook>>>>>>>;
using Loan = LoanService::WithRawCallbackMethod_CalculateLoanSubsidy<
    LoanService::WithRawCallbackMethod_CalculateLoanSubsidyBatch<LoanService::WithRawCallbackMethod_StreamLoanSubsidies<
        LoanService::WithRawCallbackMethod_StreamLoanSubsidyBatches<
            LoanService::WithRawCallbackMethod_GetLoanPolicy<LoanClaims>>>>>;
using EduService = v1::EducationFundService;
using Education = EduService::WithRawCallbackMethod_SplitGrant<EduService::WithRawCallbackMethod_GetFundPriority<
    EduService::WithRawCallbackMethod_AllocateFunds<EduService::WithRawCallbackMethod_RecordExpenditure<
        EduService::WithRawCallbackMethod_GetSpendingProgress<
            EduService::WithRawCallbackMethod_ComputeEducationEntitlement<
                EduService::WithRawCallbackMethod_ListExpenditureCategories<
                    EduService::WithRawCallbackMethod_ReverseExpenditure<
                        EduService::WithRawCallbackMethod_ListSchoolLedger<EduService::Service>>>>>>>>>;
using RewardService = v1::RewardPayoutService;
using Reward = RewardService::WithRawCallbackMethod_ListRewardPolicies<
    RewardService::WithRawCallbackMethod_SubmitDetermination<RewardService::WithRawCallbackMethod_GetPayout<
        RewardService::WithRawCallbackMethod_ListPayouts<
            RewardService::WithRawCallbackMethod_RunDisbursement<
                RewardService::WithRawCallbackMethod_CancelPayout<
                RewardService::WithRawCallbackMethod_GetPaymentFile<RewardService::Service>>>>>>>;
using AdminService = v1::AdminService;
using Admin = AdminService::WithRawCallbackMethod_ReloadData<AdminService::WithRawCallbackMethod_GetDataStatus<
    AdminService::WithRawCallbackMethod_ListAuditEvents<AdminService::WithRawCallbackMethod_GetCaller<AdminService::Service>>>>;
using FundSvc = v1::FundService;
// Dynamic monitoring's RPCs (alert_cases.cc, fund_targets.cc).
using FundCases = FundSvc::WithRawCallbackMethod_ListMonitoringRules<FundSvc::WithRawCallbackMethod_ListAlertCases<
    FundSvc::WithRawCallbackMethod_GetAlertCase<FundSvc::WithRawCallbackMethod_InquireAlert<
        FundSvc::WithRawCallbackMethod_RespondToInquiry<FundSvc::WithRawCallbackMethod_RuleOnAlert<
            FundSvc::WithRawCallbackMethod_RectifyAlert<FundSvc::WithRawCallbackMethod_SweepAlertCases<
                FundSvc::WithRawCallbackMethod_SetFundTargets<FundSvc::WithRawCallbackMethod_RecordTargetProgress<
                    FundSvc::WithRawCallbackMethod_GetFundTargets<FundSvc::Service>>>>>>>>>>>;
using Fund = FundSvc::WithRawCallbackMethod_CreateFund<FundSvc::WithRawCallbackMethod_AdjustFundBudget<
    FundSvc::WithRawCallbackMethod_AllocateFund<FundSvc::WithRawCallbackMethod_RecordFundPayment<
        FundSvc::WithRawCallbackMethod_GetFund<FundSvc::WithRawCallbackMethod_ListFunds<
            FundSvc::WithRawCallbackMethod_GetExecutionReport<
                FundSvc::WithRawCallbackMethod_ListFundAlerts<FundSvc::WithRawCallbackMethod_ReverseFundEntry<
                    FundSvc::WithRawCallbackMethod_ListFundEntries<FundCases>>>>>>>>>>;
using ApprovalSvc = v1::ApprovalService;
using Approval = ApprovalSvc::WithRawCallbackMethod_ListInstructions<ApprovalSvc::WithRawCallbackMethod_GetInstruction<
    ApprovalSvc::WithRawCallbackMethod_ApproveInstruction<
        ApprovalSvc::WithRawCallbackMethod_RejectInstruction<ApprovalSvc::Service>>>>;
using PaymentSvc = v1::PaymentService;
using Payment = PaymentSvc::WithRawCallbackMethod_ListPaymentBatches<PaymentSvc::WithRawCallbackMethod_ListPaymentLines<
    PaymentSvc::WithRawCallbackMethod_ImportBankReturn<PaymentSvc::WithRawCallbackMethod_ReissuePayment<
        PaymentSvc::WithRawCallbackMethod_ReturnPayment<
            PaymentSvc::WithRawCallbackMethod_GetReconciliation<PaymentSvc::Service>>>>>>;
}  // namespace raw

class LoanSubsidyServiceImpl final : public raw::Loan {
 public:
  using ProtoService = raw::LoanService;  // its RPCs' names come from here
  explicit LoanSubsidyServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  SUBSIDY_RAW_UNARY(CalculateLoanSubsidy);
  SUBSIDY_RAW_UNARY(CalculateLoanSubsidyBatch);
  SUBSIDY_RAW_UNARY(GetLoanPolicy);
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StreamLoanSubsidies(
      grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* StreamLoanSubsidyBatches(
      grpc::CallbackServerContext* context) override;
  // Claims (claim_service.cc).
  SUBSIDY_RAW_UNARY(SubmitLoanSubsidyClaim);
  SUBSIDY_RAW_UNARY(SubmitLoanSubsidyClaimFile);
  SUBSIDY_RAW_UNARY(GetLoanSubsidyClaim);
  SUBSIDY_RAW_UNARY(ListLoanSubsidyClaims);
  SUBSIDY_RAW_UNARY(ListLoanSubsidyClaimLines);
  SUBSIDY_RAW_UNARY(ReviewLoanSubsidyClaim);
  // The loan book and policy what-if (what_if_service.cc).
  SUBSIDY_RAW_UNARY(ListLoanBook);
  SUBSIDY_RAW_UNARY(ImportLoanPortfolio);
  SUBSIDY_RAW_UNARY(ListLoanReforms);
  SUBSIDY_RAW_UNARY(SimulateReform);
  SUBSIDY_RAW_UNARY(ForecastLoanSubsidies);
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StreamSimulateReform(grpc::CallbackServerContext* context,
                                                                   const grpc::ByteBuffer* request) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* UploadLoanSubsidyClaim(grpc::CallbackServerContext* context,
                                                                    grpc::ByteBuffer* response) override;

 private:
  static constexpr size_t kStreamWindow = 256;      // results queued for the network per stream
  static constexpr size_t kBatchStreamWindow = 8;
  ServiceContext ctx_;
};

class EducationFundServiceImpl final : public raw::Education {
 public:
  using ProtoService = raw::EduService;  // its RPCs' names come from here
  explicit EducationFundServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  SUBSIDY_RAW_UNARY(SplitGrant);
  SUBSIDY_RAW_UNARY(GetFundPriority);
  SUBSIDY_RAW_UNARY(AllocateFunds);
  SUBSIDY_RAW_UNARY(RecordExpenditure);
  SUBSIDY_RAW_UNARY(GetSpendingProgress);
  SUBSIDY_RAW_UNARY(ComputeEducationEntitlement);
  SUBSIDY_RAW_UNARY(ListExpenditureCategories);
  SUBSIDY_RAW_UNARY(ReverseExpenditure);
  SUBSIDY_RAW_UNARY(ListSchoolLedger);

 private:
  ServiceContext ctx_;
};

class RewardPayoutServiceImpl final : public raw::Reward {
 public:
  using ProtoService = raw::RewardService;  // its RPCs' names come from here
  explicit RewardPayoutServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  SUBSIDY_RAW_UNARY(ListRewardPolicies);
  SUBSIDY_RAW_UNARY(SubmitDetermination);
  SUBSIDY_RAW_UNARY(GetPayout);
  SUBSIDY_RAW_UNARY(ListPayouts);
  SUBSIDY_RAW_UNARY(RunDisbursement);
  SUBSIDY_RAW_UNARY(CancelPayout);
  SUBSIDY_RAW_UNARY(GetPaymentFile);

 private:
  ServiceContext ctx_;
};

class FundServiceImpl final : public raw::Fund {
 public:
  using ProtoService = raw::FundSvc;  // its RPCs' names come from here
  explicit FundServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  SUBSIDY_RAW_UNARY(CreateFund);
  SUBSIDY_RAW_UNARY(AdjustFundBudget);
  SUBSIDY_RAW_UNARY(AllocateFund);
  SUBSIDY_RAW_UNARY(RecordFundPayment);
  SUBSIDY_RAW_UNARY(GetFund);
  SUBSIDY_RAW_UNARY(ListFunds);
  SUBSIDY_RAW_UNARY(GetExecutionReport);
  SUBSIDY_RAW_UNARY(ListFundAlerts);
  SUBSIDY_RAW_UNARY(ReverseFundEntry);
  SUBSIDY_RAW_UNARY(ListFundEntries);
  // Dynamic monitoring: rules, alert cases (alert_cases.cc), performance targets (fund_targets.cc).
  SUBSIDY_RAW_UNARY(ListMonitoringRules);
  SUBSIDY_RAW_UNARY(ListAlertCases);
  SUBSIDY_RAW_UNARY(GetAlertCase);
  SUBSIDY_RAW_UNARY(InquireAlert);
  SUBSIDY_RAW_UNARY(RespondToInquiry);
  SUBSIDY_RAW_UNARY(RuleOnAlert);
  SUBSIDY_RAW_UNARY(RectifyAlert);
  SUBSIDY_RAW_UNARY(SweepAlertCases);
  SUBSIDY_RAW_UNARY(SetFundTargets);
  SUBSIDY_RAW_UNARY(RecordTargetProgress);
  SUBSIDY_RAW_UNARY(GetFundTargets);

 private:
  ServiceContext ctx_;
};

// Dual control: the instructions that wait for a second finance officer (approval_service.cc).
class ApprovalServiceImpl final : public raw::Approval {
 public:
  using ProtoService = raw::ApprovalSvc;  // its RPCs' names come from here
  explicit ApprovalServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  SUBSIDY_RAW_UNARY(ListInstructions);
  SUBSIDY_RAW_UNARY(GetInstruction);
  SUBSIDY_RAW_UNARY(ApproveInstruction);
  SUBSIDY_RAW_UNARY(RejectInstruction);

 private:
  ServiceContext ctx_;
};

// Payments the bank confirms: batches, return files, reissues and returns, reconciliation
// (payment_service.cc; the import in bank_return_import.cc).
class PaymentServiceImpl final : public raw::Payment {
 public:
  using ProtoService = raw::PaymentSvc;  // its RPCs' names come from here
  explicit PaymentServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  SUBSIDY_RAW_UNARY(ListPaymentBatches);
  SUBSIDY_RAW_UNARY(ListPaymentLines);
  SUBSIDY_RAW_UNARY(ImportBankReturn);
  SUBSIDY_RAW_UNARY(ReissuePayment);
  SUBSIDY_RAW_UNARY(ReturnPayment);
  SUBSIDY_RAW_UNARY(GetReconciliation);

 private:
  ServiceContext ctx_;
};

class AdminServiceImpl final : public raw::Admin {
 public:
  using ProtoService = raw::AdminService;  // its RPCs' names come from here
  explicit AdminServiceImpl(ServiceContext ctx) : ctx_(ctx) {}

  SUBSIDY_RAW_UNARY(ReloadData);
  SUBSIDY_RAW_UNARY(GetDataStatus);
  SUBSIDY_RAW_UNARY(ListAuditEvents);
  SUBSIDY_RAW_UNARY(GetCaller);

 private:
  ServiceContext ctx_;
};

}  // namespace subsidy::service
