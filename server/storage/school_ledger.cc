#include "storage/school_ledger.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {

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

class SqlSchoolTx final : public SchoolTx {
 public:
  explicit SqlSchoolTx(TxContext& tx) : s_(tx.session), dialect_(tx.dialect), clock_(tx.clock) {}

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

 private:
  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

class SqlSchoolReads final : public SchoolReads {
 public:
  explicit SqlSchoolReads(Dialect& dialect) : dialect_(&dialect) {}

  absl::StatusOr<std::vector<FundAccount>> ReadFundAccounts(const std::string& school_id) override {
    absl::StatusOr<std::vector<FundAccount>> out;
    auto s = dialect_->Read([&](SqlSession& session) {
      out = ReadAccounts(session, school_id, "");
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }

  absl::StatusOr<std::vector<SchoolLedgerRow>> ListSchoolLedger(const std::string& school_id, int64_t offset,
                                                                int limit) override {
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

  absl::StatusOr<LedgerTotals> Totals() override {
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

 private:
  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<SchoolTx> NewSchoolTx(TxContext& tx) { return std::make_unique<SqlSchoolTx>(tx); }
std::unique_ptr<SchoolReads> NewSchoolReads(Dialect& dialect) { return std::make_unique<SqlSchoolReads>(dialect); }

}  // namespace subsidy::storage
