// The edges users hit first, through the real server binary and a real gRPC client: bytes that
// are not UTF-8 (a GBK name, a request_id with 0xFF) are INVALID_ARGUMENT naming the field, a
// stream goes on with the bad loan answered in-band, and the server's log stays JSON with the
// failed call logged as failed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char kGbkName[] = "\xd5\xc5\xc8\xfd\xb9\xab\xcb\xbe";  // 张三公司 in GBK: not UTF-8

std::string ViolatedField(const grpc::Status& s) {
  v1::RpcStatus details;
  if (!details.ParseFromString(s.error_details()) || details.details_size() == 0) return "";
  v1::BadRequest bad;
  if (!bad.ParseFromString(details.details(0).value()) || bad.field_violations_size() == 0) return "";
  return bad.field_violations(0).field();
}

v1::LoanSubsidyRequest Loan(const std::string& id) { return TestLoan(id); }

class EdgesE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({.db = dir_.path() + "/x.db"});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(EdgesE2e, AStringThatIsNotUtf8IsInvalidArgumentNamingTheField) {
  auto reward = v1::RewardPayoutService::NewStub(server_->Channel());
  v1::SubmitDeterminationRequest d;
  d.set_request_id("gbk-1");
  d.set_policy_id("YC-DIGITAL-TRANSFORM");
  d.set_enterprise_uscc(TestUscc(1));
  d.set_enterprise_name(kGbkName);
  d.set_determination_date("2024-06-03");
  v1::Payout p;
  auto c1 = Call();
  grpc::Status s = reward->SubmitDetermination(c1.get(), d, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("enterprise_name"));
  EXPECT_EQ(ViolatedField(s), "enterprise_name");

  auto edu = v1::EducationFundService::NewStub(server_->Channel());
  v1::RecordExpenditureRequest e;
  e.set_request_id("E\xff");
  e.set_school_id("110106-S1");
  e.set_category("TEACHING");
  e.set_amount_fen(100);
  e.set_date("2024-03-01");
  v1::Expenditure out;
  auto c2 = Call();
  s = edu->RecordExpenditure(c2.get(), e, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "request_id");

  // A nested field is named by its path.
  auto loans = v1::LoanSubsidyService::NewStub(server_->Channel());
  v1::LoanSubsidyBatchRequest batch;
  *batch.add_loans() = Loan("ok");
  *batch.add_loans() = Loan("ok2");
  batch.mutable_loans(1)->add_repayments()->set_date("2024-05-0\xff");
  v1::LoanSubsidyBatchResult results;
  auto c3 = Call();
  s = loans->CalculateLoanSubsidyBatch(c3.get(), batch, &results);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(s), "loans[1].repayments[0].date");

  // Every line of the server's log is JSON, and the refused calls are logged as refused (the log
  // is written in batches: wait for the three lines).
  auto refused_lines = [&] {
    const std::string log = server_->Stderr();
    int n = 0;
    for (size_t at = log.find("\"code\":\"INVALID_ARGUMENT\""); at != std::string::npos;
         at = log.find("\"code\":\"INVALID_ARGUMENT\"", at + 1)) {
      ++n;
    }
    return n;
  };
  ASSERT_TRUE(WaitUntil([&] { return refused_lines() >= 3; }));
  std::istringstream lines(server_->Stderr());
  int refused = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.front(), '{') << line;
    if (line.find("\"event\":\"rpc\"") != std::string::npos) {
      EXPECT_THAT(line, ::testing::Not(HasSubstr("\"code\":\"OK\""))) << line;
      refused += line.find("\"code\":\"INVALID_ARGUMENT\"") != std::string::npos;
    }
  }
  EXPECT_EQ(refused, 3);
}

// Every account money is sent to has 6 digits or more (full-width and separators allowed) and is
// whole: an account of 5 digits or a masked one is a slip, refused naming payee_account before
// anything is recorded, on each RPC that takes one.
TEST_F(EdgesE2e, AnAccountMoneyIsSentToHasSixDigitsOrMore) {
  auto check = [&](const char* rpc, const std::function<grpc::Status(const std::string&)>& call) {
    // Too few digits, or a masked account as lists show it (the bank cannot pay it).
    for (const std::string account : {"1234-5", "６２２８", "账号12345", "6222***1234", "****12345678"}) {
      const grpc::Status s = call(account);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << rpc << " " << account;
      EXPECT_EQ(ViolatedField(s), "payee_account") << rpc << " " << account << ": " << s.error_message();
    }
    // Six digits pass this check (the call may still fail on what it names), and so does a whole
    // account typed in full-width digits with separators (69 bytes).
    EXPECT_NE(ViolatedField(call("１２-34 56")), "payee_account") << rpc;
    EXPECT_NE(ViolatedField(call("６２２２－０２０２－００１１－２２３３－４４５")), "payee_account") << rpc;
  };
  int n = 0;
  check("SubmitDetermination", [&](const std::string& account) {
    v1::SubmitDeterminationRequest r;
    r.set_request_id(absl::StrCat("acct-", n++));
    r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
    r.set_enterprise_uscc(TestUscc(n));
    r.set_determination_date("2024-06-03");
    r.set_payee_account(account);
    v1::Payout out;
    return v1::RewardPayoutService::NewStub(server_->Channel())->SubmitDetermination(Call().get(), r, &out);
  });
  check("RecordFundPayment", [&](const std::string& account) {
    v1::RecordFundPaymentRequest r;
    r.set_request_id(absl::StrCat("acct-", n++));
    r.set_fund_id("NO-SUCH-FUND");
    r.set_recipient_id("UNIT-A");
    r.set_amount_fen(100);
    r.set_date("2024-06-03");
    r.set_payee("张三");
    r.set_payee_account(account);
    v1::FundPayment out;
    return v1::FundService::NewStub(server_->Channel())->RecordFundPayment(Call().get(), r, &out);
  });
  check("ReviewLoanSubsidyClaim", [&](const std::string& account) {
    v1::ReviewLoanSubsidyClaimRequest r;
    r.set_request_id(absl::StrCat("acct-", n++));
    r.set_claim_id("CL-00000001");
    r.set_decision(v1::ReviewLoanSubsidyClaimRequest::APPROVE);
    r.set_payment_date("2024-06-03");
    r.set_payee_account(account);
    v1::LoanSubsidyClaim out;
    return v1::LoanSubsidyService::NewStub(server_->Channel())->ReviewLoanSubsidyClaim(Call().get(), r, &out);
  });
  check("ReissuePayment", [&](const std::string& account) {
    v1::ReissuePaymentRequest r;
    r.set_request_id(absl::StrCat("acct-", n++));
    r.set_payment_id("PAY-00000001");
    r.set_date("2024-06-03");
    r.set_payee_account(account);
    v1::PaymentLine out;
    return v1::PaymentService::NewStub(server_->Channel())->ReissuePayment(Call().get(), r, &out);
  });
  // Only the two determinations with whole accounts were recorded.
  v1::ListPayoutsResponse payouts;
  ASSERT_TRUE(v1::RewardPayoutService::NewStub(server_->Channel())
                  ->ListPayouts(Call().get(), v1::ListPayoutsRequest(), &payouts)
                  .ok());
  EXPECT_EQ(payouts.payouts_size(), 2);
}

TEST_F(EdgesE2e, AStreamAnswersALoanThatIsNotUtf8InBandAndGoesOn) {
  auto loans = v1::LoanSubsidyService::NewStub(server_->Channel());
  auto ctx = Call();
  auto stream = loans->StreamLoanSubsidies(ctx.get());
  v1::LoanSubsidyResult r;
  ASSERT_TRUE(stream->Write(Loan("A-1")));
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_FALSE(r.has_error());
  ASSERT_TRUE(stream->Write(Loan(kGbkName)));
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.error().code(), "INVALID_ARGUMENT");
  EXPECT_EQ(r.error().field(), "loan_id");
  ASSERT_TRUE(stream->Write(Loan("A-3")));
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_FALSE(r.has_error());
  EXPECT_EQ(r.loan_id(), "A-3");
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());

  // The batch stream answers loan by loan too.
  auto bctx = Call();
  auto batches = loans->StreamLoanSubsidyBatches(bctx.get());
  v1::LoanSubsidyBatchRequest batch;
  *batch.add_loans() = Loan("B-1");
  *batch.add_loans() = Loan("B-2");
  batch.mutable_loans(1)->set_annual_rate_percent("4\xff");
  *batch.add_loans() = Loan("B-3");
  ASSERT_TRUE(batches->Write(batch));
  v1::LoanSubsidyBatchResult results;
  ASSERT_TRUE(batches->Read(&results));
  ASSERT_EQ(results.results_size(), 3);
  EXPECT_FALSE(results.results(0).has_error());
  EXPECT_EQ(results.results(1).loan_id(), "B-2");
  EXPECT_EQ(results.results(1).error().field(), "annual_rate_percent");
  EXPECT_FALSE(results.results(2).has_error());
  batches->WritesDone();
  EXPECT_TRUE(batches->Finish().ok());
}

TEST_F(EdgesE2e, TheClientNeverSurprises) {
  const std::string server = "--server=" + server_->address();
  // Global options work after the command too.
  auto health = RunCtl({"health", server});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  // Usage errors exit 2, each with a clear line; an invalid enum value lists the valid ones.
  auto empty = RunCtl({"--server=", "health"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("--server is empty"));
  auto program = RunCtl({server, "loan", "policy", "--province=41", "--program=FOO", "--date=2024-01-01"});
  EXPECT_EQ(program.exit_code, 2);
  EXPECT_THAT(program.err, HasSubstr("ENTREPRENEUR_INDIVIDUAL, ENTREPRENEUR_PARTNERSHIP"));
  auto amount = RunCtl({server, "edu", "allocate", "--request_id=A1", "--school=110106-S1", "--source=CENTRAL_DIRECT",
                        "--amount_fen=ten", "--date=2024-03-01"});
  EXPECT_EQ(amount.exit_code, 2) << amount.err;
  // With --json an error is one JSON object on stderr, with the field the server named.
  auto bad = RunCtl({server, "--json", "edu", "allocate", "--request_id=A1", "--school=110106-S1",
                     "--source=CENTRAL_DIRECT", "--amount_fen=-5", "--date=2024-03-01"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("\"code\":\"INVALID_ARGUMENT\""));
  EXPECT_THAT(bad.err, HasSubstr("\"field\":\"amount_fen\""));
  // A name that is not UTF-8 is refused before it is sent, naming the field.
  auto gbk = RunCtl({server, "reward", "submit", "--request_id=G1", "--policy=YC-DIGITAL-TRANSFORM",
                     "--uscc=" + TestUscc(7), std::string("--name=") + kGbkName, "--date=2024-06-03"});
  EXPECT_EQ(gbk.exit_code, 1);
  EXPECT_THAT(gbk.err, HasSubstr("enterprise_name is not valid UTF-8"));
  EXPECT_THAT(gbk.err, HasSubstr("nothing was sent"));
}

// A clerk on a Chinese desktop reads the refusal in Chinese (the server's LocalizedMessage, from
// the catalogue, with its parameters), its stable code kept; elsewhere the developer text.
TEST_F(EdgesE2e, UnderAChineseLocaleTheRefusalIsInChinese) {
  const std::vector<std::string> run = {"--server=" + server_->address(), "reward", "disburse", "--request_id=H1",
                                        "--date=2024-10-01"};
  auto zh = RunCtl(run, "zh_CN.UTF-8");
  EXPECT_EQ(zh.exit_code, 1) << zh.err;
  EXPECT_THAT(zh.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(zh.err, HasSubstr("2024-10-01 不是法定工作日，拨付日期须为工作日。"));
  auto en = RunCtl(run);
  EXPECT_EQ(en.exit_code, 1) << en.err;
  EXPECT_THAT(en.err, Not(HasSubstr("不是法定工作日")));
  EXPECT_THAT(en.err, HasSubstr("NOT_A_WORKING_DAY"));
}

// A clerk who mistypes a command reads why in Chinese too; with --json the stable code comes with
// the English text and the clerk's. So are admin's lines.
TEST_F(EdgesE2e, UnderAChineseLocaleAUsageErrorIsInChinese) {
  const std::string server = "--server=" + server_->address();
  const std::string zh = "zh_CN.UTF-8";
  auto none = RunCtl({server, "fund", "show"}, zh);
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_THAT(none.err, HasSubstr("fund show：须给出一个 FUND_ID"));
  auto amount = RunCtl({server, "edu", "allocate", "--request_id=A1", "--school=110106-S1", "--source=CENTRAL_DIRECT",
                        "--amount_fen=ten", "--date=2024-03-01"}, zh);
  EXPECT_EQ(amount.exit_code, 2) << amount.err;
  EXPECT_THAT(amount.err, HasSubstr("--amount_fen 须为整数金额，单位为分"));
  auto program = RunCtl({server, "loan", "policy", "--province=41", "--program=FOO", "--date=2024-01-01"}, zh);
  EXPECT_EQ(program.exit_code, 2) << program.err;
  EXPECT_THAT(program.err, HasSubstr("--program 须为 ENTREPRENEUR_INDIVIDUAL、ENTREPRENEUR_PARTNERSHIP"));
  auto unknown = RunCtl({server, "fund", "list", "--bogus"}, zh);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_THAT(unknown.err, HasSubstr("fund list：没有选项 --bogus"));
  auto gbk = RunCtl({server, "reward", "submit", "--request_id=G1", "--policy=YC-DIGITAL-TRANSFORM",
                     "--uscc=" + TestUscc(7), std::string("--name=") + kGbkName, "--date=2024-06-03"}, zh);
  EXPECT_EQ(gbk.exit_code, 1) << gbk.err;
  EXPECT_THAT(gbk.err, HasSubstr("enterprise_name 不是有效的 UTF-8 文本"));
  // And what subsidyctl writes itself about the server's data.
  auto status = RunCtl({server, "admin", "status"}, zh);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("数据版本  "));
  auto json = RunCtl({server, "--json", "fund", "show"}, zh);
  EXPECT_EQ(json.exit_code, 2) << json.err;
  EXPECT_THAT(json.err, HasSubstr("\"reason\":\"CLI_USAGE_ONE_ARGUMENT\""));
  EXPECT_THAT(json.err, HasSubstr("\"message\":\"fund show: give exactly one FUND_ID\""));
  EXPECT_THAT(json.err, HasSubstr("须给出一个 FUND_ID"));
}

// A switch given a value, or an amount given twice, is a usage error before anything is sent:
// `--submit=false` once turned the switch on and filed a claim.
TEST_F(EdgesE2e, ASwitchWithAValueOrAnOptionGivenTwiceMovesNoMoney) {
  const std::string server = "--server=" + server_->address();
  auto twice = RunCtl({server, "edu", "allocate", "--request_id=T2", "--school=110106-S1", "--source=CENTRAL_DIRECT",
                       "--amount_fen=100", "--date=2024-03-01", "--amount_fen=999"});
  EXPECT_EQ(twice.exit_code, 2) << twice.err;
  EXPECT_THAT(twice.err, HasSubstr("--amount_fen is given 2 times"));
  auto valued = RunCtl({server, "loan", "claim", dir_.path() + "/none.csv", "--submit=false", "--bank=B"});
  EXPECT_EQ(valued.exit_code, 2) << valued.err;
  EXPECT_THAT(valued.err, HasSubstr("--submit takes no value"));
  // Nothing reached the ledger.
  auto ledger = RunCtl({server, "edu", "ledger", "--school=110106-S1"});
  EXPECT_THAT(ledger.out, Not(HasSubstr("T2")));
  // A repeatable option may repeat.
  auto calc = RunCtl({server, "loan", "calc", "--province=41", "--region_tier=CENTRAL_WEST",
                      "--program=ENTREPRENEUR_INDIVIDUAL", "--principal_fen=20000000", "--contract=2024-01-10",
                      "--maturity=2026-01-10", "--rate=3.95", "--repayment=2024-07-10:5000000",
                      "--repayment=2025-01-10:10000000"});
  EXPECT_EQ(calc.exit_code, 0) << calc.err;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A bank's file as its export writes it: GBK, CRLF, quoted cells, an empty optional cell, a
// repeated loan_id and a row with two bad cells.
TEST_F(EdgesE2e, AClaimFileInGbkFromExcelIsReadAndEveryRowAnswered) {
  const std::string csv = dir_.path() + "/claim-gbk.csv";
  {
    std::ofstream f(csv, std::ios::binary);
    f << "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,maturity_date,"
         "annual_rate_percent,lpr_tenor\r\n"
      << "\"\xb4\xfb\xbf\xee-001\",41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,10000000,2024-01-10,2024-01-10,"
         "2025-01-10,4.00,\r\n"
      << "\xb4\xfb\xbf\xee-002,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,ten,2024-01-10,,2025-01-10,4.00,\r\n"
      << "\xb4\xfb\xbf\xee-001,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,10000000,2024-01-10,2024-01-10,"
         "2025-01-10,4.00,\r\n"
      << "\xb4\xfb\xbf\xee-004,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,10000000,2024-01-10,2024-01-10,"
         "2025-01-10,4.00,FIVE_YEAR\r\n";
  }
  const std::string out = dir_.path() + "/claim-gbk.result.csv";
  // The result file is written in the input's encoding unless asked otherwise: UTF-8 here, to read it.
  auto run = RunCtl({"--server=" + server_->address(), "--json", "loan", "claim", csv, "--out=" + out,
                     "--out_encoding=utf-8"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"encoding\":\"GB18030\""));
  EXPECT_THAT(run.out, HasSubstr("\"loans\":4"));
  EXPECT_THAT(run.out, HasSubstr("\"errors\":2"));
  EXPECT_THAT(run.out, HasSubstr("\"total_subsidy_fen\":\""));  // money as protobuf's JSON maps int64
  const std::string result = Slurp(out);
  // Good rows with their figures, bad rows with their error, each on its line, in UTF-8.
  EXPECT_THAT(result, HasSubstr("2,贷款-001,ELIGIBLE"));
  EXPECT_THAT(result, HasSubstr("3,贷款-002,ERROR"));
  EXPECT_THAT(result, HasSubstr("principal_fen: \"\"ten\"\" is not a whole number of zero or more."));
  EXPECT_THAT(result, HasSubstr("disbursement_date: is empty"));
  EXPECT_THAT(result, HasSubstr("4,贷款-001,ERROR"));
  EXPECT_THAT(result, HasSubstr("The loan_id repeats line 2"));
  EXPECT_THAT(result, HasSubstr("5,贷款-004,ELIGIBLE"));

  // --periods: one row per settlement period, with its subsidised days.
  auto periods = RunCtl({"--server=" + server_->address(), "loan", "claim", csv, "--periods", "--out=" + out + ".p",
                         "--out_encoding=utf-8"});
  ASSERT_EQ(periods.exit_code, 0) << periods.err;
  const std::string by_period = Slurp(out + ".p");
  EXPECT_THAT(by_period, HasSubstr("line,loan_id,status,period_start,period_end,days,subsidy_days"));
  EXPECT_THAT(by_period, HasSubstr("2,贷款-001,ELIGIBLE,2024-01-10,2024-03-20,71,71,"));

  // --dry_run checks every row on the server and stores nothing.
  auto dry = RunCtl({"--server=" + server_->address(), "loan", "claim", csv, "--dry_run", "--out=" + out + ".dry"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("nothing stored"));

  // A file without its header row is refused, saying so; a missing file says why.
  const std::string headless = dir_.path() + "/headless.csv";
  std::ofstream(headless) << "L1,41,EAST,ENTREPRENEUR_INDIVIDUAL,100,2024-01-10,2024-01-10,2025-01-10,4.00\n";
  auto no_header = RunCtl({"--server=" + server_->address(), "loan", "claim", headless});
  EXPECT_EQ(no_header.exit_code, 1);
  EXPECT_THAT(no_header.err, HasSubstr("not a header"));
  // Its result file is written all the same: one FILE_ERROR row at the line that went wrong.
  EXPECT_THAT(Slurp(headless + ".result.csv"), HasSubstr("1,,FILE_ERROR,"));
  auto missing = RunCtl({"--server=" + server_->address(), "loan", "claim", dir_.path() + "/nope.csv"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("No such file or directory"));
}

TEST_F(EdgesE2e, UnknownThingsAreNotSilentlyZero) {
  auto edu = v1::EducationFundService::NewStub(server_->Channel());
  v1::GetSpendingProgressRequest progress;
  progress.set_school_id("110106-NOLEDGER");
  v1::SpendingProgress p;
  auto c1 = Call();
  EXPECT_EQ(edu->GetSpendingProgress(c1.get(), progress, &p).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetFundPriorityRequest priority;
  priority.set_school_id("110106-NOLEDGER");
  v1::FundPriority fp;
  auto c2 = Call();
  EXPECT_EQ(edu->GetFundPriority(c2.get(), priority, &fp).error_code(), grpc::StatusCode::NOT_FOUND);

  auto allocate = [&](const std::string& rid, const std::string& school, const std::string& date) {
    v1::AllocateFundsRequest a;
    a.set_request_id(rid);
    a.set_school_id(school);
    a.set_source(v1::CENTRAL_DIRECT);
    a.set_amount_fen(100'000);
    a.set_date(date);
    v1::FundBalance b;
    auto c = Call();
    return edu->AllocateFunds(c.get(), a, &b);
  };
  for (const std::string bad : {"S1", "999999-X", "11-X"}) {
    const grpc::Status s = allocate("a-" + bad, bad, "2024-03-01");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(ViolatedField(s), "school_id") << bad;
  }
  ASSERT_TRUE(allocate("a-ok", "110106-E1", "2024-03-01").ok());
  auto spend = [&](const std::string& rid, const std::string& date) {
    v1::RecordExpenditureRequest e;
    e.set_request_id(rid);
    e.set_school_id("110106-E1");
    e.set_category("TEACHING");
    e.set_amount_fen(100);
    e.set_date(date);
    v1::Expenditure out;
    auto c = Call();
    return edu->RecordExpenditure(c.get(), e, &out);
  };
  const grpc::Status future = spend("e-future", "2999-01-04");
  EXPECT_EQ(future.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(future), "date");
  const grpc::Status early = spend("e-early", "2024-02-29");
  EXPECT_EQ(early.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(early.error_message(), HasSubstr("before the school's first allocation (2024-03-01)"));
  EXPECT_TRUE(spend("e-ok", "2024-03-01").ok());

  auto reward = v1::RewardPayoutService::NewStub(server_->Channel());
  v1::ListPayoutsRequest list;
  list.set_policy_id("NOPE");
  v1::ListPayoutsResponse payouts;
  auto c3 = Call();
  EXPECT_EQ(reward->ListPayouts(c3.get(), list, &payouts).error_code(), grpc::StatusCode::NOT_FOUND);
  list.clear_policy_id();
  list.set_enterprise_uscc("bad");
  auto c4 = Call();
  const grpc::Status uscc = reward->ListPayouts(c4.get(), list, &payouts);
  EXPECT_EQ(uscc.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedField(uscc), "enterprise_uscc");

  // A USCC error names the position, not a character that reads as a digit.
  v1::SubmitDeterminationRequest d;
  d.set_request_id("u-1");
  d.set_policy_id("YC-DIGITAL-TRANSFORM");
  std::string typo = TestUscc(3);
  typo[8] = 'I';
  d.set_enterprise_uscc(typo);
  d.set_determination_date("2024-06-03");
  v1::Payout payout;
  auto c5 = Call();
  EXPECT_THAT(reward->SubmitDetermination(c5.get(), d, &payout).error_message(), HasSubstr("at position 9 of 18, 'I'"));

  // Payouts are paid on working days; a run's id is not doubled.
  v1::RunDisbursementRequest run;
  run.set_request_id("RUN-2024-06-09");
  run.set_payment_date("2024-06-09");  // a Sunday
  v1::RunDisbursementResponse ran;
  auto c6 = Call();
  const grpc::Status sunday = reward->RunDisbursement(c6.get(), run, &ran);
  EXPECT_EQ(sunday.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(sunday), "NOT_A_WORKING_DAY");
  run.set_request_id("RUN-2024-10-12");
  run.set_payment_date("2024-10-12");  // a Saturday made a working day by the 2024 notice
  auto c7 = Call();
  ASSERT_TRUE(reward->RunDisbursement(c7.get(), run, &ran).ok());
  EXPECT_EQ(ran.run_id(), "RUN-2024-10-12");
}

TEST_F(EdgesE2e, AReplayIsSaidToBeOneAndAReusedIdNamesItsFirstRpc) {
  const std::string server = "--server=" + server_->address();
  const std::vector<std::string> allocate = {server, "edu", "allocate", "--request_id=R-1", "--school=110106-R1",
                                             "--source=CENTRAL_DIRECT", "--amount_fen=500", "--date=2024-03-01"};
  auto first = RunCtl(allocate);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.err, ::testing::Not(HasSubstr("replay")));
  auto again = RunCtl(allocate);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, first.out);
  EXPECT_THAT(again.err, HasSubstr("replay of the first answer; nothing changed"));
  auto reused = RunCtl({server, "edu", "spend", "--request_id=R-1", "--school=110106-R1", "--category=TEACHING",
                        "--amount_fen=5", "--date=2024-03-01"});
  EXPECT_EQ(reused.exit_code, 1);
  EXPECT_THAT(reused.err, HasSubstr("IDEMPOTENCY_KEY_REUSED"));
  EXPECT_THAT(reused.err, HasSubstr("was first used by AllocateFunds, not RecordExpenditure"));
}

// What each user asked for: bulk determinations from a file, payouts paid late, the bank's
// payment file, and the categories with the sources that may pay them.
TEST_F(EdgesE2e, SubmitFileLatePayoutsPaymentFileAndCategories) {
  const std::string server = "--server=" + server_->address();
  const std::string csv = dir_.path() + "/determinations.csv";
  {
    std::ofstream f(csv, std::ios::binary);
    f << "request_id,policy_id,enterprise_uscc,enterprise_name,determination_date,spend_fen\r\n";
    for (int n = 1; n <= 3; ++n) {
      // 张三公司 in GBK: the file is a GBK export.
      f << "D-" << n << ",YC-DIGITAL-TRANSFORM," << TestUscc(100 + n) << ",\xd5\xc5\xc8\xfd\xb9\xab\xcb\xbe" << n
        << ",2024-06-03,12345600\r\n";
    }
    f << "D-4,NOPE," << TestUscc(104) << ",x,2024-06-03,1\r\n";
  }
  auto first = RunCtl({server, "--json", "reward", "submit-file", csv});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("\"scheduled\":3"));
  EXPECT_THAT(first.out, HasSubstr("\"errors\":1"));
  const std::string result = Slurp(csv + ".result.csv");
  EXPECT_THAT(result, HasSubstr(",SCHEDULED,"));
  EXPECT_THAT(result, HasSubstr("no reward policy"));
  // Sent again: the same answers, nothing new.
  auto again = RunCtl({server, "--json", "reward", "submit-file", csv});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Slurp(csv + ".result.csv"), result);

  // Due 2024-06-11 (5 working days); paid on 2024-06-12: late.
  auto run = RunCtl({server, "--json", "reward", "disburse", "--request_id=RUN-A", "--date=2024-06-12"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"paid_count\":3"));    // a count: a number
  EXPECT_THAT(run.out, HasSubstr("\"paid_fen\":\""));     // money: protobuf's int64 string
  auto late = RunCtl({server, "--json", "reward", "list", "--late", "--all"});
  ASSERT_EQ(late.exit_code, 0) << late.err;
  EXPECT_THAT(late.out, HasSubstr("\"total_count\":3"));
  EXPECT_THAT(late.out, HasSubstr("\"total_amount_fen\":\""));
  EXPECT_EQ(std::count(late.out.begin(), late.out.end(), '\n'), 1);  // --all --json: one document

  const std::string payments = dir_.path() + "/payments.csv";
  auto file = RunCtl({server, "reward", "payment-file", "--paid_date=2024-06-12", "--out=" + payments,
                      "--encoding=gb18030"});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  const std::string bank = Slurp(payments);
  EXPECT_THAT(bank, HasSubstr("voucher_no,payee_uscc,payee_name,amount_fen"));
  EXPECT_THAT(bank, HasSubstr("\xd5\xc5\xc8\xfd\xb9\xab\xcb\xbe"));  // the names back in GB18030
  EXPECT_THAT(bank, HasSubstr("PV20240612-"));

  auto categories = RunCtl({server, "edu", "categories"});
  ASSERT_EQ(categories.exit_code, 0) << categories.err;
  EXPECT_THAT(categories.out, HasSubstr("STAFF_PAY"));
  EXPECT_THAT(categories.out, HasSubstr("FORBIDDEN"));
  EXPECT_THAT(categories.out, HasSubstr("CENTRAL_DIRECT"));
}

}  // namespace
}  // namespace subsidy::testing
