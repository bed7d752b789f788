// subsidyctl's claim commands: loan claim --submit, loan claims, loan claim-lines, loan review.
#pragma once

#include "claim_file.h"
#include "cli.h"

namespace subsidy::cli {

// `loan claim FILE.csv --submit`: uploads the file as one claim and prints it with its totals.
int SubmitClaimFile(Context& ctx, const Options& o, const std::string& path, const CsvFile& file,
                    const ClaimFileReader& reader);

void RegisterClaimCommands(Registry& r);

}  // namespace subsidy::cli
