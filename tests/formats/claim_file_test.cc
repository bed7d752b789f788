#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

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

TEST(ClaimFileReader, HeaderNamesMissingColumnsAndIgnoresUnknownOnes) {
  EXPECT_FALSE(ClaimFileReader::FromHeader("loan_id,province").ok());
  auto colour = ClaimFileReader::FromHeader(
      "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,"
      "maturity_date,annual_rate_percent,colour");
  ASSERT_TRUE(colour.ok()) << colour.status();
  EXPECT_EQ(colour->ignored_columns(), std::vector<std::string>{"colour"});
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

TEST(ClaimFileReader, AMissingHeaderIsSaid) {
  auto data_first = ClaimFileReader::FromHeader("L1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01");
  ASSERT_FALSE(data_first.ok());
  EXPECT_THAT(std::string(data_first.status().message()), ::testing::HasSubstr("not a header"));
}

// ---- Claim files as banks have them: saved from Excel on Chinese Windows (issue 24). ----

using ::testing::HasSubstr;

std::string Why(const absl::StatusOr<v1::LoanSubsidyRequest>& r) {
  return r.ok() ? "ok" : std::string(r.status().message());
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(ParseCsv, ExcelsRowsOfOnlyCommasOrWhiteSpaceAreBlankAndLinesAreKept) {
  auto records = ParseCsv("a,b,c\r\n,,\r\n1,2,3\r\n , ,\t\r\n\r\n4,5,6\r\n,,\r\n\xE3\x80\x80,\"\",\r\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].line, 1u);
  EXPECT_EQ((*records)[1].line, 3u);
  EXPECT_EQ((*records)[2].line, 6u);
  EXPECT_EQ((*records)[2].cells, (std::vector<std::string>{"4", "5", "6"}));
  // A row with one cell filled is a row.
  auto one = ParseCsv("a,b,c\n,,x\n");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 2u);
}

TEST(ClaimFileReader, UnknownColumnsAreReadAsNothingAndNamedOnce) {
  auto r = ClaimFileReader::FromHeader(std::string(kHeader) + ",colour,借款人, colour ,备注");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ignored_columns(), (std::vector<std::string>{"colour", "借款人", "备注"}));
  EXPECT_EQ(r->IgnoredColumnsWarning(), "columns not read (not claim file columns): colour, 借款人, 备注");
  auto req = r->ParseRow("L1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01,2024-01-02,2025-01-01,4.1,red,张三,blue,");
  EXPECT_TRUE(req.ok()) << req.status();
  auto plain = ClaimFileReader::FromHeader(kHeader);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->ignored_columns().empty());
  EXPECT_EQ(plain->IgnoredColumnsWarning(), "");
}

TEST(ClaimFileReader, ChineseHeadersAreReadAsTheirColumns) {
  auto r = ClaimFileReader::FromHeader(
      "贷款编号,省份,地区类别,贷款类别,合伙人数,已享贴息贷款笔数,贷款金额(分),合同签订日期,发放日期,到期日期,"
      "年利率(%),LPR期限,还款计划,逾期期间,申报起始日,申报截止日,计息基准");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ignored_columns().empty());
  const std::string row =
      "L1,41,CENTRAL_WEST,ENTREPRENEUR_PARTNERSHIP,3,1,30000000,2024/1/10,2024年1月11日,20260110,4.35%,FIVE_YEAR,"
      "2024/6/1:100;2024-7-1:200,2024/3/1..2024/3/10,2024/3/21,2024/6/20,ACT_365";
  EXPECT_EQ(r->LoanId(*SplitCsvLine(row)), "L1");
  auto req = r->ParseRow(row);
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->loan_id(), "L1");
  EXPECT_EQ(req->province(), "41");
  EXPECT_EQ(req->region_tier(), v1::CENTRAL_WEST);
  EXPECT_EQ(req->program(), v1::ENTREPRENEUR_PARTNERSHIP);
  EXPECT_EQ(req->partner_count(), 3);
  EXPECT_EQ(req->prior_subsidized_loans(), 1);
  EXPECT_EQ(req->principal_fen(), 30000000);
  EXPECT_EQ(req->contract_date(), "2024-01-10");
  EXPECT_EQ(req->disbursement_date(), "2024-01-11");
  EXPECT_EQ(req->maturity_date(), "2026-01-10");
  EXPECT_EQ(req->annual_rate_percent(), "4.35");
  EXPECT_EQ(req->lpr_tenor(), v1::FIVE_YEAR);
  ASSERT_EQ(req->repayments_size(), 2);
  EXPECT_EQ(req->repayments(0).date(), "2024-06-01");
  EXPECT_EQ(req->repayments(1).date(), "2024-07-01");
  EXPECT_EQ(req->repayments(1).principal_fen(), 200);
  ASSERT_EQ(req->overdue_periods_size(), 1);
  EXPECT_EQ(req->overdue_periods(0).start_date(), "2024-03-01");
  EXPECT_EQ(req->overdue_periods(0).end_date(), "2024-03-10");
  EXPECT_EQ(req->claim_period().start_date(), "2024-03-21");
  EXPECT_EQ(req->claim_period().end_date(), "2024-06-20");
  EXPECT_EQ(req->day_count(), v1::ACT_365);
}

TEST(ClaimFileReader, EveryHeaderOfTheTableNamesAColumn) {
  const std::vector<std::string> required = {"loan_id", "province", "region_tier", "program", "principal_fen",
                                             "contract_date", "disbursement_date", "maturity_date",
                                             "annual_rate_percent"};
  ASSERT_FALSE(ClaimColumnAliases().empty());
  for (const ClaimColumnAlias& alias : ClaimColumnAliases()) {
    const auto& all = ClaimFileColumns();
    ASSERT_NE(std::find(all.begin(), all.end(), alias.column), all.end()) << alias.header;
    // The required header with this column named by its Chinese header (or that header added).
    std::vector<std::string> header = required;
    const std::string replaced = alias.column == "principal_yuan" ? "principal_fen" : alias.column;
    auto at = std::find(header.begin(), header.end(), replaced);
    if (at != header.end()) {
      *at = alias.header;
    } else {
      header.push_back(alias.header);
    }
    auto r = ClaimFileReader::FromHeader(header);
    ASSERT_TRUE(r.ok()) << alias.header << ": " << r.status();
    EXPECT_TRUE(r->ignored_columns().empty()) << alias.header;
  }
}

TEST(ClaimFileReader, HeadersMatchWithoutBomSpacesCaseOrFullWidth) {
  // A byte-order mark left in the first cell, spaces, full-width parentheses and percent sign.
  auto zh = ClaimFileReader::FromHeader(
      "\xEF\xBB\xBF 贷款编号 ,省份,地区类别,贷款类别,贷款金额（分）,合同日期,放款日期,到期日期,年利率（％）");
  ASSERT_TRUE(zh.ok()) << zh.status();
  EXPECT_TRUE(zh->ignored_columns().empty());
  auto spaced = ClaimFileReader::FromHeader("贷款编号,省,地区类别,贷款项目,贷款本金 (分),合同日期,放款日期,到期日期,利率");
  ASSERT_TRUE(spaced.ok()) << spaced.status();
  EXPECT_TRUE(spaced->ignored_columns().empty());
  auto upper = ClaimFileReader::FromHeader(
      "LOAN_ID,Province,REGION_TIER,Program,PRINCIPAL_FEN,Contract_Date,disbursement_date,MATURITY_DATE,"
      "Annual_Rate_Percent,lpr期限");
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_TRUE(upper->ignored_columns().empty());
  // Chinese and English side by side, with a column (借款人) that is not read.
  auto mixed = ClaimFileReader::FromHeader(
      "loan_id,借款人,省份,region_tier,贷款类别,principal_fen,合同签订日期,disbursement_date,到期日期,"
      "annual_rate_percent");
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_EQ(mixed->ignored_columns(), std::vector<std::string>{"借款人"});
  auto req = mixed->ParseRow("M1,张三,21,EAST,ENTREPRENEUR_INDIVIDUAL,100,2024/3/5,2024/3/5,2025/3/5,4.05%");
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->loan_id(), "M1");
  EXPECT_EQ(req->province(), "21");
  EXPECT_EQ(req->contract_date(), "2024-03-05");
  EXPECT_EQ(req->maturity_date(), "2025-03-05");
}

TEST(ClaimFileReader, ExcelsPaddingIsNothingButACellUnderNoHeaderIsAShiftedRow) {
  auto r = ClaimFileReader::FromHeader(std::string(kHeader) + ",,,");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ignored_columns().empty());
  const std::string good = "L1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01,2024-01-02,2025-01-01,4.1";
  EXPECT_EQ(Why(r->ParseRow(good + ",,,")), "ok");
  EXPECT_EQ(Why(r->ParseRow(good + ",,,, ,")), "ok");
  // An unquoted 1,000 shifts the row: any cell under no header says so, inside the header's padding
  // too (Excel pads the header to the sheet's width: "1,200,000" in the last column would otherwise
  // be read as 1 元 and the 200,000 dropped).
  EXPECT_THAT(Why(r->ParseRow(good + ",,,,x")), HasSubstr("13 cells for 9 columns"));
  EXPECT_THAT(Why(r->ParseRow(good + ",,note,")), HasSubstr("a cell under no header (column 11: \"note\")"));
  auto padded = ClaimFileReader::FromHeader("loan_id,province,region_tier,program,contract_date,disbursement_date,"
                                            "maturity_date,annual_rate_percent,principal_yuan,,");
  ASSERT_TRUE(padded.ok()) << padded.status();
  EXPECT_THAT(Why(padded->ParseRow("L1,41,EAST,ENTREPRENEUR_INDIVIDUAL,2024-01-01,2024-01-02,2025-01-01,4.1,1,200,000")),
              HasSubstr("11 cells for 9 columns"));
}

TEST(ClaimFileReader, HeaderErrorsNameEveryMissingColumnAndEveryClash) {
  auto few = ClaimFileReader::FromHeader("loan_id,province,colour");
  ASSERT_FALSE(few.ok());
  const std::string why(few.status().message());
  EXPECT_THAT(why, HasSubstr("missing columns \"region_tier\" (地区类别), \"program\" (贷款类别), "
                             "\"principal_fen\" (贷款金额(分))"));
  EXPECT_THAT(why, HasSubstr("\"annual_rate_percent\" (利率)"));
  EXPECT_THAT(why, HasSubstr("the header's columns not read: colour"));
  auto one = ClaimFileReader::FromHeader(
      "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,maturity_date");
  ASSERT_FALSE(one.ok());
  EXPECT_THAT(std::string(one.status().message()), HasSubstr("missing column \"annual_rate_percent\" (利率)"));
  auto twice = ClaimFileReader::FromHeader(std::string(kHeader) + ",借据号");
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(std::string(twice.status().message()), HasSubstr("column \"loan_id\" twice (\"loan_id\" and \"借据号\")"));
  auto both = ClaimFileReader::FromHeader(std::string(kHeader) + ",贷款金额(元)");
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(std::string(both.status().message()), HasSubstr("the principal twice"));
}

TEST(ClaimFileReader, APrincipalInYuanIsReadExactlyToTheFen) {
  auto r = ClaimFileReader::FromHeader(
      "贷款编号,省份,地区类别,贷款类别,贷款本金（元）,合同签订日期,放款日期,到期日期,年利率(%)");
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string tail = ",2024/1/8,2024/1/8,2026/1/8,3.95%";
  auto req = r->ParseRow("Y1,21,EAST,ENTREPRENEUR_INDIVIDUAL,200000.29" + tail);
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->principal_fen(), 20000029);
  EXPECT_EQ(r->ParseRow("Y2,21,EAST,ENTREPRENEUR_INDIVIDUAL,\"86,500.5\"" + tail)->principal_fen(), 8650050);
  EXPECT_EQ(Why(r->ParseRow("Y3,21,EAST,ENTREPRENEUR_INDIVIDUAL,200000.555" + tail)),
            "principal_yuan (贷款本金（元）): \"200000.555\" has more than two decimals (元 to the 分, nothing smaller)");
  EXPECT_EQ(Why(r->ParseRow("Y4,21,EAST,ENTREPRENEUR_INDIVIDUAL," + tail)),
            "principal_yuan (贷款本金（元）): is empty (a required column has no default)");
  // English too.
  auto en = ClaimFileReader::FromHeader(
      "loan_id,province,region_tier,program,principal_yuan,contract_date,disbursement_date,maturity_date,"
      "annual_rate_percent");
  ASSERT_TRUE(en.ok()) << en.status();
  EXPECT_EQ(en->ParseRow("Y5,21,EAST,ENTREPRENEUR_INDIVIDUAL,1.5" + tail)->principal_fen(), 150);
}

TEST(ClaimFileReader, EveryDateCellTakesEveryDateForm) {
  auto r = ClaimFileReader::FromHeader(std::string(kHeader) + ",repayments,overdue_periods,claim_start,claim_end");
  ASSERT_TRUE(r.ok()) << r.status();
  for (const std::string d : {"2024-03-05", "2024-3-5", "2024/3/5", "2024/03/05", "20240305", "2024年3月5日",
                              "2024年03月05日", "２０２４／３／５"}) {
    auto req = r->ParseRow(absl::StrCat("D1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,", d, ",", d, ",", d, ",4.1,", d,
                                        ":100;", d, ":200,", d, "..", d, ",", d, ",", d));
    ASSERT_TRUE(req.ok()) << d << ": " << req.status();
    EXPECT_EQ(req->contract_date(), "2024-03-05") << d;
    EXPECT_EQ(req->disbursement_date(), "2024-03-05") << d;
    EXPECT_EQ(req->maturity_date(), "2024-03-05") << d;
    ASSERT_EQ(req->repayments_size(), 2) << d;
    EXPECT_EQ(req->repayments(0).date(), "2024-03-05") << d;
    EXPECT_EQ(req->repayments(1).date(), "2024-03-05") << d;
    ASSERT_EQ(req->overdue_periods_size(), 1) << d;
    EXPECT_EQ(req->overdue_periods(0).start_date(), "2024-03-05") << d;
    EXPECT_EQ(req->overdue_periods(0).end_date(), "2024-03-05") << d;
    EXPECT_EQ(req->claim_period().start_date(), "2024-03-05") << d;
    EXPECT_EQ(req->claim_period().end_date(), "2024-03-05") << d;
  }
}

TEST(ClaimFileReader, RatesWithAPercentSignOrFullWidthDigits) {
  auto r = ClaimFileReader::FromHeader(kHeader);
  ASSERT_TRUE(r.ok());
  const std::string head = "R1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024-01-01,2024-01-02,2025-01-01,";
  EXPECT_EQ(r->ParseRow(head + "4.35%")->annual_rate_percent(), "4.35");
  EXPECT_EQ(r->ParseRow(head + "4.35 %")->annual_rate_percent(), "4.35");
  EXPECT_EQ(r->ParseRow(head + "４．３５％")->annual_rate_percent(), "4.35");
  EXPECT_EQ(r->ParseRow(head + "4.35")->annual_rate_percent(), "4.35");
  EXPECT_THAT(Why(r->ParseRow(head + "4.35%%")), HasSubstr("annual_rate_percent: not a decimal percentage: \"4.35%\""));
  EXPECT_THAT(Why(r->ParseRow(head + "百分之四")), HasSubstr("annual_rate_percent: "));
}

TEST(ClaimFileReader, EveryBadCellOfARowIsNamedOnceByItsColumn) {
  auto r = ClaimFileReader::FromHeader(std::string(kHeader) + ",repayments,overdue_periods,claim_start,claim_end");
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string why = Why(r->ParseRow(
      "B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024/2/30,2024-13-1,tomorrow,4.35%%,2024/2/30:100;x,"
      "2024/1/1..2024/1/32,2024/3/21,"));
  EXPECT_EQ(why,
            "contract_date: no such date: \"2024/2/30\" (2024-02 has no day 30); "
            "disbursement_date: no such date: \"2024-13-1\" (no month 13); "
            "maturity_date: not a date: \"tomorrow\" (write 2024-03-05, 2024/3/5, 20240305 or 2024年3月5日); "
            "annual_rate_percent: not a decimal percentage: \"4.35%\" (write the annual rate in percent: 4.35 or "
            "4.35%); "
            "repayments: \"2024/2/30:100\"、\"x\" do not read (write 2024-06-21:500000;2024-12-21:500000); "
            "overdue_periods: \"2024/1/1..2024/1/32\" do not read (write 2024-03-01..2024-03-31;2024-09-01..2024-09-30); "
            "claim_end: is empty while claim_start is given (give both or neither)");
  for (const std::string col : {"contract_date", "disbursement_date", "maturity_date", "annual_rate_percent",
                                "repayments", "overdue_periods"}) {
    EXPECT_EQ(Count(why, col + ":"), 1u) << col;
  }
  EXPECT_EQ(Count(why, "contract_date: contract_date"), 0u);
  // Under a Chinese header a bad cell is named by its column, with the header as the file has it.
  auto zh = ClaimFileReader::FromHeader("贷款编号,省份,地区类别,贷款类别,贷款金额(分),合同日期,放款日期,到期日期,利率");
  ASSERT_TRUE(zh.ok()) << zh.status();
  EXPECT_EQ(Why(zh->ParseRow("B2,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024/2/30,2024/3/1,,4.1")),
            "contract_date (合同日期): no such date: \"2024/2/30\" (2024-02 has no day 30); "
            "maturity_date (到期日期): is empty (a required column has no default)");
}

TEST(ReadClaimRows, EveryRowCarriesItsRowAsExcelNumbersIt) {
  const std::string header = "loan_id,借款人," + std::string(kHeader).substr(std::string("loan_id,").size());
  const std::string text = "# exported by the bank's system\r\n" + header +
                           "\r\n"
                           "L1,a,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024/1/1,2024/1/2,2025/1/1,4.1\r\n"
                           ",,,,,,,,,\r\n"
                           "L2,\"two\r\nlines\",41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024/2/30,2024/1/2,2025/1/1,4.1\r\n"
                           " , , ,,,,,,,\r\n"
                           "L3,c,41,EAST,ENTREPRENEUR_INDIVIDUAL,300,2024/1/1,2024/1/2,2025/1/1,4.1\r\n";
  auto records = ParseCsv(text);
  ASSERT_TRUE(records.ok()) << records.status();
  auto file = ReadClaimRows(*records);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->reader.ignored_columns(), std::vector<std::string>{"借款人"});
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(file->rows[0].line, 3u);
  EXPECT_EQ(file->rows[0].loan_id, "L1");
  EXPECT_TRUE(file->rows[0].request.ok()) << file->rows[0].request.status();
  EXPECT_EQ(file->rows[1].line, 5u);
  EXPECT_EQ(file->rows[1].loan_id, "L2");
  EXPECT_EQ(Why(file->rows[1].request), "contract_date: no such date: \"2024/2/30\" (2024-02 has no day 30)");
  // Excel's row: L2's cell with a line break is one row, so L3 is row 7 (its 8th text line).
  EXPECT_EQ(file->rows[2].line, 7u);
  EXPECT_TRUE(file->rows[2].request.ok());
  // A header that is not one is refused with its line.
  auto no_header = ParseCsv("\r\n,,\r\nL1,41,EAST\r\n");
  ASSERT_TRUE(no_header.ok());
  auto refused = ReadClaimRows(*no_header);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("line 3: the first row is not a header"));
  EXPECT_FALSE(ReadClaimRows({}).ok());
}

// tests/golden/files/claim_excel_gb18030.csv (written by make_claim_excel.py there): a claim as a
// clerk saves it from Excel on Chinese Windows; claim_excel_utf8.csv is the same text in UTF-8.
TEST(ClaimExcelFile, TheClerksGb18030FileReadsAsItsUtf8Twin) {
  const std::string dir = std::string(SUBSIDY_SOURCE_DIR) + "/tests/golden/files/";
  auto gb = ReadCsvFile(dir + "claim_excel_gb18030.csv", Encoding::kAuto);
  ASSERT_TRUE(gb.ok()) << gb.status();
  EXPECT_EQ(gb->encoding, "GB18030");
  auto utf8 = ReadCsvFile(dir + "claim_excel_utf8.csv", Encoding::kAuto);
  ASSERT_TRUE(utf8.ok()) << utf8.status();
  EXPECT_EQ(utf8->encoding, "UTF-8");
  auto rows = ReadClaimRows(gb->records);
  ASSERT_TRUE(rows.ok()) << rows.status();
  auto twin = ReadClaimRows(utf8->records);
  ASSERT_TRUE(twin.ok()) << twin.status();
  EXPECT_EQ(rows->reader.ignored_columns(), std::vector<std::string>{"借款人"});
  ASSERT_EQ(rows->rows.size(), 5u);
  ASSERT_EQ(twin->rows.size(), 5u);
  const std::vector<size_t> lines = {2, 3, 5, 6, 7};  // a row of commas after the second loan
  const std::vector<int64_t> principal = {20000000, 15000000, 30000000, 8650000, 5000000};
  int64_t total = 0;
  for (size_t i = 0; i < 5; ++i) {
    const ClaimRow& row = rows->rows[i];
    ASSERT_TRUE(row.request.ok()) << row.line << ": " << row.request.status();
    ASSERT_TRUE(twin->rows[i].request.ok()) << twin->rows[i].request.status();
    EXPECT_EQ(row.request->DebugString(), twin->rows[i].request->DebugString());
    EXPECT_EQ(row.line, lines[i]);
    EXPECT_EQ(row.loan_id, absl::StrCat("LN-2024-010", i + 1));
    EXPECT_EQ(row.request->province(), "21");
    EXPECT_EQ(row.request->region_tier(), v1::EAST);
    EXPECT_EQ(row.request->program(), v1::ENTREPRENEUR_INDIVIDUAL);
    EXPECT_EQ(row.request->principal_fen(), principal[i]);
    EXPECT_EQ(row.request->day_count(), v1::ACT_360);
    EXPECT_EQ(row.request->claim_period().start_date(), "2024-06-21");
    EXPECT_EQ(row.request->claim_period().end_date(), "2024-09-20");
    total += row.request->principal_fen();
  }
  EXPECT_EQ(total, 78650000);
  const v1::LoanSubsidyRequest& first = *rows->rows[0].request;
  EXPECT_EQ(first.contract_date(), "2024-01-08");
  EXPECT_EQ(first.maturity_date(), "2026-01-08");
  EXPECT_EQ(first.annual_rate_percent(), "3.95");
  const v1::LoanSubsidyRequest& second = *rows->rows[1].request;
  EXPECT_EQ(second.disbursement_date(), "2024-02-16");
  ASSERT_EQ(second.repayments_size(), 1);
  EXPECT_EQ(second.repayments(0).date(), "2024-08-15");
  EXPECT_EQ(second.repayments(0).principal_fen(), 1500000);
  const v1::LoanSubsidyRequest& third = *rows->rows[2].request;
  EXPECT_EQ(third.contract_date(), "2024-03-22");
  EXPECT_EQ(third.maturity_date(), "2027-03-22");
  ASSERT_EQ(third.overdue_periods_size(), 1);
  EXPECT_EQ(third.overdue_periods(0).start_date(), "2024-07-01");
  EXPECT_EQ(third.overdue_periods(0).end_date(), "2024-07-15");
  const v1::LoanSubsidyRequest& fourth = *rows->rows[3].request;
  EXPECT_EQ(fourth.contract_date(), "2024-04-02");
  EXPECT_EQ(fourth.maturity_date(), "2025-04-02");
  EXPECT_EQ(fourth.annual_rate_percent(), "3.85");
  EXPECT_EQ(rows->rows[4].request->annual_rate_percent(), "4.95");
}

}  // namespace
}  // namespace subsidy::formats
