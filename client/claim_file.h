// Bank claim files (CSV, one loan per row) ⇄ LoanSubsidyRequest / LoanSubsidyResult, as bank and
// office software writes them: UTF-8 with or without a byte-order mark, or GB18030/GBK; Excel's
// CSV (CRLF line ends, quoted fields, quoted line breaks); empty cells.
//
// Header (any order; loan_id, province, region_tier, program, principal_fen, contract_date,
// disbursement_date, maturity_date and annual_rate_percent are required):
//   loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,
//   contract_date,disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,
//   overdue_periods,claim_start,claim_end,day_count
// Cell syntax: repayments "DATE:FEN;DATE:FEN" (e.g. 2024-03-01:5000000;2024-06-01:5000000);
// overdue_periods "START..END;START..END"; enums by their API names (EAST, ACT_365, …). An empty
// cell of an optional column takes the API default; an empty cell of a required column is an
// error of its row. A '#' at the start of a line makes it a comment.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "subsidy/v1/loan.pb.h"
#include "subsidy/v1/reward.pb.h"

namespace subsidy::cli {

enum class Encoding { kAuto, kUtf8, kGb18030 };
absl::StatusOr<Encoding> EncodingFromName(absl::string_view name);  // auto, utf-8, gb18030 (gbk)

struct DecodedText {
  std::string utf8;
  std::string encoding;  // what the file was read as: "UTF-8", "UTF-8 with BOM", "GB18030"
};
// The file's text as UTF-8. auto: a UTF-8 byte-order mark, else valid UTF-8, else GB18030 (a
// superset of GBK and GB2312). Converted by glibc's iconv; a byte sequence that is neither is an
// error naming its line.
absl::StatusOr<DecodedText> DecodeText(std::string bytes, Encoding encoding);

// The file's bytes for text in UTF-8: as is, or converted to GB18030 by iconv (for bank
// software that reads only GBK).
absl::StatusOr<std::string> EncodeText(const std::string& utf8, Encoding encoding);

// One CSV cell, quoted when it must be.
std::string CsvCell(const std::string& s);

struct CsvRecord {
  size_t line = 0;  // where the record starts (1-based)
  std::vector<std::string> cells;
};
// RFC 4180 records: "a,b" and "" inside quotes, line breaks inside quotes, CRLF or LF line ends.
// Blank lines and lines starting with '#' are skipped.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

// A CSV file read whole: decoded to UTF-8 and split into records (at least the header).
struct CsvFile {
  std::string encoding;
  std::vector<CsvRecord> records;
};
// Errors say the file and why: cannot read it (with the system's reason), not decodable (with
// the line), not CSV (with the line), empty.
absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path, Encoding encoding);

// Splits one CSV line (kept for callers with a single line).
absl::StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& line);

class ClaimFileReader {
 public:
  // Reads the header; fails naming an unknown or missing column, or saying that the first row
  // is data, not a header.
  static absl::StatusOr<ClaimFileReader> FromHeader(const std::vector<std::string>& cells);
  static absl::StatusOr<ClaimFileReader> FromHeader(const std::string& header_line);
  // One data row → a request; an error lists every bad cell of the row, by column.
  absl::StatusOr<v1::LoanSubsidyRequest> ParseRow(const std::vector<std::string>& cells) const;
  absl::StatusOr<v1::LoanSubsidyRequest> ParseRow(const std::string& line) const;
  // The row's loan_id cell, whatever else is wrong with the row.
  std::string LoanId(const std::vector<std::string>& cells) const;

 private:
  std::map<std::string, size_t> columns_;
};

// The result file: one row per loan, in claim order, with the line it came from.
std::string ResultCsvHeader();
std::string ResultCsvRow(size_t line, const v1::LoanSubsidyResult& r);
// With --periods: one row per settlement period (a loan with an error: one row with it).
std::string PeriodCsvHeader();
std::string PeriodCsvRows(size_t line, const v1::LoanSubsidyResult& r);

// A stored claim's lines, for a bank to diff against its own file: one row per loan, with the
// claim period's figures (the period the claim covers; a loan with no accrual in it has zeros).
std::string ClaimLineCsvHeader();
std::string ClaimLineCsvRow(const v1::LoanSubsidyClaimLine& line);

// The bank's payment file of a disbursement run: one row per payout paid, CRLF line ends
// (RewardPayoutService.GetPaymentFile writes it; subsidyctl and the console fetch it).
std::string PaymentFileCsvHeader();
std::string PaymentFileCsvRow(const v1::Payout& paid);

}  // namespace subsidy::cli
