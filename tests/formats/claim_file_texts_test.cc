// A claim file's bad cells as a person reads them (from data/messages.textproto, in zh-CN or en),
// and the Chinese names banks write in the coded columns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/cells.h"
#include "formats/claim_file.h"
#include "formats/claim_values.h"
#include "formats/csv.h"
#include "policy/policy_data.h"

namespace subsidy::formats {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kChineseHeader[] = "贷款编号,省份,地区类别,贷款类别,贷款金额(元),合同签订日期,发放日期,到期日期,利率";

class ClaimFileTexts : public ::testing::Test {
 protected:
  void SetUp() override {
    auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = *std::move(data);
  }
  // The row's refusal as written for a reader of `language`, under a header of `header`.
  std::string Why(const std::string& header, const std::string& row, Language language) {
    auto reader = ClaimFileReader::FromHeader(header);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return "";
    reader->WriteCellErrors({&data_->messages(), language});
    auto parsed = reader->ParseRow(row);
    return parsed.ok() ? "ok" : std::string(parsed.status().message());
  }
  std::shared_ptr<const PolicyData> data_;
};

// Every bad cell named by the header as the bank wrote it, in Chinese, each once.
TEST_F(ClaimFileTexts, EveryBadCellIsWrittenInChineseByItsHeaderAsWritten) {
  const std::string why = Why(std::string(kChineseHeader) + ",还款计划,逾期期间,申报起始日,申报截止日",
                              "B1,41,东部,个人创业担保贷款,3000.123,2024/2/30,45356,明天,百分之四,"
                              "2024/2/30:100;x,2024/1/1..,2024/3/21,",
                              Language::kZhCn);
  EXPECT_THAT(why, HasSubstr("贷款金额(元)：“3000.123”超过两位小数（金额精确到分）。"));     // CELL_TOO_MANY_DECIMALS
  EXPECT_THAT(why, HasSubstr("合同签订日期：日期“2024/2/30”不存在。"));                     // CELL_NO_SUCH_DATE
  EXPECT_THAT(why, HasSubstr("发放日期：“45356”是电子表格内部的日期序号"));                  // CELL_EXCEL_DAY_NUMBER
  EXPECT_THAT(why, HasSubstr("到期日期：“明天”不是日期（可写作 2024-03-05、2024/3/5"));       // CELL_NOT_DATE
  EXPECT_THAT(why, HasSubstr("利率：“百分之四”不是年利率（以百分数填写，如 4.35 或 4.35%）。")); // CELL_NOT_RATE
  EXPECT_THAT(why, HasSubstr("还款计划：\"2024/2/30:100\"、\"x\" 格式不对，应写作 2024-06-21:500000;"));  // CELL_BAD_LIST
  EXPECT_THAT(why, HasSubstr("逾期期间：\"2024/1/1..\" 格式不对"));
  EXPECT_THAT(why, HasSubstr("申报截止日：未填写，而 申报起始日 已填写（两列同填或同不填）。"));  // CELL_HALF_PERIOD
  // No developer English in it: every cell's text came from the catalogue.
  EXPECT_THAT(why, Not(HasSubstr("not a")));
  EXPECT_THAT(why, Not(HasSubstr("contract_date")));
}

TEST_F(ClaimFileTexts, TheSameCellsInEnglishForAnEnglishReader) {
  const std::string why = Why(kChineseHeader, "B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,3000,2024/2/30,2024-01-02,2025-01-01,",
                              Language::kEn);
  EXPECT_EQ(why, "合同签订日期: there is no date \"2024/2/30\". 利率: is empty (a required column).");  // CELL_EMPTY
}

TEST_F(ClaimFileTexts, ACodedCellNamesTheValuesItTakes) {
  const std::string why =
      Why(kChineseHeader, "B1,41,华东,个人创业担保贷款,3000,2024-01-01,2024-01-02,2025-01-01,4.35", Language::kZhCn);
  // CELL_NOT_CHOICE: the Chinese names with the API names beside them.
  EXPECT_EQ(why, "地区类别：“华东”不是可选值，可填：东部（EAST）、中西部（CENTRAL_WEST）、贫困地区（POVERTY_AREA）。");
  EXPECT_THAT(ChoicesOf("program"), HasSubstr("个人创业担保贷款（ENTREPRENEUR_INDIVIDUAL）"));
}

TEST_F(ClaimFileTexts, NumbersThatAreNotWholeAndAmountsBeyondInt64) {
  auto reader = ClaimFileReader::FromHeader(
      "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,maturity_date,"
      "annual_rate_percent,partner_count");
  ASSERT_TRUE(reader.ok());
  reader->WriteCellErrors({&data_->messages(), Language::kZhCn});
  auto parsed = reader->ParseRow("B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,1.5,2024-01-01,2024-01-02,2025-01-01,4.35,两个");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(std::string(parsed.status().message()), "partner_count：“两个”不是非负整数。 principal_fen：“1.5”不是非负整数。");  // CELL_NOT_WHOLE
  // 2^63 分 is 92233720368547758.08 元: a whole 元 beyond that does not fit.
  auto yuan = Why(kChineseHeader, "B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,92233720368547758,2024-01-01,2024-01-02,"
                  "2025-01-01,4.35", Language::kZhCn);
  EXPECT_EQ(yuan, "贷款金额(元)：金额“92233720368547758”过大。");  // CELL_AMOUNT_TOO_LARGE
  auto words = Why(kChineseHeader, "B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,三千,2024-01-01,2024-01-02,2025-01-01,4.35",
                   Language::kZhCn);
  EXPECT_EQ(words, "贷款金额(元)：“三千”不是以元为单位的金额。");  // CELL_NOT_AMOUNT
}

// 0.0395 for 3.95 % would be a hundredth of the subsidy: refused unless it carries its % sign.
TEST_F(ClaimFileTexts, ARateWrittenAsAFractionIsRefused) {
  const std::string head = "B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,3000,2024-01-01,2024-01-02,2025-01-01,";
  EXPECT_EQ(Why(kChineseHeader, head + "0.0395", Language::kZhCn),
            "利率：“0.0395”像是小数形式的利率：年利率以百分数填写，3.95% 写作 3.95；低于 1% 的利率须带 % 号。");  // CELL_RATE_AS_FRACTION
  EXPECT_EQ(Why(kChineseHeader, head + "0.5%", Language::kZhCn), "ok");
  EXPECT_EQ(Why(kChineseHeader, head + "0", Language::kZhCn), "ok");
  EXPECT_EQ(Why(kChineseHeader, head + "1", Language::kZhCn), "ok");
}

// An unquoted 200,000 before a column that is not read (备注) would pass as 200 元 with "000" as the
// note: refused as a number split at its thousands comma.
TEST_F(ClaimFileTexts, AnAmountSplitIntoAColumnNotReadIsRefused) {
  const std::string header = "贷款编号,省份,地区类别,贷款类别,合同签订日期,发放日期,到期日期,利率,贷款金额(元),备注";
  const std::string head = "B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,2024-01-01,2024-01-02,2025-01-01,3.95,";
  EXPECT_EQ(Why(header, head + "200,000", Language::kZhCn),
            "贷款金额(元)：“200”后一列是“000”，像是千分位逗号把数字拆开了：含逗号的数字须加引号，或去掉逗号。");  // CELL_SPLIT_BY_COMMA
  EXPECT_THAT(Why(header, head + "200,000.00", Language::kZhCn), HasSubstr("“200”后一列是“000.00”"));
  EXPECT_EQ(Why(header, head + "\"200,000\",经办人张三", Language::kZhCn), "ok");
  EXPECT_EQ(Why(header, head + "200000,12号", Language::kZhCn), "ok");  // a note is not three digits
}

TEST_F(ClaimFileTexts, AShiftedRowSaysHowManyCellsForHowManyColumns) {
  const std::string why =
      Why(kChineseHeader, "B1,41,EAST,ENTREPRENEUR_INDIVIDUAL,3000,2024-01-01,2024-01-02,2025-01-01,4.35,多余", Language::kZhCn);
  EXPECT_EQ(why, "本行有 10 个单元格，表头只有 9 列（单元格内的逗号未加引号？）。");  // ROW_TOO_MANY_CELLS
}

// 东部, 个人创业担保贷款, 1年 and 实际/365 are read as EAST, ENTREPRENEUR_INDIVIDUAL, ONE_YEAR and
// ACT_365; full-width and spaced forms too. Every name of the table reads as its value.
TEST_F(ClaimFileTexts, ChineseNamesInCodedColumnsAreReadAsTheirValues) {
  auto reader = ClaimFileReader::FromHeader(std::string(kChineseHeader) + ",LPR期限,计息基准");
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto req = reader->ParseRow("B1,河南,中西部,小微企业创业担保贷款,3000,2024-01-01,2024-01-02,2025-01-01,4.35,５年期以上, 实际/365 ");
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->region_tier(), v1::CENTRAL_WEST);
  EXPECT_EQ(req->program(), v1::ENTREPRENEUR_SMALL_BUSINESS);
  EXPECT_EQ(req->lpr_tenor(), v1::FIVE_YEAR);
  EXPECT_EQ(req->day_count(), v1::ACT_365);
  EXPECT_EQ(req->province(), "河南");  // the server reads a province's name from the data
  for (const auto& a : ClaimValueAliases()) {
    SCOPED_TRACE(a.column + " " + a.name);
    EXPECT_EQ(ValueForChineseName(a.column, a.name), a.value);
  }
  EXPECT_EQ(ValueForChineseName("program", "东部"), std::nullopt);  // a name is read in its own column only
}

// A file's bad rows, as the server refuses the file: each row by its line, then the refusal.
TEST_F(ClaimFileTexts, AFilesBadRowsAreOneRefusalNamingEachRow) {
  const StatusParams row = {{"line", "12"}, {"problems", "利率：未填写（必填列）。"}};
  EXPECT_EQ(data_->messages().Render(MessageKind::kReason, kClaimFileRow, Language::kZhCn, row),
            "第 12 行：利率：未填写（必填列）。");
  EXPECT_EQ(data_->messages().Render(MessageKind::kReason, kClaimFileRowsInvalid, Language::kEn,
                                     {{"bad_rows", "1"}, {"rows", "Line 12: …"}}),
            "1 rows of the file do not read; nothing was submitted. Line 12: …");
}

// A file that cannot be read as a claim file at all says why in the reader's words too: each
// refusal has its reason and parameters, rendered from the catalogue.
TEST_F(ClaimFileTexts, AFileThatIsNotAClaimFileSaysWhyByItsReason) {
  auto zh = [&](const absl::Status& s) {
    StatusParams params = ParamsOf(s);
    return data_->messages().Render(MessageKind::kReason, ReasonOf(s).value_or(""), Language::kZhCn, params)
        .value_or(std::string(s.message()));
  };
  auto no_header = ClaimFileReader::FromHeader("L1,41,EAST");
  ASSERT_FALSE(no_header.ok());
  EXPECT_EQ(ReasonOf(no_header.status()), kFileNoHeader);
  EXPECT_THAT(zh(no_header.status()), HasSubstr("第一行不是表头：申报文件第一行须写明各列名称，如 贷款编号、省份、"));
  auto missing = ClaimFileReader::FromHeader("贷款编号,省份,借款人");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(ReasonOf(missing.status()), kFileMissingColumns);
  EXPECT_THAT(zh(missing.status()), HasSubstr("缺少必填列：地区类别、贷款类别、"));
  EXPECT_THAT(zh(missing.status()), HasSubstr("表头中以下列未读取：借款人。"));
  auto twice = ClaimFileReader::FromHeader(std::string(kChineseHeader) + ",借据号");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(ReasonOf(twice.status()), kFileColumnTwice);
  EXPECT_EQ(zh(twice.status()), "“贷款编号”与“借据号”是同一列：请只保留一个。");
  auto principal = ClaimFileReader::FromHeader(std::string(kChineseHeader) + ",贷款金额(分)");
  ASSERT_FALSE(principal.ok());
  EXPECT_EQ(ReasonOf(principal.status()), kFilePrincipalTwice);
  auto open = ParseCsv("a,b\n\"x,y\n");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(zh(open.status()), "第 2 行的引号没有闭合。");  // FILE_QUOTE_NOT_CLOSED
  auto inside = ParseCsv("a,b\nx,y\"z\n");
  ASSERT_FALSE(inside.ok());
  EXPECT_EQ(zh(inside.status()), "第 2 行第 2 列：未加引号的单元格中有引号。");  // FILE_QUOTE_IN_CELL
  auto gbk = DecodeText("a,b\n\xB4\xFB\n", Encoding::kUtf8);
  ASSERT_FALSE(gbk.ok());
  EXPECT_EQ(ReasonOf(gbk.status()), kFileBadBytes);
  EXPECT_THAT(zh(gbk.status()), HasSubstr("第 2 行的内容不是 UTF-8 编码"));
  EXPECT_TRUE(data_->messages().Has(MessageKind::kReason, kFileEmpty));
}

// Every cell reason of formats/cells.h has its texts in the catalogue.
TEST_F(ClaimFileTexts, EveryCellReasonHasItsTexts) {
  for (const char* code : {kCellEmpty, kCellNotDate, kCellExcelDayNumber, kCellNoSuchDate, kCellNotRate,
                           kCellRateAsFraction, kCellNotAmount,
                           kCellTooManyDecimals, kCellAmountTooLarge, kCellNotWhole, kCellNotChoice, kCellBadList,
                           kCellHalfPeriod, kCellSplitByComma, kRowTooManyCells}) {
    EXPECT_TRUE(data_->messages().Has(MessageKind::kReason, code)) << code;
  }
}

}  // namespace
}  // namespace subsidy::formats
