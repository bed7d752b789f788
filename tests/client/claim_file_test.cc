#include <gtest/gtest.h>

#include "claim_file.h"

namespace subsidy::cli {
namespace {

TEST(SplitCsvLine, QuotesAndEmptyCells) {
  EXPECT_EQ(*SplitCsvLine("a,b,,c"), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(*SplitCsvLine("\"a,b\",\"say \"\"hi\"\"\"\r"), (std::vector<std::string>{"a,b", "say \"hi\""}));
  EXPECT_FALSE(SplitCsvLine("\"open").ok());
  EXPECT_FALSE(SplitCsvLine("ab\"c").ok());
}

TEST(ClaimFileReader, HeaderNamesMissingAndUnknownColumns) {
  EXPECT_FALSE(ClaimFileReader::FromHeader("loan_id,province").ok());
  EXPECT_FALSE(ClaimFileReader::FromHeader(
                   "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,"
                   "maturity_date,annual_rate_percent,colour")
                   .ok());
}

TEST(ClaimFileReader, ParsesCellSyntax) {
  auto r = ClaimFileReader::FromHeader(
      "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,maturity_date,"
      "annual_rate_percent,repayments,overdue_periods,claim_start,claim_end,day_count,lpr_tenor,partner_count");
  ASSERT_TRUE(r.ok());
  auto req = r->ParseRow(
      "X1,41,EAST,ENTREPRENEUR_PARTNERSHIP,300,2024-01-01,2024-01-02,2025-01-01,4.1,"
      "2024-03-01:100; 2024-04-01:50,2024-02-01..2024-02-10,2024-03-21,2024-06-20,ACT_365,FIVE_YEAR,3");
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->region_tier(), v1::EAST);
  EXPECT_EQ(req->program(), v1::ENTREPRENEUR_PARTNERSHIP);
  EXPECT_EQ(req->partner_count(), 3);
  ASSERT_EQ(req->repayments_size(), 2);
  EXPECT_EQ(req->repayments(1).principal_fen(), 50);
  EXPECT_EQ(req->overdue_periods(0).end_date(), "2024-02-10");
  EXPECT_EQ(req->claim_period().start_date(), "2024-03-21");
  EXPECT_EQ(req->day_count(), v1::ACT_365);
  EXPECT_EQ(req->lpr_tenor(), v1::FIVE_YEAR);
  EXPECT_FALSE(r->ParseRow("X2,41,NORTH,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01,2024-01-02,2025-01-01,4.1").ok());
  EXPECT_FALSE(r->ParseRow("X3,41,EAST,ENTREPRENEUR_INDIVIDUAL,3e2,2024-01-01,2024-01-02,2025-01-01,4.1").ok());
  EXPECT_FALSE(r->ParseRow("X4,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01,2024-01-02,2025-01-01,4.1,2024-03-01").ok());
}

TEST(ResultCsv, OneRowPerLoan) {
  v1::LoanSubsidyResult r;
  r.set_loan_id("a,b");
  r.set_eligible(true);
  r.set_total_interest_fen(10);
  r.add_reasons()->set_code("LPR_UNCONFIRMED");
  EXPECT_EQ(ResultCsvRow(r), "\"a,b\",ELIGIBLE,,,,,0,10,0,0,LPR_UNCONFIRMED,,");
}

}  // namespace
}  // namespace subsidy::cli
