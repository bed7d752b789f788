// The names an officer reads in place of the codes the API carries: expenditure categories
// (ListExpenditureCategories) and reward policies (ListRewardPolicies) by their names from the
// policy data, each list asked once per signed-in caller; the report's time basis; a hold reason;
// dynamic monitoring's words (an alert's kind, a rule's severity and action, a case's state,
// finding, violation type, rectification and why it closed; a performance target's kind).
import { create } from "@bufbuild/protobuf";
import { EducationFundService, ListExpenditureCategoriesRequestSchema, type ExpenditureCategory } from "gen/subsidy/v1/education_pb.js";
import {
  AlertCase_Finding, AlertCase_RectifyAction, AlertCase_State, AlertCase_ViolationType, FundAlert_Kind, MonitoringRule_Action,
  MonitoringRule_Severity, PerformanceTarget_Kind,
} from "gen/subsidy/v1/fund_pb.js";
import { ListRewardPoliciesRequestSchema, RewardPayoutService, type RewardPolicy } from "gen/subsidy/v1/reward_pb.js";
import { client, may, signedInAs, t } from "./ui.js";

const education = client(EducationFundService);
const rewards = client(RewardPayoutService);

// One list per caller (a sign-in as someone else asks again); a failed read is asked again next time.
function cached<V>(load: () => Promise<Map<string, V>>): () => Promise<Map<string, V>> {
  let who: string | null = null;
  let list: Promise<Map<string, V>> | null = null;
  return () => {
    if (list === null || who !== signedInAs()) {
      who = signedInAs();
      const loading = load().catch(() => { if (list === loading) list = null; return new Map<string, V>(); });
      list = loading;
    }
    return list;
  };
}

// Expenditure categories by code (those the caller may list; none otherwise).
export const expenditureCategories = cached<ExpenditureCategory>(async () => {
  if (!may(EducationFundService.method.listExpenditureCategories)) return new Map();
  const r = await education.listExpenditureCategories(create(ListExpenditureCategoriesRequestSchema, {}));
  return new Map(r.categories.map((c) => [c.code, c]));
});
// Reward policies by id.
export const rewardPolicies = cached<RewardPolicy>(async () => {
  if (!may(RewardPayoutService.method.listRewardPolicies)) return new Map();
  const r = await rewards.listRewardPolicies(create(ListRewardPoliciesRequestSchema, {}));
  return new Map(r.policies.map((p) => [p.policyId, p]));
});

// A category's name from the data; its code only when the data has no such category.
export function categoryName(categories: Map<string, ExpenditureCategory>, code: string): string {
  return code ? categories.get(code)?.name || code : "";
}
// A policy's name from the data; its id only when the data has no such policy.
export function policyName(policies: Map<string, RewardPolicy>, id: string): string {
  return id ? policies.get(id)?.name || id : "";
}

// The execution report's time basis (序时进度 counted by days or by months).
export function timeBasisText(basis: string): string {
  switch (basis) {
    case "MONTHS": return t("按月", "by months");
    case "DAYS": case "": return t("按日", "by days");
    default: return basis;
  }
}

// Why a disbursement run held a payout back.
export function holdReasonText(reason: string): string {
  switch (reason) {
    case "FUND_NOT_YET_ALLOCATED": return t("资金尚未分配到该政策", "the policy's fund is not yet allocated");
    case "ALLOCATION_EXCEEDED": return t("超出该政策的已分配额度", "beyond the policy's allocation");
    default: return reason;
  }
}

// ---- Dynamic monitoring (预警处置) -------------------------------------------------------------
// An alert's kind (FundAlert.Kind), as the 资金执行 and 预警处置 pages name it.
export const ALERT_KINDS: FundAlert_Kind[] = [
  FundAlert_Kind.EXECUTION_LAGGING, FundAlert_Kind.IDLE_ALLOCATION, FundAlert_Kind.OVERDUE_PAYOUT, FundAlert_Kind.TARGET_SHARE_MISSED,
  FundAlert_Kind.PAYOUT_HELD, FundAlert_Kind.PAYMENT_UNCONFIRMED, FundAlert_Kind.PAYMENT_FAILED_OPEN, FundAlert_Kind.LARGE_PERSONAL_PAYMENT,
  FundAlert_Kind.NON_WORKING_DAY_PAYMENT, FundAlert_Kind.LATE_ALLOCATION, FundAlert_Kind.TARGETS_MISSING,
  FundAlert_Kind.NESTED_TARGET_SHARE_MISSED, FundAlert_Kind.TRANSFER_TO_OWN_ACCOUNT,
];
export function alertKindText(k: FundAlert_Kind): string {
  switch (k) {
    case FundAlert_Kind.EXECUTION_LAGGING: return t("执行滞后", "Execution lagging");
    case FundAlert_Kind.IDLE_ALLOCATION: return t("资金闲置", "Idle allocation");
    case FundAlert_Kind.OVERDUE_PAYOUT: return t("兑现逾期", "Overdue payout");
    case FundAlert_Kind.TARGET_SHARE_MISSED: return t("倾斜比例未达标", "Target share missed");
    case FundAlert_Kind.PAYOUT_HELD: return t("兑付暂缓（资金不足）", "Payout held");
    case FundAlert_Kind.PAYMENT_UNCONFIRMED: return t("银行未回单", "Payment unconfirmed");
    case FundAlert_Kind.PAYMENT_FAILED_OPEN: return t("支付失败未处理", "Failed payment open");
    case FundAlert_Kind.LARGE_PERSONAL_PAYMENT: return t("大额支付到个人", "Large payment to a person");
    case FundAlert_Kind.NON_WORKING_DAY_PAYMENT: return t("非工作日支付", "Payment on a non-working day");
    case FundAlert_Kind.LATE_ALLOCATION: return t("下达不及时", "Late allocation");
    case FundAlert_Kind.TARGETS_MISSING: return t("绩效目标未录入", "Performance targets missing");
    case FundAlert_Kind.NESTED_TARGET_SHARE_MISSED: return t("分层倾斜比例未达标", "Nested target share missed");
    case FundAlert_Kind.TRANSFER_TO_OWN_ACCOUNT: return t("违规划转", "Transfer to the unit's own account");
    default: return "—";
  }
}

// A rule's severity (预警等级), most severe first.
export const SEVERITIES: MonitoringRule_Severity[] = [
  MonitoringRule_Severity.RED, MonitoringRule_Severity.ORANGE, MonitoringRule_Severity.YELLOW, MonitoringRule_Severity.BLUE,
];
export function severityText(s: MonitoringRule_Severity): string {
  switch (s) {
    case MonitoringRule_Severity.RED: return t("红色", "Red");
    case MonitoringRule_Severity.ORANGE: return t("橙色", "Orange");
    case MonitoringRule_Severity.YELLOW: return t("黄色", "Yellow");
    case MonitoringRule_Severity.BLUE: return t("蓝色", "Blue");
    default: return "—";
  }
}
// Each severity's colour, for its badge.
export const SEVERITY_COLOURS: Record<string, string> = { RED: "#c62828", ORANGE: "#ef6c00", YELLOW: "#f9a825", BLUE: "#1565c0" };
export function ruleActionText(a: MonitoringRule_Action): string {
  switch (a) {
    case MonitoringRule_Action.BLOCK: return t("拦截", "Block");
    case MonitoringRule_Action.WARN: return t("预警", "Warn");
    case MonitoringRule_Action.RECORD: return t("记录", "Record");
    default: return "—";
  }
}

// A case's state, in the order a case moves through them.
export const CASE_STATES: AlertCase_State[] = [
  AlertCase_State.OPEN, AlertCase_State.INQUIRED, AlertCase_State.RESPONDED, AlertCase_State.RULED_NORMAL,
  AlertCase_State.RULED_VIOLATION, AlertCase_State.RECTIFIED, AlertCase_State.CLOSED,
];
export function caseStateText(s: AlertCase_State): string {
  switch (s) {
    case AlertCase_State.OPEN: return t("待处理", "Open");
    case AlertCase_State.INQUIRED: return t("已问询", "Inquired");
    case AlertCase_State.RESPONDED: return t("已回复", "Responded");
    case AlertCase_State.RULED_NORMAL: return t("认定正常", "Ruled normal");
    case AlertCase_State.RULED_VIOLATION: return t("认定违规", "Ruled a violation");
    case AlertCase_State.RECTIFIED: return t("已整改", "Rectified");
    case AlertCase_State.CLOSED: return t("已关闭", "Closed");
    default: return "—";
  }
}
export function findingText(f: AlertCase_Finding): string {
  switch (f) {
    case AlertCase_Finding.NORMAL: return t("正常", "Normal");
    case AlertCase_Finding.VIOLATION: return t("违规", "Violation");
    default: return "";
  }
}
export const VIOLATION_TYPES: AlertCase_ViolationType[] = [
  AlertCase_ViolationType.DELAYED_ALLOCATION, AlertCase_ViolationType.IDLE_FUNDS, AlertCase_ViolationType.MISAPPROPRIATION,
  AlertCase_ViolationType.EXCESS_SCOPE, AlertCase_ViolationType.TRANSFER_TO_OWN_ACCOUNT, AlertCase_ViolationType.FALSE_CLAIM,
  AlertCase_ViolationType.INCOMPLETE_DATA,
];
export function violationTypeText(v: AlertCase_ViolationType): string {
  switch (v) {
    case AlertCase_ViolationType.DELAYED_ALLOCATION: return t("下达不及时", "Delayed allocation");
    case AlertCase_ViolationType.IDLE_FUNDS: return t("滞留闲置", "Idle funds");
    case AlertCase_ViolationType.MISAPPROPRIATION: return t("挤占挪用", "Misappropriation");
    case AlertCase_ViolationType.EXCESS_SCOPE: return t("扩大范围/提高标准", "Beyond the scope or standard");
    case AlertCase_ViolationType.TRANSFER_TO_OWN_ACCOUNT: return t("违规划转", "Transfer to the unit's own account");
    case AlertCase_ViolationType.FALSE_CLAIM: return t("虚报冒领", "False claim");
    case AlertCase_ViolationType.INCOMPLETE_DATA: return t("数据不真实完整", "Untrue or incomplete data");
    default: return "";
  }
}
export const RECTIFY_ACTIONS: AlertCase_RectifyAction[] = [
  AlertCase_RectifyAction.RETURN_FUNDS, AlertCase_RectifyAction.ADJUST_ACCOUNT, AlertCase_RectifyAction.OTHER,
];
export function rectifyActionText(a: AlertCase_RectifyAction): string {
  switch (a) {
    case AlertCase_RectifyAction.RETURN_FUNDS: return t("退回资金", "Funds returned");
    case AlertCase_RectifyAction.ADJUST_ACCOUNT: return t("调整账务", "Accounts adjusted");
    case AlertCase_RectifyAction.OTHER: return t("其他", "Other");
    default: return "";
  }
}
// Why a case closed (AlertCase.closed_reason).
export function closedReasonText(reason: string): string {
  switch (reason) {
    case "CAUSE_GONE": return t("预警情形已消除", "The alert's cause has gone");
    case "RECTIFIED": return t("整改后预警情形已消除", "Rectified, and the cause has gone");
    case "RULED_NORMAL": return t("认定正常", "Ruled normal");
    case "RULE_ENDED": return t("预警规则已停止执行", "The rule is no longer in force");
    case "": return "";
    default: return reason;
  }
}
// Who took a step: the caller's name, or the server itself ("system": a case it opened or closed).
export function stepByText(by: string): string {
  if (by === "system") return t("系统", "System");
  if (by === "local") return t("本机操作员", "Local operator");  // the loopback operator of a server without callers
  return by || "—";
}

// A performance target's kind (绩效目标的指标类型).
export function targetKindText(k: PerformanceTarget_Kind): string {
  switch (k) {
    case PerformanceTarget_Kind.OUTPUT: return t("产出指标", "Output");
    case PerformanceTarget_Kind.OUTCOME: return t("效益指标", "Outcome");
    default: return "—";
  }
}
