// 资金执行: each fund's allocation and execution progress against time progress (序时进度), the
// totals, the alerts, CSV export. Paged on the server: a page of rows at a time.
import { create } from "@bufbuild/protobuf";
import {
  FundService, Fund_Level, Fund_Purpose, FundAlert_Kind, GetExecutionReportRequestSchema,
  ListFundAlertsRequestSchema, Pace, ReportGrouping, type ExecutionReport, type ExecutionRow,
} from "gen/subsidy/v1/fund_pb.js";
import { chart, PACE_COLOURS } from "./charts.js";
import { barLength, client, csvCell, dateInput, download, errorBox, h, Pager, pct, row, t, table, today, wanYuan, yuan } from "./ui.js";

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
function kindText(k: FundAlert_Kind): string {
  switch (k) {
    case FundAlert_Kind.EXECUTION_LAGGING: return t("执行滞后", "Execution lagging");
    case FundAlert_Kind.IDLE_ALLOCATION: return t("资金闲置", "Idle allocation");
    case FundAlert_Kind.OVERDUE_PAYOUT: return t("兑现逾期", "Overdue payout");
    case FundAlert_Kind.TARGET_SHARE_MISSED: return t("倾斜比例未达标", "Target share missed");
    default: return "—";
  }
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
  const reportPager = new Pager(() => void loadReport());
  const alertPager = new Pager(() => void loadAlerts());
  root.append(
    h("section", {}, h("h2", {}, t("资金执行（对照序时进度）", "Fund execution against time progress")),
      h("div", { class: "filters" },
        h("label", {}, t("截至日期", "As of"), asOf), h("label", {}, t("预算年度", "Budget year"), year),
        h("label", {}, t("用途", "Purpose"), purpose), h("label", {}, t("级次", "Level"), level),
        h("label", {}, t("区划代码前缀", "Region prefix"), region), apply, exportButton),
      chartBox, reportBox),
    h("section", {}, h("h2", {}, t("预警", "Alerts")), alertsBox));
  const c = chart(chartBox);

  const filters = () => ({
    asOf: asOf.value, budgetYear: Number(year.value) || 0, purpose: Number(purpose.value) as Fund_Purpose,
    level: Number(level.value) as Fund_Level, regionPrefix: region.value.trim(),
  });

  function draw(rows: ExecutionRow[]): void {
    const names = rows.map((r) => r.name || r.key);
    c.setOption({
      animation: false, // drawn at once: a screenshot shows the chart, not a frame of it
      tooltip: { trigger: "axis" },
      legend: { data: [t("分配进度", "Allocation"), t("执行进度", "Execution"), t("序时进度", "Time progress")] },
      grid: { left: 10, right: 30, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names, inverse: true },
      series: [
        { name: t("分配进度", "Allocation"), type: "bar", data: rows.map((r) => barLength(r.allocationProgressPercent)), itemStyle: { color: "#90a4ae" } },
        { name: t("执行进度", "Execution"), type: "bar",
          data: rows.map((r) => ({ value: barLength(r.executionProgressPercent), itemStyle: { color: PACE_COLOURS[Pace[r.pace]] ?? "#607d8b" } })) },
        { name: t("序时进度", "Time progress"), type: "scatter", symbol: "rect", symbolSize: [3, 22], itemStyle: { color: "#000" },
          data: rows.map((r) => barLength(r.timeProgressPercent)) },
      ],
    }, true);
  }

  function reportRow(r: ExecutionRow, total = false): HTMLTableRowElement {
    return row([
      total ? t("合计", "Total") : r.key, total ? "" : r.name, total ? "" : (r.budgetYear || ""), yuan(r.budgetFen), yuan(r.allocatedFen), yuan(r.paidFen),
      pct(r.allocationProgressPercent), pct(r.executionProgressPercent), pct(r.timeProgressPercent),
      h("span", { class: `pace-${Pace[r.pace]}` }, paceText(r.pace)),
    ], total ? { class: "total" } : { "data-fund": r.fundId }, [3, 4, 5, 6, 7, 8]);
  }
  const headers = () => [
    { text: t("资金", "Fund") }, { text: t("名称", "Name") }, { text: t("年度", "Year") },
    { text: t("预算（元）", "Budget (yuan)"), num: true }, { text: t("已分配（元）", "Allocated (yuan)"), num: true },
    { text: t("已支付（元）", "Paid (yuan)"), num: true }, { text: t("分配进度", "Allocation"), num: true },
    { text: t("执行进度", "Execution"), num: true }, { text: t("序时进度", "Time progress"), num: true }, { text: t("进度", "Pace") },
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
        total ? h("p", { id: "f-headline" }, t(
          `预算合计 ${wanYuan(total.budgetFen)} 万元，已分配 ${wanYuan(total.allocatedFen)} 万元，已支付 ${wanYuan(total.paidFen)} 万元，执行进度 ${pct(total.executionProgressPercent)}（序时进度 ${pct(total.timeProgressPercent)}）`,
          `Budget ${wanYuan(total.budgetFen)}, allocated ${wanYuan(total.allocatedFen)}, paid ${wanYuan(total.paidFen)} (10k yuan); execution ${pct(total.executionProgressPercent)} against time progress ${pct(total.timeProgressPercent)}`)) : "",
        table(headers(), [...r.rows.map((x) => reportRow(x)), ...(total ? [reportRow(total, true)] : [])]),
        reportPager.view(t(`（共 ${r.rowCount} 项）`, ` (${r.rowCount} funds)`)),
        h("p", { class: "note" }, t(`截至 ${r.asOf}，时间口径 ${r.timeBasis}，容差 ${r.tolerancePoints} 个百分点`,
          `As of ${r.asOf}, time basis ${r.timeBasis}, tolerance ${r.tolerancePoints} points`)));
      reportBox.dataset.loaded = "true";
    } catch (err) {
      c.clear();
      reportBox.replaceChildren(errorBox(err));
    }
  }

  async function loadAlerts(): Promise<void> {
    try {
      const r = await funds.listFundAlerts(create(ListFundAlertsRequestSchema, { ...filters(), pageSize: PAGE, pageToken: alertPager.current }));
      alertPager.next = r.nextPageToken;
      alertsBox.replaceChildren(
        r.alerts.length === 0 ? h("p", { class: "note" }, t("无预警", "No alerts")) :
          table([{ text: t("类型", "Kind") }, { text: t("资金", "Fund") }, { text: t("对象", "Subject") }, { text: t("起始", "Since") }, { text: t("说明", "Message") }],
            r.alerts.map((a) => row([kindText(a.kind), a.fundId, a.subjectId, a.since, a.message]))),
        alertPager.view(t(`（共 ${r.alertCount} 条）`, ` (${r.alertCount} alerts)`)));
    } catch (err) {
      alertsBox.replaceChildren(errorBox(err));
    }
  }

  // Every row, page by page, as CSV (figures exactly as the server gave them).
  async function exportCsv(): Promise<void> {
    const lines = ["fund_id,name,budget_year,budget_yuan,allocated_yuan,paid_yuan,allocation_percent,execution_percent,time_progress_percent,pace"];
    const line = (r: ExecutionRow) => [r.fundId || r.key, r.name, String(r.budgetYear || ""), yuan(r.budgetFen).replaceAll(",", ""),
      yuan(r.allocatedFen).replaceAll(",", ""), yuan(r.paidFen).replaceAll(",", ""), r.allocationProgressPercent,
      r.executionProgressPercent, r.timeProgressPercent, Pace[r.pace]].map(csvCell).join(",");
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
