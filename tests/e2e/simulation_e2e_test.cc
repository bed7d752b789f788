// A seeded simulation of the ledgers, in the manner of TigerBeetle's VOPR: random valid and invalid
// operations on every road money takes (simulation_generator.h: allocations to units, schools, a
// reward policy and a bank; payments; expenditures and their reversals; reversals of fund
// entries; determinations and disbursement runs; claims and their reviews; the bank's return
// files, failed lines reissued or returned; a person's movements held for the second officer,
// then approved, rejected, or wrongly approved by their own maker), with faults injected at random
// points:
// - the server SIGKILLed in the middle of a call and started again;
// - on a pg_auto_failover group ("failover"), the primary killed once, in the middle of a call;
// - a call cut short by a deadline of milliseconds (its connection dropped, its outcome unknown);
// - a request sent again once it was answered.
// After every step the fund's figures are checked against an independent in-memory model built
// from the answers alone (allocated and paid are the sums of the answered entries and of the
// instructions posted; paid ≤ allocated ≤ budget). After every kill and at the end every answered
// request, sent again by its request_id, answers what it first answered. At the end: the
// execution report on every posting day equals the model, each loan-period is accepted once,
// each payout, claim or fund payment is paid by at most one line the bank has not failed, and the
// instructions waiting are the model's.
//
// The same seed draws the same operations and faults (where in a call a kill lands is the
// machine's timing); a failure prints its seed (SUBSIDY_SEED replays it). CI runs a short budget
// on SQLite, PostgreSQL and a failover group (SUBSIDY_SIM_OPS, default 160); bench/simulate.sh
// SECONDS SEED runs long ones.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "e2e/simulation_generator.h"
#include "subsidy/v1/approval.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/pg_ha_group.h"
#include "support/postgres_server.h"
#include "support/sample_loans.h"
#include "support/seed.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using sim::ChannelPtr;
using sim::kBudget;
using sim::kFund;
using sim::Op;
using sim::Outcome;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

bool Unknown(const grpc::Status& s) {  // the outcome is not known: the call is sent again
  return s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         s.error_code() == grpc::StatusCode::ABORTED || s.error_code() == grpc::StatusCode::CANCELLED;
}

// The servers run with callers configured, so that a person's movement of 20,000 分 or more waits
// for the second officer: one on SQLite; two replicas on one PostgreSQL; two replicas on a
// pg_auto_failover group whose primary is killed once, in the middle of a call ("failover").
class SimulationE2e : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    config_ = dir_.path() + "/callers.textproto";
    for (const auto& [name, roles, extra] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"maker", "finance", ""}, {"checker", "finance", ""}, {"portal", "portal", ""},
             {"bank", "bank", std::string("--banks=") + sim::kBank}, {"school", "school", "--schools=110106-S0,110106-S1"}}) {
      auto token = AddCaller(config_, name, roles, extra.empty() ? std::vector<std::string>{} : std::vector{extra});
      ASSERT_TRUE(token.ok()) << token.status();
      tokens_[name] = *token;
    }
    db_ = dir_.path() + "/ledger.db";
    if (GetParam() == "postgres") {
      SUBSIDY_POSTGRES_OR_FAIL(pg);
      db_ = pg->NewDatabase();
    } else if (GetParam() == "failover") {
      auto group = PgHaGroup::Start();
      ASSERT_TRUE(group.ok()) << group.status();  // never skipped: install with scripts/install-deps.sh --test
      group_ = std::move(*group);
      db_ = group_->url();
    }
    servers_.resize(GetParam() == "sqlite" ? 1 : 2);
    for (size_t i = 0; i < servers_.size(); ++i) Restart(i);
  }
  void Restart(size_t i) {
    auto s = ServerProcess::Start(
        {.db = db_,
         .extra_args = {"--auth_config=" + config_, absl::StrCat("--dual_control_threshold_fen=", sim::kHoldFromFen)}});
    ASSERT_TRUE(s.ok()) << s.status();
    servers_[i] = std::move(*s);
  }
  ChannelPtr At(size_t i) { return servers_[i % servers_.size()]->Channel(); }
  std::unique_ptr<grpc::ClientContext> As(const std::string& who) { return CallAs(tokens_.at(who)); }

  // At the end: the execution report on every day a posting was dated equals the model; each
  // loan-period accepted once among the claims not rejected; each payout, claim or fund payment
  // paid by at most one line the bank has not failed; the instructions waiting are the model's.
  void CheckTheLedgersAgree(const sim::Generator& gen, const std::map<std::string, int64_t>& allocated,
                            const std::map<std::string, int64_t>& paid, const std::set<std::string>& days) {
    auto funds = v1::FundService::NewStub(At(0));
    for (const std::string& as_of : days) {
      v1::GetExecutionReportRequest rr;
      rr.set_as_of(as_of);
      rr.add_fund_ids(kFund);
      v1::ExecutionReport report;
      ASSERT_TRUE(funds->GetExecutionReport(As("checker").get(), rr, &report).ok());
      int64_t a = 0, p = 0;
      for (const auto& [d, v] : allocated) a += d <= as_of ? v : 0;
      for (const auto& [d, v] : paid) p += d <= as_of ? v : 0;
      EXPECT_EQ(report.total().allocated_fen(), a) << as_of;
      EXPECT_EQ(report.total().paid_fen(), p) << as_of;
    }
    auto loans = v1::LoanSubsidyService::NewStub(At(0));
    std::map<std::string, int> accepted;
    for (const std::string& id : gen.claims()) {
      v1::GetLoanSubsidyClaimRequest gc;
      gc.set_claim_id(id);
      v1::LoanSubsidyClaim claim;
      ASSERT_TRUE(loans->GetLoanSubsidyClaim(As("checker").get(), gc, &claim).ok());
      if (claim.status() == v1::LoanSubsidyClaim::REJECTED) continue;
      v1::ListLoanSubsidyClaimLinesRequest lr;
      lr.set_claim_id(id);
      lr.set_line_status(v1::LoanSubsidyClaimLine::ACCEPTED);
      v1::ListLoanSubsidyClaimLinesResponse lines;
      ASSERT_TRUE(loans->ListLoanSubsidyClaimLines(As("checker").get(), lr, &lines).ok());
      for (const auto& l : lines.lines()) ++accepted[l.loan_id()];
    }
    for (const auto& [loan, n] : accepted) EXPECT_EQ(n, 1) << loan << " accepted " << n << " times";
    std::map<std::string, int> live;  // source → its lines SENT or CONFIRMED
    v1::ListPaymentLinesRequest pl;
    pl.set_page_size(500);
    for (;;) {
      v1::ListPaymentLinesResponse page;
      ASSERT_TRUE(v1::PaymentService::NewStub(At(0))->ListPaymentLines(As("checker").get(), pl, &page).ok());
      for (const auto& line : page.lines()) {
        live[line.source_id()] += line.state() == v1::PaymentLine::SENT || line.state() == v1::PaymentLine::CONFIRMED;
      }
      if (page.next_page_token().empty()) break;
      pl.set_page_token(page.next_page_token());
    }
    for (const auto& [source, n] : live) EXPECT_LE(n, 1) << source << " paid by " << n << " lines";
    std::set<std::string> waiting;
    v1::ListInstructionsRequest li;
    li.set_state(v1::Instruction::PENDING_APPROVAL);
    li.set_page_size(500);
    v1::ListInstructionsResponse instructions;
    ASSERT_TRUE(v1::ApprovalService::NewStub(At(0))->ListInstructions(As("checker").get(), li, &instructions).ok());
    for (const auto& i : instructions.instructions()) waiting.insert(i.instruction_id());
    std::set<std::string> want;
    for (const auto& [id, held] : gen.pending()) want.insert(id);
    EXPECT_EQ(waiting, want);
    if (std::getenv("SUBSIDY_TRACE") && waiting != want) {
      for (const auto& i : instructions.instructions()) std::fprintf(stderr, "  %s\n", i.ShortDebugString().c_str());
    }
  }

  TempDir dir_;
  std::string config_, db_;
  sim::Tokens tokens_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  std::unique_ptr<PgHaGroup> group_;
};

TEST_P(SimulationE2e, RandomOperationsUnderFaultsKeepEveryLedgerTrue) {
  const uint64_t seed = RandomTestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  std::printf("simulation seed %llu (replay: SUBSIDY_SEED=%llu)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  sim::Generator gen(seed, tokens_);
  std::mt19937_64 faults(seed ^ 0x9e3779b97f4a7c15ull);
  auto chance = [&](int percent) { return static_cast<int>(faults() % 100) < percent; };
  v1::Fund fund;
  ASSERT_TRUE(v1::FundService::NewStub(At(0))
                  ->CreateFund(As("maker").get(), NewFund(kFund, v1::Fund::DISTRICT, v1::Fund::OTHER, kBudget, 2024), &fund)
                  .ok());
  const int64_t ops = EnvInt("SUBSIDY_SIM_OPS", 160);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(EnvInt("SUBSIDY_SIM_SECONDS", 0));
  std::map<std::string, int64_t> allocated, paid;  // the model: date → sum of the answered entries
  struct Answered {
    Op op;
    std::string answer;
  };
  std::vector<Answered> answered;
  std::set<std::string> days;
  int kills = 0, cuts = 0, again = 0, refused = 0, held = 0, decided = 0;
  std::map<std::string, std::map<std::string, int>> tally;  // kind → OK or the refusal's reason → count
  // With a group: the primary is lost once, at an operation the seed picks among the first ones.
  const int64_t failover_at = group_ ? static_cast<int64_t>(faults() % static_cast<uint64_t>(std::max<int64_t>(ops, 100))) : -1;
  size_t replica = 0;
  auto replay_all = [&](const char* when) {
    for (const auto& a : answered) {
      Outcome o;
      grpc::Status s;
      for (int i = 0; i < 50 && (i == 0 || Unknown(s)); ++i) o = {}, s = a.op.send(At(replica++), std::chrono::seconds(30), &o);
      ASSERT_TRUE(s.ok()) << when << ": " << a.op.rid << " answered " << s.error_code() << " " << s.error_message();
      ASSERT_EQ(o.answer, a.answer) << when << ": " << a.op.rid << " answered differently";
    }
  };
  for (int64_t n = 0; n < ops || std::chrono::steady_clock::now() < until; ++n) {
    SCOPED_TRACE(absl::StrCat("operation sim-", n, " (replay: SUBSIDY_SEED=", seed, " SUBSIDY_SIM_OPS=", n + 1, ")"));
    Op op = gen.Next(static_cast<int>(n));
    Outcome out;
    grpc::Status s;
    const size_t target = replica++ % servers_.size();
    if (n == failover_at) {  // the database's primary lost in the middle of the call
      std::thread call([&] { s = op.send(At(target), std::chrono::seconds(10), &out); });
      std::this_thread::sleep_for(std::chrono::microseconds(faults() % 4000));
      auto node = group_->KillPrimary();
      call.join();
      ASSERT_TRUE(node.ok()) << node.status();
      std::printf("%s, the primary, killed at %s\n", node->c_str(), op.rid.c_str());
    } else if (chance(4)) {  // the server killed in the middle of the call, then started again
      std::thread call([&] { s = op.send(At(target), std::chrono::seconds(10), &out); });
      std::this_thread::sleep_for(std::chrono::microseconds(faults() % 4000));
      servers_[target]->Kill();
      call.join();
      Restart(target);
      ++kills;
    } else if (chance(6)) {  // cut short: the call's deadline passes while it runs
      s = op.send(At(target), std::chrono::milliseconds(1 + faults() % 5), &out);
      ++cuts;
    } else {
      s = op.send(At(target), std::chrono::seconds(30), &out);
    }
    // Until the outcome is known, by the same request_id (on a group, a replica may answer
    // UNAVAILABLE until it has found the new primary).
    auto until_known = [&](grpc::Status st, Outcome* o) {
      for (int i = 0; i < 200 && Unknown(st); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        *o = {};
        st = op.send(At(replica++), std::chrono::seconds(30), o);
      }
      return st;
    };
    s = until_known(s, &out);
    ASSERT_FALSE(Unknown(s)) << op.rid << ": no outcome after 200 tries: " << s.error_message();
    const std::string reason = ReasonOf(s);
    ++tally[op.kind][s.ok() ? "OK" : reason.empty() ? absl::StrCat("code ", s.error_code()) : reason];
    if (std::getenv("SUBSIDY_TRACE")) {
      std::fprintf(stderr, "%s %s %d %s %s\n", op.rid.c_str(), op.kind.c_str(), s.error_code(), reason.c_str(),
                   s.ok() ? out.answer.c_str() : s.error_message().c_str());
    }
    if (s.ok()) {
      if (chance(10)) {  // sent again once answered: the same answer, nothing moved twice
        Outcome twice;
        const grpc::Status st = until_known(op.send(At(replica++), std::chrono::seconds(30), &twice), &twice);
        ASSERT_TRUE(st.ok()) << op.rid << ": " << st.error_code() << " " << st.error_message();
        ASSERT_EQ(twice.answer, out.answer) << op.rid;
        ++again;
      }
      held += !out.held_id.empty();
      decided += !out.decided_id.empty();
      gen.Answered(out);
      for (const auto& [d, v] : out.effect.allocated) allocated[d] += v, days.insert(d);
      for (const auto& [d, v] : out.effect.paid) paid[d] += v, days.insert(d);
      answered.push_back({op, out.answer});
    } else {
      ++refused;  // a refusal is a rule's, never a fault
      ASSERT_TRUE(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
                  s.error_code() == grpc::StatusCode::INVALID_ARGUMENT || s.error_code() == grpc::StatusCode::NOT_FOUND ||
                  (op.may_be_denied && s.error_code() == grpc::StatusCode::PERMISSION_DENIED))
          << op.rid << ": " << s.error_code() << " " << s.error_message();
    }
    // After every step: the fund's figures are the sums of its answered entries, within limits.
    int64_t want_allocated = 0, want_paid = 0;
    for (const auto& [d, v] : allocated) want_allocated += v;
    for (const auto& [d, v] : paid) want_paid += v;
    v1::GetFundRequest gf;
    gf.set_fund_id(kFund);
    grpc::Status read;
    for (int i = 0; i < 1000 && (i == 0 || Unknown(read)); ++i) {  // (a read during a switch: UNAVAILABLE at once)
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      read = v1::FundService::NewStub(At(replica++))->GetFund(As("checker").get(), gf, &fund);
    }
    ASSERT_TRUE(read.ok()) << read.error_message();
    if (std::getenv("SUBSIDY_TRACE") && (fund.paid_fen() != want_paid || fund.allocated_fen() != want_allocated)) {
      v1::ListFundEntriesRequest le;
      le.set_fund_id(kFund);
      le.set_page_size(500);
      v1::ListFundEntriesResponse entries;
      (void)v1::FundService::NewStub(At(0))->ListFundEntries(As("checker").get(), le, &entries);
      for (const auto& e : entries.entries()) std::fprintf(stderr, "  %s\n", e.ShortDebugString().c_str());
      for (const std::string& id : gen.claims()) {
        v1::GetLoanSubsidyClaimRequest gc;
        gc.set_claim_id(id);
        v1::LoanSubsidyClaim claim;
        (void)v1::LoanSubsidyService::NewStub(At(0))->GetLoanSubsidyClaim(As("checker").get(), gc, &claim);
        std::fprintf(stderr, "  %s\n", claim.ShortDebugString().c_str());
      }
    }
    ASSERT_EQ(fund.allocated_fen(), want_allocated) << "after " << op.rid;
    ASSERT_EQ(fund.paid_fen(), want_paid) << "after " << op.rid;
    ASSERT_LE(want_paid, want_allocated) << "after " << op.rid;
    ASSERT_LE(want_allocated, kBudget) << "after " << op.rid;
    if (s.ok() && (kills > 0 || n == failover_at) && answered.size() % 40 == 0) replay_all("during the run");
    if (n == failover_at) replay_all("after the failover");
  }
  std::printf("%zu answered, %d refused, %d held for approval, %d decided; faults: %d kills, %d cut short, %d sent "
              "again (replay: SUBSIDY_SEED=%llu SUBSIDY_SIM_OPS=%zu)\n",
              answered.size(), refused, held, decided, kills, cuts, again, static_cast<unsigned long long>(seed),
              answered.size() + static_cast<size_t>(refused));
  for (const auto& [kind, outcomes] : tally) {
    std::string line;
    for (const auto& [what, count] : outcomes) absl::StrAppend(&line, " ", what, " ", count);
    std::printf("  %s:%s\n", kind.c_str(), line.c_str());
  }
  EXPECT_GT(answered.size(), static_cast<size_t>(ops / 4));
  // The roads that need nothing before them are answered, not only refused.
  for (const char* kind : {"AllocateFund", "SubmitLoanSubsidyClaim", "ImportBankReturn"}) {
    if (ops >= 100) {
      EXPECT_GT(tally[kind]["OK"], 0) << kind << " never answered OK";
    }
  }
  replay_all("at the end");
  CheckTheLedgersAgree(gen, allocated, paid, days);
}

INSTANTIATE_TEST_SUITE_P(Backends, SimulationE2e, ::testing::Values("sqlite", "postgres", "failover"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace subsidy::testing
