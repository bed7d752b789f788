// libFuzzer: the bank claim-file reader as subsidyctl runs it: decoding (UTF-8, BOM, GB18030 via
// iconv), RFC 4180 records (quotes, CRLF, quoted line breaks), the header, the rows.
#include <cstdint>
#include <string>

#include "formats/claim_file.h"
#include "formats/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = subsidy::formats::DecodeText(std::string(reinterpret_cast<const char*>(data), size),
                                       subsidy::formats::Encoding::kAuto);
  if (!text.ok()) return 0;
  auto records = subsidy::formats::ParseCsv(text->utf8);
  if (!records.ok() || records->empty()) return 0;
  auto reader = subsidy::formats::ClaimFileReader::FromHeader(records->front().cells);
  if (!reader.ok()) {
    // Try the rows against the full header anyway, so that the row parser is fuzzed too.
    reader = subsidy::formats::ClaimFileReader::FromHeader(
        "loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,contract_date,"
        "disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,claim_start,"
        "claim_end,day_count");
  }
  for (const auto& record : *records) {
    (void)reader->LoanId(record.cells);
    (void)reader->ParseRow(record.cells);
  }
  return 0;
}
