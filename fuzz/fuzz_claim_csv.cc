// libFuzzer: the bank claim-file reader (header, rows, cell syntax).
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "claim_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string line;
  std::optional<subsidy::cli::ClaimFileReader> reader;
  while (std::getline(in, line)) {
    if (!reader) {
      auto r = subsidy::cli::ClaimFileReader::FromHeader(line);
      if (!r.ok()) {
        // Try the rows against the full header anyway, so that the row parser is fuzzed too.
        r = subsidy::cli::ClaimFileReader::FromHeader(
            "loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,contract_date,"
            "disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,claim_start,"
            "claim_end,day_count");
      }
      reader = std::move(*r);
      continue;
    }
    (void)reader->ParseRow(line);
  }
  return 0;
}
