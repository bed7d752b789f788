// 支付对账: every payment sent to the agent bank, by batch (a day's payments, or a day's reissues),
// each with a bar of what the bank confirmed, failed and has not answered yet and the exact 元
// beside it; a batch's reconciliation (its figures and every discrepancy, in the server's words);
// its failed lines, each reissued to a corrected payee (重发) or returned (退回) behind a
// confirmation — under dual control the answer says it waits for a second officer —; and the
// bank's return file (回单) imported, with what it did. Every figure is the server's.
import { create } from "@bufbuild/protobuf";
import { Instruction_State } from "gen/subsidy/v1/approval_pb.js";
import {
  GetReconciliationRequestSchema, ImportBankReturnRequestSchema, ListPaymentBatchesRequestSchema, ListPaymentLinesRequestSchema,
  PaymentDiscrepancy_Kind, PaymentFiguresSchema, PaymentLine_Source, PaymentLine_State, PaymentService, ReissuePaymentRequestSchema,
  ReturnPaymentRequestSchema,
  type BankReturnResult, type PaymentBatch, type PaymentDiscrepancy, type PaymentFigures, type PaymentLine, type Reconciliation,
} from "gen/subsidy/v1/payment_pb.js";
import { client, confirmDialog, dateInput, errorBox, h, may, Pager, row, sha256Hex, t, table, today, yuan } from "./ui.js";

const payments = client(PaymentService);

// ---- Figures ---------------------------------------------------------------------------------
// A batch's figures by the names `subsidyctl payments reconcile --csv` gives them.
type FigureName = "sent" | "confirmed" | "failed" | "outstanding" | "open_failed" | "returned";
interface Figure { name: FigureName; zh: string; en: string; count: (f: PaymentFigures) => bigint; fen: (f: PaymentFigures) => bigint }
const FIGURES: Figure[] = [
  { name: "sent", zh: "已发送", en: "Sent", count: (f) => f.sentCount, fen: (f) => f.sentFen },
  { name: "confirmed", zh: "银行已确认", en: "Confirmed by the bank", count: (f) => f.confirmedCount, fen: (f) => f.confirmedFen },
  { name: "failed", zh: "银行支付失败（含已重发、已退回）", en: "Failed by the bank (reissued and returned included)", count: (f) => f.failedCount, fen: (f) => f.failedFen },
  { name: "outstanding", zh: "未回单", en: "No return yet", count: (f) => f.outstandingCount, fen: (f) => f.outstandingFen },
  { name: "open_failed", zh: "失败待处理", en: "Failed, not yet reissued or returned", count: (f) => f.openFailedCount, fen: (f) => f.openFailedFen },
  { name: "returned", zh: "已退回", en: "Returned", count: (f) => f.returnedCount, fen: (f) => f.returnedFen },
];
function figure(name: FigureName): Figure { return FIGURES.find((f) => f.name === name)!; }
function figuresOf(f: PaymentFigures | undefined): PaymentFigures { return f ?? create(PaymentFiguresSchema, {}); }

// The bar's parts: together they are what was sent.
const BAR_PARTS: { name: FigureName; colour: string; zh: string; en: string }[] = [
  { name: "confirmed", colour: "#2e7d32", zh: "已确认", en: "Confirmed" },
  { name: "failed", colour: "#c62828", zh: "失败", en: "Failed" },
  { name: "outstanding", colour: "#f9a825", zh: "未回单", en: "No return yet" },
];
// A part of a whole as a bar's length in percent: the one place a floating-point number comes near
// money, and only to size a bar (the figures beside it are exact).
function share(part: bigint, whole: bigint): number { return whole > 0n ? Number((part * 10_000n) / whole) / 100 : 0; }
// Styles set through the DOM (the console's CSP admits no style attribute written as markup).
function styled<E extends HTMLElement>(el: E, style: Partial<CSSStyleDeclaration>): E { Object.assign(el.style, style); return el; }

function stateBar(f: PaymentFigures): HTMLElement {
  const bar = styled(h("div", { class: "state-bar" }),
    { display: "flex", width: "10rem", height: ".8rem", background: "#e3e3e3", borderRadius: "2px", overflow: "hidden" });
  for (const part of BAR_PARTS) {
    const fen = figure(part.name).fen(f);
    if (fen <= 0n) continue;
    bar.append(styled(h("span", { class: `seg seg-${part.name}`, title: t(`${part.zh} ${yuan(fen)} 元`, `${part.en} ${yuan(fen)} yuan`) }),
      { display: "block", width: `${share(fen, f.sentFen)}%`, background: part.colour }));
  }
  return bar;
}
function barLegend(): HTMLElement {
  return h("p", { class: "note", id: "p-legend" }, ...BAR_PARTS.flatMap((part) => [
    styled(h("span", { class: `swatch swatch-${part.name}` }),
      { display: "inline-block", width: ".8rem", height: ".8rem", background: part.colour, verticalAlign: "middle", margin: "0 .25rem 0 .75rem" }),
    t(part.zh, part.en)]));
}
// A figure as text: the amount in 元 and its count, each findable by the figure's name.
function figureText(name: FigureName, f: PaymentFigures): HTMLElement {
  const x = figure(name);
  return h("span", { class: "figure", "data-figure": name },
    h("span", { class: "amount" }, yuan(x.fen(f))), h("span", { class: "count note" }, t(`（${x.count(f)} 笔）`, ` (${x.count(f)})`)));
}

// ---- Words ---------------------------------------------------------------------------------------
function discrepancyKindText(k: PaymentDiscrepancy_Kind): string {
  switch (k) {
    case PaymentDiscrepancy_Kind.UNKNOWN_VOUCHER: return t("凭证号无对应支付", "Unknown voucher");
    case PaymentDiscrepancy_Kind.AMOUNT_MISMATCH: return t("金额不符", "Amount differs");
    case PaymentDiscrepancy_Kind.PAYEE_MISMATCH: return t("收款人不符", "Payee differs");
    case PaymentDiscrepancy_Kind.CONFIRMED_TWICE: return t("重复确认", "Confirmed twice");
    case PaymentDiscrepancy_Kind.CONFIRMATION_OF_FAILED: return t("已失败又报成功", "Success after a failure");
    case PaymentDiscrepancy_Kind.FAILURE_OF_CONFIRMED: return t("已确认又报失败", "Failure after a confirmation");
    case PaymentDiscrepancy_Kind.FAILED_TWICE: return t("重复失败", "Failed twice");
    case PaymentDiscrepancy_Kind.REPEATED_IN_FILE: return t("文件内重复", "Repeated in the file");
    case PaymentDiscrepancy_Kind.ROW_INVALID: return t("无法读取", "Unreadable row");
    default: return "—";
  }
}
function sourceText(s: PaymentLine_Source): string {
  switch (s) {
    case PaymentLine_Source.PAYOUT: return t("免申即享兑现", "Reward payout");
    case PaymentLine_Source.CLAIM: return t("贷款贴息", "Loan subsidy claim");
    case PaymentLine_Source.FUND_PAYMENT: return t("资金支付", "Fund payment");
    default: return "—";
  }
}
const DUAL_CONTROL = () => t("须双人复核时，确认后待另一名财政人员在“审批”页批准后执行。",
  "Under dual control it takes effect once another finance officer approves it on the Approvals page.");
// What the server answered a reissue or a return: held for a second officer, or done.
function outcome(line: PaymentLine, done: string): string {
  return line.approvalState === Instruction_State.PENDING_APPROVAL
    ? t(`已提交，待复核：须由另一名财政人员在“审批”页批准（指令 ${line.instructionId}）`,
      `Submitted, pending approval: another finance officer must approve it on the Approvals page (instruction ${line.instructionId})`)
    : done;
}
function note(id: string, text: string): HTMLElement { return h("p", { class: "note", id }, text); }

// ---- Tables --------------------------------------------------------------------------------------
// The batch whose reconciliation is shown, in bold.
function markChosen(box: HTMLElement, id: string): void {
  for (const tr of box.querySelectorAll<HTMLTableRowElement>("tr[data-batch]")) {
    const chosen = tr.dataset.batch === id;
    tr.classList.toggle("chosen", chosen);
    tr.style.fontWeight = chosen ? "bold" : "";
  }
}

function batchTable(batches: PaymentBatch[], choose: (id: string) => void): HTMLElement {
  return table([
    { text: t("批次", "Batch") }, { text: t("支付日", "Payment date") }, { text: t("类型", "Kind") }, { text: t("状态", "State") },
    { text: t("已发送（元）", "Sent (yuan)"), num: true }, { text: t("已确认（元）", "Confirmed (yuan)"), num: true },
    { text: t("失败（元）", "Failed (yuan)"), num: true }, { text: t("未回单（元）", "No return yet (yuan)"), num: true }, { text: "" },
  ], batches.map((b) => {
    const f = figuresOf(b.figures);
    return row([b.batchId, b.paymentDate, b.reissues ? t("当日重发", "Reissues") : t("当日支付", "Payments"), stateBar(f),
      figureText("sent", f), figureText("confirmed", f), figureText("failed", f), figureText("outstanding", f),
      h("button", { class: "choose", onclick: () => choose(b.batchId) }, t("查看对账", "Reconcile"))],
    { id: `batch-${b.batchId}`, "data-batch": b.batchId }, [4, 5, 6, 7]);
  }));
}

function figuresTable(f: PaymentFigures): HTMLElement {
  return h("div", { id: "recon-figures" }, table(
    [{ text: t("项目", "Figure") }, { text: t("笔数", "Payments"), num: true }, { text: t("金额（元）", "Amount (yuan)"), num: true }],
    FIGURES.map((x) => row([t(x.zh, x.en), h("span", { id: `recon-${x.name}-count` }, String(x.count(f))),
      h("span", { id: `recon-${x.name}-amount` }, yuan(x.fen(f)))], { "data-figure": x.name }, [1, 2]))));
}

// Each discrepancy with its row of the file, its voucher and the server's sentence for it.
function discrepancyTable(id: string, list: PaymentDiscrepancy[]): HTMLElement {
  return h("div", { id }, table([
    { text: t("行号", "Row"), num: true }, { text: t("凭证号", "Voucher") }, { text: t("类型", "Kind") }, { text: t("说明", "Details") },
    { text: t("支付编号", "Payment") }, { text: t("回单导入", "Import") }, { text: t("日期", "Date") },
  ], list.map((d) => row([String(d.row), d.voucherNo || "—", discrepancyKindText(d.kind), d.reason?.message ?? "",
    d.paymentId || "—", d.importId || "—", d.date || "—"],
  { "data-voucher": d.voucherNo, "data-kind": PaymentDiscrepancy_Kind[d.kind] ?? "" }, [0], [3]))));
}

function failedTable(lines: PaymentLine[], actions: ((l: PaymentLine) => HTMLElement) | null): HTMLElement {
  return table([
    { text: t("支付编号", "Payment") }, { text: t("凭证号", "Voucher") }, { text: t("收款人", "Payee") },
    { text: t("账号", "Account") }, { text: t("开户行", "Bank") }, { text: t("金额（元）", "Amount (yuan)"), num: true },
    { text: t("失败原因", "Failure reason") }, { text: t("挂起工作日", "Working days open"), num: true },
    ...(actions ? [{ text: t("处理", "Action") }] : []),
  ], lines.map((l) => row([h("span", { title: `${sourceText(l.source)} ${l.sourceId}` }, l.paymentId), l.voucherNo, l.payeeName,
    l.payeeAccount || "—", l.payeeBank || "—", yuan(l.amountFen), l.failureReason || "—", String(l.workingDaysOpen), ...(actions ? [actions(l)] : [])],
  { id: `failed-${l.paymentId}`, "data-payment": l.paymentId }, [5, 7], [2, 4, 6])));
}

// What an import did: its counts and sums, then each discrepancy.
function importView(r: BankReturnResult, replayed: boolean): HTMLElement[] {
  const counts = [
    { name: "rows", zh: "回单行数", en: "Rows", count: r.rowCount, fen: null },
    { name: "confirmed", zh: "银行确认", en: "Confirmed", count: r.confirmedCount, fen: r.confirmedFen },
    { name: "failed", zh: "银行失败", en: "Failed", count: r.failedCount, fen: r.failedFen },
    { name: "discrepancies", zh: "差异", en: "Discrepancies", count: r.discrepancyCount, fen: null },
  ];
  return [
    h("p", { id: "import-title" }, t(`回单导入 ${r.importId}（${r.importedAt}）`, `Return import ${r.importId} (${r.importedAt})`)),
    replayed && note("import-replayed", t("该回单已导入过，显示首次导入的结果，未再处理。", "This return file was imported before: the first import's result is shown; nothing was changed again.")),
    h("div", { id: "import-counts" }, table(
      [{ text: t("项目", "Figure") }, { text: t("笔数", "Count"), num: true }, { text: t("金额（元）", "Amount (yuan)"), num: true }],
      counts.map((c) => row([t(c.zh, c.en), h("span", { id: `import-${c.name}-count` }, String(c.count)),
        c.fen === null ? "—" : h("span", { id: `import-${c.name}-amount` }, yuan(c.fen))], { "data-figure": c.name }, [1, 2])))),
    r.discrepancies.length > 0 && discrepancyTable("import-discrepancies", r.discrepancies),
    BigInt(r.discrepancies.length) < r.discrepancyCount && note("import-more",
      t(`仅列出前 ${r.discrepancies.length} 条差异，全部差异见各批次对账。`, `Only the first ${r.discrepancies.length} discrepancies are listed; each batch's reconciliation lists all.`)),
  ].filter((x): x is HTMLElement => x instanceof HTMLElement);
}

// ---- The page ------------------------------------------------------------------------------------
export function paymentsPage(root: HTMLElement, batch = ""): void {
  let chosen = batch;
  const batchesBox = h("div", { id: "payments-batches" });
  const batchPager = new Pager(() => void loadBatches());
  const reconBox = h("div", { id: "p-recon" }, note("recon-none", t("请在上方选择一个批次", "Choose a batch above")));
  const failedBox = h("div", { id: "p-failed" });
  const failedPager = new Pager(() => void loadFailed());
  const lineNotice = h("div", { id: "p-line-notice", "aria-live": "polite" });
  const reissueBox = h("div", { id: "p-reissue" });
  const mayReissue = may(PaymentService.method.reissuePayment);
  const mayReturn = may(PaymentService.method.returnPayment);
  const importer = may(PaymentService.method.importBankReturn) ? returnFileImport(() => { void loadBatches(); loadChosen(); }) : null;

  root.append(
    h("section", {}, h("h2", {}, t("支付对账", "Payments")),
      h("p", { class: "note" }, t("每日支付按批次发送代理银行，银行回单说明每一笔是否支付成功。失败的款项已回到原资金，可更正收款人后重发，或退回。",
        "Each day's payments go to the agent bank as a batch; its return file says whether each one was paid. A failed payment's money is back in its fund: reissue it to a corrected payee, or return it.")),
      barLegend(), batchesBox),
    ...(importer ? [importer] : []),
    h("section", {}, h("h2", {}, t("批次对账", "Batch reconciliation")), reconBox),
    h("section", {}, h("h2", {}, t("失败待处理的支付", "Failed payments to handle")), lineNotice, reissueBox, failedBox));

  function choose(id: string): void {
    chosen = id;
    history.replaceState(null, "", `#payments/${encodeURIComponent(id)}`);
    markChosen(batchesBox, id);
    loadChosen();
  }
  function loadChosen(): void {
    if (!chosen) return;
    void loadReconciliation();
    failedPager.reset();
    void loadFailed();
  }

  async function loadBatches(): Promise<void> {
    try {
      const r = await payments.listPaymentBatches(create(ListPaymentBatchesRequestSchema, { pageSize: 20, pageToken: batchPager.current }));
      batchPager.next = r.nextPageToken;
      const first = !chosen && r.batches.length > 0;
      if (first) chosen = r.batches[0].batchId;  // the newest
      batchesBox.replaceChildren(r.batches.length === 0 ? note("batches-none", t("尚无支付批次", "No payment batches yet"))
        : batchTable(r.batches, choose), batchPager.view());
      markChosen(batchesBox, chosen);
      batchesBox.dataset.loaded = "true";
      if (first) loadChosen();
    } catch (err) {
      batchesBox.replaceChildren(errorBox(err));
    }
  }

  async function loadReconciliation(): Promise<void> {
    const asked = chosen;
    try {
      const r = await payments.getReconciliation(create(GetReconciliationRequestSchema, { batchId: asked }));
      if (asked !== chosen) return;
      reconBox.replaceChildren(...reconciliationView(r));
      reconBox.dataset.batch = asked;
      reconBox.dataset.loaded = "true";
    } catch (err) {
      reconBox.replaceChildren(errorBox(err));
    }
  }
  function reconciliationView(r: Reconciliation): HTMLElement[] {
    const f = figuresOf(r.figures);
    return [
      h("p", { id: "recon-title" }, t(`批次 ${r.batchId}，支付日 ${r.date}`, `Batch ${r.batchId}, paid on ${r.date}`)),
      stateBar(f), figuresTable(f),
      h("p", { id: "recon-discrepancy-count" }, h("strong", {}, t(`差异 ${r.discrepancyCount} 条`, `Discrepancies: ${r.discrepancyCount}`))),
      r.discrepancies.length === 0 ? note("recon-no-discrepancy", t("无差异", "No discrepancy"))
        : discrepancyTable("recon-discrepancies", r.discrepancies),
      BigInt(r.discrepancies.length) < r.discrepancyCount && note("recon-more",
        t(`仅列出前 ${r.discrepancies.length} 条差异`, `Only the first ${r.discrepancies.length} discrepancies are listed`)),
    ].filter((x): x is HTMLElement => x instanceof HTMLElement);
  }

  async function loadFailed(): Promise<void> {
    const asked = chosen;
    try {
      const r = await payments.listPaymentLines(create(ListPaymentLinesRequestSchema, {
        batchId: asked, state: PaymentLine_State.FAILED, pageSize: 50, pageToken: failedPager.current,
      }));
      if (asked !== chosen) return;
      failedPager.next = r.nextPageToken;
      failedBox.replaceChildren(
        h("p", { id: "failed-title" }, t(`批次 ${asked}`, `Batch ${asked}`)),
        r.lines.length === 0 ? note("failed-none", t("此批次没有待处理的失败支付", "No failed payment to handle in this batch"))
          : failedTable(r.lines, mayReissue || mayReturn ? lineActions : null),
        failedPager.view());
      failedBox.dataset.batch = asked;
      failedBox.dataset.loaded = "true";
    } catch (err) {
      failedBox.replaceChildren(errorBox(err));
    }
  }

  function lineActions(l: PaymentLine): HTMLElement {
    return h("span", {},
      mayReissue && h("button", { class: "reissue", onclick: () => openReissue(l) }, t("重发", "Reissue")), " ",
      mayReturn && h("button", { class: "return", onclick: () => void returnLine(l) }, t("退回", "Return")));
  }
  // After a reissue or a return: the answer, and the figures and lines as they now are.
  function answered(shown: HTMLElement): void {
    lineNotice.replaceChildren(shown);
    void loadBatches();
    loadChosen();
  }

  function openReissue(l: PaymentLine): void {
    reissueBox.replaceChildren(reissueForm(l, () => reissueBox.replaceChildren(), async (r) => {
      const answer = await reissue(l, r);
      if (answer === null) return;
      if (!answer.ok) { lineNotice.replaceChildren(answer.shown); return; }  // the form stays, to correct
      reissueBox.replaceChildren();
      answered(answer.shown);
    }));
    reissueBox.querySelector<HTMLInputElement>("#rf-name")?.focus();
  }

  async function returnLine(l: PaymentLine): Promise<void> {
    const reason = await confirmDialog({
      title: t("确认退回？", "Return this payment?"),
      lines: [
        t(`${l.paymentId}（凭证号 ${l.voucherNo}），收款人 ${l.payeeName}，账号 ${l.payeeAccount || "—"}`,
          `${l.paymentId} (voucher ${l.voucherNo}), payee ${l.payeeName}, account ${l.payeeAccount || "—"}`),
        t(`金额 ${yuan(l.amountFen)} 元，银行失败原因：${l.failureReason || "—"}`, `Amount ${yuan(l.amountFen)} yuan; the bank's reason: ${l.failureReason || "—"}`),
        t("退回后不再支付给该收款人，款项留在原资金中。", "Returned, it is paid to no one: the money stays in its fund. ") + DUAL_CONTROL(),
      ],
      confirm: t("退回", "Return"),
      reason: t("退回原因（必填）", "Reason for returning (required)"),
    });
    if (reason === null) return;
    try {
      const r = await payments.returnPayment(create(ReturnPaymentRequestSchema, { requestId: crypto.randomUUID(), paymentId: l.paymentId, reason }));
      answered(h("p", { class: "done", id: "p-line-done" }, outcome(r,
        t(`已退回 ${l.paymentId}：${yuan(l.amountFen)} 元留在原资金中`, `Returned ${l.paymentId}: ${yuan(l.amountFen)} yuan stays in its fund`))));
    } catch (err) {
      lineNotice.replaceChildren(errorBox(err));
    }
  }

  void loadBatches();
  loadChosen();  // a batch named in the address (#payments/PB-…); else the newest, once listed
}

// ---- 重发 ------------------------------------------------------------------------------------------
interface ReissueInput { payeeName: string; payeeAccount: string; payeeBank: string; date: string; note: string }

// The corrected payee (a field left as it is keeps the failed line's) and the reissue batch's date.
function reissueForm(l: PaymentLine, cancel: () => void, send: (r: ReissueInput) => Promise<void>): HTMLElement {
  const name = h("input", { id: "rf-name", value: l.payeeName, size: "20" });
  const account = h("input", { id: "rf-account", placeholder: t(`不填则仍用 ${l.payeeAccount || "原账号"}`, `blank: still ${l.payeeAccount || "the same"}`), size: "22", autocomplete: "off" });
  const bank = h("input", { id: "rf-bank", value: l.payeeBank, size: "20" });
  const date = dateInput("rf-date", today());
  const remark = h("input", { id: "rf-note", placeholder: t("可选", "optional"), size: "20" });
  const submit = h("button", { id: "rf-submit", class: "primary" }, t("重发", "Reissue"));
  submit.addEventListener("click", () => {
    submit.disabled = true;
    void send({ payeeName: name.value.trim(), payeeAccount: account.value.trim(), payeeBank: bank.value.trim(), date: date.value.trim(), note: remark.value.trim() })
      .finally(() => { submit.disabled = false; });
  });
  const label = (text: string, el: HTMLElement) => h("label", {}, text, el);
  return h("div", { class: "filters", id: "rf-form", "data-payment": l.paymentId },
    h("strong", {}, t(`重发 ${l.paymentId}`, `Reissue ${l.paymentId}`)),
    label(t("收款人户名", "Payee name"), name), label(t("收款人账号", "Payee account"), account), label(t("开户行", "Bank"), bank),
    label(t("重发日期（工作日）", "Date (a working day)"), date), label(t("备注", "Note"), remark),
    submit, h("button", { id: "rf-cancel", onclick: cancel }, t("取消", "Cancel")));
}

// The reissue after a confirmation naming the line, the amount and the payee it now goes to; the
// answer in words, and whether the server took it (null when cancelled).
async function reissue(l: PaymentLine, r: ReissueInput): Promise<{ ok: boolean; shown: HTMLElement } | null> {
  const payee = r.payeeName || l.payeeName;
  const account = r.payeeAccount || t(`${l.payeeAccount || "—"}（不变）`, `${l.payeeAccount || "—"} (unchanged)`);
  const ok = await confirmDialog({
    title: t("确认重发？", "Reissue this payment?"),
    lines: [
      t(`${l.paymentId}（凭证号 ${l.voucherNo}），银行失败原因：${l.failureReason || "—"}`, `${l.paymentId} (voucher ${l.voucherNo}); the bank's reason: ${l.failureReason || "—"}`),
      t(`金额 ${yuan(l.amountFen)} 元，重发给 ${payee}，账号 ${account}，开户行 ${r.payeeBank || l.payeeBank || "—"}`,
        `Amount ${yuan(l.amountFen)} yuan to ${payee}, account ${account}, bank ${r.payeeBank || l.payeeBank || "—"}`),
      t(`重发日期 ${r.date}：列入当日重发批次，款项再次从原资金支付。`, `On ${r.date}, in that day's reissue batch; the money is drawn again from its fund. `) + DUAL_CONTROL(),
    ],
    confirm: t("重发", "Reissue"),
  });
  if (ok === null) return null;
  try {
    const p = await payments.reissuePayment(create(ReissuePaymentRequestSchema, {
      requestId: crypto.randomUUID(), paymentId: l.paymentId, payeeName: r.payeeName === l.payeeName ? "" : r.payeeName,
      payeeAccount: r.payeeAccount, payeeBank: r.payeeBank === l.payeeBank ? "" : r.payeeBank, date: r.date, note: r.note,
    }));
    return { ok: true, shown: h("p", { class: "done", id: "p-line-done" }, outcome(p,
      t(`已重发 ${l.paymentId}：新支付 ${p.paymentId}，批次 ${p.batchId}，${yuan(p.amountFen)} 元`,
        `Reissued ${l.paymentId}: new payment ${p.paymentId} in batch ${p.batchId}, ${yuan(p.amountFen)} yuan`))) };
  } catch (err) {
    return { ok: false, shown: errorBox(err) };
  }
}

// ---- 回单导入 ---------------------------------------------------------------------------------------
// The header in which the server says that a mutation's answer is a replay of the first one.
const REPLAY_HEADER = "subsidy-replay";

// The bank's return file: its bytes sent as they are (the server finds the encoding), named by their
// SHA-256 so that the same file sent again is the same request; a bar while it runs, then what it did.
function returnFileImport(done: () => void): HTMLElement {
  const file = h("input", { type: "file", id: "p-return-file", accept: ".csv,text/csv" });
  const submit = h("button", { id: "p-import-submit", class: "primary" }, t("导入回单", "Import"));
  const progress = h("progress", { id: "p-import-progress", max: "1", value: "0" });
  const status = h("p", { id: "p-import-status", class: "note" });
  const result = h("div", { id: "p-import-result", "aria-live": "polite" });
  submit.addEventListener("click", () => void run());
  const element = h("section", { id: "p-import" }, h("h2", {}, t("导入银行回单", "Import the bank's return file")),
    h("p", { class: "note" }, t("回单为 CSV（UTF-8 或 GB18030），列：凭证号、收款人账号、收款人户名、金额（元）、状态（成功/失败）、失败原因、银行流水号、日期。同一文件重复导入只处理一次。",
      "The return file is CSV (UTF-8 or GB18030) with the columns voucher, payee account, payee name, amount (yuan), status (success/failed), failure reason, bank serial, date. The same file imported twice is applied once.")),
    h("div", { class: "filters" }, h("label", {}, t("回单文件", "Return file"), file), submit, progress),
    status, result);

  async function run(): Promise<void> {
    const chosen = file.files?.[0];
    if (!chosen) { result.replaceChildren(h("p", { class: "error", role: "alert" }, t("请选择回单文件", "Choose a return file"))); return; }
    const size = chosen.size.toLocaleString("en-US");
    submit.disabled = true;
    progress.removeAttribute("value");  // indeterminate: the import is one request
    status.replaceChildren(t(`正在导入回单（${size} 字节）…`, `Importing the return file (${size} bytes)…`));
    result.replaceChildren();
    delete result.dataset.loaded;
    try {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      let replayed = false;
      const r = await payments.importBankReturn(create(ImportBankReturnRequestSchema, {
        requestId: `return-${(await sha256Hex(bytes)).slice(0, 16)}`, file: bytes, encoding: "auto", fileName: chosen.name,
      }), { onHeader: (headers) => { replayed = headers.get(REPLAY_HEADER) === "true"; } });
      progress.value = 1;
      status.replaceChildren(t(`已导入回单（${size} 字节）`, `Imported the return file (${size} bytes)`));
      result.replaceChildren(...importView(r, r.replayed || replayed));
      result.dataset.loaded = "true";
      done();
    } catch (err) {
      progress.value = 0;
      status.replaceChildren();
      result.replaceChildren(errorBox(err));
    } finally {
      submit.disabled = false;
    }
  }
  return element;
}
