// Bank claim files (CSV, one loan per row; read with formats/csv.h) ⇄ LoanSubsidyRequest /
// LoanSubsidyResult; and the files written back: results, periods, a stored claim's lines.
//
// Header (any order; loan_id, province, region_tier, program, principal_fen, contract_date,
// disbursement_date, maturity_date and annual_rate_percent are required):
//   loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,
//   contract_date,disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,
//   overdue_periods,claim_start,claim_end,day_count
// A column may also be named by the Chinese header banks use (ClaimColumnAliases(): 贷款编号,
// 合同签订日期, …). Headers are matched after trimming white space and a byte-order mark, with
// full-width characters as ASCII (（） as ()), ignoring spaces and the case of ASCII letters. The
// principal may be given in 元 instead (principal_yuan, 贷款金额(元): at most two decimals), never
// both. A column the reader does not know (借款人, a clerk's notes) is not read: ignored_columns()
// names it, for the caller to warn once; a header cell left empty (Excel's padding) is nothing.
//
// Cells as Excel on Chinese Windows saves them (formats/cells.h): dates YYYY-MM-DD, YYYY-M-D,
// YYYY/M/D, YYYY.M.D, YYYYMMDD or YYYY年M月D日, passed on as YYYY-MM-DD; rates 4.35 or 4.35%;
// full-width digits; whole numbers with grouping commas; enum names in any case. repayments
// "DATE:FEN;DATE:FEN" (e.g. 2024-03-01:5000000;2024/6/1:5000000); overdue_periods
// "START..END;START..END"; enums by their API names (EAST, ACT_365, …). An empty cell of an
// optional column takes the API default; an empty cell of a required column is an error of its
// row. Each bad cell of a row is named once, "column: why" (with the header as written when it is
// not the column's name: "contract_date (合同日期): no such date …"), all of them together.
// Blank rows and '#' lines are skipped by ParseCsv; a row's number is its file line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "csv.h"
#include "policy/message_catalogue.h"
#include "subsidy/v1/loan.pb.h"

namespace subsidy::formats {

// The claim file's columns, in the order of the canonical header above; then principal_yuan
// (the principal in 元, instead of principal_fen).
const std::vector<std::string>& ClaimFileColumns();

// A header banks write, and the column it is read as: the one table of Chinese headers (for the
// docs to list, and for FromHeader).
struct ClaimColumnAlias {
  std::string header;  // as the table writes it; matched as the comment at the top says
  std::string column;  // one of ClaimFileColumns()
};
const std::vector<ClaimColumnAlias>& ClaimColumnAliases();
// A column as a person reads it: its first Chinese header (contract_date → 合同签订日期), else
// the column's own name.
std::string ColumnHeader(absl::string_view column);

// What a bad cell is written as: for a person, each reason's text from `messages` in `language`
// ("发放日期：“2024/13/5”不是日期…"); without a catalogue, the developer's English
// ("disbursement_date (发放日期): not a date: …").
// A header that cannot be read as a claim file's: reasons of data/messages.textproto.
inline constexpr char kFileNoHeader[] = "FILE_NO_HEADER";                // {columns}: the required ones
inline constexpr char kFileMissingColumns[] = "FILE_MISSING_COLUMNS";    // {missing}, {ignored}
inline constexpr char kFileColumnTwice[] = "FILE_COLUMN_TWICE";          // {first, second}: as written
inline constexpr char kFilePrincipalTwice[] = "FILE_PRINCIPAL_TWICE";    // {first, second}: in 分 and in 元

// A claim file's rows that do not read, as the server refuses the file: the refusal ({bad_rows},
// {rows}), and each row in it ({line}, {problems}: its bad cells, written for the caller).
inline constexpr char kClaimFileRowsInvalid[] = "CLAIM_FILE_ROWS_INVALID";
inline constexpr char kClaimFileRow[] = "CLAIM_FILE_ROW";

struct CellTexts {
  const MessageCatalogue* messages = nullptr;
  Language language = Language::kZhCn;
};

class ClaimFileReader {
 public:
  // Reads the header; fails naming every missing column (or the principal given twice, in 分 and
  // in 元; or a column named twice), or saying that the first row is data, not a header. A
  // column it does not know is not an error: see ignored_columns().
  static absl::StatusOr<ClaimFileReader> FromHeader(const std::vector<std::string>& cells);
  static absl::StatusOr<ClaimFileReader> FromHeader(const std::string& header_line);
  // One data row → a request; an error lists every bad cell of the row, each once, by column
  // ("contract_date: no such date …; annual_rate_percent: …"). Dates come out as YYYY-MM-DD.
  absl::StatusOr<v1::LoanSubsidyRequest> ParseRow(const std::vector<std::string>& cells) const;
  absl::StatusOr<v1::LoanSubsidyRequest> ParseRow(const std::string& line) const;
  // Bad cells written for a person from now on (see CellTexts).
  void WriteCellErrors(CellTexts texts) { texts_ = texts; }
  // The row's loan_id cell, whatever else is wrong with the row.
  std::string LoanId(const std::vector<std::string>& cells) const;

  // The header's columns that are not read, as written, each once, in the header's order.
  const std::vector<std::string>& ignored_columns() const { return ignored_; }
  // The one warning for them ("" when there are none), for the CLI and the server to say once:
  //   columns not read (not claim file columns): 借款人, 备注
  std::string IgnoredColumnsWarning() const;

  // Where a column is in the file (for the reader's own use).
  struct Column {
    size_t index = 0;
    std::string header;  // as written in the file
  };

 private:
  std::map<std::string, Column> columns_;  // by column name
  size_t width_ = 0;                       // up to the header's last non-empty cell
  std::vector<bool> headed_;               // by cell: the header names it (a column, or one not read)
  std::vector<bool> unread_;               // by cell: the header names a column that is not read
  std::vector<std::string> ignored_;
  CellTexts texts_;
};

// One data row of a claim file, read: its file line and what it came to.
struct ClaimRow {
  size_t line = 0;      // the file's line where the row starts (1-based, as Excel numbers rows)
  std::string loan_id;  // the loan_id cell, whatever else is wrong with the row
  absl::StatusOr<v1::LoanSubsidyRequest> request;  // or every bad cell of the row (ParseRow)
};
struct ClaimFileRows {
  ClaimFileReader reader;  // its ignored_columns() for the one warning
  std::vector<ClaimRow> rows;
};
// The header (records[0]) and every data row after it, each with its file line (CsvRecord::line).
// Fails only on the header, or on no records: "line N: " and FromHeader's reason.
absl::StatusOr<ClaimFileRows> ReadClaimRows(const std::vector<CsvRecord>& records);

// The result file: one row per loan, in claim order, with the file line it came from.
std::string ResultCsvHeader();
std::string ResultCsvRow(size_t line, const v1::LoanSubsidyResult& r);
// With --periods: one row per settlement period (a loan with an error: one row with it).
std::string PeriodCsvHeader();
std::string PeriodCsvRows(size_t line, const v1::LoanSubsidyResult& r);

// A stored claim's lines, for a bank to diff against its own file: one row per loan, with the
// claim period's figures (the period the claim covers; a loan with no accrual in it has zeros).
// line_no is the claim's line (the order the loans were sent), not the file line.
std::string ClaimLineCsvHeader();
std::string ClaimLineCsvRow(const v1::LoanSubsidyClaimLine& line);

}  // namespace subsidy::formats
