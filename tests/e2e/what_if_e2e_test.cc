// Policy what-if through the real server and subsidyctl: a portfolio into the loan book, the book
// listed, a draft's cost (the hand-worked 300万 → 500万 case of tests/golden/what_if_cases.textproto),
// the Tiaobingshan claim paid and re-run (the in-force side equals what was paid, to the 分), a
// forecast, and the refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "absl/strings/str_cat.h"

#include "absl/strings/str_format.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/payment.grpc.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;
using Stub = v1::LoanSubsidyService::Stub;

constexpr char kHeader[] =
    "loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,contract_date,"
    "disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,claim_start,claim_end,"
    "day_count\n";

std::string Book() {
  std::string csv = kHeader;
  for (const char* row : {"SB-A,41,CENTRAL_WEST,ENTREPRENEUR_SMALL_BUSINESS,,0,400000000,2022-03-21,2022-03-21,2024-03-21,5.20",
                          "SB-B,41,CENTRAL_WEST,ENTREPRENEUR_SMALL_BUSINESS,,0,200000000,2022-03-21,2022-03-21,2024-03-21,5.20",
                          "SB-C,41,CENTRAL_WEST,ENTREPRENEUR_SMALL_BUSINESS,,0,600000000,2022-03-21,2022-03-21,2024-03-21,5.20",
                          "IN-D,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,,0,20000000,2022-03-21,2022-03-21,2024-03-21,5.20",
                          "SB-E,41,CENTRAL_WEST,ENTREPRENEUR_SMALL_BUSINESS,,0,400000000,2021-12-01,2021-12-01,2023-12-01,5.20"}) {
    csv += std::string(row) + ",ONE_YEAR,,,,,ACT_360\n";
  }
  return csv;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class WhatIfE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db"});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    stub_ = v1::LoanSubsidyService::NewStub(server_->Channel());
  }
  v1::SimulateReformResponse Simulate(v1::SimulateReformRequest req) {
    v1::SimulateReformResponse r;
    const grpc::Status s = stub_->SimulateReform(Call().get(), req, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(WhatIfE2e, APortfolioIsTheBookAndADraftCostsWhatWasWorkedByHand) {
  v1::ImportLoanPortfolioRequest imp;
  imp.set_request_id("pf-hn-2022q1");
  imp.set_bank_id("BANK-HN");
  imp.set_as_of("2022-03-31");
  imp.set_file(Book());
  v1::LoanPortfolioImport first, again;
  ASSERT_TRUE(stub_->ImportLoanPortfolio(Call().get(), imp, &first).ok());
  ASSERT_TRUE(stub_->ImportLoanPortfolio(Call().get(), imp, &again).ok());  // a retry: the same import
  EXPECT_EQ(first.import_id(), again.import_id());
  EXPECT_EQ(first.loan_count(), 5);

  v1::ListLoanBookRequest list;
  list.mutable_filter()->set_program(v1::ENTREPRENEUR_SMALL_BUSINESS);
  list.set_page_size(2);
  v1::ListLoanBookResponse book;
  ASSERT_TRUE(stub_->ListLoanBook(Call().get(), list, &book).ok());
  EXPECT_EQ(book.totals().loans(), 4);  // once each, however often imported
  EXPECT_EQ(book.totals().principal_fen(), 1'600'000'000);
  EXPECT_EQ(book.loans_size(), 2);
  EXPECT_FALSE(book.next_page_token().empty());
  EXPECT_EQ(book.loans(0).source(), "PORTFOLIO");

  v1::ListLoanReformsResponse drafts;
  ASSERT_TRUE(stub_->ListLoanReforms(Call().get(), v1::ListLoanReformsRequest(), &drafts).ok());
  ASSERT_GE(drafts.reforms_size(), 1);

  v1::SimulateReformRequest req;
  req.set_reform_id("SB-CAP-500");
  req.mutable_window()->set_start_date("2022-03-21");
  req.mutable_window()->set_end_date("2022-09-20");
  const auto r = Simulate(req);
  ASSERT_EQ(r.quarters_size(), 2);
  EXPECT_EQ(r.quarters(0).figures().in_force_fen(), 1'686'666);
  EXPECT_EQ(r.quarters(0).figures().draft_fen(), 4'753'333);
  EXPECT_EQ(r.total().difference_fen(), 6'133'334);
  ASSERT_EQ(r.changed_size(), 1);
  EXPECT_EQ(r.changed(0).loan_id(), "SB-A");
  EXPECT_EQ(r.changed(0).reasons_in_force(0).code(), "PRINCIPAL_ABOVE_CAP");
  EXPECT_THAT(r.changed(0).reasons_in_force(0).message(), HasSubstr("3000000.00"));

  // subsidyctl writes the same figures as CSV, in GB18030 when asked.
  const CtlResult csv = RunCtl({"--server=" + server_->address(), "policy", "simulate", "--reform=SB-CAP-500",
                                "--from=2022-03-21", "--to=2022-09-20"},
                               "C.UTF-8");
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, HasSubstr("TOTAL,,2022-03-21,2022-06-20,1686666,4753333,3066667,0,3"));

  // Filters are checked and read as the ids are stored: a bank id in lower case is the bank.
  v1::SimulateReformRequest lower = req;
  lower.mutable_book()->add_bank_ids("bank-hn");
  EXPECT_EQ(Simulate(lower).total().draft_fen(), r.total().draft_fen());
  v1::ListLoanBookRequest unknown;
  unknown.mutable_filter()->set_program(static_cast<v1::LoanProgram>(99));
  grpc::Status refusal = stub_->ListLoanBook(Call().get(), unknown, &book);
  EXPECT_EQ(refusal.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refusal.error_message(), HasSubstr("filter.program"));
  // A portfolio as of a date cannot hold a loan contracted after it; nothing is stored.
  v1::ImportLoanPortfolioRequest later = imp;
  later.set_request_id("pf-hn-early");
  later.set_as_of("2022-03-20");
  v1::LoanPortfolioImport none;
  refusal = stub_->ImportLoanPortfolio(Call().get(), later, &none);
  EXPECT_EQ(refusal.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refusal.error_message(), HasSubstr("contracted after as_of"));

  // A draft that does not fit is refused, naming its line; an unknown one is NOT_FOUND.
  v1::SimulateReformRequest bad = req;
  bad.clear_reform_id();
  bad.set_reform_text("reform_id: \"X\"\nname: \"n\"\nregime_id: \"CN-2020-21\"\neffective_date: \"2022-01-01\"\n"
                      "terms { program: \"NOPE\" }");
  v1::SimulateReformResponse refused;
  grpc::Status s = stub_->SimulateReform(Call().get(), bad, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("draft:5"));  // REFORM_INVALID
  bad.clear_reform_text();
  bad.set_reform_id("NO-SUCH-DRAFT");
  s = stub_->SimulateReform(Call().get(), bad, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);  // REFORM_NOT_FOUND
}

TEST_F(WhatIfE2e, TheTiaobingshanBooksInForceSideIsWhatWasPaid) {
  v1::SubmitLoanSubsidyClaimFileRequest file;
  file.set_request_id("tbs-2024q3");
  file.set_bank_id("BANK-TBS");
  file.mutable_settlement_period()->set_start_date("2024-06-21");
  file.mutable_settlement_period()->set_end_date("2024-09-20");
  file.set_file(Slurp(std::string(SUBSIDY_SOURCE_DIR) + "/examples/tiaobingshan-2024q3-claim.csv"));
  v1::LoanSubsidyClaim claim, paid;
  ASSERT_TRUE(stub_->SubmitLoanSubsidyClaimFile(Call().get(), file, &claim).ok());
  v1::ReviewLoanSubsidyClaimRequest review;
  review.set_request_id("tbs-2024q3-approve");
  review.set_claim_id(claim.claim_id());
  review.set_decision(v1::ReviewLoanSubsidyClaimRequest::APPROVE);
  review.set_payment_date("2024-09-27");
  ASSERT_TRUE(stub_->ReviewLoanSubsidyClaim(Call().get(), review, &paid).ok());
  ASSERT_EQ(paid.status(), v1::LoanSubsidyClaim::PAID);

  v1::SimulateReformRequest req;
  req.set_reform_id("SHARE-60");
  req.set_paid_claims(true);
  req.mutable_window()->set_start_date("2024-06-21");
  req.mutable_window()->set_end_date("2024-09-20");
  const auto r = Simulate(req);
  ASSERT_EQ(r.quarters_size(), 1);
  EXPECT_EQ(r.quarters(0).figures().claimed_fen(), paid.total_subsidy_fen());
  EXPECT_EQ(r.quarters(0).figures().in_force_fen(), paid.total_subsidy_fen());
  EXPECT_EQ(r.loans(), paid.accepted_count());
  EXPECT_EQ(r.failed_count(), 0);

  // A portfolio cannot change the terms a claim bound (LOAN_TERMS_CHANGED), as a later claim cannot.
  std::string changed = Slurp(std::string(SUBSIDY_SOURCE_DIR) + "/examples/tiaobingshan-2024q3-claim.csv");
  changed = changed.substr(0, changed.find('\n') + 1) +
            "TBS-2024-0002,21,EAST,ENTREPRENEUR_INDIVIDUAL,,0,13333333,2024-02-15,2024-02-15,2026-02-15,4.35,ONE_YEAR,,,,,ACT_360\n";
  v1::ImportLoanPortfolioRequest portfolio;
  portfolio.set_request_id("tbs-portfolio-changed");
  portfolio.set_bank_id("BANK-TBS");
  portfolio.set_as_of("2024-09-20");
  portfolio.set_file(changed);
  v1::LoanPortfolioImport refused;
  const grpc::Status terms = stub_->ImportLoanPortfolio(Call().get(), portfolio, &refused);
  EXPECT_EQ(terms.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(terms.error_message(), HasSubstr("first claim"));  // LOAN_TERMS_CHANGED

  // An LPR path may not rewrite what the data hold as confirmed.
  v1::ForecastLoanSubsidiesRequest history;
  auto* past = history.add_lpr_path();
  past->set_effective_date("2025-06-20");
  past->set_lpr_1y_percent("2.00");
  past->set_lpr_5y_percent("2.50");
  v1::ForecastLoanSubsidiesResponse unused;
  EXPECT_EQ(stub_->ForecastLoanSubsidies(Call().get(), history, &unused).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The claim's loans are the book now; a forecast from the claim's quarter compares with it.
  v1::ForecastLoanSubsidiesRequest f;
  f.set_as_of("2024-09-20");
  f.set_quarters(4);
  v1::ForecastLoanSubsidiesResponse fr;
  ASSERT_TRUE(stub_->ForecastLoanSubsidies(Call().get(), f, &fr).ok());
  ASSERT_EQ(fr.quarters_size(), 4);
  EXPECT_TRUE(fr.quarters(0).claimed_known());
  EXPECT_EQ(fr.quarters(0).claimed_fen(), paid.total_subsidy_fen());
  EXPECT_EQ(fr.quarters(0).book_fen(), paid.total_subsidy_fen());  // the book as claimed: no error
  EXPECT_EQ(fr.quarters(0).error_fen(), 0);
  EXPECT_EQ(fr.quarters(0).error_percent(), "0.00");
  EXPECT_GT(fr.quarters(1).book_fen(), 0);
  ASSERT_GE(fr.assumptions_size(), 3);
  EXPECT_EQ(fr.assumptions(0).code(), "FORECAST_BOOK_AS_OF");
  EXPECT_EQ(fr.assumptions(1).code(), "FORECAST_LPR_FLAT");
  EXPECT_EQ(fr.assumptions(2).code(), "FORECAST_NO_NEW_LENDING");

  // An LPR path and new lending: the new loans add to the book's figure, and the assumptions say so.
  auto* point = f.add_lpr_path();
  point->set_effective_date("2026-12-21");
  point->set_lpr_1y_percent("2.80");
  point->set_lpr_5y_percent("3.30");
  f.mutable_new_lending()->set_yearly_principal_fen(400'000'000);
  auto* mix = f.mutable_new_lending()->add_mix();
  mix->set_program(v1::ENTREPRENEUR_INDIVIDUAL);
  mix->set_share_percent(100);
  mix->set_province("21");
  mix->set_average_principal_fen(20'000'000);
  mix->set_term_months(24);
  v1::ForecastLoanSubsidiesResponse with_new;
  ASSERT_TRUE(stub_->ForecastLoanSubsidies(Call().get(), f, &with_new).ok());
  EXPECT_EQ(with_new.quarters(1).book_fen(), fr.quarters(1).book_fen());
  EXPECT_GT(with_new.quarters(1).new_lending_fen(), 0);
  EXPECT_EQ(with_new.assumptions(1).code(), "FORECAST_LPR_PATH");
  EXPECT_EQ(with_new.assumptions(2).code(), "FORECAST_NEW_LENDING");

  // The bank fails the payment and finance returns it (退回): nothing was paid, so the paid claims
  // of the quarter are none; what was claimed is still claimed.
  auto payments = v1::PaymentService::NewStub(server_->Channel());
  v1::ListPaymentLinesRequest which;
  which.set_source_id(paid.claim_id());
  v1::ListPaymentLinesResponse lines;
  ASSERT_TRUE(payments->ListPaymentLines(Call().get(), which, &lines).ok());
  ASSERT_EQ(lines.lines_size(), 1);
  const v1::PaymentLine& line = lines.lines(0);
  v1::ImportBankReturnRequest back;
  back.set_request_id("tbs-return-file");
  back.set_file(absl::StrCat("凭证号,金额,状态,失败原因,日期\n", line.voucher_no(), ",", line.amount_fen() / 100, ".",
                             absl::StrFormat("%02d", line.amount_fen() % 100), ",失败,账户冻结,2024-09-30\n"));
  v1::BankReturnResult imported;
  ASSERT_TRUE(payments->ImportBankReturn(Call().get(), back, &imported).ok());
  v1::ReturnPaymentRequest ret;
  ret.set_request_id("tbs-return");
  ret.set_payment_id(line.payment_id());
  ret.set_reason("账户冻结");
  v1::PaymentLine returned;
  const grpc::Status rs = payments->ReturnPayment(Call().get(), ret, &returned);
  ASSERT_TRUE(rs.ok()) << rs.error_message();
  const auto after = Simulate(req);
  EXPECT_EQ(after.loans(), 0);
  EXPECT_EQ(after.total().claimed_fen(), 0);
  v1::ForecastLoanSubsidiesResponse claimed_still;
  f.clear_lpr_path();
  f.clear_new_lending();
  ASSERT_TRUE(stub_->ForecastLoanSubsidies(Call().get(), f, &claimed_still).ok());
  EXPECT_EQ(claimed_still.quarters(0).claimed_fen(), paid.total_subsidy_fen());
}

// A large book's run streams its progress before its result, which is SimulateReform's; a caller
// that goes away stops it, and the server serves on.
TEST_F(WhatIfE2e, AStreamedRunSaysHowFarItIsAndEndsWithTheResult) {
  for (const std::string bank : {"BANK-A", "BANK-B"}) {  // 2 × 60,000 loans, each file under the message limit
    std::string csv = kHeader;
    for (int i = 0; i < 60'000; ++i) {
      csv += absl::StrCat(bank, "-", i, ",41,CENTRAL_WEST,", i % 3 ? "ENTREPRENEUR_INDIVIDUAL" : "ENTREPRENEUR_SMALL_BUSINESS",
                          ",,0,", i % 3 ? 15'000'000 : 350'000'000, ",2022-03-21,2022-03-21,2024-03-21,5.20,ONE_YEAR,,,,,ACT_360\n");
    }
    v1::ImportLoanPortfolioRequest imp;
    imp.set_request_id("pf-" + bank);
    imp.set_bank_id(bank);
    imp.set_as_of("2022-03-31");
    imp.set_file(csv);
    v1::LoanPortfolioImport done;
    const grpc::Status s = stub_->ImportLoanPortfolio(Call(std::chrono::seconds(120)).get(), imp, &done);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::SimulateReformRequest req;
  req.set_reform_id("SB-CAP-500");
  req.mutable_window()->set_start_date("2022-03-21");
  req.mutable_window()->set_end_date("2023-03-20");
  auto call = Call(std::chrono::seconds(120));
  auto reader = stub_->StreamSimulateReform(call.get(), req);
  v1::SimulateReformProgress m;
  std::vector<int64_t> progress;
  v1::SimulateReformResponse streamed;
  while (reader->Read(&m)) {
    if (m.has_result()) {
      streamed = m.result();
      EXPECT_EQ(m.loans_done(), 120'000);
    } else {
      EXPECT_EQ(m.loans_total(), 120'000);
      progress.push_back(m.loans_done());
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_FALSE(progress.empty()) << "no progress before the result";
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_LT(progress.back(), 120'000);
  const auto unary = Simulate(req);
  EXPECT_EQ(streamed.total().in_force_fen(), unary.total().in_force_fen());
  EXPECT_EQ(streamed.total().draft_fen(), unary.total().draft_fen());
  EXPECT_EQ(streamed.changed_count(), 40'000);  // the 350万 small-firm loans: over 300万, under 500万
  EXPECT_GT(unary.total().difference_fen(), 0);

  // subsidyctl shows the progress to the clerk, in Chinese, and writes the CSV.
  const CtlResult ctl = RunCtl({"--server=" + server_->address(), "policy", "simulate", "--reform=SB-CAP-500",
                                "--from=2022-03-21", "--to=2023-03-20"},
                               "zh_CN.UTF-8");
  EXPECT_EQ(ctl.exit_code, 0) << ctl.err;
  EXPECT_THAT(ctl.err, HasSubstr("测算进度：")) << "CLI_POLICY_PROGRESS";
  EXPECT_THAT(ctl.out, HasSubstr(absl::StrCat("TOTAL,,2022-03-21,2022-06-20,")));

  // Cancelled after its first progress: CANCELLED, and the server answers the next call.
  auto cancelled = Call(std::chrono::seconds(120));
  auto cut = stub_->StreamSimulateReform(cancelled.get(), req);
  ASSERT_TRUE(cut->Read(&m));
  cancelled->TryCancel();
  while (cut->Read(&m)) {
  }
  EXPECT_EQ(cut->Finish().error_code(), grpc::StatusCode::CANCELLED);
  v1::ListLoanReformsResponse drafts;
  EXPECT_TRUE(stub_->ListLoanReforms(Call().get(), v1::ListLoanReformsRequest(), &drafts).ok());
}

}  // namespace
}  // namespace subsidy::testing
