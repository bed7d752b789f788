// Loan-subsidy claims through the real server and a real gRPC client: submit and upload, duplicates
// within and across claims, review both ways, re-claim after a rejection, bank isolation, a
// server killed mid-upload, a cut stream, hostile streams, and two replicas racing on PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/approval.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "support/backends.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;
using Claim = v1::LoanSubsidyClaim;
using Line = v1::LoanSubsidyClaimLine;
using Review = v1::ReviewLoanSubsidyClaimRequest;

constexpr char kStart[] = "2024-06-21";
constexpr char kEnd[] = "2024-09-20";

v1::LoanSubsidyRequest Loan(const std::string& id, int i = 0) {
  v1::LoanSubsidyRequest r;
  r.set_loan_id(id);
  r.set_province("41");
  r.set_region_tier(v1::CENTRAL_WEST);
  r.set_program(v1::ENTREPRENEUR_INDIVIDUAL);
  r.set_principal_fen(10'000'000 + 10'000 * (i % 100));
  r.set_contract_date("2024-01-10");
  r.set_disbursement_date("2024-01-10");
  r.set_maturity_date("2026-01-10");
  r.set_annual_rate_percent(i % 3 ? "3.95" : "4.35");
  return r;
}

v1::SubmitLoanSubsidyClaimRequest Header(const std::string& rid, const std::string& bank) {
  v1::SubmitLoanSubsidyClaimRequest r;
  r.set_request_id(rid);
  r.set_bank_id(bank);
  r.mutable_settlement_period()->set_start_date(kStart);
  r.mutable_settlement_period()->set_end_date(kEnd);
  return r;
}

// A claim of 60,000 loans takes long to stream on a loaded machine.
constexpr std::chrono::seconds kClaimDeadline{120};

class Client {
 public:
  explicit Client(std::shared_ptr<grpc::Channel> channel, std::string token = "")
      : stub_(v1::LoanSubsidyService::NewStub(std::move(channel))), token_(std::move(token)) {}

  grpc::Status Submit(const v1::SubmitLoanSubsidyClaimRequest& req, Claim* out) {
    return stub_->SubmitLoanSubsidyClaim(CallAs(token_, kClaimDeadline).get(), req, out);
  }
  // Sends `loans` after `header` in messages of `per_message` loans.
  grpc::Status Upload(const v1::SubmitLoanSubsidyClaimRequest& header, const std::vector<v1::LoanSubsidyRequest>& loans,
                      int per_message, Claim* out, bool* replayed = nullptr) {
    auto ctx = CallAs(token_, kClaimDeadline);
    auto writer = stub_->UploadLoanSubsidyClaim(ctx.get(), out);
    v1::SubmitLoanSubsidyClaimRequest message = header;
    for (size_t i = 0; i < loans.size(); ++i) {
      *message.add_loans() = loans[i];
      if (message.loans_size() == per_message || i + 1 == loans.size()) {
        if (!writer->Write(message)) break;
        message.Clear();
      }
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (replayed) *replayed = ctx->GetServerInitialMetadata().count("subsidy-replay") > 0;
    return s;
  }
  grpc::Status Get(const std::string& id, Claim* out) {
    v1::GetLoanSubsidyClaimRequest req;
    req.set_claim_id(id);
    return stub_->GetLoanSubsidyClaim(CallAs(token_, kClaimDeadline).get(), req, out);
  }
  grpc::Status List(const std::string& bank, std::vector<Claim>* out) {
    v1::ListLoanSubsidyClaimsRequest req;
    req.set_bank_id(bank);
    req.set_page_size(2);  // several pages
    for (;;) {
      v1::ListLoanSubsidyClaimsResponse resp;
      auto s = stub_->ListLoanSubsidyClaims(CallAs(token_, kClaimDeadline).get(), req, &resp);
      if (!s.ok()) return s;
      out->insert(out->end(), resp.claims().begin(), resp.claims().end());
      if (resp.next_page_token().empty()) return s;
      req.set_page_token(resp.next_page_token());
    }
  }
  std::vector<Line> Lines(const std::string& id, Line::Status status = Line::STATUS_UNSPECIFIED) {
    v1::ListLoanSubsidyClaimLinesRequest req;
    req.set_claim_id(id);
    req.set_line_status(status);
    req.set_page_size(1000);
    std::vector<Line> out;
    for (;;) {
      v1::ListLoanSubsidyClaimLinesResponse resp;
      auto s = stub_->ListLoanSubsidyClaimLines(CallAs(token_, kClaimDeadline).get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return out;
      out.insert(out.end(), resp.lines().begin(), resp.lines().end());
      if (resp.next_page_token().empty()) return out;
      req.set_page_token(resp.next_page_token());
    }
  }
  grpc::Status Review(const std::string& rid, const std::string& id, bool approve, const std::string& arg,
                      Claim* out) {
    v1::ReviewLoanSubsidyClaimRequest req;
    req.set_request_id(rid);
    req.set_claim_id(id);
    req.set_decision(approve ? Review::APPROVE : Review::REJECT);
    (approve ? req.mutable_payment_date() : req.mutable_reason())->assign(arg);
    return stub_->ReviewLoanSubsidyClaim(CallAs(token_, kClaimDeadline).get(), req, out);
  }

 private:
  std::unique_ptr<v1::LoanSubsidyService::Stub> stub_;
  std::string token_;
};

std::vector<v1::LoanSubsidyRequest> Loans(const std::string& prefix, int n, int from = 0) {
  std::vector<v1::LoanSubsidyRequest> out;
  for (int i = from; i < from + n; ++i) out.push_back(Loan(prefix + std::to_string(i), i));
  return out;
}

class ClaimsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db", .extra_args = {"--max_stream_messages=2000"}});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }
  Client client() { return Client(server_->Channel()); }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ClaimsE2e, SubmitRecomputesEveryLoanAndCountsAcceptedLinesOnly) {
  auto c = client();
  auto req = Header("q3-a", "BANK-A");
  for (const auto& l : Loans("L", 5)) *req.add_loans() = l;
  *req.add_loans() = Loan("L1");  // again in the same claim
  auto bad = Loan("BAD");
  bad.set_annual_rate_percent("4.3.5");
  *req.add_loans() = bad;
  auto ineligible = Loan("OLD");
  ineligible.set_prior_subsidized_loans(5);
  *req.add_loans() = ineligible;
  Claim claim;
  auto submitted = c.Submit(req, &claim);
  ASSERT_TRUE(submitted.ok()) << submitted.error_code() << " " << submitted.error_message() << server_->Stderr();
  EXPECT_EQ(claim.status(), Claim::SUBMITTED);
  EXPECT_EQ(claim.loan_count(), 8);
  EXPECT_EQ(claim.accepted_count(), 6);  // five loans and the ineligible one (subsidy 0)
  EXPECT_EQ(claim.duplicate_count(), 1);
  EXPECT_EQ(claim.invalid_count(), 1);

  // Each line is the engine's answer for the claim's period; the totals are the accepted lines'.
  const auto lines = c.Lines(claim.claim_id());
  ASSERT_EQ(lines.size(), 8u);
  int64_t subsidy = 0, interest = 0;
  for (const auto& l : lines) {
    if (l.line_status() == Line::ACCEPTED) {
      subsidy += l.result().total_subsidy_fen();
      interest += l.result().total_interest_fen();
      ASSERT_EQ(l.result().periods_size(), 1) << l.loan_id();
      EXPECT_EQ(l.result().periods(0).start_date(), kStart);
      EXPECT_EQ(l.result().periods(0).end_date(), kEnd);
    }
  }
  EXPECT_EQ(claim.total_subsidy_fen(), subsidy);
  EXPECT_EQ(claim.total_interest_fen(), interest);
  EXPECT_GT(subsidy, 0);
  EXPECT_EQ(lines[5].line_status(), Line::DUPLICATE);
  EXPECT_EQ(lines[5].duplicate_of_claim_id(), claim.claim_id());
  EXPECT_EQ(lines[6].line_status(), Line::INVALID);
  EXPECT_EQ(lines[6].result().error().field(), "annual_rate_percent");
  EXPECT_EQ(lines[7].line_status(), Line::ACCEPTED);
  EXPECT_FALSE(lines[7].result().eligible());
  EXPECT_EQ(lines[7].result().total_subsidy_fen(), 0);
  EXPECT_FALSE(lines[7].result().reasons().empty());

  // The same loans computed alone give the same figures.
  auto stub = v1::LoanSubsidyService::NewStub(server_->Channel());
  auto alone = Loan("L3", 3);
  alone.mutable_claim_period()->set_start_date(kStart);
  alone.mutable_claim_period()->set_end_date(kEnd);
  v1::LoanSubsidyResult result;
  ASSERT_TRUE(stub->CalculateLoanSubsidy(Call(kClaimDeadline).get(), alone, &result).ok());
  EXPECT_EQ(lines[3].result().total_subsidy_fen(), result.total_subsidy_fen());

  // Filtered lines.
  EXPECT_EQ(c.Lines(claim.claim_id(), Line::DUPLICATE).size(), 1u);
  EXPECT_EQ(c.Lines(claim.claim_id(), Line::INVALID).size(), 1u);
}

TEST_F(ClaimsE2e, AClaimIsOneSettlementPeriodAndARejectedCallStoresNothing) {
  auto c = client();
  for (auto [start, end] : {std::pair{"2024-07-01", "2024-09-30"}, {"2024-06-21", "2024-12-20"}}) {
    auto req = Header(std::string("bad-") + start + end, "BANK-A");
    req.mutable_settlement_period()->set_start_date(start);
    req.mutable_settlement_period()->set_end_date(end);
    *req.add_loans() = Loan("L1");
    Claim claim;
    auto s = c.Submit(req, &claim);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("settlement_period"));
  }
  // A loan whose own period differs is INVALID in the claim; an empty claim is refused.
  auto req = Header("own-period", "BANK-A");
  auto other = Loan("L1");
  other.mutable_claim_period()->set_start_date("2024-03-21");
  other.mutable_claim_period()->set_end_date("2024-06-20");
  *req.add_loans() = other;
  Claim claim;
  ASSERT_TRUE(c.Submit(req, &claim).ok());
  EXPECT_EQ(claim.invalid_count(), 1);
  EXPECT_EQ(c.Lines(claim.claim_id())[0].result().error().field(), "loans[0].claim_period");
  auto empty = Header("empty", "BANK-A");
  EXPECT_EQ(c.Submit(empty, &claim).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<Claim> all;
  ASSERT_TRUE(c.List("", &all).ok());
  EXPECT_EQ(all.size(), 1u);  // only the claim with the loan of another period
}

TEST_F(ClaimsE2e, UploadIsIdempotentAndALoanIsPaidOncePerPeriod) {
  auto c = client();
  Claim first, again, second;
  bool replayed = false;
  ASSERT_TRUE(c.Upload(Header("up-1", "BANK-A"), Loans("L", 1000), 64, &first).ok());
  EXPECT_EQ(first.accepted_count(), 1000);
  // The same upload, cut into other messages: the same claim, a replay.
  ASSERT_TRUE(c.Upload(Header("up-1", "BANK-A"), Loans("L", 1000), 333, &again, &replayed).ok());
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again.claim_id(), first.claim_id());
  // The same request_id with other loans is refused.
  auto reused = c.Upload(Header("up-1", "BANK-A"), Loans("L", 999), 64, &again);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonOf(reused), "IDEMPOTENCY_KEY_REUSED");

  // An overlapping claim: the first 1000 are DUPLICATE, 500 new ones ACCEPTED.
  ASSERT_TRUE(c.Upload(Header("up-2", "BANK-A"), Loans("L", 1500), 500, &second).ok());
  EXPECT_EQ(second.accepted_count(), 500);
  EXPECT_EQ(second.duplicate_count(), 1000);
  const auto dups = c.Lines(second.claim_id(), Line::DUPLICATE);
  ASSERT_EQ(dups.size(), 1000u);
  for (const auto& d : dups) ASSERT_EQ(d.duplicate_of_claim_id(), first.claim_id());
  std::vector<Claim> all;
  ASSERT_TRUE(c.List("BANK-A", &all).ok());
  EXPECT_EQ(all.size(), 2u);
}

TEST_F(ClaimsE2e, ReviewPaysOnceOrRejectsAndARejectedClaimsLoansMayBeClaimedAgain) {
  auto c = client();
  Claim a, b, paid, out;
  ASSERT_TRUE(c.Upload(Header("r-a", "BANK-A"), Loans("L", 10), 4, &a).ok());
  ASSERT_TRUE(c.Upload(Header("r-b", "BANK-A"), Loans("M", 10), 4, &b).ok());

  // Paid on a working day after the settlement date, with a voucher.
  EXPECT_EQ(ReasonOf(c.Review("v0", a.claim_id(), true, "2024-09-22", &out)), "NOT_A_WORKING_DAY");
  EXPECT_EQ(ReasonOf(c.Review("v0b", a.claim_id(), true, "2024-09-20", &out)), "PAID_BEFORE_SETTLEMENT");
  ASSERT_TRUE(c.Review("v1", a.claim_id(), true, "2024-09-23", &paid).ok());
  EXPECT_EQ(paid.status(), Claim::PAID);
  EXPECT_EQ(paid.paid_date(), "2024-09-23");
  EXPECT_THAT(paid.voucher_no(), HasSubstr("20240923"));
  EXPECT_EQ(ReasonOf(c.Review("v2", a.claim_id(), true, "2024-09-24", &out)), "CLAIM_ALREADY_REVIEWED");
  EXPECT_EQ(ReasonOf(c.Review("v3", a.claim_id(), false, "late", &out)), "CLAIM_ALREADY_REVIEWED");
  ASSERT_TRUE(c.Review("v1", a.claim_id(), true, "2024-09-23", &out).ok());  // a replay, not a second review
  EXPECT_EQ(out.voucher_no(), paid.voucher_no());
  EXPECT_EQ(c.Review("v4", "CL-99999999", true, "2024-09-23", &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(c.Review("v5", b.claim_id(), false, "", &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A rejection frees the loans; a paid claim's stay taken.
  ASSERT_TRUE(c.Review("v6", b.claim_id(), false, "rates do not match the contracts", &out).ok());
  EXPECT_EQ(out.status(), Claim::REJECTED);
  EXPECT_EQ(out.review_reason(), "rates do not match the contracts");
  Claim again;
  auto loans = Loans("M", 10);
  auto more = Loans("L", 10);
  loans.insert(loans.end(), more.begin(), more.end());
  ASSERT_TRUE(c.Upload(Header("r-c", "BANK-A"), loans, 7, &again).ok());
  EXPECT_EQ(again.accepted_count(), 10);
  EXPECT_EQ(again.duplicate_count(), 10);
  // The ten duplicates are the paid claim's loans (L…), never the rejected one's (M…, free again).
  const auto duplicates = c.Lines(again.claim_id(), Line::DUPLICATE);
  ASSERT_EQ(duplicates.size(), 10u);
  for (const auto& d : duplicates) {
    EXPECT_EQ(d.duplicate_of_claim_id(), a.claim_id());
    EXPECT_EQ(d.loan_id().substr(0, 1), "L") << d.loan_id();
  }
}

TEST_F(ClaimsE2e, HostileStreamsAreBoundedAndLongLoanIdsRefused) {
  auto c = client();
  // More messages than --max_stream_messages (2000 here): refused whole.
  Claim out;
  auto s = c.Upload(Header("many", "BANK-A"), Loans("T", 2500), 1, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  std::vector<Claim> all;
  ASSERT_TRUE(c.List("", &all).ok());
  EXPECT_TRUE(all.empty());
  // A loan id over 64 bytes, or with a control character: an INVALID line naming the field.
  auto loans = Loans("OK", 1);
  loans.push_back(Loan(std::string(65, 'x')));
  loans.push_back(Loan("a\x01" "b"));
  ASSERT_TRUE(c.Upload(Header("long-id", "BANK-A"), loans, 10, &out).ok());
  EXPECT_EQ(out.invalid_count(), 2);
  const auto lines = c.Lines(out.claim_id(), Line::INVALID);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].result().error().field(), "loans[1].loan_id");
  EXPECT_EQ(lines[0].loan_id(), "");
  // A header that changes mid-stream is INVALID_ARGUMENT, an unknown fund NOT_FOUND; none reaches INTERNAL.
  auto ctx = Call(kClaimDeadline);
  auto stub = v1::LoanSubsidyService::NewStub(server_->Channel());
  auto writer = stub->UploadLoanSubsidyClaim(ctx.get(), &out);
  auto first = Header("switch", "BANK-A");
  *first.add_loans() = Loan("S1");
  auto second = Header("", "BANK-B");
  *second.add_loans() = Loan("S2");
  writer->Write(first);
  writer->Write(second);
  writer->WritesDone();
  s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("bank_id"));
  auto funded = Header("fund", "BANK-A");
  funded.set_fund_id("F-2024");
  *funded.add_loans() = Loan("F1");
  EXPECT_EQ(c.Submit(funded, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  // A declared count that does not match: a truncated file never becomes a claim.
  auto counted = Header("counted", "BANK-A");
  counted.set_loan_count(5);
  EXPECT_EQ(c.Upload(counted, Loans("C", 4), 2, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  all.clear();
  ASSERT_TRUE(c.List("", &all).ok());
  EXPECT_EQ(all.size(), 1u);
}

TEST_F(ClaimsE2e, ACutStreamStoresNothingAndItsRetryMakesOneClaim) {
  auto stub = v1::LoanSubsidyService::NewStub(server_->Channel());
  {
    auto ctx = Call(kClaimDeadline);
    Claim out;
    auto writer = stub->UploadLoanSubsidyClaim(ctx.get(), &out);
    auto message = Header("cut", "BANK-A");
    for (const auto& l : Loans("K", 3000)) *message.add_loans() = l;
    ASSERT_TRUE(writer->Write(message));
    ctx->TryCancel();  // the connection drops before the end
    EXPECT_FALSE(writer->Finish().ok());
  }
  auto c = client();
  std::vector<Claim> all;
  ASSERT_TRUE(c.List("", &all).ok());
  EXPECT_TRUE(all.empty());
  Claim claim;
  ASSERT_TRUE(c.Upload(Header("cut", "BANK-A"), Loans("K", 6000), 3000, &claim).ok());
  EXPECT_EQ(claim.loan_count(), 6000);
  EXPECT_EQ(claim.accepted_count(), 6000);
}

// What the database itself holds (the sqlite3 shell, read-only).
int64_t SqliteCount(const std::string& db, const std::string& table) {
  const std::string cmd = "sqlite3 -readonly '" + db + "' 'SELECT COUNT(*) FROM " + table + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[64] = {0};
  const bool read = fgets(buf, sizeof buf, p) != nullptr;
  pclose(p);
  return read ? std::atoll(buf) : -1;
}

// A claim with a fund_id is paid from the fund's allocation to the bank on approval, or not at all.
TEST_F(ClaimsE2e, AnApprovedClaimWithAFundIsThatFundsPayment) {
  auto funds = v1::FundService::NewStub(server_->Channel());
  const v1::CreateFundRequest create =
      NewFund("TBS-2024-LOAN", v1::Fund::COUNTY, v1::Fund::LOAN_INTEREST_SUBSIDY, 100'000'000, 2024, "211281");
  v1::Fund fund;
  ASSERT_TRUE(funds->CreateFund(Call(kClaimDeadline).get(), create, &fund).ok());
  auto c = client();
  Claim big, small, out;
  auto header = Header("funded-1", "BANK-A");
  header.set_fund_id("TBS-2024-LOAN");
  ASSERT_TRUE(c.Upload(header, Loans("L", 20), 10, &big).ok());
  EXPECT_EQ(big.fund_id(), "TBS-2024-LOAN");
  // Nothing allocated to the bank yet: the approval is refused and changes nothing.
  EXPECT_EQ(ReasonOf(c.Review("v1", big.claim_id(), true, "2024-09-23", &out)), "FUND_BUDGET_EXCEEDED");
  v1::AllocateFundRequest alloc;
  alloc.set_request_id("a");
  alloc.set_fund_id("TBS-2024-LOAN");
  alloc.set_recipient_kind(v1::FundAllocation::BANK);
  alloc.set_recipient_id("BANK-A");
  alloc.set_region_code("211281");
  alloc.set_amount_fen(big.total_subsidy_fen() - 1);  // one 分 short
  alloc.set_date("2024-06-01");
  v1::FundAllocation allocation;
  ASSERT_TRUE(funds->AllocateFund(Call(kClaimDeadline).get(), alloc, &allocation).ok());
  EXPECT_EQ(ReasonOf(c.Review("v2", big.claim_id(), true, "2024-09-23", &out)), "FUND_BUDGET_EXCEEDED");
  alloc.set_request_id("a2");
  alloc.set_amount_fen(1);
  ASSERT_TRUE(funds->AllocateFund(Call(kClaimDeadline).get(), alloc, &allocation).ok());
  ASSERT_TRUE(c.Review("v3", big.claim_id(), true, "2024-09-23", &out).ok());
  EXPECT_EQ(out.status(), Claim::PAID);
  v1::GetFundRequest get;
  get.set_fund_id("TBS-2024-LOAN");
  ASSERT_TRUE(funds->GetFund(Call(kClaimDeadline).get(), get, &fund).ok());
  EXPECT_EQ(fund.paid_fen(), big.total_subsidy_fen());
  // The next claim finds the bank's allocation spent.
  auto next = Header("funded-2", "BANK-A");
  next.set_fund_id("TBS-2024-LOAN");
  ASSERT_TRUE(c.Upload(next, Loans("M", 2), 2, &small).ok());
  EXPECT_EQ(ReasonOf(c.Review("v4", small.claim_id(), true, "2024-09-23", &out)), "FUND_BUDGET_EXCEEDED");
}

// The server is SIGKILLed while a large claim streams in; after a restart the same upload
// makes exactly one claim with every line, and nothing half-written was ever visible.
TEST_F(ClaimsE2e, ServerKilledMidUploadThenTheSameUploadMakesOneWholeClaim) {
  constexpr int kLoans = 60'000, kPerMessage = 500;
  const auto loans = Loans("B", kLoans);
  const std::string db = dir_.path() + "/ledger.db";
  {
    auto stub = v1::LoanSubsidyService::NewStub(server_->Channel());
    auto ctx = Call(kClaimDeadline);
    Claim out;
    auto writer = stub->UploadLoanSubsidyClaim(ctx.get(), &out);
    auto message = Header("big", "BANK-A");
    // Half the claim.
    for (int i = 0; i < kLoans / 2; ++i) {
      *message.add_loans() = loans[static_cast<size_t>(i)];
      if (message.loans_size() == kPerMessage) {
        ASSERT_TRUE(writer->Write(message));
        message.Clear();
      }
    }
    // Killed once some chunks are staged (durably: another process reads them).
    ASSERT_TRUE(WaitUntil([&] { return SqliteCount(db, "loan_claim_lines") > 0; }));
    server_->Kill();
    writer->WritesDone();
    EXPECT_FALSE(writer->Finish().ok());
  }
  EXPECT_GT(SqliteCount(db, "loan_claim_lines"), 0);  // staged lines were written…
  auto restarted = ServerProcess::Start({.db = db});
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  server_ = std::move(*restarted);
  auto c = client();
  std::vector<Claim> all;
  ASSERT_TRUE(c.List("", &all).ok());
  EXPECT_TRUE(all.empty());  // …and none of them is visible

  Claim claim;
  ASSERT_TRUE(c.Upload(Header("big", "BANK-A"), loans, kPerMessage, &claim).ok());
  EXPECT_EQ(claim.loan_count(), kLoans);
  EXPECT_EQ(claim.accepted_count(), kLoans);
  all.clear();
  ASSERT_TRUE(c.List("", &all).ok());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(c.Lines(claim.claim_id()).size(), static_cast<size_t>(kLoans));
  // The killed attempt's staged lines are gone: the database holds exactly the claim's.
  EXPECT_EQ(SqliteCount(db, "loan_claim_lines"), kLoans);
  EXPECT_EQ(SqliteCount(db, "loan_claim_keys"), kLoans);
  EXPECT_EQ(SqliteCount(db, "loan_claims"), 1);
}

// Bank callers are bound to their bank ids; finance reviews; a bank does not.
TEST(ClaimsAuthE2e, BanksSeeOnlyTheirOwnClaimsAndOnlyFinanceReviews) {
  TempDir dir;
  const std::string config = dir.path() + "/callers.textproto";
  std::map<std::string, std::string> tokens;
  for (const auto& [name, roles, banks] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"bank-a", "bank", "BANK-A"}, {"bank-b", "bank", "BANK-B,BANK-B2"}, {"finance-1", "finance", ""},
           {"finance-2", "finance", ""}}) {
    std::vector<std::string> extra;
    if (!banks.empty()) extra.push_back("--banks=" + banks);
    auto token = AddCaller(config, name, roles, extra);
    ASSERT_TRUE(token.ok()) << token.status();
    tokens[name] = *token;
  }
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db", .extra_args = {"--auth_config=" + config}});
  ASSERT_TRUE(server.ok()) << server.status();
  Client a((*server)->Channel(), tokens["bank-a"]), b((*server)->Channel(), tokens["bank-b"]),
      finance((*server)->Channel(), tokens["finance-1"]);

  Claim ca, cb, out;
  ASSERT_TRUE(a.Upload(Header("a-1", "BANK-A"), Loans("L", 3), 2, &ca).ok());
  ASSERT_TRUE(b.Upload(Header("b-1", "BANK-B2"), Loans("L", 3), 2, &cb).ok());
  EXPECT_EQ(cb.accepted_count(), 3);  // another bank's loan ids are its own
  // Filing for another bank is refused, by unary call and by stream.
  auto other = Header("a-2", "BANK-B");
  *other.add_loans() = Loan("X");
  EXPECT_EQ(a.Submit(other, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(a.Upload(Header("a-3", "BANK-B"), Loans("X", 2), 1, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Another bank's claim does not exist for a bank; a list shows its own.
  EXPECT_EQ(a.Get(cb.claim_id(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(a.Get(ca.claim_id(), &out).ok());
  std::vector<Claim> seen;
  ASSERT_TRUE(a.List("", &seen).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].bank_id(), "BANK-A");
  seen.clear();
  EXPECT_EQ(a.List("BANK-B2", &seen).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(finance.List("", &seen).ok());
  EXPECT_EQ(seen.size(), 2u);
  // Only finance reviews.
  EXPECT_EQ(a.Review("ra", ca.claim_id(), true, "2024-09-23", &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(finance.Review("rf", ca.claim_id(), true, "2024-09-23", &out).ok());
  // The approval waits for a second finance officer (双人复核): not paid yet.
  ASSERT_EQ(out.approval_state(), v1::Instruction::PENDING_APPROVAL);
  const std::string held = out.instruction_id();
  ASSERT_TRUE(finance.Get(ca.claim_id(), &out).ok());
  EXPECT_EQ(out.status(), Claim::SUBMITTED);
  // A read of the claim says that its approval waits, and on which instruction.
  EXPECT_EQ(out.approval_state(), v1::Instruction::PENDING_APPROVAL);
  EXPECT_EQ(out.instruction_id(), held);
  auto approvals = v1::ApprovalService::NewStub((*server)->Channel());
  v1::ApproveInstructionRequest ok;
  ok.set_request_id("ok-rf");
  ok.set_instruction_id(out.instruction_id().empty() ? "" : out.instruction_id());
  v1::Instruction posted;
  {
    // The instruction is the pending one on this claim.
    v1::ListInstructionsRequest lr;
    lr.set_state(v1::Instruction::PENDING_APPROVAL);
    v1::ListInstructionsResponse list;
    ASSERT_TRUE(approvals->ListInstructions(CallAs(tokens["finance-2"]).get(), lr, &list).ok());
    ASSERT_EQ(list.instructions_size(), 1);
    EXPECT_EQ(list.instructions(0).subject_id(), "claim:" + ca.claim_id());
    EXPECT_EQ(list.instructions(0).instruction_id(), held);
    ok.set_instruction_id(list.instructions(0).instruction_id());
  }
  EXPECT_EQ(ReasonOf(approvals->ApproveInstruction(CallAs(tokens["finance-1"]).get(), ok, &posted)), "SAME_CALLER");
  ASSERT_TRUE(approvals->ApproveInstruction(CallAs(tokens["finance-2"]).get(), ok, &posted).ok());
  EXPECT_EQ(posted.result_id(), ca.claim_id());
  ASSERT_TRUE(finance.Get(ca.claim_id(), &out).ok());
  EXPECT_EQ(out.status(), Claim::PAID);
  EXPECT_EQ(out.reviewed_by(), "finance-1");
  EXPECT_EQ(out.submitted_by(), "bank-a");
  // A rejection moves no money: it is decided at once, never held for a second officer (the
  // seeded simulation found it held for the claim's total).
  v1::ReviewLoanSubsidyClaimRequest no;
  no.set_request_id("rj");
  no.set_claim_id(cb.claim_id());
  no.set_decision(v1::ReviewLoanSubsidyClaimRequest::REJECT);
  no.set_reason("贷款资料不全");
  ASSERT_TRUE(v1::LoanSubsidyService::NewStub((*server)->Channel())
                  ->ReviewLoanSubsidyClaim(CallAs(tokens["finance-1"]).get(), no, &out)
                  .ok());
  EXPECT_EQ(out.status(), Claim::REJECTED);
  EXPECT_EQ(out.approval_state(), v1::Instruction::POSTED);
  EXPECT_EQ(out.instruction_id(), "");
}

// Concurrent retries replay: the same claim sent many times at once under one request_id is one
// claim, and every sender gets its answer; another payload under that id is refused as reused;
// a cancelled attempt never refuses the complete ones. SQLite, and two replicas on PostgreSQL.
class ClaimRetriesE2e : public BackendsTest {
 protected:
  Client At(int i) { return Client(Channel(static_cast<size_t>(i))); }
};

TEST_P(ClaimRetriesE2e, IdenticalSubmissionsAtOnceAreOneClaimWithOneAnswer) {
  auto req = Header("same", "VB1");
  for (const auto& l : Loans("S", 40)) *req.add_loans() = l;
  constexpr int kCallers = 20;
  std::vector<grpc::Status> status(kCallers);
  std::vector<Claim> answers(kCallers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] { status[i] = At(i).Submit(req, &answers[i]); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCallers; ++i) {
    ASSERT_TRUE(status[i].ok()) << i << ": " << status[i].error_message() << " " << ReasonOf(status[i]);
    EXPECT_EQ(answers[i].claim_id(), answers[0].claim_id());
    EXPECT_EQ(answers[i].accepted_count(), 40);
  }
  std::vector<Claim> listed;
  ASSERT_TRUE(At(0).List("", &listed).ok());
  EXPECT_EQ(listed.size(), 1u);
}

TEST_P(ClaimRetriesE2e, AnotherPayloadUnderTheSameIdIsRefusedAsReused) {
  constexpr int kCallers = 10;
  std::vector<grpc::Status> status(kCallers);
  std::vector<Claim> answers(kCallers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      auto req = Header("one-id", "VB1");
      for (const auto& l : Loans("P" + std::to_string(i) + "-", 5)) *req.add_loans() = l;
      status[i] = At(i).Submit(req, &answers[i]);
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0, reused = 0;
  for (int i = 0; i < kCallers; ++i) {
    if (status[i].ok()) {
      ++ok;
    } else {
      EXPECT_EQ(ReasonOf(status[i]), "IDEMPOTENCY_KEY_REUSED") << status[i].error_message();
      reused += ReasonOf(status[i]) == "IDEMPOTENCY_KEY_REUSED";
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(reused, kCallers - 1);
}

TEST_P(ClaimRetriesE2e, ACancelledStreamNeverRefusesTheCompleteOnes) {
  const auto loans = Loans("U", 300);
  constexpr int kStreams = 5;
  std::vector<grpc::Status> status(kStreams);
  std::vector<Claim> answers(kStreams);
  std::vector<std::thread> threads;
  // One attempt is cut off halfway (its client cancels); five complete ones run beside it.
  threads.emplace_back([&] {
    const auto ctx = Call(kClaimDeadline);
    Claim out;
    auto writer = v1::LoanSubsidyService::NewStub(servers_[0]->Channel())->UploadLoanSubsidyClaim(ctx.get(), &out);
    auto message = Header("upload", "VB1");
    for (int i = 0; i < 150; ++i) *message.add_loans() = loans[i];
    writer->Write(message);
    ctx->TryCancel();
    (void)writer->Finish();
  });
  for (int i = 0; i < kStreams; ++i) {
    threads.emplace_back([&, i] { status[i] = At(i).Upload(Header("upload", "VB1"), loans, 50, &answers[i]); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kStreams; ++i) {
    ASSERT_TRUE(status[i].ok()) << i << ": " << status[i].error_message() << " " << ReasonOf(status[i]);
    EXPECT_EQ(answers[i].claim_id(), answers[0].claim_id());
    EXPECT_EQ(answers[i].loan_count(), 300);
  }
  std::vector<Claim> listed;
  ASSERT_TRUE(At(0).List("", &listed).ok());
  EXPECT_EQ(listed.size(), 1u);
}

// One loan under six spellings was once paid six times: an id is compared in its canonical form
// (NFKC, trimmed, case-folded), a bank id too, and an invisible character makes the line INVALID.
TEST_P(ClaimRetriesE2e, ALoanIsOneLoanHoweverItsIdIsSpelt) {
  const std::vector<std::string> spellings = {"LV1", "LV1 ", " LV1", "lv1", "\xEF\xBC\xAC\xEF\xBC\xB6\xEF\xBC\x91"};
  std::vector<Claim> claims(spellings.size());
  for (size_t i = 0; i < spellings.size(); ++i) {
    auto req = Header("sp-" + std::to_string(i), i % 2 ? "vb2a" : "VB2A");
    *req.add_loans() = Loan(spellings[i]);
    ASSERT_TRUE(At(static_cast<int>(i)).Submit(req, &claims[i]).ok()) << i;
  }
  EXPECT_EQ(claims[0].accepted_count(), 1);
  EXPECT_EQ(claims[0].bank_id(), "VB2A");
  for (size_t i = 1; i < spellings.size(); ++i) {
    EXPECT_EQ(claims[i].accepted_count(), 0) << spellings[i];
    EXPECT_EQ(claims[i].duplicate_count(), 1) << spellings[i];
    EXPECT_EQ(claims[i].total_subsidy_fen(), 0) << spellings[i];
    auto lines = At(0).Lines(claims[i].claim_id());
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].duplicate_of_claim_id(), claims[0].claim_id());
  }
  // Within one claim too; and a zero-width space is refused on its line, naming the field.
  auto req = Header("sp-x", "VB2A");
  req.mutable_settlement_period()->set_start_date("2024-09-21");
  req.mutable_settlement_period()->set_end_date("2024-12-20");
  *req.add_loans() = Loan("LV7");
  *req.add_loans() = Loan("lv7 ");
  *req.add_loans() = Loan("LV8\xE2\x80\x8B");
  Claim one;
  ASSERT_TRUE(At(0).Submit(req, &one).ok());
  EXPECT_EQ(one.accepted_count(), 1);
  EXPECT_EQ(one.duplicate_count(), 1);
  EXPECT_EQ(one.invalid_count(), 1);
  auto lines = At(0).Lines(one.claim_id(), Line::INVALID);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].result().error().field(), "loans[2].loan_id");
}

// A loan is bound to its contract terms by its first claim: a later claim with another principal
// is INVALID LOAN_TERMS_CHANGED naming what changed (new repayments are no change); a borrower
// claimed by another bank for the period is flagged on the line.
TEST_P(ClaimRetriesE2e, ALoansTermsAreFixedByItsFirstClaimAndABorrowerIsSeenAcrossBanks) {
  auto first = Header("t-1", "VB9");
  *first.add_loans() = Loan("T1");
  first.mutable_loans(0)->set_borrower_id("11010519491231002X");
  Claim c1;
  ASSERT_TRUE(At(0).Submit(first, &c1).ok());
  ASSERT_EQ(c1.accepted_count(), 1);
  // The next quarter: the same loan with a larger principal is refused; with a repayment it is not.
  auto next = Header("t-2", "VB9");
  next.mutable_settlement_period()->set_start_date("2024-09-21");
  next.mutable_settlement_period()->set_end_date("2024-12-20");
  *next.add_loans() = Loan("T1");
  next.mutable_loans(0)->set_principal_fen(first.loans(0).principal_fen() * 2);
  *next.add_loans() = Loan("T1 ");  // the same loan again in this claim: a duplicate, whatever it says
  Claim c2;
  ASSERT_TRUE(At(1).Submit(next, &c2).ok());
  EXPECT_EQ(c2.accepted_count(), 1);  // the second line took the period with the bound terms
  EXPECT_EQ(c2.invalid_count(), 1);
  auto invalid = At(0).Lines(c2.claim_id(), Line::INVALID);
  ASSERT_EQ(invalid.size(), 1u);
  EXPECT_EQ(invalid[0].result().error().code(), "LOAN_TERMS_CHANGED");
  // Written for the reader (zh-CN by default) from its reason and what changed, by the bank's header.
  EXPECT_EQ(invalid[0].result().error().params().at("changed"), "贷款金额(分) 10000000 → 20000000");
  EXPECT_THAT(invalid[0].result().error().message(), HasSubstr("合同要素与首次申请时不一致（贷款金额(分) 10000000 → 20000000）"));
  auto repaid = Header("t-3", "VB9");
  repaid.mutable_settlement_period()->set_start_date("2024-12-21");
  repaid.mutable_settlement_period()->set_end_date("2025-03-20");
  *repaid.add_loans() = Loan("T1");
  auto* r = repaid.mutable_loans(0)->add_repayments();
  r->set_date("2025-01-10");
  r->set_principal_fen(1'000'000);
  Claim c3;
  ASSERT_TRUE(At(0).Submit(repaid, &c3).ok());
  EXPECT_EQ(c3.accepted_count(), 1);
  // Another bank claims a loan of the same borrower for the first period: paid, and flagged.
  auto other = Header("t-4", "VB8");
  *other.add_loans() = Loan("X9");
  other.mutable_loans(0)->set_borrower_id("11010519491231002x");
  Claim c4;
  ASSERT_TRUE(At(1).Submit(other, &c4).ok());
  EXPECT_EQ(c4.accepted_count(), 1);
  auto lines = At(0).Lines(c4.claim_id());
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].flags_size(), 1);
  EXPECT_EQ(lines[0].flags(0).code(), "BORROWER_CLAIMED_ELSEWHERE");
  // A borrower with more subsidised loans than the regime allows is flagged on the line.
  const int limit = 3;  // generous: whatever the regime's limit, loans past it are flagged
  std::vector<Claim> more(limit + 3);
  bool flagged = false;
  for (int k = 0; k < limit + 3; ++k) {
    auto one = Header("t-m" + std::to_string(k), "VB" + std::to_string(k % 2 ? 8 : 9));
    *one.add_loans() = Loan("M" + std::to_string(k));
    one.mutable_loans(0)->set_borrower_id("11010519491231002X");
    const grpc::Status submitted = At(k).Submit(one, &more[k]);
    ASSERT_TRUE(submitted.ok()) << submitted.error_message();
    const auto lines_k = At(0).Lines(more[k].claim_id());
    ASSERT_EQ(lines_k.size(), 1u) << k;
    for (const auto& f : lines_k[0].flags()) flagged |= f.code() == "PRIOR_LOANS_EXCEEDED";
  }
  EXPECT_TRUE(flagged);
  // A borrower id with a wrong check character is refused on its line.
  auto bad = Header("t-5", "VB8");
  *bad.add_loans() = Loan("X10");
  bad.mutable_loans(0)->set_borrower_id("110105194912310021");
  Claim c5;
  ASSERT_TRUE(At(0).Submit(bad, &c5).ok());
  EXPECT_EQ(c5.invalid_count(), 1);
  EXPECT_EQ(At(0).Lines(c5.claim_id())[0].result().error().field(), "loans[0].borrower_id");
}

SUBSIDY_ON_BACKENDS(ClaimRetriesE2e);

// Two replicas on one PostgreSQL receive overlapping claims for the same loans, concurrently:
// each loan-period is ACCEPTED exactly once across them, whichever replica wins.
TEST(ClaimsReplicasE2e, OverlappingClaimsOnTwoReplicasAcceptEachLoanOnce) {
  SUBSIDY_POSTGRES_OR_SKIP(pg);
  const std::string url = pg->NewDatabase();
  auto r1 = ServerProcess::Start({.db = url});
  ASSERT_TRUE(r1.ok()) << r1.status();
  auto r2 = ServerProcess::Start({.db = url});
  ASSERT_TRUE(r2.ok()) << r2.status();
  constexpr int kClients = 6, kLoans = 500;  // R0 … R499
  std::vector<std::string> claim_ids(kClients);
  std::vector<std::thread> clients;
  for (int k = 0; k < kClients; ++k) {
    clients.emplace_back([&, k] {
      Client c(k % 2 ? (*r1)->Channel() : (*r2)->Channel());
      // Windows of 200 loans that overlap their neighbours' by half.
      Claim out;
      auto s = c.Upload(Header("race-" + std::to_string(k), "BANK-A"), Loans("R", 200, (k * 100) % 400), 50, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
      claim_ids[static_cast<size_t>(k)] = out.claim_id();
    });
  }
  for (auto& t : clients) t.join();
  Client c((*r1)->Channel());
  std::map<std::string, int> accepted;
  int64_t counted = 0;
  for (const auto& id : claim_ids) {
    for (const auto& l : c.Lines(id, Line::ACCEPTED)) ++accepted[l.loan_id()];
    Claim claim;
    ASSERT_TRUE(c.Get(id, &claim).ok());
    counted += claim.accepted_count();
  }
  EXPECT_EQ(accepted.size(), static_cast<size_t>(kLoans));
  for (const auto& [loan, n] : accepted) EXPECT_EQ(n, 1) << loan;
  EXPECT_EQ(counted, kLoans);
}

// The README's bank-side workflow with subsidyctl, on the sample file of 129 loans.
TEST_F(ClaimsE2e, SubsidyctlSubmitsTheSampleFileAndWritesTheReconciliationCsv) {
  const std::string file = TiaobingshanClaimFile();
  // The claim's figures worked out from the file's columns (support/sample_loans.h), not the server's.
  const ClaimFigures by_hand = ClaimFiguresByHand(file);
  ASSERT_EQ(by_hand.error, "");
  auto r = RunCtl({"--server=" + server_->address(), "--json", "loan", "claim", file, "--submit", "--bank=LNRCU-TBS",
                   "--period=2024-06-21..2024-09-20", "--out=" + dir_.path() + "/submit.result.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"loan_count\":" + std::to_string(by_hand.loans)));
  EXPECT_THAT(r.out, HasSubstr("\"total_principal_fen\":\"" + std::to_string(by_hand.principal_fen) + "\""));
  EXPECT_THAT(r.out, HasSubstr("\"total_interest_fen\":\"" + std::to_string(by_hand.interest_fen) + "\""));
  EXPECT_THAT(r.out, HasSubstr("\"total_subsidy_fen\":\"" + std::to_string(by_hand.subsidy_fen) + "\""));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("\"claim_id\":\"(CL-[0-9]+)\"")));
  const std::string id = m[1].str();
  // Run again: the same claim (the request_id is the file's fingerprint).
  auto again = RunCtl({"--server=" + server_->address(), "--json", "loan", "claim", file, "--submit", "--bank=LNRCU-TBS",
                       "--period=2024-06-21..2024-09-20", "--out=" + dir_.path() + "/again.result.csv"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr(id));
  EXPECT_THAT(again.err, HasSubstr("replay"));
  const std::string csv = dir_.path() + "/lines.csv";
  auto lines = RunCtl({"--server=" + server_->address(), "loan", "claim-lines", id, "--csv", "--out=" + csv});
  ASSERT_EQ(lines.exit_code, 0) << lines.err;
  std::ifstream in(csv);
  std::string line;
  int rows = 0;
  int64_t principal = 0;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("\xEF\xBB\xBFline_no,loan_id,line_status", 0), 0u);  // marked UTF-8, for Excel
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    ASSERT_GE(cells.size(), 11u);
    EXPECT_EQ(cells[2], "ACCEPTED");
    principal += std::stoll(cells[4]);
  }
  EXPECT_EQ(rows, by_hand.loans);
  EXPECT_EQ(principal, by_hand.principal_fen);
  auto review = RunCtl({"--server=" + server_->address(), "loan", "review", id, "--approve", "--payment_date=2024-09-23"});
  ASSERT_EQ(review.exit_code, 0) << review.err;
  EXPECT_THAT(review.out, HasSubstr("PAID"));
  auto list = RunCtl({"--server=" + server_->address(), "loan", "claims", "--status=PAID"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(id));
}

}  // namespace
}  // namespace subsidy::testing
