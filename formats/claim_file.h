// Bank claim files (CSV, one loan per row; read with formats/csv.h) ⇄ LoanSubsidyRequest /
// LoanSubsidyResult; and the files written back: results, periods, a stored claim's lines.
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

namespace subsidy::formats {

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

}  // namespace subsidy::formats
