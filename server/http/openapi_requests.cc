// The fields each RPC's handler requires and an example request per RPC, for the OpenAPI document
// (openapi_requests.h).
//
// Required: read from the handlers' validation (server/services/*_service.cc and the engines they
// call: InvalidField(…, "is required"), ValidateRequestId, ParseDate, ValidateId, "must be positive",
// an enum that must not be UNSPECIFIED, an id looked up that is NOT_FOUND when empty) and checked
// against the server: tests/e2e/http_e2e_test.cc sends each example without each field listed here
// and wants a refusal naming it. A field required only in some cases (ReviewLoanSubsidyClaim's
// payment_date for APPROVE, reason for REJECT) is not listed; its comment says when.
//
// Examples: from the golden cases where one fits (tests/golden/loan_cases.textproto,
// tests/golden/fund_scenarios.textproto, examples/tiaobingshan-2024q3-claim.csv), otherwise a plain
// request with the ids the server gives (CL-00000001, PO-00000001, …). openapi-gen fails when an
// example does not parse as its request or a required field is not one of its fields.
#include "openapi_requests.h"

namespace subsidy::http {
namespace {

const std::vector<RequestDoc> kDocs = {
  {"LoanSubsidyService/CalculateLoanSubsidy",
   {"province", "regionTier", "program", "principalFen", "contractDate", "disbursementDate", "maturityDate",
    "annualRatePercent"},
   "loan_cases.textproto: liuzhou-2023-whole-year",
   R"J({"loanId":"LZ-2023","province":"45","regionTier":"CENTRAL_WEST","program":"ENTREPRENEUR_INDIVIDUAL",)J"
   R"J("principalFen":"10000000","contractDate":"2023-01-10","disbursementDate":"2023-01-10",)J"
   R"J("maturityDate":"2024-01-10","annualRatePercent":"5.15"})J"},
  {"LoanSubsidyService/CalculateLoanSubsidyBatch",
   {},
   "loan_cases.textproto: liuzhou-2023-whole-year, as a batch of one",
   R"J({"loans":[{"loanId":"LZ-2023","province":"45","regionTier":"CENTRAL_WEST",)J"
   R"J("program":"ENTREPRENEUR_INDIVIDUAL","principalFen":"10000000","contractDate":"2023-01-10",)J"
   R"J("disbursementDate":"2023-01-10","maturityDate":"2024-01-10","annualRatePercent":"5.15"}]})J"},
  {"LoanSubsidyService/GetLoanPolicy",
   {"province", "program", "date", "regionTier"},
   "Henan, an individual entrepreneur's loan contracted on 1 March 2024",
   R"J({"province":"41","program":"ENTREPRENEUR_INDIVIDUAL","date":"2024-03-01",)J"
   R"J("regionTier":"CENTRAL_WEST"})J"},
  {"LoanSubsidyService/SubmitLoanSubsidyClaim",
   {"requestId", "bankId", "settlementPeriod", "loans"},
   "examples/tiaobingshan-2024q3-claim.csv: its first loan, for the quarter to 20 September 2024",
   R"J({"requestId":"tbs-2024q3","bankId":"TBS-BANK","settlementPeriod":{"startDate":"2024-06-21",)J"
   R"J("endDate":"2024-09-20"},"loans":[{"loanId":"TBS-2024-0001","province":"21","regionTier":"EAST",)J"
   R"J("program":"ENTREPRENEUR_INDIVIDUAL","principalFen":"24000000","contractDate":"2024-01-08",)J"
   R"J("disbursementDate":"2024-01-08","maturityDate":"2026-01-08","annualRatePercent":"4.05"}]})J"},
  {"LoanSubsidyService/SubmitLoanSubsidyClaimFile",
   {"requestId", "bankId", "settlementPeriod", "file"},
   "examples/tiaobingshan-2024q3-claim.csv: its header and first loan, in base64",
   R"J({"requestId":"tbs-2024q3-file","bankId":"TBS-BANK","settlementPeriod":{"startDate":"2024-06-21",)J"
   R"J("endDate":"2024-09-20"},)J"
   R"J("file":"bG9hbl9pZCxwcm92aW5jZSxyZWdpb25fdGllcixwcm9ncmFtLHBhcnRuZXJfY291bnQscHJpb3Jfc3Vic2lkaXplZF9s)J"
   R"J(b2FucyxwcmluY2lwYWxfZmVuLGNvbnRyYWN0X2RhdGUsZGlzYnVyc2VtZW50X2RhdGUsbWF0dXJpdHlfZGF0ZSxhbm51YWxfcmF0)J"
   R"J(ZV9wZXJjZW50LGxwcl90ZW5vcixyZXBheW1lbnRzLG92ZXJkdWVfcGVyaW9kcyxjbGFpbV9zdGFydCxjbGFpbV9lbmQsZGF5X2Nv)J"
   R"J(dW50ClRCUy0yMDI0LTAwMDEsMjEsRUFTVCxFTlRSRVBSRU5FVVJfSU5ESVZJRFVBTCwsMCwyNDAwMDAwMCwyMDI0LTAxLTA4LDIw)J"
   R"J(MjQtMDEtMDgsMjAyNi0wMS0wOCw0LjA1LE9ORV9ZRUFSLCwsLCxBQ1RfMzYwCg=="})J"},
  {"LoanSubsidyService/GetLoanSubsidyClaim",
   {"claimId"},
   "",
   R"J({"claimId":"CL-00000001"})J"},
  {"LoanSubsidyService/ListLoanSubsidyClaims",
   {},
   "",
   R"J({"bankId":"TBS-BANK","status":"SUBMITTED","pageSize":20})J"},
  {"LoanSubsidyService/ListLoanSubsidyClaimLines",
   {"claimId"},
   "",
   R"J({"claimId":"CL-00000001","lineStatus":"ACCEPTED","pageSize":50})J"},
  {"LoanSubsidyService/ReviewLoanSubsidyClaim",
   {"requestId", "claimId", "decision"},
   "approve, paid on a working day",
   R"J({"requestId":"review-cl-1","claimId":"CL-00000001","decision":"APPROVE","paymentDate":"2024-09-27"})J"},
  {"EducationFundService/SplitGrant",
   {"shares"},
   "24,000,000.00 元 at 1:3:3 (central direct, municipal, district)",
   R"J({"totalFen":"2400000000","shares":[{"source":"CENTRAL_DIRECT","weight":"1"},{"source":"MUNICIPAL",)J"
   R"J("weight":"3"},{"source":"DISTRICT","weight":"3"}]})J"},
  {"EducationFundService/GetFundPriority",
   {"schoolId"},
   "",
   R"J({"schoolId":"110106-FT001"})J"},
  {"EducationFundService/AllocateFunds",
   {"requestId", "schoolId", "source", "amountFen", "date"},
   "fund_scenarios.textproto: fengtai-2021-central-direct",
   R"J({"requestId":"ft-a-c","schoolId":"110106-FT001","source":"CENTRAL_DIRECT","amountFen":"600000000",)J"
   R"J("date":"2021-02-01","fundId":"FT-2021-CENTRAL"})J"},
  {"EducationFundService/RecordExpenditure",
   {"requestId", "schoolId", "category", "amountFen", "date"},
   "fund_scenarios.textproto: fengtai-2021-central-direct",
   R"J({"requestId":"ft-a-1","schoolId":"110106-FT001","category":"TEACHING","amountFen":"500000000",)J"
   R"J("date":"2021-04-20"})J"},
  {"EducationFundService/GetSpendingProgress",
   {"schoolId"},
   "",
   R"J({"schoolId":"110106-FT001"})J"},
  {"EducationFundService/ComputeEducationEntitlement",
   {"province", "schoolYear"},
   "",
   R"J({"schoolId":"110106-FT001","province":"11","schoolYear":"2024","primaryPupils":"600",)J"
   R"J("juniorPupils":"300"})J"},
  {"EducationFundService/ListExpenditureCategories",
   {},
   "",
   R"J({})J"},
  {"EducationFundService/ReverseExpenditure",
   {"requestId", "expenditureId", "date", "reason"},
   "",
   R"J({"requestId":"ft-a-1-rev","expenditureId":"EXP-00000001","date":"2021-04-21",)J"
   R"J("reason":"entered twice"})J"},
  {"EducationFundService/ListSchoolLedger",
   {"schoolId"},
   "",
   R"J({"schoolId":"110106-FT001","pageSize":50})J"},
  {"RewardPayoutService/ListRewardPolicies",
   {},
   "",
   R"J({})J"},
  {"RewardPayoutService/SubmitDetermination",
   {"requestId", "policyId", "enterpriseUscc", "determinationDate"},
   "fund_scenarios.textproto: yichang-five-working-days",
   R"J({"requestId":"yc-d1","policyId":"YC-ABOVE-SCALE-ENTRY","enterpriseUscc":"91420500000012345B",)J"
   R"J("enterpriseName":"宜昌某公司","determinationDate":"2024-05-13"})J"},
  {"RewardPayoutService/GetPayout",
   {"payoutId"},
   "",
   R"J({"payoutId":"PO-00000001"})J"},
  {"RewardPayoutService/ListPayouts",
   {},
   "",
   R"J({"status":"SCHEDULED","pageSize":20})J"},
  {"RewardPayoutService/RunDisbursement",
   {"requestId", "paymentDate"},
   "fund_scenarios.textproto: yichang-five-working-days",
   R"J({"requestId":"yc-run","paymentDate":"2024-05-22"})J"},
  {"RewardPayoutService/GetPaymentFile",
   {"paidDate"},
   "",
   R"J({"paidDate":"2024-05-22"})J"},
  {"RewardPayoutService/CancelPayout",
   {"requestId", "payoutId", "reason"},
   "",
   R"J({"requestId":"cancel-po-1","payoutId":"PO-00000001","reason":"determination withdrawn"})J"},
  {"FundService/CreateFund",
   {"requestId", "fundId", "name", "budgetYear", "level", "purpose", "regionCode", "date"},
   "fund_scenarios.textproto: yichang-five-working-days",
   R"J({"requestId":"yc","fundId":"YC-2024-REWARDS","name":"宜昌免申即享奖励资金","budgetYear":2024,)J"
   R"J("level":"MUNICIPAL","purpose":"ENTERPRISE_REWARD","regionCode":"4205","budgetFen":"10000000000",)J"
   R"J("date":"2024-01-02"})J"},
  {"FundService/AdjustFundBudget",
   {"requestId", "fundId", "deltaFen", "date", "reason"},
   "",
   R"J({"requestId":"yc-adj-1","fundId":"YC-2024-REWARDS","deltaFen":"500000000","date":"2024-03-01",)J"
   R"J("documentNo":"宜财预〔2024〕12号","reason":"supplementary budget"})J"},
  {"FundService/AllocateFund",
   {"requestId", "fundId", "recipientKind", "recipientId", "regionCode", "amountFen", "date"},
   "fund_scenarios.textproto: yichang-five-working-days",
   R"J({"requestId":"yc-1","fundId":"YC-2024-REWARDS","recipientKind":"REWARD_POLICY",)J"
   R"J("recipientId":"YC-ABOVE-SCALE-ENTRY","regionCode":"4205","amountFen":"40000000","date":"2024-01-02"})J"},
  {"FundService/RecordFundPayment",
   {"requestId", "fundId", "recipientId", "amountFen", "date"},
   "fund_scenarios.textproto: changzhou-2021",
   R"J({"requestId":"cz-a-p1","fundId":"CZ-2021-A","recipientId":"WUJIN","amountFen":"150000000000",)J"
   R"J("date":"2021-04-30"})J"},
  {"FundService/GetFund",
   {"fundId"},
   "the fund of CreateFund's example",
   R"J({"fundId":"YC-2024-REWARDS"})J"},
  {"FundService/ListFunds",
   {},
   "",
   R"J({"budgetYear":2021,"purpose":"EDUCATION","pageSize":50})J"},
  {"FundService/GetExecutionReport",
   {"asOf"},
   "fund_scenarios.textproto: changzhou-2021",
   R"J({"asOf":"2021-05-31"})J"},
  {"FundService/ListFundAlerts",
   {},
   "fund_scenarios.textproto: yichang-five-working-days",
   R"J({"asOf":"2024-05-21","fundIds":["YC-2024-REWARDS"]})J"},
  {"FundService/ListMonitoringRules", {}, "data/monitoring_rules.textproto", R"J({"asOf":"2026-03-02"})J"},
  {"FundService/ListAlertCases", {}, "", R"J({"state":"OPEN","severity":"ORANGE","pageSize":20})J"},
  {"FundService/GetAlertCase", {"caseId"}, "", R"J({"caseId":"AC-00000001"})J"},
  {"FundService/InquireAlert",
   {"requestId", "alertId", "question"},
   "",
   R"J({"requestId":"inquire-1","alertId":"R-IDLE-30/110106-FT001/2026-01-20",)J"
   R"J("question":"请说明该笔资金超过30天未支付的原因及支出计划。"})J"},
  {"FundService/RespondToInquiry",
   {"requestId", "caseId", "response"},
   "",
   R"J({"requestId":"respond-1","caseId":"AC-00000001","response":"采购合同已签订，资金将于本月底前支付。"})J"},
  {"FundService/RuleOnAlert",
   {"requestId", "caseId", "finding"},
   "violation_type is required with the finding VIOLATION",
   R"J({"requestId":"rule-1","caseId":"AC-00000001","finding":"VIOLATION","violationType":"IDLE_FUNDS",)J"
   R"J("note":"资金滞留超过规定期限"})J"},
  {"FundService/RectifyAlert",
   {"requestId", "caseId", "action"},
   "entry_id is required for RETURN_FUNDS and ADJUST_ACCOUNT, note for OTHER",
   R"J({"requestId":"rectify-1","caseId":"AC-00000001","action":"RETURN_FUNDS","entryId":"FR-00000009",)J"
   R"J("note":"收回闲置资金"})J"},
  {"FundService/SweepAlertCases", {"requestId"}, "", R"J({"requestId":"sweep-2026-03-02"})J"},
  {"FundService/SetFundTargets",
   {"requestId", "fundId", "targets"},
   "",
   R"J({"requestId":"targets-1","fundId":"CZ-2021-A","date":"2021-01-20","targets":[{"indicatorId":"OUT-1",)J"
   R"J("kind":"OUTPUT","name":"受益学生人数","unit":"人","targetValue":"1200"}]})J"},
  {"FundService/RecordTargetProgress",
   {"requestId", "fundId", "indicatorId", "value"},
   "",
   R"J({"requestId":"progress-1","fundId":"CZ-2021-A","indicatorId":"OUT-1","value":"300","date":"2021-05-31"})J"},
  {"FundService/GetFundTargets", {"fundId"}, "", R"J({"fundId":"CZ-2021-A"})J"},
  {"FundService/ReverseFundEntry",
   {"requestId", "entryId", "date", "reason"},
   "",
   R"J({"requestId":"rev-fp-1","entryId":"FP-00000001","date":"2021-05-10",)J"
   R"J("reason":"paid to the wrong unit"})J"},
  {"FundService/ListFundEntries",
   {"fundId"},
   "the fund of CreateFund's example",
   R"J({"fundId":"YC-2024-REWARDS","pageSize":50})J"},
  {"AdminService/ReloadData",
   {},
   "",
   R"J({})J"},
  {"AdminService/GetDataStatus",
   {},
   "",
   R"J({})J"},
  {"AdminService/ListAuditEvents",
   {},
   "",
   R"J({"subjectId":"PO-00000001","pageSize":50})J"},
  {"AdminService/GetCaller",
   {},
   "",
   R"J({})J"},
  {"ApprovalService/ListInstructions",
   {},
   "",
   R"J({"state":"PENDING_APPROVAL","pageSize":50})J"},
  {"ApprovalService/GetInstruction",
   {"instructionId"},
   "",
   R"J({"instructionId":"IN-00000001"})J"},
  {"ApprovalService/ApproveInstruction",
   {"requestId", "instructionId"},
   "",
   R"J({"requestId":"approve-in-1","instructionId":"IN-00000001"})J"},
  {"ApprovalService/RejectInstruction",
   {"requestId", "instructionId", "reason"},
   "",
   R"J({"requestId":"reject-in-1","instructionId":"IN-00000001","reason":"the document number is wrong"})J"},
  {"PaymentService/ListPaymentBatches",
   {},
   "",
   R"J({"fromDate":"2026-03-01","pageSize":20})J"},
  {"PaymentService/ListPaymentLines",
   {},
   "",
   R"J({"batchId":"PB-20260302","state":"FAILED","pageSize":50})J"},
  {"PaymentService/ImportBankReturn",
   {"requestId", "file"},
   "examples/bank-return-2026-03-02.csv",
   R"J({"requestId":"return-2026-03-02","fileName":"bank-return-2026-03-02.csv",)J"
   R"J("file":"5Yet6K+B5Y+3LOmHkeminSznirbmgIEK"})J"},
  {"PaymentService/ReissuePayment",
   {"requestId", "paymentId", "date"},
   "",
   R"J({"requestId":"reissue-1","paymentId":"PAY-00000002","payeeAccount":"6222020200012345678",)J"
   R"J("payeeName":"宜昌市某科技有限公司","date":"2026-03-05"})J"},
  {"PaymentService/ReturnPayment",
   {"requestId", "paymentId", "reason"},
   "",
   R"J({"requestId":"return-1","paymentId":"PAY-00000003","reason":"企业已注销，资金退回国库"})J"},
  {"PaymentService/GetReconciliation",
   {},
   "",
   R"J({"batchId":"PB-20260302"})J"},
};

}  // namespace

const std::vector<RequestDoc>& RequestDocs() { return kDocs; }

}  // namespace subsidy::http
