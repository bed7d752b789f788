// The operations the seeded simulation draws (simulation_e2e_test.cc): random valid and invalid
// requests on every road money takes, sent as the callers who may make them (a finance maker and
// checker, a school, a portal, a bank), so that a person's movement of 20,000 分 or more waits for
// the second officer and is posted or rejected by a later operation. Each operation reports what
// its answer says it moved; the test's model is built from those reports alone.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "subsidy/v1/approval.pb.h"

namespace subsidy::testing::sim {

using ChannelPtr = std::shared_ptr<grpc::Channel>;
inline constexpr char kFund[] = "SIM";
inline constexpr char kBank[] = "VB-SIM";
inline constexpr int64_t kBudget = 100'000'000;
// A person's movement of this much or more waits for a second officer (--dual_control_threshold_fen).
inline constexpr int64_t kHoldFromFen = 20'000;

// The callers' tokens by name: maker and checker (finance), school, portal, bank.
using Tokens = std::map<std::string, std::string>;

// What an answered operation moved in the fund, by date: the model's only input.
struct Effect {
  std::map<std::string, int64_t> allocated, paid;
};

// A movement waiting for the second officer: what posting it moves, from the approval's answer
// (the instruction: an approval posts its amount or nothing).
struct Held {
  std::function<void(const v1::Instruction& posted, Effect*)> post;
};

// What one send of an operation learned.
struct Outcome {
  std::string answer;     // the same every time the request is answered
  Effect effect;          // what it moved (nothing while held)
  std::string held_id;    // the instruction it waits in
  Held held;
  std::string decided_id;  // the instruction it approved or rejected
  std::string failed_payment, failed_on;  // a payment line the bank failed, and the failure's day
  std::string settled_payment;            // a failed line reissued or returned
};

// One operation: its request, sent (again) to a replica with a deadline.
struct Op {
  std::string rid;
  bool may_be_denied = false;  // PERMISSION_DENIED is its right answer (a maker approving their own)
  std::function<grpc::Status(const ChannelPtr&, std::chrono::milliseconds, Outcome*)> send;
  std::string kind;  // the RPC it calls
};

class Generator {
 public:
  Generator(uint64_t seed, Tokens tokens) : rng_(seed), tokens_(std::move(tokens)) {}
  Op Next(int n);
  // After an answer: a held movement joins the pending ones, a decided one leaves them.
  void Answered(const Outcome& o);

  const std::set<std::string>& claims() const { return claims_; }
  const std::map<std::string, Held>& pending() const { return pending_; }
  const std::string& token(const std::string& who) const { return tokens_.at(who); }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  template <typename Set>
  const typename Set::value_type& Any(const Set& s) {
    auto it = s.begin();
    std::advance(it, Pick(static_cast<int>(s.size())));
    return *it;
  }
  Op Allocate(const std::string& rid, int kind, const std::string& to, int64_t fen, const std::string& date);
  Op SchoolAllocation(const std::string& rid, int64_t fen, const std::string& date);
  Op FundPayment(const std::string& rid, int64_t fen, const std::string& date);
  Op Expenditure(const std::string& rid, int64_t fen, const std::string& date);
  Op ReverseExpenditure(const std::string& rid, const std::string& date);
  Op ReverseEntry(const std::string& rid, const std::string& date);
  Op Determination(const std::string& rid, const std::string& date);
  Op Run(const std::string& rid, const std::string& date);
  Op Claim(const std::string& rid);
  Op Review(const std::string& rid, const std::string& date);
  Op BankReturn(const std::string& rid, const std::string& date);
  Op Reissue(const std::string& rid, const std::string& date);
  Op Return(const std::string& rid);
  Op Decide(const std::string& rid, int how);

  std::mt19937_64 rng_;
  Tokens tokens_;
  // What earlier answers made (ordered, so that a seed draws the same one).
  std::set<std::pair<std::string, std::string>> allocations_, payments_, expenditures_;  // id, date
  std::set<std::string> claims_;
  std::map<std::string, Held> pending_;  // instruction id → what posting it moves
  std::map<std::string, std::string> failed_;  // payment lines the bank failed → the failure's day
  bool policy_funded_ = false;
};

// "2024-MM-DD" for a day of 2024 (1 … 366).
std::string Day(int day_of_2024);

}  // namespace subsidy::testing::sim
