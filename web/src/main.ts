// The officers' console: sign-in with a pasted token (kept in sessionStorage), eight pages by
// hash route, Chinese first with an English toggle.
import { create, type DescMethod } from "@bufbuild/protobuf";
import { AdminService, GetCallerRequestSchema } from "gen/subsidy/v1/admin_pb.js";
import { ApprovalService } from "gen/subsidy/v1/approval_pb.js";
import { EducationFundService } from "gen/subsidy/v1/education_pb.js";
import { FundService } from "gen/subsidy/v1/fund_pb.js";
import { LoanSubsidyService } from "gen/subsidy/v1/loan_pb.js";
import { PaymentService } from "gen/subsidy/v1/payment_pb.js";
import { RewardPayoutService } from "gen/subsidy/v1/reward_pb.js";
import { alertsPage } from "./alerts.js";
import { approvalsPage } from "./approvals.js";
import { fundsPage } from "./funds.js";
import { loansPage } from "./loans.js";
import { paymentsPage } from "./payments.js";
import { policyPage } from "./policy.js";
import { rewardsPage } from "./rewards.js";
import { schoolPage } from "./school.js";
import { client, errorBox, h, lang, may, mySchools, setIdentity, setLang, setToken, signedInAs, t, token } from "./ui.js";

// Each page with the RPC that decides whether the caller's role may read it.
const PAGES: { id: string; zh: string; en: string; reads: DescMethod; show: (root: HTMLElement, arg: string) => void }[] = [
  { id: "funds", zh: "资金执行", en: "Funds", reads: FundService.method.getExecutionReport, show: (root) => fundsPage(root) },
  // Those who read the alerts handle them as cases; a school or bank answers the inquiries
  // addressed to it on its own page (unitInquiries).
  { id: "alerts", zh: "预警处置", en: "Alert cases", reads: FundService.method.listFundAlerts,
    show: (root, arg) => alertsPage(root, arg) },
  { id: "school", zh: "学校经费", en: "Schools", reads: EducationFundService.method.getSpendingProgress,
    show: (root, arg) => schoolPage(root, arg || mySchools()[0] || "") },
  { id: "rewards", zh: "免申即享兑现", en: "Rewards", reads: RewardPayoutService.method.listPayouts, show: (root) => rewardsPage(root) },
  { id: "loans", zh: "贷款贴息", en: "Loans", reads: LoanSubsidyService.method.listLoanSubsidyClaims, show: (root) => loansPage(root) },
  { id: "payments", zh: "支付对账", en: "Payments", reads: PaymentService.method.listPaymentBatches,
    show: (root, arg) => paymentsPage(root, arg) },
  { id: "policy", zh: "政策测算", en: "Policy what-if", reads: LoanSubsidyService.method.simulateReform, show: (root) => policyPage(root) },
  { id: "approvals", zh: "审批", en: "Approvals", reads: ApprovalService.method.listInstructions, show: (root) => approvalsPage(root) },
];

const admin = client(AdminService);
let identityError: unknown = null;
// Asks the server who the token is (again after signing in or out).
async function identify(): Promise<void> {
  try {
    const me = await admin.getCaller(create(GetCallerRequestSchema, {}));
    setIdentity({ name: me.name, methods: new Set(me.methods), schools: me.schoolIds, banks: me.bankIds });
    identityError = null;
  } catch (err) {
    setIdentity(null);
    identityError = err;
  }
}

function render(): void {
  document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
  document.title = t("财政补贴资金监控台", "Fiscal subsidy console");
  document.getElementById("title")!.textContent = t("财政补贴资金监控台", "Fiscal subsidy console");
  // "#school/SCH-001": the page, then its argument.
  const [id, arg = ""] = location.hash.replace(/^#/, "").split("/");
  const readable = PAGES.filter((p) => may(p.reads));
  const page = readable.find((p) => p.id === id) ?? readable[0];
  document.getElementById("nav")!.replaceChildren(...readable.map((p) =>
    h("a", { href: `#${p.id}`, id: `nav-${p.id}`, class: p === page ? "active" : "" }, t(p.zh, p.en))));
  const tokenInput = h("input", { type: "password", id: "token", placeholder: t("粘贴令牌", "Paste a token"), autocomplete: "off" });
  document.getElementById("session")!.replaceChildren(
    token() ? h("span", { id: "signed-in" }, signedInAs()) : tokenInput,
    token() ? h("button", { id: "sign-out", onclick: () => { setToken(""); void start(); } }, t("退出", "Sign out"))
      : h("button", { id: "sign-in", onclick: () => { setToken(tokenInput.value.trim()); void start(); } }, t("登录", "Sign in")),
    h("button", { id: "lang", onclick: () => { setLang(lang() === "zh" ? "en" : "zh"); render(); } }, lang() === "zh" ? "English" : "中文"));
  const root = document.getElementById("page")!;
  root.replaceChildren();
  if (!page) {
    // Not signed in (or a role that reads none of the pages).
    root.append(identityError ? errorBox(identityError) : h("p", { class: "note" }, t("此令牌无可查看的页面", "This token may read none of the pages")));
    return;
  }
  page.show(root, decodeURIComponent(arg));
  root.dataset.page = page.id;
}

async function start(): Promise<void> {
  await identify();
  render();
}

window.addEventListener("hashchange", render);
void start();
