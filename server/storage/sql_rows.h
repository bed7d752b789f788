// Small readers and checks every ledger file shares: typed columns, INSERT … RETURNING, one-row
// updates, the stored form of reasons, the readers of the ledgers' main rows (payouts, claims and
// their lines, funds), and one read on a connection of its own. Internal to storage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "storage/dialect.h"
#include "storage/rows.h"
#include "storage/sql_session.h"
#include "time/date.h"

namespace subsidy::storage {

// A stored value that does not parse: the database holds something this binary never wrote.
absl::Status Corrupt(absl::string_view what, absl::string_view value);
absl::StatusOr<Date> DateColumn(const SqlRow& row, int col);
absl::StatusOr<std::optional<Date>> OptionalDateColumn(const SqlRow& row, int col);
absl::StatusOr<education::FundSource> SourceColumn(const SqlRow& row, int col);
// "($from, $from+1, …), (…)": `rows` groups of `width` placeholders ("$1, $2" when width is 1), for
// a multi-row VALUES list or an IN list.
std::string Placeholders(int from, size_t rows, int width);
// Rows of one multi-row statement at most: each count of rows prepares a statement text of its own.
inline constexpr size_t kRowsPerStatement = 64;
// Calls `piece(from, n)` for [0, size) in pieces of at most kRowsPerStatement rows, in order; the
// first error stops it.
absl::Status InChunks(size_t size, absl::FunctionRef<absl::Status(size_t from, size_t n)> piece);

absl::StatusOr<int64_t> InsertReturningId(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params);
// One row changed, or the ledger's own bookkeeping is broken.
absl::Status ExpectOneRow(const absl::StatusOr<int64_t>& changed, absl::string_view what);
// `expected` rows changed, or INTERNAL naming `what`.
absl::Status ExpectRows(int64_t changed, int64_t expected, absl::string_view what);

// Reasons are stored as "code\x1fmessage\x1e…" (unit and record separators cannot occur in them).
std::string EncodeReasons(const std::vector<Reason>& reasons);
std::vector<Reason> DecodeReasons(absl::string_view text);

inline constexpr char kPayoutColumns[] =
    "seq, request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
    "determination_date, award_year, due_date, paid_date, COALESCE(voucher_no, ''), reasons, COALESCE(award_key, ''), "
    "data_version, created_by, reject_reason, hold_reason, payee_account, payee_bank, payment_seq, payment_state";
// The stored status and reject reason → the status: a cancellation is REJECTED with reason CANCELLED.
absl::StatusOr<PayoutStatus> StatusColumn(const SqlRow& row, int col, int reason_col);
// The rows of a SELECT of kPayoutColumns, appended to `out`.
absl::Status ReadPayouts(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                         std::vector<PayoutRow>* out);

inline constexpr char kClaimColumns[] =
    "seq, request_id, bank_id, period_start, period_end, fund_id, status, loan_count, accepted_count, invalid_count, "
    "duplicate_count, total_principal_fen, total_interest_fen, total_subsidy_fen, paid_date, COALESCE(voucher_no, ''), "
    "review_reason, data_version, submitted_by, submitted_at, reviewed_by, payment_seq, payment_state, failed_fen";
// The rows of a SELECT of kClaimColumns, appended to `out`.
absl::Status ReadClaims(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                        std::vector<ClaimRow>* out);

inline constexpr char kClaimLineColumns[] =
    "line_no, loan_id, line_status, principal_fen, interest_fen, subsidy_fen, COALESCE(duplicate_of_seq, 0), "
    "result, settled_reasons, flags";
// The rows of a SELECT of kClaimLineColumns, appended to `out`.
absl::Status ReadClaimLines(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                            std::vector<ClaimLineRow>* out);

inline constexpr char kFundColumns[] =
    "seq, fund_id, name, budget_year, level, purpose, region_code, date, document_no, target_prefixes, "
    "min_target_share, forbidden_categories, budget_fen, allocated_fen, paid_fen, created_by, pending_allocated_fen, "
    "pending_cut_fen";
inline constexpr int kFundColumnCount = 18;  // the columns of kFundColumns, which ReadFund reads in order
absl::StatusOr<FundRow> ReadFund(const SqlRow& q);
// The rows of a SELECT of kFundColumns, appended to `out`.
absl::Status ReadFunds(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                       std::vector<FundRow>* out);

// One read on a connection of its own: `fn(session)` gives the answer.
template <class T, class Fn>
absl::StatusOr<T> ReadOne(Dialect& dialect, Fn&& fn) {
  std::optional<T> out;
  auto st = dialect.Read([&](SqlSession& session) -> absl::Status {
    absl::StatusOr<T> r = fn(session);
    if (!r.ok()) return r.status();
    out = std::move(*r);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

}  // namespace subsidy::storage
