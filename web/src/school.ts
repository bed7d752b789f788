// 学校经费: one school's spending order (central direct funds first), balances by source, progress
// and its ledger (by date as the server sends it: each line's signed movement and the running
// balance after it, in all and by source), reversals shown as such.
import { create } from "@bufbuild/protobuf";
import {
  EducationFundService, FundSource, GetFundPriorityRequestSchema, GetSpendingProgressRequestSchema,
  ListSchoolLedgerRequestSchema, type SchoolLedgerEntry,
} from "gen/subsidy/v1/education_pb.js";
import { chart } from "./charts.js";
import { client, errorBox, h, Pager, pct, row, signedYuan, t, table, wanYuan, yuan } from "./ui.js";

const education = client(EducationFundService);

export function sourceText(s: FundSource): string {
  switch (s) {
    case FundSource.CENTRAL_DIRECT: return t("中央直达资金", "Central direct funds");
    case FundSource.MUNICIPAL: return t("市级资金", "Municipal funds");
    case FundSource.DISTRICT: return t("区级资金", "District funds");
    case FundSource.COUNTY: return t("县级资金", "County funds");
    case FundSource.PROVINCIAL: return t("省级资金", "Provincial funds");
    default: return "—";
  }
}
function kindText(e: SchoolLedgerEntry): string {
  switch (e.kind) {
    case "ALLOCATION": return t("拨入", "Allocation");
    case "EXPENDITURE": return t("支出", "Expenditure");
    case "REVERSAL": return t(`冲销 ${e.reverses}`, `Reversal of ${e.reverses}`);
    default: return e.kind;
  }
}

export function schoolPage(root: HTMLElement, initialSchool: string): void {
  const school = h("input", { id: "s-school", value: initialSchool, placeholder: "SCH-001" });
  const go = h("button", { id: "s-apply", onclick: () => { pager.reset(); void load(); } }, t("查询", "Show"));
  const summary = h("div", { id: "s-summary" });
  const chartBox = h("div", { class: "chart small", id: "s-chart" });
  const ledgerBox = h("div", { id: "s-ledger" });
  const pager = new Pager(() => void loadLedger());
  root.append(
    h("section", {}, h("h2", {}, t("学校经费", "School funds")),
      h("div", { class: "filters" }, h("label", {}, t("学校编号", "School id"), school), go), summary, chartBox),
    h("section", {}, h("h2", {}, t("经费明细账", "Ledger")), ledgerBox));
  const c = chart(chartBox);

  async function load(): Promise<void> {
    const id = school.value.trim();
    if (!id) return;
    try {
      const [priority, progress] = await Promise.all([
        education.getFundPriority(create(GetFundPriorityRequestSchema, { schoolId: id })),
        education.getSpendingProgress(create(GetSpendingProgressRequestSchema, { schoolId: id })),
      ]);
      summary.replaceChildren(
        h("p", {}, t("总体支出进度 ", "Spending progress "), h("span", { class: "big", id: "s-progress" }, pct(progress.progressPercent)),
          t(`（已支出 ${yuan(progress.spentFen)} 元 / 已拨入 ${yuan(progress.allocatedFen)} 元）`,
            ` (spent ${yuan(progress.spentFen)} of ${yuan(progress.allocatedFen)} yuan)`)),
        h("h3", {}, t("支出顺序（先用中央直达资金）", "Spending order (central direct funds first)")),
        h("ol", { class: "order", id: "s-order" }, ...priority.funds.map((f) =>
          h("li", {}, sourceText(f.source), t(`：余额 ${yuan(f.balanceFen)} 元（拨入 ${yuan(f.allocatedFen)}，支出 ${yuan(f.spentFen)}）`,
            `: balance ${yuan(f.balanceFen)} yuan (allocated ${yuan(f.allocatedFen)}, spent ${yuan(f.spentFen)})`)))),
        table([{ text: t("来源", "Source") }, { text: t("拨入（元）", "Allocated"), num: true }, { text: t("支出（元）", "Spent"), num: true }, { text: t("进度", "Progress"), num: true }],
          progress.sources.map((s) => row([sourceText(s.source), yuan(s.allocatedFen), yuan(s.spentFen), pct(s.progressPercent)], {}, [1, 2, 3]))));
      // Balances by source as a stacked bar: spent and what remains, in 万元.
      const names = priority.funds.map((f) => sourceText(f.source));
      c.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: [t("已支出（万元）", "Spent (10k yuan)"), t("余额（万元）", "Balance (10k yuan)")] },
        grid: { left: 10, right: 30, top: 40, bottom: 30, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: names, inverse: true },  // top to bottom in spending order
        series: [
          { name: t("已支出（万元）", "Spent (10k yuan)"), type: "bar", stack: "s", itemStyle: { color: "#8b1a1a" }, data: priority.funds.map((f) => Number(wanYuan(f.spentFen).replaceAll(",", ""))) },
          { name: t("余额（万元）", "Balance (10k yuan)"), type: "bar", stack: "s", itemStyle: { color: "#90a4ae" }, data: priority.funds.map((f) => Number(wanYuan(f.balanceFen).replaceAll(",", ""))) },
        ],
      }, true);
      await loadLedger();
    } catch (err) {
      c.clear();
      summary.replaceChildren(errorBox(err));
      ledgerBox.replaceChildren();
    }
  }

  async function loadLedger(): Promise<void> {
    try {
      const r = await education.listSchoolLedger(create(ListSchoolLedgerRequestSchema, { schoolId: school.value.trim(), pageSize: 50, pageToken: pager.current }));
      pager.next = r.nextPageToken;
      // In the server's order (date, then recording order): the balances are as of each line.
      ledgerBox.replaceChildren(
        table([{ text: t("日期", "Date") }, { text: t("编号", "Entry") }, { text: t("类型", "Kind") }, { text: t("来源/科目", "Source / category") },
          { text: t("收支（元）", "In / out (yuan)"), num: true }, { text: t("余额（元）", "Balance (yuan)"), num: true }, { text: t("各来源余额（元）", "Balance by source (yuan)") }],
          r.entries.map((e) => row([e.date, e.entryId, kindText(e), e.kind === "ALLOCATION" ? sourceText(e.source) : e.category,
            h("span", { class: e.signedAmountFen < 0n ? "out" : "in" }, signedYuan(e.signedAmountFen)), yuan(e.balanceFen),
            h("span", { class: "by-source" }, e.balances.map((b) => `${sourceText(b.source)} ${yuan(b.amountFen)}`).join(t("；", "; ")))],
            { "data-entry": e.entryId, ...(e.kind === "REVERSAL" ? { class: "reversal" } : {}) }, [4, 5]))),
        h("p", { class: "note" }, t("收支：拨入、冲销为正，支出为负；余额为该笔入账后的结余（按日期排列）。",
          "In / out: allocations and reversals in (+), expenditures out (−); the balance is after each line (by date).")),
        pager.view());
    } catch (err) {
      ledgerBox.replaceChildren(errorBox(err));
    }
  }
  void load();
}
