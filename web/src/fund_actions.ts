// 资金操作 on the 资金执行 page: 分配下达 (AllocateFund), 支付 (RecordFundPayment) and 冲销 of a
// ledger entry (ReverseFundEntry), each behind a confirmation that names the fund, whom the money
// goes to, the amount in 元 and what will happen; a cancelled confirmation sends nothing. Under dual
// control the server holds the movement for a second officer, and the answer says so.
import { create } from "@bufbuild/protobuf";
import {
  AllocateFundRequestSchema, FundAllocation_RecipientKind, FundEntry_Kind, FundService, RecordFundPaymentRequestSchema,
  ReverseFundEntryRequestSchema, type FundEntry,
} from "gen/subsidy/v1/fund_pb.js";
import { Instruction_State } from "gen/subsidy/v1/approval_pb.js";
import { categoryName, expenditureCategories } from "./names.js";
import { client, confirmDialog, dateInput, errorBox, h, may, parseYuan, t, today, yuan } from "./ui.js";

const funds = client(FundService);

const KINDS: [FundAllocation_RecipientKind, string, string][] = [
  [FundAllocation_RecipientKind.UNIT, "单位", "Unit"],
  [FundAllocation_RecipientKind.SCHOOL, "学校", "School"],
  [FundAllocation_RecipientKind.BANK, "银行", "Bank"],
  [FundAllocation_RecipientKind.REWARD_POLICY, "奖补政策", "Reward policy"],
];
function kindName(k: FundAllocation_RecipientKind): string {
  const found = KINDS.find(([v]) => v === k);
  return found ? t(found[1], found[2]) : "—";
}
const DUAL_CONTROL = () => t("须双人复核时，确认后金额先行预留，待另一名财政人员在“审批”页批准后入账。",
  "Under dual control the amount is reserved until another finance officer approves it on the Approvals page.");
// What the server answered: held for a second officer, or posted.
function outcome(state: Instruction_State, instruction: string, posted: string): string {
  return state === Instruction_State.PENDING_APPROVAL
    ? t(`已提交，待另一名财政人员复核（指令 ${instruction}）`, `Submitted: waiting for another finance officer (instruction ${instruction})`)
    : posted;
}

// The two forms, for a caller whose role may allocate or pay; null for one that may do neither.
// `fund(id)` fills in the fund the officer is looking at; `done()` reloads the page's figures.
export function fundActions(done: () => void): { element: HTMLElement; fund: (id: string) => void } | null {
  const mayAllocate = may(FundService.method.allocateFund);
  const mayPay = may(FundService.method.recordFundPayment);
  if (!mayAllocate && !mayPay) return null;
  const notice = h("div", { id: "fa-notice", "aria-live": "polite" });
  const input = (id: string, placeholder = "", size = "14") => h("input", { id, placeholder, size });
  const label = (text: string, el: HTMLElement) => h("label", {}, text, el);

  // 分配下达.
  const aFund = input("fa-fund", t("资金编号", "fund id"));
  const aKind = h("select", { id: "fa-kind" }, ...KINDS.map(([v, zh, en]) => h("option", { value: String(v) }, t(zh, en))));
  const aRecipient = input("fa-recipient", t("接收方编号", "recipient id"));
  const aRegion = input("fa-region", "110106", "8");
  const aAmount = input("fa-amount", "0.00", "14");
  const aDate = dateInput("fa-date", today());
  const aDoc = input("fa-doc", t("文号", "document no."), "18");
  const aTracking = input("fa-tracking", t("可选", "optional"), "16");
  const aButton = h("button", { id: "fa-submit", onclick: () => void allocate() }, t("分配下达", "Allocate"));
  // 支付.
  const pFund = input("fp-fund", t("资金编号", "fund id"));
  const pRecipient = input("fp-recipient", t("接收方编号", "recipient id"));
  const pAmount = input("fp-amount", "0.00", "14");
  const pDate = dateInput("fp-date", today());
  const pPayee = input("fp-payee", t("收款人名称", "payee"), "18");
  const pCategory = h("select", { id: "fp-category" }, h("option", { value: "" }, t("不指定", "none")));
  const pReference = input("fp-reference", t("凭证号", "reference"), "14");
  const pTracking = input("fp-tracking", t("可选", "optional"), "16");
  const pButton = h("button", { id: "fp-submit", onclick: () => void pay() }, t("支付", "Pay"));
  void expenditureCategories().then((categories) => {
    for (const c of categories.values()) {
      if (!c.forbidden) pCategory.append(h("option", { value: c.code }, c.name));
    }
  });

  const element = h("section", { id: "fund-actions" }, h("h2", {}, t("资金操作", "Move money")),
    mayAllocate && h("div", { class: "filters" }, h("strong", {}, t("分配下达", "Allocation")),
      label(t("资金", "Fund"), aFund), label(t("接收方类型", "Recipient kind"), aKind), label(t("接收方", "Recipient"), aRecipient),
      label(t("区划代码", "Region code"), aRegion), label(t("金额（元）", "Amount (yuan)"), aAmount), label(t("日期", "Date"), aDate),
      label(t("文号", "Document no."), aDoc), label(t("业务追溯识别码", "Tracking id"), aTracking), aButton),
    mayPay && h("div", { class: "filters" }, h("strong", {}, t("支付", "Payment")),
      label(t("资金", "Fund"), pFund), label(t("接收方", "Recipient"), pRecipient), label(t("金额（元）", "Amount (yuan)"), pAmount),
      label(t("日期", "Date"), pDate), label(t("收款人", "Payee"), pPayee), label(t("用途", "Category"), pCategory),
      label(t("凭证号", "Reference"), pReference), label(t("业务追溯识别码", "Tracking id"), pTracking), pButton),
    notice);

  // The amount typed, in 分; a note (and null) when it is not a positive amount of 元.
  function amountOf(el: HTMLInputElement): bigint | null {
    const fen = parseYuan(el.value);
    if (fen === null || fen <= 0n) {
      notice.replaceChildren(h("p", { class: "error", role: "alert" }, t("金额须为大于零的元数，最多两位小数，例如 12,345.67", "The amount is yuan above zero with at most two decimals, e.g. 12,345.67")));
      el.focus();
      return null;
    }
    return fen;
  }

  async function allocate(): Promise<void> {
    const fen = amountOf(aAmount);
    if (fen === null) return;
    const kind = Number(aKind.value) as FundAllocation_RecipientKind;
    const req = create(AllocateFundRequestSchema, {
      requestId: crypto.randomUUID(), fundId: aFund.value.trim(), recipientKind: kind, recipientId: aRecipient.value.trim(),
      regionCode: aRegion.value.trim(), amountFen: fen, date: aDate.value.trim(), documentNo: aDoc.value.trim(), trackingId: aTracking.value.trim(),
    });
    const ok = await confirmDialog({
      title: t("确认分配下达？", "Allocate this?"),
      lines: [
        t(`资金 ${req.fundId || "—"} 分配给${kindName(kind)} ${req.recipientId || "—"}（区划 ${req.regionCode || "—"}）`,
          `From fund ${req.fundId || "—"} to ${kindName(kind)} ${req.recipientId || "—"} (region ${req.regionCode || "—"})`),
        t(`金额 ${yuan(fen)} 元，日期 ${req.date}，文号 ${req.documentNo || "—"}`, `Amount ${yuan(fen)} yuan on ${req.date}, document ${req.documentNo || "—"}`),
        t("确认后从该资金尚未分配的预算中分配下达给接收方。", "The amount leaves the fund's unallocated budget for the recipient.") + DUAL_CONTROL(),
      ],
      confirm: t("分配下达", "Allocate"),
    });
    if (ok === null) return;
    aButton.disabled = true;
    try {
      const a = await funds.allocateFund(req);
      notice.replaceChildren(h("p", { class: "done", id: "fa-done" }, outcome(a.approvalState, a.instructionId,
        t(`已分配下达 ${a.allocationId}：${yuan(a.amountFen)} 元，业务追溯识别码 ${a.trackingId}`, `Allocated ${a.allocationId}: ${yuan(a.amountFen)} yuan, tracking id ${a.trackingId}`))));
      done();
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    } finally {
      aButton.disabled = false;
    }
  }

  async function pay(): Promise<void> {
    const fen = amountOf(pAmount);
    if (fen === null) return;
    const req = create(RecordFundPaymentRequestSchema, {
      requestId: crypto.randomUUID(), fundId: pFund.value.trim(), recipientId: pRecipient.value.trim(), amountFen: fen,
      date: pDate.value.trim(), payee: pPayee.value.trim(), category: pCategory.value, reference: pReference.value.trim(), trackingId: pTracking.value.trim(),
    });
    const categories = await expenditureCategories();
    const ok = await confirmDialog({
      title: t("确认支付？", "Pay this?"),
      lines: [
        t(`资金 ${req.fundId || "—"}，接收方 ${req.recipientId || "—"}，收款人 ${req.payee || "—"}`, `Fund ${req.fundId || "—"}, recipient ${req.recipientId || "—"}, payee ${req.payee || "—"}`),
        t(`金额 ${yuan(fen)} 元，日期 ${req.date}，用途 ${categoryName(categories, req.category) || "—"}`, `Amount ${yuan(fen)} yuan on ${req.date}, category ${categoryName(categories, req.category) || "—"}`),
        t("确认后从该接收方在此资金中已分配未支付的额度中支付。", "The amount is paid from what the recipient was allocated from this fund and not yet paid.") + DUAL_CONTROL(),
      ],
      confirm: t("支付", "Pay"),
    });
    if (ok === null) return;
    pButton.disabled = true;
    try {
      const p = await funds.recordFundPayment(req);
      notice.replaceChildren(h("p", { class: "done", id: "fp-done" }, outcome(p.approvalState, p.instructionId,
        t(`已支付 ${p.paymentId}：${yuan(p.amountFen)} 元`, `Paid ${p.paymentId}: ${yuan(p.amountFen)} yuan`))));
      done();
    } catch (err) {
      notice.replaceChildren(errorBox(err));
    } finally {
      pButton.disabled = false;
    }
  }

  return { element, fund: (id) => { aFund.value = id; pFund.value = id; } };
}

// Whether an entry of a fund's ledger may be reversed from the page: an allocation, a payment or
// an adjustment not reversed yet, by a caller whose role may.
export function reversible(e: FundEntry): boolean {
  return may(FundService.method.reverseFundEntry) && !e.reversedByEntryId && e.approvalState !== Instruction_State.PENDING_APPROVAL &&
    [FundEntry_Kind.ALLOCATION, FundEntry_Kind.PAYMENT, FundEntry_Kind.ADJUSTMENT].includes(e.kind);
}

// 冲销 a ledger entry, dated today, after a confirmation with its reason; the outcome in words
// (null when cancelled).
export async function reverseEntry(e: FundEntry, kind: string): Promise<HTMLElement | null> {
  const what = e.kind === FundEntry_Kind.ALLOCATION
    ? t("冲销分配下达：只退回其尚未支付的部分，回到资金未分配的预算。", "Reversing an allocation returns only its unpaid part to the fund's unallocated budget.")
    : e.kind === FundEntry_Kind.PAYMENT
      ? t("冲销支付：该笔金额退回接收方的已分配额度。", "Reversing a payment returns its amount to the recipient's allocation.")
      : t("冲销预算调整：撤回该笔调整。", "Reversing an adjustment takes it back.");
  const reason = await confirmDialog({
    title: t("确认冲销？", "Reverse this entry?"),
    lines: [
      t(`${e.entryId}（${kind}）：资金 ${e.fundId}${e.recipientId ? `，接收方 ${e.recipientId}` : ""}`, `${e.entryId} (${kind}): fund ${e.fundId}${e.recipientId ? `, recipient ${e.recipientId}` : ""}`),
      t(`金额 ${yuan(e.amountFen)} 元，原日期 ${e.date}，冲销日期 ${today()}`, `Amount ${yuan(e.amountFen)} yuan of ${e.date}, reversed on ${today()}`),
      what + t("原分录保留，另记一笔冲销。", " The entry stays; a reversal is added.") + DUAL_CONTROL(),
    ],
    confirm: t("冲销", "Reverse"),
    reason: t("冲销原因（必填）", "Reason (required)"),
  });
  if (reason === null) return null;
  try {
    const r = await funds.reverseFundEntry(create(ReverseFundEntryRequestSchema, { requestId: crypto.randomUUID(), entryId: e.entryId, date: today(), reason }));
    return h("p", { class: "done", id: "f-reversed" }, outcome(r.approvalState, r.instructionId,
      t(`已冲销 ${e.entryId}：冲销分录 ${r.entryId}，${yuan(r.amountFen)} 元`, `Reversed ${e.entryId}: entry ${r.entryId}, ${yuan(r.amountFen)} yuan`)));
  } catch (err) {
    return errorBox(err);
  }
}
