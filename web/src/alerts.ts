// 预警处置: dynamic monitoring's alerts handled as cases (AlertCase): 问询 (finance asks the unit) →
// 核实 (the unit's response) → 认定 (normal, or a violation of a type) → 整改 (the rectification and
// its correcting entry) → closed, every step kept. The counts by severity and by state are the
// server's tallies for the filters; the cases filtered by state, severity, fund and kind, paged; a
// case's timeline; 刷新 sweeps today's alerts into cases; today's alerts, each with its alert_id,
// offered for an inquiry. Each form only to the callers whose role may make its RPC (GetCaller), so
// the auditor reads and changes nothing. Schools and banks answer the inquiries addressed to them on
// their own pages (unitInquiries, below).
import { create } from "@bufbuild/protobuf";
import {
  AlertCase_Finding, AlertCase_RectifyAction, AlertCase_State, AlertCase_ViolationType, FundAlert_Kind, FundService,
  GetAlertCaseRequestSchema, InquireAlertRequestSchema, ListAlertCasesRequestSchema, ListFundAlertsRequestSchema,
  MonitoringRule_Severity, RectifyAlertRequestSchema, RespondToInquiryRequestSchema, RuleOnAlertRequestSchema,
  SweepAlertCasesRequestSchema,
  type AlertCase, type AlertTally, type FundAlert, type ListAlertCasesResponse,
} from "gen/subsidy/v1/fund_pb.js";
import {
  ALERT_KINDS, alertKindText, CASE_STATES, caseStateText, closedReasonText, findingText, RECTIFY_ACTIONS, rectifyActionText,
  SEVERITIES, SEVERITY_COLOURS, severityText, stepByText, VIOLATION_TYPES, violationTypeText,
} from "./names.js";
import { client, errorBox, h, may, myBanks, mySchools, Pager, row, t, table, today, when } from "./ui.js";

const funds = client(FundService);
const PAGE = 20;

// ---- Shared words and pieces ---------------------------------------------------------------------
// Styles set through the DOM (the console's CSP admits no style attribute written as markup).
function styled<E extends HTMLElement>(el: E, style: Partial<CSSStyleDeclaration>): E { Object.assign(el.style, style); return el; }
function note(id: string, text: string): HTMLElement { return h("p", { class: "note", id }, text); }
function refusal(text: string): HTMLElement { return h("p", { class: "error", role: "alert" }, text); }

// A severity as a badge in its colour.
export function severityBadge(s: MonitoringRule_Severity): HTMLElement {
  const name = MonitoringRule_Severity[s] ?? "";
  const badge = h("span", { class: `severity severity-${name}` }, severityText(s));
  const colour = SEVERITY_COLOURS[name];
  return colour ? styled(badge, { background: colour, color: name === "YELLOW" ? "#222" : "#fff", borderRadius: "3px", padding: "0 .4rem" }) : badge;
}
// Who answers a case's inquiry: the school or bank it concerns, else the finance bureau.
function unitText(unit: string): string { return unit || t("财政部门", "Finance bureau"); }
// Whether the caller may answer the case's inquiry: its role may (RespondToInquiry), and the case is
// addressed to its own school or bank (GetCaller's scope) or to no unit (the finance bureau answers).
function mayAnswer(c: AlertCase): boolean {
  if (!may(FundService.method.respondToInquiry)) return false;
  return c.subjectUnit ? mySchools().includes(c.subjectUnit) || myBanks().includes(c.subjectUnit) : true;
}
// The states in which finance may ask (again): until the case is ruled on.
const ASKABLE = [AlertCase_State.OPEN, AlertCase_State.INQUIRED, AlertCase_State.RESPONDED];
// What finance asked, newest last (the inquiry steps' texts).
function questions(c: AlertCase): string[] {
  return c.history.filter((s) => s.state === AlertCase_State.INQUIRED && s.text).map((s) => s.text);
}
function stateSpan(s: AlertCase_State): HTMLElement {
  return h("span", { class: `case-state case-state-${AlertCase_State[s] ?? ""}` }, caseStateText(s));
}
// A button that stays disabled while its call runs.
function busy(button: HTMLButtonElement, run: () => Promise<void>): void {
  button.disabled = true;
  void run().finally(() => { button.disabled = false; });
}
function select<V extends number>(id: string, all: string | null, values: V[], text: (v: V) => string): HTMLSelectElement {
  return h("select", { id }, ...(all === null ? [] : [h("option", { value: "0" }, all)]),
    ...values.map((v) => h("option", { value: String(v) }, text(v))));
}

// A count by severity or by state from the server's tallies (AlertTally: by kind, severity and state
// together, summed here over the others). A tally that names only the one dimension is already its
// total: when the server sends such tallies, only those are read.
function tallyBy(tallies: AlertTally[], dim: "severity" | "state"): Map<number, number> {
  const others = (x: AlertTally) => (dim === "severity" ? [x.kind, x.state] : [x.kind, x.severity]);
  const totals = tallies.filter((x) => x[dim] !== 0 && others(x).every((v) => v === 0));
  const out = new Map<number, number>();
  for (const x of totals.length > 0 ? totals : tallies.filter((x) => x[dim] !== 0)) out.set(x[dim], (out.get(x[dim]) ?? 0) + x.count);
  return out;
}
// A table as wide as its figures need (the counts side by side, not spread over the page).
function compact(wrap: HTMLElement): HTMLElement {
  const inner = wrap.querySelector("table");
  if (inner) styled(inner, { width: "auto", minWidth: "40%", marginBottom: ".5rem" });
  return wrap;
}
function talliesView(r: ListAlertCasesResponse): HTMLElement[] {
  const bySeverity = tallyBy(r.tallies, "severity");
  const byState = tallyBy(r.tallies, "state");
  const count = (id: string, n: number | undefined) => h("span", { id }, String(n ?? 0));
  return [
    h("p", {}, t("符合条件的预警案件共 ", "Cases matching the filters: "), h("strong", { id: "ac-count" }, String(r.caseCount)), t(" 件", "")),
    compact(table([{ text: t("预警等级", "Severity") }, ...SEVERITIES.map((s) => ({ text: severityText(s), num: true }))],
      [row([t("案件数", "Cases"), ...SEVERITIES.map((s) => count(`tally-severity-${MonitoringRule_Severity[s]}`, bySeverity.get(s)))],
        { id: "tally-severity" }, [1, 2, 3, 4])])),
    compact(table([{ text: t("处置状态", "State") }, ...CASE_STATES.map((s) => ({ text: caseStateText(s), num: true }))],
      [row([t("案件数", "Cases"), ...CASE_STATES.map((s) => count(`tally-state-${AlertCase_State[s]}`, byState.get(s)))],
        { id: "tally-state" }, [1, 2, 3, 4, 5, 6, 7])])),
  ];
}

// A case's facts.
function caseFacts(c: AlertCase): HTMLElement {
  const facts: [string, string, string | HTMLElement][] = [
    ["case", t("案件编号", "Case"), c.caseId],
    ["alert", t("预警编号", "Alert"), c.alertId || "—"],
    ["rule", t("监控规则", "Rule"), c.ruleId || "—"],
    ["severity", t("预警等级", "Severity"), severityBadge(c.severity)],
    ["kind", t("预警类型", "Kind"), alertKindText(c.kind)],
    ["fund", t("资金", "Fund"), c.fundId || "—"],
    ["subject", t("对象", "Subject"), c.subjectId || "—"],
    ["unit", t("问询对象", "Answered by"), unitText(c.subjectUnit)],
    ["since", t("预警起始日", "Since"), c.since || "—"],
    ["opened", t("立案日", "Opened on"), c.openedOn || "—"],
    ["state", t("处置状态", "State"), stateSpan(c.state)],
    ...(c.violationType ? [["violation", t("违规类型", "Violation"), violationTypeText(c.violationType)] as [string, string, string]] : []),
    ...(c.closedReason ? [["closed", t("关闭原因", "Why closed"), closedReasonText(c.closedReason)] as [string, string, string]] : []),
    ["message", t("预警说明", "Alert"), c.message || "—"],
  ];
  return h("div", { id: "ac-facts" }, table([{ text: t("项目", "Item") }, { text: t("内容", "Value") }],
    facts.map(([name, label, value]) => row([label, value], { "data-fact": name }, [], [1]))));
}
// Every step of the case, oldest first: when, who, the state it moved to, what was said (a closing
// step's reason in words), and the finding, violation type, rectification and correcting entry
// where the step has them.
function timeline(c: AlertCase): HTMLElement {
  return h("div", { id: "ac-timeline" }, c.history.length === 0 ? note("ac-timeline-none", t("尚无处置记录", "No steps yet")) : table([
    { text: t("时间", "When") }, { text: t("经办", "By") }, { text: t("状态", "State") }, { text: t("内容", "Text") },
    { text: t("认定", "Finding") }, { text: t("违规类型", "Violation") }, { text: t("整改方式", "Rectification") }, { text: t("关联分录", "Entry") },
  ], c.history.map((s, i) => row([
    h("span", { title: s.at }, when(s.at)), stepByText(s.by), caseStateText(s.state),
    (s.state === AlertCase_State.CLOSED ? closedReasonText(s.text) : s.text) || "—",
    findingText(s.finding) || "—", violationTypeText(s.violationType) || "—", rectifyActionText(s.rectifyAction) || "—", s.entryId || "—",
  ], { "data-step": String(i), "data-state": AlertCase_State[s.state] ?? "" }, [], [3]))));
}

// The response to an inquiry (核实): its questions, the answer, sent by `send`.
function respondForm(prefix: string, c: AlertCase, send: (text: string) => Promise<void>, cancel?: () => void): HTMLElement {
  const text = h("textarea", { id: `${prefix}-response`, rows: "3", cols: "60" });
  const said = h("div", { id: `${prefix}-respond-said` });
  const submit = h("button", { id: `${prefix}-respond-submit`, class: "primary" }, t("提交回复", "Send the response"));
  submit.addEventListener("click", () => {
    if (!text.value.trim()) { said.replaceChildren(refusal(t("请填写回复内容", "Write the response"))); text.focus(); return; }
    said.replaceChildren();
    busy(submit, () => send(text.value.trim()));
  });
  const asked = questions(c);
  return h("div", { class: "case-form", id: `${prefix}-respond-form`, "data-case": c.caseId },
    h("h3", {}, t(`回复问询（案件 ${c.caseId}）`, `Respond to the inquiry (case ${c.caseId})`)),
    h("p", { id: `${prefix}-asked` }, t("问询：", "Asked: "), asked.length ? asked.join(t("；", "; ")) : "—"),
    h("div", { class: "filters" }, h("label", {}, t("情况说明", "Response"), text), submit,
      cancel ? h("button", { id: `${prefix}-respond-cancel`, onclick: cancel }, t("取消", "Cancel")) : ""),
    said);
}

// ---- The page -------------------------------------------------------------------------------------
export function alertsPage(root: HTMLElement, initialCase = ""): void {
  let chosen = initialCase;
  const state = select("ac-state", t("全部状态", "All states"), CASE_STATES, caseStateText);
  const severity = select("ac-severity", t("全部等级", "All severities"), SEVERITIES, severityText);
  const fund = h("input", { id: "ac-fund", placeholder: t("资金编号", "fund id"), size: "16" });
  const kind = select("ac-kind", t("全部类型", "All kinds"), ALERT_KINDS, alertKindText);
  const pager = new Pager(() => void loadCases());
  const mayInquire = may(FundService.method.inquireAlert) && may(FundService.method.listFundAlerts);
  const sweepButton = may(FundService.method.sweepAlertCases)
    ? h("button", { id: "ac-sweep", class: "primary", title: t("按今日预警立案，并关闭预警情形已消除的案件", "Open cases for today's alerts and close those whose cause has gone") }, t("刷新", "Sweep"))
    : null;
  const sweepNotice = h("div", { id: "ac-sweep-notice", "aria-live": "polite" });
  const talliesBox = h("div", { id: "ac-tallies" });
  const listBox = h("div", { id: "ac-list" });
  // A case, opened from the list.
  const caseTitle = h("h2", { id: "ac-case-title" });
  const caseNotice = h("div", { id: "ac-notice", "aria-live": "polite" });
  const caseBox = h("div", { id: "ac-case-box" });
  const caseSection = h("section", { id: "ac-case", hidden: true }, caseTitle, caseNotice, caseBox);
  // Today's alerts, for an inquiry.
  const alertFund = h("input", { id: "aa-fund", placeholder: t("资金编号", "fund id"), size: "16" });
  const alertsBox = h("div", { id: "aa-list" });
  const alertPager = new Pager(() => void loadAlerts());
  const inquiryBox = h("div", { id: "aq-box" });
  const inquiryNotice = h("div", { id: "aq-notice", "aria-live": "polite" });

  root.append(
    h("section", {}, h("h2", {}, t("预警处置", "Alert cases")),
      h("p", { class: "note" }, t("动态监控规则发出的预警逐条立案处置：问询责任单位，单位核实回复，财政部门认定正常或违规，违规的登记整改；预警情形消除后案件自动关闭，每一步都有记录。",
        "Each alert of the monitoring rules becomes a case: the unit is asked, it responds, finance rules it normal or a violation, a violation's rectification is recorded; a case closes once its cause has gone, every step kept.")),
      h("div", { class: "filters" },
        h("label", {}, t("状态", "State"), state), h("label", {}, t("等级", "Severity"), severity),
        h("label", {}, t("资金", "Fund"), fund), h("label", {}, t("类型", "Kind"), kind),
        h("button", { id: "ac-apply", onclick: () => { pager.reset(); void loadCases(); } }, t("查询", "Apply")),
        sweepButton),
      sweepNotice, talliesBox, listBox),
    caseSection,
    ...(mayInquire ? [h("section", { id: "aa-section" }, h("h2", {}, t("今日预警（问询）", "Today's alerts (inquiry)")),
      h("p", { class: "note" }, t("今日各监控规则发出的预警；尚未问询的，可向责任单位发出问询（同时立案）。",
        "Today's alerts of the monitoring rules; one not yet inquired into may be put to its unit (which opens its case).")),
      h("div", { class: "filters" }, h("label", {}, t("资金", "Fund"), alertFund),
        h("button", { id: "aa-apply", onclick: () => { alertPager.reset(); void loadAlerts(); } }, t("查询", "Apply"))),
      inquiryNotice, inquiryBox, alertsBox)] : []));
  sweepButton?.addEventListener("click", () => busy(sweepButton, sweep));

  // ---- Cases ----
  let listed = 0;  // the newest list asked for: an older answer arriving late is dropped
  async function loadCases(): Promise<void> {
    const mine = ++listed;
    delete listBox.dataset.loaded;
    try {
      const r = await funds.listAlertCases(create(ListAlertCasesRequestSchema, {
        state: Number(state.value) as AlertCase_State, severity: Number(severity.value) as MonitoringRule_Severity,
        fundId: fund.value.trim(), kind: Number(kind.value) as FundAlert_Kind, pageSize: PAGE, pageToken: pager.current,
      }));
      if (mine !== listed) return;
      pager.next = r.nextPageToken;
      talliesBox.replaceChildren(...talliesView(r));
      listBox.replaceChildren(
        r.cases.length === 0 ? note("ac-none", t("没有符合条件的预警案件", "No cases match")) : table([
          { text: t("案件", "Case") }, { text: t("等级", "Severity") }, { text: t("类型", "Kind") }, { text: t("资金", "Fund") },
          { text: t("对象", "Subject") }, { text: t("问询对象", "Answered by") }, { text: t("状态", "State") },
          { text: t("预警起始日", "Since") }, { text: t("立案日", "Opened on") }, { text: t("预警说明", "Alert") }, { text: "" },
        ], r.cases.map((c) => row([
          c.caseId, severityBadge(c.severity), alertKindText(c.kind), c.fundId || "—", c.subjectId || "—", unitText(c.subjectUnit),
          stateSpan(c.state), c.since || "—", c.openedOn || "—", c.message || "—",
          h("button", { class: "open", onclick: () => void openCase(c.caseId) }, t("查看", "View")),
        ], {
          "data-case": c.caseId, "data-state": AlertCase_State[c.state] ?? "", "data-kind": FundAlert_Kind[c.kind] ?? "",
          "data-severity": MonitoringRule_Severity[c.severity] ?? "", ...(c.caseId === chosen ? { class: "chosen" } : {}),
        }, [], [9]))),
        pager.view(t(`（共 ${r.caseCount} 件）`, ` (${r.caseCount} cases)`)));
      listBox.dataset.loaded = "true";
    } catch (err) {
      if (mine !== listed) return;
      talliesBox.replaceChildren();
      listBox.replaceChildren(errorBox(err));
    }
  }

  async function sweep(): Promise<void> {
    try {
      const r = await funds.sweepAlertCases(create(SweepAlertCasesRequestSchema, { requestId: crypto.randomUUID() }));
      sweepNotice.replaceChildren(h("p", { class: "done", id: "ac-sweep-done" }, t(
        `已按 ${r.asOf} 的预警刷新：新立案 ${r.opened} 件，关闭 ${r.closed} 件，未关闭的案件共 ${r.openCount} 件`,
        `Swept the alerts of ${r.asOf}: ${r.opened} cases opened, ${r.closed} closed, ${r.openCount} not closed`)));
      pager.reset();
      await Promise.all([loadCases(), loadAlerts(), loadCase()]);
    } catch (err) {
      sweepNotice.replaceChildren(errorBox(err));
    }
  }

  // ---- One case ----
  async function openCase(id: string): Promise<void> {
    chosen = id;
    history.replaceState(null, "", `#alerts/${encodeURIComponent(id)}`);
    for (const tr of listBox.querySelectorAll<HTMLTableRowElement>("tr[data-case]")) tr.classList.toggle("chosen", tr.dataset.case === id);
    caseNotice.replaceChildren();
    await loadCase();
    caseSection.scrollIntoView({ block: "start" });
  }
  async function loadCase(): Promise<void> {
    const asked = chosen;
    if (!asked) return;
    delete caseSection.dataset.loaded;
    try {
      const c = await funds.getAlertCase(create(GetAlertCaseRequestSchema, { caseId: asked }));
      if (asked === chosen) showCase(c);
    } catch (err) {
      if (asked !== chosen) return;
      caseSection.hidden = false;
      caseTitle.textContent = t(`预警案件 ${asked}`, `Case ${asked}`);
      caseBox.replaceChildren(errorBox(err));
    }
  }
  function showCase(c: AlertCase): void {
    caseSection.hidden = false;
    caseTitle.textContent = t(`预警案件 ${c.caseId}`, `Case ${c.caseId}`);
    caseBox.replaceChildren(caseFacts(c), h("h3", {}, t("处置记录", "Timeline")), timeline(c), ...caseForms(c));
    caseSection.dataset.case = c.caseId;
    caseSection.dataset.state = AlertCase_State[c.state] ?? "";
    caseSection.dataset.loaded = "true";
  }
  // What the server answered an action: said, the case as it now is, the lists after it.
  function acted(c: AlertCase, said: string): void {
    caseNotice.replaceChildren(h("p", { class: "done", id: "ac-done" }, said));
    chosen = c.caseId;
    showCase(c);
    void loadCases();
    void loadAlerts();
  }
  async function attempt(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      caseNotice.replaceChildren(errorBox(err));
    }
  }

  // The forms the case's state admits, each for the callers who may make its RPC.
  function caseForms(c: AlertCase): HTMLElement[] {
    const forms: HTMLElement[] = [];
    const undecided = ASKABLE.includes(c.state);
    if (undecided && may(FundService.method.inquireAlert) && c.alertId) forms.push(caseInquiryForm(c));
    if (c.state === AlertCase_State.INQUIRED && mayAnswer(c)) {
      forms.push(respondForm("ac", c, (text) => attempt(async () => {
        const r = await funds.respondToInquiry(create(RespondToInquiryRequestSchema, { requestId: crypto.randomUUID(), caseId: c.caseId, response: text }));
        acted(r, t(`已回复案件 ${r.caseId}，待财政部门认定`, `Responded to case ${r.caseId}; finance rules on it next`));
      })));
    }
    if (undecided && may(FundService.method.ruleOnAlert)) forms.push(ruleForm(c));
    if (c.state === AlertCase_State.RULED_VIOLATION && may(FundService.method.rectifyAlert)) forms.push(rectifyForm(c));
    return forms.length ? [h("div", { id: "ac-forms" }, ...forms)] : [];
  }

  // 问询 on a case not yet ruled on (a further question once asked: 追问).
  function caseInquiryForm(c: AlertCase): HTMLElement {
    const question = h("textarea", { id: "ac-question", rows: "3", cols: "60" });
    const said = h("div", { id: "ac-inquire-said" });
    const submit = h("button", { id: "ac-inquire-submit", class: "primary" }, t("发出问询", "Send the inquiry"));
    submit.addEventListener("click", () => {
      if (!question.value.trim()) { said.replaceChildren(refusal(t("请填写问询内容", "Write the question"))); question.focus(); return; }
      said.replaceChildren();
      busy(submit, () => attempt(async () => {
        const r = await inquire(c.alertId, question.value.trim());
        acted(r, inquiredText(r));
      }));
    });
    return h("div", { class: "case-form", id: "ac-inquire-form" },
      h("h3", {}, c.state === AlertCase_State.OPEN ? t(`问询 ${unitText(c.subjectUnit)}`, `Ask ${unitText(c.subjectUnit)}`)
        : t(`追问 ${unitText(c.subjectUnit)}`, `Ask ${unitText(c.subjectUnit)} again`)),
      h("div", { class: "filters" }, h("label", {}, t("问询内容", "Question"), question), submit), said);
  }

  // 认定: normal, or a violation of a type (the type only with a violation).
  function ruleForm(c: AlertCase): HTMLElement {
    const finding = select("ac-finding", null, [AlertCase_Finding.NORMAL, AlertCase_Finding.VIOLATION],
      (f) => (f === AlertCase_Finding.NORMAL ? t("认定正常", "Normal") : t("认定违规", "A violation")));
    const violation = select("ac-violation", t("请选择违规类型", "Choose the violation"), VIOLATION_TYPES, violationTypeText);
    const remark = h("input", { id: "ac-rule-note", size: "30", placeholder: t("认定依据", "grounds") });
    const said = h("div", { id: "ac-rule-said" });
    const submit = h("button", { id: "ac-rule-submit", class: "primary" }, t("提交认定", "Rule"));
    const sync = () => { violation.disabled = Number(finding.value) !== AlertCase_Finding.VIOLATION; if (violation.disabled) violation.value = "0"; };
    finding.addEventListener("change", sync);
    sync();
    submit.addEventListener("click", () => {
      const f = Number(finding.value) as AlertCase_Finding;
      const v = Number(violation.value) as AlertCase_ViolationType;
      if (f === AlertCase_Finding.VIOLATION && !v) { said.replaceChildren(refusal(t("认定违规须选择违规类型", "A violation needs its type"))); violation.focus(); return; }
      said.replaceChildren();
      busy(submit, () => attempt(async () => {
        const r = await funds.ruleOnAlert(create(RuleOnAlertRequestSchema, {
          requestId: crypto.randomUUID(), caseId: c.caseId, finding: f, violationType: v, note: remark.value.trim(),
        }));
        acted(r, f === AlertCase_Finding.VIOLATION
          ? t(`已认定案件 ${r.caseId} 违规：${violationTypeText(v)}`, `Case ${r.caseId} ruled a violation: ${violationTypeText(v)}`)
          : t(`已认定案件 ${r.caseId} 正常`, `Case ${r.caseId} ruled normal`));
      }));
    });
    return h("div", { class: "case-form", id: "ac-rule-form" }, h("h3", {}, t("认定", "Ruling")),
      h("div", { class: "filters" }, h("label", {}, t("认定结论", "Finding"), finding), h("label", {}, t("违规类型", "Violation"), violation),
        h("label", {}, t("说明", "Note"), remark), submit), said);
  }

  // 整改: how the violation was corrected and the entry that corrected it.
  function rectifyForm(c: AlertCase): HTMLElement {
    const action = select("ac-rectify-action", null, RECTIFY_ACTIONS, rectifyActionText);
    const entry = h("input", { id: "ac-rectify-entry", size: "20", placeholder: t("冲销分录 FR-… 或退回的支付 PAY-…", "a reversal FR-… or a returned payment PAY-…") });
    const remark = h("input", { id: "ac-rectify-note", size: "30", placeholder: t("整改情况", "what was done") });
    const said = h("div", { id: "ac-rectify-said" });
    const submit = h("button", { id: "ac-rectify-submit", class: "primary" }, t("登记整改", "Record the rectification"));
    submit.addEventListener("click", () => {
      const a = Number(action.value) as AlertCase_RectifyAction;
      // Money returned or accounts adjusted show in an entry; 其他 says in words what was done.
      if (a !== AlertCase_RectifyAction.OTHER && !entry.value.trim()) {
        said.replaceChildren(refusal(t("退回资金、调整账务须填关联分录", "A return or an adjustment names its entry"))); entry.focus(); return;
      }
      if (a === AlertCase_RectifyAction.OTHER && !remark.value.trim()) {
        said.replaceChildren(refusal(t("整改方式为“其他”时须说明整改情况", "With “other”, say what was done"))); remark.focus(); return;
      }
      said.replaceChildren();
      busy(submit, () => attempt(async () => {
        const r = await funds.rectifyAlert(create(RectifyAlertRequestSchema, {
          requestId: crypto.randomUUID(), caseId: c.caseId, action: a, entryId: entry.value.trim(), note: remark.value.trim(),
        }));
        acted(r, t(`已登记案件 ${r.caseId} 的整改：${rectifyActionText(a)}${entry.value.trim() ? `，关联 ${entry.value.trim()}` : ""}`,
          `Rectification of case ${r.caseId} recorded: ${rectifyActionText(a)}${entry.value.trim() ? `, entry ${entry.value.trim()}` : ""}`));
      }));
    });
    return h("div", { class: "case-form", id: "ac-rectify-form" }, h("h3", {}, t("整改", "Rectification")),
      h("div", { class: "filters" }, h("label", {}, t("整改方式", "Action"), action), h("label", {}, t("关联分录", "Correcting entry"), entry),
        h("label", {}, t("说明", "Note"), remark), submit),
      h("p", { class: "note" }, t("退回资金填退回的支付编号，调整账务填冲销分录编号；预警情形消除后案件自动关闭。",
        "A return names the returned payment, an adjustment its reversal entry; the case closes once its cause has gone.")),
      said);
  }

  // ---- Today's alerts and the inquiry ----
  async function inquire(alertId: string, question: string): Promise<AlertCase> {
    return funds.inquireAlert(create(InquireAlertRequestSchema, { requestId: crypto.randomUUID(), alertId, question }));
  }
  function inquiredText(c: AlertCase): string {
    return t(`已向 ${unitText(c.subjectUnit)} 发出问询：案件 ${c.caseId}`, `Inquiry sent to ${unitText(c.subjectUnit)}: case ${c.caseId}`);
  }

  async function loadAlerts(): Promise<void> {
    if (!mayInquire) return;
    delete alertsBox.dataset.loaded;
    try {
      const id = alertFund.value.trim();
      const r = await funds.listFundAlerts(create(ListFundAlertsRequestSchema, {
        asOf: today(), fundIds: id ? [id] : [], pageSize: PAGE, pageToken: alertPager.current,
      }));
      alertPager.next = r.nextPageToken;
      const askable = (a: FundAlert) => a.caseState === AlertCase_State.STATE_UNSPECIFIED || ASKABLE.includes(a.caseState);
      alertsBox.replaceChildren(
        r.alerts.length === 0 ? note("aa-none", t("今日无预警", "No alerts today")) : table([
          { text: t("预警编号", "Alert") }, { text: t("等级", "Severity") }, { text: t("类型", "Kind") }, { text: t("资金", "Fund") },
          { text: t("对象", "Subject") }, { text: t("问询对象", "Answered by") }, { text: t("起始日", "Since") }, { text: t("案件", "Case") },
          { text: t("预警说明", "Alert") }, { text: "" },
        ], r.alerts.map((a) => row([
          a.alertId || "—", severityBadge(a.severity), alertKindText(a.kind), a.fundId || "—", a.subjectId || "—", unitText(a.subjectUnit),
          a.since || "—",
          a.caseId ? h("a", { href: "#", class: "case-link", onclick: (e: Event) => { e.preventDefault(); void openCase(a.caseId); } },
            `${a.caseId}（${caseStateText(a.caseState)}）`) : t("未立案", "No case yet"),
          a.message,
          a.alertId && askable(a) ? h("button", { class: "inquire", onclick: () => openInquiry(a) },
            a.caseState === AlertCase_State.INQUIRED || a.caseState === AlertCase_State.RESPONDED ? t("追问", "Ask again") : t("问询", "Inquire")) : "",
        ], { "data-alert": a.alertId, "data-kind": FundAlert_Kind[a.kind] ?? "", "data-fund": a.fundId, "data-case": a.caseId }, [], [8]))),
        alertPager.view(t(`（共 ${r.alertCount} 条）`, ` (${r.alertCount} alerts)`)));
      alertsBox.dataset.loaded = "true";
    } catch (err) {
      alertsBox.replaceChildren(errorBox(err));
    }
  }

  function openInquiry(a: FundAlert): void {
    inquiryNotice.replaceChildren();
    const question = h("textarea", { id: "aq-question", rows: "3", cols: "60" });
    const submit = h("button", { id: "aq-submit", class: "primary" }, t("发出问询", "Send the inquiry"));
    submit.addEventListener("click", () => {
      if (!question.value.trim()) { inquiryNotice.replaceChildren(refusal(t("请填写问询内容", "Write the question"))); question.focus(); return; }
      busy(submit, async () => {
        try {
          const c = await inquire(a.alertId, question.value.trim());
          inquiryBox.replaceChildren();
          inquiryNotice.replaceChildren(h("p", { class: "done", id: "aq-done" }, inquiredText(c)));
          chosen = c.caseId;
          showCase(c);
          void loadCases();
          void loadAlerts();
        } catch (err) {
          inquiryNotice.replaceChildren(errorBox(err));  // the form stays, to correct
        }
      });
    });
    inquiryBox.replaceChildren(h("div", { class: "case-form", id: "aq-form", "data-alert": a.alertId },
      h("h3", {}, t(`问询 ${unitText(a.subjectUnit)}：${alertKindText(a.kind)}（${a.alertId}）`,
        `Ask ${unitText(a.subjectUnit)}: ${alertKindText(a.kind)} (${a.alertId})`)),
      h("p", {}, a.message),
      h("div", { class: "filters" }, h("label", {}, t("问询内容", "Question"), question), submit,
        h("button", { id: "aq-cancel", onclick: () => inquiryBox.replaceChildren() }, t("取消", "Cancel")))));
    question.focus();
  }

  void loadCases();
  void loadAlerts();
  void loadCase();  // a case named in the address (#alerts/AC-…)
}

// ---- 问询与核实 on a unit's own page ------------------------------------------------------------------
// The cases addressed to a school or bank (subject_unit), newest first, with what was asked; the
// unit's own caller answers an inquiry (核实). A caller kept to its own schools or banks (GetCaller)
// is asked about no other unit. Null when the caller may not read cases.
// `enter`: what to say while no unit is given.
export function unitInquiries(unit: () => string, enter: string): { element: HTMLElement; load: () => void } | null {
  if (!may(FundService.method.listAlertCases)) return null;
  const listBox = h("div", { id: "ui-list" });
  const formBox = h("div", { id: "ui-box" });
  const notice = h("div", { id: "ui-notice", "aria-live": "polite" });
  const pager = new Pager(() => void load());
  let shown = "";
  const element = h("section", { id: "ui-section" }, h("h2", {}, t("预警问询与核实", "Inquiries about alerts")),
    h("p", { class: "note" }, t("财政部门就发给本单位的预警发出问询；请核实情况并回复，回复后由财政部门认定。",
      "Finance asks about the alerts concerning this unit; check and respond, and finance then rules on each.")),
    notice, formBox, listBox);

  async function load(): Promise<void> {
    const id = unit().trim();
    if (id !== shown) { shown = id; pager.reset(); formBox.replaceChildren(); notice.replaceChildren(); }
    delete listBox.dataset.loaded;
    const scoped = mySchools().length > 0 || myBanks().length > 0;
    if (!id || (scoped && !mySchools().includes(id) && !myBanks().includes(id))) {
      listBox.replaceChildren(note("ui-none", id ? t("只能查看发给本单位的问询", "Only this unit's own inquiries can be read") : enter));
      return;
    }
    try {
      const r = await funds.listAlertCases(create(ListAlertCasesRequestSchema, { subjectUnit: id, pageSize: PAGE, pageToken: pager.current }));
      if (id !== shown) return;
      pager.next = r.nextPageToken;
      listBox.replaceChildren(
        r.cases.length === 0 ? note("ui-none", t("没有发给本单位的预警问询", "No inquiries addressed to this unit")) : table([
          { text: t("案件", "Case") }, { text: t("等级", "Severity") }, { text: t("类型", "Kind") }, { text: t("资金", "Fund") },
          { text: t("对象", "Subject") }, { text: t("状态", "State") }, { text: t("预警起始日", "Since") }, { text: t("预警说明", "Alert") },
          { text: t("问询内容", "Asked") }, { text: "" },
        ], r.cases.map((c) => row([
          c.caseId, severityBadge(c.severity), alertKindText(c.kind), c.fundId || "—", c.subjectId || "—", stateSpan(c.state),
          c.since || "—", c.message || "—", h("span", { class: "asked" }, questions(c).join(t("；", "; ")) || "—"),
          c.state === AlertCase_State.INQUIRED && mayAnswer(c) ? h("button", { class: "respond", onclick: () => void openResponse(c.caseId) }, t("回复", "Respond")) : "",
        ], { "data-case": c.caseId, "data-state": AlertCase_State[c.state] ?? "", "data-kind": FundAlert_Kind[c.kind] ?? "" }, [], [7, 8]))),
        pager.view(t(`（共 ${r.caseCount} 件）`, ` (${r.caseCount} cases)`)));
      listBox.dataset.loaded = "true";
      listBox.dataset.unit = id;
      // A list carries no history: what was asked comes from each case once past 待处理.
      for (const c of r.cases.filter((x) => x.history.length === 0 && x.state !== AlertCase_State.OPEN)) {
        void funds.getAlertCase(create(GetAlertCaseRequestSchema, { caseId: c.caseId })).then((whole) => {
          const cell = listBox.querySelector(`tr[data-case="${CSS.escape(c.caseId)}"] .asked`);
          if (cell) cell.textContent = questions(whole).join(t("；", "; ")) || "—";
        }, () => { /* the question shows in the response form */ });
      }
    } catch (err) {
      listBox.replaceChildren(errorBox(err));
    }
  }

  // The case whole (every question asked), then the response.
  async function openResponse(caseId: string): Promise<void> {
    notice.replaceChildren();
    try {
      const c = await funds.getAlertCase(create(GetAlertCaseRequestSchema, { caseId }));
      formBox.replaceChildren(respondForm("ui", c, async (text) => {
        try {
          const r = await funds.respondToInquiry(create(RespondToInquiryRequestSchema, { requestId: crypto.randomUUID(), caseId, response: text }));
          formBox.replaceChildren();
          notice.replaceChildren(h("p", { class: "done", id: "ui-done" }, t(`已回复案件 ${r.caseId}，待财政部门认定`, `Responded to case ${r.caseId}; finance rules on it next`)));
          await load();
        } catch (err) {
          notice.replaceChildren(errorBox(err));  // the form stays, to correct
        }
      }, () => formBox.replaceChildren()));
      formBox.querySelector<HTMLTextAreaElement>("#ui-response")?.focus();
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    }
  }

  return { element, load: () => void load() };
}
