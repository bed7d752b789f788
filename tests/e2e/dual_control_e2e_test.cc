// Dual control (双人复核) end to end, on SQLite and on two replicas over one PostgreSQL: a money
// movement by a person waits as an instruction that reserves its amount; another finance
// officer posts or rejects it; the maker never approves their own; an instruction is decided
// once, even by two approvers at once on two replicas; reversals undo entries once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/match.h"

#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/approval.grpc.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

constexpr int64_t kBudget = 10'000'000;  // 100,000.00 元
// The servers' today: after every date of the movements below (March 2026), whatever day the test
// runs; a fund's figures count what is dated by today, and an expenditure may not be dated later.
constexpr char kToday[] = "2026-06-30T10:00:00+08:00";

class DualControlE2e : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    config_ = dir_.path() + "/callers.textproto";
    for (const auto& [name, roles] : std::vector<std::pair<std::string, std::string>>{
             {"maker", "finance"}, {"checker", "finance"}, {"checker-2", "finance"}, {"admin", "admin"},
             {"school", "school"}}) {
      auto token = AddCaller(config_, name, roles, {"--schools=110106-DC1"});
      ASSERT_TRUE(token.ok()) << token.status();
      tokens_[name] = *token;
    }
    std::string db = dir_.path() + "/ledger.db";
    if (GetParam() == "postgres") {
      SUBSIDY_POSTGRES_OR_SKIP(pg);
      db = pg->NewDatabase();
    }
    for (int i = 0; i < (GetParam() == "postgres" ? 2 : 1); ++i) {
      std::vector<std::string> args = {"--auth_config=" + config_, std::string("--clock_for_tests=") + kToday};
      args.insert(args.end(), extra_args_.begin(), extra_args_.end());
      auto s = ServerProcess::Start({.db = db, .extra_args = args});
      ASSERT_TRUE(s.ok()) << s.status();
      servers_.push_back(std::move(*s));
    }
    // The fund itself is created at once (no money moves); its budget is the data of the test.
    v1::Fund fund;
    ASSERT_TRUE(Funds("maker")->CreateFund(Ctx("maker").get(),
                                           NewFund("DC-FUND", v1::Fund::DISTRICT, v1::Fund::EDUCATION, kBudget, 2026),
                                           &fund)
                    .ok());
  }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& who) { return CallAs(tokens_.at(who)); }
  std::shared_ptr<grpc::Channel> Channel(int replica) { return servers_[replica % servers_.size()]->Channel(); }
  std::unique_ptr<v1::FundService::Stub> Funds(const std::string&, int replica = 0) {
    return v1::FundService::NewStub(Channel(replica));
  }
  std::unique_ptr<v1::ApprovalService::Stub> Approvals(int replica = 0) {
    return v1::ApprovalService::NewStub(Channel(replica));
  }

  grpc::Status Allocate(const std::string& who, const std::string& request_id, const std::string& recipient,
                        int64_t fen, v1::FundAllocation* out) {
    v1::AllocateFundRequest r;
    r.set_request_id(request_id);
    r.set_fund_id("DC-FUND");
    r.set_recipient_kind(v1::FundAllocation::UNIT);
    r.set_recipient_id(recipient);
    r.set_region_code("110106");
    r.set_amount_fen(fen);
    r.set_date("2026-03-02");
    return Funds(who)->AllocateFund(Ctx(who).get(), r, out);
  }
  grpc::Status Pay(const std::string& who, const std::string& request_id, const std::string& recipient, int64_t fen,
                   v1::FundPayment* out) {
    v1::RecordFundPaymentRequest r;
    r.set_request_id(request_id);
    r.set_fund_id("DC-FUND");
    r.set_recipient_id(recipient);
    r.set_amount_fen(fen);
    r.set_date("2026-03-03");
    r.set_category("TEACHING");
    return Funds(who)->RecordFundPayment(Ctx(who).get(), r, out);
  }
  grpc::Status Approve(const std::string& who, const std::string& request_id, const std::string& id,
                       v1::Instruction* out, int replica = 0) {
    v1::ApproveInstructionRequest r;
    r.set_request_id(request_id);
    r.set_instruction_id(id);
    return Approvals(replica)->ApproveInstruction(Ctx(who).get(), r, out);
  }
  grpc::Status Reject(const std::string& who, const std::string& request_id, const std::string& id,
                      v1::Instruction* out) {
    v1::RejectInstructionRequest r;
    r.set_request_id(request_id);
    r.set_instruction_id(id);
    r.set_reason("金额有误");
    return Approvals()->RejectInstruction(Ctx(who).get(), r, out);
  }
  v1::Fund Fund() {
    v1::GetFundRequest r;
    r.set_fund_id("DC-FUND");
    v1::Fund f;
    EXPECT_TRUE(Funds("checker")->GetFund(Ctx("checker").get(), r, &f).ok());
    return f;
  }
  // Allocates and has it approved: the allocation's posted id.
  std::string AllocatePosted(const std::string& request_id, const std::string& recipient, int64_t fen) {
    v1::FundAllocation held;
    EXPECT_TRUE(Allocate("maker", request_id, recipient, fen, &held).ok());
    v1::Instruction posted;
    EXPECT_TRUE(Approve("checker", "ok-" + request_id, held.instruction_id(), &posted).ok());
    return posted.result_id();
  }

  std::vector<std::string> extra_args_;  // the servers' own, set before SetUp
  TempDir dir_;
  std::string config_;
  std::map<std::string, std::string> tokens_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

TEST_P(DualControlE2e, AMovementWaitsReservedUntilASecondOfficerPostsIt) {
  v1::FundAllocation held;
  ASSERT_TRUE(Allocate("maker", "a1", "UNIT-A", 6'000'000, &held).ok());
  EXPECT_EQ(held.approval_state(), v1::Instruction::PENDING_APPROVAL);
  EXPECT_TRUE(held.allocation_id().empty());
  ASSERT_FALSE(held.instruction_id().empty());
  // A replay of the maker's request is the same instruction, nothing more.
  v1::FundAllocation again;
  ASSERT_TRUE(Allocate("maker", "a1", "UNIT-A", 6'000'000, &again).ok());
  EXPECT_EQ(again.instruction_id(), held.instruction_id());

  // Reserved, not allocated: the fund shows it apart, and nothing can take it.
  v1::Fund f = Fund();
  EXPECT_EQ(f.allocated_fen(), 0);
  EXPECT_EQ(f.pending_fen(), 6'000'000);
  EXPECT_EQ(f.pending_allocation_fen(), 6'000'000);
  v1::FundAllocation over;
  grpc::Status refused = Allocate("checker", "a2", "UNIT-B", 5'000'000, &over);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(refused), "FUND_BUDGET_EXCEEDED");

  // The maker may not approve their own; an admin may not approve at all.
  v1::Instruction i;
  grpc::Status own = Approve("maker", "self", held.instruction_id(), &i);
  EXPECT_EQ(own.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ReasonOf(own), "SAME_CALLER");
  EXPECT_EQ(Approve("admin", "adm", held.instruction_id(), &i).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Fund().allocated_fen(), 0);
  // The self-approval is in the audit trail, refused, once however often it is sent again.
  ASSERT_EQ(ReasonOf(Approve("maker", "self", held.instruction_id(), &i)), "SAME_CALLER");
  v1::ListAuditEventsRequest audit;
  audit.set_subject_id(held.instruction_id());
  v1::ListAuditEventsResponse events;
  auto admin = v1::AdminService::NewStub(Channel(0));
  ASSERT_TRUE(admin->ListAuditEvents(Ctx("checker").get(), audit, &events).ok());
  std::vector<std::string> trail;
  for (const auto& e : events.events()) trail.push_back(e.caller() + " " + e.method() + " " + e.result());
  EXPECT_EQ(trail, (std::vector<std::string>{"maker AllocateFund PENDING_APPROVAL",
                                             "maker ApproveInstruction REFUSED:SAME_CALLER"}));

  // The second officer posts it: allocated now, the reservation gone, both names on the entry.
  ASSERT_TRUE(Approve("checker", "ok", held.instruction_id(), &i).ok());
  EXPECT_EQ(i.state(), v1::Instruction::POSTED);
  EXPECT_EQ(i.maker(), "maker");
  EXPECT_EQ(i.checker(), "checker");
  EXPECT_EQ(i.amount_fen(), 6'000'000);
  EXPECT_TRUE(absl::StartsWith(i.result_id(), "FA-")) << i.result_id();
  f = Fund();
  EXPECT_EQ(f.allocated_fen(), 6'000'000);
  EXPECT_EQ(f.pending_fen(), 0);
  EXPECT_EQ(f.pending_allocation_fen(), 0);
  v1::ListFundEntriesRequest lr;
  lr.set_fund_id("DC-FUND");
  v1::ListFundEntriesResponse entries;
  ASSERT_TRUE(Funds("checker")->ListFundEntries(Ctx("checker").get(), lr, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 2);  // the budget, the allocation
  EXPECT_EQ(entries.entries(1).entry_id(), i.result_id());
  EXPECT_EQ(entries.entries(1).maker(), "maker");
  EXPECT_EQ(entries.entries(1).checker(), "checker");
  EXPECT_EQ(entries.entries(1).allocated_fen(), 6'000'000);
  EXPECT_EQ(entries.entries(1).budget_fen(), kBudget);
  EXPECT_EQ(entries.entries(1).tracking_id(), i.result_id());

  // Decided once: a second approval or a rejection now says so; the first approval replays.
  grpc::Status twice = Approve("checker-2", "ok-2", held.instruction_id(), &i);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(twice), "INSTRUCTION_ALREADY_DECIDED");
  EXPECT_EQ(ReasonOf(Reject("checker-2", "no", held.instruction_id(), &i)), "INSTRUCTION_ALREADY_DECIDED");
  v1::Instruction replay;
  ASSERT_TRUE(Approve("checker", "ok", held.instruction_id(), &replay).ok());
  EXPECT_EQ(replay.result_id(), entries.entries(1).entry_id());
  EXPECT_EQ(Fund().allocated_fen(), 6'000'000);
}

TEST_P(DualControlE2e, ARejectionReleasesTheReservationAndAPendingPaymentHoldsTheAllocation) {
  AllocatePosted("a1", "UNIT-A", 1'000'000);
  v1::FundPayment pay;
  ASSERT_TRUE(Pay("maker", "p1", "UNIT-A", 800'000, &pay).ok());
  ASSERT_EQ(pay.approval_state(), v1::Instruction::PENDING_APPROVAL);
  EXPECT_EQ(Fund().pending_payment_fen(), 800'000);
  // The held 800,000 may not be paid again by another road meanwhile.
  v1::FundPayment other;
  grpc::Status over = Pay("checker", "p2", "UNIT-A", 300'000, &other);
  EXPECT_EQ(ReasonOf(over), "ALLOCATION_EXCEEDED");
  v1::Instruction i;
  ASSERT_TRUE(Reject("checker", "no-p1", pay.instruction_id(), &i).ok());
  EXPECT_EQ(i.state(), v1::Instruction::REJECTED);
  EXPECT_EQ(i.reason(), "金额有误");
  EXPECT_EQ(Fund().pending_payment_fen(), 0);
  EXPECT_EQ(Fund().paid_fen(), 0);
  ASSERT_TRUE(Pay("checker", "p2", "UNIT-A", 300'000, &other).ok());
  EXPECT_EQ(other.approval_state(), v1::Instruction::PENDING_APPROVAL);
  // The list shows what waits, with its totals.
  v1::ListInstructionsRequest lr;
  lr.set_state(v1::Instruction::PENDING_APPROVAL);
  v1::ListInstructionsResponse list;
  ASSERT_TRUE(Approvals()->ListInstructions(Ctx("checker").get(), lr, &list).ok());
  ASSERT_EQ(list.instructions_size(), 1);
  EXPECT_EQ(list.instructions(0).maker(), "checker");
  EXPECT_EQ(list.pending_count(), 1);
  EXPECT_EQ(list.pending_amount_fen(), 300'000);
}

// The second officer decides on where the money goes, not only how much: a payment to a payee
// shows the payee's name, bank and masked account on the instruction (as payment lines show them).
TEST_P(DualControlE2e, TheApproverSeesWhoIsPaidAndToWhichAccount) {
  AllocatePosted("a1", "UNIT-A", 1'000'000);
  v1::RecordFundPaymentRequest r;
  r.set_request_id("p1");
  r.set_fund_id("DC-FUND");
  r.set_recipient_id("UNIT-A");
  r.set_amount_fen(500'000);
  r.set_date("2026-03-03");
  r.set_category("TEACHING");
  r.set_payee("张三");
  r.set_payee_account("6222 0202 0011 2233 445");
  r.set_payee_bank("中国工商银行");
  v1::FundPayment pay;
  grpc::Status held = Funds("maker")->RecordFundPayment(Ctx("maker").get(), r, &pay);
  ASSERT_TRUE(held.ok()) << held.error_message();
  ASSERT_EQ(pay.approval_state(), v1::Instruction::PENDING_APPROVAL);
  v1::GetInstructionRequest get;
  get.set_instruction_id(pay.instruction_id());
  v1::Instruction i;
  ASSERT_TRUE(Approvals()->GetInstruction(Ctx("checker").get(), get, &i).ok());
  EXPECT_THAT(i.summary(), ::testing::EndsWith(" 元；收款账号 ****3445（中国工商银行），收款人「张三」"));
  // A payee's fields hold no control or reordering characters: a name cannot pass for an account
  // on the line the approver reads.
  int spoofs = 0;
  for (const char* spoof : {"张三\n收款账号 ****9999", "张三\xE2\x80\xAE", "A\tB", "张三\xE2\x80\xA8收款账号",
                            "张\xE2\x80\x8B三"}) {
    r.set_request_id("spoof-" + std::to_string(spoofs++));
    r.set_payee(spoof);
    grpc::Status refused = Funds("maker")->RecordFundPayment(Ctx("maker").get(), r, &pay);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << spoof;
    EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("payee")) << spoof << ": " << refused.error_message();
  }
  // Full-width digits (a Chinese input method) and a star inside the account: masked all the same.
  r.set_request_id("p-wide");
  r.set_amount_fen(400'000);
  r.set_payee("李四");
  r.set_payee_account("６２２８４８００００００９９９９*");
  ASSERT_TRUE(Funds("maker")->RecordFundPayment(Ctx("maker").get(), r, &pay).ok());
  get.set_instruction_id(pay.instruction_id());
  ASSERT_TRUE(Approvals()->GetInstruction(Ctx("checker").get(), get, &i).ok());
  EXPECT_THAT(i.summary(), ::testing::EndsWith("；收款账号 ****9999（中国工商银行），收款人「李四」"));
  // A payment without a payee names none.
  v1::FundPayment plain;
  ASSERT_TRUE(Pay("maker", "p2", "UNIT-A", 100, &plain).ok());
  get.set_instruction_id(plain.instruction_id());
  ASSERT_TRUE(Approvals()->GetInstruction(Ctx("checker").get(), get, &i).ok());
  EXPECT_THAT(i.summary(), ::testing::Not(::testing::HasSubstr("收款人")));
}

TEST_P(DualControlE2e, TwoApproversAtOnceOnTwoReplicasPostItOnce) {
  constexpr int kInstructions = 6;
  std::vector<std::string> ids;
  for (int k = 0; k < kInstructions; ++k) {
    v1::FundAllocation held;
    ASSERT_TRUE(Allocate("maker", "race-" + std::to_string(k), "UNIT-R", 100'000, &held).ok());
    ids.push_back(held.instruction_id());
  }
  std::atomic<int> posted{0}, decided{0}, other{0};
  std::vector<std::thread> threads;
  for (const std::string who : {"checker", "checker-2"}) {
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, who, t] {
        for (const auto& id : ids) {
          v1::Instruction i;
          grpc::Status s = Approve(who, who + id + std::to_string(t), id, &i, t);
          if (s.ok()) ++posted;
          else if (ReasonOf(s) == "INSTRUCTION_ALREADY_DECIDED") ++decided;
          else ++other;
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(posted.load(), kInstructions);
  EXPECT_EQ(decided.load(), 3 * kInstructions);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Fund().allocated_fen(), kInstructions * 100'000);
  v1::ListFundEntriesRequest lr;
  lr.set_fund_id("DC-FUND");
  lr.set_recipient_id("UNIT-R");
  v1::ListFundEntriesResponse entries;
  ASSERT_TRUE(Funds("checker")->ListFundEntries(Ctx("checker").get(), lr, &entries).ok());
  EXPECT_EQ(entries.entries_size(), kInstructions);
}

TEST_P(DualControlE2e, ReversalsUndoAnEntryOnceAndNeverMoreThanItsUnpaidPart) {
  const std::string allocation = AllocatePosted("a1", "TLRCB-DB", 1'000'000);  // a mistyped recipient
  v1::FundPayment pay;
  ASSERT_TRUE(Pay("maker", "p1", "TLRCB-DB", 250'000, &pay).ok());
  v1::Instruction i;
  ASSERT_TRUE(Approve("checker", "ok-p1", pay.instruction_id(), &i).ok());
  const std::string payment = i.result_id();
  ASSERT_TRUE(absl::StartsWith(payment, "FP-")) << payment;

  auto reverse = [&](const std::string& who, const std::string& request_id, const std::string& entry,
                     v1::FundEntry* out) {
    v1::ReverseFundEntryRequest r;
    r.set_request_id(request_id);
    r.set_entry_id(entry);
    r.set_date("2026-03-10");
    r.set_reason("收款单位录入错误");
    return Funds(who)->ReverseFundEntry(Ctx(who).get(), r, out);
  };
  // The allocation back: only its unpaid 750,000, after a second officer approves.
  v1::FundEntry held;
  ASSERT_TRUE(reverse("maker", "r1", allocation, &held).ok());
  ASSERT_EQ(held.approval_state(), v1::Instruction::PENDING_APPROVAL);
  // While the reversal waits, the unpaid part is held: it cannot be paid out.
  v1::FundPayment blocked;
  EXPECT_EQ(ReasonOf(Pay("checker", "p2", "TLRCB-DB", 1, &blocked)), "ALLOCATION_EXCEEDED");
  ASSERT_TRUE(Approve("checker", "ok-r1", held.instruction_id(), &i).ok());
  v1::Fund f = Fund();
  EXPECT_EQ(f.allocated_fen(), 250'000);
  EXPECT_EQ(f.paid_fen(), 250'000);
  // Twice is refused, and so is a second reversal while one waits.
  v1::FundEntry again;
  EXPECT_EQ(ReasonOf(reverse("maker", "r2", allocation, &again)), "ALREADY_REVERSED");
  // The payment back to its allocation, then the rest of the allocation.
  ASSERT_TRUE(reverse("maker", "r3", payment, &held).ok());
  EXPECT_EQ(ReasonOf(reverse("checker", "r3b", payment, &again)), "INSTRUCTION_PENDING");
  ASSERT_TRUE(Approve("checker", "ok-r3", held.instruction_id(), &i).ok());
  f = Fund();
  EXPECT_EQ(f.paid_fen(), 0);
  EXPECT_EQ(f.allocated_fen(), 250'000);
  // Never an edit, never a negative amount: a negative allocation is still refused.
  v1::FundAllocation negative;
  EXPECT_EQ(Allocate("maker", "neg", "UNIT-A", -3'000'000, &negative).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // The ledger: every entry with the fund's figures after it, the reversals pointing back.
  v1::ListFundEntriesRequest lr;
  lr.set_fund_id("DC-FUND");
  lr.set_tracking_id(allocation);
  v1::ListFundEntriesResponse entries;
  ASSERT_TRUE(Funds("checker")->ListFundEntries(Ctx("checker").get(), lr, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 4);  // allocation, payment, the allocation's reversal, the payment's
  EXPECT_EQ(entries.entries(0).reversed_by_entry_id(), entries.entries(2).entry_id());
  EXPECT_EQ(entries.entries(2).reverses_entry_id(), allocation);
  EXPECT_EQ(entries.entries(2).amount_fen(), 750'000);
  EXPECT_EQ(entries.entries(2).allocated_fen(), 250'000);
  EXPECT_EQ(entries.entries(3).reverses_entry_id(), payment);
  EXPECT_EQ(entries.entries(3).paid_fen(), 0);
}

// What an approval posts is what it approved: an allocation's reversal asked for its unpaid part;
// when a payment from it comes back meanwhile, posting would undo more, so nothing is posted
// (INSTRUCTION_AMOUNT_CHANGED) until it is rejected and asked again. (The seeded simulation found
// a reversal posted for more than its instruction said.)
TEST_P(DualControlE2e, AnApprovalPostsExactlyTheAmountItApprovedOrNothing) {
  const std::string allocation = AllocatePosted("a1", "UNIT-A", 1'000'000);
  v1::FundPayment pay;
  ASSERT_TRUE(Pay("maker", "p1", "UNIT-A", 250'000, &pay).ok());
  v1::Instruction i;
  ASSERT_TRUE(Approve("checker", "ok-p1", pay.instruction_id(), &i).ok());
  const std::string payment = i.result_id();
  auto reverse = [&](const std::string& request_id, const std::string& entry, v1::FundEntry* out) {
    v1::ReverseFundEntryRequest r;
    r.set_request_id(request_id);
    r.set_entry_id(entry);
    r.set_date("2026-03-10");
    r.set_reason("收款单位录入错误");
    return Funds("maker")->ReverseFundEntry(Ctx("maker").get(), r, out);
  };
  v1::FundEntry of_allocation, of_payment;
  // A budget rise is sized by itself, not by what the fund has paid (the fund's running paid_fen).
  v1::AdjustFundBudgetRequest rise;
  rise.set_request_id("rise");
  rise.set_fund_id("DC-FUND");
  rise.set_delta_fen(100);
  rise.set_date("2026-03-10");
  rise.set_document_no("财预〔2026〕1号");
  rise.set_reason("追加");
  v1::Fund risen;
  ASSERT_TRUE(Funds("maker")->AdjustFundBudget(Ctx("maker").get(), rise, &risen).ok());
  v1::GetInstructionRequest gi;
  gi.set_instruction_id(risen.instruction_id());
  ASSERT_TRUE(Approvals()->GetInstruction(Ctx("checker").get(), gi, &i).ok());
  EXPECT_EQ(i.amount_fen(), 100);
  ASSERT_TRUE(reverse("r1", allocation, &of_allocation).ok());
  ASSERT_TRUE(reverse("r2", payment, &of_payment).ok());
  gi.set_instruction_id(of_payment.instruction_id());
  ASSERT_TRUE(Approvals()->GetInstruction(Ctx("checker").get(), gi, &i).ok());
  EXPECT_EQ(i.amount_fen(), 250'000);
  ASSERT_TRUE(Approve("checker", "ok-r2", of_payment.instruction_id(), &i).ok());
  // The allocation's unpaid part is now 1,000,000, not the 750,000 approved: nothing is posted.
  auto refused = Approve("checker", "ok-r1", of_allocation.instruction_id(), &i);
  EXPECT_EQ(ReasonOf(refused), "INSTRUCTION_AMOUNT_CHANGED") << refused.error_message();
  EXPECT_EQ(Fund().allocated_fen(), 1'000'000);
  ASSERT_TRUE(Reject("checker", "no-r1", of_allocation.instruction_id(), &i).ok());
  ASSERT_TRUE(reverse("r3", allocation, &of_allocation).ok());
  ASSERT_TRUE(Approve("checker", "ok-r3", of_allocation.instruction_id(), &i).ok());
  EXPECT_EQ(i.amount_fen(), 1'000'000);
  EXPECT_EQ(Fund().allocated_fen(), 0);
}

// A run is held for all it pays: a policy paid from a fund and one paid from its data budget (no
// fund allocates to it) in one run are one movement of their sum; and more due at approval than
// was approved is refused. (The adversary found a run sized by its fund part only: 30 元 held,
// 1,000,030 元 paid.)
TEST_P(DualControlE2e, ARunIsHeldForAllItPaysFromFundsOrNot) {
  v1::Fund fund;
  auto reward = NewFund("DC-REWARD", v1::Fund::DISTRICT, v1::Fund::ENTERPRISE_REWARD, kBudget, 2026);
  ASSERT_TRUE(Funds("maker")->CreateFund(Ctx("maker").get(), reward, &fund).ok());
  v1::AllocateFundRequest a;
  a.set_request_id("to-policy");
  a.set_fund_id("DC-REWARD");
  a.set_recipient_kind(v1::FundAllocation::REWARD_POLICY);
  a.set_recipient_id("YC-DIGITAL-TRANSFORM");
  a.set_region_code("110106");
  a.set_amount_fen(10'000);
  a.set_date("2026-06-01");
  v1::FundAllocation held;
  ASSERT_TRUE(Funds("maker")->AllocateFund(Ctx("maker").get(), a, &held).ok());
  v1::Instruction i;
  ASSERT_TRUE(Approve("checker", "ok-policy", held.instruction_id(), &i).ok());
  auto rewards = v1::RewardPayoutService::NewStub(Channel(0));
  auto determine = [&](const std::string& id, const std::string& policy, int enterprise,
                       const std::map<std::string, std::string>& metrics, v1::Payout* out) {
    v1::SubmitDeterminationRequest r;
    r.set_request_id(id);
    r.set_policy_id(policy);
    r.set_enterprise_uscc(TestUscc(enterprise));
    r.set_enterprise_name("企业");
    r.set_determination_date("2026-06-01");
    for (const auto& [k, v] : metrics) (*r.mutable_metrics())[k] = v;
    return rewards->SubmitDetermination(Ctx("admin").get(), r, out);
  };
  v1::Payout from_fund, from_budget, later;
  ASSERT_TRUE(determine("d1", "YC-DIGITAL-TRANSFORM", 1, {{"spend_fen", "10000"}}, &from_fund).ok());
  ASSERT_TRUE(determine("d2", "YC-CHAMPION-NATIONAL", 2, {}, &from_budget).ok());
  ASSERT_GT(from_budget.amount_fen(), 0);
  v1::RunDisbursementRequest run;
  run.set_request_id("run");
  run.set_payment_date("2026-06-30");
  v1::RunDisbursementResponse ran;
  ASSERT_TRUE(rewards->RunDisbursement(Ctx("maker").get(), run, &ran).ok());
  ASSERT_EQ(ran.approval_state(), v1::Instruction::PENDING_APPROVAL);
  // The held run says what it would pay (the CLI prints it for the maker), and that it paid nothing.
  EXPECT_EQ(ran.due_count(), 2);
  EXPECT_EQ(ran.due_fen(), from_fund.amount_fen() + from_budget.amount_fen());
  EXPECT_EQ(ran.paid_count(), 0);
  EXPECT_EQ(ran.paid_fen(), 0);
  v1::GetInstructionRequest gi;
  gi.set_instruction_id(ran.instruction_id());
  ASSERT_TRUE(Approvals()->GetInstruction(Ctx("checker").get(), gi, &i).ok());
  EXPECT_EQ(i.amount_fen(), from_fund.amount_fen() + from_budget.amount_fen());
  // One more payout due before the approval: posting would pay more than approved.
  ASSERT_TRUE(determine("d3", "YC-CHAMPION-NATIONAL", 3, {}, &later).ok());
  EXPECT_EQ(ReasonOf(Approve("checker", "ok-run", ran.instruction_id(), &i)), "INSTRUCTION_AMOUNT_CHANGED");
  // The same sum to someone else: the budget-paid payout the run was approved for cancelled, the
  // later one of equal amount due instead. Posting would pay an enterprise nobody approved.
  v1::CancelPayoutRequest cancel;
  cancel.set_request_id("cancel-d2");
  cancel.set_payout_id(from_budget.payout_id());
  cancel.set_reason("认定撤销");
  v1::Payout cancelled;
  ASSERT_TRUE(rewards->CancelPayout(Ctx("checker").get(), cancel, &cancelled).ok());
  ASSERT_EQ(later.amount_fen(), from_budget.amount_fen());
  EXPECT_EQ(ReasonOf(Approve("checker", "ok-run-2", ran.instruction_id(), &i)), "INSTRUCTION_MOVEMENT_CHANGED");
  ASSERT_TRUE(Reject("checker", "no-run", ran.instruction_id(), &i).ok());
  v1::GetPayoutRequest gp;
  gp.set_payout_id(later.payout_id());
  v1::Payout unpaid;
  ASSERT_TRUE(rewards->GetPayout(Ctx("checker").get(), gp, &unpaid).ok());
  EXPECT_EQ(unpaid.status(), v1::SCHEDULED);
}

TEST_P(DualControlE2e, MoneyIntoASchoolComesFromFinanceWithASecondOfficer) {
  v1::AllocateFundsRequest r;
  r.set_request_id("s1");
  r.set_school_id("110106-DC1");
  r.set_source(v1::DISTRICT);
  r.set_amount_fen(300'000'000);
  r.set_date("2026-03-02");
  r.set_fund_id("DC-FUND");
  v1::FundBalance out;
  auto edu = v1::EducationFundService::NewStub(Channel(0));
  EXPECT_EQ(edu->AllocateFunds(Ctx("school").get(), r, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  r.set_amount_fen(5'000'000);
  ASSERT_TRUE(edu->AllocateFunds(Ctx("maker").get(), r, &out).ok());
  ASSERT_EQ(out.approval_state(), v1::Instruction::PENDING_APPROVAL);
  v1::GetFundPriorityRequest pr;
  pr.set_school_id("110106-DC1");
  v1::FundPriority priority;
  EXPECT_EQ(edu->GetFundPriority(Ctx("school").get(), pr, &priority).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::Instruction i;
  ASSERT_TRUE(Approve("checker", "ok-s1", out.instruction_id(), &i).ok());
  ASSERT_TRUE(edu->GetFundPriority(Ctx("school").get(), pr, &priority).ok());
  ASSERT_EQ(priority.funds_size(), 5);  // every source, in the spending order
  int64_t balance = 0;
  for (const auto& p : priority.funds()) balance += p.balance_fen();
  EXPECT_EQ(balance, 5'000'000);
  EXPECT_EQ(Fund().allocated_fen(), 5'000'000);
}

// A school's fund money is one balance whatever the road: it leaves only by the school's own
// expenditures (never by a direct payment), reserved money is not spent, and an allocation
// reversed in the fund is taken back from the school's ledger too.
TEST_P(DualControlE2e, ASchoolsFundMoneyLeavesByOneRoadOnly) {
  auto edu = v1::EducationFundService::NewStub(Channel(0));
  auto spend = [&](const std::string& rid, int64_t fen, v1::Expenditure* out) {
    v1::RecordExpenditureRequest r;
    r.set_request_id(rid);
    r.set_school_id("110106-dc1");  // any spelling of the school's code is the school
    r.set_category("TEACHING");
    r.set_amount_fen(fen);
    r.set_date("2026-03-05");
    return edu->RecordExpenditure(Ctx("school").get(), r, out);
  };
  // FundService's allocation to a SCHOOL is the school ledger's too (the one road).
  v1::FundAllocation held;
  v1::AllocateFundRequest r;
  r.set_request_id("s-a1");
  r.set_fund_id("DC-FUND");
  r.set_recipient_kind(v1::FundAllocation::SCHOOL);
  r.set_recipient_id("110106-DC1");
  r.set_region_code("110106");
  r.set_amount_fen(10'000);
  r.set_date("2026-03-02");
  ASSERT_TRUE(Funds("maker")->AllocateFund(Ctx("maker").get(), r, &held).ok());
  v1::Instruction i;
  ASSERT_TRUE(Approve("checker", "ok-s-a1", held.instruction_id(), &i).ok());
  const std::string allocation = i.result_id();
  // A direct payment to the school is no road for its money.
  v1::FundPayment direct;
  grpc::Status refused = Pay("maker", "s-p1", "110106-DC1", 10'000, &direct);
  EXPECT_EQ(ReasonOf(refused), "PAID_BY_EXPENDITURE") << refused.error_message();
  // Its expenditures draw the fund, and no more than it holds.
  v1::Expenditure e1, e2, e3;
  ASSERT_TRUE(spend("s-e1", 4'000, &e1).ok());
  ASSERT_EQ(e1.fund_payments_size(), 1);
  EXPECT_EQ(e1.fund_payments(0).amount_fen(), 4'000);
  // A pending reversal of the allocation holds its unpaid 6,000: the school cannot spend it meanwhile.
  v1::ReverseFundEntryRequest rev;
  rev.set_request_id("s-r1");
  rev.set_entry_id(allocation);
  rev.set_date("2026-03-06");
  rev.set_reason("下达错误");
  v1::FundEntry pending;
  ASSERT_TRUE(Funds("maker")->ReverseFundEntry(Ctx("maker").get(), rev, &pending).ok());
  ASSERT_EQ(pending.approval_state(), v1::Instruction::PENDING_APPROVAL);
  grpc::Status held_back = spend("s-e2", 1, &e2);
  EXPECT_EQ(ReasonOf(held_back), "ALLOCATION_EXCEEDED") << held_back.error_message();
  // Approved: the fund gets its 6,000 back and the school's ledger gives it up.
  ASSERT_TRUE(Approve("checker", "ok-s-r1", pending.instruction_id(), &i).ok());
  v1::Fund f = Fund();
  EXPECT_EQ(f.allocated_fen(), 4'000);
  EXPECT_EQ(f.paid_fen(), 4'000);
  v1::GetFundPriorityRequest pr;
  pr.set_school_id("110106-DC1");
  v1::FundPriority priority;
  ASSERT_TRUE(edu->GetFundPriority(Ctx("school").get(), pr, &priority).ok());
  ASSERT_EQ(priority.funds_size(), 5);  // every source, in the spending order
  int64_t balance = 0;
  for (const auto& p : priority.funds()) balance += p.balance_fen();
  EXPECT_EQ(balance, 0);
  EXPECT_EQ(spend("s-e3", 1, &e3).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // The ledger says so, in date order, with its running balance.
  v1::ListSchoolLedgerRequest lr;
  lr.set_school_id("110106-DC1");
  v1::ListSchoolLedgerResponse ledger;
  ASSERT_TRUE(edu->ListSchoolLedger(Ctx("school").get(), lr, &ledger).ok());
  ASSERT_EQ(ledger.entries_size(), 3);
  EXPECT_EQ(ledger.entries(0).kind(), "ALLOCATION");
  EXPECT_EQ(ledger.entries(0).balance_fen(), 10'000);
  EXPECT_EQ(ledger.entries(1).kind(), "EXPENDITURE");
  EXPECT_EQ(ledger.entries(1).signed_amount_fen(), -4'000);
  EXPECT_EQ(ledger.entries(1).balance_fen(), 6'000);
  EXPECT_EQ(ledger.entries(2).kind(), "ALLOCATION_REVERSAL");
  EXPECT_EQ(ledger.entries(2).signed_amount_fen(), -6'000);
  EXPECT_EQ(ledger.entries(2).balance_fen(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DualControlE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& backend) { return backend.param; });

// With a threshold, a person's movements under it post at once; but they add up over the person's
// day, so a movement split to stay under it waits for a second officer as the whole would.
class DualControlThresholdE2e : public DualControlE2e {
 protected:
  void SetUp() override {
    extra_args_ = {"--dual_control_threshold_fen=100000"};  // 1,000.00 元
    DualControlE2e::SetUp();
  }
};

TEST_P(DualControlThresholdE2e, MovementsSplitUnderTheThresholdAddUpOverTheMakersDay) {
  auto allocate = [&](const std::string& who, const std::string& request_id, int64_t fen) {
    v1::FundAllocation out;
    const grpc::Status s = Allocate(who, request_id, "UNIT-" + who, fen, &out);
    EXPECT_TRUE(s.ok()) << request_id << ": " << s.error_message();
    return out;
  };
  const v1::FundAllocation first = allocate("maker", "t1", 60'000);
  EXPECT_EQ(first.approval_state(), v1::Instruction::POSTED);
  EXPECT_FALSE(first.allocation_id().empty());
  // Sent again, it is the same answer, and counts once.
  EXPECT_EQ(allocate("maker", "t1", 60'000).allocation_id(), first.allocation_id());
  // The second half takes the maker's day to 1,200.00 元: it waits.
  const v1::FundAllocation second = allocate("maker", "t2", 60'000);
  EXPECT_EQ(second.approval_state(), v1::Instruction::PENDING_APPROVAL);
  EXPECT_TRUE(second.allocation_id().empty());
  // Another officer's day is their own.
  EXPECT_EQ(allocate("checker", "t3", 60'000).approval_state(), v1::Instruction::POSTED);
  // What a second officer posted is checked: it does not count toward the maker's day alone.
  v1::Instruction posted;
  ASSERT_TRUE(Approve("checker", "ok-t2", second.instruction_id(), &posted).ok());
  EXPECT_EQ(allocate("maker", "t4", 39'999).approval_state(), v1::Instruction::POSTED);  // 999.99 元 alone
  EXPECT_EQ(allocate("maker", "t5", 1).approval_state(), v1::Instruction::PENDING_APPROVAL);
  // At the threshold alone, a movement waits, as it always did.
  EXPECT_EQ(allocate("checker-2", "t6", 100'000).approval_state(), v1::Instruction::PENDING_APPROVAL);
  EXPECT_EQ(Fund().allocated_fen(), 60'000 + 60'000 + 60'000 + 39'999);
}

INSTANTIATE_TEST_SUITE_P(Backends, DualControlThresholdE2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& backend) { return backend.param; });

}  // namespace
}  // namespace subsidy::testing
