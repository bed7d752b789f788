#include "education/funds.h"

#include "funds/execution.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_util.h"
#include "money/exact.h"

namespace subsidy::education {

const char* FundSourceName(FundSource s) {
  switch (s) {
    case FundSource::kCentralDirect: return "CENTRAL_DIRECT";
    case FundSource::kMunicipal: return "MUNICIPAL";
    case FundSource::kDistrict: return "DISTRICT";
    case FundSource::kCounty: return "COUNTY";
    case FundSource::kProvincial: return "PROVINCIAL";
  }
  return "?";
}

std::optional<FundSource> FundSourceFromName(absl::string_view name) {
  for (FundSource s : kAllSources) {
    if (name == FundSourceName(s)) return s;
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<Money>> SplitByWeights(Money total, const std::vector<int64_t>& weights) {
  if (total.fen() < 0) return InvalidField("total_fen", "must not be negative");
  if (weights.empty()) return InvalidField("shares", "at least one share is required");
  Int128 sum = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) return InvalidField(absl::StrCat("shares[", i, "].weight"), "must be a positive integer");
    sum += weights[i];
  }
  std::vector<Money> parts(weights.size());
  std::vector<Int128> remainders(weights.size());
  int64_t assigned = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    auto q = FloorDivide(Int128(total.fen()) * weights[i], sum);
    if (!q.ok()) return InvalidField("total_fen", "the split overflows");
    parts[i] = Money::Fen(q->quotient);
    remainders[i] = q->remainder;
    assigned += q->quotient;
  }
  // Fewer than weights.size() 分 are left; give them to the largest remainders, earlier first.
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  int64_t left = total.fen() - assigned;
  SUBSIDY_CHECK(left >= 0 && left < static_cast<int64_t>(weights.size()));
  for (size_t k = 0; k < order.size() && left > 0; ++k, --left) parts[order[k]] = Money::Fen(parts[order[k]].fen() + 1);
  return parts;
}

absl::StatusOr<std::vector<SourceAmount>> SplitGrant(Money total, const std::vector<Share>& shares) {
  std::vector<int64_t> weights;
  for (size_t i = 0; i < shares.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (shares[j].source == shares[i].source) {
        return InvalidField(absl::StrCat("shares[", i, "].source"), "the same source appears twice");
      }
    }
    weights.push_back(shares[i].weight);
  }
  auto parts = SplitByWeights(total, weights);
  if (!parts.ok()) return parts.status();
  std::vector<SourceAmount> out;
  for (size_t i = 0; i < shares.size(); ++i) out.push_back({shares[i].source, (*parts)[i]});
  return out;
}

absl::StatusOr<std::vector<SourceAmount>> PlanExpenditure(const std::vector<FundPosition>& positions_in_order,
                                                          const std::vector<FundSource>& permitted, Money amount) {
  SUBSIDY_CHECK(amount.fen() > 0);
  std::vector<SourceAmount> draws;
  int64_t remaining = amount.fen();
  for (const auto& p : positions_in_order) {
    if (remaining == 0) break;
    if (std::find(permitted.begin(), permitted.end(), p.source) == permitted.end()) continue;
    const int64_t draw = std::min(p.balance().fen(), remaining);
    if (draw <= 0) continue;
    draws.push_back({p.source, Money::Fen(draw)});
    remaining -= draw;
  }
  if (remaining > 0) {
    const std::string held = Money::Fen(amount.fen() - remaining).ToYuanString();
    return WithParams(FailedPrecondition(kInsufficientFunds, absl::StrCat("the permitted sources hold ", held,
                                                                          " 元, less than the ", amount.ToYuanString(),
                                                                          " 元 to spend")),
                      {{"available_yuan", held}, {"amount_yuan", amount.ToYuanString()}});
  }
  return draws;
}

std::string ProgressPercent(Money spent, Money allocated) {
  // The one percentage of the project: exact, half-up to 2 decimals, "0.00" for nothing allocated.
  return funds::Ratio::Of(spent, allocated).PercentText();
}

std::vector<FundPosition> InSpendingOrder(const std::vector<FundPosition>& accounts,
                                          const std::vector<FundSource>& order) {
  std::vector<FundPosition> out;
  out.reserve(order.size());
  for (FundSource s : order) {
    FundPosition p{s, Money(), Money()};
    for (const auto& a : accounts) {
      if (a.source == s) p = a;
    }
    out.push_back(p);
  }
  return out;
}

absl::StatusOr<SchoolProgress> ProgressOf(const std::vector<FundPosition>& positions_in_order) {
  SchoolProgress out;
  for (const auto& p : positions_in_order) {
    out.sources.push_back({p.source, p.allocated, p.spent, ProgressPercent(p.spent, p.allocated)});
    auto allocated = out.allocated.Plus(p.allocated);
    if (!allocated.ok()) return allocated.status();
    auto spent = out.spent.Plus(p.spent);
    if (!spent.ok()) return spent.status();
    out.allocated = *allocated;
    out.spent = *spent;
  }
  out.progress_percent = ProgressPercent(out.spent, out.allocated);
  return out;
}

}  // namespace subsidy::education

namespace subsidy::education {

bool RunningBalances::Apply(Move move, const std::vector<SourceAmount>& amounts) {
  std::vector<SourceAmount> next = balances_;
  Money total = total_;
  for (const auto& a : amounts) {
    const Money delta = move == Move::kIn ? a.amount : Money::Fen(-a.amount.fen());
    auto it = std::find_if(next.begin(), next.end(), [&](const SourceAmount& b) { return b.source == a.source; });
    if (it == next.end()) it = next.insert(next.end(), SourceAmount{a.source, Money()});
    auto sum = it->amount.Plus(delta);
    auto all = total.Plus(delta);
    if (!sum.ok() || !all.ok()) return false;
    it->amount = *sum;
    total = *all;
  }
  balances_ = std::move(next);
  total_ = total;
  return true;
}

}  // namespace subsidy::education

namespace subsidy::education {

Money OwnMoneyLeft(const FundPosition& account, Money fund_allocated, Money fund_paid) {
  const int64_t own_allocated = account.allocated.fen() - fund_allocated.fen();
  const int64_t own_spent = account.spent.fen() - fund_paid.fen();
  return Money::Fen(std::max<int64_t>(0, own_allocated - std::max<int64_t>(0, own_spent)));
}

}  // namespace subsidy::education
