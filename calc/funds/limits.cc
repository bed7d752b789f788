#include "funds/limits.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace subsidy::funds {

absl::Status CheckAllocation(const std::string& fund_id, Money headroom, Money amount, Date date) {
  if (amount <= headroom) return absl::OkStatus();
  return WithParams(FailedPrecondition(kFundBudgetExceeded,
                                       absl::StrCat("allocating ", amount.ToYuanString(), " 元 of fund ", fund_id,
                                                    " would exceed its budget: ", headroom.ToYuanString(),
                                                    " 元 is left unallocated and unreserved on ", date.ToString(),
                                                    " and every day after")),
                    {{"fund_id", fund_id},
                     {"amount_yuan", amount.ToYuanString()},
                     {"available_yuan", headroom.ToYuanString()},
                     {"date", date.ToString()}});
}

absl::Status CheckRecipientKind(const std::string& fund_id, const std::string& purpose,
                                const std::string& recipient_kind) {
  const char* serves = purpose == "EDUCATION"               ? "SCHOOL"
                       : purpose == "ENTERPRISE_REWARD"     ? "REWARD_POLICY"
                       : purpose == "LOAN_INTEREST_SUBSIDY" ? "BANK"
                                                            : nullptr;
  if (serves == nullptr || recipient_kind == "UNIT" || recipient_kind == serves) return absl::OkStatus();
  return WithParams(FailedPrecondition(kRecipientKindMismatch,
                                       absl::StrCat("资金用途不符 (fund ", fund_id, " is ", purpose,
                                                    " money: it goes to a ", serves, " or a UNIT, not a ",
                                                    recipient_kind, ")")),
                    {{"fund_id", fund_id}});
}

Money HeadroomFrom(const std::vector<DayMove>& days, Date from) {
  // Sums of a ledger the database bounds: int64 holds them (a sum past it is a broken ledger).
  int64_t standing = 0;
  size_t i = 0;
  for (; i < days.size() && days[i].date <= from; ++i) standing += days[i].in.fen() - days[i].out.fen();
  int64_t least = standing;
  for (; i < days.size(); ++i) {
    standing += days[i].in.fen() - days[i].out.fen();
    least = std::min(least, standing);
  }
  return Money::Fen(std::max<int64_t>(0, least));
}

Money Committed(Money posted, Money reserved, Money reserved_more) {
  auto sum = posted.Plus(reserved);
  SUBSIDY_CHECK(sum.ok());  // the database bounds both by the budget
  auto all = sum->Plus(reserved_more);
  SUBSIDY_CHECK(all.ok());
  return *all;
}

absl::StatusOr<Money> AllocationReversal(const std::string& entry_id, Money allocation, Money unpaid) {
  const Money back = Money::Fen(std::min(allocation.fen(), std::max<int64_t>(0, unpaid.fen())));
  if (back.fen() == 0) {
    return WithParams(FailedPrecondition(kNothingToReverse, absl::StrCat("分配 ", entry_id, " 已全部支付或预留，无可冲销 (",
                                                                         entry_id, " is paid or reserved in full: "
                                                                         "nothing to reverse)")),
                      {{"entry_id", entry_id}});
  }
  return back;
}

Money Payable(Money allocated_as_of, Money paid_total) {
  return Money::Fen(std::max<int64_t>(0, allocated_as_of.fen() - paid_total.fen()));
}

absl::Status CheckPayment(const std::string& fund_id, const std::string& recipient_id, Money payable, Money amount,
                          Date date, const char* reason) {
  if (amount <= payable) return absl::OkStatus();
  return WithParams(
      FailedPrecondition(
          reason, absl::StrCat(fund_id, " 截至 ", date.ToString(), " 可支付 ", recipient_id, " ", payable.ToYuanString(),
                               " 元，不足 ", amount.ToYuanString(), " 元 (paying ", amount.ToYuanString(), " 元 to ",
                               recipient_id, " from ", fund_id, " exceeds its unpaid allocation of ",
                               payable.ToYuanString(), " 元 as of ", date.ToString(), ")")),
      {{"fund_id", fund_id},
       {"recipient_id", recipient_id},
       {"amount_yuan", amount.ToYuanString()},
       {"available_yuan", payable.ToYuanString()},
       {"date", date.ToString()}});
}

std::vector<FundDraw> DrawOldestFirst(std::vector<FundHolding> funds, Money amount) {
  std::sort(funds.begin(), funds.end(), [](const FundHolding& a, const FundHolding& b) {
    return a.first_allocated != b.first_allocated ? a.first_allocated < b.first_allocated : a.fund_id < b.fund_id;
  });
  std::vector<FundDraw> out;
  Money remaining = amount;
  for (const auto& f : funds) {
    if (remaining.fen() == 0) break;
    const Money take = std::min(remaining, f.payable);
    if (take.fen() <= 0) continue;
    out.push_back({f.fund_id, take});
    remaining = Money::Fen(remaining.fen() - take.fen());
  }
  return out;
}

Money TotalPayable(const std::vector<FundHolding>& funds) {
  Money total;
  for (const auto& f : funds) total = Committed(total, f.payable);
  return total;
}

absl::Status CheckBudgetCut(Money budget_after, Money allocated_total, Date date, const Date* latest_entry) {
  if (latest_entry != nullptr && date < *latest_entry) {
    return WithParams(FailedPrecondition(kEntryBackDated, absl::StrCat("a budget cut dated ", date.ToString(),
                                                                       " is before the fund's latest entry of ",
                                                                       latest_entry->ToString())),
                      {{"date", date.ToString()}, {"latest_date", latest_entry->ToString()}});
  }
  if (budget_after < allocated_total) {
    return WithParams(FailedPrecondition(kFundBudgetExceeded,
                                         absl::StrCat("the budget would be ", budget_after.ToYuanString(),
                                                      " 元, below the ", allocated_total.ToYuanString(),
                                                      " 元 already allocated")),
                      {{"budget_yuan", budget_after.ToYuanString()},
                       {"allocated_yuan", allocated_total.ToYuanString()}});
  }
  return absl::OkStatus();
}

absl::Status CheckCategory(const std::string& fund_id, const std::string& purpose,
                           const std::vector<std::string>& fund_forbidden, const FundMonitoring& data,
                           const std::string& category) {
  if (category.empty()) return absl::OkStatus();
  if (std::find(fund_forbidden.begin(), fund_forbidden.end(), category) == fund_forbidden.end() &&
      !data.Forbids(purpose, category)) {
    return absl::OkStatus();
  }
  return WithParams(FailedPrecondition(kCategoryForbidden, absl::StrCat("fund ", fund_id, " may not pay for ", category,
                                                                       " (its negative list)")),
                    {{"fund_id", fund_id}, {"category", category}});
}

}  // namespace subsidy::funds
