// What subsidyctl writes itself, in the user's language (Context::language, from the locale):
// from the message catalogue it was built with (data/messages.textproto, built in), the same
// texts the server writes its refusals from.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/status_util.h"
#include "policy/message_catalogue.h"

namespace subsidy::cli {

// subsidyctl's own texts (reasons of data/messages.textproto).
inline constexpr char kClaimFileColumnsIgnored[] = "CLAIM_FILE_COLUMNS_IGNORED";  // {columns}
inline constexpr char kLoanIdRepeated[] = "LOAN_ID_REPEATED";                     // {line}
inline constexpr char kCliCalcSummary[] = "CLI_CALC_SUMMARY";
inline constexpr char kCliDryRunSummary[] = "CLI_DRY_RUN_SUMMARY";
inline constexpr char kCliDryRunWouldRefuse[] = "CLI_DRY_RUN_WOULD_REFUSE";
inline constexpr char kCliDryRunNotAgainstClaims[] = "CLI_DRY_RUN_NOT_AGAINST_CLAIMS";
inline constexpr char kCliNoPeriod[] = "CLI_NO_PERIOD";
inline constexpr char kCliResults[] = "CLI_RESULTS";
inline constexpr char kCliClaimSummary[] = "CLI_CLAIM_SUMMARY";
inline constexpr char kCliClaimStatusSubmitted[] = "CLI_CLAIM_STATUS_SUBMITTED";
inline constexpr char kCliClaimStatusPaid[] = "CLI_CLAIM_STATUS_PAID";
inline constexpr char kCliClaimStatusRejected[] = "CLI_CLAIM_STATUS_REJECTED";
inline constexpr char kCliClaimFund[] = "CLI_CLAIM_FUND";
inline constexpr char kCliClaimPaid[] = "CLI_CLAIM_PAID";
inline constexpr char kCliClaimRejected[] = "CLI_CLAIM_REJECTED";
inline constexpr char kCliClaimSeeLines[] = "CLI_CLAIM_SEE_LINES";
inline constexpr char kCliRowAccepted[] = "CLI_ROW_ACCEPTED";
inline constexpr char kCliRowInvalid[] = "CLI_ROW_INVALID";
inline constexpr char kCliRowDuplicate[] = "CLI_ROW_DUPLICATE";
inline constexpr char kCliRowError[] = "CLI_ROW_ERROR";
inline constexpr char kCliRowNotSubmitted[] = "CLI_ROW_NOT_SUBMITTED";
inline constexpr char kCliRowNotChecked[] = "CLI_ROW_NOT_CHECKED";
inline constexpr char kCliRowSubmitted[] = "CLI_ROW_SUBMITTED";
inline constexpr char kCliRowDuplicateOf[] = "CLI_ROW_DUPLICATE_OF";
inline constexpr char kCliLine[] = "CLI_LINE";
inline constexpr char kCliRowNotEligible[] = "CLI_ROW_NOT_ELIGIBLE";
inline constexpr char kCliNotSubmittedBadRows[] = "CLI_NOT_SUBMITTED_BAD_ROWS";
inline constexpr char kCliFileNotSubmitted[] = "CLI_FILE_NOT_SUBMITTED";
inline constexpr char kCliNoLoans[] = "CLI_NO_LOANS";
inline constexpr char kCliUploadFailed[] = "CLI_UPLOAD_FAILED";
inline constexpr char kCliUploadNothingKept[] = "CLI_UPLOAD_NOTHING_KEPT";
inline constexpr char kCliClaimAsNow[] = "CLI_CLAIM_AS_NOW";

// The built-in catalogue (loaded once; a catalogue that does not load is a build defect, caught by
// the tests, and leaves the texts to the developer's English).
const MessageCatalogue* Catalogue();

// The text of `code` (a reason) in `language` ("zh-CN", "en") with `params`; `fallback` when the
// catalogue lacks it.
std::string Text(absl::string_view code, const std::string& language, const StatusParams& params,
                 absl::string_view fallback);
// A refusal subsidyctl makes itself with an engine's status (a --period that is not one
// settlement period): its reason's text with its parameters and {field}, else its message.
std::string StatusText(const std::string& language, const absl::Status& status);
// subsidyctl's own text `code` (one of the constants above) with `params`; the code itself if the
// built-in catalogue lacks it (a test checks that it never does).
std::string Say(const std::string& language, absl::string_view code, const StatusParams& params = {});

}  // namespace subsidy::cli
