// What subsidyctl writes itself, in the user's language (Context::language, from the locale):
// from the message catalogue it was built with (data/messages.textproto, built in), the same
// texts the server writes its refusals from.
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/status_util.h"
#include "policy/message_catalogue.h"

namespace subsidy::cli {

// subsidyctl's own texts (reasons of data/messages.textproto).
inline constexpr char kClaimFileColumnsIgnored[] = "CLAIM_FILE_COLUMNS_IGNORED";  // {columns}
inline constexpr char kLoanIdRepeated[] = "LOAN_ID_REPEATED";                     // {line}
inline constexpr char kCliCalcSummary[] = "CLI_CALC_SUMMARY";
inline constexpr char kCliPolicyProgress[] = "CLI_POLICY_PROGRESS";  // {done, total}
inline constexpr char kCliDryRunSummary[] = "CLI_DRY_RUN_SUMMARY";
inline constexpr char kCliDryRunWouldRefuse[] = "CLI_DRY_RUN_WOULD_REFUSE";
inline constexpr char kCliDryRunNotAgainstClaims[] = "CLI_DRY_RUN_NOT_AGAINST_CLAIMS";
inline constexpr char kCliNoPeriod[] = "CLI_NO_PERIOD";
inline constexpr char kCliResults[] = "CLI_RESULTS";
inline constexpr char kCliClaimSummary[] = "CLI_CLAIM_SUMMARY";
inline constexpr char kCliClaimStatusSubmitted[] = "CLI_CLAIM_STATUS_SUBMITTED";
inline constexpr char kCliClaimStatusPaid[] = "CLI_CLAIM_STATUS_PAID";
inline constexpr char kCliClaimStatusRejected[] = "CLI_CLAIM_STATUS_REJECTED";
inline constexpr char kCliClaimFund[] = "CLI_CLAIM_FUND";
inline constexpr char kCliClaimPaid[] = "CLI_CLAIM_PAID";
inline constexpr char kCliClaimRejected[] = "CLI_CLAIM_REJECTED";
inline constexpr char kCliClaimSeeLines[] = "CLI_CLAIM_SEE_LINES";
inline constexpr char kCliRowAccepted[] = "CLI_ROW_ACCEPTED";
inline constexpr char kCliRowInvalid[] = "CLI_ROW_INVALID";
inline constexpr char kCliRowDuplicate[] = "CLI_ROW_DUPLICATE";
inline constexpr char kCliRowError[] = "CLI_ROW_ERROR";
inline constexpr char kCliRowNotSubmitted[] = "CLI_ROW_NOT_SUBMITTED";
inline constexpr char kCliRowNotChecked[] = "CLI_ROW_NOT_CHECKED";
inline constexpr char kCliRowSubmitted[] = "CLI_ROW_SUBMITTED";
inline constexpr char kCliRowDuplicateOf[] = "CLI_ROW_DUPLICATE_OF";
inline constexpr char kCliLine[] = "CLI_LINE";
inline constexpr char kCliRowNotEligible[] = "CLI_ROW_NOT_ELIGIBLE";
inline constexpr char kCliNotSubmittedBadRows[] = "CLI_NOT_SUBMITTED_BAD_ROWS";
inline constexpr char kCliFileNotSubmitted[] = "CLI_FILE_NOT_SUBMITTED";
inline constexpr char kCliNoLoans[] = "CLI_NO_LOANS";
inline constexpr char kCliUploadFailed[] = "CLI_UPLOAD_FAILED";
inline constexpr char kCliUploadNothingKept[] = "CLI_UPLOAD_NOTHING_KEPT";
inline constexpr char kCliClaimAsNow[] = "CLI_CLAIM_AS_NOW";
inline constexpr char kCliSameLoansOtherClaim[] = "CLI_SAME_LOANS_OTHER_CLAIM";
inline constexpr char kCliNotSubmittedFiledBefore[] = "CLI_NOT_SUBMITTED_FILED_BEFORE";
inline constexpr char kCliUploaded[] = "CLI_UPLOADED";
inline constexpr char kCliNotReadBack[] = "CLI_NOT_READ_BACK";
inline constexpr char kCliReplay[] = "CLI_REPLAY";
inline constexpr char kCliHeld[] = "CLI_HELD";              // {instruction_id, what}
inline constexpr char kCliHeldFollow[] = "CLI_HELD_FOLLOW";  // {command}
// subsidyctl edu and fund: their lines and tables' headers.
inline constexpr char kCliEduPositionsHeader[] = "CLI_EDU_POSITIONS_HEADER";
inline constexpr char kCliEduSplitRow[] = "CLI_EDU_SPLIT_ROW";
inline constexpr char kCliEduPriority[] = "CLI_EDU_PRIORITY";
inline constexpr char kCliEduAllocationHeld[] = "CLI_EDU_ALLOCATION_HELD";
inline constexpr char kCliEduAllocated[] = "CLI_EDU_ALLOCATED";
inline constexpr char kCliEduFundPayment[] = "CLI_EDU_FUND_PAYMENT";
inline constexpr char kCliEduReversed[] = "CLI_EDU_REVERSED";
inline constexpr char kCliEduDraw[] = "CLI_EDU_DRAW";
inline constexpr char kCliEduBalancesAfter[] = "CLI_EDU_BALANCES_AFTER";
inline constexpr char kCliEduLedgerHeader[] = "CLI_EDU_LEDGER_HEADER";
inline constexpr char kCliEduSpent[] = "CLI_EDU_SPENT";
inline constexpr char kCliEduProgressHeader[] = "CLI_EDU_PROGRESS_HEADER";
inline constexpr char kCliEduOverall[] = "CLI_EDU_OVERALL";
inline constexpr char kCliEduEntitlementTitle[] = "CLI_EDU_ENTITLEMENT_TITLE";
inline constexpr char kCliEduEntitlementHeader[] = "CLI_EDU_ENTITLEMENT_HEADER";
inline constexpr char kCliEduTotal[] = "CLI_EDU_TOTAL";
inline constexpr char kCliEduCategoriesHeader[] = "CLI_EDU_CATEGORIES_HEADER";
inline constexpr char kCliEduForbidden[] = "CLI_EDU_FORBIDDEN";
inline constexpr char kCliFundSummary[] = "CLI_FUND_SUMMARY";
inline constexpr char kCliFundTargets[] = "CLI_FUND_TARGETS";
inline constexpr char kCliFundForbidden[] = "CLI_FUND_FORBIDDEN";
inline constexpr char kCliFundPending[] = "CLI_FUND_PENDING";
inline constexpr char kCliFundAdjustHeld[] = "CLI_FUND_ADJUST_HELD";
inline constexpr char kCliFundAllocationHeld[] = "CLI_FUND_ALLOCATION_HELD";
inline constexpr char kCliFundPaymentHeld[] = "CLI_FUND_PAYMENT_HELD";
inline constexpr char kCliFundReversalHeld[] = "CLI_FUND_REVERSAL_HELD";
inline constexpr char kCliFundAllocated[] = "CLI_FUND_ALLOCATED";
inline constexpr char kCliFundPaid[] = "CLI_FUND_PAID";
inline constexpr char kCliFundReverses[] = "CLI_FUND_REVERSES";
inline constexpr char kCliFundReversedBy[] = "CLI_FUND_REVERSED_BY";
inline constexpr char kCliFundEntry[] = "CLI_FUND_ENTRY";
inline constexpr char kCliFundEntryRecipient[] = "CLI_FUND_ENTRY_RECIPIENT";
inline constexpr char kCliFundEntryTracking[] = "CLI_FUND_ENTRY_TRACKING";
inline constexpr char kCliFundEntryReason[] = "CLI_FUND_ENTRY_REASON";
inline constexpr char kCliFundEntryMaker[] = "CLI_FUND_ENTRY_MAKER";
inline constexpr char kCliFundEntryAfter[] = "CLI_FUND_ENTRY_AFTER";
inline constexpr char kCliFundLedgerHeader[] = "CLI_FUND_LEDGER_HEADER";
inline constexpr char kCliFundLedgerCount[] = "CLI_FUND_LEDGER_COUNT";
inline constexpr char kCliFundReportTitle[] = "CLI_FUND_REPORT_TITLE";
inline constexpr char kCliFundReportHeader[] = "CLI_FUND_REPORT_HEADER";
inline constexpr char kCliFundReportTotal[] = "CLI_FUND_REPORT_TOTAL";
inline constexpr char kCliFundNoAlerts[] = "CLI_FUND_NO_ALERTS";
// A list's separator: ", " or "、", and "," or "、".
inline constexpr char kCliListSeparator[] = "CLI_LIST_SEPARATOR";
inline constexpr char kCliListSeparatorCompact[] = "CLI_LIST_SEPARATOR_COMPACT";
// A value's name as the user reads it: fund sources (and levels), expenditure categories,
// entitlement items, sharing tiers, ledger kinds, fund purposes, paces, alert kinds, time bases.
inline constexpr char kCliSourceCentralDirect[] = "CLI_SOURCE_CENTRAL_DIRECT";
inline constexpr char kCliSourceProvincial[] = "CLI_SOURCE_PROVINCIAL";
inline constexpr char kCliSourceMunicipal[] = "CLI_SOURCE_MUNICIPAL";
inline constexpr char kCliSourceDistrict[] = "CLI_SOURCE_DISTRICT";
inline constexpr char kCliSourceCounty[] = "CLI_SOURCE_COUNTY";
inline constexpr char kCliCategoryTeaching[] = "CLI_CATEGORY_TEACHING";
inline constexpr char kCliCategoryTraining[] = "CLI_CATEGORY_TRAINING";
inline constexpr char kCliCategoryLabs[] = "CLI_CATEGORY_LABS";
inline constexpr char kCliCategoryActivities[] = "CLI_CATEGORY_ACTIVITIES";
inline constexpr char kCliCategoryUtilities[] = "CLI_CATEGORY_UTILITIES";
inline constexpr char kCliCategoryHeating[] = "CLI_CATEGORY_HEATING";
inline constexpr char kCliCategoryTravel[] = "CLI_CATEGORY_TRAVEL";
inline constexpr char kCliCategoryPost[] = "CLI_CATEGORY_POST";
inline constexpr char kCliCategoryEquipmentAndBooks[] = "CLI_CATEGORY_EQUIPMENT_AND_BOOKS";
inline constexpr char kCliCategoryRepairs[] = "CLI_CATEGORY_REPAIRS";
inline constexpr char kCliCategoryStaffPay[] = "CLI_CATEGORY_STAFF_PAY";
inline constexpr char kCliCategoryCapitalConstruction[] = "CLI_CATEGORY_CAPITAL_CONSTRUCTION";
inline constexpr char kCliCategoryDebtRepayment[] = "CLI_CATEGORY_DEBT_REPAYMENT";
inline constexpr char kCliItemPublicExpensePrimary[] = "CLI_ITEM_PUBLIC_EXPENSE_PRIMARY";
inline constexpr char kCliItemPublicExpenseJunior[] = "CLI_ITEM_PUBLIC_EXPENSE_JUNIOR";
inline constexpr char kCliItemBoardingAddOn[] = "CLI_ITEM_BOARDING_ADD_ON";
inline constexpr char kCliItemSpecialEducation[] = "CLI_ITEM_SPECIAL_EDUCATION";
inline constexpr char kCliItemHeating[] = "CLI_ITEM_HEATING";
inline constexpr char kCliItemLivingBoardingPrimary[] = "CLI_ITEM_LIVING_BOARDING_PRIMARY";
inline constexpr char kCliItemLivingBoardingJunior[] = "CLI_ITEM_LIVING_BOARDING_JUNIOR";
inline constexpr char kCliItemLivingNonboardingPrimary[] = "CLI_ITEM_LIVING_NONBOARDING_PRIMARY";
inline constexpr char kCliItemLivingNonboardingJunior[] = "CLI_ITEM_LIVING_NONBOARDING_JUNIOR";
inline constexpr char kCliItemTextbookPrimary[] = "CLI_ITEM_TEXTBOOK_PRIMARY";
inline constexpr char kCliItemTextbookJunior[] = "CLI_ITEM_TEXTBOOK_JUNIOR";
inline constexpr char kCliTier1[] = "CLI_TIER_1";
inline constexpr char kCliTier2[] = "CLI_TIER_2";
inline constexpr char kCliTierOther[] = "CLI_TIER_OTHER";
inline constexpr char kCliKindBudget[] = "CLI_KIND_BUDGET";
inline constexpr char kCliKindAdjustment[] = "CLI_KIND_ADJUSTMENT";
inline constexpr char kCliKindAllocation[] = "CLI_KIND_ALLOCATION";
inline constexpr char kCliKindPayment[] = "CLI_KIND_PAYMENT";
inline constexpr char kCliKindReversal[] = "CLI_KIND_REVERSAL";
inline constexpr char kCliKindExpenditure[] = "CLI_KIND_EXPENDITURE";
inline constexpr char kCliPurposeLoanInterestSubsidy[] = "CLI_PURPOSE_LOAN_INTEREST_SUBSIDY";
inline constexpr char kCliPurposeEducation[] = "CLI_PURPOSE_EDUCATION";
inline constexpr char kCliPurposeEnterpriseReward[] = "CLI_PURPOSE_ENTERPRISE_REWARD";
inline constexpr char kCliPurposeOther[] = "CLI_PURPOSE_OTHER";
inline constexpr char kCliPaceAhead[] = "CLI_PACE_AHEAD";
inline constexpr char kCliPaceBehind[] = "CLI_PACE_BEHIND";
inline constexpr char kCliPaceLagging[] = "CLI_PACE_LAGGING";
inline constexpr char kCliAlertExecutionLagging[] = "CLI_ALERT_EXECUTION_LAGGING";
inline constexpr char kCliAlertIdleAllocation[] = "CLI_ALERT_IDLE_ALLOCATION";
inline constexpr char kCliAlertOverduePayout[] = "CLI_ALERT_OVERDUE_PAYOUT";
inline constexpr char kCliAlertTargetShareMissed[] = "CLI_ALERT_TARGET_SHARE_MISSED";
inline constexpr char kCliAlertPayoutHeld[] = "CLI_ALERT_PAYOUT_HELD";
inline constexpr char kCliTimeBasisDays[] = "CLI_TIME_BASIS_DAYS";
inline constexpr char kCliTimeBasisMonths[] = "CLI_TIME_BASIS_MONTHS";
// subsidyctl reward, approvals, loan calc|policy|claims|claim-lines: their lines, tables' headers and
// the names of payout statuses, instruction states, reward formulas and repeat rules.
inline constexpr char kCliNoId[] = "CLI_NO_ID";
inline constexpr char kCliPayoutStatusScheduled[] = "CLI_PAYOUT_STATUS_SCHEDULED";
inline constexpr char kCliPayoutStatusRejected[] = "CLI_PAYOUT_STATUS_REJECTED";
inline constexpr char kCliPayoutStatusDisbursed[] = "CLI_PAYOUT_STATUS_DISBURSED";
inline constexpr char kCliPayoutStatusCancelled[] = "CLI_PAYOUT_STATUS_CANCELLED";
inline constexpr char kCliPayoutRow[] = "CLI_PAYOUT_ROW";
inline constexpr char kCliPayout[] = "CLI_PAYOUT";
inline constexpr char kCliPayoutPaidVoucher[] = "CLI_PAYOUT_PAID_VOUCHER";
inline constexpr char kCliPayoutsShown[] = "CLI_PAYOUTS_SHOWN";
inline constexpr char kCliPaymentFileWritten[] = "CLI_PAYMENT_FILE_WRITTEN";
inline constexpr char kCliDeterminationsSummary[] = "CLI_DETERMINATIONS_SUMMARY";
inline constexpr char kCliDeterminationsProgress[] = "CLI_DETERMINATIONS_PROGRESS";
inline constexpr char kCliDisburseHeld[] = "CLI_DISBURSE_HELD";
inline constexpr char kCliDisbursed[] = "CLI_DISBURSED";
inline constexpr char kCliRewardPolicy[] = "CLI_REWARD_POLICY";
inline constexpr char kCliBudgetFunded[] = "CLI_BUDGET_FUNDED";
inline constexpr char kCliBudgetOwn[] = "CLI_BUDGET_OWN";
inline constexpr char kCliFormulaFixed[] = "CLI_FORMULA_FIXED";
inline constexpr char kCliFormulaRateWithCap[] = "CLI_FORMULA_RATE_WITH_CAP";
inline constexpr char kCliFormulaPerUnit[] = "CLI_FORMULA_PER_UNIT";
inline constexpr char kCliFormulaTiered[] = "CLI_FORMULA_TIERED";
inline constexpr char kCliRepeatOnceEver[] = "CLI_REPEAT_ONCE_EVER";
inline constexpr char kCliRepeatOncePerYear[] = "CLI_REPEAT_ONCE_PER_YEAR";
inline constexpr char kCliRepeatAnnualCap[] = "CLI_REPEAT_ANNUAL_CAP";
inline constexpr char kCliRepeatGroupHighestPerYear[] = "CLI_REPEAT_GROUP_HIGHEST_PER_YEAR";
inline constexpr char kCliDataVersion[] = "CLI_DATA_VERSION";
inline constexpr char kCliInstructionStatePendingApproval[] = "CLI_INSTRUCTION_STATE_PENDING_APPROVAL";
inline constexpr char kCliInstructionStatePosted[] = "CLI_INSTRUCTION_STATE_POSTED";
inline constexpr char kCliInstruction[] = "CLI_INSTRUCTION";
inline constexpr char kCliInstructionSubject[] = "CLI_INSTRUCTION_SUBJECT";
inline constexpr char kCliInstructionMaker[] = "CLI_INSTRUCTION_MAKER";
inline constexpr char kCliInstructionWaiting[] = "CLI_INSTRUCTION_WAITING";
inline constexpr char kCliInstructionApproved[] = "CLI_INSTRUCTION_APPROVED";
inline constexpr char kCliInstructionRejected[] = "CLI_INSTRUCTION_REJECTED";
inline constexpr char kCliInstructionsHeader[] = "CLI_INSTRUCTIONS_HEADER";
inline constexpr char kCliInstructionsCount[] = "CLI_INSTRUCTIONS_COUNT";
inline constexpr char kCliInstructionsCountFiltered[] = "CLI_INSTRUCTIONS_COUNT_FILTERED";
inline constexpr char kCliLoanResult[] = "CLI_LOAN_RESULT";
inline constexpr char kCliLoanEligible[] = "CLI_LOAN_ELIGIBLE";
inline constexpr char kCliLoanNotEligible[] = "CLI_LOAN_NOT_ELIGIBLE";
inline constexpr char kCliLoanRates[] = "CLI_LOAN_RATES";
inline constexpr char kCliLoanPeriodsHeader[] = "CLI_LOAN_PERIODS_HEADER";
inline constexpr char kCliLoanPeriodsTotal[] = "CLI_LOAN_PERIODS_TOTAL";
inline constexpr char kCliLoanPolicy[] = "CLI_LOAN_POLICY";
inline constexpr char kCliLprUnconfirmed[] = "CLI_LPR_UNCONFIRMED";
inline constexpr char kCliLoanPolicyPerPartner[] = "CLI_LOAN_POLICY_PER_PARTNER";
inline constexpr char kCliLoanPolicyTerm[] = "CLI_LOAN_POLICY_TERM";
inline constexpr char kCliClaimsHeader[] = "CLI_CLAIMS_HEADER";
inline constexpr char kCliLinesWritten[] = "CLI_LINES_WRITTEN";
// subsidyctl payments: a payment line's states and sources, the tables' headers, a line, a return file's
// import, the reconciliation's figures.
inline constexpr char kCliPaymentStateSent[] = "CLI_PAYMENT_STATE_SENT";
inline constexpr char kCliPaymentStateConfirmed[] = "CLI_PAYMENT_STATE_CONFIRMED";
inline constexpr char kCliPaymentStateFailed[] = "CLI_PAYMENT_STATE_FAILED";
inline constexpr char kCliPaymentStateReissued[] = "CLI_PAYMENT_STATE_REISSUED";
inline constexpr char kCliPaymentStateReturned[] = "CLI_PAYMENT_STATE_RETURNED";
inline constexpr char kCliPaymentSourcePayout[] = "CLI_PAYMENT_SOURCE_PAYOUT";
inline constexpr char kCliPaymentSourceClaim[] = "CLI_PAYMENT_SOURCE_CLAIM";
inline constexpr char kCliPaymentSourceFundPayment[] = "CLI_PAYMENT_SOURCE_FUND_PAYMENT";
inline constexpr char kCliPaymentBatchReissues[] = "CLI_PAYMENT_BATCH_REISSUES";
inline constexpr char kCliPaymentBatchesHeader[] = "CLI_PAYMENT_BATCHES_HEADER";
inline constexpr char kCliPaymentBatchesShown[] = "CLI_PAYMENT_BATCHES_SHOWN";
inline constexpr char kCliPaymentLinesHeader[] = "CLI_PAYMENT_LINES_HEADER";
inline constexpr char kCliPaymentLinesShown[] = "CLI_PAYMENT_LINES_SHOWN";
inline constexpr char kCliPaymentLine[] = "CLI_PAYMENT_LINE";
inline constexpr char kCliPaymentLineConfirmed[] = "CLI_PAYMENT_LINE_CONFIRMED";
inline constexpr char kCliPaymentLineFailed[] = "CLI_PAYMENT_LINE_FAILED";
inline constexpr char kCliPaymentLineReissueOf[] = "CLI_PAYMENT_LINE_REISSUE_OF";
inline constexpr char kCliPaymentLineReissuedBy[] = "CLI_PAYMENT_LINE_REISSUED_BY";
inline constexpr char kCliPaymentLineReturned[] = "CLI_PAYMENT_LINE_RETURNED";
inline constexpr char kCliPaymentReissueHeld[] = "CLI_PAYMENT_REISSUE_HELD";
inline constexpr char kCliPaymentReturnHeld[] = "CLI_PAYMENT_RETURN_HELD";
inline constexpr char kCliPaymentImportSummary[] = "CLI_PAYMENT_IMPORT_SUMMARY";
inline constexpr char kCliPaymentImportReplayed[] = "CLI_PAYMENT_IMPORT_REPLAYED";
inline constexpr char kCliPaymentDiscrepancies[] = "CLI_PAYMENT_DISCREPANCIES";
inline constexpr char kCliPaymentDiscrepanciesHeader[] = "CLI_PAYMENT_DISCREPANCIES_HEADER";
inline constexpr char kCliPaymentReconcileTitle[] = "CLI_PAYMENT_RECONCILE_TITLE";
inline constexpr char kCliPaymentFiguresHeader[] = "CLI_PAYMENT_FIGURES_HEADER";
inline constexpr char kCliPaymentFigureSent[] = "CLI_PAYMENT_FIGURE_SENT";
inline constexpr char kCliPaymentFigureConfirmed[] = "CLI_PAYMENT_FIGURE_CONFIRMED";
inline constexpr char kCliPaymentFigureFailed[] = "CLI_PAYMENT_FIGURE_FAILED";
inline constexpr char kCliPaymentFigureOutstanding[] = "CLI_PAYMENT_FIGURE_OUTSTANDING";
inline constexpr char kCliPaymentFigureOpenFailed[] = "CLI_PAYMENT_FIGURE_OPEN_FAILED";
inline constexpr char kCliPaymentFigureReturned[] = "CLI_PAYMENT_FIGURE_RETURNED";
inline constexpr char kCliPaymentFileUnreadable[] = "CLI_PAYMENT_FILE_UNREADABLE";
// A fund payment's, a payout's and a claim's line sent to the agent bank; a payout's and a claim's
// RETURNED (paid, then failed at the bank and returned).
inline constexpr char kCliFundPaymentSent[] = "CLI_FUND_PAYMENT_SENT";
inline constexpr char kCliPayoutStatusReturned[] = "CLI_PAYOUT_STATUS_RETURNED";
inline constexpr char kCliPayoutPayment[] = "CLI_PAYOUT_PAYMENT";
inline constexpr char kCliPayoutRowPayment[] = "CLI_PAYOUT_ROW_PAYMENT";
inline constexpr char kCliClaimStatusReturned[] = "CLI_CLAIM_STATUS_RETURNED";
inline constexpr char kCliClaimPayment[] = "CLI_CLAIM_PAYMENT";
// subsidyctl alerts and fund targets: the further alert kinds, a rule's severity and action, a case's
// states, findings, violation types, rectifications and why it closed; the tables' headers and lines;
// a fund's performance targets (绩效目标).
inline constexpr char kCliAlertPaymentUnconfirmed[] = "CLI_ALERT_PAYMENT_UNCONFIRMED";
inline constexpr char kCliAlertPaymentFailedOpen[] = "CLI_ALERT_PAYMENT_FAILED_OPEN";
inline constexpr char kCliAlertLargePersonalPayment[] = "CLI_ALERT_LARGE_PERSONAL_PAYMENT";
inline constexpr char kCliAlertNonWorkingDayPayment[] = "CLI_ALERT_NON_WORKING_DAY_PAYMENT";
inline constexpr char kCliAlertLateAllocation[] = "CLI_ALERT_LATE_ALLOCATION";
inline constexpr char kCliAlertTargetsMissing[] = "CLI_ALERT_TARGETS_MISSING";
inline constexpr char kCliAlertNestedTargetShareMissed[] = "CLI_ALERT_NESTED_TARGET_SHARE_MISSED";
inline constexpr char kCliAlertTransferToOwnAccount[] = "CLI_ALERT_TRANSFER_TO_OWN_ACCOUNT";
inline constexpr char kCliSeverityRed[] = "CLI_SEVERITY_RED";
inline constexpr char kCliSeverityOrange[] = "CLI_SEVERITY_ORANGE";
inline constexpr char kCliSeverityYellow[] = "CLI_SEVERITY_YELLOW";
inline constexpr char kCliSeverityBlue[] = "CLI_SEVERITY_BLUE";
inline constexpr char kCliRuleActionBlock[] = "CLI_RULE_ACTION_BLOCK";
inline constexpr char kCliRuleActionWarn[] = "CLI_RULE_ACTION_WARN";
inline constexpr char kCliRuleActionRecord[] = "CLI_RULE_ACTION_RECORD";
inline constexpr char kCliCaseStateOpen[] = "CLI_CASE_STATE_OPEN";
inline constexpr char kCliCaseStateInquired[] = "CLI_CASE_STATE_INQUIRED";
inline constexpr char kCliCaseStateResponded[] = "CLI_CASE_STATE_RESPONDED";
inline constexpr char kCliCaseStateRuledNormal[] = "CLI_CASE_STATE_RULED_NORMAL";
inline constexpr char kCliCaseStateRuledViolation[] = "CLI_CASE_STATE_RULED_VIOLATION";
inline constexpr char kCliCaseStateRectified[] = "CLI_CASE_STATE_RECTIFIED";
inline constexpr char kCliCaseStateClosed[] = "CLI_CASE_STATE_CLOSED";
inline constexpr char kCliFindingNormal[] = "CLI_FINDING_NORMAL";
inline constexpr char kCliFindingViolation[] = "CLI_FINDING_VIOLATION";
inline constexpr char kCliViolationDelayedAllocation[] = "CLI_VIOLATION_DELAYED_ALLOCATION";
inline constexpr char kCliViolationIdleFunds[] = "CLI_VIOLATION_IDLE_FUNDS";
inline constexpr char kCliViolationMisappropriation[] = "CLI_VIOLATION_MISAPPROPRIATION";
inline constexpr char kCliViolationExcessScope[] = "CLI_VIOLATION_EXCESS_SCOPE";
inline constexpr char kCliViolationTransferToOwnAccount[] = "CLI_VIOLATION_TRANSFER_TO_OWN_ACCOUNT";
inline constexpr char kCliViolationFalseClaim[] = "CLI_VIOLATION_FALSE_CLAIM";
inline constexpr char kCliViolationIncompleteData[] = "CLI_VIOLATION_INCOMPLETE_DATA";
inline constexpr char kCliRectifyReturnFunds[] = "CLI_RECTIFY_RETURN_FUNDS";
inline constexpr char kCliRectifyAdjustAccount[] = "CLI_RECTIFY_ADJUST_ACCOUNT";
inline constexpr char kCliRectifyOther[] = "CLI_RECTIFY_OTHER";
inline constexpr char kCliCaseClosedCauseGone[] = "CLI_CASE_CLOSED_CAUSE_GONE";
inline constexpr char kCliCaseClosedRectified[] = "CLI_CASE_CLOSED_RECTIFIED";
inline constexpr char kCliCaseClosedRuledNormal[] = "CLI_CASE_CLOSED_RULED_NORMAL";
inline constexpr char kCliCaseClosedRuleEnded[] = "CLI_CASE_CLOSED_RULE_ENDED";
inline constexpr char kCliAlertUnitFinance[] = "CLI_ALERT_UNIT_FINANCE";  // a case no school or bank answers
inline constexpr char kCliAlertTallySeverity[] = "CLI_ALERT_TALLY_SEVERITY";  // {counts}
inline constexpr char kCliAlertTallyState[] = "CLI_ALERT_TALLY_STATE";        // {counts}
inline constexpr char kCliAlertCasesHeader[] = "CLI_ALERT_CASES_HEADER";
inline constexpr char kCliAlertCasesShown[] = "CLI_ALERT_CASES_SHOWN";  // {shown, count, next}
inline constexpr char kCliAlertCase[] = "CLI_ALERT_CASE";
inline constexpr char kCliAlertCaseViolation[] = "CLI_ALERT_CASE_VIOLATION";  // {violation_type}
inline constexpr char kCliAlertCaseClosed[] = "CLI_ALERT_CASE_CLOSED";        // {reason}
inline constexpr char kCliAlertCaseHistoryHeader[] = "CLI_ALERT_CASE_HISTORY_HEADER";
inline constexpr char kCliAlertsTodayHeader[] = "CLI_ALERTS_TODAY_HEADER";
inline constexpr char kCliAlertsShown[] = "CLI_ALERTS_SHOWN";  // {shown, count}
inline constexpr char kCliAlertsSwept[] = "CLI_ALERTS_SWEPT";  // {as_of, opened, closed, open_count}
inline constexpr char kCliRulesHeader[] = "CLI_RULES_HEADER";
inline constexpr char kCliNoRules[] = "CLI_NO_RULES";  // {as_of}
inline constexpr char kCliTargetKindOutput[] = "CLI_TARGET_KIND_OUTPUT";
inline constexpr char kCliTargetKindOutcome[] = "CLI_TARGET_KIND_OUTCOME";
inline constexpr char kCliFundTargetsHeader[] = "CLI_FUND_TARGETS_HEADER";
inline constexpr char kCliFundTargetsEntered[] = "CLI_FUND_TARGETS_ENTERED";  // {fund_id, entered_on}
inline constexpr char kCliFundTargetsNone[] = "CLI_FUND_TARGETS_NONE";        // {fund_id}

// The built-in catalogue (loaded once; a catalogue that does not load is a build defect, caught by
// the tests, and leaves the texts to the developer's English).
const MessageCatalogue* Catalogue();

// The text of `code` (a reason) in `language` ("zh-CN", "en") with `params`; `fallback` when the
// catalogue lacks it.
std::string Text(absl::string_view code, const std::string& language, const StatusParams& params,
                 absl::string_view fallback);
// subsidyctl's usage errors and its files (Context::Usage, MustBe, CannotRead, CannotWrite).
inline constexpr char kCliUsageMustBe[] = "CLI_USAGE_MUST_BE";                    // {option, choices}
inline constexpr char kCliChoicesOr[] = "CLI_CHOICES_OR";                         // {some, last}
inline constexpr char kCliChoicesAnd[] = "CLI_CHOICES_AND";                       // {some, last}
inline constexpr char kCliUsageInteger[] = "CLI_USAGE_INTEGER";                   // {option}
inline constexpr char kCliUsagePositiveInteger[] = "CLI_USAGE_POSITIVE_INTEGER";  // {option}
inline constexpr char kCliUsageFen[] = "CLI_USAGE_FEN";                           // {option}
inline constexpr char kCliUsageFenSigned[] = "CLI_USAGE_FEN_SIGNED";              // {option}
inline constexpr char kCliUsageYear[] = "CLI_USAGE_YEAR";                         // {option}
inline constexpr char kCliUsageSeconds[] = "CLI_USAGE_SECONDS";                   // {option}
inline constexpr char kCliUsageFormat[] = "CLI_USAGE_FORMAT";                     // {option, format[, example]}
inline constexpr char kCliUsageOneArgument[] = "CLI_USAGE_ONE_ARGUMENT";          // {command, what}
inline constexpr char kCliUsageNoArguments[] = "CLI_USAGE_NO_ARGUMENTS";          // {command}
inline constexpr char kCliUsageOneOf[] = "CLI_USAGE_ONE_OF";                      // {command, options}
inline constexpr char kCliUsageGoesWith[] = "CLI_USAGE_GOES_WITH";                // {options, with}
inline constexpr char kCliUsageNeeds[] = "CLI_USAGE_NEEDS";                       // {what, needs}
inline constexpr char kCliUsageUnknownOption[] = "CLI_USAGE_UNKNOWN_OPTION";      // {command, option, help}
inline constexpr char kCliUsageNeedsValue[] = "CLI_USAGE_NEEDS_VALUE";            // {option}
inline constexpr char kCliUsageRequired[] = "CLI_USAGE_REQUIRED";                 // {command, option, help}
inline constexpr char kCliUsageGivenTimes[] = "CLI_USAGE_GIVEN_TIMES";            // {option, times}
inline constexpr char kCliUsageSwitch[] = "CLI_USAGE_SWITCH";                     // {option}
inline constexpr char kCliUsageEmpty[] = "CLI_USAGE_EMPTY";                       // {option, example}
inline constexpr char kCliUsageUnknownRole[] = "CLI_USAGE_UNKNOWN_ROLE";          // {role, roles}
inline constexpr char kCliUsageInvalid[] = "CLI_USAGE_INVALID";                   // {detail}: another part's words
inline constexpr char kCliCannotRead[] = "CLI_CANNOT_READ";                       // {path[, detail]}
inline constexpr char kCliCannotWrite[] = "CLI_CANNOT_WRITE";                     // {path, detail}
inline constexpr char kCliClaimOtherFund[] = "CLI_CLAIM_OTHER_FUND";              // {claim_id, [fund,] want}
inline constexpr char kCliMissingColumn[] = "CLI_MISSING_COLUMN";                 // {where, column, columns}
inline constexpr char kCliCallerExists[] = "CLI_CALLER_EXISTS";                   // {name, path}
inline constexpr char kCliNotAuthConfig[] = "CLI_NOT_AUTH_CONFIG";                // {path}
inline constexpr char kCliNotUtf8[] = "CLI_NOT_UTF8";                           // {field, utf8, gbk}
inline constexpr char kCliAdminReloaded[] = "CLI_ADMIN_RELOADED";                 // {from, to}
inline constexpr char kCliAdminUnchanged[] = "CLI_ADMIN_UNCHANGED";               // {version}
inline constexpr char kCliAdminStatus[] = "CLI_ADMIN_STATUS";                     // {version, dir, loaded_at}
inline constexpr char kCliCallerAdded[] = "CLI_CALLER_ADDED";                     // {name, path}

// A refusal subsidyctl makes itself with an engine's status (a --period that is not one
// settlement period): its reason's text with its parameters and {field}, else its message.
std::string StatusText(const std::string& language, const absl::Status& status);
// A refusal of a value the user gave (an id with a control character in it): as the server writes
// its refusals, the reason's text, else the status code's with what was wrong.
std::string RefusalText(const std::string& language, const absl::Status& status);
// subsidyctl's own text `code` (one of the constants above) with `params`; the code itself if the
// built-in catalogue lacks it (a test checks that it never does).
std::string Say(const std::string& language, absl::string_view code, const StatusParams& params = {});
// `name` (an enum value's or a data code's) as the user reads it: its text in `words`, else itself.
std::string Word(const std::string& language, const std::map<std::string, const char*>& words, const std::string& name);
// `text` left-aligned in `width` columns: as %-*s for ASCII, a Chinese character taking two.
std::string Cell(const std::string& text, int width);

}  // namespace subsidy::cli
