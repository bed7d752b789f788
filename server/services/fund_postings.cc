#include "services/fund_postings.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "education/funds.h"

namespace subsidy::service {

absl::StatusOr<storage::FundRow> LockedFund(storage::FundTx& tx, const std::string& fund_id) {
  auto fund = tx.FundForUpdate(fund_id);
  if (!fund.ok()) return fund.status();
  if (!fund->has_value()) return absl::NotFoundError(absl::StrCat("no fund ", fund_id));
  return std::move(**fund);
}

absl::StatusOr<std::string> AllocateFromFund(storage::FundTx& tx, const storage::FundRow& fund,
                                             const AllocationSpec& a) {
  if (a.date < fund.date) return InvalidField("date", absl::StrCat("before the fund's own date ", fund.date.ToString()));
  if (auto s = funds::CheckRecipientKind(fund.fund_id, fund.purpose, a.recipient_kind); !s.ok()) return s;
  auto recipient = tx.FundRecipient(fund.fund_id, a.recipient_id);
  if (!recipient.ok()) return recipient.status();
  if (recipient->has_value() &&
      ((*recipient)->recipient_kind != a.recipient_kind || (*recipient)->region_code != a.region_code)) {
    return InvalidField("recipient_id", absl::StrCat("is a ", (*recipient)->recipient_kind, " of region ",
                                                     (*recipient)->region_code, " in fund ", fund.fund_id, " already"));
  }
  // Within what the budget leaves on the allocation's date and every later day, less what pending
  // instructions reserve.
  auto days = tx.FundDays(fund.fund_id);
  if (!days.ok()) return days.status();
  const Money reserved = funds::Committed(fund.pending_allocated, fund.pending_cut);
  const Money headroom = Money::Fen(std::max<int64_t>(0, funds::HeadroomFrom(*days, a.date).fen() - reserved.fen()));
  if (auto s = funds::CheckAllocation(fund.fund_id, headroom, a.amount, a.date); !s.ok()) return s;
  storage::FundEntry e;
  e.kind = storage::FundEntryKind::kAllocation;
  e.fund_id = fund.fund_id;
  e.recipient_id = a.recipient_id;
  e.recipient_kind = a.recipient_kind;
  e.region_code = a.region_code;
  e.amount = a.amount;
  e.date = a.date;
  e.document_no = a.document_no;
  e.request_id = a.request_id;
  e.created_by = a.caller;
  // The allocation's 业务追溯识别码: the caller's, or the allocation's own id (known once posted,
  // so an empty one is named after the entry by the ledger).
  e.tracking_id = a.tracking_id;
  return tx.PostFundEntry(e);
}

absl::StatusOr<SchoolAllocation> AllocateToSchool(storage::LedgerTx& tx, const storage::FundRow& fund,
                                                  const AllocationSpec& a) {
  const std::optional<education::FundSource> source = education::FundSourceFromName(fund.level);
  if (!source) {
    return FailedPrecondition(kFundSourceMismatch,
                              absl::StrCat("fund ", fund.fund_id, " is ", fund.level, " money, no school's source"));
  }
  auto fund_allocation = AllocateFromFund(tx.funds(), fund, a);
  if (!fund_allocation.ok()) return fund_allocation.status();
  auto allocation = tx.schools().InsertAllocation(a.recipient_id, *source, a.amount, a.date, a.request_id);
  if (!allocation.ok()) return allocation.status();
  return SchoolAllocation{*fund_allocation, *allocation};
}

absl::StatusOr<Money> Payable(storage::FundTx& tx, const std::string& fund_id, const std::string& recipient_id,
                              Date date) {
  auto recipient = tx.FundRecipient(fund_id, recipient_id);
  if (!recipient.ok()) return recipient.status();
  if (!recipient->has_value()) return Money();
  // What stands unpaid on `date` and on every later day (a back-dated payment never makes a past
  // day's paid exceed its allocated), less what pending instructions reserve.
  auto days = tx.RecipientDays(fund_id, recipient_id);
  if (!days.ok()) return days.status();
  const Money headroom = funds::HeadroomFrom(*days, date);
  return Money::Fen(std::max<int64_t>(0, headroom.fen() - (*recipient)->pending_paid.fen()));
}

absl::StatusOr<std::string> PostPayment(storage::FundTx& tx, const PolicyData& data, const storage::FundRow& fund,
                                        const PaymentSpec& p) {
  if (auto s = funds::CheckCategory(fund.fund_id, fund.purpose, fund.forbidden_categories, data.fund_monitoring(),
                                    p.category);
      !s.ok()) {
    return s;
  }
  storage::FundEntry e;
  e.kind = storage::FundEntryKind::kPayment;
  e.fund_id = fund.fund_id;
  e.recipient_id = p.recipient_id;
  e.amount = p.amount;
  e.date = p.date;
  e.category = p.category;
  e.payee = p.payee;
  e.reference = p.reference;
  e.request_id = p.request_id;
  e.created_by = p.caller;
  e.tracking_id = p.tracking_id;
  if (e.tracking_id.empty()) {
    // The money's 业务追溯识别码 follows it from the recipient's allocation.
    auto first = tx.FirstTrackingId(fund.fund_id, p.recipient_id);
    if (!first.ok()) return first.status();
    e.tracking_id = *first;
  } else {
    auto known = tx.HasTrackingId(fund.fund_id, p.recipient_id, p.tracking_id);
    if (!known.ok()) return known.status();
    if (!*known) {
      return InvalidField("tracking_id", absl::StrCat("is none of ", p.recipient_id, "'s allocations in ", fund.fund_id));
    }
  }
  return tx.PostFundEntry(e);
}

absl::StatusOr<std::string> PayFromFund(storage::FundTx& tx, const PolicyData& data, const storage::FundRow& fund,
                                        const PaymentSpec& p) {
  auto recipient = tx.FundRecipient(fund.fund_id, p.recipient_id);
  if (!recipient.ok()) return recipient.status();
  if (recipient->has_value() && (*recipient)->recipient_kind == "SCHOOL") {
    return FailedPrecondition(kPaidByExpenditure,
                              absl::StrCat("学校经费由学校支出记账支付 (", p.recipient_id,
                                           "'s money is paid by its own expenditures, RecordExpenditure)"));
  }
  if (recipient->has_value() && (*recipient)->recipient_kind == "REWARD_POLICY") {
    return FailedPrecondition(kPaidByDisbursement,
                              absl::StrCat("奖励政策资金由兑付批次支付 (", p.recipient_id,
                                           "'s money pays its scheduled payouts, by RunDisbursement only)"));
  }
  // The category first: a forbidden payment is refused whatever is left.
  if (auto s = funds::CheckCategory(fund.fund_id, fund.purpose, fund.forbidden_categories, data.fund_monitoring(),
                                    p.category);
      !s.ok()) {
    return s;
  }
  auto payable = Payable(tx, fund.fund_id, p.recipient_id, p.date);
  if (!payable.ok()) return payable.status();
  if (auto s = funds::CheckPayment(fund.fund_id, p.recipient_id, *payable, p.amount, p.date); !s.ok()) return s;
  return PostPayment(tx, data, fund, p);
}

absl::StatusOr<std::string> ReversePayment(storage::FundTx& tx, const PaymentReversal& r) {
  if (auto fund = LockedFund(tx, r.fund_id); !fund.ok()) return fund.status();
  storage::FundEntry e;
  e.kind = storage::FundEntryKind::kReversal;
  e.fund_id = r.fund_id;
  e.recipient_id = r.recipient_id;
  e.amount = r.amount;
  e.date = r.date;
  e.reference = r.reference;
  e.request_id = r.request_id;
  e.created_by = r.caller;
  e.reverses = r.entry_id;
  e.tracking_id = r.tracking_id;  // the money's 业务追溯识别码 follows it back
  return tx.PostFundEntry(e);
}

namespace {

// The recipient's funds with money unpaid, each with what it holds payable on `date`; with `locked`,
// each fund is locked first (in fund id order, so that two payments never lock the same funds
// crosswise) and kept there by id.
absl::StatusOr<std::vector<funds::FundHolding>> Holdings(storage::FundTx& tx, const std::string& recipient_kind,
                                                         const std::string& recipient_id, const std::string& level,
                                                         int budget_year, Date date,
                                                         std::map<std::string, storage::FundRow>* locked = nullptr) {
  auto funds = tx.RecipientFunds(recipient_kind, recipient_id, level, budget_year);
  if (!funds.ok()) return funds.status();
  std::vector<funds::FundHolding> out;
  for (const auto& f : *funds) {
    if (locked != nullptr) {
      auto fund = LockedFund(tx, f.fund_id);
      if (!fund.ok()) return fund.status();
      locked->emplace(f.fund_id, *std::move(fund));
    }
    auto payable = Payable(tx, f.fund_id, recipient_id, date);
    if (!payable.ok()) return payable.status();
    out.push_back({f.fund_id, f.first_allocated, *payable});
  }
  return out;
}

}  // namespace

absl::StatusOr<PayableAcross> PayableAcrossFunds(storage::FundTx& tx, const std::string& recipient_kind,
                                                 const std::string& recipient_id, const std::string& level,
                                                 int budget_year, Date date) {
  auto holdings = Holdings(tx, recipient_kind, recipient_id, level, budget_year, date);
  if (!holdings.ok()) return holdings.status();
  auto allocated = tx.RecipientAllocatedAsOf(recipient_kind, recipient_id, level, budget_year, date);
  if (!allocated.ok()) return allocated.status();
  return PayableAcross{funds::TotalPayable(*holdings), *allocated};
}

absl::StatusOr<std::vector<FundPaid>> PayAcrossFunds(storage::FundTx& tx, const PolicyData& data,
                                                     const std::string& recipient_kind, const std::string& level,
                                                     int budget_year, const PaymentSpec& p) {
  std::map<std::string, storage::FundRow> locked;
  auto holdings = Holdings(tx, recipient_kind, p.recipient_id, level, budget_year, p.date, &locked);
  if (!holdings.ok()) return holdings.status();
  std::vector<FundPaid> out;
  for (const auto& draw : funds::DrawOldestFirst(*holdings, p.amount)) {
    PaymentSpec part = p;
    part.amount = draw.amount;
    auto paid = PostPayment(tx, data, locked.at(draw.fund_id), part);  // within what Holdings said is payable
    if (!paid.ok()) return paid.status();
    out.push_back({draw.fund_id, *paid, draw.amount});
  }
  return out;
}

}  // namespace subsidy::service
