// The primary of a PostgreSQL group managed by pg_auto_failover SIGKILLed (keeper, postgres and
// backends: a machine lost) in the middle of a mixed load from two server replicas on the group's
// multi-host URL: determinations; fund payments and their approvals; claims, their reviews and
// the reviews' approvals. Every answer is OK or retryable, never a wrong one; both servers serve
// again within 30 s of the kill without a restart; afterwards every request sent again by its
// request_id answers what it first answered, and every payout, payment, claim line and payment
// line is stored exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"

#include "subsidy/v1/approval.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/pg_ha_group.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kFund[] = "HA-FUND";
constexpr char kUnit[] = "HA-UNIT";
constexpr char kBank[] = "HA-BANK";
constexpr int kLoansPerClaim = 2;

enum class Kind { kDetermination, kFundPayment, kClaim };

// Only these may answer a call while the primary is lost: the call is retried by its request_id.
bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::ABORTED || code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

class FailoverE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto group = PgHaGroup::Start();
    ASSERT_TRUE(group.ok()) << group.status();  // never skipped: install with scripts/install-deps.sh --test
    group_ = std::move(*group);
    config_ = dir_.path() + "/callers.textproto";
    for (const auto& [name, roles] : std::vector<std::pair<std::string, std::string>>{
             {"portal", "portal"}, {"bank", "bank"}, {"maker", "finance"}, {"checker", "finance"}}) {
      std::vector<std::string> extra;
      if (name == "bank") extra.push_back(std::string("--banks=") + kBank);
      auto token = AddCaller(config_, name, roles, extra);
      ASSERT_TRUE(token.ok()) << token.status();
      tokens_[name] = *token;
    }
    for (int i = 0; i < 2; ++i) {
      auto s = ServerProcess::Start({.db = group_->url(), .extra_args = {"--auth_config=" + config_}});
      ASSERT_TRUE(s.ok()) << s.status();
      servers_.push_back(std::move(*s));
    }
    v1::Fund fund;
    ASSERT_TRUE(v1::FundService::NewStub(Channel(0))
                    ->CreateFund(As("maker").get(),
                                 NewFund(kFund, v1::Fund::DISTRICT, v1::Fund::EDUCATION, 1'000'000'000'000, 2026),
                                 &fund)
                    .ok());
    v1::AllocateFundRequest unit;
    unit.set_request_id("ha-unit");
    unit.set_fund_id(kFund);
    unit.set_recipient_kind(v1::FundAllocation::UNIT);
    unit.set_recipient_id(kUnit);
    unit.set_region_code("110106");
    unit.set_amount_fen(100'000'000'000);
    unit.set_date("2026-03-02");
    v1::FundAllocation held;
    ASSERT_TRUE(v1::FundService::NewStub(Channel(0))->AllocateFund(As("maker").get(), unit, &held).ok());
    v1::ApproveInstructionRequest ok;
    ok.set_request_id("ha-unit-ok");
    ok.set_instruction_id(held.instruction_id());
    v1::Instruction posted;
    ASSERT_TRUE(v1::ApprovalService::NewStub(Channel(0))->ApproveInstruction(As("checker").get(), ok, &posted).ok());
    ASSERT_EQ(posted.state(), v1::Instruction::POSTED);
  }

  std::shared_ptr<grpc::Channel> Channel(int replica) { return servers_[replica % 2]->Channel(); }
  std::unique_ptr<grpc::ClientContext> As(const std::string& who) {
    return CallAs(tokens_.at(who), std::chrono::seconds(20));
  }

  // One call, sent again by its request_id until it answers OK, a status that is not retryable,
  // or the test's time is up. The first OK answer of each request_id is kept; a later one must be
  // the same. `call` fills `answer` from the response.
  bool Send(const std::string& request_id, const std::function<grpc::Status(std::string* answer)>& call) {
    for (;;) {
      std::string answer;
      const grpc::Status s = call(&answer);
      if (s.ok()) {
        std::lock_guard<std::mutex> l(mu_);
        auto [it, first] = answers_.emplace(request_id, answer);
        if (!first && it->second != answer) {
          mismatches_.push_back(request_id + ": first " + it->second + ", now " + answer);
        }
        last_ok_[std::this_thread::get_id()] = Clock::now();
        return true;
      }
      if (!Retryable(s.error_code())) {
        std::lock_guard<std::mutex> l(mu_);
        wrong_.push_back(request_id + ": " + std::to_string(s.error_code()) + " " + s.error_message());
        return false;
      }
      ++retried_;
      if (Clock::now() > give_up_) return false;
      // A client's pause between retries (the server answered; nothing is awaited here).
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Approves an instruction as the checker: the posted result's id.
  bool Approve(int replica, const std::string& request_id, const std::string& instruction, std::string* result) {
    return Send(request_id, [&](std::string* answer) {
      v1::ApproveInstructionRequest r;
      r.set_request_id(request_id);
      r.set_instruction_id(instruction);
      v1::Instruction out;
      auto s = v1::ApprovalService::NewStub(Channel(replica))->ApproveInstruction(As("checker").get(), r, &out);
      *result = out.result_id();
      *answer = out.result_id() + " " + v1::Instruction::State_Name(out.state());
      return s;
    });
  }

  // Job n of `kind`, every call of it: true when all were answered OK.
  bool RunJob(int replica, Kind kind, int n) {
    const std::string tag = std::to_string(n);
    if (kind == Kind::kDetermination) {
      return Send("ha-det-" + tag, [&](std::string* answer) {
        v1::SubmitDeterminationRequest r;
        r.set_request_id("ha-det-" + tag);
        r.set_policy_id("YC-OUTPUT-GROWTH");
        r.set_enterprise_uscc(TestUscc(n));
        r.set_determination_date("2024-06-03");
        (*r.mutable_metrics())["output_increase_fen"] = "1";
        v1::Payout out;
        auto s = v1::RewardPayoutService::NewStub(Channel(replica))->SubmitDetermination(As("portal").get(), r, &out);
        *answer = out.payout_id() + " " + v1::PayoutStatus_Name(out.status());
        return s;
      });
    }
    if (kind == Kind::kFundPayment) {
      std::string instruction, posted;
      return Send("ha-pay-" + tag,
                  [&](std::string* answer) {
                    v1::RecordFundPaymentRequest r;
                    r.set_request_id("ha-pay-" + tag);
                    r.set_fund_id(kFund);
                    r.set_recipient_id(kUnit);
                    r.set_amount_fen(500 + n);
                    r.set_date("2026-03-03");
                    r.set_category("TEACHING");
                    r.set_payee("某某设备有限公司");
                    r.set_payee_account("6222020000" + std::to_string(100000 + n));
                    r.set_payee_bank("中国工商银行");
                    v1::FundPayment out;
                    auto s = v1::FundService::NewStub(Channel(replica))->RecordFundPayment(As("maker").get(), r, &out);
                    *answer = instruction = out.instruction_id();
                    return s;
                  }) &&
             Approve(replica, "ha-pay-ok-" + tag, instruction, &posted);
    }
    std::string claim, instruction, posted;
    return Send("ha-claim-" + tag,
                [&](std::string* answer) {
                  v1::SubmitLoanSubsidyClaimRequest r;
                  r.set_request_id("ha-claim-" + tag);
                  r.set_bank_id(kBank);
                  r.mutable_settlement_period()->set_start_date("2024-06-21");
                  r.mutable_settlement_period()->set_end_date("2024-09-20");
                  for (int k = 0; k < kLoansPerClaim; ++k) *r.add_loans() = TestLoan(LoanId(n, k));
                  v1::LoanSubsidyClaim out;
                  auto s =
                      v1::LoanSubsidyService::NewStub(Channel(replica))->SubmitLoanSubsidyClaim(As("bank").get(), r, &out);
                  *answer = claim = out.claim_id();
                  absl::StrAppend(answer, " ", out.accepted_count(), " ", out.total_subsidy_fen());
                  return s;
                }) &&
           Send("ha-review-" + tag,
                [&](std::string* answer) {
                  v1::ReviewLoanSubsidyClaimRequest r;
                  r.set_request_id("ha-review-" + tag);
                  r.set_claim_id(claim);
                  r.set_decision(v1::ReviewLoanSubsidyClaimRequest::APPROVE);
                  r.set_payment_date("2024-09-23");
                  r.set_payee_name("创业担保贷款经办银行");
                  r.set_payee_account("6222021234" + std::to_string(100000 + n));
                  r.set_payee_bank("中国工商银行");
                  v1::LoanSubsidyClaim out;
                  auto s =
                      v1::LoanSubsidyService::NewStub(Channel(replica))->ReviewLoanSubsidyClaim(As("maker").get(), r, &out);
                  *answer = instruction = out.instruction_id();
                  return s;
                }) &&
           Approve(replica, "ha-review-ok-" + tag, instruction, &posted);
  }

  static std::string LoanId(int n, int k) { return "HA-" + std::to_string(n) + "-" + std::to_string(k); }

  TempDir dir_;
  std::unique_ptr<PgHaGroup> group_;
  std::string config_;
  std::map<std::string, std::string> tokens_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;

  std::mutex mu_;
  std::map<std::string, std::string> answers_;        // request_id → its first OK answer
  std::vector<std::string> mismatches_, wrong_;       // a later answer unlike the first; a wrong status
  std::map<std::thread::id, Clock::time_point> last_ok_;
  std::atomic<int> retried_{0};
  Clock::time_point give_up_ = Clock::now() + std::chrono::minutes(6);
};

TEST_F(FailoverE2e, PrimaryKilledUnderMixedLoadLosesAndDoublesNothing) {
  struct Job {
    Kind kind;
    int n;
    int replica;
    Clock::time_point started;
  };
  std::vector<Job> jobs;  // every job started, in order
  std::map<int, Clock::time_point> done_at;  // job index → when its last call was answered
  std::condition_variable progressed;
  std::atomic<bool> stop{false};
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&, w] {
      const Kind kind = static_cast<Kind>(w % 3);
      const int replica = w / 3;
      while (!stop) {
        const int n = next++;
        size_t index;
        {
          std::lock_guard<std::mutex> l(mu_);
          index = jobs.size();
          jobs.push_back({kind, n, replica, Clock::now()});
        }
        if (RunJob(replica, kind, n)) {
          std::lock_guard<std::mutex> l(mu_);
          done_at[static_cast<int>(index)] = Clock::now();
          progressed.notify_all();
        }
      }
    });
  }
  auto done_since = [&](Clock::time_point t, int replica) {  // jobs started after t and answered
    int count = 0;
    for (const auto& [index, at] : done_at) count += jobs[index].started > t && jobs[index].replica == replica;
    return count;
  };
  // The kill lands once the load runs on both replicas: answered jobs, not a sleep.
  bool loaded = false;
  {
    std::unique_lock<std::mutex> l(mu_);
    loaded = progressed.wait_for(l, std::chrono::seconds(90), [&] {
      return done_since(Clock::time_point(), 0) >= 8 && done_since(Clock::time_point(), 1) >= 8;
    });
  }
  auto node = group_->KillPrimary();
  const Clock::time_point killed = Clock::now();  // the node is gone (SIGKILL delivered)
  // Both replicas serve again: jobs started after the kill (none of whose calls can have been
  // committed by the lost primary) are answered on each.
  bool recovered = false;
  Clock::time_point serving_again[2] = {};
  if (loaded && node.ok()) {
    std::unique_lock<std::mutex> l(mu_);
    recovered = progressed.wait_for(l, std::chrono::seconds(90), [&] {
      for (int r = 0; r < 2; ++r) {
        for (const auto& [index, at] : done_at) {
          if (jobs[index].started > killed && jobs[index].replica == r &&
              (serving_again[r] == Clock::time_point() || at < serving_again[r])) {
            serving_again[r] = at;
          }
        }
      }
      return done_since(killed, 0) >= 6 && done_since(killed, 1) >= 6;
    });
  }
  stop = true;
  for (auto& t : workers) t.join();
  ASSERT_TRUE(loaded) << "the load did not start on both replicas within 90 s";
  ASSERT_TRUE(node.ok()) << node.status();
  ASSERT_TRUE(recovered) << "the servers did not serve again within 90 s of the kill\n" << group_->State();
  for (int r = 0; r < 2; ++r) {
    const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(serving_again[r] - killed);
    std::printf("replica %d: first job answered %.1f s after %s was killed\n", r, after.count() / 1000.0,
                node->c_str());
    EXPECT_LE(after, std::chrono::seconds(30)) << "replica " << r << " served again too late";
  }
  std::printf("%zu jobs, %zu answered; %d retried calls\n", jobs.size(), done_at.size(), retried_.load());
  EXPECT_GT(retried_.load(), 0) << "no call saw the failover";
  for (const auto& w : wrong_) ADD_FAILURE() << "a wrong answer during the failover: " << w;

  // Every job again, on the other replica: each call answers what it first answered; those not
  // answered before are completed, so that the totals below are known.
  int64_t paid = 0;
  int determinations = 0, payments = 0, claims = 0;
  for (const Job& job : jobs) {
    ASSERT_TRUE(RunJob(1 - job.replica, job.kind, job.n)) << "job " << job.n;
    if (job.kind == Kind::kDetermination) ++determinations;
    if (job.kind == Kind::kFundPayment) {
      ++payments;
      paid += 500 + job.n;
    }
    if (job.kind == Kind::kClaim) ++claims;
  }
  for (const auto& m : mismatches_) ADD_FAILURE() << "answered differently: " << m;
  for (const auto& w : wrong_) ADD_FAILURE() << "a wrong answer: " << w;

  // One payout per determination.
  auto reward = v1::RewardPayoutService::NewStub(Channel(0));
  std::set<std::string> payout_requests;
  v1::ListPayoutsRequest lp;
  lp.set_page_size(500);
  for (;;) {
    v1::ListPayoutsResponse page;
    ASSERT_TRUE(reward->ListPayouts(As("checker").get(), lp, &page).ok());
    for (const auto& p : page.payouts()) {
      EXPECT_TRUE(payout_requests.insert(p.request_id()).second) << "twice: " << p.request_id();
    }
    if (page.next_page_token().empty()) break;
    lp.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(payout_requests.size(), static_cast<size_t>(determinations));

  // The fund's figures are the sum of its payments, each once.
  v1::GetFundRequest gf;
  gf.set_fund_id(kFund);
  v1::Fund fund;
  ASSERT_TRUE(v1::FundService::NewStub(Channel(1))->GetFund(As("checker").get(), gf, &fund).ok());
  EXPECT_EQ(fund.allocated_fen(), 100'000'000'000);
  EXPECT_EQ(fund.paid_fen(), paid);

  // Every claim paid once, every loan accepted once.
  auto loans = v1::LoanSubsidyService::NewStub(Channel(0));
  std::vector<v1::LoanSubsidyClaim> stored;
  v1::ListLoanSubsidyClaimsRequest lc;
  lc.set_bank_id(kBank);
  lc.set_page_size(500);
  for (;;) {
    v1::ListLoanSubsidyClaimsResponse page;
    ASSERT_TRUE(loans->ListLoanSubsidyClaims(As("checker").get(), lc, &page).ok());
    stored.insert(stored.end(), page.claims().begin(), page.claims().end());
    if (page.next_page_token().empty()) break;
    lc.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(claims));
  std::set<std::string> accepted;
  for (const auto& c : stored) {
    EXPECT_EQ(c.status(), v1::LoanSubsidyClaim::PAID) << c.claim_id();
    v1::ListLoanSubsidyClaimLinesRequest ll;
    ll.set_claim_id(c.claim_id());
    ll.set_page_size(100);
    v1::ListLoanSubsidyClaimLinesResponse lines;
    ASSERT_TRUE(loans->ListLoanSubsidyClaimLines(As("checker").get(), ll, &lines).ok());
    EXPECT_EQ(lines.lines_size(), kLoansPerClaim) << c.claim_id();
    for (const auto& line : lines.lines()) {
      if (line.line_status() == v1::LoanSubsidyClaimLine::ACCEPTED) {
        EXPECT_TRUE(accepted.insert(line.loan_id()).second) << "accepted twice: " << line.loan_id();
      }
    }
  }
  EXPECT_EQ(accepted.size(), static_cast<size_t>(claims * kLoansPerClaim));

  // One payment line for the bank per approved claim and per fund payment.
  std::map<std::string, int> lines_of;
  v1::ListPaymentLinesRequest pl;
  pl.set_page_size(500);
  for (;;) {
    v1::ListPaymentLinesResponse page;
    ASSERT_TRUE(v1::PaymentService::NewStub(Channel(1))->ListPaymentLines(As("checker").get(), pl, &page).ok());
    for (const auto& line : page.lines()) ++lines_of[line.source_id()];
    if (page.next_page_token().empty()) break;
    pl.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(lines_of.size(), static_cast<size_t>(claims + payments));
  for (const auto& [source, n] : lines_of) EXPECT_EQ(n, 1) << source << " has " << n << " payment lines";
}

}  // namespace
}  // namespace subsidy::testing
