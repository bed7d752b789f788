#include "storage/fund_ledger.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {

std::optional<FundEntryKind> KindFromName(absl::string_view name) {
  for (FundEntryKind k : {FundEntryKind::kBudget, FundEntryKind::kAdjustment, FundEntryKind::kAllocation,
                          FundEntryKind::kPayment, FundEntryKind::kReversal}) {
    if (name == FundEntryKindName(k)) return k;
  }
  return std::nullopt;
}

// The fund entries' SQL over one session.
namespace fundsql {

// Each entry's movement of the fund's three figures; a reversal moves back what the entry it
// undoes moved (o: that entry).
constexpr char kDeltas[] =
    "CASE WHEN e.kind IN ('BUDGET', 'ADJUSTMENT') THEN e.amount_fen "
    "WHEN e.kind = 'REVERSAL' AND o.kind IN ('BUDGET', 'ADJUSTMENT') THEN "
    "(CASE WHEN o.amount_fen < 0 THEN e.amount_fen ELSE -e.amount_fen END) ELSE 0 END AS db, "
    "CASE WHEN e.kind = 'ALLOCATION' THEN e.amount_fen WHEN e.kind = 'REVERSAL' AND o.kind = 'ALLOCATION' "
    "THEN -e.amount_fen ELSE 0 END AS da, "
    "CASE WHEN e.kind = 'PAYMENT' THEN e.amount_fen WHEN e.kind = 'REVERSAL' AND o.kind = 'PAYMENT' "
    "THEN -e.amount_fen ELSE 0 END AS dp";

constexpr char kEntryColumns[] =
    "e.id, e.fund_id, e.kind, e.recipient_id, e.amount_fen, e.date, e.document_no, e.category, e.payee, "
    "e.reference, e.request_id, e.created_by, e.created_at, COALESCE(e.reverses, 0), e.checker, e.tracking_id, "
    "COALESCE(o.kind, ''), COALESCE((SELECT rb.id FROM fund_entries rb WHERE rb.reverses = e.id), 0)";

absl::StatusOr<FundEntryRow> ReadEntry(const SqlRow& q, bool with_figures) {
  FundEntryRow r;
  r.id = q.Int(0);
  FundEntry& e = r.entry;
  e.fund_id = q.Text(1);
  auto kind = KindFromName(q.Text(2));
  if (!kind) return Corrupt("a fund entry kind", q.Text(2));
  e.kind = *kind;
  e.recipient_id = q.Text(3);
  e.amount = Money::Fen(q.Int(4));
  auto date = DateColumn(q, 5);
  if (!date.ok()) return date.status();
  e.date = *date;
  e.document_no = q.Text(6);
  e.category = q.Text(7);
  e.payee = q.Text(8);
  e.reference = q.Text(9);
  e.request_id = q.Text(10);
  e.created_by = q.Text(11);
  r.recorded_at = q.Text(12);
  e.reverses = q.Int(13);
  e.checker = q.Text(14);
  e.tracking_id = q.Text(15);
  // An allocation without a caller's 业务追溯识别码 is tracked by its own id.
  if (e.tracking_id.empty() && e.kind == FundEntryKind::kAllocation) e.tracking_id = FundEntryIdFor(e.kind, r.id);
  if (auto rk = KindFromName(q.Text(16))) e.reverses_kind = *rk;
  r.reversed_by = q.Int(17);
  if (with_figures) {
    r.budget_after = Money::Fen(q.Int(18));
    r.allocated_after = Money::Fen(q.Int(19));
    r.paid_after = Money::Fen(q.Int(20));
  }
  return r;
}

absl::StatusOr<std::optional<FundEntryRow>> EntryById(SqlSession& s, int64_t id) {
  std::optional<FundEntryRow> out;
  absl::Status inner;
  auto st = s.QueryOne(absl::StrCat("SELECT ", kEntryColumns,
                                    " FROM fund_entries e LEFT JOIN fund_entries o ON o.id = e.reverses WHERE e.id = $1"),
                       {SqlParam::Int(id)}, [&](const SqlRow& row) {
                         auto r = ReadEntry(row, false);
                         if (!r.ok()) inner = r.status();
                         else out = std::move(*r);
                       });
  if (!st.ok()) return st.status();
  if (!inner.ok()) return inner;
  return out;
}

absl::StatusOr<std::vector<FundEntryRow>> ListEntries(SqlSession& s, const FundEntryFilter& f) {
  // The running figures are over every entry of the fund; the filters pick rows after.
  const std::string sql = absl::StrCat(
      "SELECT ", kEntryColumns, ", w.b, w.a, w.p FROM (SELECT e.id, SUM(db) OVER (ORDER BY e.id) AS b, "
      "SUM(da) OVER (ORDER BY e.id) AS a, SUM(dp) OVER (ORDER BY e.id) AS p FROM (SELECT e.id, ", kDeltas,
      " FROM fund_entries e LEFT JOIN fund_entries o ON o.id = e.reverses WHERE e.fund_id = $1) e) w "
      "JOIN fund_entries e ON e.id = w.id LEFT JOIN fund_entries o ON o.id = e.reverses "
      "WHERE e.id > $2 AND ($3 = '' OR e.tracking_id = $3 OR (e.tracking_id = '' AND e.kind = 'ALLOCATION' AND "
      "e.id = $6)) AND ($4 = '' OR e.recipient_id = $4) ORDER BY e.id LIMIT $5");
  const int64_t own = f.tracking_id.rfind("FA-", 0) == 0 ? FundEntrySeqFrom(f.tracking_id).value_or(-1) : -1;
  std::vector<FundEntryRow> out;
  auto st = s.Query(sql,
                    {SqlParam::Text(f.fund_id), SqlParam::Int(f.after_id), SqlParam::Text(f.tracking_id),
                     SqlParam::Text(f.recipient_id), SqlParam::Int(f.limit), SqlParam::Int(own)},
                    [&](const SqlRow& row) -> absl::Status {
                      auto r = ReadEntry(row, true);
                      if (!r.ok()) return r.status();
                      out.push_back(std::move(*r));
                      return absl::OkStatus();
                    });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::string> FirstTrackingId(SqlSession& s, const std::string& fund_id,
                                            const std::string& recipient_id) {
  std::string out;
  auto st = s.QueryOne(
      "SELECT id, tracking_id FROM fund_entries WHERE fund_id = $1 AND recipient_id = $2 AND kind = 'ALLOCATION' "
      "ORDER BY id LIMIT 1",
      {SqlParam::Text(fund_id), SqlParam::Text(recipient_id)}, [&](const SqlRow& row) {
        out = row.Text(1);
        if (out.empty()) out = FundEntryIdFor(FundEntryKind::kAllocation, row.Int(0));
      });
  if (!st.ok()) return st.status();
  return out;
}

absl::StatusOr<bool> HasTrackingId(SqlSession& s, const std::string& fund_id, const std::string& recipient_id,
                                   const std::string& tracking_id) {
  auto st = s.QueryOne(
      "SELECT 1 FROM fund_entries WHERE fund_id = $1 AND recipient_id = $2 AND kind = 'ALLOCATION' AND "
      "(tracking_id = $3 OR (tracking_id = '' AND id = $4)) LIMIT 1",
      {SqlParam::Text(fund_id), SqlParam::Text(recipient_id), SqlParam::Text(tracking_id),
       SqlParam::Int(tracking_id.rfind("FA-", 0) == 0 ? FundEntrySeqFrom(tracking_id).value_or(-1) : -1)},
      [](const SqlRow&) {});
  if (!st.ok()) return st.status();
  return *st;
}

}  // namespace fundsql

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

class SqlFundTx final : public FundTx {
 public:
  explicit SqlFundTx(TxContext& tx) : tx_(tx), s_(tx.session), dialect_(tx.dialect), clock_(tx.clock) {}

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
         e.reverses ? SqlParam::Int(e.reverses) : SqlParam::Null(),
         SqlParam::Text(tx_.checker.empty() ? e.checker : tx_.checker), SqlParam::Text(e.tracking_id)});
    if (!id.ok()) return id.status();
    if (tx_.captured != nullptr) tx_.captured->entries.push_back(e);
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

  absl::StatusOr<std::optional<FundEntryRow>> FundEntryById(int64_t id) override { return fundsql::EntryById(s_, id); }

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

  absl::StatusOr<std::vector<RecipientFund>> RecipientFunds(const std::string& kind, const std::string& recipient_id,
                                                          const std::string& level, int budget_year) override {
    std::vector<RecipientFund> out;
    auto st = s_.Query(
        "SELECT r.fund_id, MIN(d.date) FROM fund_recipients r JOIN funds f ON f.fund_id = r.fund_id "
        "JOIN fund_recipient_daily d ON d.fund_id = r.fund_id AND d.recipient_id = r.recipient_id "
        "AND d.allocated_fen > 0 WHERE r.recipient_id = $1 AND r.recipient_kind = $2 AND ($3 = '' OR f.level = $3) "
        "AND ($4 = 0 OR f.budget_year = $4) AND r.paid_fen < r.allocated_fen "
        "GROUP BY r.fund_id ORDER BY r.fund_id",
        {SqlParam::Text(recipient_id), SqlParam::Text(kind), SqlParam::Text(level), SqlParam::Int(budget_year)},
        [&](const SqlRow& row) {
          auto first = DateColumn(row, 1);
          if (!first.ok()) return first.status();
          out.push_back({row.Text(0), *first});
          return absl::OkStatus();
        });
    if (!st.ok()) return st;
    return out;
  }

  absl::StatusOr<std::optional<Money>> AllocatedToRecipient(const std::string& kind, const std::string& recipient_id,
                                                            int budget_year) override {
    std::optional<Money> out;
    if (auto s = AllocatedToRecipientLater(kind, recipient_id, budget_year, &out); !s.ok()) return s;
    if (auto s = s_.Flush(); !s.ok()) return s;
    return out;
  }

  absl::Status AllocatedToRecipientLater(const std::string& kind, const std::string& recipient_id, int budget_year,
                                         std::optional<Money>* out) override {
    out->reset();
    return s_.QueryLater(
        "SELECT COUNT(*), COALESCE(SUM(r.allocated_fen), 0) FROM fund_recipients r JOIN funds f ON f.fund_id = r.fund_id "
        "WHERE r.recipient_id = $1 AND r.recipient_kind = $2 AND f.budget_year = $3",
        {SqlParam::Text(recipient_id), SqlParam::Text(kind), SqlParam::Int(budget_year)}, [out](const SqlRow& row) {
          if (row.Int(0) > 0) *out = Money::Fen(row.Int(1));
          return absl::OkStatus();
        });
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

  absl::StatusOr<std::string> FirstTrackingId(const std::string& fund_id, const std::string& recipient_id) override {
    return fundsql::FirstTrackingId(s_, fund_id, recipient_id);
  }

  absl::StatusOr<bool> HasTrackingId(const std::string& fund_id, const std::string& recipient_id,
                                     const std::string& tracking_id) override {
    return fundsql::HasTrackingId(s_, fund_id, recipient_id, tracking_id);
  }

 private:

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

  TxContext& tx_;
  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

class SqlFundReads final : public FundReads {
 public:
  explicit SqlFundReads(Dialect& dialect) : dialect_(&dialect) {}

  absl::StatusOr<std::optional<FundRow>> GetFund(const std::string& fund_id) override {
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

  absl::StatusOr<std::vector<FundRow>> ListFunds(const FundFilter& f) override {
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

  absl::StatusOr<std::vector<FundFigures>> FundFiguresAsOf(const FundFilter& f, Date as_of) override {
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

  absl::StatusOr<std::vector<FundRecipientRow>> RecipientFiguresAsOf(const std::vector<std::string>& fund_ids,
                                                                     Date as_of) override {
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

  absl::StatusOr<std::map<std::string, Money>> AllocatedByRecipient(const std::string& recipient_kind,
                                                                    int year) override {
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

  absl::StatusOr<std::vector<FundEntryRow>> ListFundEntries(const FundEntryFilter& f) override {
    return ReadOne<std::vector<FundEntryRow>>(*dialect_,
                                              [&](SqlSession& s) { return fundsql::ListEntries(s, f); });
  }

 private:
  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<FundTx> NewFundTx(TxContext& tx) { return std::make_unique<SqlFundTx>(tx); }
std::unique_ptr<FundReads> NewFundReads(Dialect& dialect) { return std::make_unique<SqlFundReads>(dialect); }

}  // namespace subsidy::storage
