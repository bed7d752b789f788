#include "storage/ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status_util.h"

namespace subsidy::storage {
namespace {

// Reasons are stored as "code\x1fmessage\x1e…" (unit and record separators cannot occur in them).
std::string EncodeReasons(const std::vector<Reason>& reasons) {
  std::string out;
  for (const auto& r : reasons) absl::StrAppend(&out, r.code, "\x1f", r.message, "\x1e");
  return out;
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

absl::StatusOr<education::FundSource> SourceColumn(const SqlRow& row, int col) {
  const std::string text = row.Text(col);
  auto src = education::FundSourceFromName(text);
  if (!src) return Corrupt("a fund source", text);
  return *src;
}

absl::StatusOr<PayoutStatus> StatusColumn(const SqlRow& row, int col) {
  const std::string text = row.Text(col);
  auto s = PayoutStatusFromName(text);
  if (!s) return Corrupt("a payout status", text);
  return *s;
}

constexpr char kPayoutColumns[] =
    "seq, request_id, policy_id, award_group, enterprise_uscc, enterprise_name, status, amount_fen, "
    "determination_date, award_year, due_date, paid_date, COALESCE(voucher_no, ''), reasons, COALESCE(award_key, ''), "
    "data_version, created_by";

absl::StatusOr<PayoutRow> ReadPayout(const SqlRow& q) {
  PayoutRow r;
  r.seq = q.Int(0);
  r.request_id = q.Text(1);
  r.policy_id = q.Text(2);
  r.award_group = q.Text(3);
  r.enterprise_uscc = q.Text(4);
  r.enterprise_name = q.Text(5);
  auto status = StatusColumn(q, 6);
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
  if (*changed != 1) return absl::InternalError(absl::StrCat(what, ": ", *changed, " rows changed, expected 1"));
  return absl::OkStatus();
}

std::string VoucherFor(Date paid, int64_t seq) {
  const Date::Ymd d = paid.ToYmd();
  return absl::StrFormat("PV%04d%02d%02d-%08d", d.year, d.month, d.day, seq);
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
    }
    return *seq;
  }

  absl::StatusOr<std::vector<PayoutRow>> DisburseDue(Date payment_date) override {
    const std::string day = payment_date.ToString();
    std::vector<PayoutRow> due;
    auto st = ReadPayouts(s_,
                          absl::StrCat("SELECT ", kPayoutColumns,
                                       " FROM payouts WHERE status = 'SCHEDULED' AND determination_date <= $1 "
                                       "ORDER BY seq"),
                          {SqlParam::Text(day)}, &due);
    if (!st.ok()) return st;
    // Only a SCHEDULED row changes, and the trigger refuses any other status change, so a payout
    // is paid at most once whatever runs overlap.
    for (auto& p : due) {
      p.status = PayoutStatus::kDisbursed;
      p.paid_date = payment_date;
      p.voucher_no = VoucherFor(payment_date, p.seq);
      auto paid = s_.Exec(
          "UPDATE payouts SET status = 'DISBURSED', paid_date = $1, voucher_no = $2 "
          "WHERE seq = $3 AND status = 'SCHEDULED'",
          {SqlParam::Text(day), SqlParam::Text(p.voucher_no), SqlParam::Int(p.seq)});
      if (!paid.ok()) return paid.status();
      if (*paid != 1) return absl::AbortedError("a payout was paid by a concurrent run; retry");
    }
    return due;
  }

 private:
  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

// The tables CountRows may name.
constexpr const char* kTables[] = {"idempotency", "audit_log", "allocations", "expenditures", "expenditure_draws",
                                   "fund_accounts", "payouts", "policy_awarded"};

}  // namespace

const char* PayoutStatusName(PayoutStatus s) {
  switch (s) {
    case PayoutStatus::kScheduled: return "SCHEDULED";
    case PayoutStatus::kRejected: return "REJECTED";
    case PayoutStatus::kDisbursed: return "DISBURSED";
  }
  return "REJECTED";
}

std::optional<PayoutStatus> PayoutStatusFromName(absl::string_view name) {
  for (PayoutStatus s : {PayoutStatus::kScheduled, PayoutStatus::kRejected, PayoutStatus::kDisbursed}) {
    if (name == PayoutStatusName(s)) return s;
  }
  return std::nullopt;
}

std::string PayoutIdFor(int64_t seq) { return absl::StrFormat("PO-%08d", seq); }

std::optional<int64_t> PayoutSeqFrom(const std::string& payout_id) {
  int64_t seq = 0;
  if (payout_id.size() < 4 || payout_id.rfind("PO-", 0) != 0 || payout_id.size() > 22) return std::nullopt;
  for (size_t i = 3; i < payout_id.size(); ++i) {
    if (payout_id[i] < '0' || payout_id[i] > '9') return std::nullopt;
    seq = seq * 10 + (payout_id[i] - '0');
  }
  if (seq <= 0 || PayoutIdFor(seq) != payout_id) return std::nullopt;
  return seq;
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
  if (f.status) add("status =", PayoutStatusName(*f.status));
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

absl::StatusOr<std::vector<Storage::PayoutStat>> Ledger::PayoutStats() {
  std::vector<PayoutStat> out;
  auto s = dialect_->Read([&](SqlSession& session) {
    out.clear();
    return session.Query(
        "SELECT status, reject_reason, COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payouts "
        "GROUP BY status, reject_reason",
        {}, [&](const SqlRow& row) -> absl::Status {
          auto status = StatusColumn(row, 0);
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
