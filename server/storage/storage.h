// The storage interface: everything the services persist goes through it. A mutation runs as
// one transaction through RunIdempotent, which also enforces request_id idempotency; the
// service's function decides (with the pure engine) and writes through LedgerTx. Rows leave
// storage typed (Money, Date, status enums), never as the strings they are stored as.
//
// One ledger (ledger.h) implements this once over a SQL dialect: SQLite (one file, WAL, durable
// group commits; the embedded default) or PostgreSQL (several replicas, every guarantee held by
// the database).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "education/funds.h"
#include "funds/limits.h"
#include "money/money.h"
#include "time/clock.h"
#include "time/date.h"

namespace subsidy::storage {

inline constexpr char kIdempotencyKeyReused[] = "IDEMPOTENCY_KEY_REUSED";
// A staged claim deleted by a later attempt of the same request (FAILED_PRECONDITION).
inline constexpr char kUploadSuperseded[] = "UPLOAD_SUPERSEDED";

// A mutating request: its client-chosen id, the RPC and the payload it carried (the request's
// deterministic serialization without request_id). The same id with another method or payload
// is refused with IDEMPOTENCY_KEY_REUSED.
struct IdempotencyKey {
  std::string request_id;
  std::string method;
  std::string payload;
  // A mutation whose deadline passes before its commit is not applied (DEADLINE_EXCEEDED).
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  // What the mutation decides on (e.g. "school:110106-FT001", "policy:YC-…"): a backend with
  // concurrent writers takes these as locks, in sorted order, before the transaction starts,
  // so that mutations on one key queue instead of failing each other's serialization.
  std::vector<std::string> lock_keys;
};

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
  std::string message;
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
};

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
// LedgerTx::SubmitStagedClaim settles it inside the idempotent transaction that makes it
// visible. A staged claim that is never settled (the client went, the server was killed) is
// deleted by the next attempt with the same request_id, or after kStagedClaimLifetime.
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

struct Reservation {
  enum class Kind { kAllocation, kPayment, kBudgetCut };
  Kind kind = Kind::kAllocation;
  std::string fund_id;
  std::string recipient_id;  // payments
  Money amount;
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

// The operations available inside one transaction.
class LedgerTx {
 public:
  virtual ~LedgerTx() = default;
  // A school's accounts (only sources that ever had an allocation), locked for this transaction.
  virtual absl::StatusOr<std::vector<FundAccount>> FundAccounts(const std::string& school_id) = 0;
  // The date of the school's first allocation; none before its first.
  virtual absl::StatusOr<std::optional<Date>> FirstAllocationDate(const std::string& school_id) = 0;
  // Records an allocation and credits the account; returns its id.
  virtual absl::StatusOr<std::string> InsertAllocation(const std::string& school_id, education::FundSource source,
                                                       Money amount, Date date, const std::string& request_id) = 0;
  // Records an expenditure with its draws and debits the accounts; returns its id. The database
  // refuses a debit beyond an account's balance.
  virtual absl::StatusOr<std::string> InsertExpenditure(const std::string& school_id, const std::string& category,
                                                        Money amount, Date date, const std::string& request_id,
                                                        const std::vector<ExpenditureDraw>& draws) = 0;
  virtual absl::Status Audit(const AuditEntry& entry) = 0;

  // Rewards. The enterprise's awards (SCHEDULED or DISBURSED payouts).
  virtual absl::StatusOr<std::vector<PriorAwardRow>> EnterpriseAwards(const std::string& enterprise_uscc) = 0;
  // What the policy has awarded so far (locks the policy's budget row for this transaction).
  virtual absl::StatusOr<Money> PolicyAwarded(const std::string& policy_id) = 0;
  // Inserts the payout (a SCHEDULED one also adds to the policy's awarded total); returns its
  // seq. A second award under the same award_key fails: the database holds the key unique.
  virtual absl::StatusOr<int64_t> InsertPayout(const PayoutRow& row) = 0;
  // Pays every SCHEDULED payout with determination_date <= payment_date: status DISBURSED,
  // paid_date, a unique voucher number. Returns the rows paid (as they are after payment), by seq.
  virtual absl::StatusOr<std::vector<PayoutRow>> DisburseDue(Date payment_date) = 0;
  // The SCHEDULED payouts with determination_date <= payment_date, by seq; one of them paid (status
  // DISBURSED, paid_date, voucher), or held with the reason a run could not pay it.
  virtual absl::StatusOr<std::vector<PayoutRow>> DuePayouts(Date payment_date) = 0;
  virtual absl::Status DisbursePayout(PayoutRow* payout, Date payment_date) = 0;
  virtual absl::Status HoldPayout(int64_t seq, const std::string& reason) = 0;

  // Claims. Settles a staged claim: each loan's first ACCEPTED line takes the once-only key
  // (bank_id, loan_id, period), which the database holds unique; a line whose key another line
  // holds (earlier in this claim, or in a claim that is not REJECTED) becomes DUPLICATE of that
  // claim. Then the totals (ACCEPTED lines only) and status SUBMITTED. FAILED_PRECONDITION
  // UPLOAD_SUPERSEDED when a later attempt of the same request deleted the staged claim.
  virtual absl::StatusOr<ClaimRow> SubmitStagedClaim(int64_t claim_seq) = 0;
  // A visible claim, locked for this transaction; none for an unknown or staged one.
  virtual absl::StatusOr<std::optional<ClaimRow>> ClaimForUpdate(int64_t claim_seq) = 0;
  // SUBMITTED → PAID with a unique voucher number.
  virtual absl::StatusOr<ClaimRow> PayClaim(int64_t claim_seq, Date paid_date, const std::string& reviewer) = 0;
  // SUBMITTED → REJECTED; its once-only keys are released for a later claim.
  virtual absl::StatusOr<ClaimRow> RejectClaim(int64_t claim_seq, const std::string& reason,
                                               const std::string& reviewer) = 0;

  // Funds. The fund, locked for this transaction; none for an unknown id.
  virtual absl::StatusOr<std::optional<FundRow>> FundForUpdate(const std::string& fund_id) = 0;
  // A new fund (its budget entry included).
  virtual absl::Status InsertFund(const FundRow& fund, const std::string& request_id) = 0;
  // Appends the entry and moves the fund's, the recipient's and the day's figures; returns its
  // id (FA-… for an allocation, FP-… for a payment, FB-… for a budget entry). The database
  // refuses allocated > budget and paid > allocated.
  virtual absl::StatusOr<std::string> PostFundEntry(const FundEntry& entry) = 0;
  // Corrections. The payments of a recipient made for `reference`, with whether each is reversed.
  virtual absl::StatusOr<std::vector<FundPaymentRow>> FundPaymentsFor(const std::string& recipient_id,
                                                                     const std::string& reference) = 0;
  // An expenditure and its draws, locked; none for an unknown id.
  virtual absl::StatusOr<std::optional<ExpenditureRow>> ExpenditureForUpdate(int64_t id) = 0;
  // Records the reversal (the database refuses a second one) and gives the drawn money back to the
  // school's accounts; returns its id (EXR-…).
  virtual absl::StatusOr<std::string> InsertReversal(const ExpenditureRow& expenditure, Date date,
                                                     const std::string& reason, const std::string& request_id,
                                                     const std::string& caller) = 0;
  // A payout, locked; none for an unknown one.
  virtual absl::StatusOr<std::optional<PayoutRow>> PayoutForUpdate(int64_t seq) = 0;
  // SCHEDULED → CANCELLED with its cancellation recorded; the policy's awarded total is freed.
  virtual absl::StatusOr<PayoutRow> CancelPayout(int64_t seq, const std::string& reason, const std::string& request_id,
                                                 const std::string& caller) = 0;

  // Sums as of `as_of`: the fund's when `recipient_id` is empty, else the recipient's (budget 0).
  virtual absl::StatusOr<FundSums> FundSumsAsOf(const std::string& fund_id, const std::string& recipient_id,
                                                Date as_of) = 0;
  // The funds with money allocated to the recipient and not all paid, oldest allocation first;
  // only funds of `level` (when not empty) and of `budget_year` (when not 0).
  virtual absl::StatusOr<std::vector<std::string>> RecipientFunds(const std::string& recipient_kind,
                                                                  const std::string& recipient_id,
                                                                  const std::string& level, int budget_year) = 0;
  // What the recipient's funds (of `level` when not empty, of `budget_year` when not 0) had
  // allocated to it by `as_of`, reversals counted.
  virtual absl::StatusOr<Money> RecipientAllocatedAsOf(const std::string& recipient_kind,
                                                       const std::string& recipient_id, const std::string& level,
                                                       int budget_year, Date as_of) = 0;
  // What the funds of `budget_year` allocated to the recipient, in all; none when nothing was.
  virtual absl::StatusOr<std::optional<Money>> AllocatedToRecipient(const std::string& recipient_kind,
                                                                    const std::string& recipient_id,
                                                                    int budget_year) = 0;
  // What the policy awarded (SCHEDULED or DISBURSED) in an award year.
  virtual absl::StatusOr<Money> PolicyAwardedInYear(const std::string& policy_id, int year) = 0;
  // A recipient's allocations and payments from a fund, all of them; none before its first allocation.
  virtual absl::StatusOr<std::optional<FundRecipientRow>> FundRecipient(const std::string& fund_id,
                                                                        const std::string& recipient_id) = 0;
  // The days a fund's budget or allocations moved (in: budget, out: allocated), by date; and the
  // days a recipient's allocation or payments moved (in: allocated, out: paid).
  virtual absl::StatusOr<std::vector<funds::DayMove>> FundDays(const std::string& fund_id) = 0;
  virtual absl::StatusOr<std::vector<funds::DayMove>> RecipientDays(const std::string& fund_id,
                                                                     const std::string& recipient_id) = 0;
  // The days each source of a school's ledger moved (in: allocated, out: spent; reversals signed).
  virtual absl::StatusOr<std::map<education::FundSource, std::vector<funds::DayMove>>> SchoolDays(
      const std::string& school_id) = 0;
  // What the school's funds of `level` allocated to it and paid for it, in all.
  virtual absl::StatusOr<SchoolFundTotals> SchoolFunds(const std::string& school_id, const std::string& level) = 0;
  // Takes back an allocation to a school (the unspent part of a fund allocation being reversed):
  // a line of the school's ledger, its account debited (the database refuses below what is spent).
  virtual absl::StatusOr<std::string> ReverseSchoolAllocation(const std::string& school_id, education::FundSource source,
                                                              Money amount, Date date, const std::string& fund_entry_id,
                                                              const std::string& request_id,
                                                              const std::string& caller) = 0;
  // Whether an allocation to a school was made under this request (its ledger's allocation).
  virtual absl::StatusOr<std::optional<education::FundSource>> SchoolAllocationOf(const std::string& request_id) = 0;
  // Whether an instruction on `subject` waits for approval.
  virtual absl::StatusOr<bool> InstructionPendingOn(const std::string& subject) = 0;
  // A fund entry, for its reversal; none for an unknown id.
  virtual absl::StatusOr<std::optional<FundEntryRow>> FundEntryById(int64_t id) = 0;
  // The tracking id of the recipient's first allocation from the fund ("" when none).
  virtual absl::StatusOr<std::string> FirstTrackingId(const std::string& fund_id, const std::string& recipient_id) = 0;
  // Whether `tracking_id` is one of the recipient's allocations' in the fund.
  virtual absl::StatusOr<bool> HasTrackingId(const std::string& fund_id, const std::string& recipient_id,
                                             const std::string& tracking_id) = 0;

  // Dual control. A trial runs a posting and undoes it (a savepoint), to learn what it would
  // post; the entries it posts meanwhile are captured.
  virtual absl::Status BeginTrial(std::vector<FundEntry>* captured) = 0;
  virtual absl::Status UndoTrial() = 0;
  // Entries posted from now on name this checker (the approval of an instruction).
  virtual void SetChecker(std::string checker) = 0;
  // Holds (sign +1) or releases (−1) a reservation; the database refuses an over-commitment.
  virtual absl::Status Reserve(const Reservation& r, int sign) = 0;
  virtual absl::StatusOr<int64_t> InsertInstruction(const InstructionRow& row) = 0;
  virtual absl::StatusOr<std::optional<InstructionRow>> InstructionForUpdate(int64_t seq) = 0;
  // PENDING_APPROVAL → POSTED or REJECTED, once (the database refuses a second decision).
  virtual absl::Status DecideInstruction(int64_t seq, InstructionState state, const std::string& checker,
                                         const std::string& reason, const std::string& result_id) = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual int schema_version() const = 0;
  virtual std::string description() const = 0;

  // Runs `fn` in one transaction. A request_id seen before returns the stored response (fn is
  // not run); with another method or payload it fails with IDEMPOTENCY_KEY_REUSED. When fn
  // fails, the transaction rolls back and nothing is recorded, the request_id included. The
  // response fn returns is stored with the request_id and committed with its writes.
  // fn may run more than once (a backend may retry a transaction): it must not have effects
  // outside the transaction. `replayed`, when given, tells whether the answer is a stored one.
  virtual absl::StatusOr<std::string> RunIdempotent(const IdempotencyKey& key,
                                                    const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn,
                                                    bool* replayed = nullptr) = 0;

  // Reads: they see the latest commit and never wait behind a write.
  virtual absl::StatusOr<std::vector<FundAccount>> ReadFundAccounts(const std::string& school_id) = 0;
  virtual absl::StatusOr<std::optional<PayoutRow>> GetPayout(int64_t seq) = 0;
  virtual absl::StatusOr<std::vector<PayoutRow>> ListPayouts(const PayoutFilter& filter) = 0;
  // How many payouts match the filter (its paging fields aside), and their amount.
  struct PayoutTotals {
    int64_t count = 0;
    Money amount;
  };
  virtual absl::StatusOr<PayoutTotals> TotalPayouts(const PayoutFilter& filter) = 0;
  // Awarded so far per policy (for the remaining budgets).
  virtual absl::StatusOr<std::map<std::string, Money>> AwardedByPolicy() = 0;
  // For the budgets of one year (reward::BudgetForYear), every policy at once: what each policy
  // awarded (SCHEDULED or DISBURSED) in award year `year` (LedgerTx::PolicyAwardedInYear), and
  // what the funds of budget year `year` allocated to each recipient of `recipient_kind`, in all,
  // a recipient without an allocation row being absent (LedgerTx::AllocatedToRecipient).
  virtual absl::StatusOr<std::map<std::string, Money>> AwardedByPolicyInYear(int year) = 0;
  virtual absl::StatusOr<std::map<std::string, Money>> AllocatedByRecipient(const std::string& recipient_kind,
                                                                            int year) = 0;
  // For metrics: payouts by status and rejection reason; all schools' ledger totals.
  struct PayoutStat {
    PayoutStatus status;
    std::string reject_reason;
    int64_t count;
    Money amount;
  };
  virtual absl::StatusOr<std::vector<PayoutStat>> PayoutStats() = 0;
  struct LedgerTotals {
    Money allocated;
    Money spent;
    int64_t schools = 0;
  };
  virtual absl::StatusOr<LedgerTotals> Totals() = 0;
  // Claims (see ClaimRow): staging, each step its own transaction.
  virtual absl::StatusOr<int64_t> BeginClaim(const ClaimRow& header) = 0;
  virtual absl::Status AppendClaimLines(int64_t claim_seq, const std::vector<ClaimLineRow>& lines) = 0;
  virtual absl::Status AbandonClaim(int64_t claim_seq) = 0;
  // Visible claims only.
  virtual absl::StatusOr<std::optional<ClaimRow>> GetClaim(int64_t claim_seq) = 0;
  virtual absl::StatusOr<std::vector<ClaimRow>> ListClaims(const ClaimFilter& filter) = 0;
  virtual absl::StatusOr<std::vector<ClaimLineRow>> ListClaimLines(const ClaimLineFilter& filter) = 0;

  // Funds.
  virtual absl::StatusOr<std::optional<FundRow>> GetFund(const std::string& fund_id) = 0;
  virtual absl::StatusOr<std::vector<FundRow>> ListFunds(const FundFilter& filter) = 0;
  // Every fund the filter selects (paging aside), with its figures as of `as_of`.
  virtual absl::StatusOr<std::vector<FundFigures>> FundFiguresAsOf(const FundFilter& filter, Date as_of) = 0;
  // The recipients of these funds with an allocation on or before `as_of`, with their figures then.
  virtual absl::StatusOr<std::vector<FundRecipientRow>> RecipientFiguresAsOf(const std::vector<std::string>& fund_ids,
                                                                             Date as_of) = 0;
  // SCHEDULED payouts a run held back (hold_reason set), by seq.
  virtual absl::StatusOr<std::vector<PayoutRow>> HeldPayouts() = 0;
  // Payouts that were SCHEDULED and past their due date as of `as_of` (paid later, or not yet).
  virtual absl::StatusOr<std::vector<PayoutRow>> OverduePayoutsAsOf(Date as_of) = 0;

  // A school's ledger by date (then recording order), from row `offset` on.
  virtual absl::StatusOr<std::vector<SchoolLedgerRow>> ListSchoolLedger(const std::string& school_id, int64_t offset,
                                                                        int limit) = 0;
  // The audit trail, oldest first.
  virtual absl::StatusOr<std::vector<AuditRow>> ListAuditEvents(const AuditFilter& filter) = 0;

  // A fund's ledger (recording order) with its figures after each entry.
  virtual absl::StatusOr<std::vector<FundEntryRow>> ListFundEntries(const FundEntryFilter& filter) = 0;
  // Instructions, newest first; the pending ones' count and amount (the filter's fund and maker).
  virtual absl::StatusOr<std::optional<InstructionRow>> GetInstruction(int64_t seq) = 0;
  virtual absl::StatusOr<std::vector<InstructionRow>> ListInstructions(const InstructionFilter& filter) = 0;
  struct PendingTotals {
    int64_t count = 0;
    Money amount;
  };
  virtual absl::StatusOr<PendingTotals> PendingInstructions(const std::string& fund_id, const std::string& maker) = 0;
  // What pending instructions reserve per fund (allocations, cuts, recipients' payments), and of it
  // the reserved payments.
  struct FundPending {
    Money pending;
    Money pending_payments;
  };
  virtual absl::StatusOr<std::map<std::string, FundPending>> PendingByFund() = 0;
  // The pending instruction on each of these subjects ("claim:CL-…"), by subject.
  virtual absl::StatusOr<std::map<std::string, int64_t>> PendingOnSubjects(const std::vector<std::string>& subjects) = 0;

  // For tests and operators: the number of rows of a table.
  virtual absl::StatusOr<int64_t> CountRows(const std::string& table) = 0;
};

struct StorageOptions {
  int pool_size = 8;         // PostgreSQL connections
  int sqlite_readers = 4;    // SQLite read connections beside the writer
  const Clock* clock = nullptr;  // default: the system clock
};

// `db` is a file path (SQLite; created with its schema on first start) or a postgresql:// URL.
// The schema is created or migrated on open; a database whose schema is newer than this binary
// knows is refused.
absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& db, const StorageOptions& options = {});

}  // namespace subsidy::storage
