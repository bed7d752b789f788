#include "funds/rules.h"

#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ids/ids.h"

namespace subsidy::funds {
namespace {

constexpr Word<Severity> kSeverities[] = {
    {Severity::kRed, "RED"}, {Severity::kOrange, "ORANGE"}, {Severity::kYellow, "YELLOW"}, {Severity::kBlue, "BLUE"}};
constexpr Word<RuleAction> kActions[] = {
    {RuleAction::kBlock, "BLOCK"}, {RuleAction::kWarn, "WARN"}, {RuleAction::kRecord, "RECORD"}};

// Which parameters a kind takes: one group, or none.
enum class Param { kNone, kDays, kWorkingDays, kTolerance, kThreshold, kNested };
struct KindParam {
  absl::string_view kind;
  Param param;
};
constexpr KindParam kKinds[] = {
    {kExecutionLagging, Param::kTolerance},     {kIdleAllocation, Param::kDays},
    {kOverduePayout, Param::kNone},             {kTargetShareMissed, Param::kNone},
    {kPayoutHeld, Param::kNone},                {kPaymentUnconfirmed, Param::kWorkingDays},
    {kPaymentFailedOpen, Param::kWorkingDays},  {kLargePersonalPayment, Param::kThreshold},
    {kNonWorkingDayPayment, Param::kNone},      {kLateAllocation, Param::kDays},
    {kTargetsMissing, Param::kDays},            {kNestedTargetShareMissed, Param::kNested},
    {kTransferToOwnAccount, Param::kNone},
};
constexpr Param kGroups[] = {Param::kDays, Param::kWorkingDays, Param::kTolerance, Param::kThreshold, Param::kNested};

const char* ParamName(Param p) {
  switch (p) {
    case Param::kDays: return "days";
    case Param::kWorkingDays: return "working_days";
    case Param::kTolerance: return "tolerance_points";
    case Param::kThreshold: return "threshold_fen";
    case Param::kNested: return "the nested lists (fund_region_prefix, outer_*, inner_*)";
    case Param::kNone: break;
  }
  return "";
}

std::optional<Param> ParamOf(absl::string_view kind) {
  for (const auto& k : kKinds) {
    if (kind == k.kind) return k.param;
  }
  return std::nullopt;
}

// Whether the rule carries a value of the group. Zero is "not set": a tolerance of 0 points set on
// purpose is told from a missing one by the loader, which sees the text.
bool IsSet(const MonitoringRule& r, Param p) {
  switch (p) {
    case Param::kDays: return r.days != 0;
    case Param::kWorkingDays: return r.working_days != 0;
    case Param::kTolerance: return r.tolerance != Rate();
    case Param::kThreshold: return r.threshold != Money();
    case Param::kNested:
      return !r.fund_region_prefix.empty() || !r.outer_list.empty() || !r.inner_list.empty() ||
             !r.outer_prefixes.empty() || !r.inner_prefixes.empty() || r.outer_min != Rate() || r.inner_min != Rate();
    case Param::kNone: break;
  }
  return false;
}

bool IsPercent(Rate r) { return r >= Rate() && r <= Rate::FromBasisPoints(100 * 100); }

// A GB/T 2260 prefix: a province (2 digits) down to a township (12).
bool IsRegionPrefix(absl::string_view p) {
  if (p.size() < 2 || p.size() > 12) return false;
  for (char c : p) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsRuleId(absl::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

absl::Status Bad(const MonitoringRule& r, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("rule ", r.rule_id, " (", r.kind, "): ", problem));
}

// The nested lists: prefixes that can match, inner within outer within the funds' region.
absl::Status CheckNested(const MonitoringRule& r) {
  if (!IsRegionPrefix(r.fund_region_prefix)) return Bad(r, "fund_region_prefix must be 2 to 12 digits");
  if (r.outer_prefixes.empty() || r.inner_prefixes.empty()) return Bad(r, "the outer and inner lists need prefixes");
  for (const auto& p : r.outer_prefixes) {
    if (!IsRegionPrefix(p) || p.rfind(r.fund_region_prefix, 0) != 0) {
      return Bad(r, absl::StrCat("outer prefix ", p, " is not a region within ", r.fund_region_prefix));
    }
  }
  for (const auto& p : r.inner_prefixes) {
    // An inner prefix outside every outer one could never count.
    if (!IsRegionPrefix(p) || !InTargetRegion(p, r.outer_prefixes)) {
      return Bad(r, absl::StrCat("inner prefix ", p, " is not a region within the outer list"));
    }
  }
  if (!IsPercent(r.outer_min) || !IsPercent(r.inner_min)) return Bad(r, "outer and inner minimums are 0 to 100 percent");
  return absl::OkStatus();
}

absl::Status CheckParameters(const MonitoringRule& r, Param own) {
  for (Param g : kGroups) {
    if (g != own && IsSet(r, g)) return Bad(r, absl::StrCat(ParamName(g), " is not a parameter of ", r.kind));
  }
  switch (own) {
    case Param::kDays:
      if (r.days < 1 || r.days > 366) return Bad(r, "days must be 1 to 366");
      break;
    case Param::kWorkingDays:
      if (r.working_days < 1 || r.working_days > 60) return Bad(r, "working_days must be 1 to 60");
      break;
    case Param::kTolerance:
      if (!IsPercent(r.tolerance)) return Bad(r, "tolerance_points must be 0 to 100 percentage points");
      break;
    case Param::kThreshold:
      if (r.threshold <= Money()) return Bad(r, "threshold_fen must be positive");
      break;
    case Param::kNested: return CheckNested(r);
    case Param::kNone: break;
  }
  return absl::OkStatus();
}

absl::Status CheckRule(const MonitoringRule& r) {
  if (!IsRuleId(r.rule_id)) return Bad(r, "rule_id must be capital letters, digits and '-'");
  const auto own = ParamOf(r.kind);
  if (!own) return Bad(r, "not a kind of alert a rule may be");
  if (auto s = CheckParameters(r, *own); !s.ok()) return s;
  if (r.effective_to && *r.effective_to < r.effective_from) return Bad(r, "effective_to is before effective_from");
  // Only a posting can be refused, and 违规划转 is the one rule that refuses one.
  const bool own_account = r.kind == kTransferToOwnAccount;
  if (own_account && r.action != RuleAction::kBlock) return Bad(r, "its action must be BLOCK");
  if (!own_account && r.action == RuleAction::kBlock) {
    return Bad(r, absl::StrCat("only ", kTransferToOwnAccount, " may BLOCK"));
  }
  return absl::OkStatus();
}

// A percentage as the data writes it: "10", "2.5".
std::string PercentText(Rate r) {
  std::string s = r.ToString();
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

absl::Status AddTo(Money& sum, Money m) {
  auto next = sum.Plus(m);
  if (!next.ok()) return next.status();
  sum = *next;
  return absl::OkStatus();
}

}  // namespace

const char* SeverityName(Severity s) { return CodeIn(kSeverities, s); }
const char* RuleActionName(RuleAction a) { return CodeIn(kActions, a); }
std::optional<Severity> SeverityFromName(absl::string_view name) { return WordFrom(kSeverities, name); }
std::optional<RuleAction> RuleActionFromName(absl::string_view name) { return WordFrom(kActions, name); }

bool MonitoringRule::InForce(Date day) const {
  return effective_from <= day && (!effective_to || day <= *effective_to);
}

std::string MonitoringRule::ParametersText() const {
  const auto param = ParamOf(kind);
  switch (param.value_or(Param::kNone)) {
    case Param::kDays: return absl::StrCat("days=", days);
    case Param::kWorkingDays: return absl::StrCat("working_days=", working_days);
    case Param::kTolerance: return absl::StrCat("tolerance_points=", PercentText(tolerance));
    case Param::kThreshold: return absl::StrCat("threshold_fen=", threshold.fen());
    case Param::kNested:
      return absl::StrCat("fund_region_prefix=", fund_region_prefix, " outer=", outer_list, ">=", PercentText(outer_min),
                          " inner=", inner_list, ">=", PercentText(inner_min));
    case Param::kNone: break;
  }
  return "";
}

absl::StatusOr<MonitoringRules> MonitoringRules::Build(std::vector<MonitoringRule> rules) {
  std::set<std::string> ids;
  for (const auto& r : rules) {
    if (auto s = CheckRule(r); !s.ok()) return s;
    if (!ids.insert(r.rule_id).second) return Bad(r, "rule_id listed twice");
  }
  MonitoringRules out;
  out.rules_ = std::move(rules);
  return out;
}

std::vector<const MonitoringRule*> MonitoringRules::InForce(Date day, absl::string_view kind) const {
  std::vector<const MonitoringRule*> out;
  for (const auto& r : rules_) {
    if ((kind.empty() || r.kind == kind) && r.InForce(day)) out.push_back(&r);
  }
  return out;
}

const MonitoringRule* MonitoringRules::Find(absl::string_view rule_id) const {
  for (const auto& r : rules_) {
    if (r.rule_id == rule_id) return &r;
  }
  return nullptr;
}

bool IsPersonId(absl::string_view id) {
  if (!ValidateCitizenId(id).ok()) return false;
  // A unit's USCC of digits passes the check character by chance one time in 11; its positions
  // 7–14 are no birth date (GB 11643: YYYYMMDD there).
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(id.substr(6, 4), &year) || !absl::SimpleAtoi(id.substr(10, 2), &month) ||
      !absl::SimpleAtoi(id.substr(12, 2), &day)) {
    return false;
  }
  return Date::FromYmd(year, month, day).ok();
}

absl::StatusOr<NestedShares> NestedShare(const std::vector<RegionAllocation>& allocations,
                                         const std::vector<std::string>& outer_prefixes,
                                         const std::vector<std::string>& inner_prefixes) {
  Money all, outer, inner;
  for (const auto& a : allocations) {
    if (auto s = AddTo(all, a.allocated); !s.ok()) return s;
    if (!InTargetRegion(a.region_code, outer_prefixes)) continue;
    if (auto s = AddTo(outer, a.allocated); !s.ok()) return s;
    if (!InTargetRegion(a.region_code, inner_prefixes)) continue;
    if (auto s = AddTo(inner, a.allocated); !s.ok()) return s;
  }
  return NestedShares{Ratio::Of(outer, all), Ratio::Of(inner, outer)};
}

bool MissesNestedShare(const NestedShares& shares, const MonitoringRule& rule, Money allocated) {
  if (allocated <= Money()) return false;
  if (shares.outer.BelowPercent(rule.outer_min)) return true;
  // Nothing in the outer regions has no inner share to judge (the outer miss says it all).
  return shares.outer.numerator() > 0 && shares.inner_of_outer.BelowPercent(rule.inner_min);
}

bool PastDeadline(Date budget_date, int days, Date as_of) { return as_of > budget_date.AddDays(days); }

}  // namespace subsidy::funds
