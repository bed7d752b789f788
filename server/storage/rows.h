// The rows the ledgers take and give: typed (Money, Date, status enums), never the strings they
// are stored as; with the filters of the reads, the status names and the ids derived from a
// database sequence (rows.cc). Every ledger header (school_ledger.h, payout_ledger.h, …) speaks
// in these, so a row that two ledgers share is declared once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/status_util.h"
#include "education/funds.h"
#include "money/money.h"
#include "time/date.h"

namespace subsidy::storage {

// A school's account for one source: what the education engine calls a fund position.
using FundAccount = education::FundPosition;

struct ExpenditureDraw {
  education::FundSource source;
  Money amount;
};

struct AuditEntry {
  std::string caller;
  std::string method;
  std::string request_id;
  std::string entity_id;
  std::string result;  // e.g. OK, REJECTED:DUPLICATE_AWARD
  std::string detail;  // a short human line
};

// CANCELLED is stored as REJECTED with the reject_reason CANCELLED and a cancellation row.
enum class PayoutStatus { kScheduled, kRejected, kDisbursed, kCancelled };
const char* PayoutStatusName(PayoutStatus s);  // SCHEDULED, REJECTED, DISBURSED, CANCELLED
inline constexpr char kCancelledReason[] = "CANCELLED";
std::optional<PayoutStatus> PayoutStatusFromName(absl::string_view name);

struct Reason {
  std::string code;
  std::string message;  // the developer's text
  StatusParams params;  // what the code's text in data/messages.textproto is filled with
};

struct PayoutRow {
  int64_t seq = 0;  // assigned by the database; payout_id is derived from it
  std::string request_id;
  std::string policy_id;
  std::string award_group;
  std::string enterprise_uscc;
  std::string enterprise_name;
  PayoutStatus status = PayoutStatus::kRejected;
  Money amount;
  Date determination_date;
  int award_year = 0;
  std::optional<Date> due_date;   // SCHEDULED and DISBURSED only
  std::optional<Date> paid_date;  // DISBURSED only
  std::string voucher_no;
  std::vector<Reason> reasons;
  std::string award_key;  // empty: none
  std::string data_version;
  std::string created_by;
  // A SCHEDULED payout a run could not pay: FUND_NOT_YET_ALLOCATED or ALLOCATION_EXCEEDED ("" none).
  std::string hold_reason;
  std::string payee_account;  // whole: the payment file's
  std::string payee_bank;
  int64_t payment_seq = 0;    // DISBURSED: its latest payment line (0 none)
  std::string payment_state;  // that line's state ("" none)
};

// "PREFIX00000012" ⇄ 12 for ids derived from a database sequence: none for another prefix or form.
std::optional<int64_t> SeqFromId(const std::string& id, absl::string_view prefix, std::string (*id_for)(int64_t));

std::string PayoutIdFor(int64_t seq);  // "PO-00000012"
std::optional<int64_t> PayoutSeqFrom(const std::string& payout_id);

struct PriorAwardRow {
  std::string policy_id;
  std::string award_group;
  int award_year;
  Money amount;
};

struct PayoutFilter {
  std::string policy_id;
  std::string enterprise_uscc;
  std::optional<PayoutStatus> status;
  std::optional<Date> overdue_as_of;  // SCHEDULED with due_date before this date
  bool paid_late = false;             // DISBURSED after the due date (reward::PaidLate)
  std::optional<Date> paid_date;      // DISBURSED on this date
  int64_t after_seq = 0;              // keyset pagination: rows with seq > after_seq, ascending
  int limit = 50;
};

// ---- Loan-subsidy claims ----------------------------------------------------------------------
// A claim is written in steps, so that one of any size is never held whole: BeginClaim stages
// it (invisible to every read), AppendClaimLines adds its computed lines chunk by chunk, and
// ClaimTx::SubmitStagedClaim settles it inside the idempotent transaction that makes it
// visible (claim_ledger.h). A staged claim that is never settled (the client went, the server was killed) is
// deleted by the next attempt with the same request_id, or after kStagedClaimLifetime.

// A staged claim deleted by a later attempt of the same request (FAILED_PRECONDITION).
inline constexpr char kUploadSuperseded[] = "UPLOAD_SUPERSEDED";
enum class ClaimStatus { kUploading, kSubmitted, kPaid, kRejected };
const char* ClaimStatusName(ClaimStatus s);  // UPLOADING, SUBMITTED, PAID, REJECTED
std::optional<ClaimStatus> ClaimStatusFromName(absl::string_view name);
enum class ClaimLineStatus { kAccepted, kInvalid, kDuplicate };
const char* ClaimLineStatusName(ClaimLineStatus s);  // ACCEPTED, INVALID, DUPLICATE
std::optional<ClaimLineStatus> ClaimLineStatusFromName(absl::string_view name);
inline constexpr std::chrono::hours kStagedClaimLifetime{6};

struct ClaimRow {
  int64_t seq = 0;  // assigned by the database; claim_id is derived from it
  std::string request_id;
  std::string bank_id;
  Date period_start;
  Date period_end;
  std::string fund_id;
  ClaimStatus status = ClaimStatus::kUploading;
  int64_t loan_count = 0;
  int64_t accepted_count = 0;
  int64_t invalid_count = 0;
  int64_t duplicate_count = 0;
  Money total_principal;  // ACCEPTED lines only, as the totals below
  Money total_interest;
  Money total_subsidy;
  std::optional<Date> paid_date;  // PAID only
  std::string voucher_no;
  std::string review_reason;
  std::string data_version;
  std::string submitted_by;
  std::string submitted_at;  // UTC RFC 3339, when it became visible
  std::string reviewed_by;
  int64_t payment_seq = 0;    // PAID: its latest payment line (0 none)
  std::string payment_state;  // that line's state ("" none)
  Money failed;               // what the bank failed to pay
};

std::string ClaimIdFor(int64_t seq);  // "CL-00000012"
std::optional<int64_t> ClaimSeqFrom(const std::string& claim_id);

struct ClaimLineRow {
  int64_t line_no = 0;  // 1-based, in the order the loans came
  std::string loan_id;  // empty when the loan's id itself was invalid
  // ACCEPTED or INVALID as staged; the once-only rule turns an ACCEPTED line DUPLICATE.
  ClaimLineStatus status = ClaimLineStatus::kInvalid;
  Money principal;
  Money interest;
  Money subsidy;
  int64_t duplicate_of_seq = 0;  // DUPLICATE: the claim that holds the loan-period
  std::string result;            // the line's LoanSubsidyResult, serialized by the service
  std::string input;             // the loan as sent (LoanSubsidyRequest, serialized): the loan book's record
  // The loan's contract terms ("principal|contract|disbursement|maturity|program"), bound to the
  // loan by its first claim; a later claim with other terms is INVALID LOAN_TERMS_CHANGED.
  std::string terms;
  std::string borrower_key;  // the borrower's id, canonical ("" none)
  int borrower_limit = 0;    // subsidised loans the loan's regime allows one borrower (0: unknown)
  // Set by settling: why an ACCEPTED line became INVALID, and the line's flags.
  std::vector<Reason> settled_reasons;
  std::vector<Reason> flags;
};
inline constexpr char kLoanTermsChanged[] = "LOAN_TERMS_CHANGED";
inline constexpr char kBorrowerClaimedElsewhere[] = "BORROWER_CLAIMED_ELSEWHERE";
inline constexpr char kPriorLoansExceeded[] = "PRIOR_LOANS_EXCEEDED";

struct ClaimFilter {
  std::vector<std::string> bank_ids;  // empty: every bank
  std::optional<ClaimStatus> status;  // never kUploading: staged claims are never listed
  std::optional<Date> period_start;
  int64_t after_seq = 0;
  int limit = 50;
};

struct ClaimLineFilter {
  int64_t claim_seq = 0;
  std::optional<ClaimLineStatus> status;
  int64_t after_line_no = 0;
  int limit = 100;
};

// ---- Funds (资金动态监控) -------------------------------------------------------------------------
// A fund's money moves only by dated entries (budget, adjustments, allocations to recipients,
// payments to them), appended and never changed; the database holds allocated ≤ budget and, per
// fund and per recipient, paid ≤ allocated. Reports as of a date read per-day sums kept with
// every entry.
enum class FundEntryKind { kBudget, kAdjustment, kAllocation, kPayment, kReversal };

struct FundRow {
  int64_t seq = 0;
  std::string fund_id;
  std::string name;
  int budget_year = 0;
  std::string level;    // the API's names: CENTRAL_DIRECT, …
  std::string purpose;  // LOAN_INTEREST_SUBSIDY, EDUCATION, …
  std::string region_code;
  Date date;
  std::string document_no;
  std::vector<std::string> target_prefixes;
  std::string min_target_share;  // percent text, "" for none
  std::vector<std::string> forbidden_categories;
  Money budget;  // every entry so far
  Money allocated;
  Money paid;
  std::string created_by;
  // Held by pending instructions (dual control): allocations, and budget cuts.
  Money pending_allocated;
  Money pending_cut;
};

struct FundEntry {
  FundEntryKind kind = FundEntryKind::kBudget;
  std::string fund_id;
  std::string recipient_id;    // allocations and payments
  std::string recipient_kind;  // allocations: SCHOOL, BANK, REWARD_POLICY, UNIT
  std::string region_code;     // allocations: the recipient's region
  Money amount;                // > 0, but an adjustment may be negative
  Date date;
  std::string document_no;
  std::string category;  // payments
  std::string payee;
  std::string reference;
  std::string request_id;
  std::string created_by;
  int64_t reverses = 0;  // a reversal: the entry it undoes (a payment, an allocation, an adjustment)
  std::string checker;      // who approved it (dual control), "" when posted at once
  std::string tracking_id;  // 业务追溯识别码 ("" for budget entries)
  // A reversal: the kind of the entry it undoes, which decides the figure it moves back.
  FundEntryKind reverses_kind = FundEntryKind::kPayment;
  int reverses_budget_sign = -1;  // a budget entry's reversal: −1 takes a rise back, +1 gives a cut back
};

// A fund entry as stored, with the fund's figures after it (every entry up to it by id).
struct FundEntryRow {
  int64_t id = 0;
  FundEntry entry;
  std::string recorded_at;
  int64_t reversed_by = 0;  // the reversal of this entry, 0 when none
  Money budget_after, allocated_after, paid_after;
};
std::string FundEntryIdFor(FundEntryKind kind, int64_t id);  // FB-/FA-/FP-/FR-00000012
std::optional<int64_t> FundEntrySeqFrom(const std::string& entry_id);
const char* FundEntryKindName(FundEntryKind k);  // BUDGET, ADJUSTMENT, ALLOCATION, PAYMENT, REVERSAL

struct FundEntryFilter {
  std::string fund_id;
  std::string tracking_id;   // "" every
  std::string recipient_id;  // "" every
  int64_t after_id = 0;
  int limit = 50;
};

// ---- Dual control (双人复核) ------------------------------------------------------------------
// A money movement made by a person waits as an instruction. While it is pending it holds
// reservations, which every road respects (the database refuses to over-commit them).
enum class InstructionState { kPending, kPosted, kRejected };
const char* InstructionStateName(InstructionState s);  // PENDING_APPROVAL, POSTED, REJECTED
std::optional<InstructionState> InstructionStateFromName(absl::string_view name);
inline constexpr char kInstructionAlreadyDecided[] = "INSTRUCTION_ALREADY_DECIDED";
inline constexpr char kSameCaller[] = "SAME_CALLER";
// Posting an approved instruction would move another amount than it asked for (and reserved).
inline constexpr char kInstructionAmountChanged[] = "INSTRUCTION_AMOUNT_CHANGED";
// …or the same amount to other payees, payouts or funds than it asked for.
inline constexpr char kInstructionMovementChanged[] = "INSTRUCTION_MOVEMENT_CHANGED";

struct Reservation {
  enum class Kind { kAllocation, kPayment, kBudgetCut };
  Kind kind = Kind::kAllocation;
  std::string fund_id;
  std::string recipient_id;  // payments
  Money amount;
};

// What a posting did, captured while it ran (a trial, or the posting of an approval): its fund
// entries and the payouts it disbursed (by seq), whether paid from a fund or not.
struct Captured {
  std::vector<FundEntry> entries;
  std::vector<int64_t> payouts;
};

struct InstructionRow {
  int64_t seq = 0;
  std::string request_id;  // the maker's
  std::string rpc;         // "AllocateFund"
  std::string request;     // the maker's request, serialized
  std::string summary;
  std::string fund_id;
  std::string recipient_id;
  std::string subject_id;  // one pending instruction per subject ("" none)
  Money amount;
  std::vector<Reservation> reservations;
  // What its trial moved, as a digest (entries' kinds, funds, recipients, amounts and dates, the
  // payouts paid): posting must move the same. "" for instructions made before it was kept.
  std::string moved;
  std::string maker;
  std::string created_at;
  InstructionState state = InstructionState::kPending;
  std::string checker;
  std::string decided_at;
  std::string reason;
  std::string result_id;
};
std::string InstructionIdFor(int64_t seq);  // "IN-00000012"
std::optional<int64_t> InstructionSeqFrom(const std::string& instruction_id);

struct InstructionFilter {
  std::optional<InstructionState> state;
  std::string fund_id;
  std::string maker;
  int64_t before_seq = 0;  // newest first: rows with seq < before_seq (0: from the newest)
  int limit = 50;
};

// A fund payment made for something (an expenditure, a payout, a claim): `reference` names it.
struct FundPaymentRow {
  int64_t entry_id = 0;
  std::string fund_id;
  Money amount;
  bool reversed = false;
  std::string tracking_id;
};

// What a school's funds of one level gave it and paid for it (every fund allocation to a school
// is also its ledger's allocation; every payment to it, its expenditure's).
struct SchoolFundTotals {
  Money allocated;
  Money paid;
  Money pending_paid;  // held by pending instructions (a reversal waiting for approval)
};

// An expenditure with what it drew, for its reversal.
struct ExpenditureRow {
  int64_t id = 0;
  std::string school_id;
  std::string category;
  Money amount;
  Date date;
  std::vector<ExpenditureDraw> draws;
  bool reversed = false;
};

// One line of a school's ledger: an allocation, an expenditure or a reversal; by date, then in
// recording order.
struct SchoolLedgerRow {
  std::string kind;  // ALLOCATION, EXPENDITURE, REVERSAL
  std::string entry_id;
  Date date;
  std::string source;    // allocations
  std::string category;  // expenditures
  Money amount;
  std::string reverses;  // reversals: the expenditure
  std::string request_id;
  std::string recorded_at;
  std::vector<ExpenditureDraw> draws;  // expenditures and reversals: per source
};

struct AuditRow {
  int64_t id = 0;
  std::string at;
  AuditEntry entry;
};

struct AuditFilter {
  std::string subject_id;
  std::string caller;
  std::string since;  // a UTC timestamp or date prefix: events at or after it
  int64_t after_id = 0;
  int limit = 50;
};

struct FundRecipientRow {
  std::string fund_id;
  std::string recipient_id;
  std::string recipient_kind;
  std::string region_code;
  Money allocated;
  Money paid;
  std::optional<Date> last_movement;  // the latest allocation or payment counted
  Money pending_paid;  // held by pending instructions
};

struct FundFilter {
  std::vector<std::string> fund_ids;  // empty: every fund
  int budget_year = 0;                // 0: every year
  std::string purpose;
  std::string level;
  std::string region_prefix;  // of the fund's region_code
  int64_t after_seq = 0;
  int limit = 0;  // 0: no limit
};

// A fund with what its entries dated on or before a date add up to.
struct FundFigures {
  FundRow fund;
  Money budget;
  Money allocated;
  Money paid;
};

// A fund's (or one recipient's) sums of the entries dated on or before a date, and the date of
// its latest entry of all.
struct FundSums {
  Money budget;
  Money allocated;
  Money paid;
  std::optional<Date> latest;
};

}  // namespace subsidy::storage
