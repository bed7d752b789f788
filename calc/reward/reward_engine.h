// Apply-free (免申即享) rewards: the formula amount and the decision to schedule or reject, from
// the policy, the enterprise's earlier awards and the policy's budget. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status_util.h"
#include "money/money.h"
#include "policy/reward_data.h"
#include "time/calendar.h"
#include "time/date.h"

namespace subsidy::reward {

// Rejection and information reasons (stable; part of the API).
inline constexpr char kDuplicateAward[] = "DUPLICATE_AWARD";
inline constexpr char kAnnualCapReached[] = "ANNUAL_CAP_REACHED";
inline constexpr char kSupersededByHigherAward[] = "SUPERSEDED_BY_HIGHER_AWARD";
inline constexpr char kCoveredByEqualAward[] = "COVERED_BY_EQUAL_AWARD";
inline constexpr char kTopUpOfLowerAward[] = "TOP_UP_OF_LOWER_AWARD";
inline constexpr char kBudgetExhausted[] = "BUDGET_EXHAUSTED";
inline constexpr char kBelowThreshold[] = "BELOW_THRESHOLD";
inline constexpr char kNotAWorkingDay[] = "NOT_A_WORKING_DAY";
inline constexpr char kBudgetPartial[] = "BUDGET_PARTIAL";

struct Reason {
  std::string code;
  std::string message;
  // What the code's text in data/messages.textproto is filled with (policy_id, year, …).
  StatusParams params;
};

// An earlier award (SCHEDULED or DISBURSED; rejected determinations award nothing).
struct PriorAward {
  std::string policy_id;
  std::string group;
  int year;
  Money amount;
};

struct Decision {
  bool scheduled = false;
  Money amount;  // 0 when rejected
  std::vector<Reason> reasons;
  // For rules that allow one award only (ONCE_EVER, ONCE_PER_YEAR): a key the database holds
  // unique among awards, so that no interleaving of transactions can award twice.
  std::optional<std::string> award_key;
};

// The formula's amount before the repeat rules and the budget. Metrics must be exactly those
// the policy reads, as non-negative decimal integers: otherwise INVALID_ARGUMENT naming
// "metrics[NAME]". A tiered metric below the first tier gives nullopt (BELOW_THRESHOLD).
absl::StatusOr<std::optional<Money>> FormulaAmount(const RewardPolicy& policy,
                                                   const std::map<std::string, std::string>& metrics);

// Applies the formula, the repeat rule (for the enterprise's awards in `year`) and the budget
// (policy_awarded = what the policy has awarded so far, all enterprises, all years).
absl::StatusOr<Decision> Decide(const RewardPolicy& policy, const std::map<std::string, std::string>& metrics,
                                const std::string& enterprise_uscc, int year,
                                const std::vector<PriorAward>& enterprise_awards, Money policy_awarded);

// What is left of the policy's budget once `policy_awarded` has been awarded.
Money RemainingBudget(const RewardPolicy& policy, Money policy_awarded);

// The budget a policy's awards of one year are measured against, and what counts against it.
struct PolicyBudget {
  Money budget;
  Money awarded;
  bool from_funds = false;  // the budget is the funds' allocations for the year
  // budget − awarded: what an award may still take (below zero when allocations were cut under
  // what was already awarded).
  Money Remaining() const;
};

// The one rule for "which budget applies to a policy in `year`", for the decision and for every
// figure shown: when funds of budget year `year` allocated to the policy (REWARD_POLICY
// recipients; `funds_allocated` has a value, even zero), those allocations are its budget and
// what it awarded in that award year (`awarded_in_year`) counts against them; otherwise the
// data's budget, against what it awarded in all years (`awarded_ever`).
PolicyBudget BudgetForYear(const RewardPolicy& policy, std::optional<Money> funds_allocated, Money awarded_in_year,
                           Money awarded_ever);

// BudgetForYear for every policy, keyed by policy_id, from the ledger's figures keyed the same
// way: the funds' allocations for the year (a policy absent had none), its awards in the year and
// in all years (absent: nothing awarded).
std::map<std::string, PolicyBudget> BudgetsForYear(const std::vector<RewardPolicy>& policies,
                                                   const std::map<std::string, Money>& funds_allocated,
                                                   const std::map<std::string, Money>& awarded_in_year,
                                                   const std::map<std::string, Money>& awarded_ever);

// A payout is late when it is paid after its due date.
constexpr bool PaidLate(Date due, Date paid) { return paid > due; }

// Payouts are paid on working days of China's official calendar: FAILED_PRECONDITION
// NOT_A_WORKING_DAY otherwise (CALENDAR_NOT_AVAILABLE for a year the data does not list).
absl::Status CheckPaymentDay(const WorkingDayCalendar& calendar, Date payment_date);

// The id of a disbursement run: "RUN-" and its request_id (once, whatever the caller chose).
std::string RunIdFor(const std::string& request_id);

// A one-line description of the formula for people ("5000.00 元", "1.5 % of spend_fen, at most …").
std::string DescribeFormula(const RewardPolicy& policy);

}  // namespace subsidy::reward
