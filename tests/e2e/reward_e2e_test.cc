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

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

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
  // The policy as ListRewardPolicies shows it (a failure when it is not listed).
  v1::RewardPolicy Policy(const std::string& policy_id) {
    v1::ListRewardPoliciesResponse list;
    const grpc::Status s = stub_->ListRewardPolicies(Call().get(), {}, &list);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const auto& p : list.policies()) {
      if (p.policy_id() == policy_id) return p;
    }
    ADD_FAILURE() << "ListRewardPolicies does not list " << policy_id;
    return {};
  }
  v1::RewardPayoutService::Stub* stub() { return stub_.get(); }

 private:
  std::unique_ptr<v1::RewardPayoutService::Stub> stub_;
};

// The server's today: after every due date below, whatever day the test runs.
constexpr char kToday[] = "2026-01-05T10:00:00+08:00";

TEST(RewardE2e, ASeasonOfDeterminations) {
  TempDir dir;
  auto server = ServerProcess::Start(
      {.db = dir.path() + "/ledger.db", .extra_args = {std::string("--clock_for_tests=") + kToday}});
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
  // Read on the server's today, 2026-01-05 (after every due date here), a SCHEDULED payout says
  // it is overdue; others never.
  int scheduled = 0;
  for (const auto& p : all) {
    EXPECT_EQ(p.overdue(), p.status() == v1::SCHEDULED) << p.payout_id();
    scheduled += p.status() == v1::SCHEDULED;
  }
  EXPECT_GT(scheduled, 0);
  EXPECT_FALSE(dup.overdue());  // a mutation's answer (stored for replays) carries no day-relative flag

  // Remaining budgets reflect the awards: the digital-transformation budget spent to the 分 (500万
  // + 300万 + 200万 of its 1000万), five entry awards of 20万 out of the entry policy's 1亿.
  EXPECT_EQ(portal.Policy("YC-DIGITAL-TRANSFORM").remaining_budget_fen(),
            1'000'000'000 - (500'000'000 + 300'000'000 + 200'000'000));
  EXPECT_EQ(portal.Policy("YC-ABOVE-SCALE-ENTRY").remaining_budget_fen(), 10'000'000'000 - 5 * 20'000'000);

  // Overdue as of 2024-10-13: exactly the payouts still SCHEDULED then with a due date before it,
  // the three National Day ones (due 10-11 and 10-12) among them.
  v1::ListPayoutsRequest overdue;
  overdue.set_overdue_as_of("2024-10-13");
  std::set<std::string> overdue_ids, expected_overdue;
  for (const auto& p : portal.ListAll(overdue)) overdue_ids.insert(p.request_id());
  for (const auto& p : all) {
    if (p.status() == v1::SCHEDULED && p.due_date() < "2024-10-13") expected_overdue.insert(p.request_id());
  }
  for (const char* national_day : {"nd-last", "nd-makeup", "nd-inside"}) {
    EXPECT_TRUE(expected_overdue.count(national_day)) << national_day;
  }
  EXPECT_EQ(overdue_ids, expected_overdue);

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
  const auto after_runs = portal.ListAll({});
  ASSERT_EQ(after_runs.size(), all.size());
  for (const auto& p : after_runs) {
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

// Determinations that queue together are decided together (one read of what they decide on, one
// insert of their payouts): 24 portals at once, each for an enterprise of its own and for one they
// share, spend the policy's 1000万 to the 分 (five awards of 200万) and award the shared enterprise once, as one by one.
void DeterminationsAtOnceSpendTheBudgetToTheFen(const std::string& db) {
  auto server = ServerProcess::Start({.db = db});
  ASSERT_TRUE(server.ok()) << server.status();
  std::mutex mu;
  std::map<std::string, v1::Payout> answers;
  std::vector<std::thread> portals;
  for (int t = 0; t < 24; ++t) {
    portals.emplace_back([&, t] {
      Portal p((*server)->Channel());
      for (const auto& [rid, uscc] : {std::pair{absl::StrCat("own-", t), Uscc(500 + t)},
                                      std::pair{absl::StrCat("shared-", t), Uscc(600)}}) {
        v1::Payout out = p.Must(rid, "YC-DIGITAL-TRANSFORM", uscc, "2024-03-01", {{"spend_fen", "666666667"}});
        std::lock_guard<std::mutex> l(mu);
        answers[rid] = out;
      }
    });
  }
  for (auto& t : portals) t.join();
  Portal p((*server)->Channel());
  int64_t awarded = 0;
  int shared_awards = 0;
  for (const auto& [rid, out] : answers) {
    if (out.status() == v1::SCHEDULED) {
      awarded += out.amount_fen();
      shared_awards += out.enterprise_uscc() == Uscc(600);
      EXPECT_EQ(out.amount_fen(), 200'000'000);  // 30% of 666,666,667 分, to the 分
    } else {
      EXPECT_THAT(out.reasons(0).code(), ::testing::AnyOf("BUDGET_EXHAUSTED", "DUPLICATE_AWARD")) << rid;
    }
    // Each answer is the stored one.
    v1::Payout again = p.Must(rid, "YC-DIGITAL-TRANSFORM", out.enterprise_uscc(), "2024-03-01",
                              {{"spend_fen", "666666667"}});
    EXPECT_TRUE(MessageDifferencer::Equals(again, out)) << rid;
  }
  EXPECT_EQ(awarded, 1'000'000'000);  // five awards of 200万: the budget to the 分
  EXPECT_LE(shared_awards, 1);
  EXPECT_EQ(p.Policy("YC-DIGITAL-TRANSFORM").remaining_budget_fen(), 0);
  EXPECT_EQ(p.ListAll({}).size(), answers.size());
}

TEST(RewardE2e, DeterminationsAtOnceSpendTheBudgetToTheFenOnSqlite) {
  TempDir dir;
  DeterminationsAtOnceSpendTheBudgetToTheFen(dir.path() + "/ledger.db");
}

TEST(RewardE2e, DeterminationsAtOnceSpendTheBudgetToTheFenOnPostgres) {
  SUBSIDY_POSTGRES_OR_SKIP(pg);
  DeterminationsAtOnceSpendTheBudgetToTheFen(pg->NewDatabase());
}

// GetPaymentFile: the bank's file of one day's payments is, row for row, the payouts that day's
// run paid, with their count and sum; another day's is the header alone; one policy's holds that
// policy's only; GB18030 on request; an unknown policy or encoding is refused.
TEST(RewardE2e, ThePaymentFileIsTheDaysPaymentsRowForRow) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  Portal portal((*server)->Channel());
  // Two entry awards, determined on Monday 2024-05-13 and paid by the run of 2024-05-20.
  ASSERT_EQ(portal.Must("pf-1", "YC-ABOVE-SCALE-ENTRY", Uscc(301), "2024-05-13").status(), v1::SCHEDULED);
  ASSERT_EQ(portal.Must("pf-2", "YC-ABOVE-SCALE-ENTRY", Uscc(302), "2024-05-13").status(), v1::SCHEDULED);
  v1::RunDisbursementResponse run;
  ASSERT_TRUE(portal.Disburse("pf-run", "2024-05-20", &run).ok());
  ASSERT_EQ(run.paid_count(), 2);
  // The file's rows as the payouts themselves say (voucher, payee, amount in 分 and in 元, …).
  v1::ListPayoutsRequest disbursed;
  disbursed.set_status(v1::DISBURSED);
  const auto paid = portal.ListAll(disbursed);
  ASSERT_EQ(paid.size(), 2u);
  std::set<std::string> rows;
  int64_t total = 0;
  for (const auto& p : paid) {
    EXPECT_EQ(p.amount_fen(), 20'000'000);  // the entry award: 200,000.00 元
    rows.insert(absl::StrCat(p.voucher_no(), ",", p.enterprise_uscc(), ",", p.enterprise_name(), ",", p.amount_fen(),
                             ",", p.amount_fen() / 100, ".", absl::Dec(p.amount_fen() % 100, absl::kZeroPad2), ",",
                             p.payout_id(), ",", p.policy_id(), ",2024-05-20"));
    total += p.amount_fen();
  }
  const std::string header = "voucher_no,payee_uscc,payee_name,amount_fen,amount_yuan,payout_id,policy_id,paid_date";
  auto fetch = [&](const v1::GetPaymentFileRequest& req, v1::PaymentFile* file) {
    return portal.stub()->GetPaymentFile(Call().get(), req, file);
  };
  auto lines_of = [](const v1::PaymentFile& file) {
    std::vector<std::string> lines = absl::StrSplit(file.content(), "\r\n", absl::SkipEmpty());
    return lines;
  };
  v1::GetPaymentFileRequest req;
  req.set_paid_date("2024-05-20");
  v1::PaymentFile file;
  ASSERT_TRUE(fetch(req, &file).ok());
  EXPECT_EQ(file.file_name(), "payments-2024-05-20.csv");
  EXPECT_EQ(file.payment_count(), 2);
  EXPECT_EQ(file.total_amount_fen(), total);
  std::vector<std::string> lines = lines_of(file);
  ASSERT_EQ(lines.size(), 3u) << file.content();
  EXPECT_EQ(lines[0], header);
  EXPECT_EQ(std::set<std::string>(lines.begin() + 1, lines.end()), rows);
  // The names in GB18030 when asked (企业 is C6F3 D2B5 there), the figures the same.
  req.set_encoding("gb18030");
  v1::PaymentFile gbk;
  ASSERT_TRUE(fetch(req, &gbk).ok());
  EXPECT_EQ(gbk.payment_count(), 2);
  EXPECT_NE(gbk.content().find("\xC6\xF3\xD2\xB5"), std::string::npos);
  EXPECT_EQ(gbk.content().find("企业"), std::string::npos);
  req.clear_encoding();
  // Another policy's payments that day: none; another day: none.
  req.set_policy_id("YC-DIGITAL-TRANSFORM");
  ASSERT_TRUE(fetch(req, &file).ok());
  EXPECT_EQ(file.payment_count(), 0);
  EXPECT_EQ(lines_of(file), std::vector<std::string>{header});
  req.set_policy_id("YC-ABOVE-SCALE-ENTRY");
  ASSERT_TRUE(fetch(req, &file).ok());
  EXPECT_EQ(file.payment_count(), 2);
  req.clear_policy_id();
  req.set_paid_date("2024-05-21");
  ASSERT_TRUE(fetch(req, &file).ok());
  EXPECT_EQ(file.payment_count(), 0);
  EXPECT_EQ(file.total_amount_fen(), 0);
  EXPECT_EQ(lines_of(file), std::vector<std::string>{header});
  // Refused: an unknown policy, an unknown encoding, a date that is not one.
  req.set_policy_id("YC-NOPE");
  EXPECT_EQ(fetch(req, &file).error_code(), grpc::StatusCode::NOT_FOUND);
  req.clear_policy_id();
  req.set_encoding("ebcdic");
  EXPECT_EQ(fetch(req, &file).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  req.clear_encoding();
  req.set_paid_date("2024-02-30");
  EXPECT_EQ(fetch(req, &file).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
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
    // SIGKILL in the middle of the load: once this round has its first acknowledgements, so that
    // every round kills a server with work done and work in flight.
    const size_t acked_before = [&] {
      std::lock_guard<std::mutex> l(mu);
      return acked.size();
    }();
    const bool loaded = WaitUntil([&] {
      std::lock_guard<std::mutex> l(mu);
      return acked.size() >= acked_before + 10 + 10 * static_cast<size_t>(round);
    });
    (*server)->Kill();
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_TRUE(loaded) << "round " << round << ": too few determinations acknowledged in 30 s";
    next_enterprise = counter.load();

    auto restarted = ServerProcess::Start({.db = db});
    ASSERT_TRUE(restarted.ok()) << restarted.status();
    Portal p((*restarted)->Channel());
    const auto all = p.ListAll({}, 500);
    ASSERT_GE(all.size(), acked.size());

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
    const v1::RewardPolicy entry = p.Policy("YC-ABOVE-SCALE-ENTRY");
    EXPECT_EQ(entry.budget_fen(), 10'000'000'000);  // the data's 1亿: no fund allocates to it here
    EXPECT_EQ(entry.remaining_budget_fen(), entry.budget_fen() - awarded);
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
