// fund-fill: fills a database with funds for the execution-report benchmark, through the ledger
// itself (the same PostFundEntry every service uses, so the daily sums are the real ones), many
// entries per transaction. Usage:
//   fund-fill --db=FILE|postgresql://… --funds=1000 --allocations=100000 --payments=1000000
// Funds of budget year 2024, one allocation per recipient (spread over the year's first half),
// payments spread over the days after it; ~10 % of the funds have target regions.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "storage/storage.h"

ABSL_FLAG(std::string, db, "", "database to fill (a SQLite file or a postgresql:// URL)");
ABSL_FLAG(int, funds, 1000, "funds");
ABSL_FLAG(int, allocations, 100000, "allocations (one recipient each)");
ABSL_FLAG(int, payments, 1000000, "payments, spread over the recipients");
ABSL_FLAG(int, per_transaction, 5000, "entries per transaction");

namespace st = subsidy::storage;
using subsidy::Date;
using subsidy::Money;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto storage = st::OpenStorage(absl::GetFlag(FLAGS_db));
  if (!storage.ok()) {
    std::fprintf(stderr, "%s\n", std::string(storage.status().message()).c_str());
    return 1;
  }
  const int funds = absl::GetFlag(FLAGS_funds), allocations = absl::GetFlag(FLAGS_allocations),
            payments = absl::GetFlag(FLAGS_payments), batch = absl::GetFlag(FLAGS_per_transaction);
  const int per_fund = allocations / funds;
  const Date year_start = *Date::Parse("2024-01-01");
  // Each recipient is allocated 100 元 × its payments' share, and paid 1 元 per payment at most.
  const int payments_per_recipient = payments / allocations;
  std::vector<st::FundEntry> pending;
  int64_t tx_count = 0;
  auto flush = [&]() -> bool {
    if (pending.empty()) return true;
    auto r = (*storage)->RunIdempotent({absl::StrCat("fill-", tx_count++), "Fill", ""},
                                       [&](st::LedgerTx& tx) -> absl::StatusOr<std::string> {
                                         for (const auto& e : pending) {
                                           auto id = tx.funds().PostFundEntry(e);
                                           if (!id.ok()) return id.status();
                                         }
                                         return std::string();
                                       });
    if (!r.ok()) std::fprintf(stderr, "%s\n", std::string(r.status().message()).c_str());
    pending.clear();
    return r.ok();
  };
  for (int f = 0; f < funds; ++f) {
    st::FundRow fund;
    fund.fund_id = absl::StrCat("F", f);
    fund.name = fund.fund_id;
    fund.budget_year = 2024;
    fund.level = f % 2 ? "MUNICIPAL" : "CENTRAL_DIRECT";
    fund.purpose = f % 3 ? "OTHER" : "EDUCATION";
    fund.region_code = f % 5 ? "3204" : "65";
    fund.date = year_start;
    fund.budget = Money::Fen(int64_t{100} * 100 * payments_per_recipient * per_fund * 2);
    if (f % 10 == 0) fund.target_prefixes = {"6529", "6530", "6531", "6532"}, fund.min_target_share = "80";
    auto made = (*storage)->RunIdempotent({absl::StrCat("fund-", f), "Fill", ""},
                                          [&](st::LedgerTx& tx) -> absl::StatusOr<std::string> {
                                            if (auto s = tx.funds().InsertFund(fund, absl::StrCat("fund-", f)); !s.ok()) {
                                              return s;
                                            }
                                            return std::string();
                                          });
    if (!made.ok()) {
      std::fprintf(stderr, "%s\n", std::string(made.status().message()).c_str());
      return 1;
    }
    for (int r = 0; r < per_fund; ++r) {
      st::FundEntry a;
      a.kind = st::FundEntryKind::kAllocation;
      a.fund_id = fund.fund_id;
      a.recipient_id = absl::StrCat("R", f, "-", r);
      a.recipient_kind = "UNIT";
      a.region_code = r % 4 ? "653101" : "320412";
      a.amount = Money::Fen(int64_t{100} * 100 * payments_per_recipient);
      a.date = year_start.AddDays(r % 180);
      pending.push_back(a);
      for (int p = 0; p < payments_per_recipient; ++p) {
        st::FundEntry pay;
        pay.kind = st::FundEntryKind::kPayment;
        pay.fund_id = fund.fund_id;
        pay.recipient_id = a.recipient_id;
        pay.amount = Money::Fen(100 + p);
        pay.date = a.date.AddDays(1 + p * 17 % 180);
        pending.push_back(pay);
      }
      if (static_cast<int>(pending.size()) >= batch && !flush()) return 1;
    }
    if (f % 100 == 99) std::fprintf(stderr, "  %d funds\n", f + 1);
  }
  if (!flush()) return 1;
  std::printf("filled %d funds, %d allocations, %d payments\n", funds, per_fund * funds,
              per_fund * funds * payments_per_recipient);
  return 0;
}
