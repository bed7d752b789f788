#include "storage/payout_ledger.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {

// The stored status a status filter matches (CANCELLED is a kind of REJECTED).
std::string PayoutStatusCondition(PayoutStatus s) {
  switch (s) {
    case PayoutStatus::kCancelled: return "status = 'REJECTED' AND reject_reason = 'CANCELLED'";
    case PayoutStatus::kRejected: return "status = 'REJECTED' AND reject_reason <> 'CANCELLED'";
    default: return absl::StrCat("status = '", PayoutStatusName(s), "'");
  }
}

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

std::string VoucherFor(Date paid, int64_t seq) {
  const Date::Ymd d = paid.ToYmd();
  return absl::StrFormat("PV%04d%02d%02d-%08d", d.year, d.month, d.day, seq);
}

class SqlPayoutTx final : public PayoutTx {
 public:
  explicit SqlPayoutTx(TxContext& tx) : tx_(tx), s_(tx.session), dialect_(tx.dialect), clock_(tx.clock) {}

  absl::StatusOr<std::map<std::string, std::vector<PriorAwardRow>>> EnterpriseAwards(
      const std::vector<std::string>& usccs) override {
    std::map<std::string, std::vector<PriorAwardRow>> out;
    if (auto s = EnterpriseAwardsLater(usccs, &out); !s.ok()) return s;
    if (auto s = s_.Flush(); !s.ok()) return s;
    return out;
  }

  absl::Status EnterpriseAwardsLater(const std::vector<std::string>& usccs,
                                     std::map<std::string, std::vector<PriorAwardRow>>* out) override {
    return InChunks(usccs.size(), [&](size_t from, size_t n) -> absl::Status {
      std::vector<SqlParam> params;
      for (size_t i = from; i < from + n; ++i) params.push_back(SqlParam::Text(usccs[i]));
      return s_.QueryLater(
          // By the enterprise index alone: a condition on the status would let a plan read every
          // award's entry in a status index, a cost that grows with the ledger.
          absl::StrCat("SELECT enterprise_uscc, policy_id, award_group, award_year, amount_fen, status FROM payouts "
                       "WHERE enterprise_uscc IN (",
                       Placeholders(1, n, 1), ") ORDER BY seq"),
          params, [out](const SqlRow& row) {
            const std::string status = row.Text(5);
            if (status != PayoutStatusName(PayoutStatus::kScheduled) &&
                status != PayoutStatusName(PayoutStatus::kDisbursed)) {
              return absl::OkStatus();
            }
            (*out)[row.Text(0)].push_back({row.Text(1), row.Text(2), static_cast<int>(row.Int(3)), Money::Fen(row.Int(4))});
            return absl::OkStatus();
          });
    });
  }

  absl::StatusOr<Money> PolicyAwarded(const std::string& policy_id) override {
    Money awarded;
    if (auto s = PolicyAwardedLater(policy_id, &awarded); !s.ok()) return s;
    if (auto s = s_.Flush(); !s.ok()) return s;
    return awarded;
  }

  absl::Status PolicyAwardedLater(const std::string& policy_id, Money* out) override {
    // The budget row exists from here on and is locked for the transaction: concurrent awards of
    // one policy queue on it.
    auto made = s_.ExecLater("INSERT INTO policy_awarded (policy_id, awarded_fen) VALUES ($1, 0) ON CONFLICT DO NOTHING",
                             {SqlParam::Text(policy_id)}, -1, "making a policy's budget row");
    if (!made.ok()) return made;
    *out = Money();
    return s_.QueryLater(
        absl::StrCat("SELECT awarded_fen FROM policy_awarded WHERE policy_id = $1", dialect_.LockRowsClause()),
        {SqlParam::Text(policy_id)}, [out](const SqlRow& row) {
          *out = Money::Fen(row.Int(0));
          return absl::OkStatus();
        });
  }

  absl::StatusOr<Money> PolicyAwardedInYear(const std::string& policy_id, int year) override {
    Money out;
    if (auto s = PolicyAwardedInYearLater(policy_id, year, &out); !s.ok()) return s;
    if (auto s = s_.Flush(); !s.ok()) return s;
    return out;
  }

  absl::Status PolicyAwardedInYearLater(const std::string& policy_id, int year, Money* out) override {
    *out = Money();
    return s_.QueryLater("SELECT awarded_fen FROM policy_awarded_yearly WHERE policy_id = $1 AND award_year = $2",
                         {SqlParam::Text(policy_id), SqlParam::Int(year)}, [out](const SqlRow& row) {
                           *out = Money::Fen(row.Int(0));
                           return absl::OkStatus();
                         });
  }

  absl::Status InsertPayouts(std::vector<PayoutRow>* rows) override {
    const std::string now = clock_.NowUtcText();
    auto chunked = InChunks(rows->size(), [&](size_t from, size_t n) -> absl::Status {
      std::vector<std::string> texts;  // the values' own text, alive for the statement
      texts.reserve(4 * n);
      std::vector<SqlParam> params;
      std::map<std::string, PayoutRow*> by_request;
      for (size_t i = from; i < from + n; ++i) {
        PayoutRow& p = (*rows)[i];
        by_request[p.request_id] = &p;
        texts.push_back(p.determination_date.ToString());
        const std::string& determined = texts.back();
        texts.push_back(p.due_date ? p.due_date->ToString() : std::string());
        const std::string& due = texts.back();
        texts.push_back(EncodeReasons(p.reasons));
        const std::string& reasons = texts.back();
        texts.push_back(p.status == PayoutStatus::kRejected && !p.reasons.empty() ? p.reasons.back().code
                                                                                   : std::string());
        for (SqlParam v : {SqlParam::Text(p.request_id), SqlParam::Text(p.policy_id), SqlParam::Text(p.award_group),
                           SqlParam::Text(p.enterprise_uscc), SqlParam::Text(p.enterprise_name),
                           SqlParam::Text(PayoutStatusName(p.status)), SqlParam::Int(p.amount.fen()),
                           SqlParam::Text(determined), SqlParam::Int(p.award_year), SqlParam::Text(due),
                           SqlParam::Text(""), SqlParam::Null(), SqlParam::Text(reasons),
                           SqlParam::TextOrNull(p.award_key), SqlParam::Text(p.data_version),
                           SqlParam::Text(p.created_by), SqlParam::Text(now), SqlParam::Text(texts.back()),
                           SqlParam::Text(p.payee_account), SqlParam::Text(p.payee_bank)}) {
          params.push_back(v);
        }
      }
      if (by_request.size() != n) return absl::InternalError("payouts inserted together need distinct request_ids");
      size_t returned = 0;
      auto inserted = s_.Query(
          absl::StrCat("INSERT INTO payouts (request_id, policy_id, award_group, enterprise_uscc, enterprise_name, "
                       "status, amount_fen, determination_date, award_year, due_date, paid_date, voucher_no, reasons, "
                       "award_key, data_version, created_by, created_at, reject_reason, payee_account, payee_bank) "
                       "VALUES ",
                       Placeholders(1, n, 20), " RETURNING seq, request_id"),
          params, [&](const SqlRow& row) {
            auto it = by_request.find(row.Text(1));
            if (it == by_request.end()) return absl::InternalError("an inserted payout came back under another request_id");
            it->second->seq = row.Int(0);
            ++returned;
            return absl::OkStatus();
          });
      if (!inserted.ok()) return inserted;
      if (returned != n) return absl::InternalError("an INSERT … RETURNING returned another number of payouts");
      return absl::OkStatus();
    });
    if (!chunked.ok()) return chunked;
    return AddAwarded(*rows);
  }

  // The SCHEDULED payouts' amounts added to their policies' totals, ever and in the award year.
  absl::Status AddAwarded(const std::vector<PayoutRow>& rows) {
    std::map<std::string, Money> ever;
    std::map<std::pair<std::string, int>, Money> yearly;
    for (const PayoutRow& p : rows) {
      if (p.status != PayoutStatus::kScheduled) continue;
      for (Money* total : {&ever[p.policy_id], &yearly[{p.policy_id, p.award_year}]}) {
        auto sum = total->Plus(p.amount);
        if (!sum.ok()) return sum.status();
        *total = *sum;
      }
    }
    for (const auto& [policy_id, amount] : ever) {
      auto added = s_.ExecLater(
          "INSERT INTO policy_awarded (policy_id, awarded_fen) VALUES ($1, $2) "
          "ON CONFLICT (policy_id) DO UPDATE SET awarded_fen = policy_awarded.awarded_fen + excluded.awarded_fen",
          {SqlParam::Text(policy_id), SqlParam::Int(amount.fen())}, 1, "adding to a policy's awarded total");
      if (!added.ok()) return added;
    }
    for (const auto& [key, amount] : yearly) {
      auto added = s_.ExecLater(
          "INSERT INTO policy_awarded_yearly (policy_id, award_year, awarded_fen) VALUES ($1, $2, $3) "
          "ON CONFLICT (policy_id, award_year) DO UPDATE SET "
          "awarded_fen = policy_awarded_yearly.awarded_fen + excluded.awarded_fen",
          {SqlParam::Text(key.first), SqlParam::Int(key.second), SqlParam::Int(amount.fen())}, 1,
          "adding to a policy's year");
      if (!added.ok()) return added;
    }
    return absl::OkStatus();
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
    if (tx_.captured != nullptr) tx_.captured->payouts.push_back(p->seq);
    return absl::OkStatus();
  }

  absl::Status HoldPayout(int64_t seq, const std::string& reason) override {
    auto held = s_.Exec("UPDATE payouts SET hold_reason = $2 WHERE seq = $1 AND status = 'SCHEDULED'",
                        {SqlParam::Int(seq), SqlParam::Text(reason)});
    return ExpectOneRow(held, "holding a payout");
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

  absl::Status MoveAwarded(const std::string& policy_id, int year, Money delta) override {
    auto moved = s_.Exec("UPDATE policy_awarded SET awarded_fen = awarded_fen + $2 WHERE policy_id = $1",
                         {SqlParam::Text(policy_id), SqlParam::Int(delta.fen())});
    if (auto st = ExpectOneRow(moved, "moving a policy's awarded total"); !st.ok()) return st;
    auto moved_year = s_.Exec(
        "UPDATE policy_awarded_yearly SET awarded_fen = awarded_fen + $3 WHERE policy_id = $1 AND award_year = $2",
        {SqlParam::Text(policy_id), SqlParam::Int(year), SqlParam::Int(delta.fen())});
    return ExpectOneRow(moved_year, "moving a policy's year");
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
    if (auto st = MoveAwarded(p.policy_id, p.award_year, Money::Fen(-p.amount.fen())); !st.ok()) return st;
    p.status = PayoutStatus::kCancelled;
    p.award_key.clear();
    return p;
  }

 private:
  TxContext& tx_;
  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

class SqlPayoutReads final : public PayoutReads {
 public:
  explicit SqlPayoutReads(Dialect& dialect) : dialect_(&dialect) {}

  absl::StatusOr<std::optional<PayoutRow>> GetPayout(int64_t seq) override {
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

  absl::StatusOr<std::vector<PayoutRow>> ListPayouts(const PayoutFilter& f) override {
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

  absl::StatusOr<PayoutTotals> TotalPayouts(const PayoutFilter& f) override {
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

  absl::StatusOr<std::map<std::string, Money>> AwardedByPolicy() override {
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

  absl::StatusOr<std::map<std::string, Money>> AwardedByPolicyInYear(int year) override {
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

  absl::StatusOr<std::vector<PayoutStat>> PayoutStats() override {
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

  absl::StatusOr<std::vector<PayoutRow>> HeldPayouts() override {
    return ReadOne<std::vector<PayoutRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<PayoutRow>> {
      std::vector<PayoutRow> rows;
      auto st = ReadPayouts(s, absl::StrCat("SELECT ", kPayoutColumns,
                                            " FROM payouts WHERE hold_reason <> '' ORDER BY seq"),
                            {}, &rows);
      if (!st.ok()) return st;
      // Found on the partial index payouts_held; a hold that was paid since is no hold.
      std::erase_if(rows, [](const PayoutRow& p) { return p.status != PayoutStatus::kScheduled; });
      return rows;
    });
  }

  // Two arms, each read in the order of an index of its own: still SCHEDULED (payouts_overdue, by
  // due date), then paid only after the day (payouts_paid_late); a page reads only its rows.
  absl::StatusOr<std::vector<PayoutRow>> OverduePayoutsAsOf(Date as_of, const std::vector<std::string>* policies,
                                                            int64_t offset, int64_t limit) override {
    const std::string day = as_of.ToString();
    std::vector<PayoutRow> rows;
    auto s = dialect_->Read([&](SqlSession& session) -> absl::Status {
      rows.clear();
      int64_t skip = offset;
      for (const bool scheduled : {true, false}) {
        std::vector<SqlParam> params;
        const std::string where = OverdueWhere(day, scheduled, policies, &params);
        const std::string order = scheduled ? " ORDER BY status, due_date, determination_date, policy_id, seq" : " ORDER BY seq";
        std::string page;
        if (limit >= 0) {
          const int64_t want = limit - static_cast<int64_t>(rows.size());
          if (want <= 0) break;
          params.push_back(SqlParam::Int(want));
          params.push_back(SqlParam::Int(skip));
          page = absl::StrCat(" LIMIT $", params.size() - 1, " OFFSET $", params.size());
        }
        const size_t before = rows.size();
        auto st = ReadPayouts(session, absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE ", where, order, page),
                              params, &rows);
        if (!st.ok()) return st;
        if (limit < 0 || !scheduled) continue;
        // The second arm starts after what this arm holds beyond the rows it gave.
        if (rows.size() > before) {
          skip = 0;
        } else {
          auto n = Count(session, day, true, policies);
          if (!n.ok()) return n.status();
          skip = std::max<int64_t>(0, skip - *n);
        }
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return rows;
  }

  absl::StatusOr<int64_t> CountOverduePayouts(Date as_of, const std::vector<std::string>* policies) override {
    const std::string day = as_of.ToString();
    return ReadOne<int64_t>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<int64_t> {
      auto a = Count(s, day, true, policies);
      if (!a.ok()) return a.status();
      auto b = Count(s, day, false, policies);
      if (!b.ok()) return b.status();
      return *a + *b;
    });
  }

 private:
  static absl::StatusOr<int64_t> Count(SqlSession& s, const std::string& day, bool scheduled,
                                       const std::vector<std::string>* policies) {
    std::vector<SqlParam> params;
    const std::string where = OverdueWhere(day, scheduled, policies, &params);
    int64_t n = 0;
    auto found = s.QueryOne(absl::StrCat("SELECT COUNT(*) FROM payouts WHERE ", where), params,
                            [&](const SqlRow& row) { n = row.Int(0); });
    if (!found.ok()) return found.status();
    return n;
  }

  // Due before the day and still SCHEDULED on it (`scheduled`), or paid only after it; of the
  // policies named (every one when none).
  static std::string OverdueWhere(const std::string& day, bool scheduled, const std::vector<std::string>* policies,
                                  std::vector<SqlParam>* params) {
    params->push_back(SqlParam::Text(day));
    std::string where = scheduled ? "status = 'SCHEDULED' AND due_date <> '' AND due_date < $1 AND determination_date <= $1"
                                  : "status = 'DISBURSED' AND paid_date > $1 AND due_date <> '' AND due_date < $1 AND "
                                    "determination_date <= $1";
    if (policies != nullptr) {
      std::string in;
      for (const auto& p : *policies) {
        params->push_back(SqlParam::Text(p));
        absl::StrAppend(&in, in.empty() ? "" : ", ", "$", params->size());
      }
      absl::StrAppend(&where, in.empty() ? " AND 1 = 0" : absl::StrCat(" AND policy_id IN (", in, ")"));
    }
    return where;
  }

  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<PayoutTx> NewPayoutTx(TxContext& tx) { return std::make_unique<SqlPayoutTx>(tx); }
std::unique_ptr<PayoutReads> NewPayoutReads(Dialect& dialect) { return std::make_unique<SqlPayoutReads>(dialect); }

}  // namespace subsidy::storage
