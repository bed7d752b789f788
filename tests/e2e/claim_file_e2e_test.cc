// The clerk's day with claim files, through the real binaries (subsidy-server and subsidyctl): the
// Excel-saved GB18030 file with Chinese headers, blank rows, 2024/3/5 dates and an extra column
// filed and its GB18030 result file read back line by line; a dry run that decides every row as
// the submit then does and stores nothing; a refused submit that still writes its result file;
// UTF-8 in, UTF-8 with a byte-order mark out; the claim's fund; and a replay that prints the claim
// as it stands now (PAID), not as it was first answered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "formats/claim_file.h"
#include "formats/csv.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using Line = v1::LoanSubsidyClaimLine;

constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr char kPeriod[] = "--period=2024-06-21..2024-09-20";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void Spit(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string Gb18030(const std::string& utf8) {
  auto bytes = formats::EncodeText(utf8, formats::Encoding::kGb18030);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

// A result file as subsidyctl wrote it: its bytes, their text, and its rows by column name, keyed
// by the file line each row names.
struct ResultFile {
  std::string bytes, utf8;
  size_t rows = 0;
  std::map<size_t, std::map<std::string, std::string>> at;  // file line → column → cell
};

ResultFile ReadResult(const std::string& path, formats::Encoding encoding) {
  ResultFile r;
  r.bytes = Slurp(path);
  auto text = formats::DecodeText(r.bytes, encoding);
  EXPECT_TRUE(text.ok()) << path << ": " << text.status();
  if (!text.ok()) return r;
  r.utf8 = text->utf8;
  auto records = formats::ParseCsv(r.utf8);
  EXPECT_TRUE(records.ok() && !records->empty()) << path;
  if (!records.ok() || records->empty()) return r;
  const std::vector<std::string>& header = records->front().cells;
  for (size_t k = 1; k < records->size(); ++k) {
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < (*records)[k].cells.size(); ++i) row[header[i]] = (*records)[k].cells[i];
    size_t line = 0;
    EXPECT_TRUE(absl::SimpleAtoi(row["line"], &line)) << "line cell \"" << row["line"] << "\" in " << path;
    EXPECT_EQ(r.at.count(line), 0u) << "line " << line << " twice in " << path;
    r.at[line] = row;
    ++r.rows;
  }
  return r;
}

// A bank's file as a clerk saves it from Excel: English headers with the claim window and an extra
// 借款人 column, dates as Excel on Chinese Windows writes them, a blank row and a row of only
// commas. Line by line (the line numbers are the file's):
//   2 贷款-001  accepted
//   3 (blank)            4 (only commas)
//   5 贷款-002  accepted (dates 2024年3月5日)
//   6 贷款-003  INVALID: matures before it was contracted (the engine's error)
//   7 贷款-001  DUPLICATE of line 2
//   8 贷款-004  accepted, not eligible (rate above the ceiling): subsidy 0
//   9 贷款-005  INVALID: its own claim window is another quarter (the server's loans[5].claim_period)
std::string ClerksFile(const std::string& extra_row = "") {
  auto row = [](const std::string& id, const std::string& contract, const std::string& maturity,
                const std::string& rate, const std::string& window) {
    return id + ",41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,10000000," + contract + "," + contract + "," + maturity +
           "," + rate + "," + window + ",张三\r\n";
  };
  return "loan_id,province,region_tier,program,principal_fen,contract_date,disbursement_date,maturity_date,"
         "annual_rate_percent,claim_start,claim_end,借款人\r\n" +
         row("贷款-001", "2024/3/5", "2026/3/5", "3.95", ",") + "\r\n" + ",,,,,,,,,,,\r\n" +
         row("贷款-002", "2024年3月5日", "2026年3月5日", "3.95", ",") + row("贷款-003", "2024/3/5", "2023/3/5", "3.95", ",") +
         row("贷款-001", "2024/3/5", "2026/3/5", "3.95", ",") + row("贷款-004", "2024/3/5", "2026/3/5", "9.99", ",") +
         row("贷款-005", "2024/3/5", "2026/3/5", "3.95", "2024-03-21,2024-06-20") + extra_row;
}

// What the clerk's file comes to, by line: the status, and for a duplicate what it repeats.
void ExpectClerksStatuses(const ResultFile& r, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(r.rows, 6u) << r.utf8;  // lines 2, 5, 6, 7, 8, 9
  EXPECT_EQ(r.at.count(3) + r.at.count(4), 0u) << "blank rows are not rows";
  EXPECT_EQ(r.at.at(2).at("loan_id"), "贷款-001");
  EXPECT_EQ(r.at.at(2).at("status"), "ACCEPTED");
  EXPECT_EQ(r.at.at(2).at("eligible"), "true");
  EXPECT_EQ(r.at.at(2).at("period_start"), "2024-06-21");
  EXPECT_EQ(r.at.at(2).at("period_end"), "2024-09-20");
  EXPECT_NE(r.at.at(2).at("subsidy_fen"), "0");
  EXPECT_EQ(r.at.at(5).at("loan_id"), "贷款-002");
  EXPECT_EQ(r.at.at(5).at("status"), "ACCEPTED");
  EXPECT_EQ(r.at.at(5).at("subsidy_fen"), r.at.at(2).at("subsidy_fen"));  // the same loan by another date form
  EXPECT_EQ(r.at.at(6).at("status"), "INVALID");
  EXPECT_NE(r.at.at(6).at("error_message"), "");
  EXPECT_EQ(r.at.at(7).at("status"), "DUPLICATE");
  EXPECT_EQ(r.at.at(7).at("duplicate_of"), "line 2");
  EXPECT_EQ(r.at.at(8).at("status"), "ACCEPTED");
  EXPECT_EQ(r.at.at(8).at("eligible"), "false");
  EXPECT_EQ(r.at.at(8).at("subsidy_fen"), "0");
  EXPECT_THAT(r.at.at(8).at("reasons"), HasSubstr("RATE_ABOVE_CEILING"));
  EXPECT_EQ(r.at.at(9).at("status"), "INVALID");
  EXPECT_EQ(r.at.at(9).at("error_field"), "claim_period");
  EXPECT_THAT(r.at.at(9).at("error_message"), HasSubstr("2024-06-21..2024-09-20"));
  // One line number everywhere: never the server's loans[i].
  EXPECT_THAT(r.utf8, Not(HasSubstr("loans[")));
}

class ClaimFileE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db"});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }
  // subsidyctl as a developer runs it (C.UTF-8: English), or as a clerk on a Chinese PC.
  CtlResult Ctl(std::vector<std::string> args, const std::string& locale = "C.UTF-8") {
    args.insert(args.begin(), "--server=" + server_->address());
    return RunCtl(args, locale);
  }
  std::vector<v1::LoanSubsidyClaim> Claims() {
    auto stub = v1::LoanSubsidyService::NewStub(server_->Channel());
    v1::ListLoanSubsidyClaimsRequest req;
    v1::ListLoanSubsidyClaimsResponse resp;
    const grpc::Status s = stub->ListLoanSubsidyClaims(Call().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.claims().begin(), resp.claims().end()};
  }
  std::vector<Line> Lines(const std::string& claim_id) {
    auto stub = v1::LoanSubsidyService::NewStub(server_->Channel());
    v1::ListLoanSubsidyClaimLinesRequest req;
    req.set_claim_id(claim_id);
    req.set_page_size(1000);
    v1::ListLoanSubsidyClaimLinesResponse resp;
    const grpc::Status s = stub->ListLoanSubsidyClaimLines(Call().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.next_page_token(), "");
    return {resp.lines().begin(), resp.lines().end()};
  }
  std::string ClaimIdIn(const std::string& out) {
    std::smatch m;
    return std::regex_search(out, m, std::regex("claim +(CL-[0-9]+)")) ? m[1].str() : "";
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

// The fixture as a bank's Excel saves it (tests/golden/files/claim_excel_gb18030.csv): GB18030,
// Chinese headers, an extra 借款人 column, blank rows, 2024/3/5 dates. Filed, its result file comes
// back in GB18030, each loan on its file line with the status the stored claim gave it.
TEST_F(ClaimFileE2e, TheExcelSavedGb18030FileIsFiledAndItsResultComesBackInGb18030LineByLine) {
  const std::string fixture = std::string(SUBSIDY_GOLDEN_DIR) + "/files/claim_excel_gb18030.csv";
  const std::string bytes = Slurp(fixture);
  ASSERT_FALSE(bytes.empty()) << "missing fixture " << fixture;
  // The fixture is what it says it is.
  auto text = formats::DecodeText(bytes, formats::Encoding::kAuto);
  ASSERT_TRUE(text.ok()) << text.status();
  ASSERT_EQ(text->encoding, "GB18030");
  EXPECT_TRUE(std::regex_search(text->utf8, std::regex("\\b20[0-9]{2}/[0-9]{1,2}/[0-9]{1,2}\\b"))) << "2024/3/5 dates";
  EXPECT_TRUE(std::regex_search(text->utf8, std::regex("\\n[ ,\\r]*\\n"))) << "blank or comma-only rows";
  auto records = formats::ParseCsv(text->utf8);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_GT(records->size(), 1u);
  EXPECT_THAT(records->front().cells, Contains("贷款编号"));
  auto reader = formats::ClaimFileReader::FromHeader(records->front().cells);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(reader->ignored_columns(), Contains("借款人"));
  // Each data row: its file line, its loan_id, whether it parses.
  struct Row {
    size_t line;
    std::string loan_id;
    bool parses;
  };
  std::vector<Row> rows;
  for (size_t k = 1; k < records->size(); ++k) {
    const formats::CsvRecord& rec = (*records)[k];
    rows.push_back({rec.line, reader->LoanId(rec.cells), reader->ParseRow(rec.cells).ok()});
  }
  const bool all_parse = std::all_of(rows.begin(), rows.end(), [](const Row& r) { return r.parses; });

  const std::string out = dir_.path() + "/excel.result.csv";
  auto run = Ctl({"loan", "claim", fixture, "--submit", "--bank=LNRCU-TBS", kPeriod, "--out=" + out});
  EXPECT_THAT(run.err, HasSubstr("not claim file columns and were not read: 借款人"));
  const ResultFile result = ReadResult(out, formats::Encoding::kGb18030);
  // GB18030 in, GB18030 out: no byte-order mark, and the bytes are the GB18030 of the text.
  EXPECT_NE(result.bytes.rfind(kBom, 0), 0u);
  EXPECT_EQ(result.bytes, Gb18030(result.utf8));
  ASSERT_EQ(result.rows, rows.size()) << result.utf8;
  EXPECT_THAT(result.utf8, Not(HasSubstr("loans[")));
  if (!all_parse) {
    // The fixture has a row that does not parse: nothing is filed; that row says why, the others wait.
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_THAT(run.err, HasSubstr("nothing was submitted"));
    for (const Row& row : rows) {
      ASSERT_EQ(result.at.count(row.line), 1u) << "line " << row.line;
      EXPECT_EQ(result.at.at(row.line).at("status"), row.parses ? "NOT_SUBMITTED" : "ERROR") << "line " << row.line;
    }
    EXPECT_TRUE(Claims().empty());
    return;
  }
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string id = ClaimIdIn(run.out);
  ASSERT_NE(id, "") << run.out;
  const std::vector<Line> lines = Lines(id);
  ASSERT_EQ(lines.size(), rows.size());
  // The claim's line_no k is the k-th data row; the result file names it by its file line.
  for (size_t k = 0; k < rows.size(); ++k) {
    SCOPED_TRACE("file line " + std::to_string(rows[k].line));
    ASSERT_EQ(lines[k].line_no(), static_cast<int64_t>(k + 1));
    ASSERT_EQ(result.at.count(rows[k].line), 1u);
    const auto& cells = result.at.at(rows[k].line);
    EXPECT_EQ(cells.at("loan_id"), rows[k].loan_id);
    EXPECT_EQ(cells.at("status"), Line::Status_Name(lines[k].line_status()));
    if (lines[k].line_status() == Line::ACCEPTED) {
      EXPECT_EQ(cells.at("subsidy_fen"), std::to_string(lines[k].result().total_subsidy_fen()));
      EXPECT_EQ(cells.at("principal_fen"), std::to_string(lines[k].principal_fen()));
    }
  }
  // The lines are not consecutive when the fixture has blank rows between its loans: the file's
  // lines are kept, not renumbered.
  EXPECT_EQ(result.at.begin()->first, rows.front().line);
}

// A dry run decides every row on the server exactly as the submit then does, and stores nothing;
// the submit's result file (GB18030, as the file) has every row's stored status by file line.
TEST_F(ClaimFileE2e, ADryRunDecidesEachRowAsTheSubmitDoesAndStoresNothing) {
  const std::string file = dir_.path() + "/clerk.csv";
  Spit(file, Gb18030(ClerksFile()));
  const std::string dry_out = dir_.path() + "/dry.csv";
  auto dry = Ctl({"loan", "claim", file, "--dry_run", "--bank=BANK-A", kPeriod, "--out=" + dry_out});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("nothing stored"));
  EXPECT_THAT(dry.err, HasSubstr("not claim file columns and were not read: 借款人."));
  // The bad rows named on stderr by their file line.
  EXPECT_THAT(dry.err, HasSubstr(file + ":6 (loan_id 贷款-003): INVALID"));
  EXPECT_THAT(dry.err, HasSubstr(file + ":9 (loan_id 贷款-005): INVALID: The row's claim window must be empty"));
  EXPECT_THAT(dry.err, HasSubstr(file + ":7 (loan_id 贷款-001): DUPLICATE (duplicate of line 2)"));
  EXPECT_THAT(dry.err + dry.out, Not(HasSubstr("loans[")));
  const ResultFile checked = ReadResult(dry_out, formats::Encoding::kGb18030);
  ExpectClerksStatuses(checked, "dry run");
  EXPECT_TRUE(Claims().empty()) << "a dry run stores nothing";

  const std::string out = dir_.path() + "/submit.csv";
  auto submit = Ctl({"loan", "claim", file, "--submit", "--bank=BANK-A", kPeriod, "--out=" + out});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr("accepted 3, duplicate 1, invalid 2"));
  EXPECT_THAT(submit.err, HasSubstr(file + ":9 (loan_id 贷款-005): INVALID: The row's claim window must be empty"));
  const ResultFile filed = ReadResult(out, formats::Encoding::kGb18030);
  ExpectClerksStatuses(filed, "submit");
  EXPECT_EQ(filed.bytes, Gb18030(filed.utf8));
  for (size_t line : {2, 5, 6, 7, 8, 9}) {
    EXPECT_EQ(filed.at.at(line).at("status"), checked.at.at(line).at("status")) << "line " << line;
    EXPECT_EQ(filed.at.at(line).at("subsidy_fen"), checked.at.at(line).at("subsidy_fen")) << "line " << line;
  }
  // The same dry run now sees the filed claim: every accepted loan is a duplicate of it.
  auto again = Ctl({"loan", "claim", file, "--dry_run", "--bank=BANK-A", kPeriod, "--out=" + dry_out});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const std::string id = ClaimIdIn(submit.out);
  EXPECT_EQ(ReadResult(dry_out, formats::Encoding::kGb18030).at.at(2).at("duplicate_of"), id);
}

// A row that does not parse stops the submit: nothing is filed, and the result file says so for
// every row — that row with its error, the others not submitted.
TEST_F(ClaimFileE2e, ASubmitWithABadRowWritesTheResultFileAndFilesNothing) {
  const std::string file = dir_.path() + "/bad.csv";
  Spit(file, Gb18030(ClerksFile("贷款-006,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,ten,2024/2/30,2024/3/5,2026/3/5,"
                                "3.95,,,李四\r\n")));
  const std::string out = dir_.path() + "/bad.result.csv";
  auto run = Ctl({"loan", "claim", file, "--submit", "--bank=BANK-A", kPeriod, "--out=" + out});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("nothing was submitted"));
  EXPECT_THAT(run.err, HasSubstr(file + ":10 (loan_id 贷款-006): ERROR"));
  EXPECT_TRUE(Claims().empty());
  const ResultFile r = ReadResult(out, formats::Encoding::kGb18030);
  ASSERT_EQ(r.rows, 7u) << r.utf8;  // lines 2, 5, 6, 7, 8, 9, 10
  EXPECT_EQ(r.at.at(10).at("status"), "ERROR");
  EXPECT_THAT(r.at.at(10).at("error_message"), HasSubstr("principal_fen"));
  EXPECT_THAT(r.at.at(10).at("error_message"), HasSubstr("contract_date"));
  for (size_t line : {2, 5, 6, 7, 8, 9}) EXPECT_EQ(r.at.at(line).at("status"), "NOT_SUBMITTED") << "line " << line;
}

// UTF-8 in: the result in UTF-8 with a byte-order mark (Excel on a Chinese PC shows the Chinese);
// --out_encoding=gb18030 chooses GB18030 instead. --period applies to the plain calculation too.
TEST_F(ClaimFileE2e, Utf8InIsUtf8WithAByteOrderMarkOutAndThePeriodIsHonouredEverywhere) {
  const std::string file = dir_.path() + "/utf8.csv";
  Spit(file, ClerksFile());
  const std::string out = dir_.path() + "/utf8.result.csv";
  auto calc = Ctl({"loan", "claim", file, kPeriod, "--out=" + out});
  ASSERT_EQ(calc.exit_code, 0) << calc.err;
  const ResultFile r = ReadResult(out, formats::Encoding::kUtf8);
  EXPECT_EQ(r.bytes.rfind(kBom, 0), 0u) << "a UTF-8 result starts with its byte-order mark";
  EXPECT_THAT(r.bytes, HasSubstr("贷款-001"));
  // Over the period: one settlement period per loan, not the loan's whole life.
  EXPECT_EQ(r.at.at(2).at("periods"), "1");
  EXPECT_EQ(r.at.at(2).at("status"), "ELIGIBLE");
  EXPECT_EQ(r.at.at(9).at("status"), "ERROR");
  EXPECT_EQ(r.at.at(9).at("error_field"), "claim_period");
  auto whole_life = Ctl({"loan", "claim", file, "--out=" + out + ".life"});
  ASSERT_EQ(whole_life.exit_code, 0) << whole_life.err;
  EXPECT_NE(ReadResult(out + ".life", formats::Encoding::kUtf8).at.at(2).at("periods"), "1");

  auto gb = Ctl({"loan", "claim", file, "--dry_run", kPeriod, "--out_encoding=gb18030", "--out=" + out + ".gb"});
  ASSERT_EQ(gb.exit_code, 0) << gb.err;
  const ResultFile g = ReadResult(out + ".gb", formats::Encoding::kGb18030);
  EXPECT_NE(g.bytes.rfind(kBom, 0), 0u);
  EXPECT_THAT(g.bytes, HasSubstr(Gb18030("贷款-001")));
  EXPECT_EQ(g.at.at(2).at("status"), "ACCEPTED");
  auto bad = Ctl({"loan", "claim", file, "--out_encoding=latin1"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

// The claim names its fund when it is filed; a review checks it (the review request has no fund).
// After the approval the same submit again is a replay: it prints the claim as it stands now,
// PAID with its voucher, not the SUBMITTED of its first answer.
TEST_F(ClaimFileE2e, AReplayPrintsTheClaimAsItStandsNowAndTheFundIsTheClaims) {
  auto funds = v1::FundService::NewStub(server_->Channel());
  v1::Fund fund;
  ASSERT_TRUE(funds
                  ->CreateFund(Call().get(),
                               NewFund("TBS-2024-LOAN", v1::Fund::COUNTY, v1::Fund::LOAN_INTEREST_SUBSIDY,
                                       100'000'000, 2024, "211281"),
                               &fund)
                  .ok());
  v1::AllocateFundRequest alloc;
  alloc.set_request_id("alloc-bank-a");
  alloc.set_fund_id("TBS-2024-LOAN");
  alloc.set_recipient_kind(v1::FundAllocation::BANK);
  alloc.set_recipient_id("BANK-A");
  alloc.set_region_code("211281");
  alloc.set_amount_fen(10'000'000);
  alloc.set_date("2024-06-01");
  v1::FundAllocation allocation;
  ASSERT_TRUE(funds->AllocateFund(Call().get(), alloc, &allocation).ok());

  const std::string file = dir_.path() + "/funded.csv";
  Spit(file, Gb18030(ClerksFile()));
  const std::vector<std::string> submit = {"loan", "claim", file, "--submit", "--bank=BANK-A", kPeriod,
                                           "--fund=TBS-2024-LOAN", "--out=" + dir_.path() + "/funded.result.csv"};
  auto first = Ctl(submit);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("SUBMITTED"));
  EXPECT_THAT(first.out, HasSubstr("fund        TBS-2024-LOAN"));
  const std::string id = ClaimIdIn(first.out);
  ASSERT_NE(id, "");
  ASSERT_EQ(Claims().size(), 1u);
  EXPECT_EQ(Claims()[0].fund_id(), "TBS-2024-LOAN");
  // The same file with another fund (here none) is the same claim, not a second, all-duplicate one:
  // its request_id (the file's fingerprint) is refused as reused with other content.
  std::vector<std::string> unfunded = submit;
  unfunded.erase(std::find(unfunded.begin(), unfunded.end(), "--fund=TBS-2024-LOAN"));
  auto other = Ctl(unfunded);
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.err, HasSubstr("These loans were already filed from this file with other content"));
  EXPECT_THAT(other.err, Not(HasSubstr("new request_id")));  // the request_id is the file's own: no such advice
  EXPECT_THAT(Slurp(dir_.path() + "/funded.result.csv"), Not(HasSubstr("the upload failed")));
  EXPECT_EQ(Claims().size(), 1u);

  auto wrong = Ctl({"loan", "review", id, "--approve", "--payment_date=2024-09-23", "--fund=OTHER-FUND"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("nothing was reviewed"));
  EXPECT_EQ(Claims()[0].status(), v1::LoanSubsidyClaim::SUBMITTED);
  auto review = Ctl({"loan", "review", id, "--approve", "--payment_date=2024-09-23", "--fund=tbs-2024-loan"});
  ASSERT_EQ(review.exit_code, 0) << review.err;
  EXPECT_THAT(review.out, HasSubstr("PAID"));

  auto replay = Ctl(submit);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_THAT(replay.err, HasSubstr("replay"));
  EXPECT_THAT(replay.out, HasSubstr(id + "  PAID"));
  EXPECT_THAT(replay.out, HasSubstr("voucher LV20240923-"));
  EXPECT_THAT(replay.out, Not(HasSubstr("SUBMITTED")));
  EXPECT_EQ(Claims().size(), 1u);
  ExpectClerksStatuses(ReadResult(dir_.path() + "/funded.result.csv", formats::Encoding::kGb18030), "replay");
  auto json = Ctl({"--json", "loan", "claim", file, "--submit", "--bank=BANK-A", kPeriod, "--fund=TBS-2024-LOAN",
                   "--out=" + dir_.path() + "/funded.json.csv"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"status\":\"PAID\""));
}

// The clerk's day on a Chinese PC (zh_CN.UTF-8): every word subsidyctl writes about the file comes
// from the catalogue in Chinese — its own summaries, the server's reasons and refusals — with only
// paths, ids, dates and amounts in Latin letters.
TEST_F(ClaimFileE2e, TheClerksDayReadsInChinese) {
  const std::string file = dir_.path() + "/clerk.csv";
  Spit(file, Gb18030(ClerksFile()));
  const std::string zh = "zh_CN.UTF-8";
  auto dry = Ctl({"loan", "claim", file, "--dry_run", "--bank=BANK-A", kPeriod, "--out=" + dir_.path() + "/d.csv"}, zh);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.err, HasSubstr("警告：以下列不是申报文件的列，未读取：借款人。"));
  EXPECT_THAT(dry.err, HasSubstr(file + ":6 (loan_id 贷款-003): 无效：到期日期须晚于发放日期。"));
  EXPECT_THAT(dry.err, HasSubstr(file + ":7 (loan_id 贷款-001): 重复（与第 2 行重复）"));
  EXPECT_THAT(dry.err, HasSubstr(file + ":8 (loan_id 贷款-004): 受理，不符合贴息条件，贴息为 0；贷款年利率 9.99% 超过政策规定的利率上限"));
  EXPECT_THAT(dry.err, HasSubstr(file + ":9 (loan_id 贷款-005): 无效：该行的申报起止日须不填，或与申报单的结算期 2024-06-21..2024-09-20 相同。"));
  EXPECT_THAT(dry.out, HasSubstr("贷款        6 笔：受理 3（符合条件 2，不符合 1），无效 2，重复 1，无法解析 0，未检查 0"));
  EXPECT_THAT(dry.out, HasSubstr("试算        每行已由服务器检查，未保存任何内容"));
  const ResultFile checked = ReadResult(dir_.path() + "/d.csv", formats::Encoding::kGb18030);
  EXPECT_EQ(checked.at.at(6).at("error_message"), "到期日期须晚于发放日期。");

  auto submit = Ctl({"loan", "claim", file, "--submit", "--bank=BANK-A", kPeriod, "--out=" + dir_.path() + "/s.csv"}, zh);
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr("已提交，待复核"));
  EXPECT_THAT(submit.out, HasSubstr("贷款        6 笔（受理 3，重复 1，无效 2）"));
  EXPECT_THAT(submit.out, HasSubstr("结果文件    " + dir_.path() + "/s.csv"));
  for (const char* english : {"INVALID", "ACCEPTED", ": DUPLICATE", "duplicate", "not ", "the ", "claim "}) {
    EXPECT_THAT(dry.err + dry.out + submit.err + submit.out, Not(HasSubstr(english))) << english;
  }
  // A bad cell, in Chinese too, by the header the bank wrote.
  const std::string bad = dir_.path() + "/bad.csv";
  Spit(bad, Gb18030(ClerksFile("贷款-006,41,CENTRAL_WEST,ENTREPRENEUR_INDIVIDUAL,ten,2024/2/30,2024/3/5,2026/3/5,"
                               "3.95,,,李四\r\n")));
  auto refused = Ctl({"loan", "claim", bad, "--submit", "--bank=BANK-A", kPeriod, "--out=" + dir_.path() + "/b.csv"}, zh);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("1 行无法解析，未提交任何内容"));
  EXPECT_THAT(refused.err, HasSubstr(":10 (loan_id 贷款-006): 无法解析："));
  EXPECT_THAT(refused.err, HasSubstr("“ten”不是非负整数。"));
  EXPECT_THAT(refused.err, HasSubstr("日期“2024/2/30”不存在。"));
}

}  // namespace
}  // namespace subsidy::testing
