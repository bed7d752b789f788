// FundService's performance targets (绩效目标): output and outcome indicators entered by finance for
// a fund, and the progress entered against them. An indicator once entered is not changed (a
// different target is another indicator); progress is appended, the latest shown.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ids/canonical.h"
#include "services/common.h"
#include "services/services.h"

namespace subsidy::service {

constexpr char kTargetAlreadySet[] = "TARGET_ALREADY_SET";

namespace {

// A day entered: the request's (never after today), or today (China Standard Time).
absl::StatusOr<Date> DateOrToday(Call& call, const std::string& text) {
  const Date today = call.clock().TodayInChina();
  if (text.empty()) return today;
  auto d = ParseDate(text, "date");
  if (!d.ok()) return d.status();
  if (today < *d) return InvalidField("date", "after today");
  return *d;
}

// A target or progress value: up to 15 digits, optionally a point and up to 4 decimals.
absl::Status ValidateDecimal(const std::string& value, absl::string_view field) {
  if (value.empty()) return RequiredField(field);
  const size_t point = value.find('.');
  const std::string whole = value.substr(0, point), frac = point == std::string::npos ? "" : value.substr(point + 1);
  auto digits = [](const std::string& s) {
    for (char c : s) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  };
  if (whole.empty() || whole.size() > 15 || !digits(whole) || (point != std::string::npos && frac.empty()) ||
      frac.size() > 4 || !digits(frac)) {
    return InvalidField(field, "a decimal such as \"1200\" or \"95.5\" (up to 4 decimals)");
  }
  return absl::OkStatus();
}

void TargetsToProto(const std::string& fund_id, const std::vector<storage::FundTargetRow>& rows, v1::FundTargets* out) {
  out->set_fund_id(fund_id);
  for (const auto& t : rows) {
    auto* p = out->add_targets();
    p->set_indicator_id(t.indicator_id);
    v1::PerformanceTarget::Kind kind = v1::PerformanceTarget::KIND_UNSPECIFIED;
    v1::PerformanceTarget::Kind_Parse(t.kind, &kind);
    p->set_kind(kind);
    p->set_name(t.name);
    p->set_unit(t.unit);
    p->set_target_value(t.target_value);
    p->set_progress_value(t.progress_value);
    p->set_progress_date(t.progress_date);
    p->set_entered_by(t.entered_by);
    p->set_entered_on(t.entered_on.ToString());
    if (out->entered_on().empty() || p->entered_on() < out->entered_on()) out->set_entered_on(p->entered_on());
  }
}

absl::StatusOr<storage::FundRow> ExistingFund(storage::LedgerTx& tx, const std::string& fund_id) {
  auto fund = tx.funds().FundForUpdate(fund_id);
  if (!fund.ok()) return fund.status();
  if (!fund->has_value()) return absl::NotFoundError(absl::StrCat("no fund ", fund_id));
  return **fund;
}

namespace handlers {

absl::Status SetFundTargets(Call& call, const v1::SetFundTargetsRequest& req, v1::FundTargets* out) {
  if (auto s = ValidateId(req.fund_id(), "fund_id"); !s.ok()) return s;
  auto date = DateOrToday(call, req.date());
  if (!date.ok()) return date.status();
  if (req.targets().empty()) return RequiredField("targets");
  std::vector<storage::FundTargetRow> rows;
  std::set<std::string> keys;
  for (int i = 0; i < req.targets_size(); ++i) {
    const auto& t = req.targets(i);
    const std::string at = absl::StrCat("targets[", i, "].");
    auto id = CanonicalizeId(t.indicator_id(), at + "indicator_id");
    if (!id.ok()) return id.status();
    if (!keys.insert(id->key).second) return InvalidField(at + "indicator_id", "named twice");
    if (t.kind() == v1::PerformanceTarget::KIND_UNSPECIFIED || !v1::PerformanceTarget::Kind_IsValid(t.kind())) {
      return InvalidField(at + "kind", "OUTPUT or OUTCOME");
    }
    if (auto s = ValidateText(t.name(), at + "name", 200, true); !s.ok()) return s;
    if (auto s = ValidateText(t.unit(), at + "unit", 32, true); !s.ok()) return s;
    if (auto s = ValidateDecimal(t.target_value(), at + "target_value"); !s.ok()) return s;
    rows.push_back({req.fund_id(), id->key, id->text, v1::PerformanceTarget::Kind_Name(t.kind()), t.name(), t.unit(),
                    t.target_value(), *date, call.caller(), req.request_id()});
  }
  return call.Mutate(
      req, {"fund:" + req.fund_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::FundTargets> {
        auto fund = ExistingFund(tx, req.fund_id());
        if (!fund.ok()) return fund.status();
        // Entered on a day between the fund's budget and today: a past day's figures stay as they were
        // shown then, but for targets entered late on paper.
        if (*date < fund->date) return InvalidField("date", "before the fund's budget date");
        for (const auto& r : rows) {
          auto added = tx.monitoring().AddTarget(r);
          if (!added.ok()) return added.status();
          if (!*added) {
            return WithParams(FailedPrecondition(kTargetAlreadySet, absl::StrCat("fund ", req.fund_id(), " has indicator ",
                                                                                 r.indicator_id, " already")),
                              {{"fund_id", req.fund_id()}, {"indicator_id", r.indicator_id}});
          }
        }
        if (auto s = call.Audit(tx.audit(), req.request_id(), req.fund_id(), "OK",
                                absl::StrCat(rows.size(), " performance target(s) entered"));
            !s.ok()) {
          return s;
        }
        auto all = tx.monitoring().Targets(req.fund_id());
        if (!all.ok()) return all.status();
        v1::FundTargets t;
        TargetsToProto(req.fund_id(), *all, &t);
        return t;
      },
      out);
}

absl::Status RecordTargetProgress(Call& call, const v1::RecordTargetProgressRequest& req, v1::FundTargets* out) {
  if (auto s = ValidateId(req.fund_id(), "fund_id"); !s.ok()) return s;
  auto id = CanonicalizeId(req.indicator_id(), "indicator_id");
  if (!id.ok()) return id.status();
  if (auto s = ValidateDecimal(req.value(), "value"); !s.ok()) return s;
  auto date = DateOrToday(call, req.date());
  if (!date.ok()) return date.status();
  return call.Mutate(
      req, {"fund:" + req.fund_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::FundTargets> {
        auto fund = ExistingFund(tx, req.fund_id());
        if (!fund.ok()) return fund.status();
        auto all = tx.monitoring().Targets(req.fund_id());
        if (!all.ok()) return all.status();
        const storage::FundTargetRow* target = nullptr;
        for (const auto& t : *all) {
          if (t.indicator_key == id->key) target = &t;
        }
        if (target == nullptr) {
          return absl::NotFoundError(absl::StrCat("fund ", req.fund_id(), " has no indicator ", req.indicator_id()));
        }
        if (*date < target->entered_on) return InvalidField("date", "before the indicator was entered");
        if (auto s = tx.monitoring().AddProgress(req.fund_id(), id->key, req.value(), *date, call.caller(),
                                                 req.request_id());
            !s.ok()) {
          return s;
        }
        if (auto s = call.Audit(tx.audit(), req.request_id(), req.fund_id(), "OK",
                                absl::StrCat("progress of ", target->indicator_id, ": ", req.value()));
            !s.ok()) {
          return s;
        }
        auto now = tx.monitoring().Targets(req.fund_id());
        if (!now.ok()) return now.status();
        v1::FundTargets t;
        TargetsToProto(req.fund_id(), *now, &t);
        return t;
      },
      out);
}

absl::Status GetFundTargets(Call& call, const v1::GetFundTargetsRequest& req, v1::FundTargets* out) {
  if (auto s = ValidateId(req.fund_id(), "fund_id"); !s.ok()) return s;
  auto fund = call.storage().funds().GetFund(req.fund_id());
  if (!fund.ok()) return fund.status();
  if (!fund->has_value()) return absl::NotFoundError(absl::StrCat("no fund ", req.fund_id()));
  auto rows = call.storage().monitoring().Targets(req.fund_id());
  if (!rows.ok()) return rows.status();
  TargetsToProto(req.fund_id(), *rows, out);
  return absl::OkStatus();
}

}  // namespace handlers
}  // namespace

#define SUBSIDY_TARGET_RPC(Rpc, runs) SUBSIDY_UNARY_RPC(FundServiceImpl, Rpc, runs)
SUBSIDY_TARGET_RPC(SetFundTargets, Runs::kMutation)
SUBSIDY_TARGET_RPC(RecordTargetProgress, Runs::kMutation)
SUBSIDY_TARGET_RPC(GetFundTargets, Runs::kInline)
#undef SUBSIDY_TARGET_RPC

}  // namespace subsidy::service
