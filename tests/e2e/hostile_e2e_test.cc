// Hostile input, overload and crashes against the real server binary: every answer is a proper
// status, the server stays up, nothing is recorded for garbage, load past capacity is shed and
// the server recovers, and SIGKILL mid-load loses or doubles no acknowledged mutation.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "storage/sqlite/sqlite_db.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/seed.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

// Under overload a call that waits longer than this counts as a wrong answer (only OK,
// RESOURCE_EXHAUSTED or UNAVAILABLE are right): load is shed, not queued.
std::unique_ptr<grpc::ClientContext> Call() { return subsidy::testing::Call(std::chrono::seconds(10)); }

bool Serving(const std::shared_ptr<grpc::Channel>& ch) {
  grpc::health::v1::HealthCheckResponse resp;
  auto ctx = Call();
  return grpc::health::v1::Health::NewStub(ch)->Check(ctx.get(), {}, &resp).ok() &&
         resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

std::string Uscc(int n) { return TestUscc(n); }

int64_t CountRows(const std::string& db, const std::string& table) {
  auto conn = storage::SqliteDb::Open(db);
  auto q = (*conn)->Prepare("SELECT COUNT(*) FROM " + table);
  (void)q->Step();
  return q->Int(0);
}

TEST(HostileE2e, ThousandsOfRandomAndMalformedRequestsChangeNothing) {
  TempDir dir;
  const std::string db = dir.path() + "/x.db";
  auto server = ServerProcess::Start({.db = db, .extra_args = {"--max_message_bytes=65536"}});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::vector<std::string> methods = {
      "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy", "/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidyBatch",
      "/subsidy.v1.LoanSubsidyService/GetLoanPolicy",        "/subsidy.v1.EducationFundService/SplitGrant",
      "/subsidy.v1.EducationFundService/GetFundPriority",    "/subsidy.v1.EducationFundService/AllocateFunds",
      "/subsidy.v1.EducationFundService/RecordExpenditure",  "/subsidy.v1.EducationFundService/GetSpendingProgress",
      "/subsidy.v1.EducationFundService/ComputeEducationEntitlement",
      "/subsidy.v1.RewardPayoutService/ListRewardPolicies",  "/subsidy.v1.RewardPayoutService/SubmitDetermination",
      "/subsidy.v1.RewardPayoutService/GetPayout",           "/subsidy.v1.RewardPayoutService/ListPayouts",
      "/subsidy.v1.RewardPayoutService/RunDisbursement",     "/subsidy.v1.AdminService/GetDataStatus",
      "/subsidy.v1.NoSuchService/Nothing"};
  const uint64_t seed = TestSeed(1234);
  SCOPED_TRACE(SeedTrace(seed));
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  grpc::GenericStub stub((*server)->Channel());
  std::map<int, int> codes;
  for (int i = 0; i < 3000; ++i) {
    std::string payload;
    switch (i % 4) {
      case 0: {  // random bytes
        const int n = static_cast<int>(rng() % 300);
        for (int k = 0; k < n; ++k) payload.push_back(static_cast<char>(rng()));
        break;
      }
      case 1: {  // well-formed messages with hostile values: impossible dates, negative money, injection text
        static const char* kValues[] = {"2024-02-30", "9999-99-99", "", "-1", "1e309", "NaN", "' OR 1=1 --",
                                        "%n%n%s", "0000-00-00", "2024-13-01", "../../etc/passwd"};
        auto pick = [&] { return std::string(kValues[rng() % (sizeof kValues / sizeof *kValues)]); };
        const int kind = static_cast<int>(rng() % 4);
        if (kind == 0) {
          v1::AllocateFundsRequest m;
          m.set_request_id(pick());
          m.set_school_id(pick());
          m.set_source(static_cast<v1::FundSource>(rng() % 5));
          m.set_amount_fen(-static_cast<int64_t>(rng()));
          m.set_date(pick());
          payload = m.SerializeAsString();
        } else if (kind == 1) {
          v1::RecordExpenditureRequest m;
          m.set_request_id("r" + std::to_string(rng()));
          m.set_school_id("110106-H");
          m.set_category(pick());
          m.set_amount_fen(static_cast<int64_t>(rng()) - (1ll << 31));
          m.set_date("2024-02-30");
          payload = m.SerializeAsString();
        } else if (kind == 2) {
          v1::SubmitDeterminationRequest m;
          m.set_request_id("d" + std::to_string(rng()));
          m.set_policy_id("YC-DIGITAL-TRANSFORM");
          m.set_enterprise_uscc(pick());
          m.set_determination_date(pick());
          (*m.mutable_metrics())[pick()] = pick();
          payload = m.SerializeAsString();
        } else {
          v1::RunDisbursementRequest m;
          m.set_request_id(rng() % 2 ? "" : "x" + std::to_string(rng()));
          m.set_payment_date(pick());
          payload = m.SerializeAsString();
        }
        break;
      }
      case 2:  // truncated / invalid wire data
        payload = std::string("\x0a\xff\xff\xff\xff\x0f", 6);
        break;
      default:  // larger than --max_message_bytes
        payload.assign(70000 + rng() % 1000, 'A');
        payload[0] = '\x0a';
    }
    grpc::Slice slice(payload);
    grpc::ByteBuffer request(&slice, 1), response;
    auto ctx = Call();
    std::promise<grpc::Status> done;
    stub.UnaryCall(ctx.get(), methods[rng() % methods.size()], {}, &request, &response,
                   [&](grpc::Status s) { done.set_value(std::move(s)); });
    const grpc::Status s = done.get_future().get();
    ++codes[s.error_code()];
    ASSERT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE) << "the server went away at request " << i;
  }
  EXPECT_TRUE(Serving((*server)->Channel()));
  for (const auto& [code, n] : codes) std::printf("status %d: %d answers\n", code, n);
  EXPECT_GT(codes[grpc::StatusCode::INVALID_ARGUMENT] + codes[grpc::StatusCode::NOT_FOUND], 100);
  EXPECT_GT(codes[grpc::StatusCode::RESOURCE_EXHAUSTED], 100);  // the oversize ones
  ASSERT_EQ((*server)->Stop(), 0);
  for (const char* table : {"idempotency", "allocations", "expenditures", "payouts", "audit_log", "fund_accounts"}) {
    EXPECT_EQ(CountRows(db, table), 0) << table;
  }
}

TEST(HostileE2e, LoadAboveCapacityIsShedAndTheServerRecovers) {
  TempDir dir;
  auto server = ServerProcess::Start(
      {.db = dir.path() + "/x.db", .extra_args = {"--db_workers=2", "--max_queued_mutations=4"}});
  ASSERT_TRUE(server.ok()) << server.status();
  std::atomic<bool> stop{false};
  std::map<int, std::atomic<int>> codes;
  for (int c : {0, 8, 14}) codes[c] = 0;
  std::atomic<int> other{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 48; ++t) {
    clients.emplace_back([&, t] {
      auto stub = v1::RewardPayoutService::NewStub((*server)->Channel());
      for (int i = 0; !stop; ++i) {
        v1::SubmitDeterminationRequest r;
        r.set_request_id("flood-" + std::to_string(t) + "-" + std::to_string(i));
        r.set_policy_id("YC-OUTPUT-GROWTH");
        r.set_enterprise_uscc(Uscc(t * 100000 + i));
        r.set_determination_date("2024-06-03");
        (*r.mutable_metrics())["output_increase_fen"] = "1";
        v1::Payout out;
        auto ctx = Call();
        const grpc::Status s = stub->SubmitDetermination(ctx.get(), r, &out);
        if (codes.count(s.error_code())) {
          ++codes[s.error_code()];
        } else {
          ++other;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::string rss;
  {
    std::ifstream status("/proc/" + std::to_string((*server)->pid()) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("VmRSS:", 0) == 0) rss = line;
    }
  }
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(other.load(), 0) << "only OK, RESOURCE_EXHAUSTED or UNAVAILABLE under overload";
  EXPECT_GT(codes[0].load(), 100);
  EXPECT_GT(codes[8].load(), 0) << "nothing was shed";
  const long rss_kib = std::stol(rss.substr(6));
  EXPECT_LT(rss_kib, 300 * 1024) << rss;
  // It recovers when the load stops.
  EXPECT_TRUE(Serving((*server)->Channel()));
  v1::Payout out;
  v1::SubmitDeterminationRequest r;
  r.set_request_id("after-the-flood");
  r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
  r.set_enterprise_uscc(Uscc(999));
  r.set_determination_date("2024-06-03");
  auto ctx = Call();
  EXPECT_TRUE(v1::RewardPayoutService::NewStub((*server)->Channel())->SubmitDetermination(ctx.get(), r, &out).ok());
}

// SIGKILL in the middle of a determination/expenditure load, many times, on each backend. After
// each kill every acknowledged mutation answers its first id again; in the end every request
// sent, retried once more, is applied exactly once: the balance equals the sum of all
// expenditures sent, and there is one payout per determination sent.
class CrashE2e : public ::testing::TestWithParam<std::string> {};

TEST_P(CrashE2e, SigkillDuringMixedPostingsLosesAndDoublesNothing) {
  TempDir dir;
  std::string db = dir.path() + "/x.db";
  if (GetParam() == "postgres") {
    SUBSIDY_POSTGRES_OR_SKIP(pg);
    db = pg->NewDatabase();
  }
  const std::string school = "110106-CRASH";
  {
    auto server = ServerProcess::Start({.db = db});
    ASSERT_TRUE(server.ok()) << server.status();
    // The school's money is a fund's: every expenditure is also a payment of that fund. A unit of
    // the same fund is paid directly.
    auto funds = v1::FundService::NewStub((*server)->Channel());
    const v1::CreateFundRequest f =
        NewFund("CRASH-FUND", v1::Fund::DISTRICT, v1::Fund::EDUCATION, 2'000'000'000'000, 2024);
    v1::Fund fund;
    ASSERT_TRUE(funds->CreateFund(Call().get(), f, &fund).ok());
    v1::AllocateFundRequest unit;
    unit.set_request_id("crash-unit");
    unit.set_fund_id("CRASH-FUND");
    unit.set_recipient_kind(v1::FundAllocation::UNIT);
    unit.set_recipient_id("CRASH-UNIT");
    unit.set_region_code("110106");
    unit.set_amount_fen(100'000'000'000);
    unit.set_date("2024-03-01");
    v1::FundAllocation allocation;
    ASSERT_TRUE(funds->AllocateFund(Call().get(), unit, &allocation).ok());
    v1::AllocateFundsRequest a;
    a.set_request_id("crash-alloc");
    a.set_school_id(school);
    a.set_source(v1::DISTRICT);
    a.set_amount_fen(1'000'000'000'000);
    a.set_date("2024-03-01");
    a.set_fund_id("CRASH-FUND");
    v1::FundBalance bal;
    auto ctx = Call();
    ASSERT_TRUE(v1::EducationFundService::NewStub((*server)->Channel())->AllocateFunds(ctx.get(), a, &bal).ok());
  }
  std::mutex mu;
  std::condition_variable answered;  // an ack was recorded
  enum Kind { kDetermination, kExpenditure, kFundPayment };
  std::map<int, Kind> kind_of;             // every request sent: n → kind
  std::map<int, std::string> acked;        // n → id answered
  std::atomic<int> next{0};
  auto spend_request = [&](int n) {
    v1::RecordExpenditureRequest r;
    r.set_request_id("crash-exp-" + std::to_string(n));
    r.set_school_id(school);
    r.set_category("UTILITIES");
    r.set_amount_fen(1000 + n);
    r.set_date("2024-04-01");
    return r;
  };
  auto determination = [&](int n) {
    v1::SubmitDeterminationRequest r;
    r.set_request_id("crash-det-" + std::to_string(n));
    r.set_policy_id("YC-OUTPUT-GROWTH");
    r.set_enterprise_uscc(Uscc(n));
    r.set_determination_date("2024-06-03");
    (*r.mutable_metrics())["output_increase_fen"] = "1";  // below the threshold: recorded as REJECTED
    return r;
  };
  auto fund_payment = [&](int n) {
    v1::RecordFundPaymentRequest r;
    r.set_request_id("crash-pay-" + std::to_string(n));
    r.set_fund_id("CRASH-FUND");
    r.set_recipient_id("CRASH-UNIT");
    r.set_amount_fen(500 + n);
    r.set_date("2024-04-02");
    return r;
  };
  auto send = [&](const std::shared_ptr<grpc::Channel>& ch, int n, Kind kind, std::string* id) -> bool {
    auto ctx = Call();
    if (kind == kExpenditure) {
      v1::Expenditure out;
      if (!v1::EducationFundService::NewStub(ch)->RecordExpenditure(ctx.get(), spend_request(n), &out).ok()) {
        return false;
      }
      *id = out.expenditure_id();
    } else if (kind == kFundPayment) {
      v1::FundPayment out;
      if (!v1::FundService::NewStub(ch)->RecordFundPayment(ctx.get(), fund_payment(n), &out).ok()) return false;
      *id = out.payment_id();
    } else {
      auto reward = v1::RewardPayoutService::NewStub(ch);
      v1::Payout out;
      if (!reward->SubmitDetermination(ctx.get(), determination(n), &out).ok()) return false;
      *id = out.payout_id();
    }
    return true;
  };
  for (int round = 0; round < 6; ++round) {
    auto server = ServerProcess::Start({.db = db});
    ASSERT_TRUE(server.ok()) << server.status();
    std::atomic<bool> stop{false};
    size_t acked_before = 0;
    {
      std::lock_guard<std::mutex> l(mu);
      acked_before = acked.size();
    }
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        const auto channel = (*server)->Channel();
        const Kind kind = t % 4 == 3 ? kFundPayment : t % 2 == 1 ? kExpenditure : kDetermination;
        while (!stop) {
          const int n = next++;
          {
            std::lock_guard<std::mutex> l(mu);
            kind_of[n] = kind;
          }
          std::string id;
          if (send(channel, n, kind, &id)) {
            std::lock_guard<std::mutex> l(mu);
            acked[n] = id;
            answered.notify_all();
          }
        }
      });
    }
    // SIGKILL in the middle of the load: once this round has had some of its postings answered (a
    // number that grows by round, so the kill lands at different points), not after a sleep, which
    // on a loaded machine may come before the first answer.
    bool in_time = false;
    {
      std::unique_lock<std::mutex> l(mu);
      const size_t target = acked_before + 10 + 4 * static_cast<size_t>(round);
      in_time = answered.wait_for(l, std::chrono::seconds(60), [&] { return acked.size() >= target; });
    }
    (*server)->Kill();
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_TRUE(in_time) << "round " << round << ": too few postings answered in 60 s";
  }
  ASSERT_GT(acked.size(), 50u);
  auto server = ServerProcess::Start({.db = db});
  ASSERT_TRUE(server.ok()) << server.status();
  auto edu = v1::EducationFundService::NewStub((*server)->Channel());
  auto reward = v1::RewardPayoutService::NewStub((*server)->Channel());
  int64_t all_spend = 0, all_paid_directly = 0, determinations = 0;
  for (const auto& [n, kind] : kind_of) {
    std::string id;
    ASSERT_TRUE(send((*server)->Channel(), n, kind, &id)) << n;
    if (acked.count(n)) {
      EXPECT_EQ(id, acked[n]) << "acknowledged " << n << " answers its first id";
    }
    if (kind == kExpenditure) {
      all_spend += 1000 + n;
    } else if (kind == kFundPayment) {
      all_paid_directly += 500 + n;
    } else {
      ++determinations;
    }
  }
  // The fund's paid is the sum of its payments, each once: the school's expenditures and the unit's.
  auto fund_service = v1::FundService::NewStub((*server)->Channel());
  v1::GetFundRequest gf;
  gf.set_fund_id("CRASH-FUND");
  v1::Fund fund;
  ASSERT_TRUE(fund_service->GetFund(Call().get(), gf, &fund).ok());
  EXPECT_EQ(fund.paid_fen(), all_spend + all_paid_directly);
  v1::GetExecutionReportRequest by_recipient;
  by_recipient.set_as_of("2024-12-31");
  by_recipient.set_group_by(v1::RECIPIENT);
  v1::ExecutionReport report;
  ASSERT_TRUE(fund_service->GetExecutionReport(Call().get(), by_recipient, &report).ok());
  ASSERT_EQ(report.rows_size(), 2);
  for (const auto& row : report.rows()) {
    EXPECT_EQ(row.paid_fen(), row.key() == school ? all_spend : all_paid_directly) << row.key();
  }
  EXPECT_EQ(report.total().paid_fen(), fund.paid_fen());
  v1::GetFundPriorityRequest fp;
  fp.set_school_id(school);
  v1::FundPriority funds;
  auto ctx = Call();
  ASSERT_TRUE(edu->GetFundPriority(ctx.get(), fp, &funds).ok());
  int64_t spent = 0;
  for (const auto& f : funds.funds()) spent += f.spent_fen();
  EXPECT_EQ(spent, all_spend) << "each expenditure applied exactly once";
  v1::ListPayoutsRequest list;
  list.set_page_size(500);
  int64_t payouts = 0;
  std::set<std::string> request_ids;
  for (;;) {
    v1::ListPayoutsResponse page;
    auto lctx = Call();
    ASSERT_TRUE(reward->ListPayouts(lctx.get(), list, &page).ok());
    for (const auto& p : page.payouts()) {
      ++payouts;
      EXPECT_TRUE(request_ids.insert(p.request_id()).second) << "applied twice: " << p.request_id();
    }
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(payouts, determinations) << "one payout per determination";
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace subsidy::testing
