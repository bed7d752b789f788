// subsidyctl's claim commands: loan claim FILE (read once here, then calculated in loan_cmd.cc,
// checked as a claim with --dry_run or filed with --submit in claim_cmd.cc), loan claims, loan
// claim-lines, loan review.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "formats/claim_file.h"
#include "formats/csv.h"
#include "cli.h"
#include "subsidy/v1/loan.pb.h"

namespace subsidy::cli {

// One data row of a claim file: its line in the file (as Excel numbers rows: the one line number
// every message and result file gives), its loan_id cell, and the loan it parses to, or why not.
struct ClaimFileRow {
  size_t line = 0;
  std::string loan_id;
  v1::LoanSubsidyRequest loan;
  std::string parse_error;  // every bad cell of the row: a submit refuses the whole file
  // Parses, but its own claim window is not the claim's --period: a submit stores it INVALID.
  v1::ItemError invalid;
};

// A claim file as the command read it, and where its result file goes.
struct ClaimFile {
  std::string path;
  formats::CsvFile csv;  // its encoding as read, and its records (the fingerprint is over them)
  std::vector<ClaimFileRow> rows;
  std::vector<std::string> ignored_columns;  // columns not read (warned about once)
  std::optional<v1::DateRange> period;       // --period
  std::string out_path;                      // --out (default FILE.result.csv)
  formats::Encoding out_encoding = formats::Encoding::kUtf8;  // UTF-8 is written with a BOM
  // "FILE:LINE (loan_id X): ", how a message names a row.
  std::string Where(const ClaimFileRow& row) const;
};

// One row of the file as a claim decided it (with --dry_run: as it would), for the result file of
// --submit and --dry_run.
struct ClaimOutcome {
  // ACCEPTED, INVALID, DUPLICATE as the server decides; ERROR: the row does not parse (a submit
  // refuses the file); NOT_SUBMITTED; NOT_CHECKED (a dry run the server did not answer); SUBMITTED
  // (sent, but its line's status could not be read back).
  std::string status = "NOT_SUBMITTED";
  std::string duplicate_of;        // the claim id, or "line N" of this file
  v1::LoanSubsidyResult result;    // the figures, or the error (its field and message name no loans[i])
  std::vector<std::string> flags;  // BORROWER_CLAIMED_ELSEWHERE, … on an accepted line
};
// A row the engine did not answer: `status` and why.
ClaimOutcome Failed(const std::string& status, const std::string& code, const std::string& field, const std::string& why);
// The server's answer for a row: INVALID with its in-band error, else `status` with the figures.
ClaimOutcome Answered(v1::LoanSubsidyResult r, const std::string& status);
// A row's outcome as the user reads it (ctx.language): its status, the row it repeats, why it is
// invalid, and its reasons (written by the server in the user's language).
std::string RowOutcomeText(const std::string& language, const ClaimOutcome& c);
// The result file, and on stderr (not with --json) each row that is not plainly accepted, by its
// line and loan_id. 0, or 1 when the file cannot be written.
int WriteClaimOutcomes(Context& ctx, const ClaimFile& file, const std::vector<ClaimOutcome>& outcomes);
// A claim as the user reads it (its counts, totals, payment or rejection); with --json, as JSON.
void PrintClaim(Context& ctx, const v1::LoanSubsidyClaim& c);

// Its result file: a row per file row, by file line, with the claim period's figures (days summed
// over the periods when there is no --period) or the error.
std::string ClaimOutcomeCsvHeader();
std::string ClaimOutcomeCsvRow(const ClaimFileRow& row, const ClaimOutcome& c);

// The server's path of a loan in a claim or a batch (`loans[6]`, `loans[6].claim_period`) with
// `at(6)` for the `loans[6]` part; an empty `at` drops it with its dot.
std::string RewriteLoanPaths(const std::string& text, const std::function<std::string(size_t)>& at);
// An in-band error's field or message without the loan's path: the row already names its line.
std::string WithoutLoanPath(const std::string& text);
// A failed call's status with RewriteLoanPaths applied to its message and to the fields its
// BadRequest details name (a whole upload refused for one loan: `loans[6]` as that loan's file line).
grpc::Status WithFileLines(const grpc::Status& status, const std::function<std::string(size_t)>& at);

// Writes the result file (text in UTF-8) in file.out_encoding: GB18030, or UTF-8 with a byte-order
// mark. 0, or 1 after saying why not.
int WriteClaimResultFile(Context& ctx, const ClaimFile& file, const std::string& utf8);
// A file that cannot be read as a claim (its bytes, its CSV, its header) still gets its result file:
// one FILE_ERROR row saying why, at the line where it went wrong. Then the refusal (exit 1).
int RefuseClaimFile(Context& ctx, const ClaimFile& file, size_t line, const std::string& why);

// `loan claim FILE --submit`: uploads the parsed rows as one claim, batch_size loans a message,
// prints the claim (its state now, after a replay) and writes every row's status to the result
// file. A row that does not parse stops the submission: the result file then says why.
int SubmitClaimFile(Context& ctx, const Options& o, const ClaimFile& file, int batch_size);
// `loan claim FILE --dry_run`: every row checked on the server as a submit would decide it
// (CalculateLoanSubsidyBatch with the claim's period: nothing stored), into the result file.
int DryRunClaimFile(Context& ctx, const Options& o, const ClaimFile& file, int batch_size);

void RegisterClaimCommands(Registry& r);

}  // namespace subsidy::cli
