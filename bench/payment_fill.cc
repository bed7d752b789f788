// payment-fill: fills a database with one day's payment lines for the return-file benchmark,
// through the ledger itself (a fund, an allocation, and per line the fund payment and the line
// that pays it: the same PostFundEntry and AddLine the services use), many per transaction; then
// writes the bank's return file for them (CSV, UTF-8, Chinese headers), every 100th line failed.
// Usage: payment-fill --db=FILE|postgresql://… --lines=100000 --return_file=PATH
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/storage.h"

ABSL_FLAG(std::string, db, "", "database to fill (a SQLite file or a postgresql:// URL)");
ABSL_FLAG(int, lines, 100000, "payment lines, all dated 2024-05-20 (batch PB-20240520)");
ABSL_FLAG(int, per_transaction, 5000, "lines per transaction");
ABSL_FLAG(std::string, return_file, "", "where to write the bank's return file for them");

namespace st = subsidy::storage;
using subsidy::Date;
using subsidy::Money;

namespace {

bool Check(const absl::Status& s) {
  if (!s.ok()) std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
  return s.ok();
}

absl::Status MakeFund(st::Storage& storage, int lines) {
  const Date day = *Date::Parse("2024-01-02");
  st::FundRow fund;
  fund.fund_id = "BENCH-PAY";
  fund.name = fund.fund_id;
  fund.budget_year = 2024;
  fund.level = "COUNTY";
  fund.purpose = "OTHER";
  fund.region_code = "4205";
  fund.date = day;
  fund.budget = Money::Fen(int64_t{200} * lines);
  auto made = storage.RunIdempotent({"fill-fund", "Fill", ""}, [&](st::LedgerTx& tx) -> absl::StatusOr<std::string> {
    if (auto s = tx.funds().InsertFund(fund, "fill-fund"); !s.ok()) return s;
    st::FundEntry a;
    a.kind = st::FundEntryKind::kAllocation;
    a.fund_id = fund.fund_id;
    a.recipient_id = "BENCH-UNIT";
    a.recipient_kind = "UNIT";
    a.region_code = "420502";
    a.amount = fund.budget;
    a.date = day;
    auto id = tx.funds().PostFundEntry(a);
    if (!id.ok()) return id.status();
    return std::string();
  });
  return made.status();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto storage = st::OpenStorage(absl::GetFlag(FLAGS_db));
  if (!storage.ok()) return Check(storage.status()) ? 0 : 1;
  const int lines = absl::GetFlag(FLAGS_lines), batch = absl::GetFlag(FLAGS_per_transaction);
  if (!Check(MakeFund(**storage, lines))) return 1;
  const Date paid = *Date::Parse("2024-05-20");
  std::ofstream out(absl::GetFlag(FLAGS_return_file), std::ios::binary);
  out << "凭证号,收款人账号,收款人户名,金额,状态,失败原因,银行流水号,日期\r\n";
  for (int from = 0; from < lines; from += batch) {
    const int to = std::min(lines, from + batch);
    auto r = (*storage)->RunIdempotent({absl::StrCat("fill-", from), "Fill", ""},
                                       [&](st::LedgerTx& tx) -> absl::StatusOr<std::string> {
      for (int i = from; i < to; ++i) {
        st::FundEntry p;
        p.kind = st::FundEntryKind::kPayment;
        p.fund_id = "BENCH-PAY";
        p.recipient_id = "BENCH-UNIT";
        p.amount = Money::Fen(100 + i % 100);
        p.date = paid;
        p.payee = absl::StrCat("收款人", i);
        auto id = tx.funds().PostFundEntry(p);
        if (!id.ok()) return id.status();
        st::PaymentLineRow l;
        l.source = st::PaymentSource::kFundPayment;
        l.source_id = *id;
        l.payee_name = p.payee;
        l.payee_account = absl::StrFormat("6222%015d", i);
        l.amount = p.amount;
        l.payment_date = paid;
        l.voucher_no = absl::StrCat("FV20240520-", id->substr(3));
        l.tracking_id = "FA-00000002";
        l.created_by = "fill";
        auto line = tx.payments().AddLine(l, {*st::FundEntrySeqFrom(*id)});
        if (!line.ok()) return line.status();
      }
      return std::string();
    });
    if (!Check(r.status())) return 1;
    for (int i = from; i < to; ++i) {
      const int64_t fen = 100 + i % 100;
      const bool failed = i % 100 == 99;
      out << absl::StrFormat("FV20240520-%08d,6222%015d,收款人%d,%d.%02d,%s,%s,%s,2024-05-21\r\n", i + 3, i, i,
                             fen / 100, fen % 100, failed ? "失败" : "成功", failed ? "账户冻结" : "",
                             failed ? "" : absl::StrCat("SN", i));
    }
  }
  std::printf("filled %d payment lines (batch PB-20240520) and their return file\n", lines);
  return 0;
}
