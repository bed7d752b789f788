// Bank claim files (CSV, one loan per row) ⇄ LoanSubsidyRequest / LoanSubsidyResult.
//
// Header (any order; loan_id, province, region_tier, program, principal_fen, contract_date,
// disbursement_date, maturity_date and annual_rate_percent are required):
//   loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,
//   contract_date,disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,
//   overdue_periods,claim_start,claim_end,day_count
// Cell syntax: repayments "DATE:FEN;DATE:FEN" (e.g. 2024-03-01:5000000;2024-06-01:5000000);
// overdue_periods "START..END;START..END"; enums by their API names (EAST, ACT_365, …); empty
// cells take the API default. A '#' at the start of a line makes it a comment.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "subsidy/v1/loan.pb.h"

namespace subsidy::cli {

// Splits one CSV line (RFC 4180 quoting: "a,b" and "" inside quotes).
absl::StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& line);

class ClaimFileReader {
 public:
  // Reads the header; fails naming the missing or unknown column.
  static absl::StatusOr<ClaimFileReader> FromHeader(const std::string& header_line);
  // One data row → a request; errors name the column.
  absl::StatusOr<v1::LoanSubsidyRequest> ParseRow(const std::string& line) const;

 private:
  std::map<std::string, size_t> columns_;
};

// The result file: one row per loan, in claim order.
std::string ResultCsvHeader();
std::string ResultCsvRow(const v1::LoanSubsidyResult& r);

}  // namespace subsidy::cli
