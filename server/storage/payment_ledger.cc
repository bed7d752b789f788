#include "storage/payment_ledger.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {

const char* PaymentSourceName(PaymentSource s) {
  switch (s) {
    case PaymentSource::kPayout: return "PAYOUT";
    case PaymentSource::kClaim: return "CLAIM";
    case PaymentSource::kFundPayment: return "FUND_PAYMENT";
  }
  return "PAYOUT";
}

std::optional<PaymentSource> PaymentSourceFromName(absl::string_view name) {
  for (PaymentSource s : {PaymentSource::kPayout, PaymentSource::kClaim, PaymentSource::kFundPayment}) {
    if (name == PaymentSourceName(s)) return s;
  }
  return std::nullopt;
}

std::string PaymentIdFor(int64_t seq) { return absl::StrFormat("PAY-%08d", seq); }
std::optional<int64_t> PaymentSeqFrom(const std::string& id) { return SeqFromId(id, "PAY-", &PaymentIdFor); }
std::string ImportIdFor(int64_t seq) { return absl::StrFormat("BR-%08d", seq); }

std::string BatchIdFor(Date date, bool reissues) {
  const Date::Ymd d = date.ToYmd();
  return absl::StrFormat("PB-%04d%02d%02d%s", d.year, d.month, d.day, reissues ? "-R" : "");
}

namespace {

constexpr size_t kChunk = 300;  // rows a statement names (SQLite allows 32,766 parameters)

constexpr char kLineColumns[] =
    "l.seq, l.batch_id, l.voucher_no, l.source, l.source_id, l.payee_name, l.payee_account, l.payee_bank, "
    "l.payee_id, l.amount_fen, l.tracking_id, l.payment_date, l.state, l.bank_serial, l.bank_date, "
    "l.failure_reason, l.failed_date, l.settled_by, COALESCE(l.reissue_of, 0), "
    "COALESCE((SELECT r.seq FROM payment_lines r WHERE r.reissue_of = l.seq), 0), l.closed_by, l.return_reason, "
    "l.created_by";

absl::StatusOr<PaymentLineRow> ReadLine(const SqlRow& q) {
  PaymentLineRow l;
  l.seq = q.Int(0);
  l.batch_id = q.Text(1);
  l.voucher_no = q.Text(2);
  auto source = PaymentSourceFromName(q.Text(3));
  if (!source) return Corrupt("a payment source", q.Text(3));
  l.source = *source;
  l.source_id = q.Text(4);
  l.payee_name = q.Text(5);
  l.payee_account = q.Text(6);
  l.payee_bank = q.Text(7);
  l.payee_id = q.Text(8);
  l.amount = Money::Fen(q.Int(9));
  l.tracking_id = q.Text(10);
  auto date = DateColumn(q, 11);
  if (!date.ok()) return date.status();
  l.payment_date = *date;
  auto state = funds::PaymentStateFromName(q.Text(12));
  if (!state) return Corrupt("a payment state", q.Text(12));
  l.state = *state;
  l.bank_serial = q.Text(13);
  l.bank_date = q.Text(14);
  l.failure_reason = q.Text(15);
  l.failed_date = q.Text(16);
  l.settled_by = q.Text(17);
  l.reissue_of = q.Int(18);
  l.reissued_by = q.Int(19);
  l.closed_by = q.Text(20);
  l.return_reason = q.Text(21);
  l.created_by = q.Text(22);
  return l;
}

absl::Status ReadLines(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                       std::vector<PaymentLineRow>* out) {
  return s.Query(sql, params, [&](const SqlRow& row) -> absl::Status {
    auto l = ReadLine(row);
    if (!l.ok()) return l.status();
    out->push_back(*std::move(l));
    return absl::OkStatus();
  });
}

// The figures of the lines a WHERE clause selects ("l." names the line).
absl::StatusOr<PaymentFiguresRow> Figures(SqlSession& s, absl::string_view where, absl::Span<const SqlParam> params) {
  PaymentFiguresRow f;
  auto st = s.Query(absl::StrCat("SELECT l.state, COUNT(*), COALESCE(SUM(l.amount_fen), 0) FROM payment_lines l WHERE ",
                                 where, " GROUP BY l.state"),
                    params, [&](const SqlRow& row) -> absl::Status {
                      auto state = funds::PaymentStateFromName(row.Text(0));
                      if (!state) return Corrupt("a payment state", row.Text(0));
                      const int64_t n = row.Int(1), fen = row.Int(2);
                      f.sent_count += n;
                      f.sent = Money::Fen(f.sent.fen() + fen);
                      switch (*state) {
                        case funds::PaymentState::kSent:
                          f.outstanding_count += n;
                          f.outstanding = Money::Fen(f.outstanding.fen() + fen);
                          break;
                        case funds::PaymentState::kConfirmed:
                          f.confirmed_count += n;
                          f.confirmed = Money::Fen(f.confirmed.fen() + fen);
                          break;
                        case funds::PaymentState::kFailed:
                          f.open_failed_count += n;
                          f.open_failed = Money::Fen(f.open_failed.fen() + fen);
                          [[fallthrough]];
                        case funds::PaymentState::kReissued:
                        case funds::PaymentState::kReturned:
                          f.failed_count += n;
                          f.failed = Money::Fen(f.failed.fen() + fen);
                          if (*state == funds::PaymentState::kReturned) {
                            f.returned_count += n;
                            f.returned = Money::Fen(f.returned.fen() + fen);
                          }
                          break;
                      }
                      return absl::OkStatus();
                    });
  if (!st.ok()) return st;
  return f;
}

class SqlPaymentTx final : public PaymentTx {
 public:
  explicit SqlPaymentTx(TxContext& tx) : s_(tx.session), dialect_(tx.dialect), clock_(tx.clock) {}

  absl::StatusOr<int64_t> AddLine(const PaymentLineRow& l, const std::vector<int64_t>& entry_ids) override {
    const std::string now = clock_.NowUtcText(), date = l.payment_date.ToString();
    const bool reissue = l.reissue_of != 0;
    const std::string batch = BatchIdFor(l.payment_date, reissue);
    auto made = s_.Exec(
        "INSERT INTO payment_batches (batch_id, date, reissues, created_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING",
        {SqlParam::Text(batch), SqlParam::Text(date), SqlParam::Int(reissue ? 1 : 0), SqlParam::Text(now)});
    if (!made.ok()) return made.status();
    auto seq = InsertReturningId(
        s_,
        "INSERT INTO payment_lines (batch_id, voucher_no, source, source_id, payee_name, payee_account, payee_bank, "
        "payee_id, amount_fen, tracking_id, payment_date, state, reissue_of, created_by, created_at) VALUES ($1, $2, "
        "$3, $4, $5, $6, $7, $8, $9, $10, $11, 'SENT', $12, $13, $14) RETURNING seq",
        {SqlParam::Text(batch), SqlParam::Text(l.voucher_no), SqlParam::Text(PaymentSourceName(l.source)),
         SqlParam::Text(l.source_id), SqlParam::Text(l.payee_name), SqlParam::Text(l.payee_account),
         SqlParam::Text(l.payee_bank), SqlParam::Text(l.payee_id), SqlParam::Int(l.amount.fen()),
         SqlParam::Text(l.tracking_id), SqlParam::Text(date), reissue ? SqlParam::Int(l.reissue_of) : SqlParam::Null(),
         SqlParam::Text(l.created_by), SqlParam::Text(now)});
    if (!seq.ok()) return seq.status();
    for (int64_t e : entry_ids) {
      auto bound = s_.Exec("INSERT INTO payment_line_entries (payment_seq, entry_id) VALUES ($1, $2)",
                           {SqlParam::Int(*seq), SqlParam::Int(e)});
      if (auto st = ExpectOneRow(bound, "binding a fund entry to its payment line"); !st.ok()) return st;
    }
    if (auto st = FollowSource(l, *seq, funds::PaymentState::kSent); !st.ok()) return st;
    return *seq;
  }

  absl::StatusOr<std::optional<PaymentLineRow>> LineOfEntry(int64_t entry_id) override {
    std::vector<PaymentLineRow> rows;
    auto st = ReadLines(s_, absl::StrCat("SELECT ", kLineColumns, " FROM payment_lines l JOIN payment_line_entries x ",
                                         "ON x.payment_seq = l.seq WHERE x.entry_id = $1"),
                        {SqlParam::Int(entry_id)}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) return std::optional<PaymentLineRow>();
    return std::optional<PaymentLineRow>(std::move(rows.front()));
  }

  absl::StatusOr<std::optional<PaymentLineRow>> LineForUpdate(int64_t seq, std::vector<int64_t>* entry_ids) override {
    std::vector<PaymentLineRow> rows;
    auto st = ReadLines(s_, absl::StrCat("SELECT ", kLineColumns, " FROM payment_lines l WHERE l.seq = $1",
                                         dialect_.LockRowsClause()),
                        {SqlParam::Int(seq)}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) return std::optional<PaymentLineRow>();
    if (entry_ids != nullptr) {
      entry_ids->clear();
      st = s_.Query("SELECT entry_id FROM payment_line_entries WHERE payment_seq = $1 ORDER BY entry_id",
                    {SqlParam::Int(seq)}, [&](const SqlRow& row) {
                      entry_ids->push_back(row.Int(0));
                      return absl::OkStatus();
                    });
      if (!st.ok()) return st;
    }
    return std::optional<PaymentLineRow>(std::move(rows.front()));
  }

  absl::StatusOr<std::map<std::string, PaymentLineRow>> LinesByVoucher(
      const std::vector<std::string>& vouchers) override {
    std::map<std::string, PaymentLineRow> out;
    std::vector<PaymentLineRow> rows;
    // Hundreds of vouchers a statement: a return file of 100,000 lines is a few hundred round trips.
    for (size_t from = 0; from < vouchers.size(); from += kChunk) {
      const size_t n = std::min(kChunk, vouchers.size() - from);
      std::vector<SqlParam> params;
      for (size_t i = 0; i < n; ++i) params.push_back(SqlParam::Text(vouchers[from + i]));
      rows.clear();
      auto st = ReadLines(s_, absl::StrCat("SELECT ", kLineColumns, " FROM payment_lines l WHERE l.voucher_no IN (",
                                           Placeholders(1, n, 1), ")"),
                          params, &rows);
      if (!st.ok()) return st;
      for (auto& r : rows) {
        std::string voucher = r.voucher_no;
        out.emplace(std::move(voucher), std::move(r));
      }
    }
    return out;
  }

  absl::Status ConfirmMany(const std::vector<Confirmation>& lines, const std::string& import_id) override {
    for (size_t from = 0; from < lines.size(); from += kChunk) {
      const size_t n = std::min(kChunk, lines.size() - from);
      std::vector<SqlParam> params = {SqlParam::Text(import_id)};
      for (size_t i = 0; i < n; ++i) {
        const Confirmation& c = lines[from + i];
        params.push_back(SqlParam::Int(c.seq));
        params.push_back(SqlParam::Text(c.bank_serial));
        params.push_back(SqlParam::Text(c.bank_date));
      }
      const std::string values = absl::StrCat("WITH v (seq, serial, bank_date) AS (VALUES ", Placeholders(2, n, 3), ") ");
      auto done = s_.Exec(absl::StrCat(values,
                                        "UPDATE payment_lines SET state = 'CONFIRMED', bank_serial = v.serial, "
                                        "bank_date = v.bank_date, settled_by = $1 FROM v "
                                        "WHERE payment_lines.seq = CAST(v.seq AS BIGINT) AND payment_lines.state = 'SENT'"),
                          params);
      if (!done.ok()) return done.status();
      if (*done != static_cast<int64_t>(n)) return absl::AbortedError("a payment line was settled meanwhile; retry");
      // The payouts and claims they paid say so too.
      for (const char* table : {"payouts", "loan_claims"}) {
        auto followed = s_.Exec(absl::StrCat(values, "UPDATE ", table, " SET payment_state = 'CONFIRMED' ",
                                             "WHERE payment_seq IN (SELECT CAST(seq AS BIGINT) FROM v) AND $1 <> ''"),
                                params);
        if (!followed.ok()) return followed.status();
      }
    }
    return absl::OkStatus();
  }

  absl::Status Fail(const PaymentLineRow& l, const std::string& reason, const std::string& bank_date, Date failed_date,
                    const std::string& import_id) override {
    auto done = s_.Exec(
        "UPDATE payment_lines SET state = 'FAILED', failure_reason = $2, bank_date = $3, failed_date = $4, "
        "settled_by = $5 WHERE seq = $1 AND state = 'SENT'",
        {SqlParam::Int(l.seq), SqlParam::Text(reason), SqlParam::Text(bank_date),
         SqlParam::Text(failed_date.ToString()), SqlParam::Text(import_id)});
    if (auto st = ExpectOneRow(done, "failing a payment line"); !st.ok()) return st;
    return FollowSource(l, l.seq, funds::PaymentState::kFailed);
  }

  absl::Status Close(const PaymentLineRow& l, funds::PaymentState to, const std::string& request_id,
                     const std::string& return_reason) override {
    auto done = s_.Exec(
        "UPDATE payment_lines SET state = $2, closed_by = $3, return_reason = $4 WHERE seq = $1 AND state = 'FAILED'",
        {SqlParam::Int(l.seq), SqlParam::Text(funds::PaymentStateName(to)), SqlParam::Text(request_id),
         SqlParam::Text(return_reason)});
    if (auto st = ExpectOneRow(done, "closing a failed payment line"); !st.ok()) return st;
    return FollowSource(l, l.seq, to);
  }

  absl::StatusOr<std::optional<std::string>> ImportedAnswer(const std::string& sha) override {
    std::optional<std::string> out;
    auto found = s_.QueryOne("SELECT response FROM bank_return_imports WHERE content_sha256 = $1 AND response IS NOT NULL",
                             {SqlParam::Text(sha)}, [&](const SqlRow& row) { out = row.Bytes(0); });
    if (!found.ok()) return found.status();
    return out;
  }

  absl::StatusOr<int64_t> BeginImport(const std::string& request_id, const std::string& sha,
                                      const std::string& file_name, Date date, const std::string& caller) override {
    return InsertReturningId(s_,
                             "INSERT INTO bank_return_imports (request_id, content_sha256, file_name, date, created_by, "
                             "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                             {SqlParam::Text(request_id), SqlParam::Text(sha), SqlParam::Text(file_name),
                              SqlParam::Text(date.ToString()), SqlParam::Text(caller),
                              SqlParam::Text(clock_.NowUtcText())});
  }

  absl::Status AddDiscrepancies(const std::vector<DiscrepancyRow>& rows) override {
    static constexpr absl::string_view kColumns[] = {"import_seq", "row_no",   "voucher_no", "kind",
                                                     "payment_seq", "batch_id", "params",     "date"};
    std::vector<std::string> params;  // the views into it stay put
    params.reserve(rows.size());
    std::vector<SqlParam> values;
    values.reserve(rows.size() * std::size(kColumns));
    for (const auto& d : rows) {
      params.push_back(EncodeReasons({{d.kind, "", d.params}}));
      for (SqlParam p : {SqlParam::Int(d.import_seq), SqlParam::Int(d.row_no), SqlParam::Text(d.voucher_no),
                         SqlParam::Text(d.kind), SqlParam::Int(d.payment_seq), SqlParam::Text(d.batch_id),
                         SqlParam::Text(params.back()), SqlParam::Text(d.date)}) {
        values.push_back(p);
      }
    }
    return s_.AppendRows("payment_discrepancies", kColumns, values);
  }

  absl::Status FinishImport(int64_t import_seq, const std::string& answer) override {
    auto done = s_.Exec("UPDATE bank_return_imports SET response = $2 WHERE seq = $1 AND response IS NULL",
                        {SqlParam::Int(import_seq), SqlParam::Bytes(answer)});
    return ExpectOneRow(done, "recording an import's answer");
  }

 private:
  // The payout's or the claim's own record says what became of its payment.
  absl::Status FollowSource(const PaymentLineRow& l, int64_t seq, funds::PaymentState state) {
    const std::string name = funds::PaymentStateName(state);
    if (l.source == PaymentSource::kPayout) {
      auto payout = PayoutSeqFrom(l.source_id);
      if (!payout) return absl::InternalError(absl::StrCat("a payment line for ", l.source_id));
      auto done = s_.Exec("UPDATE payouts SET payment_seq = $2, payment_state = $3 WHERE seq = $1",
                          {SqlParam::Int(*payout), SqlParam::Int(seq), SqlParam::Text(name)});
      return ExpectOneRow(done, "following a payout's payment");
    }
    if (l.source == PaymentSource::kClaim) {
      auto claim = ClaimSeqFrom(l.source_id);
      if (!claim) return absl::InternalError(absl::StrCat("a payment line for ", l.source_id));
      const bool failed = state == funds::PaymentState::kFailed || state == funds::PaymentState::kReturned;
      auto done = s_.Exec("UPDATE loan_claims SET payment_seq = $2, payment_state = $3, failed_fen = $4 WHERE seq = $1",
                          {SqlParam::Int(*claim), SqlParam::Int(seq), SqlParam::Text(name),
                           SqlParam::Int(failed ? l.amount.fen() : 0)});
      return ExpectOneRow(done, "following a claim's payment");
    }
    return absl::OkStatus();
  }

  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

class SqlPaymentReads final : public PaymentReads {
 public:
  explicit SqlPaymentReads(Dialect& dialect) : dialect_(&dialect) {}

  absl::StatusOr<std::vector<PaymentLineRow>> ListLines(const PaymentLineFilter& f) override {
    std::vector<std::string> texts;
    texts.reserve(4);
    std::vector<SqlParam> params = {SqlParam::Int(f.after_seq)};
    std::string sql = absl::StrCat("SELECT ", kLineColumns, " FROM payment_lines l WHERE l.seq > $1");
    auto add = [&](absl::string_view column, std::string value) {
      texts.push_back(std::move(value));
      params.push_back(SqlParam::Text(texts.back()));
      absl::StrAppend(&sql, " AND l.", column, " = $", params.size());
    };
    if (!f.batch_id.empty()) add("batch_id", f.batch_id);
    if (f.state) add("state", funds::PaymentStateName(*f.state));
    if (!f.source_id.empty()) add("source_id", f.source_id);
    if (!f.tracking_id.empty()) add("tracking_id", f.tracking_id);
    params.push_back(SqlParam::Int(f.limit));
    absl::StrAppend(&sql, " ORDER BY l.seq LIMIT $", params.size());
    return ReadOne<std::vector<PaymentLineRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<PaymentLineRow>> {
      std::vector<PaymentLineRow> rows;
      if (auto st = ReadLines(s, sql, params, &rows); !st.ok()) return st;
      return rows;
    });
  }

  absl::StatusOr<std::vector<PaymentBatchRow>> ListBatches(std::optional<Date> from, std::optional<Date> to,
                                                          const std::string& after, int limit) override {
    const std::string lo = from ? from->ToString() : "", hi = to ? to->ToString() : "9999-12-31";
    const std::string cursor = after.empty() ? "\x7f" : after;
    return ReadOne<std::vector<PaymentBatchRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<PaymentBatchRow>> {
      std::vector<PaymentBatchRow> out;
      auto st = s.Query(
          "SELECT batch_id, date, reissues FROM payment_batches WHERE date >= $1 AND date <= $2 AND batch_id < $3 "
          "ORDER BY batch_id DESC LIMIT $4",
          {SqlParam::Text(lo), SqlParam::Text(hi), SqlParam::Text(cursor), SqlParam::Int(limit)},
          [&](const SqlRow& row) -> absl::Status {
            auto date = DateColumn(row, 1);
            if (!date.ok()) return date.status();
            out.push_back({row.Text(0), *date, row.Int(2) != 0, {}});
            return absl::OkStatus();
          });
      if (!st.ok()) return st;
      for (auto& b : out) {
        auto f = Figures(s, "l.batch_id = $1", {SqlParam::Text(b.batch_id)});
        if (!f.ok()) return f.status();
        b.figures = *f;
      }
      return out;
    });
  }

  absl::StatusOr<std::optional<PaymentBatchRow>> GetBatch(const std::string& batch_id) override {
    using Out = std::optional<PaymentBatchRow>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      Out out;
      absl::Status bad;
      auto found = s.QueryOne("SELECT batch_id, date, reissues FROM payment_batches WHERE batch_id = $1",
                              {SqlParam::Text(batch_id)}, [&](const SqlRow& row) {
                                auto date = DateColumn(row, 1);
                                if (!date.ok()) {
                                  bad = date.status();
                                  return;
                                }
                                out = PaymentBatchRow{row.Text(0), *date, row.Int(2) != 0, {}};
                              });
      if (!found.ok()) return found.status();
      if (!bad.ok()) return bad;
      if (!out) return out;
      auto f = Figures(s, "l.batch_id = $1", {SqlParam::Text(batch_id)});
      if (!f.ok()) return f.status();
      out->figures = *f;
      return out;
    });
  }

  absl::StatusOr<std::vector<DiscrepancyRow>> Discrepancies(const std::string& batch_id, std::optional<Date> date,
                                                           int limit, int64_t* count) override {
    const std::string day = date ? date->ToString() : "";
    // A day's: those of its batches' lines, and the rows its imports could match to no line.
    const std::string where =
        date ? "batch_id IN (SELECT batch_id FROM payment_batches WHERE date = $1) OR (batch_id = '' AND date = $1)"
             : "batch_id = $1";
    const std::string key = date ? day : batch_id;
    return ReadOne<std::vector<DiscrepancyRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<DiscrepancyRow>> {
      std::vector<DiscrepancyRow> out;
      auto counted = s.QueryOne(absl::StrCat("SELECT COUNT(*) FROM payment_discrepancies WHERE ", where),
                                {SqlParam::Text(key)}, [&](const SqlRow& row) { *count = row.Int(0); });
      if (!counted.ok()) return counted.status();
      auto st = s.Query(
          absl::StrCat("SELECT import_seq, row_no, voucher_no, kind, payment_seq, batch_id, params, date "
                       "FROM payment_discrepancies WHERE ",
                       where, " ORDER BY seq LIMIT $2"),
          {SqlParam::Text(key), SqlParam::Int(limit)}, [&](const SqlRow& row) {
            DiscrepancyRow d{row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Int(4), row.Text(5), {}, row.Text(7)};
            auto reasons = DecodeReasons(row.Text(6));
            if (!reasons.empty()) d.params = std::move(reasons.front().params);
            out.push_back(std::move(d));
            return absl::OkStatus();
          });
      if (!st.ok()) return st;
      return out;
    });
  }

  absl::StatusOr<std::vector<PaymentLineRow>> LargeLinesAsOf(Money threshold, Date as_of) override {
    const std::string day = as_of.ToString();
    return Lines(absl::StrCat("SELECT ", kLineColumns,
                              " FROM payment_lines l WHERE l.amount_fen > $1 AND LENGTH(l.payee_id) = 18 AND "
                              "l.payment_date <= $2 AND l.state IN ('SENT', 'CONFIRMED') ORDER BY l.seq"),
                 {SqlParam::Int(threshold.fen()), SqlParam::Text(day)});
  }

  absl::StatusOr<std::vector<Date>> PaymentDaysAsOf(Date as_of) override {
    const std::string day = as_of.ToString();
    return ReadOne<std::vector<Date>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<Date>> {
      std::vector<Date> out;
      auto st = s.Query("SELECT DISTINCT payment_date FROM payment_lines WHERE payment_date <= $1 ORDER BY payment_date",
                        {SqlParam::Text(day)}, [&](const SqlRow& row) {
                          auto d = DateColumn(row, 0);
                          if (!d.ok()) return d.status();
                          out.push_back(*d);
                          return absl::OkStatus();
                        });
      if (!st.ok()) return st;
      return out;
    });
  }

  absl::StatusOr<std::vector<PaymentLineRow>> LinesOn(Date day) override {
    const std::string text = day.ToString();
    return Lines(absl::StrCat("SELECT ", kLineColumns, " FROM payment_lines l WHERE l.payment_date = $1 ORDER BY l.seq"),
                 {SqlParam::Text(text)});
  }

  absl::StatusOr<std::vector<PaymentLineRow>> OpenLines() override {
    return ReadOne<std::vector<PaymentLineRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<PaymentLineRow>> {
      std::vector<PaymentLineRow> rows;
      auto st = ReadLines(s, absl::StrCat("SELECT ", kLineColumns,
                                          " FROM payment_lines l WHERE l.state IN ('SENT', 'FAILED') ORDER BY l.seq"),
                          {}, &rows);
      if (!st.ok()) return st;
      return rows;
    });
  }

  absl::StatusOr<std::map<std::string, Money>> UnconfirmedByFund(Date as_of) override {
    using Out = std::map<std::string, Money>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      Out out;
      auto st = s.Query(
          "SELECT e.fund_id, SUM(e.amount_fen) FROM payment_lines l JOIN payment_line_entries x ON x.payment_seq = l.seq "
          "JOIN fund_entries e ON e.id = x.entry_id WHERE l.state = 'SENT' AND l.payment_date <= $1 GROUP BY e.fund_id",
          {SqlParam::Text(as_of.ToString())}, [&](const SqlRow& row) {
            out[row.Text(0)] = Money::Fen(row.Int(1));
            return absl::OkStatus();
          });
      if (!st.ok()) return st;
      return out;
    });
  }

  // The lines a statement of kLineColumns selects.
  absl::StatusOr<std::vector<PaymentLineRow>> Lines(const std::string& sql, std::vector<SqlParam> params) {
    return ReadOne<std::vector<PaymentLineRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<PaymentLineRow>> {
      std::vector<PaymentLineRow> rows;
      if (auto st = ReadLines(s, sql, params, &rows); !st.ok()) return st;
      return rows;
    });
  }

 private:
  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<PaymentTx> NewPaymentTx(TxContext& tx) { return std::make_unique<SqlPaymentTx>(tx); }
std::unique_ptr<PaymentReads> NewPaymentReads(Dialect& dialect) { return std::make_unique<SqlPaymentReads>(dialect); }

}  // namespace subsidy::storage
