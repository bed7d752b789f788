#include "loan/what_if.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"

namespace subsidy::loan {

const char* DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kBank: return "BANK";
    case Dimension::kProvince: return "PROVINCE";
    case Dimension::kProgram: return "PROGRAM";
    case Dimension::kBorrowerType: return "BORROWER_TYPE";
  }
  return "?";
}

const char* BorrowerTypeOf(LoanProgram p) {
  return p == LoanProgram::kSmallBusiness ? "SMALL_BUSINESS" : "INDIVIDUAL";
}

std::vector<DateRange> QuartersBetween(Date from, Date to) {
  std::vector<DateRange> out;
  for (DateRange q = SettlementPeriodContaining(from); !(to < q.first());
       q = SettlementPeriodContaining(q.last().AddDays(1))) {
    out.push_back(q);
  }
  return out;
}

namespace {

// Sums of subsidies stay far inside int64: a period's subsidy is bounded by the largest cap a
// regime may name (10亿元) times a rate, and a book by memory long before it could overflow.
void AddTo(Money& into, Money v) { into = Money::Fen(into.fen() + v.fen()); }

void AddTo(Figures& into, const Figures& v) {
  AddTo(into.in_force, v.in_force);
  AddTo(into.draft, v.draft);
  AddTo(into.claimed, v.claimed);
  into.loans += v.loans;
}

std::vector<Reason> Blocking(const LoanResult& r) {
  std::vector<Reason> out;
  for (const auto& reason : r.reasons) {
    if (reason.code != kLprUnconfirmed && reason.code != kTermBeyondSubsidyLimit && reason.code != kOverdueExcluded) {
      out.push_back(reason);
    }
  }
  return out;
}

void Fail(const BookLoan& loan, const absl::Status& s, size_t limit, std::vector<LoanFailure>& failures,
          int64_t& count) {
  ++count;
  if (failures.size() < limit) failures.push_back({loan.bank_id, loan.input.loan_id, s});
}

}  // namespace

WhatIf::WhatIf(std::vector<DateRange> quarters, const PolicyData& in_force, const PolicyData& draft, int list_limit)
    : quarters_(std::move(quarters)), in_force_(in_force), draft_(draft), list_limit_(list_limit) {
  r_.quarters = quarters_;
  r_.by_quarter.resize(quarters_.size());
}

int WhatIf::QuarterOf(Date d) const {
  auto it = std::upper_bound(quarters_.begin(), quarters_.end(), d,
                             [](Date x, const DateRange& q) { return x < q.first(); });
  return static_cast<int>(it - quarters_.begin()) - 1;
}

void WhatIf::Add(const BookLoan& loan) {
  if (quarters_.empty()) return;
  LoanInput in = loan.input;
  in.claim_period = loan.only_period ? *loan.only_period
                                     : *DateRange::Make(quarters_.front().first(), quarters_.back().last());
  auto a = CalculateLoanSubsidy(in, in_force_);
  if (!a.ok()) return Fail(loan, a.status(), list_limit_, r_.failures, r_.failed_count);
  auto b = CalculateLoanSubsidy(in, draft_);
  if (!b.ok()) return Fail(loan, b.status(), list_limit_, r_.failures, r_.failed_count);
  ++r_.loans;
  if (std::any_of(a->reasons.begin(), a->reasons.end(), [](const Reason& x) { return x.code == kLprUnconfirmed; })) {
    ++r_.lpr_presumed;
  }
  const size_t n = quarters_.size();
  absl::InlinedVector<Figures, 16> f(n);
  for (const auto& p : a->periods) {
    const int q = QuarterOf(p.range.first());
    if (q >= 0) AddTo(f[q].in_force, p.subsidy);
  }
  for (const auto& p : b->periods) {
    const int q = QuarterOf(p.range.first());
    if (q >= 0) AddTo(f[q].draft, p.subsidy);
  }
  if (loan.claimed && loan.only_period) {
    const int q = QuarterOf(loan.only_period->first());
    if (q >= 0) AddTo(f[q].claimed, *loan.claimed);
  }
  const std::string program = LoanProgramName(in.program);
  const std::string* values[] = {&loan.bank_id, &in.province, &program, nullptr};
  const std::string borrower = BorrowerTypeOf(in.program);
  values[3] = &borrower;
  Money window_difference;
  std::vector<Figures>* cells[4] = {};
  bool earned = false;
  for (size_t q = 0; q < n; ++q) {
    Figures& x = f[q];
    if (x.in_force.fen() == 0 && x.draft.fen() == 0 && x.claimed.fen() == 0) continue;
    x.loans = (x.in_force.fen() != 0 || x.draft.fen() != 0) ? 1 : 0;
    earned = earned || x.loans;
    AddTo(r_.by_quarter[q], x);
    AddTo(r_.total.in_force, x.in_force);
    AddTo(r_.total.draft, x.draft);
    AddTo(r_.total.claimed, x.claimed);
    AddTo(window_difference, x.difference());
    for (int d = 0; d < 4; ++d) {
      if (cells[d] == nullptr) {
        cells[d] = &cells_[{d, *values[d]}];
        if (cells[d]->empty()) cells[d]->resize(n);
      }
      AddTo((*cells[d])[q], x);
    }
  }
  r_.total.loans += earned ? 1 : 0;  // a loan counts once in the total, however many quarters it earned in
  if (a->eligible != b->eligible) {
    ++r_.changed_count;
    r_.changed.push_back({loan.bank_id, loan.input.loan_id, a->eligible, b->eligible, Blocking(*a), Blocking(*b),
                          window_difference});
    if (r_.changed.size() > 2 * static_cast<size_t>(list_limit_)) {
      std::sort(r_.changed.begin(), r_.changed.end(), [](const EligibilityChange& x, const EligibilityChange& y) {
        return std::abs(x.difference.fen()) > std::abs(y.difference.fen());
      });
      r_.changed.resize(list_limit_);
    }
  }
}

void WhatIf::Merge(WhatIf&& o) {
  for (size_t q = 0; q < quarters_.size(); ++q) AddTo(r_.by_quarter[q], o.r_.by_quarter[q]);
  AddTo(r_.total, o.r_.total);
  r_.loans += o.r_.loans;
  r_.changed_count += o.r_.changed_count;
  r_.failed_count += o.r_.failed_count;
  r_.lpr_presumed += o.r_.lpr_presumed;
  for (auto& c : o.r_.changed) r_.changed.push_back(std::move(c));
  for (auto& f : o.r_.failures) {
    if (r_.failures.size() < static_cast<size_t>(list_limit_)) r_.failures.push_back(std::move(f));
  }
  for (auto& [key, figures] : o.cells_) {
    auto& cell = cells_[key];
    if (cell.empty()) cell.resize(quarters_.size());
    for (size_t q = 0; q < figures.size(); ++q) AddTo(cell[q], figures[q]);
  }
}

WhatIfResult WhatIf::Finish() && {
  std::stable_sort(r_.changed.begin(), r_.changed.end(), [](const EligibilityChange& x, const EligibilityChange& y) {
    if (std::abs(x.difference.fen()) != std::abs(y.difference.fen())) {
      return std::abs(x.difference.fen()) > std::abs(y.difference.fen());
    }
    return std::tie(x.bank_id, x.loan_id) < std::tie(y.bank_id, y.loan_id);
  });
  if (r_.changed.size() > static_cast<size_t>(list_limit_)) r_.changed.resize(list_limit_);
  for (const auto& [key, figures] : cells_) {
    for (size_t q = 0; q < figures.size(); ++q) {
      const Figures& x = figures[q];
      if (x.in_force.fen() == 0 && x.draft.fen() == 0 && x.claimed.fen() == 0) continue;
      r_.breakdown.push_back({kDimensions[key.first], key.second, static_cast<int>(q), x});
    }
  }
  return std::move(r_);
}

}  // namespace subsidy::loan
