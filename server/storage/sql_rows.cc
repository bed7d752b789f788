#include "storage/sql_rows.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace subsidy::storage {

// A stored value that does not parse means the database holds something this binary never wrote.
absl::Status Corrupt(absl::string_view what, absl::string_view value) {
  return absl::DataLossError(absl::StrCat("the database holds ", what, " \"", value, "\" that this binary cannot read"));
}

absl::StatusOr<Date> DateColumn(const SqlRow& row, int col) {
  const std::string text = row.Text(col);
  auto d = Date::Parse(text);
  if (!d.ok()) return Corrupt("a date", text);
  return *d;
}

absl::StatusOr<std::optional<Date>> OptionalDateColumn(const SqlRow& row, int col) {
  if (row.IsNull(col) || row.Text(col).empty()) return std::optional<Date>();
  auto d = DateColumn(row, col);
  if (!d.ok()) return d.status();
  return std::optional<Date>(*d);
}

std::string Placeholders(int from, size_t rows, int width) {
  std::string out;
  for (size_t r = 0; r < rows; ++r) {
    if (width > 1) absl::StrAppend(&out, r ? ", (" : "(");
    else if (r) absl::StrAppend(&out, ", ");
    for (int c = 0; c < width; ++c) absl::StrAppend(&out, c ? ", $" : "$", from + static_cast<int>(r) * width + c);
    if (width > 1) absl::StrAppend(&out, ")");
  }
  return out;
}

absl::Status InChunks(size_t size, absl::FunctionRef<absl::Status(size_t from, size_t n)> piece) {
  for (size_t from = 0; from < size; from += kRowsPerStatement) {
    if (auto s = piece(from, std::min(kRowsPerStatement, size - from)); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SqlSession::AppendRows(absl::string_view table, absl::Span<const absl::string_view> columns,
                                    absl::Span<const SqlParam> values) {
  const size_t width = columns.size();
  if (width == 0 || values.size() % width != 0) return absl::InternalError("AppendRows: a row is not whole");
  // Up to ~1,500 values a statement (SQLite binds at most 32,766); the tail a row at a time, so
  // that only two statements are ever prepared per table.
  const size_t per = std::max<size_t>(1, 1536 / width), rows = values.size() / width;
  auto sql = [&](size_t n) {
    return absl::StrCat("INSERT INTO ", table, " (", absl::StrJoin(columns, ", "), ") VALUES ",
                        Placeholders(1, n, static_cast<int>(width)));
  };
  const std::string full = rows >= per ? sql(per) : "", one = sql(1);
  size_t row = 0;
  for (; row + per <= rows; row += per) {
    if (auto n = Exec(full, values.subspan(row * width, per * width)); !n.ok()) return n.status();
  }
  for (; row < rows; ++row) {
    if (auto n = Exec(one, values.subspan(row * width, width)); !n.ok()) return n.status();
  }
  return absl::OkStatus();
}

absl::Status SqlSession::ExecLater(absl::string_view sql, absl::Span<const SqlParam> params, int64_t expect_rows,
                                   absl::string_view what) {
  auto changed = Exec(sql, params);
  if (!changed.ok() || expect_rows < 0) return changed.status();
  return ExpectRows(*changed, expect_rows, what);
}

absl::StatusOr<int64_t> InsertReturningId(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params) {
  int64_t id = 0;
  auto found = s.QueryOne(sql, params, [&](const SqlRow& row) { id = row.Int(0); });
  if (!found.ok()) return found.status();
  if (!*found) return absl::InternalError("an INSERT … RETURNING returned no row");
  return id;
}

// One row changed, or the ledger's own bookkeeping is broken.
absl::Status ExpectOneRow(const absl::StatusOr<int64_t>& changed, absl::string_view what) {
  if (!changed.ok()) return changed.status();
  return ExpectRows(*changed, 1, what);
}

absl::Status ExpectRows(int64_t changed, int64_t expected, absl::string_view what) {
  if (changed == expected) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", changed, " rows changed, expected ", expected));
}

absl::StatusOr<education::FundSource> SourceColumn(const SqlRow& row, int col) {
  const std::string text = row.Text(col);
  auto src = education::FundSourceFromName(text);
  if (!src) return Corrupt("a fund source", text);
  return *src;
}

// Reasons are stored as "code\x1fmessage[\x1fname\x1dvalue\x1cname\x1dvalue]\x1e…" (the ASCII
// separators cannot occur in them); rows written before parameters were kept have none.
std::string EncodeReasons(const std::vector<Reason>& reasons) {
  std::string out;
  for (const auto& r : reasons) {
    absl::StrAppend(&out, r.code, "\x1f", r.message);
    if (!r.params.empty()) {
      absl::StrAppend(&out, "\x1f", absl::StrJoin(r.params, "\x1c", absl::PairFormatter("\x1d")));
    }
    absl::StrAppend(&out, "\x1e");
  }
  return out;
}

std::vector<Reason> DecodeReasons(absl::string_view text) {
  std::vector<Reason> out;
  for (absl::string_view rec : absl::StrSplit(text, '\x1e', absl::SkipEmpty())) {
    std::vector<absl::string_view> parts = absl::StrSplit(rec, absl::MaxSplits('\x1f', 2));
    Reason r{std::string(parts[0]), parts.size() > 1 ? std::string(parts[1]) : std::string(), {}};
    if (parts.size() > 2) {
      for (absl::string_view kv : absl::StrSplit(parts[2], '\x1c', absl::SkipEmpty())) {
        std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('\x1d', 1));
        r.params.insert(std::move(p));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

// The stored status and reject reason → the status: a cancellation is REJECTED with reason CANCELLED.
absl::StatusOr<PayoutStatus> StatusColumn(const SqlRow& row, int col, int reason_col) {
  const std::string text = row.Text(col);
  auto s = PayoutStatusFromName(text);
  if (!s || *s == PayoutStatus::kCancelled) return Corrupt("a payout status", text);
  if (*s == PayoutStatus::kRejected && row.Text(reason_col) == kCancelledReason) return PayoutStatus::kCancelled;
  return *s;
}

namespace {

absl::StatusOr<PayoutRow> ReadPayout(const SqlRow& q) {
  PayoutRow r;
  r.seq = q.Int(0);
  r.request_id = q.Text(1);
  r.policy_id = q.Text(2);
  r.award_group = q.Text(3);
  r.enterprise_uscc = q.Text(4);
  r.enterprise_name = q.Text(5);
  auto status = StatusColumn(q, 6, 17);
  if (!status.ok()) return status.status();
  r.status = *status;
  r.amount = Money::Fen(q.Int(7));
  auto determined = DateColumn(q, 8);
  if (!determined.ok()) return determined.status();
  r.determination_date = *determined;
  r.award_year = static_cast<int>(q.Int(9));
  auto due = OptionalDateColumn(q, 10);
  if (!due.ok()) return due.status();
  r.due_date = *due;
  auto paid = OptionalDateColumn(q, 11);
  if (!paid.ok()) return paid.status();
  r.paid_date = *paid;
  r.voucher_no = q.Text(12);
  r.reasons = DecodeReasons(q.Text(13));
  r.award_key = q.Text(14);
  r.data_version = q.Text(15);
  r.created_by = q.Text(16);
  r.hold_reason = q.Text(18);
  r.payee_account = q.Text(19);
  r.payee_bank = q.Text(20);
  r.payment_seq = q.Int(21);
  r.payment_state = q.Text(22);
  return r;
}

absl::StatusOr<ClaimRow> ReadClaim(const SqlRow& q) {
  ClaimRow c;
  c.seq = q.Int(0);
  c.request_id = q.Text(1);
  c.bank_id = q.Text(2);
  auto start = DateColumn(q, 3);
  if (!start.ok()) return start.status();
  c.period_start = *start;
  auto end = DateColumn(q, 4);
  if (!end.ok()) return end.status();
  c.period_end = *end;
  c.fund_id = q.Text(5);
  const std::string status = q.Text(6);
  auto st = ClaimStatusFromName(status);
  if (!st) return Corrupt("a claim status", status);
  c.status = *st;
  c.loan_count = q.Int(7);
  c.accepted_count = q.Int(8);
  c.invalid_count = q.Int(9);
  c.duplicate_count = q.Int(10);
  c.total_principal = Money::Fen(q.Int(11));
  c.total_interest = Money::Fen(q.Int(12));
  c.total_subsidy = Money::Fen(q.Int(13));
  auto paid = OptionalDateColumn(q, 14);
  if (!paid.ok()) return paid.status();
  c.paid_date = *paid;
  c.voucher_no = q.Text(15);
  c.review_reason = q.Text(16);
  c.data_version = q.Text(17);
  c.submitted_by = q.Text(18);
  c.submitted_at = q.Text(19);
  c.reviewed_by = q.Text(20);
  c.payment_seq = q.Int(21);
  c.payment_state = q.Text(22);
  c.failed = Money::Fen(q.Int(23));
  return c;
}

absl::StatusOr<ClaimLineRow> ReadClaimLine(const SqlRow& q) {
  ClaimLineRow l;
  l.line_no = q.Int(0);
  l.loan_id = q.Text(1);
  const std::string status = q.Text(2);
  auto st = ClaimLineStatusFromName(status);
  if (!st) return Corrupt("a claim line status", status);
  l.status = *st;
  l.principal = Money::Fen(q.Int(3));
  l.interest = Money::Fen(q.Int(4));
  l.subsidy = Money::Fen(q.Int(5));
  l.duplicate_of_seq = q.Int(6);
  l.result = q.Bytes(7);
  l.settled_reasons = DecodeReasons(q.Text(8));
  l.flags = DecodeReasons(q.Text(9));
  return l;
}

std::vector<std::string> SplitList(const std::string& text) {
  return absl::StrSplit(text, ',', absl::SkipEmpty());
}

// Every row of the statement, read by `read`, appended to `out`.
template <class Row>
absl::Status AppendRows(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                        absl::StatusOr<Row> (*read)(const SqlRow&), std::vector<Row>* out) {
  return s.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
    auto r = read(row);
    if (!r.ok()) return r.status();
    out->push_back(std::move(*r));
    return absl::OkStatus();
  });
}

}  // namespace

absl::Status ReadPayouts(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                         std::vector<PayoutRow>* out) {
  return AppendRows(s, sql, params, &ReadPayout, out);
}

absl::Status ReadClaims(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                        std::vector<ClaimRow>* out) {
  return AppendRows(s, sql, params, &ReadClaim, out);
}

absl::Status ReadClaimLines(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                            std::vector<ClaimLineRow>* out) {
  return AppendRows(s, sql, params, &ReadClaimLine, out);
}

absl::StatusOr<FundRow> ReadFund(const SqlRow& q) {
  FundRow f;
  f.seq = q.Int(0);
  f.fund_id = q.Text(1);
  f.name = q.Text(2);
  f.budget_year = static_cast<int>(q.Int(3));
  f.level = q.Text(4);
  f.purpose = q.Text(5);
  f.region_code = q.Text(6);
  auto date = DateColumn(q, 7);
  if (!date.ok()) return date.status();
  f.date = *date;
  f.document_no = q.Text(8);
  f.target_prefixes = SplitList(q.Text(9));
  f.min_target_share = q.Text(10);
  f.forbidden_categories = SplitList(q.Text(11));
  f.budget = Money::Fen(q.Int(12));
  f.allocated = Money::Fen(q.Int(13));
  f.paid = Money::Fen(q.Int(14));
  f.created_by = q.Text(15);
  f.pending_allocated = Money::Fen(q.Int(16));
  f.pending_cut = Money::Fen(q.Int(17));
  return f;
}

absl::Status ReadFunds(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                       std::vector<FundRow>* out) {
  return AppendRows(s, sql, params, &ReadFund, out);
}

}  // namespace subsidy::storage
