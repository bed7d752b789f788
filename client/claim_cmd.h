// subsidyctl's claim commands: loan claim --submit, loan claims, loan claim-lines, loan review.
#pragma once

#include "formats/claim_file.h"
#include "formats/csv.h"
#include "cli.h"

namespace subsidy::cli {

// `loan claim FILE.csv --submit`: uploads the file as one claim, batch_size loans a message, and
// prints it with its totals.
int SubmitClaimFile(Context& ctx, const Options& o, const std::string& path, const formats::CsvFile& file,
                    const formats::ClaimFileReader& reader, int batch_size);

void RegisterClaimCommands(Registry& r);

}  // namespace subsidy::cli
