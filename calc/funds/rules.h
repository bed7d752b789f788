// Dynamic monitoring's rules (动态监控规则) as dated data: what each rule is, which are in force on a
// day, and the pure tests the rules apply that execution.h does not already own. A past day is
// judged by the rules in force then, so any past day's alerts can be recomputed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "funds/execution.h"
#include "money/money.h"
#include "money/rate.h"
#include "policy/vocabulary.h"
#include "time/date.h"

namespace subsidy::funds {

enum class Severity { kRed, kOrange, kYellow, kBlue };
enum class RuleAction { kBlock, kWarn, kRecord };
const char* SeverityName(Severity s);     // RED, ORANGE, YELLOW, BLUE
const char* RuleActionName(RuleAction a);  // BLOCK, WARN, RECORD
std::optional<Severity> SeverityFromName(absl::string_view name);
std::optional<RuleAction> RuleActionFromName(absl::string_view name);

// The kinds a rule may be (subsidy.v1.FundAlert.Kind names: alert kinds, not reason codes), and
// which parameters each takes.
inline constexpr absl::string_view kExecutionLagging = "EXECUTION_LAGGING";        // tolerance_points
inline constexpr absl::string_view kIdleAllocation = "IDLE_ALLOCATION";            // days
inline constexpr absl::string_view kOverduePayout = "OVERDUE_PAYOUT";              // —
inline constexpr absl::string_view kTargetShareMissed = "TARGET_SHARE_MISSED";     // — (the fund's own targets)
inline constexpr absl::string_view kPayoutHeld = "PAYOUT_HELD";                    // —
inline constexpr absl::string_view kPaymentUnconfirmed = "PAYMENT_UNCONFIRMED";    // working_days
inline constexpr absl::string_view kPaymentFailedOpen = "PAYMENT_FAILED_OPEN";     // working_days
inline constexpr absl::string_view kLargePersonalPayment = "LARGE_PERSONAL_PAYMENT";  // threshold
inline constexpr absl::string_view kNonWorkingDayPayment = "NON_WORKING_DAY_PAYMENT";  // —
inline constexpr absl::string_view kLateAllocation = "LATE_ALLOCATION";            // days
inline constexpr absl::string_view kTargetsMissing = "TARGETS_MISSING";            // days
inline constexpr absl::string_view kNestedTargetShareMissed = "NESTED_TARGET_SHARE_MISSED";  // the nested lists
inline constexpr absl::string_view kTransferToOwnAccount = "TRANSFER_TO_OWN_ACCOUNT";  // — (BLOCK)

// A posting a BLOCK rule forbids ({rule_id}, {kind}): FAILED_PRECONDITION.
inline constexpr char kMonitoringRuleBlocked[] = "MONITORING_RULE_BLOCKED";

struct MonitoringRule {
  std::string rule_id;
  std::string kind;  // one of the kinds above
  Severity severity = Severity::kYellow;
  RuleAction action = RuleAction::kWarn;
  Date effective_from;
  std::optional<Date> effective_to;  // inclusive; none: open-ended
  Certainty status = Certainty::kUnverified;
  std::string source;
  // Parameters (only those of its kind are set).
  int days = 0;
  int working_days = 0;
  Rate tolerance;        // percentage points
  Money threshold;
  std::string fund_region_prefix;
  std::string outer_list, inner_list;  // region lists' ids
  std::string outer_name, inner_name;  // and their names (南疆四地州 …), for display
  std::vector<std::string> outer_prefixes, inner_prefixes;
  Rate outer_min, inner_min;  // percentages

  bool InForce(Date day) const;
  // Its parameters as the data writes them ("days=30", "threshold_fen=5000000", …), for display.
  std::string ParametersText() const;
};

// Every rule of the data, checked (ids unique; a kind's parameters and no others; windows sane).
class MonitoringRules {
 public:
  MonitoringRules() = default;
  // INVALID_ARGUMENT naming the rule when one is malformed.
  static absl::StatusOr<MonitoringRules> Build(std::vector<MonitoringRule> rules);
  const std::vector<MonitoringRule>& all() const { return rules_; }
  // The rules of `kind` (every kind when empty) in force on `day`, in the data's order.
  std::vector<const MonitoringRule*> InForce(Date day, absl::string_view kind = "") const;
  const MonitoringRule* Find(absl::string_view rule_id) const;

 private:
  std::vector<MonitoringRule> rules_;
};

// Whether a payee's id is a natural person's (an 18-character 居民身份证号 with a valid check
// character) rather than a unit's USCC.
bool IsPersonId(absl::string_view id);

// A fund's nested target shares: of all it allocated, the share to the outer regions; of what went
// to the outer regions, the share to the inner ones (Xinjiang: ≥ 80 % to the four southern
// prefectures and, of that, ≥ 85 % to the deep-poverty counties).
struct NestedShares {
  Ratio outer;           // outer ÷ all
  Ratio inner_of_outer;  // inner (within outer) ÷ outer
};
absl::StatusOr<NestedShares> NestedShare(const std::vector<RegionAllocation>& allocations,
                                         const std::vector<std::string>& outer_prefixes,
                                         const std::vector<std::string>& inner_prefixes);
// Whether a fund's nested shares miss the rule (nothing allocated misses nothing).
bool MissesNestedShare(const NestedShares& shares, const MonitoringRule& rule, Money allocated);

// The day an allocation or targets were due: `days` calendar days after the fund's budget date;
// the condition is an alert from the day after.
bool PastDeadline(Date budget_date, int days, Date as_of);

}  // namespace subsidy::funds
