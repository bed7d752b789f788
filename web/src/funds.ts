// 资金执行: each fund's allocation and execution progress against time progress (序时进度), what is
// applied for and not yet approved (已申请未审核), the totals, the alerts in words, CSV export; a
// fund's ledger (every entry with the figures after it, by 业务追溯识别码) with 冲销; 分配下达 and
// 支付 (fund_actions.ts); the fund's 绩效目标 (performance targets: indicators entered, progress
// recorded against them); each fund's 绩效目标录入率 and 到人到户率 as the server ranks them. Paged
// on the server.
import { create } from "@bufbuild/protobuf";
import {
  FundEntry_Kind, FundService, Fund_Level, Fund_Purpose, FundAlert_Kind, GetExecutionReportRequestSchema, GetFundTargetsRequestSchema,
  ListFundAlertsRequestSchema, ListFundEntriesRequestSchema, Pace, PerformanceTarget_Kind, RecordTargetProgressRequestSchema,
  ReportGrouping, SetFundTargetsRequestSchema, type ExecutionReport, type ExecutionRow, type FundAlert, type FundEntry, type FundTargets,
  type PerformanceTarget,
} from "gen/subsidy/v1/fund_pb.js";
import { chart, PACE_COLOURS, PENDING_COLOUR, UNRATED_COLOUR } from "./charts.js";
import { fundActions, reverseEntry, reversible } from "./fund_actions.js";
import {
  alertKindText, categoryName, expenditureCategories, holdReasonText, policyName, rewardPolicies, targetKindText, timeBasisText,
  stepByText,
} from "./names.js";
import type { RewardPolicy } from "gen/subsidy/v1/reward_pb.js";
import {
  barLength, client, csvCell, dateInput, download, errorBox, h, lang, may, Pager, parseYuan, pct, row, t, table, today, wanFigure, when, yuan,
} from "./ui.js";

const funds = client(FundService);
const PAGE = 20;

const PURPOSES: [Fund_Purpose, string, string][] = [
  [Fund_Purpose.PURPOSE_UNSPECIFIED, "全部用途", "All purposes"],
  [Fund_Purpose.LOAN_INTEREST_SUBSIDY, "贷款贴息", "Loan interest subsidy"],
  [Fund_Purpose.EDUCATION, "义务教育", "Education"],
  [Fund_Purpose.ENTERPRISE_REWARD, "企业奖补", "Enterprise rewards"],
  [Fund_Purpose.OTHER, "其他", "Other"],
];
const LEVELS: [Fund_Level, string, string][] = [
  [Fund_Level.LEVEL_UNSPECIFIED, "全部级次", "All levels"],
  [Fund_Level.CENTRAL_DIRECT, "中央直达", "Central direct"],
  [Fund_Level.PROVINCIAL, "省级", "Provincial"],
  [Fund_Level.MUNICIPAL, "市级", "Municipal"],
  [Fund_Level.DISTRICT, "区级", "District"],
  [Fund_Level.COUNTY, "县级", "County"],
];
export function paceText(p: Pace): string {
  switch (p) {
    case Pace.AHEAD: return t("正常", "On pace");
    case Pace.BEHIND: return t("滞后", "Behind");
    case Pace.LAGGING: return t("严重滞后", "Lagging");
    default: return "—";
  }
}
// An alert's sentence in the console's language, from the figures the server's message carries
// (its wording: server/services/fund_report.cc); a message of another shape is shown as it is.
function alertText(a: FundAlert, policies: Map<string, RewardPolicy>): string {
  const amount = (s: string) => { const fen = parseYuan(s, true); return fen === null ? s : yuan(fen); };
  let m: RegExpExecArray | null;
  switch (a.kind) {
    case FundAlert_Kind.EXECUTION_LAGGING:
      if ((m = /^execution ([\d.]+) % against time progress ([\d.]+) % \(tolerance ([\d.]+) points\)$/.exec(a.message))) {
        return t(`执行进度 ${m[1]}%，序时进度 ${m[2]}%，落后超过容差 ${m[3]} 个百分点`, `execution ${m[1]}% against time progress ${m[2]}% (tolerance ${m[3]} points)`);
      }
      break;
    case FundAlert_Kind.TARGET_SHARE_MISSED:
      if ((m = /^target share ([\d.]+) % is below the minimum of ([\d.]+) %$/.exec(a.message))) {
        return t(`倾斜比例 ${m[1]}%，低于最低要求 ${m[2]}%`, `target share ${m[1]}% is below the minimum of ${m[2]}%`);
      }
      break;
    case FundAlert_Kind.OVERDUE_PAYOUT:
      if ((m = /^(-?[\d.]+) 元 to (\S+) under (\S+) was due on (\S+)$/.exec(a.message))) {
        return t(`应于 ${m[4]} 兑现给 ${m[2]} 的 ${amount(m[1])} 元（${policyName(policies, m[3])}）已逾期`,
          `${amount(m[1])} yuan to ${m[2]} under ${policyName(policies, m[3])} was due on ${m[4]}`);
      }
      break;
    case FundAlert_Kind.PAYOUT_HELD:
      if ((m = /^(-?[\d.]+) 元 to (\S+) under (\S+) held by the disbursement run: (\S+)$/.exec(a.message))) {
        return t(`兑现给 ${m[2]} 的 ${amount(m[1])} 元（${policyName(policies, m[3])}）被兑现批次暂缓：${holdReasonText(m[4])}`,
          `${amount(m[1])} yuan to ${m[2]} under ${policyName(policies, m[3])} held by the disbursement run: ${holdReasonText(m[4])}`);
      }
      break;
    case FundAlert_Kind.IDLE_ALLOCATION:
      if ((m = /^(-?[\d.]+) 元 allocated to (\S+) unpaid, no movement for more than (\d+) days$/.exec(a.message))) {
        return t(`分配给 ${m[2]} 的 ${amount(m[1])} 元尚未支付，已超过 ${m[3]} 天没有资金变动`,
          `${amount(m[1])} yuan allocated to ${m[2]} unpaid, no movement for more than ${m[3]} days`);
      }
      break;
  }
  return a.message;
}
function entryKindText(e: FundEntry): string {
  switch (e.kind) {
    case FundEntry_Kind.BUDGET: return t("预算下达", "Budget");
    case FundEntry_Kind.ADJUSTMENT: return t("预算调整", "Adjustment");
    case FundEntry_Kind.ALLOCATION: return t("分配下达", "Allocation");
    case FundEntry_Kind.PAYMENT: return t("支付", "Payment");
    case FundEntry_Kind.REVERSAL: return t(`冲销 ${e.reversesEntryId}`, `Reversal of ${e.reversesEntryId}`);
    default: return "—";
  }
}
// What is pending as a bar's length beside the progress bars, in points of the budget: for drawing
// only (the figure shown is the server's pending_fen in 元, in the tooltip and the table).
// Nothing pending draws no bar ("-": ECharts' empty value), not a zero-width one with its dashed border.
function pendingLength(r: ExecutionRow): number | "-" {
  if (r.pendingFen === 0n) return "-";
  return r.budgetFen > 0n ? Number((r.pendingFen * 10000n) / r.budgetFen) / 100 : 0;
}
function select<T extends number>(id: string, options: [T, string, string][]): HTMLSelectElement {
  return h("select", { id }, ...options.map(([v, zh, en]) => h("option", { value: String(v) }, t(zh, en))));
}

export function fundsPage(root: HTMLElement): void {
  const asOf = dateInput("f-asof", today());
  const year = h("input", { type: "number", id: "f-year", min: "2000", max: "2100", placeholder: t("全部", "all") });
  const purpose = select("f-purpose", PURPOSES);
  const level = select("f-level", LEVELS);
  const region = h("input", { id: "f-region", placeholder: "110106", size: "8" });
  const apply = h("button", { id: "f-apply", onclick: () => { reportPager.reset(); alertPager.reset(); load(); } }, t("查询", "Apply"));
  const exportButton = h("button", { id: "f-export", onclick: () => void exportCsv() }, t("导出 CSV", "Export CSV"));
  const chartBox = h("div", { class: "chart", id: "f-chart" });
  const reportBox = h("div", { id: "f-report" });
  const alertsBox = h("div", { id: "f-alerts" });
  // A fund's ledger, opened from the report.
  const ledgerTitle = h("h2", { id: "f-ledger-title" });
  const tracking = h("input", { id: "f-tracking", placeholder: t("业务追溯识别码", "tracking id"), size: "20" });
  const ledgerBox = h("div", { id: "f-ledger" });
  const ledgerNotice = h("div", { id: "f-ledger-notice", "aria-live": "polite" });
  const ledgerSection = h("section", { id: "f-ledger-section", hidden: true }, ledgerTitle,
    h("div", { class: "filters" }, h("label", {}, t("业务追溯识别码", "Tracking id"), tracking),
      h("button", { id: "f-tracking-apply", onclick: () => { ledgerPager.reset(); void loadLedger(); } }, t("筛选", "Filter")),
      h("button", { id: "f-tracking-clear", onclick: () => { tracking.value = ""; ledgerPager.reset(); void loadLedger(); } }, t("全部", "All"))),
    ledgerNotice, ledgerBox);
  const ledgerPager = new Pager(() => void loadLedger());
  let ledgerFund = "";
  const reportPager = new Pager(() => void loadReport());
  const alertPager = new Pager(() => void loadAlerts());
  const actions = fundActions(() => { load(); void loadLedger(); });
  const targets = fundTargets(() => void loadReport());
  root.append(
    h("section", {}, h("h2", {}, t("资金执行（对照序时进度）", "Fund execution against time progress")),
      h("div", { class: "filters" },
        h("label", {}, t("截至日期", "As of"), asOf), h("label", {}, t("预算年度", "Budget year"), year),
        h("label", {}, t("用途", "Purpose"), purpose), h("label", {}, t("级次", "Level"), level),
        h("label", {}, t("区划代码前缀", "Region prefix"), region), apply, exportButton),
      chartBox, reportBox),
    ledgerSection,
    ...(targets ? [targets.element] : []),
    ...(actions ? [actions.element] : []),
    h("section", {}, h("h2", {}, t("预警", "Alerts")), alertsBox));
  const c = chart(chartBox);

  const filters = () => ({
    asOf: asOf.value, budgetYear: Number(year.value) || 0, purpose: Number(purpose.value) as Fund_Purpose,
    level: Number(level.value) as Fund_Level, regionPrefix: region.value.trim(),
  });

  function draw(rows: ExecutionRow[]): void {
    const names = rows.map((r) => r.name || r.key);
    // The tooltip as text nodes, the server's figures: percentages and the pending amount in 元.
    const tip = (params: unknown): HTMLElement => {
      const i = (Array.isArray(params) ? params[0] : params)?.dataIndex ?? 0;
      const r = rows[i];
      if (!r) return h("div");
      return h("div", { class: "tip" }, h("strong", {}, r.name || r.key),
        h("div", {}, t(`分配进度 ${pct(r.allocationProgressPercent)}`, `Allocation ${pct(r.allocationProgressPercent)}`)),
        h("div", {}, t(`执行进度 ${pct(r.executionProgressPercent)}`, `Execution ${pct(r.executionProgressPercent)}`)),
        h("div", {}, t(`序时进度 ${pct(r.timeProgressPercent)}`, `Time progress ${pct(r.timeProgressPercent)}`)),
        h("div", {}, t(`已申请未审核 ${yuan(r.pendingFen)} 元`, `Pending approval ${yuan(r.pendingFen)} yuan`)),
        h("div", {}, t(`绩效目标录入率 ${pct(r.targetEntryPercent)}`, `Targets entered ${pct(r.targetEntryPercent)}`)),
        h("div", {}, t(`到人到户率 ${pct(r.beneficiaryRecordedPercent)}`, `Paid to named beneficiaries ${pct(r.beneficiaryRecordedPercent)}`)));
    };
    // The paces the legend explains (a fund without one, e.g. no budget, only when there is one).
    const execution = [Pace.AHEAD, Pace.BEHIND, Pace.LAGGING, Pace.PACE_UNSPECIFIED]
      .filter((p) => p !== Pace.PACE_UNSPECIFIED || rows.some((r) => r.pace === p))
      .map((p) => ({ pace: p, colour: PACE_COLOURS[Pace[p]] ?? UNRATED_COLOUR,
        name: p === Pace.PACE_UNSPECIFIED ? t("执行进度（未评定）", "Execution (unrated)") : t(`执行进度（${paceText(p)}）`, `Execution (${paceText(p)})`) }));
    c.setOption({
      animation: false, // drawn at once: a screenshot shows the chart, not a frame of it
      tooltip: { trigger: "axis", formatter: tip, confine: true },  // inside the chart, however narrow the window
      // One legend item per series, each in its series' colour; one line (scrolling when narrow),
      // so that it never runs into the plot.
      legend: { type: "scroll", top: 0, data: [t("分配进度", "Allocation"), ...execution.map((x) => x.name), t("已申请未审核", "Pending approval"), t("序时进度", "Time progress")] },
      grid: { left: 10, right: 30, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names, inverse: true },
      series: [
        { name: t("分配进度", "Allocation"), type: "bar", data: rows.map((r) => barLength(r.allocationProgressPercent)), itemStyle: { color: "#90a4ae" } },
        // Execution as one series per pace, stacked so that each fund still has one execution bar:
        // the bar's colour is its pace, and the legend names each colour.
        ...execution.map((x) => ({ name: x.name, type: "bar" as const, stack: "execution", itemStyle: { color: x.colour },
          data: rows.map((r) => (r.pace === x.pace ? barLength(r.executionProgressPercent) : "-")) })),
        { name: t("已申请未审核", "Pending approval"), type: "bar", itemStyle: { color: PENDING_COLOUR, borderColor: "#e65100", borderType: "dashed" },
          data: rows.map((r) => pendingLength(r)),
          // The amount beside its bar (drawn on the canvas), however short the bar.
          label: { show: true, position: "right", color: "#e65100",
            formatter: (p: { dataIndex: number }) => (rows[p.dataIndex]?.pendingFen ? t(`已申请未审核 ${yuan(rows[p.dataIndex].pendingFen)} 元`, `pending approval ${yuan(rows[p.dataIndex].pendingFen)} yuan`) : "") } },
        { name: t("序时进度", "Time progress"), type: "scatter", symbol: "rect", symbolSize: [3, 22], itemStyle: { color: "#000" },
          data: rows.map((r) => barLength(r.timeProgressPercent)) },
      ],
    }, true);
  }

  function reportRow(r: ExecutionRow, total = false): HTMLTableRowElement {
    // A fund's id opens its ledger.
    const key = !total && r.fundId && may(FundService.method.listFundEntries)
      ? h("a", { href: "#", class: "fund-link", onclick: (e: Event) => { e.preventDefault(); openLedger(r.fundId, r.name); } }, r.key) : r.key;
    return row([
      total ? t("合计", "Total") : key, total ? "" : r.name, total ? "" : (r.budgetYear || ""), yuan(r.budgetFen), yuan(r.allocatedFen), yuan(r.paidFen),
      r.pendingFen ? h("span", { class: "pending" }, yuan(r.pendingFen)) : yuan(r.pendingFen),
      pct(r.allocationProgressPercent), pct(r.executionProgressPercent), pct(r.timeProgressPercent),
      h("span", { class: `pace-${Pace[r.pace]}` }, paceText(r.pace)),
      h("span", { class: "target-entry" }, pct(r.targetEntryPercent)), h("span", { class: "beneficiary-recorded" }, pct(r.beneficiaryRecordedPercent)),
    ], total ? { class: "total" } : { "data-fund": r.fundId }, [3, 4, 5, 6, 7, 8, 9, 11, 12], [1]);
  }
  const headers = () => [
    { text: t("资金", "Fund") }, { text: t("名称", "Name") }, { text: t("年度", "Year") },
    { text: t("预算（元）", "Budget (yuan)"), num: true }, { text: t("已分配（元）", "Allocated (yuan)"), num: true },
    { text: t("已支付（元）", "Paid (yuan)"), num: true }, { text: t("已申请未审核（元）", "Pending approval (yuan)"), num: true },
    { text: t("分配进度", "Allocation"), num: true },
    { text: t("执行进度", "Execution"), num: true }, { text: t("序时进度", "Time progress"), num: true }, { text: t("进度", "Pace") },
    // The seed's two ranked figures: budget whose 绩效目标 are entered; of what was paid, the share
    // paid on lines naming the beneficiary (到人到户).
    { text: t("绩效目标录入率", "Targets entered"), num: true }, { text: t("到人到户率", "Paid to named beneficiaries"), num: true },
  ];

  async function fetchReport(pageToken: string, pageSize: number): Promise<ExecutionReport> {
    return funds.getExecutionReport(create(GetExecutionReportRequestSchema, {
      ...filters(), groupBy: ReportGrouping.FUND, pageSize, pageToken,
    }));
  }

  async function loadReport(): Promise<void> {
    reportBox.replaceChildren(h("p", { class: "note" }, t("加载中…", "Loading…")));
    try {
      const r = await fetchReport(reportPager.current, PAGE);
      reportPager.next = r.nextPageToken;
      draw(r.rows);
      const total = r.total;
      reportBox.replaceChildren(
        // The headline in 万元, as officers read budgets; the table below is exact to the 分.
        // Each figure to two decimals of 万元, its exact 元 in its tooltip.
        total ? h("p", { id: "f-headline" }, ...(lang() === "zh"
          ? ["预算合计 ", wanFigure(total.budgetFen), " 万元，已分配 ", wanFigure(total.allocatedFen), " 万元，已支付 ", wanFigure(total.paidFen),
            " 万元，已申请未审核 ", wanFigure(total.pendingFen), ` 万元，执行进度 ${pct(total.executionProgressPercent)}（序时进度 ${pct(total.timeProgressPercent)}）`]
          : ["Budget ", wanFigure(total.budgetFen), ", allocated ", wanFigure(total.allocatedFen), ", paid ", wanFigure(total.paidFen),
            ", pending approval ", wanFigure(total.pendingFen), ` (10k yuan); execution ${pct(total.executionProgressPercent)} against time progress ${pct(total.timeProgressPercent)}`])) : "",
        table(headers(), [...r.rows.map((x) => reportRow(x)), ...(total ? [reportRow(total, true)] : [])]),
        reportPager.view(t(`（共 ${r.rowCount} 项）`, ` (${r.rowCount} funds)`)),
        h("p", { class: "note" }, t(`截至 ${r.asOf}，序时进度${timeBasisText(r.timeBasis)}计算，容差 ${r.tolerancePoints} 个百分点；已申请未审核为当前待复核的金额，不计入已分配、已支付；万元数保留两位小数，指向数字可见精确到分的元数`,
          `As of ${r.asOf}, time progress ${timeBasisText(r.timeBasis)}, tolerance ${r.tolerancePoints} points; pending approval is what awaits a second officer now, not in allocated or paid; 10k-yuan figures to two decimals, the exact yuan in their tooltips`)));
      reportBox.dataset.loaded = "true";
    } catch (err) {
      c.clear();
      reportBox.replaceChildren(errorBox(err));
    }
  }

  async function loadAlerts(): Promise<void> {
    try {
      const [r, policies] = await Promise.all([
        funds.listFundAlerts(create(ListFundAlertsRequestSchema, { ...filters(), pageSize: PAGE, pageToken: alertPager.current })),
        rewardPolicies()]);
      alertPager.next = r.nextPageToken;
      alertsBox.replaceChildren(
        r.alerts.length === 0 ? h("p", { class: "note" }, t("无预警", "No alerts")) :
          table([{ text: t("类型", "Kind") }, { text: t("资金", "Fund") }, { text: t("对象", "Subject") }, { text: t("起始", "Since") }, { text: t("说明", "Message") }],
            r.alerts.map((a) => row([alertKindText(a.kind), a.fundId, a.subjectId, a.since, alertText(a, policies)], {}, [], [4]))),
        alertPager.view(t(`（共 ${r.alertCount} 条）`, ` (${r.alertCount} alerts)`)));
    } catch (err) {
      alertsBox.replaceChildren(errorBox(err));
    }
  }

  function openLedger(fundId: string, name: string): void {
    ledgerFund = fundId;
    actions?.fund(fundId);
    targets?.open(fundId, name);
    ledgerNotice.replaceChildren();
    tracking.value = "";
    ledgerPager.reset();
    ledgerTitle.textContent = t(`资金明细账：${fundId} ${name}`, `Ledger of ${fundId} ${name}`);
    ledgerSection.hidden = false;
    void loadLedger().then(() => ledgerSection.scrollIntoView({ block: "start" }));
  }

  async function loadLedger(): Promise<void> {
    if (!ledgerFund) return;
    delete ledgerBox.dataset.loaded;
    try {
      const [r, categories] = await Promise.all([funds.listFundEntries(create(ListFundEntriesRequestSchema, {
        fundId: ledgerFund, trackingId: tracking.value.trim(), pageSize: 50, pageToken: ledgerPager.current,
      })), expenditureCategories()]);
      const reverse = (e: FundEntry) => reversible(e) ? h("button", { class: "reverse", onclick: async () => {
        const said = await reverseEntry(e, entryKindText(e));
        if (!said) return;  // cancelled: nothing was sent
        ledgerNotice.replaceChildren(said);
        load();
        await loadLedger();
      } }, t("冲销", "Reverse")) : "";
      ledgerPager.next = r.nextPageToken;
      // A tracking id filters the ledger to that money's road.
      const track = (id: string) => id ? h("a", { href: "#", class: "tracking", onclick: (e: Event) => {
        e.preventDefault(); tracking.value = id; ledgerPager.reset(); void loadLedger();
      } }, id) : "—";
      ledgerBox.replaceChildren(
        r.entries.length === 0 ? h("p", { class: "note" }, t("没有符合条件的分录", "No entries")) :
          table([
            { text: t("日期", "Date") }, { text: t("分录", "Entry") }, { text: t("类型", "Kind") }, { text: t("金额（元）", "Amount (yuan)"), num: true },
            { text: t("收款对象", "Recipient") }, { text: t("业务追溯识别码", "Tracking id") }, { text: t("经办人", "Maker") }, { text: t("复核人", "Checker") },
            { text: t("预算（元）", "Budget after"), num: true }, { text: t("已分配（元）", "Allocated after"), num: true },
            { text: t("已支付（元）", "Paid after"), num: true }, { text: t("被冲销", "Reversed by") }, { text: t("文号/说明", "Document / note") }, { text: "" },
          ], r.entries.map((e) => row([
            e.date, h("span", { title: when(e.recordedAt) }, e.entryId), entryKindText(e), yuan(e.amountFen), e.recipientId || "—", track(e.trackingId),
            stepByText(e.maker), stepByText(e.checker), yuan(e.budgetFen), yuan(e.allocatedFen), yuan(e.paidFen),
            e.reversedByEntryId ? h("span", { class: "reversed" }, e.reversedByEntryId) : "",
            [e.documentNo, e.reason, e.payee, categoryName(categories, e.category)].filter((x) => x).join(" · "), reverse(e),
          ], { "data-entry": e.entryId, ...(e.kind === FundEntry_Kind.REVERSAL ? { class: "reversal" } : {}) }, [3, 8, 9, 10], [12]))),
        h("p", { class: "note" }, t("预算、已分配、已支付为该分录入账后的资金累计数。", "Budget, allocated and paid are the fund's figures after the entry.")),
        ledgerPager.view());
      ledgerBox.dataset.loaded = "true";
    } catch (err) {
      ledgerBox.replaceChildren(errorBox(err));
    }
  }

  // Every row, page by page, as CSV (figures exactly as the server gave them).
  async function exportCsv(): Promise<void> {
    const lines = ["fund_id,name,budget_year,budget_yuan,allocated_yuan,paid_yuan,allocation_percent,execution_percent,time_progress_percent,pace,pending_yuan,target_entry_percent,beneficiary_recorded_percent"];
    const line = (r: ExecutionRow) => [r.fundId || r.key, r.name, String(r.budgetYear || ""), yuan(r.budgetFen).replaceAll(",", ""),
      yuan(r.allocatedFen).replaceAll(",", ""), yuan(r.paidFen).replaceAll(",", ""), r.allocationProgressPercent,
      r.executionProgressPercent, r.timeProgressPercent, Pace[r.pace], yuan(r.pendingFen).replaceAll(",", ""),
      r.targetEntryPercent, r.beneficiaryRecordedPercent].map(csvCell).join(",");
    try {
      let token = "";
      let total: ExecutionRow | undefined;
      do {
        const r = await fetchReport(token, 1000);
        r.rows.forEach((x) => lines.push(line(x)));
        total = r.total;
        token = r.nextPageToken;
      } while (token);
      if (total) lines.push(line({ ...total, key: "TOTAL", fundId: "TOTAL", name: t("合计", "Total") }));
      download(`fund-execution-${asOf.value}.csv`, lines.join("\r\n") + "\r\n");
    } catch (err) {
      reportBox.prepend(errorBox(err));
    }
  }

  function load(): void { void loadReport(); void loadAlerts(); }
  load();
}

// ---- 绩效目标 ------------------------------------------------------------------------------------
const TARGET_KINDS = [PerformanceTarget_Kind.OUTPUT, PerformanceTarget_Kind.OUTCOME];

// The performance targets of the fund whose ledger is open: each indicator with its target and its
// latest progress. Finance enters indicators (SetFundTargets; one entered is never changed) and
// records progress against one (RecordTargetProgress), each form only for a caller whose role may.
// `done()` reloads the report (its 绩效目标录入率). Null for a caller who may not read targets.
function fundTargets(done: () => void): { element: HTMLElement; open: (fundId: string, name: string) => void } | null {
  if (!may(FundService.method.getFundTargets)) return null;
  const maySet = may(FundService.method.setFundTargets);
  const mayRecord = may(FundService.method.recordTargetProgress);
  const title = h("h2", { id: "f-targets-title" });
  const box = h("div", { id: "f-targets" });
  const notice = h("div", { id: "ft-notice", "aria-live": "polite" });
  const date = dateInput("ft-date", today());
  const id = h("input", { id: "ft-id", size: "10", placeholder: t("如 OUT-1", "e.g. OUT-1") });
  const kind = h("select", { id: "ft-kind" }, ...TARGET_KINDS.map((k) => h("option", { value: String(k) }, targetKindText(k))));
  const name = h("input", { id: "ft-name", size: "18", placeholder: t("如 受益学生人数", "e.g. pupils reached") });
  const unit = h("input", { id: "ft-unit", size: "6", placeholder: t("人、户、%", "people, %") });
  const value = h("input", { id: "ft-value", size: "10", inputmode: "decimal", placeholder: "1200" });
  const add = h("button", { id: "ft-add", class: "primary" }, t("录入指标", "Enter the indicator"));
  const label = (text: string, el: HTMLElement) => h("label", {}, text, el);
  let fund = "";
  const element = h("section", { id: "f-targets-section", hidden: true }, title,
    h("p", { class: "note" }, t("绩效目标按指标录入（产出指标、效益指标），录入后不能修改；完成进度按日期登记，表中为最新一次。",
      "Targets are entered indicator by indicator (outputs, outcomes) and never changed; progress is recorded by date, the latest shown.")),
    notice, box,
    // One date for both forms: an indicator's entry and a progress value's.
    maySet ? h("div", { class: "filters", id: "ft-form" }, h("strong", {}, t("新增指标", "New indicator")),
      label(t("指标编号", "Indicator id"), id), label(t("指标类型", "Kind"), kind), label(t("指标名称", "Name"), name),
      label(t("计量单位", "Unit"), unit), label(t("目标值", "Target"), value), label(t("日期（录入、登记进度）", "Date (entry, progress)"), date), add)
      : mayRecord && h("div", { class: "filters" }, label(t("登记日期", "Date"), date)));
  add.addEventListener("click", () => {
    const target = value.value.trim();
    if (!id.value.trim() || !name.value.trim()) { notice.replaceChildren(refused(t("请填写指标编号和名称", "Give the indicator an id and a name"))); return; }
    if (!/^\d+(\.\d+)?$/.test(target)) { notice.replaceChildren(refused(t("目标值须为数字，例如 1200 或 95.5", "The target is a number, e.g. 1200 or 95.5"))); value.focus(); return; }
    add.disabled = true;
    void send(async () => {
      const r = await funds.setFundTargets(create(SetFundTargetsRequestSchema, {
        requestId: crypto.randomUUID(), fundId: fund, date: date.value.trim(),
        targets: [{ indicatorId: id.value.trim(), kind: Number(kind.value) as PerformanceTarget_Kind, name: name.value.trim(), unit: unit.value.trim(), targetValue: target }],
      }));
      const said = t(`已录入指标 ${id.value.trim()}：${name.value.trim()}，目标值 ${target}${unit.value.trim()}`,
        `Indicator ${id.value.trim()} entered: ${name.value.trim()}, target ${target} ${unit.value.trim()}`);
      for (const input of [id, name, unit, value]) input.value = "";
      return { r, said };
    }).finally(() => { add.disabled = false; });
  });

  function refused(text: string): HTMLElement { return h("p", { class: "error", role: "alert" }, text); }
  // A call that answers the targets as they now are: shown, said, and the report reloaded.
  async function send(call: () => Promise<{ r: FundTargets; said: string }>): Promise<void> {
    try {
      const { r, said } = await call();
      show(r);
      notice.replaceChildren(h("p", { class: "done", id: "ft-done" }, said));
      done();
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    }
  }

  function progressCell(x: PerformanceTarget): HTMLElement {
    const input = h("input", { class: "t-progress", size: "8", inputmode: "decimal", "aria-label": t(`${x.name} 完成值`, `${x.name} progress`) });
    const button = h("button", { class: "t-record" }, t("登记进度", "Record"));
    button.addEventListener("click", () => {
      const v = input.value.trim();
      if (!/^\d+(\.\d+)?$/.test(v)) { notice.replaceChildren(refused(t("完成值须为数字，例如 300 或 87.5", "The progress is a number, e.g. 300 or 87.5"))); input.focus(); return; }
      button.disabled = true;
      void send(async () => ({
        r: await funds.recordTargetProgress(create(RecordTargetProgressRequestSchema, {
          requestId: crypto.randomUUID(), fundId: fund, indicatorId: x.indicatorId, value: v, date: date.value.trim(),
        })),
        said: t(`已登记 ${x.name} 的完成值 ${v}${x.unit}（${date.value.trim()}）`, `Recorded ${v} ${x.unit} for ${x.name} (${date.value.trim()})`),
      })).finally(() => { button.disabled = false; });
    });
    return h("span", {}, input, " ", button);
  }

  function show(r: FundTargets): void {
    box.replaceChildren(
      h("p", { id: "ft-entered" }, r.enteredOn ? t(`绩效目标录入于 ${r.enteredOn}`, `Targets entered on ${r.enteredOn}`)
        : t("尚未录入绩效目标", "No performance targets entered")),
      r.targets.length === 0 ? "" : table([
        { text: t("指标编号", "Indicator") }, { text: t("类型", "Kind") }, { text: t("名称", "Name") }, { text: t("单位", "Unit") },
        { text: t("目标值", "Target"), num: true }, { text: t("最新完成值", "Latest progress"), num: true }, { text: t("登记日期", "Recorded on") },
        { text: t("录入人", "Entered by") }, { text: t("录入日期", "Entered on") }, ...(mayRecord ? [{ text: t("登记完成值", "Record progress") }] : []),
      ], r.targets.map((x) => row([
        x.indicatorId, targetKindText(x.kind), x.name, x.unit || "—", x.targetValue, x.progressValue || "—", x.progressDate || "—",
        stepByText(x.enteredBy), x.enteredOn || "—", ...(mayRecord ? [progressCell(x)] : []),
      ], { "data-indicator": x.indicatorId }, [4, 5], [2]))));
    box.dataset.fund = fund;
    box.dataset.loaded = "true";
  }

  async function load(): Promise<void> {
    const asked = fund;
    delete box.dataset.loaded;
    try {
      const r = await funds.getFundTargets(create(GetFundTargetsRequestSchema, { fundId: asked }));
      if (asked === fund) show(r);
    } catch (err) {
      if (asked === fund) box.replaceChildren(errorBox(err));
    }
  }

  return {
    element,
    open: (fundId: string, fundName: string) => {
      fund = fundId;
      notice.replaceChildren();
      title.textContent = t(`绩效目标：${fundId} ${fundName}`, `Performance targets of ${fundId} ${fundName}`);
      element.hidden = false;
      void load();
    },
  };
}
