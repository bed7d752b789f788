#include "storage/loan_book.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/dialect.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {

constexpr absl::string_view kPortfolioColumns[] = {"import_seq", "line_no", "loan_key", "input"};

// " AND <column> IN ($k, …)" for the banks asked for, their values appended to `params`.
std::string BankFilter(const std::vector<std::string>& banks, absl::string_view column, std::vector<SqlParam>& params) {
  if (banks.empty()) return "";
  const int from = static_cast<int>(params.size()) + 1;
  for (const auto& b : banks) params.push_back(SqlParam::Text(b));
  return absl::StrCat(" AND ", column, " IN (", Placeholders(from, banks.size(), 1), ")");
}

class SqlBookTx final : public BookTx {
 public:
  explicit SqlBookTx(TxContext& tx) : s_(tx.session), clock_(tx.clock) {}

  absl::StatusOr<PortfolioImport> ImportPortfolio(PortfolioImport h, const std::vector<PortfolioLine>& lines) override {
    h.created_at = Clock::UtcText(clock_.Now());
    h.loan_count = static_cast<int64_t>(lines.size());
    const SqlParam header[] = {SqlParam::Text(h.request_id), SqlParam::Text(h.bank_id), SqlParam::Text(h.as_of.ToString()),
                               SqlParam::Int(h.loan_count),  SqlParam::Text(h.imported_by), SqlParam::Text(h.created_at)};
    auto seq = InsertReturningId(s_,
                                 "INSERT INTO loan_portfolio_imports (request_id, bank_id, as_of, loan_count, imported_by, "
                                 "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                                 header);
    if (!seq.ok()) return seq.status();
    h.seq = *seq;
    std::vector<SqlParam> values;
    values.reserve(lines.size() * std::size(kPortfolioColumns));
    for (size_t i = 0; i < lines.size(); ++i) {
      for (SqlParam p : {SqlParam::Int(h.seq), SqlParam::Int(static_cast<int64_t>(i + 1)),
                         SqlParam::Text(lines[i].loan_key), SqlParam::Bytes(lines[i].input)}) {
        values.push_back(p);
      }
    }
    if (auto st = s_.AppendRows("loan_portfolio_lines", kPortfolioColumns, values); !st.ok()) return st;
    return h;
  }

  absl::StatusOr<std::map<std::string, std::string>> BoundTerms(const std::string& bank_id,
                                                                const std::vector<std::string>& keys) override {
    constexpr size_t kChunk = 500;
    std::map<std::string, std::string> out;
    for (size_t i = 0; i < keys.size(); i += kChunk) {
      const size_t n = std::min(kChunk, keys.size() - i);
      std::vector<SqlParam> params = {SqlParam::Text(bank_id)};
      for (size_t k = i; k < i + n; ++k) params.push_back(SqlParam::Text(keys[k]));
      auto s = s_.Query(absl::StrCat("SELECT loan_id, terms FROM loan_terms WHERE bank_id = $1 AND loan_id IN (",
                                     Placeholders(2, n, 1), ")"),
                        params, [&](const SqlRow& row) {
                          out[row.Text(0)] = row.Text(1);
                          return absl::OkStatus();
                        });
      if (!s.ok()) return s;
    }
    return out;
  }

 private:
  SqlSession& s_;
  const Clock& clock_;
};

class SqlBookReads final : public BookReads {
 public:
  explicit SqlBookReads(Dialect& d) : dialect_(&d) {}

  absl::Status ForEachRecord(const BookQuery& q, absl::FunctionRef<absl::Status(const BookRecord&)> fn) override {
    std::vector<SqlParam> params = {SqlParam::Text(q.as_of ? q.as_of->ToString() : "9999-12-31")};
    // A claim's line is the loan's record as of its period's end; the key it took names the loan.
    const std::string claims = absl::StrCat(
        "SELECT k.bank_id, k.loan_id, l.input, c.period_end AS as_of, 0 AS kind, c.seq, l.line_no, l.loan_id "
        "FROM loan_claim_keys k JOIN loan_claims c ON c.seq = k.claim_seq "
        "JOIN loan_claim_lines l ON l.claim_seq = k.claim_seq AND l.line_no = k.line_no "
        "WHERE c.status IN ('SUBMITTED', 'PAID') AND l.line_status = 'ACCEPTED' AND l.input IS NOT NULL "
        "AND c.period_end <= $1",
        BankFilter(q.bank_ids, "k.bank_id", params));
    const std::string imports = absl::StrCat(
        "SELECT i.bank_id, p.loan_key, p.input, i.as_of, 1, i.seq, p.line_no, '' "
        "FROM loan_portfolio_lines p JOIN loan_portfolio_imports i ON i.seq = p.import_seq WHERE i.as_of <= $1",
        BankFilter(q.bank_ids, "i.bank_id", params));
    const std::string sql = absl::StrCat(claims, " UNION ALL ", imports, " ORDER BY 1, 2, 4, 5, 6, 7");
    return dialect_->Read([&](SqlSession& s) {
      return s.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
        BookRecord r;
        r.bank_id = row.Text(0);
        r.loan_key = row.Text(1);
        r.input = row.Bytes(2);
        auto d = DateColumn(row, 3);
        if (!d.ok()) return d.status();
        r.as_of = *d;
        r.from_claim = row.Int(4) == 0;
        r.source_seq = row.Int(5);
        r.line_no = row.Int(6);
        r.loan_id = row.Text(7);
        return fn(r);
      });
    });
  }

  absl::Status ForEachClaimedLine(const std::vector<std::string>& bank_ids, Date from, Date to,
                                  absl::FunctionRef<absl::Status(const ClaimedLine&)> fn) override {
    std::vector<SqlParam> params = {SqlParam::Text(from.ToString()), SqlParam::Text(to.ToString())};
    const std::string sql = absl::StrCat(
        "SELECT c.bank_id, c.seq, c.period_start, c.period_end, CASE WHEN c.status = 'PAID' AND c.payment_state <> 'RETURNED' THEN 1 ELSE 0 END, "
        "l.subsidy_fen, l.input, l.loan_id "
        "FROM loan_claims c JOIN loan_claim_lines l ON l.claim_seq = c.seq "
        "WHERE c.status IN ('SUBMITTED', 'PAID') AND l.line_status = 'ACCEPTED' AND c.period_start >= $1 "
        "AND c.period_start <= $2",
        BankFilter(bank_ids, "c.bank_id", params), " ORDER BY c.seq, l.line_no");
    return dialect_->Read([&](SqlSession& s) {
      return s.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
        ClaimedLine l;
        l.bank_id = row.Text(0);
        l.claim_seq = row.Int(1);
        auto a = DateColumn(row, 2);
        if (!a.ok()) return a.status();
        auto b = DateColumn(row, 3);
        if (!b.ok()) return b.status();
        l.period_start = *a;
        l.period_end = *b;
        l.paid = row.Int(4) == 1;
        l.subsidy = Money::Fen(row.Int(5));
        if (!row.IsNull(6)) l.input = row.Bytes(6);
        l.loan_id = row.Text(7);
        return fn(l);
      });
    });
  }

 private:
  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<BookTx> NewBookTx(TxContext& tx) { return std::make_unique<SqlBookTx>(tx); }
std::unique_ptr<BookReads> NewBookReads(Dialect& dialect) { return std::make_unique<SqlBookReads>(dialect); }

}  // namespace subsidy::storage
