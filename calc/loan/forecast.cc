#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "loan/what_if.h"
#include "money/exact.h"

namespace subsidy::loan {

Date AddMonths(Date d, int months) {
  const Date::Ymd ymd = d.ToYmd();
  const int index = ymd.year * 12 + (ymd.month - 1) + months;
  const int year = index / 12, month = index % 12 + 1;
  const Date first = Date::FromValidYmd(year, month, 1);
  const Date next = month == 12 ? Date::FromValidYmd(year + 1, 1, 1) : Date::FromValidYmd(year, month + 1, 1);
  const int last_day = DaysBetween(first, next);
  return Date::FromValidYmd(year, month, std::min(ymd.day, last_day));
}

absl::Status ValidateNewLending(const NewLending& n, const PolicyData& data) {
  auto bad = [](std::string field, absl::string_view problem) { return InvalidField(field, problem); };
  if (n.yearly_principal.fen() < 0 || n.yearly_principal.fen() > kMaxPrincipalFen) {
    return bad("new_lending.yearly_principal_fen", "must be 0 to 10 trillion 元");
  }
  if (n.yearly_principal.fen() > 0 && n.mix.empty()) return bad("new_lending.mix", "a volume needs its mix");
  int shares = 0;
  for (size_t i = 0; i < n.mix.size(); ++i) {
    const NewLendingMix& m = n.mix[i];
    const std::string f = absl::StrCat("new_lending.mix[", i, "].");
    if (m.share_percent <= 0 || m.share_percent > 100) return bad(f + "share_percent", "must be 1 to 100");
    shares += m.share_percent;
    if (data.FindProvince(m.province) == nullptr) return bad(f + "province", "unknown province code");
    if (m.average_principal.fen() <= 0 || m.average_principal.fen() > kMaxPrincipalFen) {
      return bad(f + "average_principal_fen", "must be positive");
    }
    if (m.rate_spread_bp < -500 || m.rate_spread_bp > 1000) return bad(f + "rate_spread_bp", "must be -500 to 1000");
    if (m.term_months < 1 || m.term_months > 360) return bad(f + "term_months", "must be 1 to 360");
    if (m.program == LoanProgram::kPartnership && m.partner_count < 2) {
      return bad(f + "partner_count", "a partnership loan needs at least 2 partners");
    }
  }
  if (!n.mix.empty() && shares != 100) return bad("new_lending.mix", "the shares must sum to 100");
  return absl::OkStatus();
}

Forecast::Forecast(std::vector<DateRange> quarters, const PolicyData& data, int drivers, int list_limit)
    : quarters_(std::move(quarters)), data_(data), drivers_(drivers), list_limit_(list_limit) {
  for (const auto& q : quarters_) r_.quarters.push_back({q});
}

void Forecast::Keep(int q, Driver d) {
  auto& v = r_.quarters[q].drivers;
  auto larger = [](const Driver& a, const Driver& b) {
    if (a.subsidy.fen() != b.subsidy.fen()) return a.subsidy.fen() > b.subsidy.fen();
    return std::tie(a.bank_id, a.loan_id) < std::tie(b.bank_id, b.loan_id);
  };
  if (static_cast<int>(v.size()) >= drivers_ && !larger(d, v.back())) return;
  v.insert(std::upper_bound(v.begin(), v.end(), d, larger), std::move(d));
  if (static_cast<int>(v.size()) > drivers_) v.pop_back();
}

void Forecast::Add(const BookLoan& loan) {
  if (quarters_.empty()) return;
  LoanInput in = loan.input;
  in.claim_period = *DateRange::Make(quarters_.front().first(), quarters_.back().last());
  auto r = CalculateLoanSubsidy(in, data_);
  if (!r.ok()) {
    ++r_.failed_count;
    if (r_.failures.size() < static_cast<size_t>(list_limit_)) {
      r_.failures.push_back({loan.bank_id, loan.input.loan_id, r.status()});
    }
    return;
  }
  ++r_.loans;
  size_t q = 0;
  for (const auto& p : r->periods) {
    while (q < quarters_.size() && quarters_[q].last() < p.range.first()) ++q;
    if (q == quarters_.size() || p.subsidy.fen() == 0) continue;
    ForecastQuarter& fq = r_.quarters[q];
    fq.book = Money::Fen(fq.book.fen() + p.subsidy.fen());
    ++fq.loans;
    if (drivers_ > 0) Keep(static_cast<int>(q), {loan.bank_id, loan.input.loan_id, p.subsidy});
  }
}

void Forecast::Merge(Forecast&& o) {
  r_.loans += o.r_.loans;
  r_.failed_count += o.r_.failed_count;
  for (auto& f : o.r_.failures) {
    if (r_.failures.size() < static_cast<size_t>(list_limit_)) r_.failures.push_back(std::move(f));
  }
  for (size_t q = 0; q < quarters_.size(); ++q) {
    ForecastQuarter& a = r_.quarters[q];
    const ForecastQuarter& b = o.r_.quarters[q];
    a.book = Money::Fen(a.book.fen() + b.book.fen());
    a.loans += b.loans;
    for (const Driver& d : b.drivers) Keep(static_cast<int>(q), d);
  }
}

absl::Status Forecast::AddNewLending(const NewLending& lending) {
  if (auto s = ValidateNewLending(lending, data_); !s.ok()) return s;
  if (quarters_.empty() || lending.yearly_principal.fen() == 0) return absl::OkStatus();
  const DateRange window = *DateRange::Make(quarters_.front().first(), quarters_.back().last());
  for (size_t cohort = 0; cohort < quarters_.size(); ++cohort) {
    const Date lent = quarters_[cohort].first();
    for (size_t i = 0; i < lending.mix.size(); ++i) {
      const NewLendingMix& m = lending.mix[i];
      // The quarter's part of the year's volume for this mix, to the 分 by the one rounding rule.
      auto volume = RoundQuotient(Int128(lending.yearly_principal.fen()) * m.share_percent, 400);
      if (!volume.ok()) return volume.status();
      const int64_t count = *volume / m.average_principal.fen();
      const int64_t remainder = *volume - count * m.average_principal.fen();
      auto run = [&](int64_t principal, int64_t times) -> absl::Status {
        if (principal <= 0 || times <= 0) return absl::OkStatus();
        LoanInput in;
        in.loan_id = absl::StrCat("NEW-", lent.ToString(), "-", i + 1);
        in.province = m.province;
        in.region_tier = m.region_tier;
        in.program = m.program;
        in.partner_count = m.partner_count;
        in.principal = Money::Fen(principal);
        in.contract_date = in.disbursement_date = lent;
        in.maturity_date = AddMonths(lent, m.term_months);
        in.lpr_tenor = m.term_months > 60 ? LprTenor::kFiveYear : LprTenor::kOneYear;
        const LoanTerms terms = TermsFor(data_, in.province, in.program, in.region_tier, lent, in.lpr_tenor,
                                         std::make_pair(in.disbursement_date, in.maturity_date));
        if (!terms.lpr) return absl::FailedPreconditionError(absl::StrCat("no LPR for ", lent.ToString()));
        in.annual_rate = Max(Rate::Zero(), terms.lpr->Plus(Rate::FromBasisPoints(m.rate_spread_bp)));
        in.claim_period = window;
        auto r = CalculateLoanSubsidy(in, data_);
        if (!r.ok()) return r.status();
        size_t q = 0;
        for (const auto& p : r->periods) {
          while (q < quarters_.size() && quarters_[q].last() < p.range.first()) ++q;
          if (q == quarters_.size()) break;
          auto total = p.subsidy.Times(times);
          if (!total.ok()) return total.status();
          r_.quarters[q].new_lending = Money::Fen(r_.quarters[q].new_lending.fen() + total->fen());
        }
        return absl::OkStatus();
      };
      if (auto s = run(m.average_principal.fen(), count); !s.ok()) return s;
      if (auto s = run(remainder, 1); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

ForecastResult Forecast::Finish() && { return std::move(r_); }

Money OutstandingOn(const LoanInput& loan, Date d) {
  int64_t left = loan.principal.fen();
  for (const auto& r : loan.repayments) {
    if (!(d < r.date)) left -= r.principal.fen();  // validated: repayments sum to at most the principal
  }
  return Money::Fen(left);
}

absl::StatusOr<std::shared_ptr<const PolicyData>> WithLprPath(const PolicyData& data, std::vector<LprFixing> path) {
  std::vector<LprFixing> fixings = data.lpr().fixings();
  Date last = data.lpr().last_confirmed();
  for (size_t i = 0; i < path.size(); ++i) {
    // A scenario is about the future: never before a date the data hold as confirmed.
    if (!(fixings.back().effective_date < path[i].effective_date) ||
        !(data.lpr().last_confirmed() < path[i].effective_date)) {
      return InvalidField(absl::StrCat("lpr_path[", i, "].effective_date"),
                          absl::StrCat("must follow the last confirmed date (", data.lpr().last_confirmed().ToString(),
                                       "), the latest fixing and the path's earlier points"));
    }
    path[i].status = Certainty::kUnverified;
    path[i].source = "scenario";
    last = std::max(last, path[i].effective_date);
    fixings.push_back(std::move(path[i]));
  }
  auto table = LprTable::Build(std::move(fixings), last);
  if (!table.ok()) return InvalidField("lpr_path", table.status().message());
  return data.Amended(std::nullopt, std::move(*table), "+lpr-scenario");
}

std::string ErrorPercent(Money error, Money claimed) {
  if (claimed.fen() == 0) return "";
  auto bp = RoundQuotient(Int128(error.fen()) * 10000, claimed.fen());
  if (!bp.ok()) return "";
  const int64_t a = *bp < 0 ? -*bp : *bp;
  return absl::StrCat(*bp < 0 ? "-" : "", a / 100, ".", absl::Dec(a % 100, absl::kZeroPad2));
}

}  // namespace subsidy::loan
