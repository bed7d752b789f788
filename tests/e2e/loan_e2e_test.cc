// LoanSubsidyService end to end: the real server binary, a real gRPC client, subsidyctl.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <random>
#include <signal.h>
#include <sstream>

#include <thread>

#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "support/calls.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;

class LoanE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto s = ServerProcess::Start({.db = dir_->path() + "/ledger.db"});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = s->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  std::unique_ptr<v1::LoanSubsidyService::Stub> Stub() { return v1::LoanSubsidyService::NewStub(server_->Channel()); }
  static v1::LoanSubsidyRequest Loan(int i) {
    v1::LoanSubsidyRequest r;
    r.set_loan_id("L" + std::to_string(i));
    r.set_province(i % 3 == 0 ? "32" : "41");
    r.set_region_tier(v1::CENTRAL_WEST);
    r.set_program(i % 2 ? v1::ENTREPRENEUR_INDIVIDUAL : v1::ENTREPRENEUR_SMALL_BUSINESS);
    r.set_principal_fen(1'000'000 + 12'345 * i);
    r.set_contract_date("2024-01-10");
    r.set_disbursement_date("2024-01-10");
    r.set_maturity_date(i % 5 == 0 ? "2025-01-10" : "2026-07-10");
    r.set_annual_rate_percent(i % 7 == 0 ? "6.10" : "3.95");
    if (i % 4 == 0) {
      auto* rep = r.add_repayments();
      rep->set_date("2024-08-01");
      rep->set_principal_fen(500'000);
    }
    return r;
  }
  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* LoanE2e::dir_ = nullptr;
ServerProcess* LoanE2e::server_ = nullptr;

TEST_F(LoanE2e, UnaryComputesAndEchoesWhy) {
  v1::LoanSubsidyResult r;
  auto ctx = Call();
  ASSERT_TRUE(Stub()->CalculateLoanSubsidy(ctx.get(), Loan(1), &r).ok());
  EXPECT_EQ(r.loan_id(), "L1");
  EXPECT_TRUE(r.eligible());
  EXPECT_EQ(r.regime_id(), "CN-2023-75");
  EXPECT_EQ(r.lpr_percent(), "3.45");             // the one-year LPR in force on 2024-01-10
  EXPECT_EQ(r.ceiling_percent(), "4.95");         // LPR + 150 bp
  EXPECT_EQ(r.subsidy_rate_percent(), "1.975");   // half the contract rate of 3.95 %
  EXPECT_FALSE(r.periods().empty());
  EXPECT_EQ(r.data_version().size(), 16u);
}

TEST_F(LoanE2e, UnaryBadInputIsInvalidArgumentWithTheFieldInBadRequest) {
  v1::LoanSubsidyRequest req = Loan(1);
  req.set_maturity_date("2023-02-29");
  v1::LoanSubsidyResult r;
  auto ctx = Call();
  grpc::Status s = Stub()->CalculateLoanSubsidy(ctx.get(), req, &r);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("maturity_date"));
  v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  // A BadRequest naming the field (beside it, the message a person reads: LocalizedMessage).
  const auto it = std::find_if(details.details().begin(), details.details().end(), [](const auto& d) {
    return d.type_url() == "type.googleapis.com/google.rpc.BadRequest";
  });
  ASSERT_NE(it, details.details().end());
  v1::BadRequest bad;
  ASSERT_TRUE(bad.ParseFromString(it->value()));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "maturity_date");
}

TEST_F(LoanE2e, StreamEqualsUnaryLoanByLoanWithErrorsInBand) {
  constexpr int kLoans = 600;
  std::vector<v1::LoanSubsidyRequest> loans;
  for (int i = 0; i < kLoans; ++i) loans.push_back(Loan(i));
  loans[17].set_principal_fen(-5);         // in-band error; the stream goes on
  loans[300].set_annual_rate_percent("x");
  auto ctx = Call();
  auto stream = Stub()->StreamLoanSubsidies(ctx.get());
  std::thread writer([&] {
    for (const auto& l : loans) ASSERT_TRUE(stream->Write(l));
    stream->WritesDone();
  });
  std::vector<v1::LoanSubsidyResult> streamed;
  v1::LoanSubsidyResult r;
  while (stream->Read(&r)) streamed.push_back(r);
  writer.join();
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(streamed.size(), loans.size());
  for (int i = 0; i < kLoans; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(streamed[i].loan_id(), loans[i].loan_id());
    v1::LoanSubsidyResult unary;
    auto uctx = Call();
    grpc::Status s = Stub()->CalculateLoanSubsidy(uctx.get(), loans[i], &unary);
    if (i == 17 || i == 300) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(streamed[i].error().code(), "INVALID_ARGUMENT");
      EXPECT_EQ(streamed[i].error().field(), i == 17 ? "principal_fen" : "annual_rate_percent");
      continue;
    }
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(unary, streamed[i]));
  }
}

TEST_F(LoanE2e, BatchAndBatchStreamKeepOrder) {
  v1::LoanSubsidyBatchRequest batch;
  for (int i = 0; i < 250; ++i) *batch.add_loans() = Loan(i);
  batch.mutable_loans(5)->set_province("99");
  v1::LoanSubsidyBatchResult unary;
  auto ctx = Call();
  ASSERT_TRUE(Stub()->CalculateLoanSubsidyBatch(ctx.get(), batch, &unary).ok());
  ASSERT_EQ(unary.results_size(), 250);
  EXPECT_EQ(unary.results(5).error().field(), "province");
  for (int i = 0; i < 250; ++i) EXPECT_EQ(unary.results(i).loan_id(), "L" + std::to_string(i));

  auto sctx = Call();
  auto stream = Stub()->StreamLoanSubsidyBatches(sctx.get());
  for (int k = 0; k < 20; ++k) ASSERT_TRUE(stream->Write(batch));
  stream->WritesDone();
  int n = 0;
  v1::LoanSubsidyBatchResult got;
  while (stream->Read(&got)) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(unary, got));
    ++n;
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(n, 20);
}

TEST_F(LoanE2e, GetLoanPolicyShowsRegimeCapsAndLpr) {
  v1::GetLoanPolicyRequest req;
  req.set_province("51");
  req.set_program(v1::ENTREPRENEUR_INDIVIDUAL);
  req.set_date("2025-06-01");
  req.set_region_tier(v1::CENTRAL_WEST);
  v1::LoanPolicy p;
  auto ctx = Call();
  ASSERT_TRUE(Stub()->GetLoanPolicy(ctx.get(), req, &p).ok());
  EXPECT_EQ(p.regime_id(), "SC-2025-TOPUP");
  EXPECT_EQ(p.loan_cap_fen(), 50'000'000);
  EXPECT_EQ(p.subsidy_base_cap_fen(), 30'000'000);
  EXPECT_EQ(p.lpr_percent(), "3.00");
  EXPECT_EQ(p.lpr_effective_date(), "2025-05-20");
  EXPECT_TRUE(p.lpr_confirmed());
  EXPECT_EQ(p.ceiling_percent(), "4.50");
  EXPECT_EQ(p.subsidy_formula(), "RATE_HALF");

  req.set_date("2019-01-01");
  auto ctx2 = Call();
  EXPECT_EQ(Stub()->GetLoanPolicy(ctx2.get(), req, &p).error_code(), grpc::StatusCode::NOT_FOUND);
  req.set_date("2025-06-01");
  req.set_province("00");
  auto ctx3 = Call();
  EXPECT_EQ(Stub()->GetLoanPolicy(ctx3.get(), req, &p).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LoanE2e, SubsidyctlCalcAndClaimFile) {
  auto calc = RunCtl({"--server=" + server_->address(), "loan", "calc", "--province=45", "--region_tier=CENTRAL_WEST",
                      "--program=ENTREPRENEUR_INDIVIDUAL", "--principal_fen=10000000", "--contract=2023-01-10",
                      "--maturity=2024-01-10", "--rate=5.15"});
  ASSERT_EQ(calc.exit_code, 0) << calc.err;
  EXPECT_THAT(calc.out, HasSubstr("ELIGIBLE"));
  EXPECT_THAT(calc.out, HasSubstr("5221.53"));  // REFERENCE.md's Liuzhou figure

  const std::string csv = dir_->path() + "/claim.csv";
  {
    std::ofstream f(csv);
    f << "# a bank's quarterly claim file\n"
         "loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,contract_date,"
         "disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,claim_start,"
         "claim_end,day_count\n";
    for (int i = 0; i < 1200; ++i) {
      f << "C" << i << ",41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,0,0,20000000,2024-01-10,2024-01-10,2026-01-10,3.95,,"
        << (i % 2 ? "2024-05-01:5000000;2024-05-10:5000000" : "") << "," << (i % 3 ? "" : "2024-04-01..2024-04-10")
        << ",2024-03-21,2024-06-20," << (i % 5 ? "" : "ACT_365") << "\n";
    }
    f << "BAD1,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,0,0,notanumber,2024-01-10,2024-01-10,2026-01-10,3.95,,,,,,\n";
    f << "BAD2,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,0,0,100,2024-01-10,2024-01-10,2023-01-10,3.95,,,,,,\n";
  }
  auto claim = RunCtl({"--server=" + server_->address(), "--json", "loan", "claim", csv, "--batch=100"});
  ASSERT_EQ(claim.exit_code, 0) << claim.err;
  EXPECT_THAT(claim.out, HasSubstr("\"loans\":1202"));
  EXPECT_THAT(claim.out, HasSubstr("\"eligible\":1200"));
  EXPECT_THAT(claim.out, HasSubstr("\"errors\":2"));
  std::ifstream result(csv + ".result.csv");
  std::string line;
  int rows = 0;
  while (std::getline(result, line)) ++rows;
  EXPECT_EQ(rows, 1203);
}

TEST(LoanStopE2e, SigtermLetsAStreamInFlightFinish) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/x.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::LoanSubsidyService::NewStub((*server)->Channel());
  auto ctx = Call();
  auto stream = stub->StreamLoanSubsidies(ctx.get());
  const v1::LoanSubsidyRequest loan = TestLoan();
  v1::LoanSubsidyResult r;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(stream->Write(loan));
    ASSERT_TRUE(stream->Read(&r));
  }
  kill((*server)->pid(), SIGTERM);  // the stream is in flight: it must be allowed to finish
  ASSERT_TRUE(WaitUntil([&] { return (*server)->Stderr().find("\"event\":\"stopping\"") != std::string::npos; }));
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(stream->Write(loan));
    ASSERT_TRUE(stream->Read(&r));
    EXPECT_FALSE(r.has_error());
  }
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&r));
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ((*server)->Stop(), 0);  // it then exits cleanly
  EXPECT_THAT((*server)->Stderr(), HasSubstr("\"event\":\"stopped\""));
}

// A loan whose contract date the LPR data does not reach is refused with its reason, never
// computed with a guessed rate. The stock data's LPR starts before every regime, so the server
// runs on a copy whose table starts at its 2021-12-20 fixing (the 2019 and 2020 fixings left out):
// a loan contracted 2021-06-01 (regime CN-2020-21) then has none.
TEST(LoanDataE2e, AContractDateBeforeTheLprDataIsLprNotAvailable) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::filesystem::copy(SUBSIDY_DATA_DIR, data);
  {
    std::ifstream in(data + "/lpr_cn.textproto");
    std::stringstream kept;
    int dropped = 0;
    for (std::string line; std::getline(in, line);) {
      const bool early = line.find("effective_date: \"2019-") != std::string::npos ||
                         line.find("effective_date: \"2020-") != std::string::npos;
      dropped += early;
      if (!early) kept << line << "\n";
    }
    ASSERT_GT(dropped, 0) << "no 2019/2020 fixing in the data to leave out";
    in.close();
    std::ofstream(data + "/lpr_cn.textproto", std::ios::trunc) << kept.str();
  }
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db", .data_dir = data});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::LoanSubsidyService::NewStub((*server)->Channel());
  v1::LoanSubsidyRequest loan = TestLoan("EARLY");
  loan.set_contract_date("2021-06-01");
  loan.set_disbursement_date("2021-06-01");
  loan.set_maturity_date("2022-06-01");
  loan.set_annual_rate_percent("3.80");
  v1::LoanSubsidyResult r;
  const grpc::Status refused = stub->CalculateLoanSubsidy(Call().get(), loan, &r);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << refused.error_message();
  EXPECT_EQ(ReasonOf(refused), "LPR_NOT_AVAILABLE");
  EXPECT_THAT(refused.error_message(), HasSubstr("2021-06-01"));
  // In a batch the loan is answered in-band with the same reason; a loan the data reaches is computed.
  v1::LoanSubsidyBatchRequest batch;
  *batch.add_loans() = loan;
  v1::LoanSubsidyRequest later = loan;
  later.set_loan_id("LATER");
  later.set_contract_date("2022-03-01");
  later.set_disbursement_date("2022-03-01");
  later.set_maturity_date("2023-03-01");
  *batch.add_loans() = later;
  v1::LoanSubsidyBatchResult results;
  ASSERT_TRUE(stub->CalculateLoanSubsidyBatch(Call().get(), batch, &results).ok());
  ASSERT_EQ(results.results_size(), 2);
  EXPECT_EQ(results.results(0).error().code(), "FAILED_PRECONDITION");
  EXPECT_EQ(results.results(0).error().reason(), "LPR_NOT_AVAILABLE");
  EXPECT_FALSE(results.results(1).has_error()) << results.results(1).error().message();
  EXPECT_EQ(results.results(1).lpr_percent(), "3.70");  // the 2022-01-20 fixing, in force on 2022-03-01
}

}  // namespace
}  // namespace subsidy::testing
