// 审批: money movements held for a second officer (双人复核). Pending instructions with approve /
// reject behind a confirmation; the caller's own wait for someone else; decided ones with their
// checker, by state.
import { create } from "@bufbuild/protobuf";
import {
  ApprovalService, ApproveInstructionRequestSchema, Instruction_State, ListInstructionsRequestSchema,
  RejectInstructionRequestSchema, type Instruction,
} from "gen/subsidy/v1/approval_pb.js";
import { client, confirmDialog, errorBox, h, may, Pager, row, signedInAs, t, table, when, yuan } from "./ui.js";

const approvals = client(ApprovalService);

export function stateText(s: Instruction_State): string {
  switch (s) {
    case Instruction_State.PENDING_APPROVAL: return t("已申请未审核", "Pending approval");
    case Instruction_State.POSTED: return t("已复核入账", "Approved and posted");
    case Instruction_State.REJECTED: return t("已退回", "Rejected");
    default: return "—";
  }
}
// The RPC that asked, as an officer names the business ("AllocateFund" or its full name).
export function rpcText(rpc: string): string {
  const name = rpc.slice(rpc.lastIndexOf("/") + 1);
  switch (name) {
    case "AllocateFund": return t("资金分配下达", "Fund allocation");
    case "RecordFundPayment": return t("资金支付", "Fund payment");
    case "AdjustFundBudget": return t("预算调整", "Budget adjustment");
    case "AllocateFunds": return t("学校经费拨付", "School allocation");
    case "ReverseFundEntry": return t("冲销", "Reversal");
    case "ReviewLoanSubsidyClaim": return t("贴息申报批准", "Claim approval");
    case "RunDisbursement": return t("兑现批次", "Disbursement run");
    case "ReissuePayment": return t("支付失败重发", "Reissue of a failed payment");
    case "ReturnPayment": return t("支付失败退回", "Return of a failed payment");
    default: return t("资金变动", name);
  }
}

const STATES: [Instruction_State, string, string][] = [
  [Instruction_State.PENDING_APPROVAL, "已申请未审核", "Pending approval"],
  [Instruction_State.POSTED, "已复核入账", "Approved and posted"],
  [Instruction_State.REJECTED, "已退回", "Rejected"],
  [Instruction_State.STATE_UNSPECIFIED, "全部", "All"],
];

export function approvalsPage(root: HTMLElement): void {
  const state = h("select", { id: "a-state" }, ...STATES.map(([v, zh, en]) => h("option", { value: String(v) }, t(zh, en))));
  const fund = h("input", { id: "a-fund", placeholder: t("资金编号", "fund id"), size: "16" });
  const summary = h("p", { id: "a-summary" });
  const notice = h("div", { id: "a-notice", "aria-live": "polite" });
  const listBox = h("div", { id: "a-list" });
  const pager = new Pager(() => void load());
  const mayApprove = may(ApprovalService.method.approveInstruction);
  const mayReject = may(ApprovalService.method.rejectInstruction);
  root.append(
    h("section", {}, h("h2", {}, t("审批（双人复核）", "Approvals (dual control)")),
      h("p", { class: "note" }, t("经办人提交的资金变动须由另一名财政人员复核后才入账；复核前金额已预留，不计入已分配、已支付。",
        "A money movement posts only when another finance officer approves it; until then its amount is reserved, not allocated or paid.")),
      h("div", { class: "filters" }, h("label", {}, t("状态", "State"), state), h("label", {}, t("资金", "Fund"), fund),
        h("button", { id: "a-apply", onclick: () => { pager.reset(); void load(); } }, t("查询", "Apply"))),
      summary, notice, listBox));

  function actions(x: Instruction): HTMLElement | string {
    if (x.state !== Instruction_State.PENDING_APPROVAL) return "";
    // One's own instruction waits for someone else: no approve (the server would refuse it: SAME_CALLER).
    if (x.maker === signedInAs()) return h("span", { class: "waiting" }, t("等待他人复核", "Waiting for another officer"));
    return h("span", {},
      mayApprove && h("button", { class: "approve", onclick: () => void decide(x, true) }, t("批准", "Approve")), " ",
      mayReject && h("button", { class: "reject", onclick: () => void decide(x, false) }, t("退回", "Reject")));
  }

  async function decide(x: Instruction, approve: boolean): Promise<void> {
    const answer = await confirmDialog({
      title: approve ? t("确认批准并入账？", "Approve and post this?") : t("确认退回？", "Reject this?"),
      lines: [
        `${x.instructionId} · ${rpcText(x.rpc)}`,
        x.summary,
        t(`资金 ${x.fundId || "—"}，金额 ${yuan(x.amountFen)} 元`, `Fund ${x.fundId || "—"}, amount ${yuan(x.amountFen)} yuan`),
        t(`经办人 ${x.maker}，提交于 ${when(x.createdAt)}`, `Made by ${x.maker} at ${when(x.createdAt)}`),
        approve
          ? t("批准后按经办人的申请入账，资金随即分配或支付，不能撤回，只能另行冲销。", "Approving posts it as its maker asked: the money moves now; only a reversal undoes it.")
          : t("退回后该申请作废，预留的金额释放，不入账。", "Rejecting voids it: the reserved amount is released and nothing posts."),
      ],
      confirm: approve ? t("批准", "Approve") : t("退回", "Reject"),
      reason: approve ? undefined : t("退回原因（必填）", "Reason for rejecting (required)"),
    });
    if (answer === null) return;
    try {
      const done = approve
        ? await approvals.approveInstruction(create(ApproveInstructionRequestSchema, { requestId: crypto.randomUUID(), instructionId: x.instructionId }))
        : await approvals.rejectInstruction(create(RejectInstructionRequestSchema, { requestId: crypto.randomUUID(), instructionId: x.instructionId, reason: answer }));
      notice.replaceChildren(h("p", { class: "done", id: "a-done" }, approve
        ? t(`已批准 ${done.instructionId}，已入账${done.resultId ? `（${done.resultId}）` : ""}`, `Approved ${done.instructionId}: posted${done.resultId ? ` (${done.resultId})` : ""}`)
        : t(`已退回 ${done.instructionId}，预留金额已释放`, `Rejected ${done.instructionId}: its reservation is released`)));
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    }
    await load();
  }

  async function load(): Promise<void> {
    try {
      const r = await approvals.listInstructions(create(ListInstructionsRequestSchema, {
        state: Number(state.value) as Instruction_State, fundId: fund.value.trim(), pageSize: 50, pageToken: pager.current,
      }));
      pager.next = r.nextPageToken;
      summary.replaceChildren(t(`已申请未审核 ${r.pendingCount} 笔，合计 ${yuan(r.pendingAmountFen)} 元`,
        `${r.pendingCount} pending, ${yuan(r.pendingAmountFen)} yuan in all`));
      listBox.replaceChildren(
        r.instructions.length === 0 ? h("p", { class: "note" }, t("没有符合条件的指令", "No instructions")) :
          table([
            { text: t("编号", "Instruction") }, { text: t("业务", "Business") }, { text: t("摘要", "Summary") }, { text: t("资金", "Fund") },
            { text: t("对象", "Recipient / subject") }, { text: t("金额（元）", "Amount (yuan)"), num: true }, { text: t("经办人", "Maker") },
            { text: t("提交时间", "Made at") }, { text: t("状态", "State") }, { text: t("复核人", "Checker") }, { text: t("复核时间", "Decided at") },
            { text: t("说明", "Note") }, { text: "" },
          ], r.instructions.map((x) => row([
            x.instructionId, rpcText(x.rpc), h("span", { class: "summary" }, x.summary), x.fundId || "—", x.recipientId || x.subjectId || "—",
            yuan(x.amountFen), x.maker, h("span", { title: x.createdAt }, when(x.createdAt)),
            h("span", { class: `state-${Instruction_State[x.state]}` }, stateText(x.state)), x.checker || "—",
            x.decidedAt ? h("span", { title: x.decidedAt }, when(x.decidedAt)) : "—",
            x.state === Instruction_State.REJECTED ? x.reason : (x.resultId || ""), actions(x),
          ], { "data-instruction": x.instructionId, "data-state": Instruction_State[x.state] }, [5]))),
        pager.view());
      listBox.dataset.loaded = "true";
    } catch (err) {
      summary.replaceChildren();
      listBox.replaceChildren(errorBox(err));
    }
  }
  void load();
}
