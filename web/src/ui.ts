// What every page shares: the Connect transport with the caller's token, text-only DOM building,
// money and percentages as officers read them, and the two languages.
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

const TOKEN_KEY = "subsidy.token";
const LANG_KEY = "subsidy.lang";

export function token(): string { return sessionStorage.getItem(TOKEN_KEY) ?? ""; }
export function setToken(t: string): void {
  if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
}

// The token goes as a Bearer header on every call (no cookies: the server sets none).
const bearer: Interceptor = (next) => async (req) => {
  const t = token();
  if (t) req.header.set("Authorization", `Bearer ${t}`);
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

export function table(headers: { text: string; num?: boolean }[], rows: HTMLTableRowElement[]): HTMLTableElement {
  return h("table", {},
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", x.num ? { class: "num" } : {}, x.text)))),
    h("tbody", {}, ...rows));
}
export function row(cells: Child[], attrs: Record<string, string> = {}, numeric: number[] = []): HTMLTableRowElement {
  return h("tr", attrs, ...cells.map((c, i) => h("td", numeric.includes(i) ? { class: "num" } : {}, c)));
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
// A movement with its sign: "+1,234.00", "-56.78" (zero unsigned).
export function signedYuan(fen: bigint): string { return fen > 0n ? `+${yuan(fen)}` : yuan(fen); }
// 分 → 万元, exact: two decimals, more when the amount has them (1 分 is 0.000001 万元).
export function wanYuan(fen: bigint): string {
  const neg = fen < 0n;
  const a = neg ? -fen : fen;
  const fraction = (a % 1_000_000n).toString().padStart(6, "0").replace(/0{1,4}$/, "");
  return `${neg ? "-" : ""}${(a / 1_000_000n).toLocaleString("en-US")}.${fraction}`;
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

// ---- Errors --------------------------------------------------------------------------------
// The reason of the error's google.rpc.ErrorInfo detail (its field 1), e.g. "SAME_CALLER"; "" without one.
export function errorReason(err: unknown): string {
  for (const d of ConnectError.from(err).details) {
    if (!("type" in d) || d.type !== "google.rpc.ErrorInfo") continue;
    try {
      const r = new BinaryReader(d.value);
      while (r.pos < r.len) {
        const [no, wire] = r.tag();
        if (no === 1 && wire === WireType.LengthDelimited) return r.string();
        r.skip(wire);
      }
    } catch { /* not an ErrorInfo after all */ }
  }
  return "";
}
// Refusals an officer meets in the normal course of work, said in words.
const REASONS: Record<string, [string, string]> = {
  SAME_CALLER: ["不能复核本人经办的事项，须由另一名财政人员复核：", "You may not approve what you made yourself; another finance officer must: "],
  INSTRUCTION_ALREADY_DECIDED: ["该指令已被处理：", "This instruction has already been decided: "],
  INSTRUCTION_PENDING: ["该事项已有待复核的指令：", "This already has an instruction waiting for approval: "],
};
export function describe(err: unknown): string {
  const e = ConnectError.from(err);
  const known = REASONS[errorReason(e)];
  if (known) return t(known[0], known[1]) + e.rawMessage;
  if (e.code === Code.PermissionDenied) return t("当前令牌无权查看：", "This token may not read this: ") + e.rawMessage;
  if (e.code === Code.Unauthenticated) return t("请先登录（粘贴令牌）：", "Sign in first (paste a token): ") + e.rawMessage;
  return `${Code[e.code]}: ${e.rawMessage}`;
}
export function errorBox(err: unknown): HTMLElement { return h("p", { class: "error", role: "alert" }, describe(err)); }

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
