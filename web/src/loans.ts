// 贷款贴息: claims with their totals, a claim's lines by status, a CSV claim file uploaded with a
// progress bar, and approve / reject for finance callers behind a confirmation (an approval waits
// for a second officer's review on the 审批 page before it pays). An upload is named by its
// content: the same file for the same bank, period and fund is the same request, so a second
// upload answers the first claim (a replay) and says so; a refused file shows every error, and a
// claim with invalid lines lists each of them with its line in the file. The inquiries finance sent
// about the bank's alerts, and the bank answering them (alerts.ts: unitInquiries).
import { create, fromJson, toJson, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeFromHttpStatus, errorFromJson } from "@connectrpc/connect/protocol-connect";
import { ApprovalService, Instruction_State, ListInstructionsRequestSchema } from "gen/subsidy/v1/approval_pb.js";
import {
  ListLoanSubsidyClaimLinesRequestSchema, ListLoanSubsidyClaimsRequestSchema, LoanSubsidyClaim_Status,
  LoanSubsidyClaimLine_Status, LoanSubsidyClaimSchema, LoanSubsidyService, ReviewLoanSubsidyClaimRequest_Decision,
  ReviewLoanSubsidyClaimRequestSchema, SubmitLoanSubsidyClaimFileRequestSchema, type LoanSubsidyClaim, type LoanSubsidyClaimLine,
} from "gen/subsidy/v1/loan_pb.js";
import { unitInquiries } from "./alerts.js";
import {
  acceptLanguage, client, confirmDialog, dateInput, errorBox, fieldText, h, may, myBanks, Pager, row, sha256Hex, t, table, today, token, yuan,
} from "./ui.js";

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

// A claim line's error in words: the field the server names, then its message.
function lineError(l: LoanSubsidyClaimLine): string {
  const e = l.result?.error;
  if (!e) return "";
  return e.field ? `${fieldText(e.field)}${t("：", ": ")}${e.message}` : e.message;
}

// The header in which the server says that a mutation's answer is a replay of the first one.
const REPLAY_HEADER = "subsidy-replay";
// Connect's unary call over XMLHttpRequest, for the one call whose upload shows progress (fetch
// reports none); the same route, JSON, Bearer token and Accept-Language as the generated client's.
// A refusal is the ConnectError the generated client would throw, details and all.
function postWithProgress(path: string, body: string, onProgress: (fraction: number) => void): Promise<{ answer: JsonValue; replayed: boolean }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Connect-Protocol-Version", "1");
    xhr.setRequestHeader("Accept-Language", acceptLanguage());
    if (token()) xhr.setRequestHeader("Authorization", `Bearer ${token()}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let answer: JsonValue = {};
      try { answer = JSON.parse(xhr.responseText || "{}") as JsonValue; } catch { /* not JSON: the status says what happened */ }
      if (xhr.status === 200) { resolve({ answer, replayed: xhr.getResponseHeader(REPLAY_HEADER) === "true" }); return; }
      const fallback = new ConnectError(`HTTP ${xhr.status}`, codeFromHttpStatus(xhr.status));
      try { reject(errorFromJson(answer, undefined, fallback)); } catch (err) { reject(err); }
    };
    xhr.onerror = () => reject(new ConnectError(t("网络错误，文件未送达", "Network error: the file did not arrive"), Code.Unavailable));
    xhr.send(body);
  });
}
// The upload's request_id: SHA-256 of the bank, the settlement period, the fund and the file's own
// SHA-256 (every field the request carries), so that the same file uploaded again for the same claim
// is the same request and the server answers the first claim; any other upload is a new request.
async function uploadRequestId(file: Uint8Array, bank: string, start: string, end: string, fund: string): Promise<string> {
  const key = await sha256Hex(["subsidy claim file", bank, start, end, fund, await sha256Hex(file)].join("\n"));
  return `claim-file-${key.slice(0, 40)}`;
}
// The line of the file each claim line came from (1-based, in the order the server numbers them):
// the records after the header that are neither blank nor '#' comments, as formats/csv.cc reads
// them. Loan ids are ASCII, so the bytes are read as Latin-1 whatever the encoding (GB18030 and
// UTF-8 never put a newline byte inside a character). A line is named only when one of its cells
// is the claim line's loan id (the columns may come in any order).
function fileLines(file: Uint8Array): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let header = false;
  new TextDecoder("latin1").decode(file).split("\n").forEach((raw, i) => {
    const text = raw.replace(/\r$/, "").replace(/^\u00ef\u00bb\u00bf/, "");
    const cells = text.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim());
    if (cells.every((c) => c === "") || cells[0].startsWith("#")) return;
    if (!header) { header = true; return; }
    out.push({ line: i + 1, cells });
  });
  return out;
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
        h("button", { id: "l-apply", onclick: () => { claimsPager.reset(); void loadClaims(); inquiries?.load(); } }, t("查询", "Apply")),
        may(LoanSubsidyService.method.reviewLoanSubsidyClaim) && h("label", {}, t("批准后拨付日（工作日）", "Payment date on approval (a working day)"), payDate)),
      claimsBox),
    h("section", {}, h("h2", { id: "l-lines-title" }, t("申报明细", "Claim lines")),
      h("div", { class: "filters" }, h("label", {}, t("状态", "Status"), lineStatus),
        h("button", { id: "l-lines-apply", onclick: () => { linesPager.reset(); void loadLines(); } }, t("筛选", "Filter"))),
      linesBox));
  // The inquiries addressed to the bank in the filter (those who may read alert cases).
  const inquiries = unitInquiries(() => bank.value, t("请输入银行编号", "Enter a bank id"));
  if (inquiries) root.append(inquiries.element);

  // Approve or reject after a confirmation naming the claim, its bank and period, the subsidy in
  // 元 and what will happen; a rejection needs its reason. A cancelled confirmation sends nothing.
  async function review(c: LoanSubsidyClaim, decision: ReviewLoanSubsidyClaimRequest_Decision): Promise<void> {
    const approve = decision === ReviewLoanSubsidyClaimRequest_Decision.APPROVE;
    const period = `${c.settlementPeriod?.startDate ?? ""} … ${c.settlementPeriod?.endDate ?? ""}`;
    const reason = await confirmDialog({
      title: approve ? t("确认批准该申报？", "Approve this claim?") : t("确认退回该申报？", "Reject this claim?"),
      lines: [
        t(`申报 ${c.claimId}：银行 ${c.bankId}，结算期 ${period}`, `Claim ${c.claimId}: bank ${c.bankId}, settlement period ${period}`),
        t(`受理 ${c.acceptedCount} 笔（共 ${c.loanCount} 笔），本金 ${yuan(c.totalPrincipalFen)} 元，贴息 ${yuan(c.totalSubsidyFen)} 元`,
          `${c.acceptedCount} of ${c.loanCount} loans accepted, principal ${yuan(c.totalPrincipalFen)} yuan, subsidy ${yuan(c.totalSubsidyFen)} yuan`),
        c.fundId ? t(`由资金 ${c.fundId} 支付`, `Paid from fund ${c.fundId}`) : t("未指定资金", "No fund named"),
        approve
          ? t(`批准后于 ${payDate.value} 向银行拨付贴息 ${yuan(c.totalSubsidyFen)} 元；须双人复核时，待另一名财政人员在“审批”页批准后拨付。`,
            `Approving pays the bank ${yuan(c.totalSubsidyFen)} yuan on ${payDate.value}; under dual control, once another finance officer approves it on the Approvals page.`)
          : t("退回后不拨付任何款项，该申报的贷款可由银行重新申报。", "Rejecting pays nothing; the bank may claim these loans again."),
      ],
      confirm: approve ? t("批准", "Approve") : t("退回", "Reject"),
      reason: approve ? undefined : t("退回原因（必填）", "Reason for rejecting (required)"),
    });
    if (reason === null) return;
    await loans.reviewLoanSubsidyClaim(create(ReviewLoanSubsidyClaimRequestSchema, {
      requestId: crypto.randomUUID(), claimId: c.claimId, decision, paymentDate: approve ? payDate.value : "", reason,
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
          h("button", { class: "approve", onclick: () => void review(c, ReviewLoanSubsidyClaimRequest_Decision.APPROVE) }, t("批准", "Approve")), " ",
          h("button", { class: "reject", onclick: () => void review(c, ReviewLoanSubsidyClaimRequest_Decision.REJECT) }, t("退回", "Reject"))) : "",
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
        l.duplicateOfClaimId ? t(`重复于 ${l.duplicateOfClaimId}`, `duplicate of ${l.duplicateOfClaimId}`) : lineError(l)], {}, [3, 4], [5]))),
        linesPager.view());
    } catch (err) {
      linesBox.replaceChildren(errorBox(err));
    }
  }

  async function upload(): Promise<void> {
    const file = upFile.files?.[0];
    if (!file) { upResult.replaceChildren(h("p", { class: "error" }, t("请选择文件", "Choose a file"))); return; }
    upProgress.value = 0;
    upResult.replaceChildren(h("p", { class: "note" }, t("上传中…", "Uploading…")));
    const bytes = new Uint8Array(await file.arrayBuffer());
    const bankId = upBank.value.trim();
    const fundId = upFund.value.trim();
    const settlementPeriod = { startDate: upStart.value.trim(), endDate: upEnd.value.trim() };
    try {
      const request = create(SubmitLoanSubsidyClaimFileRequestSchema, {
        requestId: await uploadRequestId(bytes, bankId, settlementPeriod.startDate, settlementPeriod.endDate, fundId),
        bankId, fundId, settlementPeriod, file: bytes,
      });
      const body = JSON.stringify({ ...(toJson(SubmitLoanSubsidyClaimFileRequestSchema, request) as object), file: base64(request.file) });
      const { answer, replayed } = await postWithProgress(`/${LoanSubsidyService.typeName}/${LoanSubsidyService.method.submitLoanSubsidyClaimFile.name}`, body, (f) => { upProgress.value = f; });
      const claim = fromJson(LoanSubsidyClaimSchema, answer, { ignoreUnknownFields: true });
      upProgress.value = 1;
      const counts = t(`${claim.loanCount} 笔，受理 ${claim.acceptedCount} 笔${claim.invalidCount ? `，无效 ${claim.invalidCount} 笔` : ""}${claim.duplicateCount ? `，重复 ${claim.duplicateCount} 笔` : ""}`,
        `${claim.loanCount} loans, ${claim.acceptedCount} accepted${claim.invalidCount ? `, ${claim.invalidCount} invalid` : ""}${claim.duplicateCount ? `, ${claim.duplicateCount} duplicate` : ""}`);
      upResult.replaceChildren(...(replayed
        ? [h("p", { id: "u-replay", class: "note" }, t(`该文件已提交过，显示首次提交的申报 ${claim.claimId}`, `This file was submitted before: the first submission's claim ${claim.claimId} is shown`)),
          h("p", { id: "u-claim" }, t(`申报 ${claim.claimId}：${counts}`, `Claim ${claim.claimId}: ${counts}`))]
        : [h("p", { id: "u-claim" }, t(`已创建申报 ${claim.claimId}：${counts}`, `Claim ${claim.claimId} created: ${counts}`))]));
      if (claim.invalidCount > 0n) upResult.append(await invalidLines(claim.claimId, bytes));
      bank.value = bankId;
      claimsPager.reset();
      void loadClaims();
    } catch (err) {
      // A refused file: the server's message and every field it names (each bad line).
      upResult.replaceChildren(errorBox(err));
    }
  }

  // Every INVALID line of a claim (all pages), with the line of the file it came from and its error.
  async function invalidLines(id: string, file: Uint8Array): Promise<HTMLElement> {
    try {
      const lines: LoanSubsidyClaimLine[] = [];
      let pageToken = "";
      do {
        const r = await loans.listLoanSubsidyClaimLines(create(ListLoanSubsidyClaimLinesRequestSchema, {
          claimId: id, lineStatus: LoanSubsidyClaimLine_Status.INVALID, pageSize: 500, pageToken }));
        lines.push(...r.lines);
        pageToken = r.nextPageToken;
      } while (pageToken);
      const inFile = fileLines(file);
      const fileLine = (l: LoanSubsidyClaimLine) => {
        const at = inFile[Number(l.lineNo) - 1];
        return at && at.cells.includes(l.loanId) ? at.line : "—";
      };
      return h("div", { id: "u-invalid", class: "error", role: "alert" },
        h("p", {}, t(`以下 ${lines.length} 笔无效，未计入申报金额：`, `${lines.length} invalid loans, not in the claim's totals:`)),
        table([{ text: t("文件行号", "File line"), num: true }, { text: t("序号", "Line"), num: true }, { text: t("贷款编号", "Loan") }, { text: t("错误", "Error") }],
          lines.map((l) => row([fileLine(l), l.lineNo, l.loanId, lineError(l)], { "data-line": String(l.lineNo) }, [0, 1], [3]))));
    } catch (err) {
      return errorBox(err);
    }
  }
  void loadClaims();
  void loadLines();
  inquiries?.load();
}
