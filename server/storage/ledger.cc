#include "storage/ledger.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "common/status_util.h"
#include "ids/canonical.h"
#include "storage/fund_ledger_sql.h"
#include "storage/sql_rows.h"

namespace subsidy::storage {
namespace {

// Reasons are stored as "code\x1fmessage\x1e…" (unit and record separators cannot occur in them).
std::string EncodeReasons(const std::vector<Reason>& reasons) {
  std::string out;
  for (const auto& r : reasons) absl::StrAppend(&out, r.code, "\x1f", r.message, "\x1e");
  return out;
}

// What differs between two loans' terms ("principal|contract|disbursement|maturity|program").
std::string TermsChange(const std::string& first, const std::string& now) {
  static const char* kNames[] = {"principal_fen", "contract_date", "disbursement_date", "maturity_date", "program"};
  std::vector<std::string> a = absl::StrSplit(first, '|'), b = absl::StrSplit(now, '|');
  std::vector<std::string> changed;
  for (size_t i = 0; i < std::size(kNames); ++i) {
    const std::string x = i < a.size() ? a[i] : "", y = i < b.size() ? b[i] : "";
    if (x != y) changed.push_back(absl::StrCat(kNames[i], " ", x, " → ", y));
  }
  return absl::StrCat("贷款合同要素与首次申请不符 (the loan's terms differ from its first claim: ",
                      absl::StrJoin(changed, ", "), ")");
}

std::vector<Reason> DecodeReasons(absl::string_view text) {
  std::vector<Reason> out;
  for (absl::string_view rec : absl::StrSplit(text, '\x1e', absl::SkipEmpty())) {
    const size_t sep = rec.find('\x1f');
    out.push_back({std::string(rec.substr(0, sep)),
                   sep == absl::string_view::npos ? std::string() : std::string(rec.substr(sep + 1))});
  }
  return out;
}

absl::StatusOr<education::FundSource> SourceColumn(const SqlRow& row, int col) {
  const std::string text = row.Text(col);
  auto src = education::FundSourceFromName(text);
  if (!src) return Corrupt("a fund source", text);
  return *src;
}

// The stored status and reject reason → the status: a cancellation is REJECTED with reason CANCELLED.
absl::StatusOr<PayoutStatus> StatusColumn(const SqlRow& row, int col, int reason_col) {
  const std::string text = row.Text(col);
  auto s = PayoutStatusFromName(text);
  if (!s || *s == PayoutStatus::kCancelled) return Corrupt("a payout status", text);
  if (*s == PayoutStatus::kRejected && row.Text(reason_col) == kCancelledReason) return PayoutStatus::kCancelled;
  return *s;
}

// The stored status a status filter matches (CANCELLED is a kind of REJECTED).
std::string PayoutStatusCondition(PayoutStatus s) {
  switch (s) {
    case PayoutStatus::kCancelled: return "status = 'REJECTED' AND reject_reason = 'CANCELLED'";
    case PayoutStatus::kRejected: return "status = 'REJECTED' AND reject_reason <> 'CANCELLED'";
    default: return absl::StrCat("status = '", PayoutStatusName(s), "'");
  }
}

constexpr char kPayoutColumns[] =
    "seq, request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
    "determination_date, award_year, due_date, paid_date, COALESCE(voucher_no, ''), reasons, COALESCE(award_key, ''), "
    "data_version, created_by, reject_reason, hold_reason";

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
  return r;
}

absl::Status ReadPayouts(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                         std::vector<PayoutRow>* out) {
  return s.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
    auto p = ReadPayout(row);
    if (!p.ok()) return p.status();
    out->push_back(std::move(*p));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<FundAccount>> ReadAccounts(SqlSession& s, const std::string& school_id,
                                                      absl::string_view lock_clause) {
  std::vector<FundAccount> out;
  auto st = s.Query(absl::StrCat("SELECT source, allocated_fen, spent_fen FROM fund_accounts WHERE school_id = $1",
                                 lock_clause),
                    {SqlParam::Text(school_id)}, [&](const SqlRow& row) -> absl::Status {
                      auto src = SourceColumn(row, 0);
                      if (!src.ok()) return src.status();
                      out.push_back({*src, Money::Fen(row.Int(1)), Money::Fen(row.Int(2))});
                      return absl::OkStatus();
                    });
  if (!st.ok()) return st;
  return out;
}

std::string VoucherFor(Date paid, int64_t seq) {
  const Date::Ymd d = paid.ToYmd();
  return absl::StrFormat("PV%04d%02d%02d-%08d", d.year, d.month, d.day, seq);
}


constexpr char kClaimColumns[] =
    "seq, request_id, bank_id, period_start, period_end, fund_id, status, loan_count, accepted_count, invalid_count, "
    "duplicate_count, total_principal_fen, total_interest_fen, total_subsidy_fen, paid_date, COALESCE(voucher_no, ''), "
    "review_reason, data_version, submitted_by, submitted_at, reviewed_by";

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
  return c;
}

absl::Status ReadClaims(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                        std::vector<ClaimRow>* out) {
  return s.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
    auto c = ReadClaim(row);
    if (!c.ok()) return c.status();
    out->push_back(std::move(*c));
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<ClaimRow>> ReadOneClaim(SqlSession& s, int64_t seq, absl::string_view lock_clause) {
  std::vector<ClaimRow> rows;
  auto st = ReadClaims(s,
                       absl::StrCat("SELECT ", kClaimColumns, " FROM loan_claims WHERE seq = $1 AND status <> 'UPLOADING'",
                                    lock_clause),
                       {SqlParam::Int(seq)}, &rows);
  if (!st.ok()) return st;
  if (rows.empty()) return std::optional<ClaimRow>();
  return std::optional<ClaimRow>(std::move(rows.front()));
}

// Not ABORTED: retrying the transaction cannot bring the staged claim back.
absl::Status StagedClaimGone() {
  return WithReason(absl::FailedPreconditionError(
                        "another upload with the same request_id superseded this one; the later upload stands"),
                    kUploadSuperseded);
}

std::string ClaimVoucherFor(Date paid, int64_t seq) {
  const Date::Ymd d = paid.ToYmd();
  return absl::StrFormat("LV%04d%02d%02d-%08d", d.year, d.month, d.day, seq);
}

// Staged lines go in as multi-row INSERTs: one round trip per kLinesPerInsert lines.
constexpr int kLineColumns = 11;
constexpr int kLinesPerInsert = 128;

std::string InsertKeysSql(int rows) {
  std::string sql = "INSERT INTO loan_claim_keys (bank_id, loan_id, period_start, claim_seq, line_no) VALUES ";
  int n = 0;
  for (int r = 0; r < rows; ++r) {
    absl::StrAppend(&sql, r ? ", (" : "(", "$", n + 1, ", $", n + 2, ", $", n + 3, ", $", n + 4, ", $", n + 5, ")");
    n += 5;
  }
  // Rows of one statement go in in order: of two lines of one loan, the earlier takes the key.
  return sql + " ON CONFLICT (bank_id, loan_id, period_start) DO NOTHING RETURNING line_no";
}

std::string InsertLinesSql(int rows) {
  std::string sql =
      "INSERT INTO loan_claim_lines (claim_seq, line_no, loan_id, line_status, principal_fen, interest_fen, "
      "subsidy_fen, result, terms, borrower_key, borrower_limit) VALUES ";
  int n = 0;
  for (int r = 0; r < rows; ++r) {
    absl::StrAppend(&sql, r ? ", (" : "(");
    for (int c = 0; c < kLineColumns; ++c) absl::StrAppend(&sql, c ? ", $" : "$", ++n);
    absl::StrAppend(&sql, ")");
  }
  return sql;
}


constexpr char kFundColumns[] =
    "seq, fund_id, name, budget_year, level, purpose, region_code, date, document_no, target_prefixes, "
    "min_target_share, forbidden_categories, budget_fen, allocated_fen, paid_fen, created_by, pending_allocated_fen, "
    "pending_cut_fen";

constexpr int kFundColumnCount = 18;  // the columns of kFundColumns, which ReadFund reads in order

std::vector<std::string> SplitList(const std::string& text) {
  return absl::StrSplit(text, ',', absl::SkipEmpty());
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
  return s.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
    auto f = ReadFund(row);
    if (!f.ok()) return f.status();
    out->push_back(std::move(*f));
    return absl::OkStatus();
  });
}

class SqlLedgerTx final : public LedgerTx {
 public:
  SqlLedgerTx(SqlSession& s, const Dialect& dialect, const Clock& clock) : s_(s), dialect_(dialect), clock_(clock) {}

  absl::StatusOr<std::vector<FundAccount>> FundAccounts(const std::string& school_id) override {
    return ReadAccounts(s_, school_id, dialect_.LockRowsClause());
  }

  absl::StatusOr<std::optional<Date>> FirstAllocationDate(const std::string& school_id) override {
    std::optional<Date> first;
    auto st = s_.Query("SELECT MIN(date) FROM allocations WHERE school_id = $1", {SqlParam::Text(school_id)},
                       [&](const SqlRow& row) {
                         auto d = OptionalDateColumn(row, 0);
                         if (!d.ok()) return d.status();
                         first = *d;
                         return absl::OkStatus();
                       });
    if (!st.ok()) return st;
    return first;
  }

  absl::StatusOr<std::string> InsertAllocation(const std::string& school_id, education::FundSource source,
                                               Money amount, Date date, const std::string& request_id) override {
    const std::string day = date.ToString(), now = clock_.NowUtcText();
    const char* src = education::FundSourceName(source);
    auto id = InsertReturningId(
        s_,
        "INSERT INTO allocations (school_id, source, amount_fen, date, request_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {SqlParam::Text(school_id), SqlParam::Text(src), SqlParam::Int(amount.fen()), SqlParam::Text(day),
         SqlParam::Text(request_id), SqlParam::Text(now)});
    if (!id.ok()) return id.status();
    auto credited = s_.Exec(
        "INSERT INTO fund_accounts (school_id, source, allocated_fen, spent_fen) VALUES ($1, $2, $3, 0) "
        "ON CONFLICT (school_id, source) DO UPDATE SET allocated_fen = fund_accounts.allocated_fen + "
        "excluded.allocated_fen",
        {SqlParam::Text(school_id), SqlParam::Text(src), SqlParam::Int(amount.fen())});
    if (auto st = ExpectOneRow(credited, "crediting a fund account"); !st.ok()) return st;
    return absl::StrFormat("ALLOC-%08d", *id);
  }

  absl::StatusOr<std::string> InsertExpenditure(const std::string& school_id, const std::string& category,
                                                Money amount, Date date, const std::string& request_id,
                                                const std::vector<ExpenditureDraw>& draws) override {
    const std::string day = date.ToString(), now = clock_.NowUtcText();
    auto id = InsertReturningId(
        s_,
        "INSERT INTO expenditures (school_id, category, amount_fen, date, request_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {SqlParam::Text(school_id), SqlParam::Text(category), SqlParam::Int(amount.fen()), SqlParam::Text(day),
         SqlParam::Text(request_id), SqlParam::Text(now)});
    if (!id.ok()) return id.status();
    for (const auto& d : draws) {
      const char* src = education::FundSourceName(d.source);
      auto drawn = s_.Exec("INSERT INTO expenditure_draws (expenditure_id, source, amount_fen) VALUES ($1, $2, $3)",
                           {SqlParam::Int(*id), SqlParam::Text(src), SqlParam::Int(d.amount.fen())});
      if (!drawn.ok()) return drawn.status();
      // The CHECK (spent_fen <= allocated_fen) makes the database refuse an overdraft.
      auto debited = s_.Exec("UPDATE fund_accounts SET spent_fen = spent_fen + $1 WHERE school_id = $2 AND source = $3",
                             {SqlParam::Int(d.amount.fen()), SqlParam::Text(school_id), SqlParam::Text(src)});
      if (auto st = ExpectOneRow(debited, "debiting a fund account"); !st.ok()) return st;
    }
    return absl::StrFormat("EXP-%08d", *id);
  }

  absl::Status Audit(const AuditEntry& e) override {
    const std::string now = clock_.NowUtcText();
    return s_
        .Exec("INSERT INTO audit_log (at, caller, method, request_id, entity_id, result, detail) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7)",
              {SqlParam::Text(now), SqlParam::Text(e.caller), SqlParam::Text(e.method), SqlParam::Text(e.request_id),
               SqlParam::Text(e.entity_id), SqlParam::Text(e.result), SqlParam::Text(e.detail)})
        .status();
  }

  absl::StatusOr<std::vector<PriorAwardRow>> EnterpriseAwards(const std::string& uscc) override {
    std::vector<PriorAwardRow> out;
    auto st = s_.Query(
        "SELECT policy_id, award_group, award_year, amount_fen FROM payouts "
        "WHERE enterprise_uscc = $1 AND status IN ('SCHEDULED', 'DISBURSED') ORDER BY seq",
        {SqlParam::Text(uscc)}, [&](const SqlRow& row) {
          out.push_back({row.Text(0), row.Text(1), static_cast<int>(row.Int(2)), Money::Fen(row.Int(3))});
          return absl::OkStatus();
        });
    if (!st.ok()) return st;
    return out;
  }

  absl::StatusOr<Money> PolicyAwarded(const std::string& policy_id) override {
    // The budget row exists from here on and is locked for the transaction: concurrent awards of
    // one policy queue on it.
    auto made = s_.Exec("INSERT INTO policy_awarded (policy_id, awarded_fen) VALUES ($1, 0) ON CONFLICT DO NOTHING",
                        {SqlParam::Text(policy_id)});
    if (!made.ok()) return made.status();
    Money awarded;
    auto found = s_.QueryOne(
        absl::StrCat("SELECT awarded_fen FROM policy_awarded WHERE policy_id = $1", dialect_.LockRowsClause()),
        {SqlParam::Text(policy_id)}, [&](const SqlRow& row) { awarded = Money::Fen(row.Int(0)); });
    if (!found.ok()) return found.status();
    return awarded;
  }

  absl::StatusOr<int64_t> InsertPayout(const PayoutRow& p) override {
    const std::string determined = p.determination_date.ToString();
    const std::string due = p.due_date ? p.due_date->ToString() : std::string();
    const std::string reasons = EncodeReasons(p.reasons), now = clock_.NowUtcText();
    const std::string reject_reason =
        p.status == PayoutStatus::kRejected && !p.reasons.empty() ? p.reasons.back().code : std::string();
    auto seq = InsertReturningId(
        s_,
        "INSERT INTO payouts (request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
        "determination_date, award_year, due_date, paid_date, voucher_no, reasons, award_key, data_version, created_by, "
        "created_at, reject_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', NULL, $11, $12, $13, $14, $15, "
        "$16) RETURNING seq",
        {SqlParam::Text(p.request_id), SqlParam::Text(p.policy_id), SqlParam::Text(p.award_group),
         SqlParam::Text(p.enterprise_uscc), SqlParam::Text(p.enterprise_name),
         SqlParam::Text(PayoutStatusName(p.status)), SqlParam::Int(p.amount.fen()), SqlParam::Text(determined),
         SqlParam::Int(p.award_year), SqlParam::Text(due), SqlParam::Text(reasons), SqlParam::TextOrNull(p.award_key),
         SqlParam::Text(p.data_version), SqlParam::Text(p.created_by), SqlParam::Text(now),
         SqlParam::Text(reject_reason)});
    if (!seq.ok()) return seq.status();
    if (p.status == PayoutStatus::kScheduled) {
      auto added = s_.Exec(
          "INSERT INTO policy_awarded (policy_id, awarded_fen) VALUES ($1, $2) "
          "ON CONFLICT (policy_id) DO UPDATE SET awarded_fen = policy_awarded.awarded_fen + excluded.awarded_fen",
          {SqlParam::Text(p.policy_id), SqlParam::Int(p.amount.fen())});
      if (auto st = ExpectOneRow(added, "adding to a policy's awarded total"); !st.ok()) return st;
      auto yearly = s_.Exec(
          "INSERT INTO policy_awarded_yearly (policy_id, award_year, awarded_fen) VALUES ($1, $2, $3) "
          "ON CONFLICT (policy_id, award_year) DO UPDATE SET "
          "awarded_fen = policy_awarded_yearly.awarded_fen + excluded.awarded_fen",
          {SqlParam::Text(p.policy_id), SqlParam::Int(p.award_year), SqlParam::Int(p.amount.fen())});
      if (auto st = ExpectOneRow(yearly, "adding to a policy's year"); !st.ok()) return st;
    }
    return *seq;
  }

  absl::StatusOr<std::vector<PayoutRow>> DisburseDue(Date payment_date) override {
    auto due = DuePayouts(payment_date);
    if (!due.ok()) return due.status();
    for (auto& p : *due) {
      if (auto st = DisbursePayout(&p, payment_date); !st.ok()) return st;
    }
    return due;
  }

  absl::StatusOr<std::vector<PayoutRow>> DuePayouts(Date payment_date) override {
    std::vector<PayoutRow> due;
    auto st = ReadPayouts(s_,
                          absl::StrCat("SELECT ", kPayoutColumns,
                                       " FROM payouts WHERE status = 'SCHEDULED' AND determination_date <= $1 "
                                       "ORDER BY seq"),
                          {SqlParam::Text(payment_date.ToString())}, &due);
    if (!st.ok()) return st;
    return due;
  }

  absl::Status DisbursePayout(PayoutRow* p, Date payment_date) override {
    // Only a SCHEDULED row changes, and the trigger refuses any other status change, so a payout
    // is paid at most once whatever runs overlap.
    p->status = PayoutStatus::kDisbursed;
    p->paid_date = payment_date;
    p->voucher_no = VoucherFor(payment_date, p->seq);
    p->hold_reason.clear();
    auto paid = s_.Exec(
        "UPDATE payouts SET status = 'DISBURSED', paid_date = $1, voucher_no = $2, hold_reason = '' "
        "WHERE seq = $3 AND status = 'SCHEDULED'",
        {SqlParam::Text(payment_date.ToString()), SqlParam::Text(p->voucher_no), SqlParam::Int(p->seq)});
    if (!paid.ok()) return paid.status();
    if (*paid != 1) return absl::AbortedError("a payout was paid by a concurrent run; retry");
    return absl::OkStatus();
  }

  absl::Status HoldPayout(int64_t seq, const std::string& reason) override {
    auto held = s_.Exec("UPDATE payouts SET hold_reason = $2 WHERE seq = $1 AND status = 'SCHEDULED'",
                        {SqlParam::Int(seq), SqlParam::Text(reason)});
    return ExpectOneRow(held, "holding a payout");
  }

  absl::StatusOr<ClaimRow> SubmitStagedClaim(int64_t seq) override {
    std::string bank_id, period_start, request_id;
    auto found = s_.QueryOne(absl::StrCat("SELECT bank_id, period_start, request_id FROM loan_claims WHERE seq = $1 "
                                          "AND status = 'UPLOADING'",
                                          dialect_.LockRowsClause()),
                             {SqlParam::Int(seq)}, [&](const SqlRow& row) {
                               bank_id = row.Text(0);
                               period_start = row.Text(1);
                               request_id = row.Text(2);
                             });
    if (!found.ok()) return found.status();
    if (!*found) return StagedClaimGone();
    // The lines in line_no order, a chunk at a time, and only statements whose plan cannot go
    // wrong (a range of the primary key, multi-row inserts, key lookups): a join planned on a
    // table just filled in this transaction, without statistics, once took PostgreSQL 30 s.
    // Line numbers are dense (1 … n, staged in order), so a chunk is a closed range of the key:
    // bounded work whatever the planner estimates.
    int64_t last = 0;
    auto max = s_.QueryOne("SELECT COALESCE(MAX(line_no), 0) FROM loan_claim_lines WHERE claim_seq = $1",
                           {SqlParam::Int(seq)}, [&](const SqlRow& row) { last = row.Int(0); });
    if (!max.ok()) return max.status();
    ClaimTotals totals;
    for (int64_t after = 0; after < last; after += kSettleChunk) {
      std::vector<StagedLine> chunk;
      auto read = s_.Query(
          "SELECT line_no, loan_id, line_status, principal_fen, interest_fen, subsidy_fen, terms, borrower_key, "
          "borrower_limit FROM loan_claim_lines "
          "WHERE claim_seq = $1 AND line_no > $2 AND line_no <= $3 ORDER BY line_no",
          {SqlParam::Int(seq), SqlParam::Int(after), SqlParam::Int(after + kSettleChunk)},
          [&](const SqlRow& row) -> absl::Status {
            const std::string status = row.Text(2);
            auto st = ClaimLineStatusFromName(status);
            if (!st) return Corrupt("a claim line status", status);
            chunk.push_back({row.Int(0), row.Text(1), *st, Money::Fen(row.Int(3)), Money::Fen(row.Int(4)),
                             Money::Fen(row.Int(5)), row.Text(6), row.Text(7), row.Int(8)});
            return absl::OkStatus();
          });
      if (!read.ok()) return read;
      if (static_cast<int64_t>(chunk.size()) != std::min<int64_t>(kSettleChunk, last - after)) {
        return absl::InternalError(absl::StrCat("staged claim ", seq, ": its line numbers are not dense"));
      }
      if (auto st = SettleChunk(seq, bank_id, period_start, chunk, &totals); !st.ok()) return st;
    }
    const std::string now = clock_.NowUtcText();
    auto settled = s_.Exec(
        "UPDATE loan_claims SET status = 'SUBMITTED', loan_count = $2, accepted_count = $3, invalid_count = $4, "
        "duplicate_count = $5, total_principal_fen = $6, total_interest_fen = $7, total_subsidy_fen = $8, "
        "submitted_at = $9 WHERE seq = $1 AND status = 'UPLOADING'",
        {SqlParam::Int(seq), SqlParam::Int(totals.accepted + totals.invalid + totals.duplicate),
         SqlParam::Int(totals.accepted), SqlParam::Int(totals.invalid), SqlParam::Int(totals.duplicate),
         SqlParam::Int(totals.principal.fen()), SqlParam::Int(totals.interest.fen()),
         SqlParam::Int(totals.subsidy.fen()), SqlParam::Text(now)});
    if (auto st = ExpectOneRow(settled, "settling a staged claim"); !st.ok()) return st;
    // The request's other attempts, staged concurrently, are this claim now: their lines go.
    const SqlParam others[] = {SqlParam::Text(request_id), SqlParam::Int(seq)};
    constexpr char kOthers[] = "SELECT seq FROM loan_claims WHERE status = 'UPLOADING' AND request_id = $1 AND seq <> $2";
    auto lines = s_.Exec(absl::StrCat("DELETE FROM loan_claim_lines WHERE claim_seq IN (", kOthers, ")"), others);
    if (!lines.ok()) return lines.status();
    auto claims = s_.Exec(absl::StrCat("DELETE FROM loan_claims WHERE seq IN (", kOthers, ")"), others);
    if (!claims.ok()) return claims.status();
    return ClaimAfterChange(seq);
  }

  absl::StatusOr<std::optional<ClaimRow>> ClaimForUpdate(int64_t seq) override {
    return ReadOneClaim(s_, seq, dialect_.LockRowsClause());
  }

  absl::StatusOr<ClaimRow> PayClaim(int64_t seq, Date paid_date, const std::string& reviewer) override {
    auto paid = s_.Exec(
        "UPDATE loan_claims SET status = 'PAID', paid_date = $2, voucher_no = $3, reviewed_by = $4 "
        "WHERE seq = $1 AND status = 'SUBMITTED'",
        {SqlParam::Int(seq), SqlParam::Text(paid_date.ToString()), SqlParam::Text(ClaimVoucherFor(paid_date, seq)),
         SqlParam::Text(reviewer)});
    if (auto st = ExpectOneRow(paid, "paying a claim"); !st.ok()) return st;
    return ClaimAfterChange(seq);
  }

  absl::StatusOr<ClaimRow> RejectClaim(int64_t seq, const std::string& reason, const std::string& reviewer) override {
    auto rejected = s_.Exec(
        "UPDATE loan_claims SET status = 'REJECTED', review_reason = $2, reviewed_by = $3 "
        "WHERE seq = $1 AND status = 'SUBMITTED'",
        {SqlParam::Int(seq), SqlParam::Text(reason), SqlParam::Text(reviewer)});
    if (auto st = ExpectOneRow(rejected, "rejecting a claim"); !st.ok()) return st;
    // The trigger lets a key go only now that its claim is REJECTED.
    auto released = s_.Exec("DELETE FROM loan_claim_keys WHERE claim_seq = $1", {SqlParam::Int(seq)});
    if (!released.ok()) return released.status();
    // Terms a rejected claim fixed are not the loan's: the next claim fixes them afresh.
    auto unbound = s_.Exec("DELETE FROM loan_terms WHERE first_claim_seq = $1", {SqlParam::Int(seq)});
    if (!unbound.ok()) return unbound.status();
    auto unseen = s_.Exec("DELETE FROM loan_borrower_periods WHERE claim_seq = $1", {SqlParam::Int(seq)});
    if (!unseen.ok()) return unseen.status();
    return ClaimAfterChange(seq);
  }

  absl::StatusOr<std::optional<FundRow>> FundForUpdate(const std::string& fund_id) override {
    std::vector<FundRow> rows;
    auto st = ReadFunds(s_, absl::StrCat("SELECT ", kFundColumns, " FROM funds WHERE fund_id = $1",
                                         dialect_.LockRowsClause()),
                        {SqlParam::Text(fund_id)}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) return std::optional<FundRow>();
    return std::optional<FundRow>(std::move(rows.front()));
  }

  absl::Status InsertFund(const FundRow& f, const std::string& request_id) override {
    const std::string date = f.date.ToString(), now = clock_.NowUtcText();
    const std::string prefixes = absl::StrJoin(f.target_prefixes, ","),
                      forbidden = absl::StrJoin(f.forbidden_categories, ",");
    auto made = s_.Exec(
        "INSERT INTO funds (fund_id, name, budget_year, level, purpose, region_code, date, document_no, "
        "target_prefixes, min_target_share, forbidden_categories, budget_fen, created_by, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13)",
        {SqlParam::Text(f.fund_id), SqlParam::Text(f.name), SqlParam::Int(f.budget_year), SqlParam::Text(f.level),
         SqlParam::Text(f.purpose), SqlParam::Text(f.region_code), SqlParam::Text(date),
         SqlParam::Text(f.document_no), SqlParam::Text(prefixes), SqlParam::Text(f.min_target_share),
         SqlParam::Text(forbidden), SqlParam::Text(f.created_by), SqlParam::Text(now)});
    if (auto st = ExpectOneRow(made, "creating a fund"); !st.ok()) return st;
    FundEntry budget;
    budget.kind = FundEntryKind::kBudget;
    budget.fund_id = f.fund_id;
    budget.amount = f.budget;
    budget.date = f.date;
    budget.document_no = f.document_no;
    budget.request_id = request_id;
    budget.created_by = f.created_by;
    if (f.budget.fen() == 0) return absl::OkStatus();  // an entry moves money; a fund of 0 has none yet
    return PostFundEntry(budget).status();
  }

  absl::StatusOr<std::string> PostFundEntry(const FundEntry& e) override {
    const std::string date = e.date.ToString(), now = clock_.NowUtcText();
    auto id = InsertReturningId(
        s_,
        "INSERT INTO fund_entries (fund_id, kind, recipient_id, amount_fen, date, document_no, category, payee, "
        "reference, request_id, created_by, created_at, reverses, checker, tracking_id) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        {SqlParam::Text(e.fund_id), SqlParam::Text(FundEntryKindName(e.kind)), SqlParam::Text(e.recipient_id),
         SqlParam::Int(e.amount.fen()), SqlParam::Text(date), SqlParam::Text(e.document_no),
         SqlParam::Text(e.category), SqlParam::Text(e.payee), SqlParam::Text(e.reference),
         SqlParam::Text(e.request_id), SqlParam::Text(e.created_by), SqlParam::Text(now),
         e.reverses ? SqlParam::Int(e.reverses) : SqlParam::Null(), SqlParam::Text(checker_.empty() ? e.checker : checker_),
         SqlParam::Text(e.tracking_id)});
    if (!id.ok()) return id.status();
    if (captured_ != nullptr) captured_->push_back(e);
    const int64_t amount = e.amount.fen();
    int64_t budget = 0, allocated = 0, paid = 0;
    switch (e.kind) {
      case FundEntryKind::kBudget:
      case FundEntryKind::kAdjustment: budget = amount; break;
      case FundEntryKind::kAllocation: allocated = amount; break;
      case FundEntryKind::kPayment: paid = amount; break;
      case FundEntryKind::kReversal:
        // Back what the reversed entry moved: a payment's money to its allocation, an allocation's
        // unpaid part to the budget, an adjustment off the budget (the amount is the adjustment's size).
        switch (e.reverses_kind) {
          case FundEntryKind::kPayment: paid = -amount; break;
          case FundEntryKind::kAllocation: allocated = -amount; break;
          case FundEntryKind::kBudget:
          case FundEntryKind::kAdjustment: budget = e.reverses_budget_sign * amount; break;
          case FundEntryKind::kReversal: return absl::InternalError("a reversal is never reversed");
        }
        break;
    }
    // The CHECKs on funds make the database refuse allocated > budget and paid > allocated.
    auto moved = s_.Exec(
        "UPDATE funds SET budget_fen = budget_fen + $2, allocated_fen = allocated_fen + $3, paid_fen = paid_fen + $4 "
        "WHERE fund_id = $1",
        {SqlParam::Text(e.fund_id), SqlParam::Int(budget), SqlParam::Int(allocated), SqlParam::Int(paid)});
    if (auto st = ExpectOneRow(moved, "moving a fund's figures"); !st.ok()) return st;
    auto day = s_.Exec(
        "INSERT INTO fund_daily (fund_id, date, budget_fen, allocated_fen, paid_fen) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (fund_id, date) DO UPDATE SET budget_fen = fund_daily.budget_fen + excluded.budget_fen, "
        "allocated_fen = fund_daily.allocated_fen + excluded.allocated_fen, "
        "paid_fen = fund_daily.paid_fen + excluded.paid_fen",
        {SqlParam::Text(e.fund_id), SqlParam::Text(date), SqlParam::Int(budget), SqlParam::Int(allocated),
         SqlParam::Int(paid)});
    if (auto st = ExpectOneRow(day, "a fund's day"); !st.ok()) return st;
    if (e.kind == FundEntryKind::kAllocation) {
      auto recipient = s_.Exec(
          "INSERT INTO fund_recipients (fund_id, recipient_id, recipient_kind, region_code, allocated_fen, paid_fen) "
          "VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (fund_id, recipient_id) DO UPDATE SET "
          "allocated_fen = fund_recipients.allocated_fen + excluded.allocated_fen",
          {SqlParam::Text(e.fund_id), SqlParam::Text(e.recipient_id), SqlParam::Text(e.recipient_kind),
           SqlParam::Text(e.region_code), SqlParam::Int(allocated)});
      if (auto st = ExpectOneRow(recipient, "crediting a fund's recipient"); !st.ok()) return st;
    } else if (paid != 0 || allocated != 0) {
      // The CHECK (paid_fen <= allocated_fen) refuses a payment beyond the recipient's allocation,
      // and an allocation's reversal beyond its unpaid part.
      auto recipient = s_.Exec(
          "UPDATE fund_recipients SET paid_fen = paid_fen + $3, allocated_fen = allocated_fen + $4 "
          "WHERE fund_id = $1 AND recipient_id = $2",
          {SqlParam::Text(e.fund_id), SqlParam::Text(e.recipient_id), SqlParam::Int(paid), SqlParam::Int(allocated)});
      if (auto st = ExpectOneRow(recipient, "paying a fund's recipient"); !st.ok()) return st;
    }
    if (paid != 0 || allocated != 0) {
      auto rday = s_.Exec(
          "INSERT INTO fund_recipient_daily (fund_id, recipient_id, date, allocated_fen, paid_fen) "
          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (fund_id, recipient_id, date) DO UPDATE SET "
          "allocated_fen = fund_recipient_daily.allocated_fen + excluded.allocated_fen, "
          "paid_fen = fund_recipient_daily.paid_fen + excluded.paid_fen",
          {SqlParam::Text(e.fund_id), SqlParam::Text(e.recipient_id), SqlParam::Text(date), SqlParam::Int(allocated),
           SqlParam::Int(paid)});
      if (auto st = ExpectOneRow(rday, "a recipient's day"); !st.ok()) return st;
    }
    return FundEntryIdFor(e.kind, *id);
  }

  absl::StatusOr<std::vector<FundPaymentRow>> FundPaymentsFor(const std::string& recipient_id,
                                                             const std::string& reference) override {
    std::vector<FundPaymentRow> out;
    auto st = s_.Query(
        "SELECT p.id, p.fund_id, p.amount_fen, "
        "CASE WHEN EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses = p.id) THEN 1 ELSE 0 END, p.tracking_id "
        "FROM fund_entries p WHERE p.recipient_id = $1 AND p.reference = $2 AND p.kind = 'PAYMENT' ORDER BY p.id",
        {SqlParam::Text(recipient_id), SqlParam::Text(reference)}, [&](const SqlRow& row) {
          out.push_back({row.Int(0), row.Text(1), Money::Fen(row.Int(2)), row.Int(3) != 0, row.Text(4)});
          return absl::OkStatus();
        });
    if (!st.ok()) return st;
    return out;
  }

  absl::StatusOr<std::optional<ExpenditureRow>> ExpenditureForUpdate(int64_t id) override {
    std::optional<ExpenditureRow> out;
    absl::Status inner;
    auto found = s_.QueryOne(
        absl::StrCat("SELECT id, school_id, category, amount_fen, date, CASE WHEN EXISTS (SELECT 1 FROM "
                     "expenditure_reversals r WHERE r.expenditure_id = e.id) THEN 1 ELSE 0 END FROM expenditures e "
                     "WHERE id = $1",
                     dialect_.LockRowsClause()),
        {SqlParam::Int(id)}, [&](const SqlRow& row) {
          auto date = DateColumn(row, 4);
          if (!date.ok()) {
            inner = date.status();
            return;
          }
          out = ExpenditureRow{row.Int(0), row.Text(1), row.Text(2), Money::Fen(row.Int(3)), *date, {}, row.Int(5) != 0};
        });
    if (!found.ok()) return found.status();
    if (!inner.ok()) return inner;
    if (!out) return out;
    auto draws = s_.Query("SELECT source, amount_fen FROM expenditure_draws WHERE expenditure_id = $1 ORDER BY source",
                          {SqlParam::Int(id)}, [&](const SqlRow& row) -> absl::Status {
                            auto src = SourceColumn(row, 0);
                            if (!src.ok()) return src.status();
                            out->draws.push_back({*src, Money::Fen(row.Int(1))});
                            return absl::OkStatus();
                          });
    if (!draws.ok()) return draws;
    return out;
  }

  absl::StatusOr<std::string> InsertReversal(const ExpenditureRow& e, Date date, const std::string& reason,
                                             const std::string& request_id, const std::string& caller) override {
    const std::string day = date.ToString(), now = clock_.NowUtcText();
    // The UNIQUE (expenditure_id) makes the database refuse a second reversal.
    auto id = InsertReturningId(
        s_,
        "INSERT INTO expenditure_reversals (expenditure_id, school_id, date, reason, request_id, created_by, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {SqlParam::Int(e.id), SqlParam::Text(e.school_id), SqlParam::Text(day), SqlParam::Text(reason),
         SqlParam::Text(request_id), SqlParam::Text(caller), SqlParam::Text(now)});
    if (!id.ok()) return id.status();
    for (const auto& d : e.draws) {
      auto restored = s_.Exec("UPDATE fund_accounts SET spent_fen = spent_fen - $1 WHERE school_id = $2 AND source = $3",
                              {SqlParam::Int(d.amount.fen()), SqlParam::Text(e.school_id),
                               SqlParam::Text(education::FundSourceName(d.source))});
      if (auto st = ExpectOneRow(restored, "restoring a fund account"); !st.ok()) return st;
    }
    return absl::StrFormat("EXR-%08d", *id);
  }

  absl::StatusOr<std::optional<PayoutRow>> PayoutForUpdate(int64_t seq) override {
    std::vector<PayoutRow> rows;
    auto st = ReadPayouts(s_, absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE seq = $1",
                                           dialect_.LockRowsClause()),
                          {SqlParam::Int(seq)}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) return std::optional<PayoutRow>();
    return std::optional<PayoutRow>(std::move(rows.front()));
  }

  absl::StatusOr<PayoutRow> CancelPayout(int64_t seq, const std::string& reason, const std::string& request_id,
                                         const std::string& caller) override {
    auto row = PayoutForUpdate(seq);
    if (!row.ok()) return row.status();
    if (!row->has_value()) return absl::NotFoundError(absl::StrCat("no payout ", PayoutIdFor(seq)));
    PayoutRow p = std::move(**row);
    const std::string now = clock_.NowUtcText();
    auto recorded = s_.Exec(
        "INSERT INTO payout_cancellations (payout_seq, reason, request_id, created_by, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {SqlParam::Int(seq), SqlParam::Text(reason), SqlParam::Text(request_id), SqlParam::Text(caller),
         SqlParam::Text(now)});
    if (auto st = ExpectOneRow(recorded, "recording a cancellation"); !st.ok()) return st;
    p.reasons.push_back({kCancelledReason, reason});
    const std::string reasons = EncodeReasons(p.reasons);
    // The trigger lets a SCHEDULED payout become CANCELLED only with its cancellation recorded.
    auto cancelled = s_.Exec(
        "UPDATE payouts SET status = 'REJECTED', reject_reason = 'CANCELLED', reasons = $2, award_key = NULL "
        "WHERE seq = $1 AND status = 'SCHEDULED'",
        {SqlParam::Int(seq), SqlParam::Text(reasons)});
    if (auto st = ExpectOneRow(cancelled, "cancelling a payout"); !st.ok()) return st;
    auto freed = s_.Exec("UPDATE policy_awarded SET awarded_fen = awarded_fen - $2 WHERE policy_id = $1",
                         {SqlParam::Text(p.policy_id), SqlParam::Int(p.amount.fen())});
    if (auto st = ExpectOneRow(freed, "freeing a policy's budget"); !st.ok()) return st;
    auto freed_year = s_.Exec(
        "UPDATE policy_awarded_yearly SET awarded_fen = awarded_fen - $3 WHERE policy_id = $1 AND award_year = $2",
        {SqlParam::Text(p.policy_id), SqlParam::Int(p.award_year), SqlParam::Int(p.amount.fen())});
    if (auto st = ExpectOneRow(freed_year, "freeing a policy's year"); !st.ok()) return st;
    p.status = PayoutStatus::kCancelled;
    p.award_key.clear();
    return p;
  }

  absl::StatusOr<FundSums> FundSumsAsOf(const std::string& fund_id, const std::string& recipient_id,
                                        Date as_of) override {
    const std::string day = as_of.ToString();
    FundSums out;
    std::string latest;
    absl::StatusOr<bool> found;
    if (recipient_id.empty()) {
      found = s_.QueryOne(
          "SELECT COALESCE(SUM(CASE WHEN date <= $2 THEN budget_fen ELSE 0 END), 0), "
          "COALESCE(SUM(CASE WHEN date <= $2 THEN allocated_fen ELSE 0 END), 0), "
          "COALESCE(SUM(CASE WHEN date <= $2 THEN paid_fen ELSE 0 END), 0), COALESCE(MAX(date), '') "
          "FROM fund_daily WHERE fund_id = $1",
          {SqlParam::Text(fund_id), SqlParam::Text(day)}, [&](const SqlRow& row) {
            out.budget = Money::Fen(row.Int(0));
            out.allocated = Money::Fen(row.Int(1));
            out.paid = Money::Fen(row.Int(2));
            latest = row.Text(3);
          });
    } else {
      found = s_.QueryOne(
          "SELECT COALESCE(SUM(CASE WHEN date <= $3 THEN allocated_fen ELSE 0 END), 0), "
          "COALESCE(SUM(CASE WHEN date <= $3 THEN paid_fen ELSE 0 END), 0), COALESCE(MAX(date), '') "
          "FROM fund_recipient_daily WHERE fund_id = $1 AND recipient_id = $2",
          {SqlParam::Text(fund_id), SqlParam::Text(recipient_id), SqlParam::Text(day)}, [&](const SqlRow& row) {
            out.allocated = Money::Fen(row.Int(0));
            out.paid = Money::Fen(row.Int(1));
            latest = row.Text(2);
          });
    }
    if (!found.ok()) return found.status();
    if (!latest.empty()) {
      auto d = Date::Parse(latest);
      if (!d.ok()) return Corrupt("a date", latest);
      out.latest = *d;
    }
    return out;
  }

  absl::StatusOr<Money> RecipientAllocatedAsOf(const std::string& kind, const std::string& recipient_id,
                                               const std::string& level, int budget_year, Date as_of) override {
    Money out;
    auto st = s_.QueryOne(
        "SELECT COALESCE(SUM(d.allocated_fen), 0) FROM fund_recipients r JOIN funds f ON f.fund_id = r.fund_id "
        "JOIN fund_recipient_daily d ON d.fund_id = r.fund_id AND d.recipient_id = r.recipient_id "
        "WHERE r.recipient_id = $1 AND r.recipient_kind = $2 AND ($3 = '' OR f.level = $3) "
        "AND ($4 = 0 OR f.budget_year = $4) AND d.date <= $5",
        {SqlParam::Text(recipient_id), SqlParam::Text(kind), SqlParam::Text(level), SqlParam::Int(budget_year),
         SqlParam::Text(as_of.ToString())},
        [&](const SqlRow& row) { out = Money::Fen(row.Int(0)); });
    if (!st.ok()) return st.status();
    return out;
  }

  absl::StatusOr<std::vector<std::string>> RecipientFunds(const std::string& kind, const std::string& recipient_id,
                                                          const std::string& level, int budget_year) override {
    std::vector<std::string> out;
    auto st = s_.Query(
        "SELECT r.fund_id, MIN(d.date) FROM fund_recipients r JOIN funds f ON f.fund_id = r.fund_id "
        "JOIN fund_recipient_daily d ON d.fund_id = r.fund_id AND d.recipient_id = r.recipient_id "
        "AND d.allocated_fen > 0 WHERE r.recipient_id = $1 AND r.recipient_kind = $2 AND ($3 = '' OR f.level = $3) "
        "AND ($4 = 0 OR f.budget_year = $4) AND r.paid_fen < r.allocated_fen "
        "GROUP BY r.fund_id ORDER BY MIN(d.date), r.fund_id",
        {SqlParam::Text(recipient_id), SqlParam::Text(kind), SqlParam::Text(level), SqlParam::Int(budget_year)},
        [&](const SqlRow& row) {
          out.push_back(row.Text(0));
          return absl::OkStatus();
        });
    if (!st.ok()) return st;
    return out;
  }

  absl::StatusOr<std::optional<Money>> AllocatedToRecipient(const std::string& kind, const std::string& recipient_id,
                                                            int budget_year) override {
    std::optional<Money> out;
    auto st = s_.QueryOne(
        "SELECT COUNT(*), COALESCE(SUM(r.allocated_fen), 0) FROM fund_recipients r JOIN funds f ON f.fund_id = r.fund_id "
        "WHERE r.recipient_id = $1 AND r.recipient_kind = $2 AND f.budget_year = $3",
        {SqlParam::Text(recipient_id), SqlParam::Text(kind), SqlParam::Int(budget_year)}, [&](const SqlRow& row) {
          if (row.Int(0) > 0) out = Money::Fen(row.Int(1));
        });
    if (!st.ok()) return st.status();
    return out;
  }

  absl::StatusOr<Money> PolicyAwardedInYear(const std::string& policy_id, int year) override {
    Money out;
    auto st = s_.QueryOne("SELECT awarded_fen FROM policy_awarded_yearly WHERE policy_id = $1 AND award_year = $2",
                          {SqlParam::Text(policy_id), SqlParam::Int(year)},
                          [&](const SqlRow& row) { out = Money::Fen(row.Int(0)); });
    if (!st.ok()) return st.status();
    return out;
  }


  absl::StatusOr<std::optional<FundRecipientRow>> FundRecipient(const std::string& fund_id,
                                                                const std::string& recipient_id) override {
    std::optional<FundRecipientRow> out;
    auto found = s_.QueryOne(
        "SELECT recipient_kind, region_code, allocated_fen, paid_fen, pending_paid_fen FROM fund_recipients "
        "WHERE fund_id = $1 AND recipient_id = $2",
        {SqlParam::Text(fund_id), SqlParam::Text(recipient_id)}, [&](const SqlRow& row) {
          out = FundRecipientRow{fund_id,      recipient_id,           row.Text(0),           row.Text(1),
                                 Money::Fen(row.Int(2)), Money::Fen(row.Int(3)), std::nullopt, Money::Fen(row.Int(4))};
        });
    if (!found.ok()) return found.status();
    return out;
  }

  absl::StatusOr<std::optional<FundEntryRow>> FundEntryById(int64_t id) override { return fundsql::EntryById(s_, id); }
  absl::StatusOr<std::vector<funds::DayMove>> FundDays(const std::string& fund_id) override {
    return Days("SELECT date, budget_fen, allocated_fen FROM fund_daily WHERE fund_id = $1 ORDER BY date",
                {SqlParam::Text(fund_id)});
  }
  absl::StatusOr<std::vector<funds::DayMove>> RecipientDays(const std::string& fund_id,
                                                             const std::string& recipient_id) override {
    return Days(
        "SELECT date, allocated_fen, paid_fen FROM fund_recipient_daily WHERE fund_id = $1 AND recipient_id = $2 "
        "ORDER BY date",
        {SqlParam::Text(fund_id), SqlParam::Text(recipient_id)});
  }
  absl::StatusOr<std::vector<funds::DayMove>> Days(absl::string_view sql, absl::Span<const SqlParam> params) {
    std::vector<funds::DayMove> out;
    auto st = s_.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
      auto date = DateColumn(row, 0);
      if (!date.ok()) return date.status();
      out.push_back({*date, Money::Fen(row.Int(1)), Money::Fen(row.Int(2))});
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
    return out;
  }

  absl::StatusOr<std::map<education::FundSource, std::vector<funds::DayMove>>> SchoolDays(
      const std::string& school_id) override {
    std::map<education::FundSource, std::vector<funds::DayMove>> out;
    auto st = s_.Query(
        "SELECT source, date, SUM(inflow), SUM(outflow) FROM ("
        " SELECT source, date, amount_fen AS inflow, 0 AS outflow FROM allocations WHERE school_id = $1"
        " UNION ALL SELECT d.source, e.date, 0, d.amount_fen FROM expenditure_draws d JOIN expenditures e "
        "  ON e.id = d.expenditure_id WHERE e.school_id = $1"
        " UNION ALL SELECT d.source, r.date, 0, -d.amount_fen FROM expenditure_reversals r JOIN expenditure_draws d "
        "  ON d.expenditure_id = r.expenditure_id WHERE r.school_id = $1"
        " UNION ALL SELECT source, date, -amount_fen, 0 FROM allocation_reversals WHERE school_id = $1"
        ") AS moves GROUP BY source, date ORDER BY source, date",
        {SqlParam::Text(school_id)}, [&](const SqlRow& row) -> absl::Status {
          auto src = SourceColumn(row, 0);
          if (!src.ok()) return src.status();
          auto date = DateColumn(row, 1);
          if (!date.ok()) return date.status();
          out[*src].push_back({*date, Money::Fen(row.Int(2)), Money::Fen(row.Int(3))});
          return absl::OkStatus();
        });
    if (!st.ok()) return st;
    return out;
  }

  absl::StatusOr<SchoolFundTotals> SchoolFunds(const std::string& school_id, const std::string& level) override {
    SchoolFundTotals out;
    auto st = s_.QueryOne(
        "SELECT COALESCE(SUM(r.allocated_fen), 0), COALESCE(SUM(r.paid_fen), 0), COALESCE(SUM(r.pending_paid_fen), 0) "
        "FROM fund_recipients r JOIN funds f ON f.fund_id = r.fund_id "
        "WHERE r.recipient_id = $1 AND r.recipient_kind = 'SCHOOL' AND f.level = $2",
        {SqlParam::Text(school_id), SqlParam::Text(level)}, [&](const SqlRow& row) {
          out.allocated = Money::Fen(row.Int(0));
          out.paid = Money::Fen(row.Int(1));
          out.pending_paid = Money::Fen(row.Int(2));
        });
    if (!st.ok()) return st.status();
    return out;
  }
  absl::StatusOr<std::string> ReverseSchoolAllocation(const std::string& school_id, education::FundSource source,
                                                      Money amount, Date date, const std::string& fund_entry_id,
                                                      const std::string& request_id, const std::string& caller) override {
    const char* src = education::FundSourceName(source);
    auto id = InsertReturningId(
        s_,
        "INSERT INTO allocation_reversals (school_id, source, amount_fen, date, fund_entry_id, request_id, created_by, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        {SqlParam::Text(school_id), SqlParam::Text(src), SqlParam::Int(amount.fen()), SqlParam::Text(date.ToString()),
         SqlParam::Text(fund_entry_id), SqlParam::Text(request_id), SqlParam::Text(caller),
         SqlParam::Text(clock_.NowUtcText())});
    if (!id.ok()) return id.status();
    // The CHECK (spent_fen <= allocated_fen) refuses taking back what the school has spent.
    auto debited = s_.Exec(
        "UPDATE fund_accounts SET allocated_fen = allocated_fen - $3 WHERE school_id = $1 AND source = $2",
        {SqlParam::Text(school_id), SqlParam::Text(src), SqlParam::Int(amount.fen())});
    if (auto st = ExpectOneRow(debited, "taking back a school's allocation"); !st.ok()) return st;
    return absl::StrFormat("ALR-%08d", *id);
  }
  absl::StatusOr<std::optional<education::FundSource>> SchoolAllocationOf(const std::string& request_id) override {
    std::optional<education::FundSource> out;
    absl::Status inner;
    auto st = s_.QueryOne("SELECT source FROM allocations WHERE request_id = $1", {SqlParam::Text(request_id)},
                          [&](const SqlRow& row) {
                            auto src = SourceColumn(row, 0);
                            if (src.ok()) out = *src;
                            else inner = src.status();
                          });
    if (!st.ok()) return st.status();
    if (!inner.ok()) return inner;
    return out;
  }
  absl::StatusOr<bool> InstructionPendingOn(const std::string& subject) override {
    auto st = s_.QueryOne("SELECT 1 FROM instructions WHERE subject_id = $1 AND state = 'PENDING_APPROVAL'",
                          {SqlParam::Text(subject)}, [](const SqlRow&) {});
    if (!st.ok()) return st.status();
    return *st;
  }
  absl::StatusOr<std::string> FirstTrackingId(const std::string& fund_id, const std::string& recipient_id) override {
    return fundsql::FirstTrackingId(s_, fund_id, recipient_id);
  }
  absl::StatusOr<bool> HasTrackingId(const std::string& fund_id, const std::string& recipient_id,
                                     const std::string& tracking_id) override {
    return fundsql::HasTrackingId(s_, fund_id, recipient_id, tracking_id);
  }

  absl::Status BeginTrial(std::vector<FundEntry>* captured) override {
    if (auto st = s_.ExecScript("SAVEPOINT trial"); !st.ok()) return st;
    captured_ = captured;
    return absl::OkStatus();
  }
  absl::Status UndoTrial() override {
    captured_ = nullptr;
    return s_.ExecScript("ROLLBACK TO SAVEPOINT trial; RELEASE SAVEPOINT trial");
  }
  void SetChecker(std::string checker) override { checker_ = std::move(checker); }
  absl::Status Reserve(const Reservation& r, int sign) override { return fundsql::Reserve(s_, r, sign); }
  absl::StatusOr<int64_t> InsertInstruction(const InstructionRow& row) override {
    return fundsql::InsertInstruction(s_, clock_, row);
  }
  absl::StatusOr<std::optional<InstructionRow>> InstructionForUpdate(int64_t seq) override {
    return fundsql::ReadInstruction(s_, seq, dialect_.LockRowsClause());
  }
  absl::Status DecideInstruction(int64_t seq, InstructionState state, const std::string& checker,
                                 const std::string& reason, const std::string& result_id) override {
    return fundsql::DecideInstruction(s_, clock_, seq, state, checker, reason, result_id);
  }

 private:
  struct StagedLine {
    int64_t line_no;
    std::string loan_id;
    ClaimLineStatus status;
    Money principal, interest, subsidy;
    std::string terms, borrower_key;
    int64_t borrower_limit = 0;
  };
  struct ClaimTotals {
    int64_t accepted = 0, invalid = 0, duplicate = 0;
    Money principal, interest, subsidy;
  };
  std::vector<FundEntry>* captured_ = nullptr;  // a trial's postings
  std::string checker_;                         // the approver of what is posted now
  static constexpr int kSettleChunk = 512;
  static constexpr int kKeysPerInsert = 128;

  // The once-only rule for a chunk of lines: each ACCEPTED line tries to take its key; the
  // database keeps the first (an earlier line of this claim, or another claim's that is not
  // rejected), and a line that did not get it becomes DUPLICATE of the holder.
  absl::Status SettleChunk(int64_t seq, const std::string& bank_id, const std::string& period_start,
                           const std::vector<StagedLine>& chunk, ClaimTotals* totals) {
    static const std::string kBatchSql = InsertKeysSql(kKeysPerInsert);
    static const std::string kOneSql = InsertKeysSql(1);
    std::vector<const StagedLine*> accepted;
    // A loan is one loan however its id is spelt: the once-only key is the id's case-folded key.
    std::vector<std::string> keys(chunk.size());
    std::map<const StagedLine*, const std::string*> key_of;
    for (size_t k = 0; k < chunk.size(); ++k) {
      keys[k] = IdKey(chunk[k].loan_id);
      key_of[&chunk[k]] = &keys[k];
    }
    // A loan is bound to the contract terms of its first claim: the terms this bank's earlier
    // claims fixed for these loans, read at once for the chunk.
    std::map<std::string, std::string> bound;  // loan key → terms
    {
      std::vector<SqlParam> ask = {SqlParam::Text(bank_id)};
      std::string in;
      for (size_t k = 0; k < chunk.size(); ++k) {
        if (chunk[k].status != ClaimLineStatus::kAccepted || chunk[k].terms.empty()) continue;
        ask.push_back(SqlParam::Text(keys[k]));
        absl::StrAppend(&in, in.empty() ? "$" : ", $", ask.size());
      }
      if (!in.empty()) {
        auto st = s_.Query(absl::StrCat("SELECT loan_id, terms FROM loan_terms WHERE bank_id = $1 AND loan_id IN (", in,
                                        ")"),
                           ask, [&](const SqlRow& row) {
                             bound[row.Text(0)] = row.Text(1);
                             return absl::OkStatus();
                           });
        if (!st.ok()) return st;
      }
    }
    for (size_t k = 0; k < chunk.size(); ++k) {
      const auto& l = chunk[k];
      if (l.status != ClaimLineStatus::kAccepted) {
        ++totals->invalid;  // staged lines are ACCEPTED or INVALID
        continue;
      }
      auto it = bound.find(keys[k]);
      if (it != bound.end() && !l.terms.empty() && it->second != l.terms) {
        const std::string why = TermsChange(it->second, l.terms);
        auto marked = s_.Exec(
            "UPDATE loan_claim_lines SET line_status = 'INVALID', settled_reasons = $3 WHERE claim_seq = $1 AND line_no = $2",
            {SqlParam::Int(seq), SqlParam::Int(l.line_no),
             SqlParam::Text(EncodeReasons({{kLoanTermsChanged, why}}))});
        if (auto st = ExpectOneRow(marked, "refusing a line whose terms changed"); !st.ok()) return st;
        ++totals->invalid;
        continue;
      }
      accepted.push_back(&l);
    }
    std::set<int64_t> won;
    std::vector<SqlParam> params;
    auto run = [&](const std::string& sql, size_t from, size_t n) -> absl::Status {
      params.clear();
      for (size_t i = from; i < from + n; ++i) {
        params.push_back(SqlParam::Text(bank_id));
        params.push_back(SqlParam::Text(*key_of[accepted[i]]));
        params.push_back(SqlParam::Text(period_start));
        params.push_back(SqlParam::Int(seq));
        params.push_back(SqlParam::Int(accepted[i]->line_no));
      }
      return s_.Query(sql, params, [&](const SqlRow& row) {
        won.insert(row.Int(0));
        return absl::OkStatus();
      });
    };
    size_t i = 0;
    for (; i + kKeysPerInsert <= accepted.size(); i += kKeysPerInsert) {
      if (auto st = run(kBatchSql, i, kKeysPerInsert); !st.ok()) return st;
    }
    for (; i < accepted.size(); ++i) {
      if (auto st = run(kOneSql, i, 1); !st.ok()) return st;
    }
    // The loans claimed for the first time fix their terms: many rows a statement.
    {
      std::vector<const StagedLine*> fresh;
      std::set<std::string> seen;
      for (const StagedLine* l : accepted) {
        const std::string& key = *key_of[l];
        if (won.count(l->line_no) && !l->terms.empty() && !bound.count(key) && seen.insert(key).second) {
          fresh.push_back(l);
        }
      }
      for (size_t from = 0; from < fresh.size(); from += kKeysPerInsert) {
        const size_t n = std::min<size_t>(kKeysPerInsert, fresh.size() - from);
        std::vector<SqlParam> rows;
        std::string sql = "INSERT INTO loan_terms (bank_id, loan_id, terms, first_claim_seq) VALUES ";
        for (size_t k = 0; k < n; ++k) {
          const StagedLine* l = fresh[from + k];
          absl::StrAppend(&sql, k ? ", " : "", "($", rows.size() + 1, ", $", rows.size() + 2, ", $", rows.size() + 3,
                          ", $", rows.size() + 4, ")");
          rows.push_back(SqlParam::Text(bank_id));
          rows.push_back(SqlParam::Text(*key_of[l]));
          rows.push_back(SqlParam::Text(l->terms));
          rows.push_back(SqlParam::Int(seq));
          bound[*key_of[l]] = l->terms;
        }
        auto made = s_.Exec(sql + " ON CONFLICT (bank_id, loan_id) DO NOTHING", rows);
        if (!made.ok()) return made.status();
      }
    }
    for (const StagedLine* l : accepted) {
      if (won.count(l->line_no)) {
        if (auto st = BindBorrower(seq, bank_id, period_start, *l, *key_of[l]); !st.ok()) return st;
        ++totals->accepted;
        for (auto [sum, add] : {std::pair{&totals->principal, l->principal}, {&totals->interest, l->interest},
                                {&totals->subsidy, l->subsidy}}) {
          auto next = sum->Plus(add);
          if (!next.ok()) return next.status();
          *sum = *next;
        }
        continue;
      }
      int64_t holder = 0;
      auto held = s_.QueryOne(
          "SELECT claim_seq FROM loan_claim_keys WHERE bank_id = $1 AND loan_id = $2 AND period_start = $3",
          {SqlParam::Text(bank_id), SqlParam::Text(*key_of[l]), SqlParam::Text(period_start)},
          [&](const SqlRow& row) { holder = row.Int(0); });
      if (!held.ok()) return held.status();
      if (!*held) return absl::InternalError("a once-only key was refused but nobody holds it");
      auto marked = s_.Exec(
          "UPDATE loan_claim_lines SET line_status = 'DUPLICATE', duplicate_of_seq = $3 "
          "WHERE claim_seq = $1 AND line_no = $2",
          {SqlParam::Int(seq), SqlParam::Int(l->line_no), SqlParam::Int(holder)});
      if (auto st = ExpectOneRow(marked, "marking a duplicate line"); !st.ok()) return st;
      ++totals->duplicate;
    }
    return absl::OkStatus();
  }

  // A borrower's loan-period claimed by another bank, or a borrower past the regime's number of
  // subsidised loans, is flagged on the line (paid: a reviewer's question, not a refusal).
  absl::Status BindBorrower(int64_t seq, const std::string& bank_id, const std::string& period_start,
                            const StagedLine& l, const std::string& key) {
    if (l.borrower_key.empty()) return absl::OkStatus();
    std::string other_bank;
    int64_t other_claim = 0;
    auto found = s_.QueryOne(
        "SELECT bank_id, claim_seq FROM loan_borrower_periods WHERE borrower_key = $1 AND period_start = $2 "
        "AND bank_id <> $3 LIMIT 1",
        {SqlParam::Text(l.borrower_key), SqlParam::Text(period_start), SqlParam::Text(bank_id)},
        [&](const SqlRow& row) {
          other_bank = row.Text(0);
          other_claim = row.Int(1);
        });
    if (!found.ok()) return found.status();
    auto noted = s_.Exec(
        "INSERT INTO loan_borrower_periods (borrower_key, period_start, bank_id, loan_id, claim_seq) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        {SqlParam::Text(l.borrower_key), SqlParam::Text(period_start), SqlParam::Text(bank_id), SqlParam::Text(key),
         SqlParam::Int(seq)});
    if (!noted.ok()) return noted.status();
    std::vector<Reason> flags;
    if (*found) {
      flags.push_back({kBorrowerClaimedElsewhere,
                       absl::StrCat("借款人本期已由 ", other_bank, " 申请贴息 (the borrower's loan for this period is "
                                    "claimed by bank ", other_bank, " in ", ClaimIdFor(other_claim), ")")});
    }
    // More subsidised loans than the regime allows one borrower, across banks and periods.
    int64_t loans = 0;
    auto counted = s_.QueryOne(
        "SELECT COUNT(*) FROM (SELECT DISTINCT bank_id, loan_id FROM loan_borrower_periods WHERE borrower_key = $1) "
        "AS distinct_loans",
        {SqlParam::Text(l.borrower_key)}, [&](const SqlRow& row) { loans = row.Int(0); });
    if (!counted.ok()) return counted.status();
    if (l.borrower_limit > 0 && loans > l.borrower_limit) {
      flags.push_back({kPriorLoansExceeded, absl::StrCat("借款人享受贴息贷款 ", loans, " 笔，超过政策上限 ", l.borrower_limit,
                                                         " 笔 (the borrower has ", loans,
                                                         " subsidised loans, more than the regime's ",
                                                         l.borrower_limit, ")")});
    }
    if (flags.empty()) return absl::OkStatus();
    auto flagged = s_.Exec("UPDATE loan_claim_lines SET flags = $3 WHERE claim_seq = $1 AND line_no = $2",
                           {SqlParam::Int(seq), SqlParam::Int(l.line_no), SqlParam::Text(EncodeReasons(flags))});
    return ExpectOneRow(flagged, "flagging a line");
  }

  absl::StatusOr<ClaimRow> ClaimAfterChange(int64_t seq) {
    auto claim = ReadOneClaim(s_, seq, "");
    if (!claim.ok()) return claim.status();
    if (!*claim) return absl::InternalError("a claim changed in this transaction is not there");
    return std::move(**claim);
  }

  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

// The tables CountRows may name.
constexpr const char* kTables[] = {"idempotency", "audit_log", "allocations", "expenditures", "expenditure_draws",
                                   "fund_accounts", "payouts", "policy_awarded", "loan_claims", "loan_claim_lines",
                                   "loan_claim_keys", "funds", "fund_entries", "fund_recipients",
                                   "fund_daily", "fund_recipient_daily",
                                   "expenditure_reversals", "payout_cancellations",
                                   "policy_awarded_yearly"};

template <class Enum, size_t N>
std::optional<Enum> EnumFromName(absl::string_view name, const Enum (&values)[N], const char* (*name_of)(Enum)) {
  for (Enum v : values) {
    if (name == name_of(v)) return v;
  }
  return std::nullopt;
}

// "PREFIX00000012" ⇄ 12 for ids derived from a database sequence.
std::optional<int64_t> SeqFromId(const std::string& id, absl::string_view prefix, std::string (*id_for)(int64_t)) {
  if (id.size() <= prefix.size() || id.size() > prefix.size() + 19 || !absl::StartsWith(id, prefix)) return std::nullopt;
  int64_t seq = 0;
  for (size_t i = prefix.size(); i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    seq = seq * 10 + (id[i] - '0');
  }
  if (seq <= 0 || id_for(seq) != id) return std::nullopt;
  return seq;
}

}  // namespace

const char* PayoutStatusName(PayoutStatus s) {
  switch (s) {
    case PayoutStatus::kScheduled: return "SCHEDULED";
    case PayoutStatus::kRejected: return "REJECTED";
    case PayoutStatus::kDisbursed: return "DISBURSED";
    case PayoutStatus::kCancelled: return "CANCELLED";
  }
  return "REJECTED";
}

std::optional<PayoutStatus> PayoutStatusFromName(absl::string_view name) {
  static constexpr PayoutStatus kAll[] = {PayoutStatus::kScheduled, PayoutStatus::kRejected, PayoutStatus::kDisbursed,
                                          PayoutStatus::kCancelled};
  return EnumFromName(name, kAll, &PayoutStatusName);
}

std::string PayoutIdFor(int64_t seq) { return absl::StrFormat("PO-%08d", seq); }

std::optional<int64_t> PayoutSeqFrom(const std::string& payout_id) { return SeqFromId(payout_id, "PO-", &PayoutIdFor); }

std::string ClaimIdFor(int64_t seq) { return absl::StrFormat("CL-%08d", seq); }
std::optional<int64_t> ClaimSeqFrom(const std::string& claim_id) { return SeqFromId(claim_id, "CL-", &ClaimIdFor); }

const char* ClaimStatusName(ClaimStatus s) {
  switch (s) {
    case ClaimStatus::kUploading: return "UPLOADING";
    case ClaimStatus::kSubmitted: return "SUBMITTED";
    case ClaimStatus::kPaid: return "PAID";
    case ClaimStatus::kRejected: return "REJECTED";
  }
  return "UPLOADING";
}

std::optional<ClaimStatus> ClaimStatusFromName(absl::string_view name) {
  static constexpr ClaimStatus kAll[] = {ClaimStatus::kUploading, ClaimStatus::kSubmitted, ClaimStatus::kPaid,
                                         ClaimStatus::kRejected};
  return EnumFromName(name, kAll, &ClaimStatusName);
}

const char* ClaimLineStatusName(ClaimLineStatus s) {
  switch (s) {
    case ClaimLineStatus::kAccepted: return "ACCEPTED";
    case ClaimLineStatus::kInvalid: return "INVALID";
    case ClaimLineStatus::kDuplicate: return "DUPLICATE";
  }
  return "INVALID";
}

std::optional<ClaimLineStatus> ClaimLineStatusFromName(absl::string_view name) {
  static constexpr ClaimLineStatus kAll[] = {ClaimLineStatus::kAccepted, ClaimLineStatus::kInvalid,
                                             ClaimLineStatus::kDuplicate};
  return EnumFromName(name, kAll, &ClaimLineStatusName);
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<Dialect> dialect, const Clock* clock) {
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(dialect), clock ? clock : &Clock::System()));
  if (auto s = ledger->Migrate(); !s.ok()) return s;
  return ledger;
}

absl::Status Ledger::Migrate() {
  const auto& migrations = LedgerMigrations();
  const int target = static_cast<int>(migrations.size());
  auto s = dialect_->Migrate(target, [&](SqlSession& session, int current) -> absl::Status {
    for (int v = current; v < target; ++v) {
      for (const auto& step : migrations[v].steps) {
        if (auto st = session.ExecScript(dialect_->RenderSchema(step)); !st.ok()) {
          return absl::InternalError(absl::StrCat("migration to schema version ", v + 1, " (", migrations[v].summary,
                                                  ") failed: ", st.message()));
        }
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  schema_version_ = target;
  return absl::OkStatus();
}

absl::StatusOr<std::string> Ledger::RunIdempotent(const IdempotencyKey& key,
                                                  const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn,
                                                  bool* replayed) {
  WriteOptions options{&key.lock_keys, key.deadline};
  if (replayed) *replayed = false;
  return dialect_->Write(options, [&](SqlSession& s) -> absl::StatusOr<std::string> {
    if (replayed) *replayed = false;  // each attempt of a retried transaction decides afresh
    struct Seen {
      std::string method, payload, response;
    };
    std::optional<Seen> seen;
    auto found = s.QueryOne("SELECT method, payload, response FROM idempotency WHERE request_id = $1",
                            {SqlParam::Text(key.request_id)}, [&](const SqlRow& row) {
                              seen = Seen{row.Text(0), row.Bytes(1), row.Bytes(2)};
                            });
    if (!found.ok()) return found.status();
    if (seen) {
      // The replay rule: the same method and payload answer the stored response; anything else
      // is refused.
      if (seen->method != key.method || seen->payload != key.payload) {
        return WithReason(
            InvalidField("request_id", seen->method == key.method
                                           ? "was first used by " + seen->method + " with another payload"
                                           : "was first used by " + seen->method + ", not " + key.method),
            kIdempotencyKeyReused);
      }
      if (replayed) *replayed = true;
      return std::move(seen->response);
    }
    SqlLedgerTx tx(s, *dialect_, *clock_);
    auto response = fn(tx);
    if (!response.ok()) return response.status();
    const std::string now = clock_->NowUtcText();
    auto recorded = s.Exec(
        "INSERT INTO idempotency (request_id, method, payload, response, created_at) VALUES ($1, $2, $3, $4, $5)",
        {SqlParam::Text(key.request_id), SqlParam::Text(key.method), SqlParam::Bytes(key.payload),
         SqlParam::Bytes(*response), SqlParam::Text(now)});
    if (!recorded.ok()) return recorded.status();
    return response;
  });
}

absl::StatusOr<std::vector<FundAccount>> Ledger::ReadFundAccounts(const std::string& school_id) {
  absl::StatusOr<std::vector<FundAccount>> out;
  auto s = dialect_->Read([&](SqlSession& session) {
    out = ReadAccounts(session, school_id, "");
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::optional<PayoutRow>> Ledger::GetPayout(int64_t seq) {
  std::vector<PayoutRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return ReadPayouts(session, absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE seq = $1"),
                       {SqlParam::Int(seq)}, &rows);
  });
  if (!s.ok()) return s;
  if (rows.empty()) return std::optional<PayoutRow>();
  return std::optional<PayoutRow>(std::move(rows.front()));
}

namespace {
// The WHERE clause of a payout filter (paging aside) and its parameters, from $2 on ($1 is the
// keyset cursor). The views in `params` point into `f` and `texts`.
std::string PayoutWhere(const PayoutFilter& f, std::vector<std::string>* texts, std::vector<SqlParam>* params) {
  std::string where;
  texts->reserve(8);  // at most one per condition: the views into it stay put
  auto add = [&](absl::string_view condition, std::string value) {
    texts->push_back(std::move(value));
    params->push_back(SqlParam::Text(texts->back()));
    absl::StrAppend(&where, " AND ", condition, " $", params->size());
  };
  if (!f.policy_id.empty()) add("policy_id =", f.policy_id);
  if (!f.enterprise_uscc.empty()) add("enterprise_uscc =", f.enterprise_uscc);
  if (f.status) absl::StrAppend(&where, " AND ", PayoutStatusCondition(*f.status));
  if (f.overdue_as_of) add("status = 'SCHEDULED' AND due_date <", f.overdue_as_of->ToString());
  if (f.paid_date) add("status = 'DISBURSED' AND paid_date =", f.paid_date->ToString());
  // reward::PaidLate in SQL, for paging: ISO dates compare as text in date order.
  if (f.paid_late) absl::StrAppend(&where, " AND status = 'DISBURSED' AND paid_date > due_date");
  return where;
}
}  // namespace

absl::StatusOr<std::vector<PayoutRow>> Ledger::ListPayouts(const PayoutFilter& f) {
  std::vector<std::string> texts;
  std::vector<SqlParam> params = {SqlParam::Int(f.after_seq)};
  std::string sql = absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE seq > $1",
                                 PayoutWhere(f, &texts, &params));
  params.push_back(SqlParam::Int(f.limit));
  absl::StrAppend(&sql, " ORDER BY seq LIMIT $", params.size());
  std::vector<PayoutRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return ReadPayouts(session, sql, params, &rows);
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<Storage::PayoutTotals> Ledger::TotalPayouts(const PayoutFilter& f) {
  std::vector<std::string> texts;
  std::vector<SqlParam> params = {SqlParam::Int(0)};
  const std::string sql = absl::StrCat("SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payouts WHERE seq > $1",
                                       PayoutWhere(f, &texts, &params));
  PayoutTotals out;
  auto s = dialect_->Read([&](SqlSession& session) {
    return session.QueryOne(sql, params, [&](const SqlRow& row) { out = {row.Int(0), Money::Fen(row.Int(1))}; })
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::string, Money>> Ledger::AwardedByPolicy() {
  std::map<std::string, Money> out;
  auto s = dialect_->Read([&](SqlSession& session) {
    out.clear();
    return session.Query("SELECT policy_id, awarded_fen FROM policy_awarded", {}, [&](const SqlRow& row) {
      out[row.Text(0)] = Money::Fen(row.Int(1));
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::string, Money>> Ledger::AwardedByPolicyInYear(int year) {
  std::map<std::string, Money> out;
  auto s = dialect_->Read([&](SqlSession& session) {
    out.clear();
    return session.Query("SELECT policy_id, awarded_fen FROM policy_awarded_yearly WHERE award_year = $1",
                         {SqlParam::Int(year)}, [&](const SqlRow& row) {
                           out[row.Text(0)] = Money::Fen(row.Int(1));
                           return absl::OkStatus();
                         });
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::string, Money>> Ledger::AllocatedByRecipient(const std::string& recipient_kind, int year) {
  std::map<std::string, Money> out;
  auto s = dialect_->Read([&](SqlSession& session) {
    out.clear();
    return session.Query(
        "SELECT r.recipient_id, COALESCE(SUM(r.allocated_fen), 0) FROM fund_recipients r "
        "JOIN funds f ON f.fund_id = r.fund_id WHERE r.recipient_kind = $1 AND f.budget_year = $2 "
        "GROUP BY r.recipient_id",
        {SqlParam::Text(recipient_kind), SqlParam::Int(year)}, [&](const SqlRow& row) {
          out[row.Text(0)] = Money::Fen(row.Int(1));
          return absl::OkStatus();
        });
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<Storage::PayoutStat>> Ledger::PayoutStats() {
  std::vector<PayoutStat> out;
  auto s = dialect_->Read([&](SqlSession& session) {
    out.clear();
    return session.Query(
        "SELECT status, reject_reason, COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payouts "
        "GROUP BY status, reject_reason",
        {}, [&](const SqlRow& row) -> absl::Status {
          auto status = StatusColumn(row, 0, 1);
          if (!status.ok()) return status.status();
          out.push_back({*status, row.Text(1), row.Int(2), Money::Fen(row.Int(3))});
          return absl::OkStatus();
        });
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<Storage::LedgerTotals> Ledger::Totals() {
  LedgerTotals out;
  auto s = dialect_->Read([&](SqlSession& session) {
    return session
        .QueryOne("SELECT COALESCE(SUM(allocated_fen), 0), COALESCE(SUM(spent_fen), 0), COUNT(DISTINCT school_id) "
                  "FROM fund_accounts",
                  {},
                  [&](const SqlRow& row) {
                    out = {Money::Fen(row.Int(0)), Money::Fen(row.Int(1)), row.Int(2)};
                  })
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<int64_t> Ledger::BeginClaim(const ClaimRow& c) {
  const std::string start = c.period_start.ToString(), end = c.period_end.ToString(), now = clock_->NowUtcText();
  // NowUtcText's format: the texts compare in time order.
  const std::string stale = absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                                             clock_->Now() - absl::FromChrono(kStagedClaimLifetime), absl::UTCTimeZone());
  auto seq = dialect_->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
    // Attempts nobody finished go first. Other attempts of this request may be under way at this
    // moment (a client retrying concurrently): they stay, and the first to settle takes the
    // request_id; the others then answer its claim (a replay), and its settling removes them.
    const SqlParam gone[] = {SqlParam::Text(stale)};
    constexpr char kGone[] = "SELECT seq FROM loan_claims WHERE status = 'UPLOADING' AND created_at < $1";
    auto lines = s.Exec(absl::StrCat("DELETE FROM loan_claim_lines WHERE claim_seq IN (", kGone, ")"), gone);
    if (!lines.ok()) return lines.status();
    auto claims = s.Exec(absl::StrCat("DELETE FROM loan_claims WHERE seq IN (", kGone, ")"), gone);
    if (!claims.ok()) return claims.status();
    auto id = InsertReturningId(
        s,
        "INSERT INTO loan_claims (request_id, bank_id, period_start, period_end, fund_id, status, data_version, "
        "submitted_by, created_at) VALUES ($1, $2, $3, $4, $5, 'UPLOADING', $6, $7, $8) RETURNING seq",
        {SqlParam::Text(c.request_id), SqlParam::Text(c.bank_id), SqlParam::Text(start), SqlParam::Text(end),
         SqlParam::Text(c.fund_id), SqlParam::Text(c.data_version), SqlParam::Text(c.submitted_by),
         SqlParam::Text(now)});
    if (!id.ok()) return id.status();
    return absl::StrCat(*id);
  });
  if (!seq.ok()) return seq.status();
  int64_t out = 0;
  if (!absl::SimpleAtoi(*seq, &out)) return absl::InternalError("BeginClaim: no sequence number");
  return out;
}

absl::Status Ledger::AppendClaimLines(int64_t claim_seq, const std::vector<ClaimLineRow>& lines) {
  static const std::string kBatchSql = InsertLinesSql(kLinesPerInsert);
  static const std::string kOneSql = InsertLinesSql(1);
  return dialect_
      ->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
        auto staged = s.QueryOne("SELECT 1 FROM loan_claims WHERE seq = $1 AND status = 'UPLOADING'",
                                 {SqlParam::Int(claim_seq)}, [](const SqlRow&) {});
        if (!staged.ok()) return staged.status();
        if (!*staged) return StagedClaimGone();
        std::vector<SqlParam> params;
        params.reserve(kLinesPerInsert * kLineColumns);
        size_t i = 0;
        auto add = [&](const ClaimLineRow& l) {
          params.push_back(SqlParam::Int(claim_seq));
          params.push_back(SqlParam::Int(l.line_no));
          params.push_back(SqlParam::Text(l.loan_id));
          params.push_back(SqlParam::Text(ClaimLineStatusName(l.status)));
          params.push_back(SqlParam::Int(l.principal.fen()));
          params.push_back(SqlParam::Int(l.interest.fen()));
          params.push_back(SqlParam::Int(l.subsidy.fen()));
          params.push_back(SqlParam::Bytes(l.result));
          params.push_back(SqlParam::Text(l.terms));
          params.push_back(SqlParam::Text(l.borrower_key));
          params.push_back(SqlParam::Int(l.borrower_limit));
        };
        for (; i + kLinesPerInsert <= lines.size(); i += kLinesPerInsert) {
          params.clear();
          for (size_t j = i; j < i + kLinesPerInsert; ++j) add(lines[j]);
          if (auto n = s.Exec(kBatchSql, params); !n.ok()) return n.status();
        }
        for (; i < lines.size(); ++i) {
          params.clear();
          add(lines[i]);
          if (auto n = s.Exec(kOneSql, params); !n.ok()) return n.status();
        }
        return std::string();
      })
      .status();
}

absl::Status Ledger::AbandonClaim(int64_t claim_seq) {
  return dialect_
      ->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
        const SqlParam seq[] = {SqlParam::Int(claim_seq)};
        auto lines = s.Exec(
            "DELETE FROM loan_claim_lines WHERE claim_seq IN (SELECT seq FROM loan_claims WHERE seq = $1 AND status = "
            "'UPLOADING')",
            seq);
        if (!lines.ok()) return lines.status();
        auto claim = s.Exec("DELETE FROM loan_claims WHERE seq = $1 AND status = 'UPLOADING'", seq);
        if (!claim.ok()) return claim.status();
        return std::string();
      })
      .status();
}

absl::StatusOr<std::optional<ClaimRow>> Ledger::GetClaim(int64_t claim_seq) {
  absl::StatusOr<std::optional<ClaimRow>> out;
  auto s = dialect_->Read([&](SqlSession& session) {
    out = ReadOneClaim(session, claim_seq, "");
    return out.status();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<ClaimRow>> Ledger::ListClaims(const ClaimFilter& f) {
  std::vector<std::string> texts;
  texts.reserve(f.bank_ids.size() + 2);  // the views into it stay put
  std::vector<SqlParam> params = {SqlParam::Int(f.after_seq)};
  std::string sql = absl::StrCat("SELECT ", kClaimColumns, " FROM loan_claims WHERE seq > $1 AND status <> 'UPLOADING'");
  auto add = [&](std::string value) {
    texts.push_back(std::move(value));
    params.push_back(SqlParam::Text(texts.back()));
    return absl::StrCat("$", params.size());
  };
  if (!f.bank_ids.empty()) {
    std::vector<std::string> marks;
    for (const auto& b : f.bank_ids) marks.push_back(add(b));
    absl::StrAppend(&sql, " AND bank_id IN (", absl::StrJoin(marks, ", "), ")");
  }
  if (f.status) absl::StrAppend(&sql, " AND status = ", add(ClaimStatusName(*f.status)));
  if (f.period_start) absl::StrAppend(&sql, " AND period_start = ", add(f.period_start->ToString()));
  params.push_back(SqlParam::Int(f.limit));
  absl::StrAppend(&sql, " ORDER BY seq LIMIT $", params.size());
  std::vector<ClaimRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return ReadClaims(session, sql, params, &rows);
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<std::vector<ClaimLineRow>> Ledger::ListClaimLines(const ClaimLineFilter& f) {
  std::vector<SqlParam> params = {SqlParam::Int(f.claim_seq), SqlParam::Int(f.after_line_no), SqlParam::Int(f.limit)};
  std::string sql =
      "SELECT line_no, loan_id, line_status, principal_fen, interest_fen, subsidy_fen, COALESCE(duplicate_of_seq, 0), "
      "result, settled_reasons, flags FROM loan_claim_lines WHERE claim_seq = $1 AND line_no > $2";
  if (f.status) {
    params.push_back(SqlParam::Text(ClaimLineStatusName(*f.status)));
    absl::StrAppend(&sql, " AND line_status = $4");
  } else {
    // Line numbers are dense: the page is a closed range of the key, whatever the planner estimates.
    absl::StrAppend(&sql, " AND line_no <= $2 + $3");
  }
  absl::StrAppend(&sql, " ORDER BY line_no LIMIT $3");
  std::vector<ClaimLineRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return session.Query(sql, params, [&](const SqlRow& q) -> absl::Status {
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
      rows.push_back(std::move(l));
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return rows;
}

namespace {
// The WHERE conditions of a fund filter on table alias `f` (paging aside), parameters from $first on.
std::string FundWhere(const FundFilter& f, std::vector<std::string>* texts, std::vector<SqlParam>* params) {
  std::string where;
  texts->reserve(f.fund_ids.size() + 4);  // the views into it stay put
  auto add = [&](std::string value) {
    texts->push_back(std::move(value));
    params->push_back(SqlParam::Text(texts->back()));
    return absl::StrCat("$", params->size());
  };
  if (!f.fund_ids.empty()) {
    std::vector<std::string> marks;
    for (const auto& id : f.fund_ids) marks.push_back(add(id));
    absl::StrAppend(&where, " AND f.fund_id IN (", absl::StrJoin(marks, ", "), ")");
  }
  if (f.budget_year) {
    params->push_back(SqlParam::Int(f.budget_year));
    absl::StrAppend(&where, " AND f.budget_year = $", params->size());
  }
  if (!f.purpose.empty()) absl::StrAppend(&where, " AND f.purpose = ", add(f.purpose));
  if (!f.level.empty()) absl::StrAppend(&where, " AND f.level = ", add(f.level));
  // A prefix match that any index on region_code can use and no LIKE pattern can subvert.
  if (!f.region_prefix.empty()) {
    absl::StrAppend(&where, " AND substr(f.region_code, 1, ", f.region_prefix.size(), ") = ", add(f.region_prefix));
  }
  return where;
}

std::string QualifiedFundColumns() {
  std::vector<std::string> cols = absl::StrSplit(kFundColumns, ", ");
  for (auto& c : cols) c = "f." + c;
  return absl::StrJoin(cols, ", ");
}
}  // namespace

absl::StatusOr<std::optional<FundRow>> Ledger::GetFund(const std::string& fund_id) {
  std::vector<FundRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return ReadFunds(session, absl::StrCat("SELECT ", kFundColumns, " FROM funds WHERE fund_id = $1"),
                     {SqlParam::Text(fund_id)}, &rows);
  });
  if (!s.ok()) return s;
  if (rows.empty()) return std::optional<FundRow>();
  return std::optional<FundRow>(std::move(rows.front()));
}

absl::StatusOr<std::vector<FundRow>> Ledger::ListFunds(const FundFilter& f) {
  std::vector<std::string> texts;
  std::vector<SqlParam> params = {SqlParam::Int(f.after_seq)};
  std::string sql = absl::StrCat("SELECT ", QualifiedFundColumns(), " FROM funds f WHERE f.seq > $1",
                                 FundWhere(f, &texts, &params), " ORDER BY f.seq");
  if (f.limit > 0) {
    params.push_back(SqlParam::Int(f.limit));
    absl::StrAppend(&sql, " LIMIT $", params.size());
  }
  std::vector<FundRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return ReadFunds(session, sql, params, &rows);
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<std::vector<FundFigures>> Ledger::FundFiguresAsOf(const FundFilter& f, Date as_of) {
  const std::string day = as_of.ToString();
  std::vector<std::string> texts;
  std::vector<SqlParam> params = {SqlParam::Text(day)};
  // Per fund, a sum over its days (at most one row per day), not over its entries.
  const std::string sql = absl::StrCat(
      "SELECT ", QualifiedFundColumns(),
      ", COALESCE(SUM(d.budget_fen), 0), COALESCE(SUM(d.allocated_fen), 0), COALESCE(SUM(d.paid_fen), 0) "
      "FROM funds f LEFT JOIN fund_daily d ON d.fund_id = f.fund_id AND d.date <= $1 WHERE 1 = 1",
      FundWhere(f, &texts, &params), " GROUP BY ", QualifiedFundColumns(), " ORDER BY f.seq");
  std::vector<FundFigures> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return session.Query(sql, params, [&](const SqlRow& q) -> absl::Status {
      auto fund = ReadFund(q);
      if (!fund.ok()) return fund.status();
      rows.push_back({std::move(*fund), Money::Fen(q.Int(kFundColumnCount)), Money::Fen(q.Int(kFundColumnCount + 1)),
                      Money::Fen(q.Int(kFundColumnCount + 2))});
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<std::vector<FundRecipientRow>> Ledger::RecipientFiguresAsOf(const std::vector<std::string>& fund_ids,
                                                                           Date as_of) {
  std::vector<FundRecipientRow> rows;
  if (fund_ids.empty()) return rows;
  const std::string day = as_of.ToString();
  std::vector<SqlParam> params = {SqlParam::Text(day)};
  std::vector<std::string> marks;
  for (const auto& id : fund_ids) {
    params.push_back(SqlParam::Text(id));
    marks.push_back(absl::StrCat("$", params.size()));
  }
  const std::string sql = absl::StrCat(
      "SELECT r.fund_id, r.recipient_id, r.recipient_kind, r.region_code, SUM(d.allocated_fen), SUM(d.paid_fen), "
      "MAX(d.date) FROM fund_recipients r JOIN fund_recipient_daily d ON d.fund_id = r.fund_id "
      "AND d.recipient_id = r.recipient_id AND d.date <= $1 WHERE r.fund_id IN (",
      absl::StrJoin(marks, ", "),
      ") GROUP BY r.fund_id, r.recipient_id, r.recipient_kind, r.region_code "
      "HAVING SUM(d.allocated_fen) > 0 ORDER BY r.fund_id, r.recipient_id");
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return session.Query(sql, params, [&](const SqlRow& q) -> absl::Status {
      auto last = DateColumn(q, 6);
      if (!last.ok()) return last.status();
      rows.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3), Money::Fen(q.Int(4)), Money::Fen(q.Int(5)), *last});
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<std::vector<PayoutRow>> Ledger::OverduePayoutsAsOf(Date as_of) {
  const std::string day = as_of.ToString();
  std::vector<PayoutRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return ReadPayouts(session,
                       absl::StrCat("SELECT ", kPayoutColumns,
                                    " FROM payouts WHERE determination_date <= $1 AND due_date <> '' AND due_date < $1 "
                                    "AND (status = 'SCHEDULED' OR (status = 'DISBURSED' AND paid_date > $1)) "
                                    "ORDER BY seq"),
                       {SqlParam::Text(day)}, &rows);
  });
  if (!s.ok()) return s;
  return rows;
}

absl::StatusOr<std::vector<SchoolLedgerRow>> Ledger::ListSchoolLedger(const std::string& school_id, int64_t offset,
                                                                      int limit) {
  // By date; within a day money in (allocations, reversals) before money out (expenditures,
  // allocations taken back), then in recording order: the running balance is never negative on a
  // line when no day ends negative, which every posting is checked for.
  const std::string sql =
      "SELECT kind, id, date, source, category, amount_fen, reverses, request_id, created_at FROM ("
      " SELECT 'ALLOCATION' AS kind, id, date, source, '' AS category, amount_fen, 0 AS reverses, request_id, "
      "  created_at, 1 AS rank FROM allocations WHERE school_id = $1"
      " UNION ALL SELECT 'EXPENDITURE', id, date, '', category, amount_fen, 0, request_id, created_at, 3 "
      "  FROM expenditures WHERE school_id = $1"
      " UNION ALL SELECT 'REVERSAL', r.id, r.date, '', e.category, e.amount_fen, r.expenditure_id, r.request_id, "
      "  r.created_at, 2 FROM expenditure_reversals r JOIN expenditures e ON e.id = r.expenditure_id "
      "  WHERE r.school_id = $1"
      " UNION ALL SELECT 'ALLOCATION_REVERSAL', id, date, source, '', amount_fen, 0, request_id, created_at, 4 "
      "  FROM allocation_reversals WHERE school_id = $1"
      ") AS ledger ORDER BY date, rank, created_at, id LIMIT $2 OFFSET $3";
  std::vector<SchoolLedgerRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return session.Query(sql, {SqlParam::Text(school_id), SqlParam::Int(limit), SqlParam::Int(offset)},
                         [&](const SqlRow& q) -> absl::Status {
                           auto date = DateColumn(q, 2);
                           if (!date.ok()) return date.status();
                           SchoolLedgerRow r;
                           r.kind = q.Text(0);
                           const int64_t id = q.Int(1);
                           r.entry_id = absl::StrFormat(r.kind == "ALLOCATION"            ? "ALLOC-%08d"
                                                        : r.kind == "EXPENDITURE"         ? "EXP-%08d"
                                                        : r.kind == "ALLOCATION_REVERSAL" ? "ALR-%08d"
                                                                                          : "EXR-%08d",
                                                        id);
                           r.date = *date;
                           r.source = q.Text(3);
                           r.category = q.Text(4);
                           r.amount = Money::Fen(q.Int(5));
                           if (q.Int(6)) r.reverses = absl::StrFormat("EXP-%08d", q.Int(6));
                           r.request_id = q.Text(7);
                           r.recorded_at = q.Text(8);
                           rows.push_back(std::move(r));
                           return absl::OkStatus();
                         });
  });
  if (!s.ok()) return s;
  // The draws of the school's expenditures, for the lines that move several sources.
  std::map<std::string, std::vector<ExpenditureDraw>> draws;
  s = dialect_->Read([&](SqlSession& session) {
    draws.clear();
    return session.Query(
        "SELECT d.expenditure_id, d.source, d.amount_fen FROM expenditure_draws d JOIN expenditures e "
        "ON e.id = d.expenditure_id WHERE e.school_id = $1 ORDER BY d.expenditure_id, d.source",
        {SqlParam::Text(school_id)}, [&](const SqlRow& q) -> absl::Status {
          auto src = SourceColumn(q, 1);
          if (!src.ok()) return src.status();
          draws[absl::StrFormat("EXP-%08d", q.Int(0))].push_back({*src, Money::Fen(q.Int(2))});
          return absl::OkStatus();
        });
  });
  if (!s.ok()) return s;
  for (auto& r : rows) {
    if (r.kind == "EXPENDITURE") r.draws = draws[r.entry_id];
    if (r.kind == "REVERSAL") r.draws = draws[r.reverses];
  }
  return rows;
}

absl::StatusOr<std::vector<AuditRow>> Ledger::ListAuditEvents(const AuditFilter& f) {
  std::vector<std::string> texts;
  texts.reserve(3);
  std::vector<SqlParam> params = {SqlParam::Int(f.after_id)};
  std::string sql =
      "SELECT id, at, caller, method, request_id, entity_id, result, detail FROM audit_log WHERE id > $1";
  auto add = [&](absl::string_view condition, std::string value) {
    texts.push_back(std::move(value));
    params.push_back(SqlParam::Text(texts.back()));
    absl::StrAppend(&sql, " AND ", condition, " $", params.size());
  };
  if (!f.subject_id.empty()) add("entity_id =", f.subject_id);
  if (!f.caller.empty()) add("caller =", f.caller);
  if (!f.since.empty()) add("at >=", f.since);
  params.push_back(SqlParam::Int(f.limit));
  absl::StrAppend(&sql, " ORDER BY id LIMIT $", params.size());
  std::vector<AuditRow> rows;
  auto s = dialect_->Read([&](SqlSession& session) {
    rows.clear();
    return session.Query(sql, params, [&](const SqlRow& q) {
      rows.push_back({q.Int(0), q.Text(1), {q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)}});
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return rows;
}

template <class T, class Fn>
absl::StatusOr<T> Ledger::ReadOne(Fn&& fn) {
  std::optional<T> out;
  auto st = dialect_->Read([&](SqlSession& session) -> absl::Status {
    absl::StatusOr<T> r = fn(session);
    if (!r.ok()) return r.status();
    out = std::move(*r);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

absl::StatusOr<std::vector<FundEntryRow>> Ledger::ListFundEntries(const FundEntryFilter& f) {
  return ReadOne<std::vector<FundEntryRow>>([&](SqlSession& s) { return fundsql::ListEntries(s, f); });
}
absl::StatusOr<std::optional<InstructionRow>> Ledger::GetInstruction(int64_t seq) {
  return ReadOne<std::optional<InstructionRow>>([&](SqlSession& s) { return fundsql::ReadInstruction(s, seq, ""); });
}
absl::StatusOr<std::vector<InstructionRow>> Ledger::ListInstructions(const InstructionFilter& f) {
  return ReadOne<std::vector<InstructionRow>>([&](SqlSession& s) { return fundsql::ListInstructions(s, f); });
}
absl::StatusOr<Storage::PendingTotals> Ledger::PendingInstructions(const std::string& fund_id, const std::string& maker) {
  return ReadOne<PendingTotals>([&](SqlSession& s) { return fundsql::PendingInstructions(s, fund_id, maker); });
}
absl::StatusOr<std::map<std::string, int64_t>> Ledger::PendingOnSubjects(const std::vector<std::string>& subjects) {
  return ReadOne<std::map<std::string, int64_t>>([&](SqlSession& s) { return fundsql::PendingOnSubjects(s, subjects); });
}
absl::StatusOr<std::vector<PayoutRow>> Ledger::HeldPayouts() {
  return ReadOne<std::vector<PayoutRow>>([&](SqlSession& s) -> absl::StatusOr<std::vector<PayoutRow>> {
    std::vector<PayoutRow> rows;
    auto st = ReadPayouts(s, absl::StrCat("SELECT ", kPayoutColumns,
                                          " FROM payouts WHERE status = 'SCHEDULED' AND hold_reason <> '' ORDER BY seq"),
                          {}, &rows);
    if (!st.ok()) return st;
    return rows;
  });
}

absl::StatusOr<std::map<std::string, Storage::FundPending>> Ledger::PendingByFund() {
  return ReadOne<std::map<std::string, FundPending>>([&](SqlSession& s) { return fundsql::PendingByFund(s); });
}

absl::StatusOr<int64_t> Ledger::CountRows(const std::string& table) {
  if (std::find(std::begin(kTables), std::end(kTables), table) == std::end(kTables)) {
    return absl::InvalidArgumentError("no such table");
  }
  int64_t n = 0;
  auto s = dialect_->Read([&](SqlSession& session) {
    return session.QueryOne("SELECT COUNT(*) FROM " + table, {}, [&](const SqlRow& row) { n = row.Int(0); }).status();
  });
  if (!s.ok()) return s;
  return n;
}

}  // namespace subsidy::storage
