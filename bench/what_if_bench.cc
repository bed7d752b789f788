// A book of N loans (default 1,000,000) simulated over 8 quarters under one draft
// (data/reforms/SB-CAP-500), as SimulateReform runs it: two shards on two threads, merged.
// Prints progress to stderr every 100,000 loans and the figures as one JSON line.
// Usage: what-if-bench [LOANS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "loan/reform.h"
#include "loan/what_if.h"

using namespace subsidy;

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
  if (!data.ok()) return std::fprintf(stderr, "%s\n", data.status().ToString().c_str()), 1;
  const auto* text = (*data)->FindDraft("SB-CAP-500");
  auto draft = loan::LoadDraft(text->path, text->text, **data);
  if (!draft.ok()) return std::fprintf(stderr, "%s\n", draft.status().ToString().c_str()), 1;
  // A book like a province's: individuals and small firms across two provinces and four banks,
  // contracted over 2021–2023, most repaying in half-yearly instalments.
  std::vector<loan::BookLoan> book;
  book.reserve(n);
  const char* banks[] = {"BANK-A", "BANK-B", "BANK-C", "BANK-D"};
  for (int64_t i = 0; i < n; ++i) {
    loan::LoanInput in;
    in.loan_id = "L" + std::to_string(i);
    in.province = i % 3 ? "41" : "21";
    in.region_tier = i % 3 ? RegionTier::kCentralWest : RegionTier::kEast;
    in.program = i % 4 ? LoanProgram::kIndividual : LoanProgram::kSmallBusiness;
    in.principal = Money::Fen(in.program == LoanProgram::kSmallBusiness ? 50'000'000 * (1 + i % 9) : 5'000'000 * (1 + i % 4));
    in.contract_date = in.disbursement_date = Date::FromValidYmd(2021 + i % 3, 1 + i % 12, 1 + i % 28);
    in.maturity_date = in.disbursement_date.AddYears(2 + i % 2);
    in.annual_rate = Rate::FromBasisPoints(380 + i % 7 * 10);
    if (i % 5) {
      for (int k = 1; k <= 3; ++k) {
        in.repayments.push_back({loan::AddMonths(in.disbursement_date, 6 * k), Money::Fen(in.principal.fen() / 5)});
      }
    }
    book.push_back({banks[i % 4], std::move(in), std::nullopt, std::nullopt});
  }
  const auto quarters = loan::QuartersBetween(Date::FromValidYmd(2022, 3, 21), Date::FromValidYmd(2024, 3, 20));
  const auto start = std::chrono::steady_clock::now();
  loan::WhatIf a(quarters, **data, *draft->data, 100), b(quarters, **data, *draft->data, 100);
  const size_t half = book.size() / 2;
  std::thread t([&] {
    for (size_t i = 0; i < half; ++i) a.Add(book[i]);
  });
  for (size_t i = half; i < book.size(); ++i) {
    b.Add(book[i]);
    if ((i - half + 1) % 100'000 == 0) std::fprintf(stderr, "progress: %zu of %zu loans\n", 2 * (i - half + 1), book.size());
  }
  t.join();
  a.Merge(std::move(b));
  const auto r = std::move(a).Finish();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"loans\":%lld,\"quarters\":%zu,\"seconds\":%.2f,\"loans_per_s\":%.0f,\"in_force_fen\":%lld,\"draft_fen\":%lld,"
      "\"changed\":%lld,\"failed\":%lld}\n",
      static_cast<long long>(n), quarters.size(), s, n / s, static_cast<long long>(r.total.in_force.fen()),
      static_cast<long long>(r.total.draft.fen()), static_cast<long long>(r.changed_count),
      static_cast<long long>(r.failed_count));
  return 0;
}
