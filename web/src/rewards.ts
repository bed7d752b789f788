// 免申即享兑现: payouts by status with due dates (overdue highlighted), a disbursement run's
// payments by payment date, and that run's payment file.
import { create } from "@bufbuild/protobuf";
import {
  GetPaymentFileRequestSchema, ListPayoutsRequestSchema, PayoutStatus, RewardPayoutService, type Payout,
} from "gen/subsidy/v1/reward_pb.js";
import { client, dateInput, download, errorBox, h, Pager, row, t, table, today, yuan } from "./ui.js";

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

function payoutTable(payouts: Payout[]): HTMLTableElement {
  return table([
    { text: t("兑现编号", "Payout") }, { text: t("政策", "Policy") }, { text: t("企业", "Enterprise") }, { text: t("统一社会信用代码", "USCC") },
    { text: t("金额（元）", "Amount (yuan)"), num: true }, { text: t("认定日", "Determined") }, { text: t("应兑现日", "Due") },
    { text: t("状态", "Status") }, { text: t("兑现日", "Paid") }, { text: t("凭证号", "Voucher") },
  ], payouts.map((p) => row([p.payoutId, p.policyId, p.enterpriseName, p.enterpriseUscc, yuan(p.amountFen), p.determinationDate,
    p.dueDate, statusText(p.status) + (p.overdue ? t("（逾期）", " (overdue)") : ""), p.paidDate || "—", p.voucherNo || "—"],
    p.overdue ? { class: "overdue" } : {}, [4])));
}

export function rewardsPage(root: HTMLElement): void {
  const status = h("select", { id: "r-status" }, ...[
    [PayoutStatus.PAYOUT_STATUS_UNSPECIFIED, t("全部状态", "All")], [PayoutStatus.SCHEDULED, t("待兑现", "Scheduled")],
    [PayoutStatus.DISBURSED, t("已兑现", "Disbursed")], [PayoutStatus.REJECTED, t("不予兑现", "Rejected")], [PayoutStatus.CANCELLED, t("已撤销", "Cancelled")],
  ].map(([v, text]) => h("option", { value: String(v) }, text as string)));
  const policy = h("input", { id: "r-policy", placeholder: t("政策编号", "policy id") });
  const onlyOverdue = h("input", { type: "checkbox", id: "r-overdue" });
  const listBox = h("div", { id: "r-list" });
  const pager = new Pager(() => void loadList(false));
  const runDate = dateInput("r-run-date", today());
  const runBox = h("div", { id: "r-run" });
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
        h("button", { id: "r-payment-file", onclick: () => void paymentFile() }, t("下载支付文件", "Download payment file"))),
      runBox));

  let totals = "";
  async function loadList(withTotals: boolean): Promise<void> {
    const asOf = today();
    try {
      const r = await rewards.listPayouts(create(ListPayoutsRequestSchema, {
        status: Number(status.value) as PayoutStatus, policyId: policy.value.trim(), overdueAsOf: onlyOverdue.checked ? asOf : "",
        pageSize: 50, pageToken: pager.current, withTotals,
      }));
      pager.next = r.nextPageToken;
      if (withTotals) totals = t(`（共 ${r.totalCount} 笔，${yuan(r.totalAmountFen)} 元）`, ` (${r.totalCount} payouts, ${yuan(r.totalAmountFen)} yuan)`);
      listBox.replaceChildren(payoutTable(r.payouts), pager.view(totals));
    } catch (err) {
      listBox.replaceChildren(errorBox(err));
    }
  }
  let runTotals = "";
  async function loadRun(withTotals: boolean): Promise<void> {
    try {
      const r = await rewards.listPayouts(create(ListPayoutsRequestSchema, { paidDate: runDate.value, pageSize: 50, pageToken: runPager.current, withTotals }));
      runPager.next = r.nextPageToken;
      if (withTotals) runTotals = t(`（本批 ${r.totalCount} 笔，${yuan(r.totalAmountFen)} 元）`, ` (${r.totalCount} payments, ${yuan(r.totalAmountFen)} yuan)`);
      runBox.replaceChildren(payoutTable(r.payouts), runPager.view(runTotals));
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
  void loadList(true);
  void loadRun(true);
}
