// The agent bank's payment return file (回单) as banks send it back: Chinese or English headers,
// UTF-8 with or without a byte-order mark or GB18030, amounts in 元 or in 分, Excel's cells.
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status_util.h"
#include "formats/bank_return.h"
#include "formats/cells.h"
#include "formats/csv.h"
#include "policy/policy_data.h"

namespace subsidy::formats {
namespace {

using ::testing::HasSubstr;

constexpr char kChineseFile[] =
    "凭证号,收款人账号,收款人户名,金额,状态,失败原因,银行流水号,交易日期\r\n"
    "PV-001,6222020200001111,张三,1200.50,成功,,B0001,2024/7/1\r\n"
    "PV-002, 6222020200002222 ,李四,300,退票,账户已销户,B0002,2024年7月2日\r\n";

std::string Reason(const absl::Status& s) { return ReasonOf(s).value_or(""); }

// The two rows of kChineseFile, however it was encoded.
void ExpectTheTwoPayments(const BankReturnFile& file) {
  EXPECT_TRUE(file.ignored_columns.empty());
  ASSERT_EQ(file.rows.size(), 2u);
  const BankReturnRow& paid = file.rows[0];
  ASSERT_TRUE(paid.error.ok()) << paid.error;
  EXPECT_EQ(paid.line, 2u);
  EXPECT_EQ(paid.voucher_no, "PV-001");
  EXPECT_EQ(paid.payee_account, "6222020200001111");
  EXPECT_EQ(paid.payee_name, "张三");
  EXPECT_EQ(paid.amount.fen(), 120050);
  EXPECT_EQ(paid.status, BankReturnStatus::kSuccess);
  EXPECT_EQ(paid.failure_reason, "");
  EXPECT_EQ(paid.bank_serial, "B0001");
  ASSERT_TRUE(paid.date.has_value());
  EXPECT_EQ(paid.date->ToString(), "2024-07-01");
  const BankReturnRow& returned = file.rows[1];
  ASSERT_TRUE(returned.error.ok()) << returned.error;
  EXPECT_EQ(returned.line, 3u);
  EXPECT_EQ(returned.voucher_no, "PV-002");
  EXPECT_EQ(returned.payee_account, "6222020200002222");  // trimmed
  EXPECT_EQ(returned.payee_name, "李四");
  EXPECT_EQ(returned.amount.fen(), 30000);
  EXPECT_EQ(returned.status, BankReturnStatus::kFailed);
  EXPECT_EQ(returned.failure_reason, "账户已销户");
  EXPECT_EQ(returned.bank_serial, "B0002");
  ASSERT_TRUE(returned.date.has_value());
  EXPECT_EQ(returned.date->ToString(), "2024-07-02");
}

TEST(ReadBankReturnFile, ChineseHeadersInUtf8) {
  auto file = ReadBankReturnFile(kChineseFile, Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->encoding, "UTF-8");
  ExpectTheTwoPayments(*file);
}

TEST(ReadBankReturnFile, ChineseHeadersInUtf8WithAByteOrderMark) {
  auto file = ReadBankReturnFile(std::string("\xEF\xBB\xBF") + kChineseFile, Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->encoding, "UTF-8 with BOM");
  ExpectTheTwoPayments(*file);
  auto told = ReadBankReturnFile(std::string("\xEF\xBB\xBF") + kChineseFile, Encoding::kUtf8);
  ASSERT_TRUE(told.ok()) << told.status();
  ExpectTheTwoPayments(*told);
}

TEST(ReadBankReturnFile, ChineseHeadersInGb18030ByDetectionOrByName) {
  auto bytes = EncodeText(kChineseFile, Encoding::kGb18030);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  ASSERT_NE(*bytes, std::string(kChineseFile));  // really converted
  auto detected = ReadBankReturnFile(*bytes, Encoding::kAuto);
  ASSERT_TRUE(detected.ok()) << detected.status();
  EXPECT_EQ(detected->encoding, "GB18030");
  ExpectTheTwoPayments(*detected);
  auto named = ReadBankReturnFile(*bytes, Encoding::kGb18030);
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->encoding, "GB18030");
  ExpectTheTwoPayments(*named);
  // Told it is UTF-8, the GB18030 file is refused for its bytes, naming the line.
  auto wrong = ReadBankReturnFile(*bytes, Encoding::kUtf8);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(Reason(wrong.status()), kFileBadBytes);
  EXPECT_EQ(ParamsOf(wrong.status()).at("line"), "1");
}

// A NUL byte is no text (a UTF-16 export, or not a text file): the file is refused, naming its
// line, whatever the encoding, before any value reaches a database.
TEST(ReadBankReturnFile, ANulByteRefusesTheFileNamingItsLine) {
  std::string bytes = kChineseFile;
  bytes.insert(bytes.find("PV-002") + 3, 1, '\0');
  for (Encoding e : {Encoding::kAuto, Encoding::kUtf8, Encoding::kGb18030}) {
    auto read = ReadBankReturnFile(bytes, e);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(Reason(read.status()), "FILE_NUL_BYTE");
    EXPECT_EQ(ParamsOf(read.status()).at("line"), "3");
  }
}

TEST(ReadBankReturnFile, EnglishHeadersInAnyCaseAndOrder) {
  auto file = ReadBankReturnFile(
      "Status, Voucher_No ,AMOUNT_YUAN,payee_name,payee_account,bank_serial,failure_reason,Date\n"
      "success,E1,10,A,111,S1,,20240701\n"
      "ok,E2,10,B,222,S2,,\n"
      "s,E3,10,C,333,S3,,\n"
      "ＯＫ,E4,10,D,444,S4,,\n"
      "FAILED,E5,10,E,555,S5,closed,\n"
      "fail,E6,10,F,666,S6,,\n"
      "Failure,E7,10,G,777,S7,,\n"
      "f,E8,10,H,888,S8,,\n",
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->ignored_columns.empty());
  ASSERT_EQ(file->rows.size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    const BankReturnRow& row = file->rows[i];
    ASSERT_TRUE(row.error.ok()) << row.line << ": " << row.error;
    EXPECT_EQ(row.voucher_no, "E" + std::to_string(i + 1));
    EXPECT_EQ(row.amount.fen(), 1000);
    EXPECT_EQ(row.status, i < 4 ? BankReturnStatus::kSuccess : BankReturnStatus::kFailed) << row.line;
  }
  EXPECT_EQ(file->rows[0].date->ToString(), "2024-07-01");
  EXPECT_EQ(file->rows[0].payee_account, "111");
  EXPECT_EQ(file->rows[0].bank_serial, "S1");
  EXPECT_FALSE(file->rows[1].date.has_value());  // optional: empty is none
  EXPECT_EQ(file->rows[4].failure_reason, "closed");
}

TEST(ReadBankReturnFile, EnglishHeadersWithSpacesAsBanksExportThem) {
  auto file = ReadBankReturnFile(
      "Voucher No,Payee Account,Payee Name,Amount,Status,Failure Reason,Bank Serial,Date\n"
      "E1,6222000011112222,Yichang Tech,1234.50,FAILED,account frozen,,2024-07-01\n",
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->ignored_columns.empty());
  ASSERT_EQ(file->rows.size(), 1u);
  const BankReturnRow& row = file->rows[0];
  ASSERT_TRUE(row.error.ok()) << row.error;
  EXPECT_EQ(row.voucher_no, "E1");
  EXPECT_EQ(row.payee_account, "6222000011112222");
  EXPECT_EQ(row.payee_name, "Yichang Tech");
  EXPECT_EQ(row.amount.fen(), 123450);
  EXPECT_EQ(row.status, BankReturnStatus::kFailed);
  EXPECT_EQ(row.failure_reason, "account frozen");
}

TEST(ReadBankReturnFile, OtherChineseHeadersAndSuccessValues) {
  auto file = ReadBankReturnFile(
      "凭证号,账号,户名,金额（元）,状态,原因,流水号,入账日期\n"
      "V1,1,甲,1,交易成功,,L1,2024-7-1\n"
      "V2,2,乙,2,已入账,,L2,\n"
      "V3,3,丙,3,交易失败,余额不足,L3,\n"
      "V4,4,丁,4,失败,,L4,\n",
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->ignored_columns.empty());
  ASSERT_EQ(file->rows.size(), 4u);
  EXPECT_EQ(file->rows[0].status, BankReturnStatus::kSuccess);
  EXPECT_EQ(file->rows[0].payee_account, "1");
  EXPECT_EQ(file->rows[0].payee_name, "甲");
  EXPECT_EQ(file->rows[0].bank_serial, "L1");
  EXPECT_EQ(file->rows[0].date->ToString(), "2024-07-01");
  EXPECT_EQ(file->rows[1].status, BankReturnStatus::kSuccess);
  EXPECT_EQ(file->rows[2].status, BankReturnStatus::kFailed);
  EXPECT_EQ(file->rows[2].failure_reason, "余额不足");
  EXPECT_EQ(file->rows[3].status, BankReturnStatus::kFailed);
  EXPECT_EQ(file->rows[3].amount.fen(), 400);
  auto payee = ReadBankReturnFile("凭证号,收款人,金额,状态\nV1,张三,1,成功\n", Encoding::kAuto);
  ASSERT_TRUE(payee.ok()) << payee.status();
  EXPECT_EQ(payee->rows[0].payee_name, "张三");
}

TEST(ReadBankReturnFile, AmountsInYuanAsExcelWritesThemToTheFen) {
  auto file = ReadBankReturnFile(
      "凭证号,金额(元),状态\n"
      "A1,\"1,200.50\",成功\n"
      "A2,１２００．５０,成功\n"
      "A3,¥1200.5,成功\n"
      "A4,0.01,成功\n"
      "A5,\"12,345,678.09\",成功\n"
      "A6,1200.505,成功\n"
      "A7,-5,成功\n",
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->rows.size(), 7u);
  const int64_t fen[] = {120050, 120050, 120050, 1, 1234567809};
  for (size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(file->rows[i].error.ok()) << file->rows[i].line << ": " << file->rows[i].error;
    EXPECT_EQ(file->rows[i].amount.fen(), fen[i]) << file->rows[i].line;
  }
  EXPECT_EQ(Reason(file->rows[5].error), kCellTooManyDecimals);
  EXPECT_EQ(ParamsOf(file->rows[5].error).at("value"), "1200.505");
  EXPECT_EQ(ParamsOf(file->rows[5].error).at("column"), "金额(元)");
  EXPECT_EQ(std::string(file->rows[5].error.message()),
            "amount (金额(元)): \"1200.505\" has more than two decimals (元 to the 分, nothing smaller)");
  EXPECT_EQ(Reason(file->rows[6].error), kCellNotAmount);
}

TEST(ReadBankReturnFile, AmountsInFenInTheirOwnColumn) {
  auto file = ReadBankReturnFile(
      "凭证号,金额(分),状态\n"
      "F1,120050,成功\n"
      "F2,\"1,200\",成功\n"
      "F3,１２３,成功\n"
      "F4,12.5,成功\n",
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->rows.size(), 4u);
  EXPECT_EQ(file->rows[0].amount.fen(), 120050);
  EXPECT_EQ(file->rows[1].amount.fen(), 1200);
  EXPECT_EQ(file->rows[2].amount.fen(), 123);
  EXPECT_TRUE(file->rows[2].error.ok()) << file->rows[2].error;
  EXPECT_EQ(Reason(file->rows[3].error), kCellNotWhole);
  EXPECT_EQ(ParamsOf(file->rows[3].error).at("value"), "12.5");
  auto english = ReadBankReturnFile("voucher_no,amount_fen,status\nF5,7,OK\n", Encoding::kAuto);
  ASSERT_TRUE(english.ok()) << english.status();
  EXPECT_EQ(english->rows[0].amount.fen(), 7);
}

TEST(ReadBankReturnFile, TheAmountInBothYuanAndFenIsRefused) {
  auto both = ReadBankReturnFile("凭证号,金额,金额(分),状态\nV1,1,100,成功\n", Encoding::kAuto);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(both.status()), kReturnFileColumnTwice);
  EXPECT_EQ(ParamsOf(both.status()), (StatusParams{{"first", "金额"}, {"second", "金额(分)"}}));
  EXPECT_THAT(std::string(both.status().message()), HasSubstr("line 1: the amount, in 元 and in 分, twice"));
  auto english = ReadBankReturnFile("voucher_no,amount_fen,status,amount\nV1,100,OK,1\n", Encoding::kAuto);
  ASSERT_FALSE(english.ok());
  EXPECT_EQ(Reason(english.status()), kReturnFileColumnTwice);
  // One column under two names.
  auto twice = ReadBankReturnFile("凭证号,金额,状态,voucher_no\nV1,1,成功,V1\n", Encoding::kAuto);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(Reason(twice.status()), kReturnFileColumnTwice);
  EXPECT_EQ(ParamsOf(twice.status()), (StatusParams{{"first", "凭证号"}, {"second", "voucher_no"}}));
}

TEST(ReadBankReturnFile, AMissingRequiredColumnIsNamedWithTheColumnsNotRead) {
  auto no_status = ReadBankReturnFile("凭证号,金额,备注\nV1,1,x\n", Encoding::kAuto);
  ASSERT_FALSE(no_status.ok());
  EXPECT_EQ(Reason(no_status.status()), kReturnFileMissingColumns);
  EXPECT_EQ(ParamsOf(no_status.status()), (StatusParams{{"missing", "状态"}, {"ignored", "备注"}}));
  EXPECT_THAT(std::string(no_status.status().message()), HasSubstr("missing column \"status\" (状态)"));
  auto two = ReadBankReturnFile("收款人户名,状态\n张三,成功\n", Encoding::kAuto);
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(Reason(two.status()), kReturnFileMissingColumns);
  EXPECT_EQ(ParamsOf(two.status()), (StatusParams{{"missing", "凭证号、金额"}}));
}

TEST(ReadBankReturnFile, UnknownColumnsAreIgnoredAndNamedAndRemarksAreNoFailureReason) {
  auto file = ReadBankReturnFile("凭证号,备注,金额,状态,柜员,备注,\nV1,客户来电,1,失败,007,,\n", Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->ignored_columns, (std::vector<std::string>{"备注", "柜员"}));
  ASSERT_EQ(file->rows.size(), 1u);
  ASSERT_TRUE(file->rows[0].error.ok()) << file->rows[0].error;
  EXPECT_EQ(file->rows[0].failure_reason, "");
  EXPECT_EQ(file->rows[0].status, BankReturnStatus::kFailed);
}

TEST(ReadBankReturnFile, AStatusThatIsNeitherIsThatRowsError) {
  auto file = ReadBankReturnFile(
      "凭证号,金额,状态\n"
      "V1,1,成功\n"
      "V2,2,处理中\n"
      "V3,3,失败\n",
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_TRUE(file->rows[0].error.ok());
  const BankReturnRow& pending = file->rows[1];
  EXPECT_EQ(pending.error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(pending.error), kReturnStatusUnknown);
  EXPECT_EQ(Reason(pending.error), "CELL_RETURN_STATUS");
  EXPECT_EQ(ParamsOf(pending.error), (StatusParams{{"value", "处理中"}, {"column", "状态"}}));
  EXPECT_THAT(std::string(pending.error.message()), HasSubstr("status (状态): \"处理中\" is neither a success"));
  EXPECT_EQ(pending.voucher_no, "V2");  // what read, to name the row
  EXPECT_EQ(pending.amount.fen(), 200);
  EXPECT_TRUE(file->rows[2].error.ok());
  EXPECT_EQ(file->rows[2].status, BankReturnStatus::kFailed);
}

TEST(ReadBankReturnFile, ACutOffLastRowIsThatRowsErrorAndTheRowsBeforeItRead) {
  const std::string head = "凭证号,收款人账号,收款人户名,金额,状态\r\nV1,111,甲,10.00,成功\r\nV2,222,乙,20.00,失败\r\n";
  for (const std::string& cut : {std::string("V3,333,丙"), std::string("V3,333,丙,30"), std::string("V3,3")}) {
    auto file = ReadBankReturnFile(head + cut, Encoding::kAuto);
    ASSERT_TRUE(file.ok()) << cut << ": " << file.status();
    ASSERT_EQ(file->rows.size(), 3u) << cut;
    EXPECT_TRUE(file->rows[0].error.ok()) << file->rows[0].error;
    EXPECT_EQ(file->rows[0].amount.fen(), 1000);
    EXPECT_TRUE(file->rows[1].error.ok()) << file->rows[1].error;
    EXPECT_EQ(file->rows[1].amount.fen(), 2000);
    const BankReturnRow& last = file->rows[2];
    EXPECT_EQ(last.line, 4u);
    EXPECT_EQ(last.voucher_no, "V3");
    EXPECT_EQ(Reason(last.error), kCellEmpty) << cut;
    EXPECT_THAT(std::string(last.error.message()), HasSubstr("status (状态): is empty")) << cut;
  }
  auto file = ReadBankReturnFile(head + "V3,333,丙", Encoding::kAuto);
  ASSERT_TRUE(file.ok());
  // The first empty cell in the file's order gives the reason; every one is named.
  EXPECT_EQ(ParamsOf(file->rows[2].error).at("column"), "金额");
  EXPECT_EQ(std::string(file->rows[2].error.message()),
            "amount (金额): is empty (a required column); status (状态): is empty (a required column)");
  // A row without its voucher is an error of that row too.
  auto no_voucher = ReadBankReturnFile(head + ",444,丁,40,成功\n", Encoding::kAuto);
  ASSERT_TRUE(no_voucher.ok());
  EXPECT_EQ(Reason(no_voucher->rows[2].error), kCellEmpty);
  EXPECT_EQ(ParamsOf(no_voucher->rows[2].error).at("column"), "凭证号");
}

TEST(ReadBankReturnFile, RowsAreNumberedAsExcelNumbersThem) {
  auto file = ReadBankReturnFile(
      "# 代发回单 2024-07\r\n"           // 1: a comment line
      "凭证号,金额,状态,失败原因\r\n"   // 2: the header
      "V1,1,成功,\r\n"                    // 3
      ",,,\r\n"                           // 4: Excel's blank row
      "V2,2,失败,\"户名不符\r\n请核对\"\r\n"  // 5: one row on two text lines
      "\r\n"                              // 6
      "V3,3,成功,\r\n",                   // 7
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(file->rows[0].line, 3u);
  EXPECT_EQ(file->rows[1].line, 5u);
  EXPECT_EQ(file->rows[1].failure_reason, "户名不符\r\n请核对");
  EXPECT_EQ(file->rows[2].line, 7u);
  EXPECT_EQ(file->rows[2].voucher_no, "V3");
}

TEST(ReadBankReturnFile, AFileWithoutAHeaderIsRefused) {
  auto data_first = ReadBankReturnFile("\r\n,,\r\nV1,1,成功\r\nV2,2,成功\r\n", Encoding::kAuto);
  ASSERT_FALSE(data_first.ok());
  EXPECT_EQ(data_first.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(data_first.status()), kReturnFileNoHeader);
  EXPECT_EQ(ParamsOf(data_first.status()), (StatusParams{{"columns", "凭证号、金额、状态"}}));
  EXPECT_THAT(std::string(data_first.status().message()), HasSubstr("line 3: the first row is not a header"));
  for (const std::string empty : {"", "\r\n,,\r\n", "\xEF\xBB\xBF"}) {
    auto nothing = ReadBankReturnFile(empty, Encoding::kAuto);
    ASSERT_FALSE(nothing.ok());
    EXPECT_EQ(Reason(nothing.status()), kReturnFileNoHeader);
  }
  // A file that is not CSV is refused for its bytes, before any header.
  auto open = ReadBankReturnFile("凭证号,金额,状态\nV1,\"1,成功\n", Encoding::kAuto);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(Reason(open.status()), kFileQuoteNotClosed);
}

TEST(ReadBankReturnFile, HeadersMatchWithoutSpacesCaseOrFullWidth) {
  EXPECT_EQ(HeaderKey("\xEF\xBB\xBF 金额 （元） "), HeaderKey("金额(元)"));
  EXPECT_EQ(HeaderKey("Voucher\xC2\xA0No\xE3\x80\x80"), HeaderKey("voucherno"));
  EXPECT_NE(HeaderKey("金额(分)"), HeaderKey("金额(元)"));
  auto file = ReadBankReturnFile(" 凭证号 ,金额（分）,ＳＴＡＴＵＳ,银行 流水号\nV1,5,成功,X9\n", Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->ignored_columns.empty());
  ASSERT_EQ(file->rows.size(), 1u);
  EXPECT_EQ(file->rows[0].amount.fen(), 5);
  EXPECT_EQ(file->rows[0].bank_serial, "X9");
}

TEST(ReadBankReturnFile, AShiftedRowIsNotReadAsASmallerAmount) {
  // "1,200.50" unquoted: 1 元 and "200.50" in the next column.
  auto file = ReadBankReturnFile(
      "凭证号,状态,金额,户名\n"
      "V1,成功,1,200.50,\n"
      "V2,成功,1,200.50,张三\n"
      "V3,成功,1,张三\n",
      Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(Reason(file->rows[0].error), kCellSplitByComma);
  EXPECT_EQ(ParamsOf(file->rows[0].error), (StatusParams{{"value", "1"}, {"next", "200.50"}, {"column", "金额"}}));
  EXPECT_EQ(Reason(file->rows[1].error), kRowTooManyCells);  // the row before its cells
  EXPECT_THAT(std::string(file->rows[1].error.message()), HasSubstr("5 cells for 4 columns"));
  EXPECT_THAT(std::string(file->rows[1].error.message()), HasSubstr("a number split at its thousands comma"));
  EXPECT_TRUE(file->rows[2].error.ok()) << file->rows[2].error;
  EXPECT_EQ(file->rows[2].amount.fen(), 100);
}

TEST(ReadBankReturnFile, ABadDateIsThatRowsError) {
  auto file = ReadBankReturnFile("凭证号,金额,状态,日期\nV1,1,成功,2024/2/30\nV2,1,成功,45356\nV3,1,成功,\n",
                                 Encoding::kAuto);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->rows.size(), 3u);
  EXPECT_EQ(Reason(file->rows[0].error), kCellNoSuchDate);
  EXPECT_EQ(Reason(file->rows[1].error), kCellExcelDayNumber);
  EXPECT_TRUE(file->rows[2].error.ok());
  EXPECT_FALSE(file->rows[2].date.has_value());
}

class BankReturnTexts : public ::testing::Test {
 protected:
  void SetUp() override {
    auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = *std::move(data);
  }
  std::shared_ptr<const PolicyData> data_;
};

TEST_F(BankReturnTexts, EveryBadCellOfARowIsWrittenForAPersonInItsFileOrder) {
  const std::string text = "状态,凭证号,金额\n处理中,V1,1200.505\n";
  auto zh = ReadBankReturnFile(text, Encoding::kAuto, {&data_->messages(), Language::kZhCn});
  ASSERT_TRUE(zh.ok()) << zh.status();
  ASSERT_EQ(zh->rows.size(), 1u);
  EXPECT_EQ(Reason(zh->rows[0].error), kReturnStatusUnknown);  // 状态 is the file's first column
  EXPECT_EQ(std::string(zh->rows[0].error.message()),
            "状态：“处理中”不是回单状态（成功可填 成功、交易成功、已入账；失败可填 失败、交易失败、退票）。 "
            "金额：“1200.505”超过两位小数（金额精确到分）。");
  auto en = ReadBankReturnFile(text, Encoding::kAuto, {&data_->messages(), Language::kEn});
  ASSERT_TRUE(en.ok()) << en.status();
  EXPECT_THAT(std::string(en->rows[0].error.message()), HasSubstr("状态: \"处理中\" is not a payment status"));
  EXPECT_THAT(std::string(en->rows[0].error.message()), HasSubstr("金额: \"1200.505\" has more than two decimals"));
}

TEST_F(BankReturnTexts, TheHeadersRefusalsReadInChinese) {
  const MessageCatalogue& m = data_->messages();
  auto render = [&](const absl::StatusOr<BankReturnFile>& file) {
    return m.Render(MessageKind::kReason, Reason(file.status()), Language::kZhCn, ParamsOf(file.status()))
        .value_or("(no text)");
  };
  EXPECT_EQ(render(ReadBankReturnFile("V1,1,成功\n", Encoding::kAuto)),
            "第一行不是表头：回单文件第一行须写明各列名称，如 凭证号、金额、状态。");
  EXPECT_EQ(render(ReadBankReturnFile("凭证号,金额,备注\n", Encoding::kAuto)),
            "回单文件缺少必填列：状态；表头中以下列未读取：备注。");
  EXPECT_EQ(render(ReadBankReturnFile("凭证号,金额,状态,金额(分)\n", Encoding::kAuto)),
            "回单文件中“金额”与“金额(分)”是同一列：请只保留一列。");
  EXPECT_TRUE(m.Has(MessageKind::kReason, kReturnFileNoHeader));
  EXPECT_TRUE(m.Has(MessageKind::kReason, kReturnFileMissingColumns));
  EXPECT_TRUE(m.Has(MessageKind::kReason, kReturnFileColumnTwice));
  EXPECT_TRUE(m.Has(MessageKind::kReason, kReturnStatusUnknown));
}

}  // namespace
}  // namespace subsidy::formats
