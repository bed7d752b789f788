#include "services/fund_postings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace subsidy::service {

absl::StatusOr<storage::FundRow> LockedFund(storage::LedgerTx& tx, const std::string& fund_id) {
  auto fund = tx.FundForUpdate(fund_id);
  if (!fund.ok()) return fund.status();
  if (!fund->has_value()) return absl::NotFoundError(absl::StrCat("no fund ", fund_id));
  return std::move(**fund);
}

absl::StatusOr<std::string> AllocateFromFund(storage::LedgerTx& tx, const storage::FundRow& fund,
                                             const AllocationSpec& a) {
  if (a.date < fund.date) return InvalidField("date", absl::StrCat("before the fund's own date ", fund.date.ToString()));
  auto recipient = tx.FundRecipient(fund.fund_id, a.recipient_id);
  if (!recipient.ok()) return recipient.status();
  if (recipient->has_value() &&
      ((*recipient)->recipient_kind != a.recipient_kind || (*recipient)->region_code != a.region_code)) {
    return InvalidField("recipient_id", absl::StrCat("is a ", (*recipient)->recipient_kind, " of region ",
                                                     (*recipient)->region_code, " in fund ", fund.fund_id, " already"));
  }
  auto sums = tx.FundSumsAsOf(fund.fund_id, "", a.date);
  if (!sums.ok()) return sums.status();
  if (fund.allocated.fen() + a.amount.fen() > std::min(fund.budget.fen(), sums->budget.fen())) {
    return FailedPrecondition(
        kFundBudgetExceeded,
        absl::StrCat("allocating ", a.amount.ToYuanString(), " 元 of fund ", fund.fund_id, " would exceed its budget: ",
                     sums->budget.ToYuanString(), " 元 as of ", a.date.ToString(), ", ", fund.allocated.ToYuanString(),
                     " 元 allocated"));
  }
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
  return tx.PostFundEntry(e);
}

absl::StatusOr<Money> Payable(storage::LedgerTx& tx, const std::string& fund_id, const std::string& recipient_id,
                              Date date) {
  auto recipient = tx.FundRecipient(fund_id, recipient_id);
  if (!recipient.ok()) return recipient.status();
  if (!recipient->has_value()) return Money();
  auto sums = tx.FundSumsAsOf(fund_id, recipient_id, date);
  if (!sums.ok()) return sums.status();
  // Allocated as of the date, less paid in all: every report as of any date then keeps paid ≤ allocated.
  return Money::Fen(std::max<int64_t>(0, sums->allocated.fen() - (*recipient)->paid.fen()));
}

absl::StatusOr<std::string> PayFromFund(storage::LedgerTx& tx, const PolicyData& data, const storage::FundRow& fund,
                                        const PaymentSpec& p) {
  if (!p.category.empty() &&
      (std::find(fund.forbidden_categories.begin(), fund.forbidden_categories.end(), p.category) !=
           fund.forbidden_categories.end() ||
       data.fund_monitoring().Forbids(fund.purpose, p.category))) {
    return FailedPrecondition(kCategoryForbidden, absl::StrCat("fund ", fund.fund_id, " may not pay for ", p.category,
                                                               " (its negative list)"));
  }
  auto payable = Payable(tx, fund.fund_id, p.recipient_id, p.date);
  if (!payable.ok()) return payable.status();
  if (p.amount > *payable) {
    return FailedPrecondition(kAllocationExceeded,
                              absl::StrCat("paying ", p.amount.ToYuanString(), " 元 to ", p.recipient_id, " from fund ",
                                           fund.fund_id, " exceeds its unpaid allocation of ",
                                           payable->ToYuanString(), " 元 as of ", p.date.ToString()));
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
  return tx.PostFundEntry(e);
}

absl::StatusOr<std::vector<FundPaid>> PayAcrossFunds(storage::LedgerTx& tx, const PolicyData& data,
                                                     const std::string& recipient_kind, const std::string& level,
                                                     int budget_year, const PaymentSpec& p) {
  std::vector<FundPaid> out;
  auto funds = tx.RecipientFunds(recipient_kind, p.recipient_id, level, budget_year);
  if (!funds.ok()) return funds.status();
  Money remaining = p.amount;
  for (const auto& fund_id : *funds) {
    if (remaining.fen() == 0) break;
    auto fund = LockedFund(tx, fund_id);
    if (!fund.ok()) return fund.status();
    auto payable = Payable(tx, fund_id, p.recipient_id, p.date);
    if (!payable.ok()) return payable.status();
    const Money take = std::min(remaining, *payable);
    if (take.fen() == 0) continue;
    PaymentSpec part = p;
    part.amount = take;
    auto paid = PayFromFund(tx, data, *fund, part);
    if (!paid.ok()) return paid.status();
    out.push_back({fund_id, *paid, take});
    remaining = Money::Fen(remaining.fen() - take.fen());
  }
  return out;
}

}  // namespace subsidy::service
