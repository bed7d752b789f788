// Two subsidy-server replicas on one PostgreSQL, hammered concurrently with overlapping retries
// of the same determinations, expenditures and disbursement runs: the ledger must equal what a
// single correct ledger would hold.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

std::string Uscc(int n) { return TestUscc(n); }

TEST(ReplicasE2e, TwoReplicasOnOnePostgresKeepOneCorrectLedger) {
  SUBSIDY_POSTGRES_OR_SKIP(pg);
  const std::string url = pg->NewDatabase();
  auto a = ServerProcess::Start({.db = url});
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = ServerProcess::Start({.db = url});
  ASSERT_TRUE(b.ok()) << b.status();
  std::vector<std::shared_ptr<grpc::Channel>> replicas = {(*a)->Channel(), (*b)->Channel()};

  constexpr int kSchools = 4;
  constexpr int kEnterprises = 30;
  constexpr int kClients = 8;
  // Every client sends the whole workload, to alternating replicas: each request_id reaches
  // both replicas several times, concurrently.
  std::atomic<int> failures{0};
  std::mutex mu;
  std::map<std::string, std::set<std::string>> ids_seen;  // request_id → ids answered
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int round = 0; round < 2; ++round) {
        for (int s = 0; s < kSchools; ++s) {
          auto edu = v1::EducationFundService::NewStub(replicas[(c + s + round) % 2]);
          const std::string school = "110106-R" + std::to_string(s);
          for (int k = 0; k < 3; ++k) {
            v1::AllocateFundsRequest r;
            r.set_request_id(school + "-alloc-" + std::to_string(k));
            r.set_school_id(school);
            r.set_source(static_cast<v1::FundSource>(k + 1));
            r.set_amount_fen(1'000'000 * (k + 1));
            r.set_date("2024-03-01");
            v1::FundBalance out;
            auto ctx = Call();
            grpc::Status st = edu->AllocateFunds(ctx.get(), r, &out);
            if (!st.ok()) {
              ++failures;
              continue;
            }
            std::lock_guard<std::mutex> l(mu);
            ids_seen[r.request_id()].insert(out.allocation_id());
          }
          for (int e = 0; e < 12; ++e) {
            v1::RecordExpenditureRequest r;
            r.set_request_id(school + "-exp-" + std::to_string(e));
            r.set_school_id(school);
            r.set_category(e % 2 ? "TEACHING" : "UTILITIES");
            r.set_amount_fen(400'000 + e);
            r.set_date("2024-04-01");
            v1::Expenditure out;
            auto ctx = Call();
            grpc::Status st = edu->RecordExpenditure(ctx.get(), r, &out);
            // Allocations may still be racing in: INSUFFICIENT_FUNDS is a proper answer then,
            // and the retry in the next round applies it.
            if (st.ok()) {
              std::lock_guard<std::mutex> l(mu);
              ids_seen[r.request_id()].insert(out.expenditure_id());
            } else if (st.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
              ++failures;
            }
          }
        }
        for (int e = 0; e < kEnterprises; ++e) {
          auto reward = v1::RewardPayoutService::NewStub(replicas[(c + e + round) % 2]);
          v1::SubmitDeterminationRequest r;
          r.set_request_id("det-" + std::to_string(e));
          r.set_policy_id(e % 3 == 0 ? "YC-CHAMPION-PROVINCIAL" : "YC-ABOVE-SCALE-ENTRY");
          r.set_enterprise_uscc(Uscc(e % 20));  // some enterprises twice: once-only rules bite
          r.set_determination_date("2024-06-03");
          v1::Payout out;
          auto ctx = Call();
          grpc::Status st = reward->SubmitDetermination(ctx.get(), r, &out);
          if (!st.ok()) {
            ++failures;
            continue;
          }
          std::lock_guard<std::mutex> l(mu);
          ids_seen[r.request_id()].insert(out.payout_id());
        }
        v1::RunDisbursementRequest run;
        run.set_request_id("run-" + std::to_string(c % 3));
        run.set_payment_date("2024-06-05");
        v1::RunDisbursementResponse out;
        auto ctx = Call();
        if (!v1::RewardPayoutService::NewStub(replicas[c % 2])->RunDisbursement(ctx.get(), run, &out).ok()) ++failures;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  // Every request_id answered one id, whichever replica and however often it was sent: the
  // allocations and expenditures of every school, and every determination.
  EXPECT_EQ(ids_seen.size(), static_cast<size_t>(kSchools * (3 + 12) + kEnterprises));
  for (const auto& [rid, ids] : ids_seen) EXPECT_EQ(ids.size(), 1u) << rid;

  // Balances equal those of one correct ledger: all allocations, all expenditures, once.
  auto edu = v1::EducationFundService::NewStub(replicas[0]);
  for (int s = 0; s < kSchools; ++s) {
    v1::GetSpendingProgressRequest r;
    r.set_school_id("110106-R" + std::to_string(s));
    v1::SpendingProgress p;
    auto ctx = Call();
    ASSERT_TRUE(edu->GetSpendingProgress(ctx.get(), r, &p).ok());
    EXPECT_EQ(p.allocated_fen(), 1'000'000 * (1 + 2 + 3));  // its three allocations, once each
    int64_t spent = 0;
    for (int e = 0; e < 12; ++e) spent += 400'000 + e;
    EXPECT_EQ(p.spent_fen(), spent);
  }
  // Payouts: one per determination request; one SCHEDULED/DISBURSED award per once-only key;
  // every award paid exactly once by the overlapping disbursement runs.
  auto reward = v1::RewardPayoutService::NewStub(replicas[1]);
  v1::ListPayoutsRequest list;
  list.set_page_size(500);
  v1::ListPayoutsResponse all;
  auto ctx = Call();
  ASSERT_TRUE(reward->ListPayouts(ctx.get(), list, &all).ok());
  ASSERT_EQ(all.payouts_size(), kEnterprises);
  std::map<std::string, int> awards_per_key;
  std::set<std::string> vouchers;
  for (const auto& p : all.payouts()) {
    if (p.status() == v1::REJECTED) continue;
    EXPECT_EQ(p.status(), v1::DISBURSED) << p.payout_id();
    EXPECT_TRUE(vouchers.insert(p.voucher_no()).second);
    ++awards_per_key[p.policy_id() == "YC-ABOVE-SCALE-ENTRY" ? p.policy_id() + p.enterprise_uscc()
                                                              : "CHAMPION" + p.enterprise_uscc()];
  }
  for (const auto& [key, n] : awards_per_key) EXPECT_EQ(n, 1) << key;
  // The model: one award per (policy kind, enterprise) that some determination asked for.
  std::set<std::string> expected_keys;
  for (int e = 0; e < kEnterprises; ++e) {
    expected_keys.insert((e % 3 == 0 ? std::string("CHAMPION") : std::string("YC-ABOVE-SCALE-ENTRY")) + Uscc(e % 20));
  }
  EXPECT_EQ(awards_per_key.size(), expected_keys.size());
}


// The bank's return file imported at once through both replicas, by several clients each under
// its own request_id: it is applied once (each line confirmed or failed once, each failure's money
// back once), and every answer is that one import's.
TEST(ReplicasE2e, AReturnFileImportedOnBothReplicasAtOnceIsAppliedOnce) {
  SUBSIDY_POSTGRES_OR_SKIP(pg);
  const std::string url = pg->NewDatabase();
  auto a = ServerProcess::Start({.db = url});
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = ServerProcess::Start({.db = url});
  ASSERT_TRUE(b.ok()) << b.status();
  std::vector<std::shared_ptr<grpc::Channel>> replicas = {(*a)->Channel(), (*b)->Channel()};
  auto funds = v1::FundService::NewStub(replicas[0]);
  v1::CreateFundRequest fund;
  fund.set_request_id("rf");
  fund.set_fund_id("RF-2024");
  fund.set_name("回单并发");
  fund.set_budget_year(2024);
  fund.set_level(v1::Fund::COUNTY);
  fund.set_purpose(v1::Fund::OTHER);
  fund.set_region_code("4205");
  fund.set_budget_fen(100'000'000);
  fund.set_date("2024-01-02");
  v1::Fund made;
  ASSERT_TRUE(funds->CreateFund(Call().get(), fund, &made).ok());
  v1::AllocateFundRequest alloc;
  alloc.set_request_id("rf-a");
  alloc.set_fund_id("RF-2024");
  alloc.set_recipient_kind(v1::FundAllocation::UNIT);
  alloc.set_recipient_id("RF-UNIT");
  alloc.set_region_code("420502");
  alloc.set_amount_fen(50'000'000);
  alloc.set_date("2024-01-02");
  v1::FundAllocation allocated;
  ASSERT_TRUE(funds->AllocateFund(Call().get(), alloc, &allocated).ok());
  constexpr int kLines = 60;
  std::string file = "凭证号,金额,状态,失败原因,日期\n";
  for (int i = 1; i <= kLines; ++i) {
    v1::RecordFundPaymentRequest p;
    p.set_request_id("rf-p" + std::to_string(i));
    p.set_fund_id("RF-2024");
    p.set_recipient_id("RF-UNIT");
    p.set_amount_fen(10'000 + i);
    p.set_date("2024-05-20");
    p.set_payee("收款单位" + std::to_string(i));
    p.set_payee_account("62220000" + std::to_string(1000 + i));
    v1::FundPayment paid;
    ASSERT_TRUE(funds->RecordFundPayment(Call().get(), p, &paid).ok());
    v1::ListPaymentLinesRequest q;
    q.set_source_id(paid.payment_id());
    v1::ListPaymentLinesResponse lines;
    ASSERT_TRUE(v1::PaymentService::NewStub(replicas[0])->ListPaymentLines(Call().get(), q, &lines).ok());
    ASSERT_EQ(lines.lines_size(), 1);
    const int64_t fen = 10'000 + i;
    file += lines.lines(0).voucher_no() + "," + std::to_string(fen / 100) + "." + (fen % 100 < 10 ? "0" : "") +
            std::to_string(fen % 100) + (i % 10 == 0 ? ",失败,账户冻结,2024-05-21\n" : ",成功,,2024-05-21\n");
  }
  constexpr int kClients = 6;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::set<std::string> import_ids;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::PaymentService::NewStub(replicas[c % 2]);
      v1::ImportBankReturnRequest r;
      r.set_request_id("rf-import-" + std::to_string(c));
      r.set_file(file);
      v1::BankReturnResult out;
      if (!stub->ImportBankReturn(Call().get(), r, &out).ok()) {
        ++failures;
        return;
      }
      std::lock_guard<std::mutex> l(mu);
      import_ids.insert(out.import_id() + "/" + std::to_string(out.confirmed_count()) + "/" +
                        std::to_string(out.failed_count()));
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(import_ids, std::set<std::string>{"BR-00000001/54/6"});
  v1::GetReconciliationRequest rq;
  rq.set_batch_id("PB-20240520");
  v1::Reconciliation rec;
  ASSERT_TRUE(v1::PaymentService::NewStub(replicas[1])->GetReconciliation(Call().get(), rq, &rec).ok());
  EXPECT_EQ(rec.figures().sent_count(), kLines);
  EXPECT_EQ(rec.figures().confirmed_count(), 54);
  EXPECT_EQ(rec.figures().failed_count(), 6);
  EXPECT_EQ(rec.figures().outstanding_count(), 0);
  EXPECT_EQ(rec.discrepancy_count(), 0);
  // Each failure's money back once: paid = every payment less the six failed ones.
  int64_t paid = 0;
  for (int i = 1; i <= kLines; ++i) paid += i % 10 == 0 ? 0 : 10'000 + i;
  v1::GetExecutionReportRequest report;
  report.set_as_of("2024-05-31");
  report.add_fund_ids("RF-2024");
  v1::ExecutionReport figures;
  ASSERT_TRUE(funds->GetExecutionReport(Call().get(), report, &figures).ok());
  EXPECT_EQ(figures.total().paid_fen(), paid);
}

}  // namespace
}  // namespace subsidy::testing
