// 学校经费: one school's spending order (central direct funds first), balances by source, progress
// and its ledger in date order, then recording order (each line's signed movement as subsidyctl edu
// ledger prints it: allocations and reversals +, expenditures −; the running balance after it, in
// all and by source), reversals shown as such. The school's own office records an expenditure
// (RecordExpenditure: a category by its name, an amount in 元, a date) and reverses one
// (ReverseExpenditure, with its reason), each behind a confirmation. The inquiries finance sent about
// the school's alerts, and the school's own office answering them (alerts.ts: unitInquiries).
import { create } from "@bufbuild/protobuf";
import {
  EducationFundService, FundSource, GetFundPriorityRequestSchema, GetSpendingProgressRequestSchema,
  ListSchoolLedgerRequestSchema, RecordExpenditureRequestSchema, ReverseExpenditureRequestSchema,
  type ExpenditureCategory, type FundPosition, type SchoolLedgerEntry,
} from "gen/subsidy/v1/education_pb.js";
import { unitInquiries } from "./alerts.js";
import { chart } from "./charts.js";
import { categoryName, expenditureCategories } from "./names.js";
import {
  client, confirmDialog, dateInput, errorBox, h, may, Pager, parseYuan, pct, row, signedYuan, t, table, today, wanLength, wanYuan, yuan,
} from "./ui.js";

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
    default: return "—";
  }
}
// A line's movement with its sign, as `subsidyctl edu ledger` prints it: the server's
// signed_amount_fen; from a server without it, the amount with a minus for an expenditure.
function movement(e: SchoolLedgerEntry): string {
  if (e.signedAmountFen === 0n && e.balances.length === 0) return (e.kind === "EXPENDITURE" ? "-" : "") + yuan(e.amountFen);
  return signedYuan(e.signedAmountFen);
}
function outgoing(e: SchoolLedgerEntry): boolean { return e.signedAmountFen < 0n || (e.signedAmountFen === 0n && e.kind === "EXPENDITURE"); }

export function schoolPage(root: HTMLElement, initialSchool: string): void {
  const school = h("input", { id: "s-school", value: initialSchool, placeholder: "SCH-001" });
  const go = h("button", { id: "s-apply", onclick: () => { pager.reset(); void load(); inquiries?.load(); } }, t("查询", "Show"));
  // The inquiries addressed to the school (those who may read alert cases).
  const inquiries = unitInquiries(() => school.value, t("请输入学校编号", "Enter a school id"));
  const summary = h("div", { id: "s-summary" });
  const chartBox = h("div", { class: "chart small", id: "s-chart" });
  const ledgerBox = h("div", { id: "s-ledger" });
  const notice = h("div", { id: "s-notice", "aria-live": "polite" });
  const pager = new Pager(() => void loadLedger());
  // Recording an expenditure: the school's own office only (the role decides).
  const mayRecord = may(EducationFundService.method.recordExpenditure);
  const mayReverse = may(EducationFundService.method.reverseExpenditure);
  const category = h("select", { id: "s-category" });
  const amount = h("input", { id: "s-amount", placeholder: "0.00", size: "14", inputmode: "decimal" });
  const date = dateInput("s-date", today());
  const spend = h("button", { id: "s-spend", class: "primary", onclick: () => void record() }, t("登记支出", "Record"));
  root.append(
    h("section", {}, h("h2", {}, t("学校经费", "School funds")),
      h("div", { class: "filters" }, h("label", {}, t("学校编号", "School id"), school), go), summary, chartBox),
    ...(mayRecord ? [h("section", { id: "s-spending" }, h("h2", {}, t("登记支出", "Record an expenditure")),
      h("div", { class: "filters" }, h("label", {}, t("支出科目", "Category"), category), h("label", {}, t("金额（元）", "Amount (yuan)"), amount),
        h("label", {}, t("支出日期", "Date"), date), spend),
      h("p", { class: "note" }, t("按支出顺序从各来源经费中支出（先用中央直达资金）；负面清单内的科目不能支出。",
        "Paid from the sources in spending order (central direct funds first); categories on the negative list cannot be paid.")))] : []),
    ...(inquiries ? [inquiries.element] : []),
    h("section", {}, h("h2", {}, t("经费明细账", "Ledger")), notice, ledgerBox));
  const c = chart(chartBox);
  let categories = new Map<string, ExpenditureCategory>();
  const named = expenditureCategories().then((m) => {
    categories = m;
    // By its name from the data; what the negative list forbids is not offered.
    category.replaceChildren(...[...m.values()].filter((x) => !x.forbidden).map((x) => h("option", { value: x.code }, x.name)));
  });

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
      drawBalances(priority.funds);
      await loadLedger();
    } catch (err) {
      c.clear();
      summary.replaceChildren(errorBox(err));
      ledgerBox.replaceChildren();
    }
  }

  // Balances by source as a stacked bar: spent and what remains, in 万元 (the tooltip: to two
  // decimals of 万元 and exact in 元).
  function drawBalances(funds: FundPosition[]): void {
    const spentName = t("已支出（万元）", "Spent (10k yuan)");
    const balanceName = t("余额（万元）", "Balance (10k yuan)");
    const tip = (params: unknown): HTMLElement => {
      const f = funds[(Array.isArray(params) ? params[0] : params)?.dataIndex ?? 0];
      if (!f) return h("div");
      return h("div", { class: "tip" }, h("strong", {}, sourceText(f.source)),
        h("div", {}, t(`已支出 ${wanYuan(f.spentFen)} 万元（${yuan(f.spentFen)} 元）`, `Spent ${wanYuan(f.spentFen)} (10k yuan), ${yuan(f.spentFen)} yuan`)),
        h("div", {}, t(`余额 ${wanYuan(f.balanceFen)} 万元（${yuan(f.balanceFen)} 元）`, `Balance ${wanYuan(f.balanceFen)} (10k yuan), ${yuan(f.balanceFen)} yuan`)));
    };
    c.setOption({
      animation: false,
      tooltip: { trigger: "axis", formatter: tip, confine: true },  // inside the chart, however narrow the window
      legend: { data: [spentName, balanceName] },
      grid: { left: 10, right: 30, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: funds.map((f) => sourceText(f.source)), inverse: true },  // top to bottom in spending order
      series: [
        { name: spentName, type: "bar", stack: "s", itemStyle: { color: "#8b1a1a" }, data: funds.map((f) => wanLength(f.spentFen)) },
        { name: balanceName, type: "bar", stack: "s", itemStyle: { color: "#90a4ae" }, data: funds.map((f) => wanLength(f.balanceFen)) },
      ],
    }, true);
  }

  async function loadLedger(): Promise<void> {
    try {
      const [r] = await Promise.all([
        education.listSchoolLedger(create(ListSchoolLedgerRequestSchema, { schoolId: school.value.trim(), pageSize: 50, pageToken: pager.current })),
        named]);
      pager.next = r.nextPageToken;
      const reversed = new Set(r.entries.filter((e) => e.kind === "REVERSAL").map((e) => e.reverses));
      const reverse = (e: SchoolLedgerEntry) => mayReverse && e.kind === "EXPENDITURE" && !reversed.has(e.entryId)
        ? h("button", { class: "reverse", onclick: () => void reverseExpenditure(e) }, t("冲销", "Reverse")) : "";
      // In the server's order (date, then recording order): the balances are as of each line.
      ledgerBox.replaceChildren(
        table([{ text: t("日期", "Date") }, { text: t("编号", "Entry") }, { text: t("类型", "Kind") }, { text: t("来源/科目", "Source / category") },
          { text: t("收支（元）", "In / out (yuan)"), num: true }, { text: t("余额（元）", "Balance (yuan)"), num: true }, { text: t("各来源余额（元）", "Balance by source (yuan)") },
          { text: "" }],
          r.entries.map((e) => row([e.date, e.entryId, kindText(e), e.kind === "ALLOCATION" ? sourceText(e.source) : categoryName(categories, e.category),
            h("span", { class: outgoing(e) ? "out" : "in" }, movement(e)), e.balances.length ? yuan(e.balanceFen) : "—",
            h("span", { class: "by-source" }, e.balances.map((b) => `${sourceText(b.source)} ${yuan(b.amountFen)}`).join(t("；", "; "))),
            reverse(e)],
            { "data-entry": e.entryId, "data-kind": e.kind, ...(e.kind === "REVERSAL" ? { class: "reversal" } : {}) }, [4, 5], [3, 6]))),
        h("p", { class: "note" }, t("收支：拨入、冲销为正，支出为负（与命令行工具一致）；余额为该笔入账后的结余，按日期、同日按入账先后排列。",
          "In / out: allocations and reversals in (+), expenditures out (−), as subsidyctl edu ledger prints them; the balance is after each line, by date, then recording order.")),
        pager.view());
      ledgerBox.dataset.loaded = "true";
    } catch (err) {
      ledgerBox.replaceChildren(errorBox(err));
    }
  }

  async function record(): Promise<void> {
    const id = school.value.trim();
    const fen = parseYuan(amount.value);
    if (fen === null || fen <= 0n) {
      notice.replaceChildren(h("p", { class: "error", role: "alert" }, t("金额须为大于零的元数，最多两位小数，例如 1,234.56", "The amount is yuan above zero with at most two decimals, e.g. 1,234.56")));
      amount.focus();
      return;
    }
    const code = category.value;
    const name = categoryName(categories, code);
    const ok = await confirmDialog({
      title: t("确认登记支出？", "Record this expenditure?"),
      lines: [
        t(`学校 ${id}，支出科目：${name}`, `School ${id}, category: ${name}`),
        t(`金额 ${yuan(fen)} 元，支出日期 ${date.value.trim()}`, `Amount ${yuan(fen)} yuan on ${date.value.trim()}`),
        t("确认后按支出顺序从各来源经费中支出（先用中央直达资金），记入经费明细账；登记后不能修改，只能冲销。",
          "It is paid from the sources in spending order (central direct funds first) and entered in the ledger; it cannot be edited afterwards, only reversed."),
      ],
      confirm: t("登记支出", "Record"),
    });
    if (ok === null) return;  // cancelled: nothing was sent
    spend.disabled = true;
    try {
      const e = await education.recordExpenditure(create(RecordExpenditureRequestSchema, {
        requestId: crypto.randomUUID(), schoolId: id, category: code, amountFen: fen, date: date.value.trim(),
      }));
      notice.replaceChildren(h("p", { class: "done", id: "s-done" }, t(
        `已登记支出 ${e.expenditureId}：${name} ${yuan(e.amountFen)} 元（${e.draws.map((d) => `${sourceText(d.source)} ${yuan(d.amountFen)} 元`).join("，")}）`,
        `Recorded ${e.expenditureId}: ${name} ${yuan(e.amountFen)} yuan (${e.draws.map((d) => `${sourceText(d.source)} ${yuan(d.amountFen)}`).join(", ")})`)));
      amount.value = "";
      await load();
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    } finally {
      spend.disabled = false;
    }
  }

  async function reverseExpenditure(e: SchoolLedgerEntry): Promise<void> {
    const on = today();
    const reason = await confirmDialog({
      title: t("确认冲销该笔支出？", "Reverse this expenditure?"),
      lines: [
        t(`学校 ${school.value.trim()}，${e.entryId}：${categoryName(categories, e.category)} ${yuan(e.amountFen)} 元，支出日期 ${e.date}`,
          `School ${school.value.trim()}, ${e.entryId}: ${categoryName(categories, e.category)} ${yuan(e.amountFen)} yuan of ${e.date}`),
        t(`冲销日期 ${on}：${yuan(e.amountFen)} 元退回原来源经费，相应的资金支付一并冲销；原支出记录保留，另记一笔冲销。`,
          `Reversed on ${on}: ${yuan(e.amountFen)} yuan goes back to its sources and the fund payments are reversed; the expenditure stays, a reversal is added.`),
      ],
      confirm: t("冲销", "Reverse"),
      reason: t("冲销原因（必填）", "Reason (required)"),
    });
    if (reason === null) return;  // cancelled: nothing was sent
    try {
      const r = await education.reverseExpenditure(create(ReverseExpenditureRequestSchema, {
        requestId: crypto.randomUUID(), expenditureId: e.entryId, date: on, reason,
      }));
      notice.replaceChildren(h("p", { class: "done", id: "s-done" }, t(`已冲销 ${e.entryId}：冲销编号 ${r.expenditureId}，退回 ${yuan(r.amountFen)} 元`,
        `Reversed ${e.entryId}: reversal ${r.expenditureId}, ${yuan(r.amountFen)} yuan back`)));
      await load();
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    }
  }
  void load();
  inquiries?.load();
}
