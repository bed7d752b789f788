// 政策测算: choose a draft rule (data/reforms) or paste one, run it on the loan book (or on the
// paid claims) for a window of settlement periods, and see what it would cost against the rules
// in force: the difference by quarter and by bank as charts, the figures in a table, the loans
// whose eligibility changes, and the detail downloaded as CSV. Finance and auditors only (the
// server decides; the page shows for those who may call SimulateReform). Figures are exact 分 from
// the server; the charts draw them in 万元.
import { create } from "@bufbuild/protobuf";
import {
  ListLoanReformsRequestSchema, LoanSubsidyService, SimulateReformRequestSchema, type SimulateReformResponse, type WhatIfFigures,
} from "gen/subsidy/v1/loan_pb.js";
import { chart, type Chart } from "./charts.js";
import { client, csvCell, dateInput, download, errorBox, h, row, signedYuan, t, table, wanLength, yuan } from "./ui.js";

const loans = client(LoanSubsidyService);
const DIMENSIONS: Record<string, [string, string]> = {
  BANK: ["银行", "Bank"], PROVINCE: ["省份", "Province"], PROGRAM: ["贷款类型", "Program"], BORROWER_TYPE: ["借款人类型", "Borrower"],
};
const PROGRAMS: Record<string, [string, string]> = {
  ENTREPRENEUR_INDIVIDUAL: ["个人创业担保贷款", "Individual"], ENTREPRENEUR_PARTNERSHIP: ["合伙创业担保贷款", "Partnership"],
  ENTREPRENEUR_SMALL_BUSINESS: ["小微企业创业担保贷款", "Small business"], POVERTY_MICROCREDIT: ["扶贫小额信贷", "Poverty micro-credit"],
  INDIVIDUAL: ["个人", "Individual"], SMALL_BUSINESS: ["小微企业", "Small business"],
};
function valueText(dimension: string, value: string): string {
  const words = dimension === "PROGRAM" || dimension === "BORROWER_TYPE" ? PROGRAMS[value] : undefined;
  return words ? t(words[0], words[1]) : value;
}

export function policyPage(root: HTMLElement): void {
  const draft = h("select", { id: "p-reform" });
  const text = h("textarea", { id: "p-reform-text", rows: "6", placeholder: t("或粘贴政策草案（文本格式）", "or paste a draft (text format)") });
  const from = dateInput("p-from");
  const to = dateInput("p-to");
  const bank = h("input", { id: "p-bank", placeholder: t("全部银行", "every bank") });
  const paid = h("input", { type: "checkbox", id: "p-paid" });
  const status = h("div", { id: "p-status" });
  const summary = h("div", { id: "p-summary" });
  const quarterChart = h("div", { id: "p-chart-quarter", class: "chart" });
  const bankChart = h("div", { id: "p-chart-bank", class: "chart" });
  const figures = h("div", { id: "p-table" });
  const changed = h("div", { id: "p-changed" });
  const downloadButton = h("button", { id: "p-download", disabled: "" }, t("下载明细（CSV）", "Download the detail (CSV)"));
  let charts: Chart[] = [];
  let last: SimulateReformResponse | null = null;

  root.append(
    h("section", {}, h("h2", {}, t("政策测算", "Policy what-if")),
      h("p", { class: "note" }, t("草案不改变现行政策：按现行政策和草案分别测算同一批贷款，对比每季贴息。",
        "A draft changes nothing in force: the same loans are computed under the rules in force and under the draft, quarter by quarter.")),
      h("div", { class: "filters" }, h("label", {}, t("政策草案", "Draft"), draft), h("label", {}, t("结算期起", "From"), from),
        h("label", {}, t("结算期止", "To"), to), h("label", {}, t("银行编号", "Bank id"), bank),
        h("label", {}, paid, t("按已拨付申报测算", "Run the paid claims")),
        h("button", { id: "p-run", onclick: () => void run() }, t("测算", "Run")), downloadButton),
      text, status, summary),
    h("section", {}, h("h2", {}, t("各季度贴息差额", "Difference by quarter")), quarterChart),
    h("section", {}, h("h2", {}, t("各银行贴息差额", "Difference by bank")), bankChart),
    h("section", {}, h("h2", {}, t("测算明细", "Figures")), figures),
    h("section", {}, h("h2", {}, t("享受资格发生变化的贷款", "Loans whose eligibility changes")), changed));
  downloadButton.onclick = () => { if (last) download(`policy-what-if-${last.reformId}.csv`, detailCsv(last)); };

  async function loadDrafts(): Promise<void> {
    try {
      const r = await loans.listLoanReforms(create(ListLoanReformsRequestSchema, {}));
      draft.replaceChildren(h("option", { value: "" }, t("（粘贴的草案）", "(the pasted draft)")),
        ...r.reforms.map((x) => h("option", { value: x.reformId }, `${x.reformId} ${x.name}（${x.regimeId}，${x.effectiveDate} ${t("起", "on")}）`)));
      if (r.reforms.length) draft.value = r.reforms[0].reformId;
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  }

  async function run(): Promise<void> {
    status.replaceChildren(h("p", { class: "note" }, t("测算中…", "Running…")));
    try {
      const r = await loans.simulateReform(create(SimulateReformRequestSchema, {
        reformId: draft.value, reformText: draft.value ? "" : text.value,
        window: { startDate: from.value.trim(), endDate: to.value.trim() }, paidClaims: paid.checked,
        book: { bankIds: bank.value.trim() ? bank.value.split(",").map((b) => b.trim()).filter((b) => b) : [] },
      }));
      last = r;
      downloadButton.removeAttribute("disabled");
      status.replaceChildren();
      show(r);
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  }

  function show(r: SimulateReformResponse): void {
    const total = r.total;
    summary.replaceChildren(h("p", { id: "p-total" }, t(
      `${r.reformName}：${r.loans} 笔贷款，现行政策贴息 ${yuan(total?.inForceFen ?? 0n)} 元，草案 ${yuan(total?.draftFen ?? 0n)} 元，差额 ${signedYuan(total?.differenceFen ?? 0n)} 元；资格变化 ${r.changedCount} 笔`,
      `${r.reformName}: ${r.loans} loans, ${yuan(total?.inForceFen ?? 0n)} yuan in force, ${yuan(total?.draftFen ?? 0n)} under the draft, difference ${signedYuan(total?.differenceFen ?? 0n)}; ${r.changedCount} change eligibility`)),
    r.paidClaims ? h("p", { id: "p-claimed", class: "note" }, t(`已拨付申报金额 ${yuan(total?.claimedFen ?? 0n)} 元`, `Paid claims: ${yuan(total?.claimedFen ?? 0n)} yuan`)) : "",
    r.failedCount > 0n ? h("p", { class: "error" }, t(`${r.failedCount} 笔贷款无法测算（见下载明细）`, `${r.failedCount} loans could not be computed (see the detail)`)) : "");
    for (const c of charts) c.dispose();
    const quarters = r.quarters.map((q) => q.period?.startDate ?? "");
    const banks = r.breakdown.filter((b) => b.dimension === "BANK");
    const bankNames = [...new Set(banks.map((b) => b.value))];
    const bankDifference = bankNames.map((name) => banks.filter((b) => b.value === name).reduce((s, b) => s + (b.figures?.differenceFen ?? 0n), 0n));
    const bar = (names: string[], series: { name: string; data: number[] }[]) => ({
      animation: false, tooltip: { trigger: "axis", confine: true }, legend: { top: 0 },
      grid: { left: 10, right: 30, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: names }, yAxis: { type: "value", name: t("万元", "10k yuan") },
      series: series.map((s) => ({ type: "bar", ...s })),
    });
    const qc = chart(quarterChart);
    qc.setOption(bar(quarters, [
      { name: t("现行政策", "In force"), data: r.quarters.map((q) => wanLength(q.figures?.inForceFen ?? 0n)) },
      { name: t("草案", "Draft"), data: r.quarters.map((q) => wanLength(q.figures?.draftFen ?? 0n)) },
      { name: t("差额", "Difference"), data: r.quarters.map((q) => wanLength(q.figures?.differenceFen ?? 0n)) },
    ]));
    const bc = chart(bankChart);
    bc.setOption(bar(bankNames, [{ name: t("差额", "Difference"), data: bankDifference.map((d) => wanLength(d)) }]));
    charts = [qc, bc];
    const cells = (f: WhatIfFigures | undefined) => [yuan(f?.inForceFen ?? 0n), yuan(f?.draftFen ?? 0n), signedYuan(f?.differenceFen ?? 0n), f?.loans ?? 0n];
    figures.replaceChildren(table([
      { text: t("维度", "By") }, { text: t("项目", "Item") }, { text: t("结算期", "Period") }, { text: t("现行政策（元）", "In force"), num: true },
      { text: t("草案（元）", "Draft"), num: true }, { text: t("差额（元）", "Difference"), num: true }, { text: t("笔数", "Loans"), num: true },
    ], [
      ...r.quarters.map((q) => row([t("合计", "Total"), "", `${q.period?.startDate} … ${q.period?.endDate}`, ...cells(q.figures)],
        { "data-quarter": q.period?.startDate ?? "" }, [3, 4, 5, 6])),
      ...r.breakdown.map((b) => row([t(...(DIMENSIONS[b.dimension] ?? [b.dimension, b.dimension])), valueText(b.dimension, b.value),
        `${b.period?.startDate} … ${b.period?.endDate}`, ...cells(b.figures)], {}, [3, 4, 5, 6])),
    ]));
    changed.replaceChildren(r.changed.length ? table([
      { text: t("银行", "Bank") }, { text: t("贷款编号", "Loan") }, { text: t("现行政策", "In force") }, { text: t("草案", "Draft") },
      { text: t("差额（元）", "Difference"), num: true }, { text: t("原因", "Why") },
    ], r.changed.map((c) => row([c.bankId, c.loanId, c.eligibleInForce ? t("享受", "eligible") : t("不享受", "not eligible"),
      c.eligibleDraft ? t("享受", "eligible") : t("不享受", "not eligible"), signedYuan(c.differenceFen),
      [...c.reasonsInForce, ...c.reasonsDraft].map((x) => x.message).join("；")], { "data-loan": c.loanId }, [4], [5])))
      : h("p", { class: "note" }, t("没有资格发生变化的贷款", "No loan changes eligibility")));
  }

  void loadDrafts();
}

// The detail as CSV: every quarter and breakdown row in exact 分, then the loans whose eligibility changes.
function detailCsv(r: SimulateReformResponse): string {
  const lines = [[t("维度", "dimension"), t("项目", "value"), t("结算期起", "period_start"), t("结算期止", "period_end"), t("现行政策（分）", "in_force_fen"),
    t("草案（分）", "draft_fen"), t("差额（分）", "difference_fen"), t("已申报（分）", "claimed_fen"), t("笔数", "loans")].join(",")];
  const add = (dimension: string, value: string, p: { startDate: string; endDate: string } | undefined, f: WhatIfFigures | undefined) =>
    lines.push([dimension, csvCell(value), p?.startDate ?? "", p?.endDate ?? "", f?.inForceFen ?? 0n, f?.draftFen ?? 0n, f?.differenceFen ?? 0n,
      f?.claimedFen ?? 0n, f?.loans ?? 0n].join(","));
  for (const q of r.quarters) add("TOTAL", "", q.period, q.figures);
  for (const b of r.breakdown) add(b.dimension, b.value, b.period, b.figures);
  lines.push("", [t("银行", "bank_id"), t("贷款编号", "loan_id"), t("现行政策享受", "eligible_in_force"), t("草案享受", "eligible_draft"), t("差额（分）", "difference_fen")].join(","));
  for (const c of r.changed) lines.push([csvCell(c.bankId), csvCell(c.loanId), c.eligibleInForce, c.eligibleDraft, c.differenceFen].join(","));
  return "\ufeff" + lines.join("\r\n") + "\r\n";
}
