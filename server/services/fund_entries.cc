#include "services/fund_entries.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "funds/limits.h"
#include "services/common.h"
#include "services/fund_postings.h"

namespace subsidy::service {

bool MadeElsewhere(const storage::FundEntry& e) {
  return absl::StartsWith(e.reference, "EXP-") || absl::StartsWith(e.reference, "PO-") ||
         absl::StartsWith(e.reference, "CL-");
}

namespace {
v1::FundEntry::Kind KindToProto(storage::FundEntryKind k) {
  v1::FundEntry::Kind kind = v1::FundEntry::KIND_UNSPECIFIED;
  v1::FundEntry::Kind_Parse(storage::FundEntryKindName(k), &kind);
  return kind;
}
}  // namespace

void EntryToProto(const storage::FundEntryRow& r, v1::FundEntry* out) {
  const storage::FundEntry& e = r.entry;
  out->set_entry_id(storage::FundEntryIdFor(e.kind, r.id));
  out->set_fund_id(e.fund_id);
  out->set_kind(KindToProto(e.kind));
  out->set_date(e.date.ToString());
  out->set_amount_fen(e.amount.fen());
  out->set_recipient_id(e.recipient_id);
  out->set_document_no(e.document_no);
  out->set_tracking_id(e.tracking_id);
  if (e.reverses != 0) {
    out->set_reverses_entry_id(storage::FundEntryIdFor(e.reverses_kind, e.reverses));
    out->set_reverses_kind(KindToProto(e.reverses_kind));
  }
  // A reversal keeps its reason in reference; adjustments too.
  if (e.kind == storage::FundEntryKind::kReversal || e.kind == storage::FundEntryKind::kAdjustment) {
    out->set_reason(e.reference);
  } else {
    out->set_reference(e.reference);
  }
  out->set_maker(e.created_by);
  out->set_checker(e.checker);
  out->set_budget_fen(r.budget_after.fen());
  out->set_allocated_fen(r.allocated_after.fen());
  out->set_paid_fen(r.paid_after.fen());
  out->set_category(e.category);
  out->set_payee(e.payee);
  out->set_recorded_at(r.recorded_at);
  if (r.reversed_by != 0) out->set_reversed_by_entry_id(storage::FundEntryIdFor(storage::FundEntryKind::kReversal, r.reversed_by));
  out->set_request_id(e.request_id);
}

absl::StatusOr<storage::FundEntryRow> ReversibleEntry(storage::FundTx& tx, int64_t seq, const std::string& entry_id) {
  auto found = tx.FundEntryById(seq);
  if (!found.ok()) return found.status();
  // The id's prefix is the entry's kind: FA-3 is no payment.
  if (!found->has_value() || storage::FundEntryIdFor((*found)->entry.kind, seq) != entry_id) {
    return absl::NotFoundError(absl::StrCat("no fund entry ", entry_id));
  }
  const storage::FundEntryRow& target = **found;
  const storage::FundEntry& e = target.entry;
  if (target.reversed_by != 0) {
    return FailedPrecondition("ALREADY_REVERSED",
                              absl::StrCat(entry_id, " 已冲销 (is reversed already, by ",
                                           storage::FundEntryIdFor(storage::FundEntryKind::kReversal, target.reversed_by),
                                           ")"));
  }
  if (e.kind == storage::FundEntryKind::kBudget || e.kind == storage::FundEntryKind::kReversal) {
    return FailedPrecondition("ENTRY_NOT_REVERSIBLE",
                              absl::StrCat(entry_id, " 不可冲销：预算用调整更正，冲销不再冲销 (a ",
                                           storage::FundEntryKindName(e.kind),
                                           " entry is not reversed: adjust the budget instead)"));
  }
  if (MadeElsewhere(e)) {
    return FailedPrecondition("REVERSE_AT_SOURCE", absl::StrCat(entry_id, " 为 ", e.reference,
                                                                 " 所付，请在原业务冲销 (paid for ", e.reference,
                                                                 ": reverse it there)"));
  }
  return target;
}

// What reversing an allocation gives back: its unpaid part from the reversal's date on (what a
// payment dated then could take); of a reward policy's, only what its year's allocations hold
// beyond its awards (SCHEDULED payouts wait on the rest).
namespace {
absl::StatusOr<Money> AllocationGivenBack(storage::LedgerTx& tx, const storage::FundEntry& e, const storage::FundRow& fund,
                                          Date date, const std::string& entry_id) {
  auto unpaid = Payable(tx.funds(), e.fund_id, e.recipient_id, date);
  if (!unpaid.ok()) return unpaid.status();
  auto recipient = tx.funds().FundRecipient(e.fund_id, e.recipient_id);
  if (!recipient.ok()) return recipient.status();
  if (recipient->has_value() && (*recipient)->recipient_kind == "REWARD_POLICY") {
    auto allocated = tx.funds().AllocatedToRecipient("REWARD_POLICY", e.recipient_id, fund.budget_year);
    if (!allocated.ok()) return allocated.status();
    auto awarded = tx.payouts().PolicyAwardedInYear(e.recipient_id, fund.budget_year);
    if (!awarded.ok()) return awarded.status();
    const Money free = Money::Fen(std::max<int64_t>(0, allocated->value_or(Money()).fen() - awarded->fen()));
    *unpaid = std::min(*unpaid, free);
  }
  return funds::AllocationReversal(entry_id, e.amount, *unpaid);
}
}  // namespace

absl::Status SizeReversal(storage::LedgerTx& tx, const storage::FundEntry& e, const storage::FundRow& fund, Date date,
                          const std::string& entry_id, storage::FundEntry* r) {
  switch (e.kind) {
    case storage::FundEntryKind::kPayment: r->amount = e.amount; return absl::OkStatus();
    case storage::FundEntryKind::kAllocation: {
      auto back = AllocationGivenBack(tx, e, fund, date, entry_id);
      if (!back.ok()) return back.status();
      r->amount = *back;
      return absl::OkStatus();
    }
    default: break;
  }
  const int64_t size = e.amount.fen() < 0 ? -e.amount.fen() : e.amount.fen();
  r->amount = Money::Fen(size);
  r->reverses_budget_sign = e.amount.fen() < 0 ? +1 : -1;
  if (r->reverses_budget_sign > 0) return absl::OkStatus();
  auto sums = tx.funds().FundSumsAsOf(e.fund_id, "", date);
  if (!sums.ok()) return sums.status();
  const Date* latest = sums->latest ? &*sums->latest : nullptr;
  const Money committed = funds::Committed(fund.allocated, fund.pending_allocated, fund.pending_cut);
  return funds::CheckBudgetCut(Money::Fen(fund.budget.fen() - size), committed, date, latest);
}

absl::StatusOr<v1::FundEntry> PostedEntry(storage::FundTx& tx, const std::string& id, const std::string& fund_id) {
  auto rid = storage::FundEntrySeqFrom(id);
  auto rows = rid ? tx.FundEntryById(*rid) : absl::StatusOr<std::optional<storage::FundEntryRow>>();
  if (!rows.ok()) return rows.status();
  v1::FundEntry entry;
  if (rows->has_value()) EntryToProto(**rows, &entry);
  auto now = LockedFund(tx, fund_id);
  if (!now.ok()) return now.status();
  entry.set_budget_fen(now->budget.fen());
  entry.set_allocated_fen(now->allocated.fen());
  entry.set_paid_fen(now->paid.fen());
  return entry;
}

}  // namespace subsidy::service
