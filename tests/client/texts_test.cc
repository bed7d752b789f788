// subsidyctl's own texts: the catalogue built into it loads, and every text subsidyctl writes
// itself reads in Chinese (no Latin letters outside its parameters) and in English.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "texts.h"

namespace subsidy::cli {
namespace {

using ::testing::HasSubstr;

TEST(SubsidyctlTexts, TheBuiltInCatalogueLoads) { ASSERT_NE(Catalogue(), nullptr); }

TEST(SubsidyctlTexts, EveryTextItWritesIsInTheCatalogueInBothLanguages) {
  for (const char* code :
       {kClaimFileColumnsIgnored, kLoanIdRepeated, kCliCalcSummary, kCliDryRunSummary, kCliDryRunWouldRefuse,
        kCliDryRunNotAgainstClaims, kCliNoPeriod, kCliResults, kCliClaimSummary, kCliClaimStatusSubmitted,
        kCliClaimStatusPaid, kCliClaimStatusRejected, kCliClaimFund, kCliClaimPaid, kCliClaimRejected,
        kCliClaimSeeLines, kCliRowAccepted, kCliRowInvalid, kCliRowDuplicate, kCliRowError, kCliRowNotSubmitted,
        kCliRowNotChecked, kCliRowSubmitted, kCliRowDuplicateOf, kCliLine, kCliRowNotEligible,
        kCliNotSubmittedBadRows, kCliFileNotSubmitted, kCliNoLoans, kCliUploadFailed, kCliUploadNothingKept,
        kCliClaimAsNow, kCliSameLoansOtherClaim, kCliNotSubmittedFiledBefore, kCliUploaded, kCliNotReadBack, kCliReplay, kCliHeld, kCliHeldFollow,
        kCliEduPositionsHeader, kCliEduSplitRow, kCliEduPriority, kCliEduAllocationHeld, kCliEduAllocated,
        kCliEduFundPayment, kCliEduReversed, kCliEduDraw, kCliEduBalancesAfter, kCliEduLedgerHeader, kCliEduSpent,
        kCliEduProgressHeader, kCliEduOverall, kCliEduEntitlementTitle, kCliEduEntitlementHeader, kCliEduTotal,
        kCliEduCategoriesHeader, kCliEduForbidden, kCliFundSummary, kCliFundTargets, kCliFundForbidden, kCliFundPending,
        kCliFundAdjustHeld, kCliFundAllocationHeld, kCliFundPaymentHeld, kCliFundReversalHeld, kCliFundAllocated,
        kCliFundPaid, kCliFundReverses, kCliFundReversedBy, kCliFundEntry, kCliFundEntryRecipient,
        kCliFundEntryTracking, kCliFundEntryReason, kCliFundEntryMaker, kCliFundEntryAfter, kCliFundLedgerHeader,
        kCliFundLedgerCount, kCliFundReportTitle, kCliFundReportHeader, kCliFundReportTotal, kCliFundNoAlerts,
        kCliListSeparator, kCliListSeparatorCompact, kCliSourceCentralDirect, kCliSourceProvincial, kCliSourceMunicipal,
        kCliSourceDistrict, kCliSourceCounty, kCliCategoryTeaching, kCliCategoryTraining, kCliCategoryLabs,
        kCliCategoryActivities, kCliCategoryUtilities, kCliCategoryHeating, kCliCategoryTravel, kCliCategoryPost,
        kCliCategoryEquipmentAndBooks, kCliCategoryRepairs, kCliCategoryStaffPay, kCliCategoryCapitalConstruction,
        kCliCategoryDebtRepayment, kCliItemPublicExpensePrimary, kCliItemPublicExpenseJunior, kCliItemBoardingAddOn,
        kCliItemSpecialEducation, kCliItemHeating, kCliItemLivingBoardingPrimary, kCliItemLivingBoardingJunior,
        kCliItemLivingNonboardingPrimary, kCliItemLivingNonboardingJunior, kCliItemTextbookPrimary,
        kCliItemTextbookJunior, kCliTier1, kCliTier2, kCliTierOther, kCliKindBudget, kCliKindAdjustment,
        kCliKindAllocation, kCliKindPayment, kCliKindReversal, kCliKindExpenditure, kCliPurposeLoanInterestSubsidy,
        kCliPurposeEducation, kCliPurposeEnterpriseReward, kCliPurposeOther, kCliPaceAhead, kCliPaceBehind,
        kCliPaceLagging, kCliAlertExecutionLagging, kCliAlertIdleAllocation, kCliAlertOverduePayout,
        kCliAlertTargetShareMissed, kCliAlertPayoutHeld, kCliTimeBasisDays, kCliTimeBasisMonths,
        kCliNoId, kCliPayoutStatusScheduled, kCliPayoutStatusRejected, kCliPayoutStatusDisbursed,
        kCliPayoutStatusCancelled, kCliPayoutRow, kCliPayout, kCliPayoutPaidVoucher, kCliPayoutsShown,
        kCliPaymentFileWritten, kCliDeterminationsSummary, kCliDeterminationsProgress, kCliDisburseHeld,
        kCliDisbursed, kCliRewardPolicy, kCliBudgetFunded, kCliBudgetOwn, kCliFormulaFixed, kCliFormulaRateWithCap, kCliFormulaPerUnit,
        kCliFormulaTiered, kCliRepeatOnceEver, kCliRepeatOncePerYear, kCliRepeatAnnualCap,
        kCliRepeatGroupHighestPerYear, kCliDataVersion, kCliInstructionStatePendingApproval,
        kCliInstructionStatePosted, kCliInstruction, kCliInstructionSubject, kCliInstructionMaker,
        kCliInstructionWaiting, kCliInstructionApproved, kCliInstructionRejected, kCliInstructionsHeader,
        kCliInstructionsCount, kCliInstructionsCountFiltered, kCliLoanResult, kCliLoanEligible, kCliLoanNotEligible,
        kCliLoanRates, kCliLoanPeriodsHeader, kCliLoanPeriodsTotal, kCliLoanPolicy, kCliLprUnconfirmed,
        kCliLoanPolicyPerPartner, kCliLoanPolicyTerm, kCliClaimsHeader, kCliLinesWritten,
        kCliPaymentStateSent, kCliPaymentStateConfirmed, kCliPaymentStateFailed, kCliPaymentStateReissued,
        kCliPaymentStateReturned, kCliPaymentSourcePayout, kCliPaymentSourceClaim, kCliPaymentSourceFundPayment,
        kCliPaymentBatchReissues, kCliPaymentBatchesHeader, kCliPaymentBatchesShown, kCliPaymentLinesHeader,
        kCliPaymentLinesShown, kCliPaymentLine, kCliPaymentLineConfirmed, kCliPaymentLineFailed,
        kCliPaymentLineReissueOf, kCliPaymentLineReissuedBy, kCliPaymentLineReturned, kCliPaymentReissueHeld,
        kCliPaymentReturnHeld, kCliPaymentImportSummary, kCliPaymentImportReplayed, kCliPaymentDiscrepancies,
        kCliPaymentDiscrepanciesHeader, kCliPaymentReconcileTitle, kCliPaymentFiguresHeader, kCliPaymentFigureSent,
        kCliPaymentFigureConfirmed, kCliPaymentFigureFailed, kCliPaymentFigureOutstanding,
        kCliPaymentFigureOpenFailed, kCliPaymentFigureReturned, kCliPaymentFileUnreadable, kCliFundPaymentSent,
        kCliPayoutStatusReturned, kCliPayoutPayment, kCliPayoutRowPayment, kCliClaimStatusReturned,
        kCliClaimPayment, kCliAlertPaymentUnconfirmed, kCliAlertPaymentFailedOpen, kCliAlertLargePersonalPayment,
        kCliAlertNonWorkingDayPayment, kCliAlertLateAllocation, kCliAlertTargetsMissing,
        kCliAlertNestedTargetShareMissed, kCliAlertTransferToOwnAccount, kCliSeverityRed, kCliSeverityOrange,
        kCliSeverityYellow, kCliSeverityBlue, kCliRuleActionBlock, kCliRuleActionWarn, kCliRuleActionRecord,
        kCliCaseStateOpen, kCliCaseStateInquired, kCliCaseStateResponded, kCliCaseStateRuledNormal,
        kCliCaseStateRuledViolation, kCliCaseStateRectified, kCliCaseStateClosed, kCliFindingNormal,
        kCliFindingViolation, kCliViolationDelayedAllocation, kCliViolationIdleFunds, kCliViolationMisappropriation,
        kCliViolationExcessScope, kCliViolationTransferToOwnAccount, kCliViolationFalseClaim,
        kCliViolationIncompleteData, kCliRectifyReturnFunds, kCliRectifyAdjustAccount, kCliRectifyOther,
        kCliCaseClosedCauseGone, kCliCaseClosedRectified, kCliCaseClosedRuledNormal, kCliCaseClosedRuleEnded, kCliAlertUnitFinance,
        kCliAlertTallySeverity, kCliAlertTallyState, kCliAlertCasesHeader, kCliAlertCasesShown, kCliAlertCase,
        kCliAlertCaseViolation, kCliAlertCaseClosed, kCliAlertCaseHistoryHeader, kCliAlertsTodayHeader,
        kCliAlertsShown, kCliAlertsSwept, kCliRulesHeader, kCliNoRules, kCliTargetKindOutput, kCliTargetKindOutcome,
        kCliFundTargetsHeader, kCliFundTargetsEntered, kCliFundTargetsNone, kCliUsageMustBe, kCliChoicesOr,
        kCliChoicesAnd, kCliUsageInteger, kCliUsagePositiveInteger, kCliUsageFen, kCliUsageFenSigned, kCliUsageYear,
        kCliUsageSeconds, kCliUsageFormat, kCliUsageOneArgument, kCliUsageNoArguments, kCliUsageOneOf,
        kCliUsageGoesWith, kCliUsageNeeds, kCliUsageUnknownOption, kCliUsageNeedsValue, kCliUsageRequired,
        kCliUsageGivenTimes, kCliUsageSwitch, kCliUsageEmpty, kCliUsageUnknownRole, kCliUsageInvalid, kCliCannotRead,
        kCliCannotWrite, kCliClaimOtherFund, kCliMissingColumn, kCliCallerExists, kCliNotAuthConfig, kCliNotUtf8,
        kCliAdminReloaded, kCliAdminUnchanged, kCliAdminStatus, kCliCallerAdded}) {
    SCOPED_TRACE(code);
    ASSERT_NE(Catalogue(), nullptr);
    EXPECT_TRUE(Catalogue()->Has(MessageKind::kReason, code));
    EXPECT_NE(Say("zh-CN", code), code);
    EXPECT_NE(Say("en", code), Say("zh-CN", code));
  }
}

TEST(SubsidyctlTexts, ALanguageFromTheLocaleAndParametersFilledIn) {
  EXPECT_EQ(Say("zh-CN", kLoanIdRepeated, {{"line", "7"}}), "贷款编号与第 7 行重复：同一笔贷款在一个文件中只能申报一次。");
  EXPECT_EQ(Say("en", kLoanIdRepeated, {{"line", "7"}}), "The loan_id repeats line 7: a loan is claimed once per file.");
  EXPECT_THAT(Say("zh-CN", kClaimFileColumnsIgnored, {{"columns", "借款人、备注"}}), HasSubstr("未读取：借款人、备注"));
  EXPECT_EQ(Say("zh-CN", kCliRowDuplicateOf, {{"of", Say("zh-CN", kCliLine, {{"line", "2"}})}}), "（与第 2 行重复）");
  // A usage error's parameters fill the text in either language.
  EXPECT_EQ(Say("zh-CN", kCliUsageFen, {{"option", "--amount_fen"}}), "--amount_fen 须为整数金额，单位为分");
  EXPECT_EQ(Say("en", kCliUsageFen, {{"option", "--amount_fen"}}), "--amount_fen must be an integer (分)");
  EXPECT_EQ(Say("zh-CN", kCliUsageFormat, {{"option", "--period"}, {"format", "START..END"}}),
            "--period 的格式须为 START..END");
  // A code the catalogue lacks comes back as itself (never an empty line).
  EXPECT_EQ(Say("zh-CN", "NO_SUCH_TEXT"), "NO_SUCH_TEXT");
}

}  // namespace
}  // namespace subsidy::cli
