// What every page shares: the Connect transport with the caller's token and language, text-only
// DOM building, money and percentages as officers read them, the server's errors in words, and the
// two languages.
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { fromBinary, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { BadRequestSchema, ErrorInfoSchema, LocalizedMessageSchema } from "gen/subsidy/v1/common_pb.js";

const TOKEN_KEY = "subsidy.token";
const LANG_KEY = "subsidy.lang";

export function token(): string { return sessionStorage.getItem(TOKEN_KEY) ?? ""; }
export function setToken(t: string): void {
  if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
}

// The token goes as a Bearer header on every call (no cookies: the server sets none), and the
// console's language as Accept-Language, so that the server words its errors in it.
const bearer: Interceptor = (next) => async (req) => {
  const t = token();
  if (t) req.header.set("Authorization", `Bearer ${t}`);
  req.header.set("Accept-Language", acceptLanguage());
  return next(req);
};
const transport = createConnectTransport({ baseUrl: location.origin, interceptors: [bearer] });
export function client<T extends DescService>(service: T): Client<T> { return createClient(service, transport); }

// ---- Who is signed in ---------------------------------------------------------------------
// The caller and the RPCs its roles allow (AdminService.GetCaller: the server's one rule table),
// so that a page shows only what the role may read.
let identity: { name: string; methods: Set<string>; schools: string[]; banks: string[] } | null = null;
export function setIdentity(x: typeof identity): void { identity = x; }
export function signedInAs(): string { return identity?.name ?? ""; }
// The RPC by its generated descriptor, so that its name is written nowhere here.
export function may(method: DescMethod): boolean { return identity?.methods.has(`${method.parent.typeName}/${method.name}`) ?? false; }
export function mySchools(): string[] { return identity?.schools ?? []; }
export function myBanks(): string[] { return identity?.banks ?? []; }

// ---- Language ------------------------------------------------------------------------------
export type Lang = "zh" | "en";
export function lang(): Lang { return (localStorage.getItem(LANG_KEY) as Lang) || "zh"; }
export function setLang(l: Lang): void { localStorage.setItem(LANG_KEY, l); }
// t("资金执行", "Fund execution"): the text in the chosen language.
export function t(zh: string, en: string): string { return lang() === "zh" ? zh : en; }
// What every call asks the server to speak.
export function acceptLanguage(): string { return lang() === "zh" ? "zh-CN" : "en"; }

// ---- DOM, text only ------------------------------------------------------------------------
type Child = Node | string | number | bigint | null | undefined | false;
// An element with attributes and children; strings always become text nodes (never HTML).
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string | boolean | ((e: Event) => void)> = {}, ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// A table in a box of its own that scrolls sideways when the window is narrower than the table,
// so that no column is cut off and the page itself never scrolls sideways.
export function table(headers: { text: string; num?: boolean }[], rows: HTMLTableRowElement[]): HTMLElement {
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", x.num ? { class: "num" } : {}, x.text)))),
    h("tbody", {}, ...rows)));
}
// A row: `numeric` cells right-aligned, `wrapped` cells (names, notes) may break onto more lines.
export function row(cells: Child[], attrs: Record<string, string> = {}, numeric: number[] = [], wrapped: number[] = []): HTMLTableRowElement {
  return h("tr", attrs, ...cells.map((c, i) =>
    h("td", numeric.includes(i) ? { class: "num" } : wrapped.includes(i) ? { class: "wrap" } : {}, c)));
}

// ---- Figures -------------------------------------------------------------------------------
// 分 → "1,234,567.89" 元, exact (bigint arithmetic; no floating point touches money).
export function yuan(fen: bigint): string {
  const neg = fen < 0n;
  const a = neg ? -fen : fen;
  const whole = (a / 100n).toLocaleString("en-US");
  const cents = (a % 100n).toString().padStart(2, "0");
  return `${neg ? "-" : ""}${whole}.${cents}`;
}
// A movement with its sign, as `subsidyctl edu ledger` prints it: "+1,234.00" in, "-56.78" out
// (zero unsigned).
export function signedYuan(fen: bigint): string { return fen > 0n ? `+${yuan(fen)}` : yuan(fen); }
// 分 → 万元 to two decimals, as officers read budgets: "320.84" for 3,208,410.57 元 (0.01 万元 is
// 100 元, 10,000 分; half a hundred 元 rounds away from zero). Bigint arithmetic throughout; the
// exact amount goes beside it (wanFigure), never lost.
export function wanYuan(fen: bigint): string {
  const neg = fen < 0n;
  const hundreds = ((neg ? -fen : fen) + 5_000n) / 10_000n;
  const text = `${(hundreds / 100n).toLocaleString("en-US")}.${(hundreds % 100n).toString().padStart(2, "0")}`;
  return neg && hundreds > 0n ? `-${text}` : text;
}
// A 万元 figure with the exact 元 amount in its tooltip.
export function wanFigure(fen: bigint): HTMLElement {
  return h("span", { class: "wan", title: t(`${yuan(fen)} 元`, `${yuan(fen)} yuan`) }, wanYuan(fen));
}
// An amount as a bar's length in 万元, for a chart only (never a figure shown as text).
export function wanLength(fen: bigint): number { return Number(fen) / 1_000_000; }
// What an officer types as 元 ("1,234.56", "1234.5", "12") → 分, exactly (no floating point);
// null when it is not an amount of 元 to the 分. A leading "-" only with `signed`.
export function parseYuan(text: string, signed = false): bigint | null {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/[,，\s]/g, ""));
  if (!m || (m[1] && !signed)) return null;
  const fen = BigInt(m[2]) * 100n + BigInt((m[3] ?? "").padEnd(2, "0"));
  if (fen > 9_223_372_036_854_775_807n) return null;  // beyond int64 分
  return m[1] ? -fen : fen;
}
// "85.80" → "85.80%"; the server computes every percentage.
export function pct(p: string): string { return p ? `${p}%` : "—"; }
// A percentage as a number for a chart's bar length only (never for a figure shown as text).
export function barLength(p: string): number { return p ? Number(p) : 0; }
// A date field that reads and shows YYYY-MM-DD whatever the browser's locale (a date picker would
// show the locale's own order).
export function dateInput(id: string, value = ""): HTMLInputElement {
  return h("input", { type: "text", id, value, inputmode: "numeric", pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: "YYYY-MM-DD", size: "10" });
}
// An RFC 3339 UTC time as Beijing time, "2024-06-01 10:00:05" (the server's instant, shown only).
export function when(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (!rfc3339 || Number.isNaN(ms)) return rfc3339 || "—";
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19).replace("T", " ");
}
export function today(): string {
  const d = new Date(Date.now() + 8 * 3600 * 1000); // China Standard Time
  return d.toISOString().slice(0, 10);
}
// SHA-256 of bytes (or of a text's UTF-8) as lowercase hex. crypto.subtle exists only in a secure
// context: the console served over HTTPS or from a loopback address.
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  if (!globalThis.crypto?.subtle) throw new ConnectError(t("需通过 HTTPS 或本机地址打开控制台", "Open the console over HTTPS or a loopback address"), Code.FailedPrecondition);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- Errors --------------------------------------------------------------------------------
// What the server put in the error's details: google.rpc.ErrorInfo's reason (e.g. "SAME_CALLER"),
// google.rpc.LocalizedMessage's text in the language asked for (Accept-Language), and every
// google.rpc.BadRequest field violation.
export interface ErrorDetails { reason: string; localized: string; violations: { field: string; description: string }[] }
export function errorDetails(err: unknown): ErrorDetails {
  const out: ErrorDetails = { reason: "", localized: "", violations: [] };
  for (const d of ConnectError.from(err).details) {
    if (!("type" in d)) continue;
    try {
      switch (d.type) {
        case "google.rpc.ErrorInfo": out.reason ||= fromBinary(ErrorInfoSchema, d.value).reason; break;
        case "google.rpc.LocalizedMessage": out.localized ||= fromBinary(LocalizedMessageSchema, d.value).message; break;
        case "google.rpc.BadRequest":
          for (const v of fromBinary(BadRequestSchema, d.value).fieldViolations) out.violations.push({ field: v.field, description: v.description });
          break;
      }
    } catch { /* a detail that does not decode is left out */ }
  }
  return out;
}
export function errorReason(err: unknown): string { return errorDetails(err).reason; }

// A status code as an officer reads it.
function codeText(code: Code): string {
  switch (code) {
    case Code.InvalidArgument: return t("请求有误", "Invalid request");
    case Code.NotFound: return t("未找到", "Not found");
    case Code.AlreadyExists: return t("已存在", "Already exists");
    case Code.FailedPrecondition: return t("当前状态不允许此操作", "Not allowed in the current state");
    case Code.OutOfRange: return t("超出范围", "Out of range");
    case Code.ResourceExhausted: return t("超出限额，请稍后再试", "Limit reached; try again later");
    case Code.Aborted: return t("操作冲突，请重试", "Conflict; try again");
    case Code.DeadlineExceeded: return t("处理超时，请重试", "Timed out; try again");
    case Code.Unavailable: return t("服务暂不可用，请稍后再试", "Service unavailable; try again later");
    case Code.Unimplemented: return t("服务器不支持此操作", "Not supported by the server");
    case Code.Canceled: return t("已取消", "Cancelled");
    case Code.Internal: case Code.DataLoss: return t("服务器内部错误", "Server error");
    default: return t("出错了", "Error");
  }
}
// Request and claim-file fields by the names on the forms; a path not listed is shown as it is.
const FIELDS: Record<string, [string, string]> = {
  request_id: ["请求编号", "request id"], file: ["文件", "file"], encoding: ["文件编码", "encoding"],
  bank_id: ["银行编号", "bank id"], fund_id: ["资金编号", "fund id"], school_id: ["学校编号", "school id"],
  settlement_period: ["结算期", "settlement period"], start_date: ["起始日期", "start date"], end_date: ["截止日期", "end date"],
  loan_id: ["贷款编号", "loan id"], province: ["省份代码", "province"], region_tier: ["地区类别", "region tier"],
  program: ["贷款类别", "program"], partner_count: ["合伙人数", "partners"], prior_subsidized_loans: ["已享贴息贷款笔数", "prior subsidised loans"],
  principal_fen: ["本金", "principal"], contract_date: ["合同日期", "contract date"], disbursement_date: ["放款日期", "disbursement date"],
  maturity_date: ["到期日期", "maturity date"], annual_rate_percent: ["年利率", "annual rate"], lpr_tenor: ["LPR 期限", "LPR tenor"],
  repayments: ["还款计划", "repayments"], overdue_periods: ["逾期期间", "overdue periods"], claim_period: ["申报期间", "claim period"],
  day_count: ["计息基准", "day count"], borrower_id: ["借款人证件号码", "borrower id"], loans: ["贷款", "loans"],
  amount_fen: ["金额", "amount"], date: ["日期", "date"], category: ["支出科目", "category"], reason: ["原因", "reason"],
  recipient_id: ["接收方编号", "recipient"], region_code: ["区划代码", "region code"], document_no: ["文号", "document no."],
  payment_date: ["拨付日", "payment date"], expenditure_id: ["支出编号", "expenditure"], entry_id: ["分录编号", "entry"],
  payee: ["收款人", "payee"], tracking_id: ["业务追溯识别码", "tracking id"], claim_id: ["申报编号", "claim"],
};
export function fieldText(path: string): string {
  if (!path) return "";
  const known = FIELDS[path.split(/[.\[\]]/).filter((x) => x && !/^\d+$/.test(x)).pop() ?? ""];
  return known ? t(known[0], known[1]) : path;
}

// Refusals an officer meets in the normal course of work, said in words.
const REASONS: Record<string, [string, string]> = {
  SAME_CALLER: ["不能复核本人经办的事项，须由另一名财政人员复核：", "You may not approve what you made yourself; another finance officer must: "],
  INSTRUCTION_ALREADY_DECIDED: ["该指令已被处理：", "This instruction has already been decided: "],
  INSTRUCTION_PENDING: ["该事项已有待复核的指令：", "This already has an instruction waiting for approval: "],
  INSTRUCTION_MOVEMENT_CHANGED: ["入账对象或明细与复核时不同，请退回后重新申请：", "Posting it would pay others than approved; reject it and ask again: "],
  INSTRUCTION_AMOUNT_CHANGED: ["入账金额与复核金额不符，请退回后重新申请：", "Posting it would move another amount than approved; reject it and ask again: "],
};
// The error in words: the server's own in the console's language when it sent one
// (LocalizedMessage: a whole sentence from its catalogue, for the reason or the status code);
// else what the reason or code means, then the server's message as it is.
export function describe(err: unknown): string {
  const e = ConnectError.from(err);
  const d = errorDetails(e);
  if (d.localized) return d.localized;
  const known = REASONS[d.reason];
  if (known) return t(known[0], known[1]) + e.rawMessage;
  if (e.code === Code.PermissionDenied) return t("当前令牌无权查看：", "This token may not read this: ") + e.rawMessage;
  if (e.code === Code.Unauthenticated) return t("请先登录（粘贴令牌）：", "Sign in first (paste a token): ") + e.rawMessage;
  return `${codeText(e.code)}${t("：", ": ")}${e.rawMessage}`;
}
// The error and, under it, every field the server found wrong (a file: each of its bad lines). A
// violation that only repeats the status message is left out when the server said it in words
// (LocalizedMessage, which names the field); a file's never is, its lines being the detail.
export function errorBox(err: unknown): HTMLElement {
  const e = ConnectError.from(err);
  const { localized, violations } = errorDetails(e);
  const shown = violations.filter((v) => !localized || v.field === "file" || v.description !== e.rawMessage);
  return h("div", { class: "error", role: "alert" }, h("p", {}, describe(e)),
    shown.length > 0 && h("ul", { class: "violations" }, ...shown.map((v) =>
      h("li", {}, v.field ? `${fieldText(v.field)}${t("：", ": ")}${v.description}` : v.description))));
}

// A modal confirmation (<dialog>): resolves to "" (or the reason typed, when one is asked for) on
// confirm, null on cancel or Escape. With `reason`, confirming needs a non-blank reason.
export function confirmDialog(o: { title: string; lines: Child[]; confirm: string; reason?: string }): Promise<string | null> {
  return new Promise((resolve) => {
    const reason = o.reason === undefined ? null : h("textarea", { id: "confirm-reason", rows: "3", cols: "40", required: true });
    const ok = h("button", { id: "confirm-ok", class: "primary", disabled: reason !== null }, o.confirm);
    const cancel = h("button", { id: "confirm-cancel" }, t("取消", "Cancel"));
    const dialog = h("dialog", { id: "confirm-dialog", "aria-labelledby": "confirm-title" },
      h("h3", { id: "confirm-title" }, o.title),
      ...o.lines.map((l) => h("p", {}, l)),
      reason && h("label", { class: "reason" }, o.reason, reason),
      h("div", { class: "actions" }, cancel, ok));
    let answer: string | null = null;
    reason?.addEventListener("input", () => { ok.disabled = reason.value.trim() === ""; });
    ok.addEventListener("click", () => { answer = reason ? reason.value.trim() : ""; dialog.close(); });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
    (reason ?? cancel).focus();
  });
}

// Keyset pages: the tokens of the pages before, so "previous" needs no server state.
export class Pager {
  private stack: string[] = [];
  current = "";
  next = "";
  constructor(private readonly load: () => void) {}
  reset(): void { this.stack = []; this.current = ""; this.next = ""; }
  view(count?: string): HTMLElement {
    return h("div", { class: "pager" },
      h("button", { disabled: this.stack.length === 0, onclick: () => { this.current = this.stack.pop() ?? ""; this.load(); } }, t("上一页", "Previous")),
      h("span", {}, t(`第 ${this.stack.length + 1} 页`, `Page ${this.stack.length + 1}`), count ?? ""),
      h("button", { disabled: !this.next, onclick: () => { this.stack.push(this.current); this.current = this.next; this.load(); } }, t("下一页", "Next")));
  }
}

// A file offered for download: text (with a byte-order mark, so that Excel reads the UTF-8) or the
// server's bytes as they are.
export function download(name: string, data: string | Uint8Array, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob(typeof data === "string" ? ["\ufeff", data] : [data], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
export function csvCell(s: string): string { return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s; }
