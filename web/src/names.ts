// The names an officer reads in place of the codes the API carries: expenditure categories
// (ListExpenditureCategories) and reward policies (ListRewardPolicies) by their names from the
// policy data, each list asked once per signed-in caller; the report's time basis; a hold reason.
import { create } from "@bufbuild/protobuf";
import { EducationFundService, ListExpenditureCategoriesRequestSchema, type ExpenditureCategory } from "gen/subsidy/v1/education_pb.js";
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
