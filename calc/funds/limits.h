// The limits of a fund's ledger, as rules over figures the caller reads: what may be allocated,
// paid and cut, and as of when. The database holds the same limits again (CHECK constraints);
// these give the reasons a caller can act on.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "money/money.h"
#include "policy/fund_data.h"
#include "time/date.h"

namespace subsidy::funds {

inline constexpr char kFundBudgetExceeded[] = "FUND_BUDGET_EXCEEDED";
inline constexpr char kAllocationExceeded[] = "ALLOCATION_EXCEEDED";
inline constexpr char kCategoryForbidden[] = "EXPENDITURE_CATEGORY_FORBIDDEN";
inline constexpr char kEntryBackDated[] = "ENTRY_BACK_DATED";

// An allocation stays within what the budget leaves unallocated on its date and on every later
// day (`headroom`: HeadroomFrom over the fund's days, less what pending instructions reserve).
absl::Status CheckAllocation(const std::string& fund_id, Money headroom, Money amount, Date date);

// One day's movements of a pair of figures that must never cross: money in (a budget; an
// allocation) and money out (allocations of that budget; payments of that allocation).
struct DayMove {
  Date date;
  Money in;   // signed: a reversal or a cut is negative
  Money out;  // signed: a reversal of a payment is negative
};
// The past stays true: what a posting dated `from` may take is the least that stands (in − out,
// summed by date) on `from` and on every later day that moves — so a back-dated payment can never
// make any day's paid exceed its allocated, whatever was posted after it. `days` by date; never
// negative.
Money HeadroomFrom(const std::vector<DayMove>& days, Date from);

// What is committed, counting what pending instructions reserve (dual control): of a fund's
// budget, its allocations plus reserved allocations and budget cuts; of a recipient's
// allocation, its payments plus reserved payments. Nothing may allocate or pay into a reservation.
Money Committed(Money posted, Money reserved, Money reserved_more = Money());

// What of a recipient's allocation may be paid on a date: allocated as of it, less paid in all
// (so that every report as of any date keeps paid ≤ allocated). Never negative.
Money Payable(Money allocated_as_of, Money paid_total);
// The one payable check, for a payment from one fund or from several (`fund_id` then names them):
// refused when `amount` is more than what they hold payable, with ALLOCATION_EXCEEDED — or, for a
// claim's approval, FUND_BUDGET_EXCEEDED, the code the public contract fixes for it (API.md,
// ReviewLoanSubsidyClaim).
absl::Status CheckPayment(const std::string& fund_id, const std::string& recipient_id, Money payable, Money amount,
                          Date date, const char* reason = kAllocationExceeded);

// A budget cut never goes below what is allocated, and is never dated before the fund's latest
// entry (every report as of any date then keeps allocated ≤ budget).
absl::Status CheckBudgetCut(Money budget_after, Money allocated_total, Date date, const Date* latest_entry);

// Reversing an allocation gives back its unpaid part: at most the allocation, at most what the
// recipient holds neither paid nor reserved from the reversal's date on (`unpaid`, as a payment
// dated then could take). NOTHING_TO_REVERSE when that is nothing.
inline constexpr char kNothingToReverse[] = "NOTHING_TO_REVERSE";
absl::StatusOr<Money> AllocationReversal(const std::string& entry_id, Money allocation, Money unpaid);

// One of a recipient's funds with money unpaid: when it first allocated to the recipient, and what
// it holds payable on the payment's date.
struct FundHolding {
  std::string fund_id;
  Date first_allocated;
  Money payable;
};
// A part of a payment and the fund it is drawn from.
struct FundDraw {
  std::string fund_id;
  Money amount;
};
// Up to `amount` drawn from a recipient's funds, the oldest allocation first (then by fund id), each
// as far as it holds money payable: the one order in which a recipient's money is paid. Together
// the draws are less than `amount` when the funds hold less.
std::vector<FundDraw> DrawOldestFirst(std::vector<FundHolding> funds, Money amount);
// What the funds hold payable in all.
Money TotalPayable(const std::vector<FundHolding>& funds);

// A fund's money goes only to recipients its purpose serves: an education fund to schools, a
// reward fund to reward policies, a loan-subsidy fund to banks (each also to UNITs); OTHER to any.
inline constexpr char kRecipientKindMismatch[] = "RECIPIENT_KIND_MISMATCH";
absl::Status CheckRecipientKind(const std::string& fund_id, const std::string& purpose,
                                const std::string& recipient_kind);

// A category the fund's own negative list or the data's list for its purpose holds.
absl::Status CheckCategory(const std::string& fund_id, const std::string& purpose,
                           const std::vector<std::string>& fund_forbidden, const FundMonitoring& data,
                           const std::string& category);

// Dual control (双人复核): whether a person's movement of `amount` posts without a second officer.
// It does when it moves nothing, or when it and what the person moved alone that day stay under
// `threshold` (0: every movement waits), so that a movement split in parts adds up as the whole.
inline bool PostsAlone(Money amount, Money alone_that_day, Money threshold) {
  if (amount.fen() <= 0) return true;
  auto with_it = alone_that_day.Plus(amount);
  return with_it.ok() && with_it->fen() < threshold.fen();
}

}  // namespace subsidy::funds
