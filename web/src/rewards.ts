// 免申即享兑现: payouts by status with due dates (overdue highlighted), each policy by its name; a
// disbursement run's payments by payment date, and that run's payment file; running a
// disbursement behind a confirmation that names what it will pay.
import { create } from "@bufbuild/protobuf";
import { Instruction_State } from "gen/subsidy/v1/approval_pb.js";
import {
  GetPaymentFileRequestSchema, ListPayoutsRequestSchema, PayoutStatus, RewardPayoutService, RunDisbursementRequestSchema,
  type Payout, type RewardPolicy,
} from "gen/subsidy/v1/reward_pb.js";
import { holdReasonText, policyName, rewardPolicies } from "./names.js";
import { client, confirmDialog, dateInput, download, errorBox, h, may, Pager, row, t, table, today, yuan } from "./ui.js";

const rewards = client(RewardPayoutService);

function statusText(s: PayoutStatus): string {
  switch (s) {
    case PayoutStatus.SCHEDULED: return t("待兑现", "Scheduled");
    case PayoutStatus.DISBURSED: return t("已兑现", "Disbursed");
    case PayoutStatus.REJECTED: return t("不予兑现", "Rejected");
    case PayoutStatus.CANCELLED: return t("已撤销", "Cancelled");
    default: return "—";
  }
}

function payoutTable(payouts: Payout[], policies: Map<string, RewardPolicy>): HTMLElement {
  return table([
    { text: t("兑现编号", "Payout") }, { text: t("政策", "Policy") }, { text: t("企业", "Enterprise") }, { text: t("统一社会信用代码", "USCC") },
    { text: t("金额（元）", "Amount (yuan)"), num: true }, { text: t("认定日", "Determined") }, { text: t("应兑现日", "Due") },
    { text: t("状态", "Status") }, { text: t("兑现日", "Paid") }, { text: t("凭证号", "Voucher") },
  ], payouts.map((p) => row([p.payoutId, h("span", { title: p.policyId }, policyName(policies, p.policyId)), p.enterpriseName, p.enterpriseUscc,
    yuan(p.amountFen), p.determinationDate, p.dueDate,
    statusText(p.status) + (p.overdue ? t("（逾期）", " (overdue)") : "") + (p.holdReason ? t(`（暂缓：${holdReasonText(p.holdReason)}）`, ` (held: ${holdReasonText(p.holdReason)})`) : ""),
    p.paidDate || "—", p.voucherNo || "—"],
    p.overdue ? { class: "overdue" } : {}, [4], [1, 2])));
}

export function rewardsPage(root: HTMLElement): void {
  const status = h("select", { id: "r-status" }, ...[
    [PayoutStatus.PAYOUT_STATUS_UNSPECIFIED, t("全部状态", "All")], [PayoutStatus.SCHEDULED, t("待兑现", "Scheduled")],
    [PayoutStatus.DISBURSED, t("已兑现", "Disbursed")], [PayoutStatus.REJECTED, t("不予兑现", "Rejected")], [PayoutStatus.CANCELLED, t("已撤销", "Cancelled")],
  ].map(([v, text]) => h("option", { value: String(v) }, text as string)));
  // A policy by its name from the data (ListRewardPolicies), its id the option's value.
  const policy = h("select", { id: "r-policy" }, h("option", { value: "" }, t("全部政策", "All policies")));
  void rewardPolicies().then((policies) => {
    for (const p of policies.values()) policy.append(h("option", { value: p.policyId }, p.name || p.policyId));
  });
  const onlyOverdue = h("input", { type: "checkbox", id: "r-overdue" });
  const listBox = h("div", { id: "r-list" });
  const pager = new Pager(() => void loadList(false));
  const runDate = dateInput("r-run-date", today());
  const runBox = h("div", { id: "r-run" });
  const runNotice = h("div", { id: "r-run-notice", "aria-live": "polite" });
  const disburse = h("button", { id: "r-disburse", class: "primary", onclick: () => void runDisbursement() }, t("执行兑现批次", "Run the disbursement"));
  const runPager = new Pager(() => void loadRun(false));
  root.append(
    h("section", {}, h("h2", {}, t("免申即享兑现", "Apply-free reward payouts")),
      h("div", { class: "filters" }, h("label", {}, t("状态", "Status"), status), h("label", {}, t("政策", "Policy"), policy),
        h("label", {}, t("仅逾期", "Overdue only"), onlyOverdue),
        h("button", { id: "r-apply", onclick: () => { pager.reset(); void loadList(true); } }, t("查询", "Apply"))),
      listBox),
    h("section", {}, h("h2", {}, t("兑现批次（按兑现日）", "Disbursement runs (by payment date)")),
      h("div", { class: "filters" }, h("label", {}, t("兑现日", "Payment date"), runDate),
        h("button", { id: "r-run-apply", onclick: () => { runPager.reset(); void loadRun(true); } }, t("查看批次", "Show run")),
        h("button", { id: "r-payment-file", onclick: () => void paymentFile() }, t("下载支付文件", "Download payment file")),
        may(RewardPayoutService.method.runDisbursement) && disburse),
      runNotice, runBox));

  let totals = "";
  async function loadList(withTotals: boolean): Promise<void> {
    const asOf = today();
    try {
      const [r, policies] = await Promise.all([rewards.listPayouts(create(ListPayoutsRequestSchema, {
        status: Number(status.value) as PayoutStatus, policyId: policy.value, overdueAsOf: onlyOverdue.checked ? asOf : "",
        pageSize: 50, pageToken: pager.current, withTotals,
      })), rewardPolicies()]);
      pager.next = r.nextPageToken;
      if (withTotals) totals = t(`（共 ${r.totalCount} 笔，${yuan(r.totalAmountFen)} 元）`, ` (${r.totalCount} payouts, ${yuan(r.totalAmountFen)} yuan)`);
      listBox.replaceChildren(payoutTable(r.payouts, policies), pager.view(totals));
    } catch (err) {
      listBox.replaceChildren(errorBox(err));
    }
  }
  let runTotals = "";
  async function loadRun(withTotals: boolean): Promise<void> {
    try {
      const [r, policies] = await Promise.all([
        rewards.listPayouts(create(ListPayoutsRequestSchema, { paidDate: runDate.value, pageSize: 50, pageToken: runPager.current, withTotals })),
        rewardPolicies()]);
      runPager.next = r.nextPageToken;
      if (withTotals) runTotals = t(`（本批 ${r.totalCount} 笔，${yuan(r.totalAmountFen)} 元）`, ` (${r.totalCount} payments, ${yuan(r.totalAmountFen)} yuan)`);
      runBox.replaceChildren(payoutTable(r.payouts, policies), runPager.view(runTotals));
    } catch (err) {
      runBox.replaceChildren(errorBox(err));
    }
  }
  // The bank's payment file of the run, as the server writes it (the one format).
  async function paymentFile(): Promise<void> {
    try {
      const file = await rewards.getPaymentFile(create(GetPaymentFileRequestSchema, { paidDate: runDate.value }));
      download(file.fileName, file.content);
    } catch (err) {
      runBox.replaceChildren(errorBox(err));
    }
  }
  // A run pays every scheduled payout determined on or before its payment date that its policy's
  // funds can pay. The confirmation names those payouts, their count and sum (the server's
  // amounts added up, to say what is asked; the answer says what was paid and what was held).
  async function runDisbursement(): Promise<void> {
    const date = runDate.value.trim();
    let count = 0;
    let fen = 0n;
    try {
      let pageToken = "";
      do {
        const r = await rewards.listPayouts(create(ListPayoutsRequestSchema, { status: PayoutStatus.SCHEDULED, pageSize: 500, pageToken }));
        for (const p of r.payouts) {
          if (p.determinationDate <= date) { count++; fen += p.amountFen; }
        }
        pageToken = r.nextPageToken;
      } while (pageToken);
    } catch (err) {
      runNotice.replaceChildren(errorBox(err));
      return;
    }
    const ok = await confirmDialog({
      title: t("确认执行兑现批次？", "Run the disbursement?"),
      lines: [
        t(`兑现日 ${date}`, `Payment date ${date}`),
        t(`将兑现 ${date} 及以前认定的待兑现款项 ${count} 笔，合计 ${yuan(fen)} 元；资金不足以支付的暂缓兑现，仍为待兑现。`,
          `Pays the ${count} scheduled payouts determined on or before ${date}, ${yuan(fen)} yuan in all; those the funds cannot pay are held and stay scheduled.`),
        t("须双人复核时，确认后待另一名财政人员在“审批”页批准后执行。", "Under dual control it runs once another finance officer approves it on the Approvals page."),
      ],
      confirm: t("执行兑现", "Run"),
    });
    if (ok === null) return;
    disburse.disabled = true;
    try {
      const r = await rewards.runDisbursement(create(RunDisbursementRequestSchema, { requestId: crypto.randomUUID(), paymentDate: date }));
      runNotice.replaceChildren(h("p", { class: "done", id: "r-run-done" }, r.approvalState === Instruction_State.PENDING_APPROVAL
        ? t(`已提交兑现批次，待另一名财政人员复核（指令 ${r.instructionId}）：到期 ${r.dueCount} 笔，${yuan(r.dueFen)} 元`,
          `Submitted: waiting for another finance officer (instruction ${r.instructionId}); ${r.dueCount} due, ${yuan(r.dueFen)} yuan`)
        : t(`已兑现 ${r.paidCount} 笔，${yuan(r.paidFen)} 元（其中逾期 ${r.lateCount} 笔）${r.held.length ? `；暂缓 ${r.held.length} 笔，${yuan(r.heldFen)} 元` : ""}`,
          `Paid ${r.paidCount}, ${yuan(r.paidFen)} yuan (${r.lateCount} late)${r.held.length ? `; held ${r.held.length}, ${yuan(r.heldFen)} yuan` : ""}`)));
      runPager.reset();
      void loadRun(true);
      void loadList(true);
    } catch (err) {
      runNotice.replaceChildren(errorBox(err));
    } finally {
      disburse.disabled = false;
    }
  }

  void loadList(true);
  void loadRun(true);
}
