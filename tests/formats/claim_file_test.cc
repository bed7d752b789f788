#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/claim_file.h"
#include "formats/csv.h"

namespace subsidy::formats {
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
  EXPECT_EQ(ResultCsvRow(7, r), "7,\"a,b\",ELIGIBLE,,,,,0,10,0,0,LPR_UNCONFIRMED,,");
}

const char kHeader[] =
    "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,maturity_date,"
    "annual_rate_percent";

TEST(DecodeText, Utf8WithAndWithoutAByteOrderMark) {
  auto plain = DecodeText("名,x\n", Encoding::kAuto);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->utf8, "名,x\n");
  EXPECT_EQ(plain->encoding, "UTF-8");
  auto bom = DecodeText("\xEF\xBB\xBF" "名,x\n", Encoding::kAuto);
  ASSERT_TRUE(bom.ok());
  EXPECT_EQ(bom->utf8, "名,x\n");
  EXPECT_EQ(bom->encoding, "UTF-8 with BOM");
}

TEST(DecodeText, Gb18030AndGbkAreConvertedByIconv) {
  // 张三公司 in GBK (a subset of GB18030), as a bank's export writes it.
  const std::string gbk = "L-1,\xd5\xc5\xc8\xfd\xb9\xab\xcb\xbe\r\n";
  auto text = DecodeText(gbk, Encoding::kAuto);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->utf8, "L-1,张三公司\r\n");
  EXPECT_EQ(text->encoding, "GB18030");
  auto forced = DecodeText(gbk, Encoding::kGb18030);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->utf8, text->utf8);
  // Told it is UTF-8, a GBK file is refused naming its line.
  auto wrong = DecodeText("ok\n" + gbk, Encoding::kUtf8);
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(std::string(wrong.status().message()), ::testing::HasSubstr("line 2: not UTF-8"));
  EXPECT_FALSE(EncodingFromName("latin1").ok());
  EXPECT_EQ(*EncodingFromName("GBK"), Encoding::kGb18030);
}

TEST(ParseCsv, ExcelsCrlfQuotesAndLineBreaksInsideQuotes) {
  auto records = ParseCsv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n# a comment\r\n\r\n\"two\r\nlines\",z\r\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].cells, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*records)[1].cells, (std::vector<std::string>{"x, y", "say \"hi\""}));
  EXPECT_EQ((*records)[2].line, 5u);
  EXPECT_EQ((*records)[2].cells[0], "two\r\nlines");
  auto open = ParseCsv("a,b\n\"never closed,c\n");
  ASSERT_FALSE(open.ok());
  EXPECT_THAT(std::string(open.status().message()), ::testing::HasSubstr("line 2"));
}

TEST(ClaimFileReader, EmptyOptionalCellsTakeTheDefaultAndEveryBadCellIsNamed) {
  auto r = ClaimFileReader::FromHeader(std::string(kHeader) + ",lpr_tenor,partner_count,day_count");
  ASSERT_TRUE(r.ok());
  auto ok = r->ParseRow("L1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01,2024-01-02,2025-01-01,4.1,,,");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->lpr_tenor(), v1::LPR_TENOR_UNSPECIFIED);
  EXPECT_EQ(ok->partner_count(), 0);
  // An empty required cell does not hide the other errors of its row.
  auto bad = r->ParseRow("L2,41,NORTH,ENTREPRENEUR_INDIVIDUAL,3e2,2024-01-01,,2025-01-01,4.1,,x,");
  ASSERT_FALSE(bad.ok());
  const std::string why(bad.status().message());
  EXPECT_THAT(why, ::testing::HasSubstr("disbursement_date: is empty"));
  EXPECT_THAT(why, ::testing::HasSubstr("region_tier: not EAST"));
  EXPECT_THAT(why, ::testing::HasSubstr("principal_fen: not an integer"));
  EXPECT_THAT(why, ::testing::HasSubstr("partner_count: not an integer"));
}

TEST(ClaimFileReader, AnUnknownColumnIsNamedAndAMissingHeaderIsSaid) {
  auto unknown = ClaimFileReader::FromHeader(std::string(kHeader) + ",colour");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()), ::testing::HasSubstr("unknown column \"colour\""));
  auto data_first = ClaimFileReader::FromHeader("L1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01");
  ASSERT_FALSE(data_first.ok());
  EXPECT_THAT(std::string(data_first.status().message()), ::testing::HasSubstr("not a header"));
}

}  // namespace
}  // namespace subsidy::formats
