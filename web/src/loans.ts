// 贷款贴息: claims with their totals, a claim's lines by status, a CSV claim file uploaded with a
// progress bar, and approve / reject for finance callers (an approval waits for a second officer's
// review on the 审批 page before it pays).
import { create, toJson } from "@bufbuild/protobuf";
import { ApprovalService, Instruction_State, ListInstructionsRequestSchema } from "gen/subsidy/v1/approval_pb.js";
import {
  ListLoanSubsidyClaimLinesRequestSchema, ListLoanSubsidyClaimsRequestSchema, LoanSubsidyClaim_Status,
  LoanSubsidyClaimLine_Status, LoanSubsidyService, ReviewLoanSubsidyClaimRequest_Decision, ReviewLoanSubsidyClaimRequestSchema,
  SubmitLoanSubsidyClaimFileRequestSchema, type LoanSubsidyClaim,
} from "gen/subsidy/v1/loan_pb.js";
import { client, dateInput, describe, errorBox, h, may, myBanks, Pager, row, t, table, today, token, yuan } from "./ui.js";

const loans = client(LoanSubsidyService);
const approvals = client(ApprovalService);

function statusText(s: LoanSubsidyClaim_Status): string {
  switch (s) {
    case LoanSubsidyClaim_Status.SUBMITTED: return t("待审核", "Submitted");
    case LoanSubsidyClaim_Status.PAID: return t("已拨付", "Paid");
    case LoanSubsidyClaim_Status.REJECTED: return t("已退回", "Rejected");
    default: return "—";
  }
}
// The instruction holding a claim's approval for the second officer: the claim's own fields, else
// the pending ReviewLoanSubsidyClaim instructions (subject "claim:<id>"), where the caller may list them.
async function pendingApprovals(): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  if (!may(ApprovalService.method.listInstructions)) return held;
  try {
    const r = await approvals.listInstructions(create(ListInstructionsRequestSchema, { state: Instruction_State.PENDING_APPROVAL, pageSize: 500 }));
    for (const x of r.instructions) {
      if (x.rpc.endsWith("ReviewLoanSubsidyClaim") && x.subjectId) held.set(x.subjectId.replace(/^claim:/, ""), x.instructionId);
    }
  } catch { /* the claims show without it */ }
  return held;
}
function heldBy(c: LoanSubsidyClaim, held: Map<string, string>): string {
  return c.approvalState === Instruction_State.PENDING_APPROVAL ? c.instructionId || "?" : held.get(c.claimId) ?? "";
}
// A claim's status, and an approval waiting for the second officer.
function claimStatusText(c: LoanSubsidyClaim, instruction: string): string {
  return instruction
    ? statusText(c.status) + t(`（批准待复核 ${instruction}）`, ` (approval pending review, ${instruction})`)
    : statusText(c.status);
}
function lineStatusText(s: LoanSubsidyClaimLine_Status): string {
  switch (s) {
    case LoanSubsidyClaimLine_Status.ACCEPTED: return t("受理", "Accepted");
    case LoanSubsidyClaimLine_Status.INVALID: return t("无效", "Invalid");
    case LoanSubsidyClaimLine_Status.DUPLICATE: return t("重复", "Duplicate");
    default: return "—";
  }
}

// Connect's unary call over XMLHttpRequest, for the one call whose upload shows progress (fetch
// reports none); the same route, JSON and Bearer token as the generated client's.
function postWithProgress(path: string, body: string, onProgress: (fraction: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Connect-Protocol-Version", "1");
    if (token()) xhr.setRequestHeader("Authorization", `Bearer ${token()}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      const answer = JSON.parse(xhr.responseText || "{}");
      if (xhr.status === 200) resolve(answer); else reject(new Error(`${answer.code ?? xhr.status}: ${answer.message ?? ""}`));
    };
    xhr.onerror = () => reject(new Error(t("网络错误", "network error")));
    xhr.send(body);
  });
}
function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function loansPage(root: HTMLElement): void {
  const payDate = dateInput("l-pay-date", today());  // approvals pay on this working day
  const bank = h("input", { id: "l-bank", placeholder: t("银行编号", "bank id"), value: myBanks()[0] ?? "" });
  const claimsBox = h("div", { id: "l-claims" });
  const claimsPager = new Pager(() => void loadClaims());
  const linesBox = h("div", { id: "l-lines" });
  const lineStatus = h("select", { id: "l-line-status" }, ...[
    [LoanSubsidyClaimLine_Status.STATUS_UNSPECIFIED, t("全部", "All")], [LoanSubsidyClaimLine_Status.ACCEPTED, t("受理", "Accepted")],
    [LoanSubsidyClaimLine_Status.INVALID, t("无效", "Invalid")], [LoanSubsidyClaimLine_Status.DUPLICATE, t("重复", "Duplicate")],
  ].map(([v, text]) => h("option", { value: String(v) }, text as string)));
  const linesPager = new Pager(() => void loadLines());
  let claimId = "";
  // Upload.
  const upBank = h("input", { id: "u-bank", placeholder: "BANK-1", value: myBanks()[0] ?? "" });
  const upStart = dateInput("u-start");
  const upEnd = dateInput("u-end");
  const upFund = h("input", { id: "u-fund", placeholder: t("可选", "optional") });
  const upFile = h("input", { type: "file", id: "u-file", accept: ".csv,text/csv" });
  const upProgress = h("progress", { id: "u-progress", max: "1", value: "0" });
  const upResult = h("div", { id: "u-result" });
  // Uploading is for the callers that file claims (banks).
  if (may(LoanSubsidyService.method.submitLoanSubsidyClaimFile)) {
    root.append(h("section", {}, h("h2", {}, t("上传贴息申报文件（CSV）", "Upload a claim file (CSV)")),
      h("div", { class: "filters" }, h("label", {}, t("银行编号", "Bank id"), upBank), h("label", {}, t("结算期起", "Period start"), upStart),
        h("label", {}, t("结算期止", "Period end"), upEnd), h("label", {}, t("资金", "Fund"), upFund), h("label", {}, t("文件", "File"), upFile),
        h("button", { id: "u-submit", onclick: () => void upload() }, t("提交申报", "Submit claim"))),
      upProgress, upResult));
  }
  root.append(
    h("section", {}, h("h2", {}, t("贴息申报", "Interest-subsidy claims")),
      h("div", { class: "filters" }, h("label", {}, t("银行编号", "Bank id"), bank),
        h("button", { id: "l-apply", onclick: () => { claimsPager.reset(); void loadClaims(); } }, t("查询", "Apply")),
        may(LoanSubsidyService.method.reviewLoanSubsidyClaim) && h("label", {}, t("批准后拨付日（工作日）", "Payment date on approval (a working day)"), payDate)),
      claimsBox),
    h("section", {}, h("h2", { id: "l-lines-title" }, t("申报明细", "Claim lines")),
      h("div", { class: "filters" }, h("label", {}, t("状态", "Status"), lineStatus),
        h("button", { id: "l-lines-apply", onclick: () => { linesPager.reset(); void loadLines(); } }, t("筛选", "Filter"))),
      linesBox));

  function review(c: LoanSubsidyClaim, decision: ReviewLoanSubsidyClaimRequest_Decision): void {
    const reason = decision === ReviewLoanSubsidyClaimRequest_Decision.REJECT ? prompt(t("退回原因", "Reason for rejecting")) ?? "" : "";
    loans.reviewLoanSubsidyClaim(create(ReviewLoanSubsidyClaimRequestSchema, {
      requestId: crypto.randomUUID(), claimId: c.claimId, decision, paymentDate: decision === ReviewLoanSubsidyClaimRequest_Decision.APPROVE ? payDate.value : "", reason,
    })).then(async (answer) => {
      await loadClaims();
      if (answer.approvalState === Instruction_State.PENDING_APPROVAL) {
        claimsBox.prepend(h("p", { class: "done", id: "l-pending" }, t(`已提交批准 ${answer.instructionId}，须另一名财政人员在“审批”页复核后拨付`,
          `Approval ${answer.instructionId} submitted: it pays once another finance officer approves it on the Approvals page`)));
      }
    }, (err) => claimsBox.prepend(errorBox(err)));
  }

  async function loadClaims(): Promise<void> {
    try {
      const [r, held] = await Promise.all([
        loans.listLoanSubsidyClaims(create(ListLoanSubsidyClaimsRequestSchema, { bankId: bank.value.trim(), pageSize: 20, pageToken: claimsPager.current })),
        pendingApprovals()]);
      claimsPager.next = r.nextPageToken;
      claimsBox.replaceChildren(table([
        { text: t("申报编号", "Claim") }, { text: t("银行", "Bank") }, { text: t("结算期", "Period") }, { text: t("状态", "Status") },
        { text: t("笔数", "Loans"), num: true }, { text: t("受理", "Accepted"), num: true }, { text: t("本金（元）", "Principal"), num: true },
        { text: t("利息（元）", "Interest"), num: true }, { text: t("贴息（元）", "Subsidy"), num: true }, { text: "" },
      ], r.claims.map((c) => ({ c, instruction: heldBy(c, held) })).map(({ c, instruction }) => row([
        h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); claimId = c.claimId; linesPager.reset(); void loadLines(); } }, c.claimId),
        c.bankId, `${c.settlementPeriod?.startDate ?? ""} … ${c.settlementPeriod?.endDate ?? ""}`, claimStatusText(c, instruction),
        c.loanCount, c.acceptedCount, yuan(c.totalPrincipalFen), yuan(c.totalInterestFen), yuan(c.totalSubsidyFen),
        c.status === LoanSubsidyClaim_Status.SUBMITTED && !instruction &&
          may(LoanSubsidyService.method.reviewLoanSubsidyClaim) ? h("span", {},
          h("button", { class: "approve", onclick: () => review(c, ReviewLoanSubsidyClaimRequest_Decision.APPROVE) }, t("批准", "Approve")), " ",
          h("button", { class: "reject", onclick: () => review(c, ReviewLoanSubsidyClaimRequest_Decision.REJECT) }, t("退回", "Reject"))) : "",
      ], { "data-claim": c.claimId }, [4, 5, 6, 7, 8]))), claimsPager.view());
    } catch (err) {
      claimsBox.replaceChildren(errorBox(err));
    }
  }

  async function loadLines(): Promise<void> {
    if (!claimId) { linesBox.replaceChildren(h("p", { class: "note" }, t("点选一笔申报查看明细", "Pick a claim to see its lines"))); return; }
    try {
      const r = await loans.listLoanSubsidyClaimLines(create(ListLoanSubsidyClaimLinesRequestSchema, {
        claimId, lineStatus: Number(lineStatus.value) as LoanSubsidyClaimLine_Status, pageSize: 50, pageToken: linesPager.current }));
      linesPager.next = r.nextPageToken;
      linesBox.replaceChildren(h("p", {}, claimId), table([
        { text: t("行号", "Line") }, { text: t("贷款编号", "Loan") }, { text: t("状态", "Status") }, { text: t("本金（元）", "Principal"), num: true },
        { text: t("贴息（元）", "Subsidy"), num: true }, { text: t("说明", "Note") },
      ], r.lines.map((l) => row([l.lineNo, l.loanId, lineStatusText(l.lineStatus), yuan(l.principalFen), yuan(l.result?.totalSubsidyFen ?? 0n),
        l.duplicateOfClaimId ? t(`重复于 ${l.duplicateOfClaimId}`, `duplicate of ${l.duplicateOfClaimId}`) : (l.result?.error?.message ?? "")], {}, [3, 4]))),
        linesPager.view());
    } catch (err) {
      linesBox.replaceChildren(errorBox(err));
    }
  }

  async function upload(): Promise<void> {
    const file = upFile.files?.[0];
    if (!file) { upResult.replaceChildren(h("p", { class: "error" }, t("请选择文件", "Choose a file"))); return; }
    upProgress.value = 0;
    const request = create(SubmitLoanSubsidyClaimFileRequestSchema, {
      requestId: crypto.randomUUID(), bankId: upBank.value.trim(), fundId: upFund.value.trim(),
      settlementPeriod: { startDate: upStart.value, endDate: upEnd.value }, file: new Uint8Array(await file.arrayBuffer()),
    });
    const body = JSON.stringify({ ...(toJson(SubmitLoanSubsidyClaimFileRequestSchema, request) as object), file: base64(request.file) });
    try {
      const claim = (await postWithProgress(`/${LoanSubsidyService.typeName}/${LoanSubsidyService.method.submitLoanSubsidyClaimFile.name}`, body, (f) => { upProgress.value = f; })) as Record<string, string>;
      upProgress.value = 1;
      upResult.replaceChildren(h("p", { id: "u-claim" }, t(`已创建申报 ${claim.claimId}：${claim.loanCount ?? 0} 笔，受理 ${claim.acceptedCount ?? 0} 笔`,
        `Claim ${claim.claimId} created: ${claim.loanCount ?? 0} loans, ${claim.acceptedCount ?? 0} accepted`)));
      bank.value = upBank.value.trim();
      claimsPager.reset();
      void loadClaims();
    } catch (err) {
      upResult.replaceChildren(h("p", { class: "error", role: "alert" }, err instanceof Error ? err.message : describe(err)));
    }
  }
  void loadClaims();
  void loadLines();
}
