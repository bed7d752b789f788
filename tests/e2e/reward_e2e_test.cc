// RewardPayoutService end to end: a season of determinations through the real server binary —
// due dates around holidays, replays, key reuse, group top-ups, caps, the budget edge,
// concurrent retries, concurrent disbursement runs, pagination, and SIGKILL mid-load.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

std::unique_ptr<grpc::ClientContext> Call(int seconds = 30) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return ctx;
}

// A valid USCC for enterprise number n (GB 32100 check character computed here).
std::string Uscc(int n) { return TestUscc(n); }

class Portal {
 public:
  explicit Portal(std::shared_ptr<grpc::Channel> ch) : stub_(v1::RewardPayoutService::NewStub(ch)) {}
  grpc::Status Submit(const std::string& rid, const std::string& policy, const std::string& uscc, const std::string& date,
                      std::map<std::string, std::string> metrics, v1::Payout* out) {
    v1::SubmitDeterminationRequest r;
    r.set_request_id(rid);
    r.set_policy_id(policy);
    r.set_enterprise_uscc(uscc);
    r.set_enterprise_name("企业" + uscc.substr(8, 9));
    r.set_determination_date(date);
    for (auto& [k, v] : metrics) (*r.mutable_metrics())[k] = v;
    auto ctx = Call();
    return stub_->SubmitDetermination(ctx.get(), r, out);
  }
  v1::Payout Must(const std::string& rid, const std::string& policy, const std::string& uscc, const std::string& date,
                  std::map<std::string, std::string> metrics = {}) {
    v1::Payout p;
    grpc::Status s = Submit(rid, policy, uscc, date, std::move(metrics), &p);
    EXPECT_TRUE(s.ok()) << rid << ": " << s.error_message();
    return p;
  }
  grpc::Status Disburse(const std::string& rid, const std::string& date, v1::RunDisbursementResponse* out) {
    v1::RunDisbursementRequest r;
    r.set_request_id(rid);
    r.set_payment_date(date);
    auto ctx = Call();
    return stub_->RunDisbursement(ctx.get(), r, out);
  }
  std::vector<v1::Payout> ListAll(v1::ListPayoutsRequest req, int page_size = 7) {
    std::vector<v1::Payout> out;
    req.set_page_size(page_size);
    for (;;) {
      v1::ListPayoutsResponse resp;
      auto ctx = Call();
      grpc::Status s = stub_->ListPayouts(ctx.get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return out;
      EXPECT_LE(resp.payouts_size(), page_size);
      out.insert(out.end(), resp.payouts().begin(), resp.payouts().end());
      if (resp.next_page_token().empty()) return out;
      req.set_page_token(resp.next_page_token());
    }
  }
  v1::RewardPayoutService::Stub* stub() { return stub_.get(); }

 private:
  std::unique_ptr<v1::RewardPayoutService::Stub> stub_;
};

TEST(RewardE2e, ASeasonOfDeterminations) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  Portal portal((*server)->Channel());

  // Due dates: 5 working days, the determination day not counted, make-up days counted.
  EXPECT_EQ(portal.Must("nd-last", "YC-ABOVE-SCALE-ENTRY", Uscc(1), "2024-09-30").due_date(), "2024-10-12");
  EXPECT_EQ(portal.Must("nd-makeup", "YC-ABOVE-SCALE-ENTRY", Uscc(2), "2024-09-29").due_date(), "2024-10-11");
  EXPECT_EQ(portal.Must("nd-inside", "YC-ABOVE-SCALE-ENTRY", Uscc(3), "2024-10-03").due_date(), "2024-10-12");
  EXPECT_EQ(portal.Must("sf-last", "YC-ABOVE-SCALE-ENTRY", Uscc(4), "2025-01-27").due_date(), "2025-02-10");
  EXPECT_EQ(portal.Must("sf-makeup", "YC-ABOVE-SCALE-ENTRY", Uscc(5), "2025-01-26").due_date(), "2025-02-08");

  // Once ever: a second entry award is rejected, and the rejection is itself a payout.
  v1::Payout dup = portal.Must("dup", "YC-ABOVE-SCALE-ENTRY", Uscc(1), "2025-03-03");
  EXPECT_EQ(dup.status(), v1::REJECTED);
  EXPECT_EQ(dup.reasons(0).code(), "DUPLICATE_AWARD");
  // Replays return the same payout, the rejected one too; another payload is refused.
  EXPECT_TRUE(MessageDifferencer::Equals(dup, portal.Must("dup", "YC-ABOVE-SCALE-ENTRY", Uscc(1), "2025-03-03")));
  v1::Payout x;
  grpc::Status reused = portal.Submit("dup", "YC-ABOVE-SCALE-ENTRY", Uscc(1), "2025-03-04", {}, &x);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonOf(reused), "IDEMPOTENCY_KEY_REUSED");

  // Champions: provincial, then national pays the difference, then provincial is superseded.
  EXPECT_EQ(portal.Must("ch-p", "YC-CHAMPION-PROVINCIAL", Uscc(6), "2024-05-06").amount_fen(), 30'000'000);
  v1::Payout topup = portal.Must("ch-n", "YC-CHAMPION-NATIONAL", Uscc(6), "2024-06-03");
  EXPECT_EQ(topup.amount_fen(), 70'000'000);
  EXPECT_EQ(topup.reasons(0).code(), "TOP_UP_OF_LOWER_AWARD");
  EXPECT_EQ(portal.Must("ch-p2", "YC-CHAMPION-PROVINCIAL", Uscc(6), "2024-07-01").reasons(0).code(),
            "SUPERSEDED_BY_HIGHER_AWARD");

  // First equipment: 3 units capped at 200万, then the cap is reached.
  v1::Payout eq = portal.Must("eq-1", "YC-FIRST-EQUIPMENT", Uscc(7), "2024-04-01", {{"units", "3"}});
  EXPECT_EQ(eq.amount_fen(), 200'000'000);
  EXPECT_EQ(eq.reasons(0).code(), "ANNUAL_CAP_REACHED");
  EXPECT_EQ(portal.Must("eq-2", "YC-FIRST-EQUIPMENT", Uscc(7), "2024-04-02", {{"units", "1"}}).status(), v1::REJECTED);

  // Tiers and the threshold.
  EXPECT_EQ(portal.Must("og-1", "YC-OUTPUT-GROWTH", Uscc(8), "2024-04-01", {{"output_increase_fen", "3000000000"}})
                .amount_fen(),
            10'000'000);
  EXPECT_EQ(portal.Must("og-2", "YC-OUTPUT-GROWTH", Uscc(9), "2024-04-01", {{"output_increase_fen", "5"}}).reasons(0).code(),
            "BELOW_THRESHOLD");

  // Digital transformation: budget 1000万 reached exactly, then one 分 more is refused.
  EXPECT_EQ(portal.Must("dt-1", "YC-DIGITAL-TRANSFORM", Uscc(10), "2024-03-01", {{"spend_fen", "2000000000"}}).amount_fen(),
            500'000'000);  // capped at 500万
  EXPECT_EQ(portal.Must("dt-2", "YC-DIGITAL-TRANSFORM", Uscc(11), "2024-03-01", {{"spend_fen", "1000000000"}}).amount_fen(),
            300'000'000);
  v1::Payout edge = portal.Must("dt-3", "YC-DIGITAL-TRANSFORM", Uscc(12), "2024-03-01", {{"spend_fen", "666666667"}});
  EXPECT_EQ(edge.status(), v1::SCHEDULED);
  EXPECT_EQ(edge.amount_fen(), 200'000'000);  // 199,999,999.9 → 200,000,000: the budget to the 分
  v1::Payout over = portal.Must("dt-4", "YC-DIGITAL-TRANSFORM", Uscc(13), "2024-03-01", {{"spend_fen", "4"}});
  EXPECT_EQ(over.status(), v1::REJECTED);
  EXPECT_EQ(over.reasons(0).code(), "BUDGET_EXHAUSTED");

  // Bad input records nothing.
  EXPECT_EQ(portal.Submit("bad-1", "YC-NOPE", Uscc(1), "2024-03-01", {}, &x).error_code(), grpc::StatusCode::NOT_FOUND);
  std::string bad_uscc = Uscc(14);
  bad_uscc.back() = bad_uscc.back() == '0' ? '1' : '0';
  EXPECT_EQ(portal.Submit("bad-2", "YC-ABOVE-SCALE-ENTRY", bad_uscc, "2024-03-01", {}, &x).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(portal.Submit("bad-3", "YC-FIRST-EQUIPMENT", Uscc(14), "2024-03-01", {{"units", "x"}}, &x).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(portal.Submit("bad-4", "YC-FIRST-EQUIPMENT", Uscc(14), "2024-03-01", {}, &x).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(portal.Submit("bad-5", "YC-ABOVE-SCALE-ENTRY", Uscc(14), "2024-03-01", {{"units", "1"}}, &x).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status cal = portal.Submit("bad-6", "YC-ABOVE-SCALE-ENTRY", Uscc(14), "2027-01-04", {}, &x);
  EXPECT_EQ(cal.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(cal), "CALENDAR_NOT_AVAILABLE");
  EXPECT_EQ(portal.Submit("bad-7", "YC-ABOVE-SCALE-ENTRY", Uscc(14), "2024-02-30", {}, &x).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const auto all = portal.ListAll({});
  ASSERT_EQ(all.size(), 17u);
  std::set<std::string> ids;
  for (const auto& p : all) ids.insert(p.payout_id());
  EXPECT_EQ(ids.size(), all.size());
  for (const auto& p : all) EXPECT_NE(p.request_id().substr(0, 4), "bad-");
  // Read today (every due date here is past), a SCHEDULED payout says it is overdue; others never.
  for (const auto& p : all) EXPECT_EQ(p.overdue(), p.status() == v1::SCHEDULED) << p.payout_id();
  EXPECT_FALSE(dup.overdue());  // a mutation's answer (stored for replays) carries no day-relative flag

  // Remaining budgets reflect the awards.
  v1::ListRewardPoliciesResponse policies;
  auto pctx = Call();
  ASSERT_TRUE(portal.stub()->ListRewardPolicies(pctx.get(), {}, &policies).ok());
  for (const auto& p : policies.policies()) {
    if (p.policy_id() == "YC-DIGITAL-TRANSFORM") {
      EXPECT_EQ(p.remaining_budget_fen(), 0);
    }
    if (p.policy_id() == "YC-ABOVE-SCALE-ENTRY") {
      EXPECT_EQ(p.remaining_budget_fen(), 10'000'000'000 - 5 * 20'000'000);
    }
  }

  // Overdue on 2024-10-14: the two National Day payouts due 10-11 and 10-12, among others.
  v1::ListPayoutsRequest overdue;
  overdue.set_overdue_as_of("2024-10-13");
  for (const auto& p : portal.ListAll(overdue)) {
    EXPECT_EQ(p.status(), v1::SCHEDULED);
    EXPECT_LT(p.due_date(), "2024-10-13");
  }

  // Disbursement on 2024-10-12: pays everything determined by then, counts the late ones.
  v1::RunDisbursementResponse run;
  ASSERT_TRUE(portal.Disburse("run-1", "2024-10-12", &run).ok());
  v1::ListPayoutsRequest scheduled_by_then;
  int64_t expected_count = 0, expected_fen = 0, expected_late = 0;
  for (const auto& p : all) {
    if (p.status() == v1::SCHEDULED && p.determination_date() <= "2024-10-12") {
      ++expected_count;
      expected_fen += p.amount_fen();
      expected_late += p.due_date() < "2024-10-12";
    }
  }
  EXPECT_EQ(run.paid_count(), expected_count);
  EXPECT_EQ(run.paid_fen(), expected_fen);
  EXPECT_EQ(run.late_count(), expected_late);
  v1::RunDisbursementResponse replay;
  ASSERT_TRUE(portal.Disburse("run-1", "2024-10-12", &replay).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(run, replay));
  v1::RunDisbursementResponse again;
  ASSERT_TRUE(portal.Disburse("run-2", "2024-10-12", &again).ok());
  EXPECT_EQ(again.paid_count(), 0);
  // Concurrent runs for the rest: each payout is paid once.
  std::atomic<int64_t> paid{0};
  std::vector<std::thread> runs;
  for (int t = 0; t < 6; ++t) {
    runs.emplace_back([&, t] {
      Portal p((*server)->Channel());
      v1::RunDisbursementResponse r;
      ASSERT_TRUE(p.Disburse("run-c" + std::to_string(t), "2025-12-31", &r).ok());
      paid += r.paid_count();
    });
  }
  for (auto& t : runs) t.join();
  int64_t scheduled_after = 0;
  for (const auto& p : all) scheduled_after += p.status() == v1::SCHEDULED && p.determination_date() > "2024-10-12";
  EXPECT_EQ(paid.load(), scheduled_after);
  std::set<std::string> vouchers;
  for (const auto& p : portal.ListAll({})) {
    EXPECT_NE(p.status(), v1::SCHEDULED);
    EXPECT_FALSE(p.overdue());
    if (p.status() == v1::DISBURSED) {
      EXPECT_TRUE(vouchers.insert(p.voucher_no()).second);
      EXPECT_FALSE(p.paid_date().empty());
    }
  }
}

TEST(RewardE2e, ConcurrentRetriesMakeOnePayout) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  std::mutex mu;
  std::set<std::string> same_id_payouts;
  std::atomic<int> scheduled{0}, duplicates{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      Portal p((*server)->Channel());
      // The same determination under one request_id from every thread...
      v1::Payout a = p.Must("same-id", "YC-ABOVE-SCALE-ENTRY", Uscc(100), "2024-06-03");
      {
        std::lock_guard<std::mutex> l(mu);
        same_id_payouts.insert(a.payout_id());
      }
      // ...and under a request_id of its own: the database keeps the award once-only.
      v1::Payout b = p.Must("own-id-" + std::to_string(t), "YC-ABOVE-SCALE-ENTRY", Uscc(200), "2024-06-03");
      (b.status() == v1::SCHEDULED ? scheduled : duplicates)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(same_id_payouts.size(), 1u);
  EXPECT_EQ(scheduled.load(), 1);
  EXPECT_EQ(duplicates.load(), 15);
}

TEST(RewardE2e, SigkillMidLoadLosesAndDoublesNothing) {
  TempDir dir;
  const std::string db = dir.path() + "/ledger.db";
  std::map<std::string, std::string> acked;  // request_id → payout_id
  std::mutex mu;
  int next_enterprise = 1000;
  for (int round = 0; round < 3; ++round) {
    auto server = ServerProcess::Start({.db = db});
    ASSERT_TRUE(server.ok()) << server.status();
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    std::atomic<int> counter{next_enterprise};
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&] {
        Portal p((*server)->Channel());
        while (!stop) {
          const int n = counter++;
          const std::string rid = "kill-" + std::to_string(n);
          v1::Payout out;
          grpc::Status s = p.Submit(rid, "YC-ABOVE-SCALE-ENTRY", Uscc(n), "2024-06-03", {}, &out);
          if (s.ok()) {
            std::lock_guard<std::mutex> l(mu);
            acked[rid] = out.payout_id();
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 100 * round));
    (*server)->Kill();  // SIGKILL in the middle of the load
    stop = true;
    for (auto& t : clients) t.join();
    next_enterprise = counter.load();

    auto restarted = ServerProcess::Start({.db = db});
    ASSERT_TRUE(restarted.ok()) << restarted.status();
    Portal p((*restarted)->Channel());
    const auto all = p.ListAll({}, 500);

    std::map<std::string, std::string> stored;
    int64_t awarded = 0;
    for (const auto& x : all) {
      EXPECT_TRUE(stored.emplace(x.request_id(), x.payout_id()).second) << "request applied twice: " << x.request_id();
      // Distinct enterprises: every award is scheduled until the policy's 1亿 budget runs out.
      if (x.status() == v1::SCHEDULED) {
        EXPECT_EQ(x.amount_fen(), 20'000'000);
        awarded += x.amount_fen();
      } else {
        EXPECT_EQ(x.reasons(0).code(), "BUDGET_EXHAUSTED");
      }
    }
    for (const auto& [rid, pid] : acked) {
      ASSERT_TRUE(stored.count(rid)) << "acknowledged but lost: " << rid;
      EXPECT_EQ(stored[rid], pid);
    }
    // The budget ledger agrees with the payouts: nothing half-applied.
    v1::ListRewardPoliciesResponse policies;
    auto ctx = Call();
    ASSERT_TRUE(p.stub()->ListRewardPolicies(ctx.get(), {}, &policies).ok());
    for (const auto& pol : policies.policies()) {
      if (pol.policy_id() == "YC-ABOVE-SCALE-ENTRY") {
        EXPECT_EQ(pol.remaining_budget_fen(), pol.budget_fen() - awarded);
      }
    }
    // A retry of every request after the restart changes nothing that was stored.
    for (int n = 1000; n < next_enterprise; n += 23) {
      v1::Payout out;
      const std::string rid = "kill-" + std::to_string(n);
      ASSERT_TRUE(p.Submit(rid, "YC-ABOVE-SCALE-ENTRY", Uscc(n), "2024-06-03", {}, &out).ok());
      if (stored.count(rid)) {
        EXPECT_EQ(out.payout_id(), stored[rid]);
      }
      std::lock_guard<std::mutex> l(mu);
      acked[rid] = out.payout_id();
    }
    EXPECT_EQ((*restarted)->Stop(), 0);
  }
  EXPECT_GT(acked.size(), 20u);
  std::printf("acknowledged determinations across the kills: %zu\n", acked.size());
}

}  // namespace
}  // namespace subsidy::testing
