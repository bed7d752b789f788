// Loans the end-to-end tests share: one plain loan, and the README's sample claim file with its
// figures worked out here by hand from the file's own columns (not copied from the program).
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/loan.pb.h"

namespace subsidy::testing {

// A plain eligible loan: 100,000.00 元 to an individual entrepreneur in Henan (41, central-west),
// contracted and disbursed 2024-01-10 for a year at 4.00 %.
inline v1::LoanSubsidyRequest TestLoan(const std::string& loan_id = "") {
  v1::LoanSubsidyRequest r;
  if (!loan_id.empty()) r.set_loan_id(loan_id);
  r.set_province("41");
  r.set_region_tier(v1::CENTRAL_WEST);
  r.set_program(v1::ENTREPRENEUR_INDIVIDUAL);
  r.set_principal_fen(10'000'000);
  r.set_contract_date("2024-01-10");
  r.set_disbursement_date("2024-01-10");
  r.set_maturity_date("2025-01-10");
  r.set_annual_rate_percent("4.00");
  return r;
}

// examples/tiaobingshan-2024q3-claim.csv: 129 loans of Tiaobingshan (Liaoning) claimed for the
// settlement quarter 2024-06-21 … 2024-09-20.
inline std::string TiaobingshanClaimFile() {
  return std::string(SUBSIDY_SOURCE_DIR) + "/examples/tiaobingshan-2024q3-claim.csv";
}

struct ClaimFigures {
  int loans = 0;
  int64_t principal_fen = 0, interest_fen = 0, subsidy_fen = 0;
  std::string error;  // why the file is outside the rule below ("" when every row is inside it)
};

namespace sample_internal {

// Days since 1970-01-01 of a "YYYY-MM-DD" (proleptic Gregorian; H. Hinnant's days_from_civil).
inline int64_t DayNumber(const std::string& iso) {
  int64_t y = std::stoll(iso.substr(0, 4));
  const int64_t m = std::stoll(iso.substr(5, 2)), d = std::stoll(iso.substr(8, 2));
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::stringstream in(s);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

// "4.05" → 4050 (thousandths of a percent).
inline int64_t RateMilli(const std::string& percent) {
  const size_t dot = percent.find('.');
  std::string frac = dot == std::string::npos ? "" : percent.substr(dot + 1);
  frac.resize(3, '0');
  return std::stoll(percent.substr(0, dot)) * 1000 + std::stoll(frac);
}

// n ÷ d rounded half up, for n ≥ 0, d > 0.
inline int64_t RoundHalfUp(int64_t n, int64_t d) { return (2 * n + d) / (2 * d); }

}  // namespace sample_internal

// The file's figures for its quarter, by the rule of Caijin [2023] 75 as the data states it for
// these loans (Liaoning individual entrepreneurs' guarantee loans contracted in 2024: the
// regime CN-2023-75, subsidy rate = half the contract rate, the rate at most LPR 3.45 % +
// 150 bp = 4.95 %, the subsidised principal at most 300,000 元):
//   interest_fen = round½↑(Σ over the quarter's days from disbursement: outstanding × rate ÷ 100 ÷ 360)
//   subsidy_fen  = round½↑(Σ over those days outside an overdue period: outstanding × rate ÷ 2 ÷ 100 ÷ 360)
// per loan (the quarter is one settlement period: one rounding each); outstanding = principal −
// the repayments dated on or before the day; ACT/360 as the file's day_count says. A row the rule
// does not cover (another province, day count or year, a rate above the ceiling, a principal
// above the cap, a loan that ends within the quarter) sets `error`.
inline ClaimFigures ClaimFiguresByHand(const std::string& csv_path) {
  using namespace sample_internal;
  ClaimFigures out;
  std::ifstream in(csv_path);
  std::string line;
  if (!std::getline(in, line)) {
    out.error = "cannot read " + csv_path;
    return out;
  }
  const std::vector<std::string> header = Split(line, ',');
  auto col = [&](const std::string& name) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int c_province = col("province"), c_program = col("program"), c_principal = col("principal_fen"),
            c_contract = col("contract_date"), c_disbursed = col("disbursement_date"),
            c_maturity = col("maturity_date"), c_rate = col("annual_rate_percent"), c_repayments = col("repayments"),
            c_overdue = col("overdue_periods"), c_prior = col("prior_subsidized_loans"), c_day_count = col("day_count");
  for (int c : {c_province, c_program, c_principal, c_contract, c_disbursed, c_maturity, c_rate, c_repayments,
                c_overdue, c_prior, c_day_count}) {
    if (c < 0) {
      out.error = "the header lacks a column the rule needs: " + line;
      return out;
    }
  }
  const int64_t first = DayNumber("2024-06-21"), last = DayNumber("2024-09-20");
  for (int row = 2; std::getline(in, line); ++row) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> cells = Split(line, ',');
    const std::string where = "row " + std::to_string(row) + ": ";
    if (cells.size() < header.size()) {
      out.error = where + "fewer cells than the header";
      return out;
    }
    const int64_t principal = std::stoll(cells[c_principal]);
    const int64_t rate = RateMilli(cells[c_rate]);
    if (cells[c_province] != "21" || cells[c_program] != "ENTREPRENEUR_INDIVIDUAL" ||
        cells[c_contract].substr(0, 4) != "2024" || cells[c_day_count] != "ACT_360" ||
        !(cells[c_prior].empty() || cells[c_prior] == "0") || rate > 4950 || principal > 30'000'000 ||
        DayNumber(cells[c_maturity]) <= last) {
      out.error = where + "outside the rule worked out here: " + line;
      return out;
    }
    std::vector<std::pair<int64_t, int64_t>> repayments;  // day, fen
    if (!cells[c_repayments].empty()) {
      for (const std::string& r : Split(cells[c_repayments], ';')) {
        repayments.push_back({DayNumber(r.substr(0, 10)), std::stoll(r.substr(11))});
      }
    }
    std::vector<std::pair<int64_t, int64_t>> overdue;  // first, last day
    if (!cells[c_overdue].empty()) {
      for (const std::string& o : Split(cells[c_overdue], ';')) {
        overdue.push_back({DayNumber(o.substr(0, 10)), DayNumber(o.substr(12, 10))});
      }
    }
    int64_t interest_sum = 0, subsidy_sum = 0;  // Σ outstanding × rate (thousandths of a percent)
    for (int64_t d = std::max(first, DayNumber(cells[c_disbursed])); d <= last; ++d) {
      int64_t outstanding = principal;
      for (const auto& [day, fen] : repayments) outstanding -= day <= d ? fen : 0;
      if (outstanding <= 0) continue;
      interest_sum += outstanding * rate;
      bool is_overdue = false;
      for (const auto& [a, b] : overdue) is_overdue |= a <= d && d <= b;
      if (!is_overdue) subsidy_sum += outstanding * rate;
    }
    constexpr int64_t kPerDay = 100 * 1000 * 360;  // percent, thousandths, ACT/360
    ++out.loans;
    out.principal_fen += principal;
    out.interest_fen += RoundHalfUp(interest_sum, kPerDay);
    out.subsidy_fen += RoundHalfUp(subsidy_sum, 2 * kPerDay);
  }
  return out;
}

}  // namespace subsidy::testing
