#include "storage/instruction_ledger.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {
// The instructions' SQL over one session: the transaction's side and the reads' side share it.
namespace instructionsql {

std::string EncodeReservations(const std::vector<Reservation>& rs) {
  std::vector<std::string> parts;
  for (const auto& r : rs) {
    const char* kind = r.kind == Reservation::Kind::kAllocation ? "ALLOCATION"
                       : r.kind == Reservation::Kind::kPayment  ? "PAYMENT"
                                                                : "BUDGET_CUT";
    parts.push_back(absl::StrCat(kind, "|", r.fund_id, "|", r.recipient_id, "|", r.amount.fen()));
  }
  return absl::StrJoin(parts, ";");
}

absl::StatusOr<std::vector<Reservation>> DecodeReservations(const std::string& text) {
  std::vector<Reservation> out;
  for (absl::string_view part : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(part, '|');
    int64_t fen = 0;
    if (f.size() != 4 || !absl::SimpleAtoi(f[3], &fen)) return Corrupt("a reservation", part);
    Reservation r;
    if (f[0] == "ALLOCATION") r.kind = Reservation::Kind::kAllocation;
    else if (f[0] == "PAYMENT") r.kind = Reservation::Kind::kPayment;
    else if (f[0] == "BUDGET_CUT") r.kind = Reservation::Kind::kBudgetCut;
    else return Corrupt("a reservation", part);
    r.fund_id = f[1];
    r.recipient_id = f[2];
    r.amount = Money::Fen(fen);
    out.push_back(std::move(r));
  }
  return out;
}

constexpr char kInstructionColumns[] =
    "seq, request_id, rpc, request, summary, fund_id, recipient_id, subject_id, amount_fen, reservations, maker, "
    "created_at, state, checker, decided_at, reason, result_id, moved";

absl::StatusOr<InstructionRow> ReadInstructionRow(const SqlRow& q) {
  InstructionRow r;
  r.seq = q.Int(0);
  r.request_id = q.Text(1);
  r.rpc = q.Text(2);
  r.request = q.Bytes(3);
  r.summary = q.Text(4);
  r.fund_id = q.Text(5);
  r.recipient_id = q.Text(6);
  r.subject_id = q.Text(7);
  r.amount = Money::Fen(q.Int(8));
  auto rs = DecodeReservations(q.Text(9));
  if (!rs.ok()) return rs.status();
  r.reservations = std::move(*rs);
  r.maker = q.Text(10);
  r.created_at = q.Text(11);
  auto state = InstructionStateFromName(q.Text(12));
  if (!state) return Corrupt("an instruction state", q.Text(12));
  r.state = *state;
  r.checker = q.Text(13);
  r.decided_at = q.Text(14);
  r.reason = q.Text(15);
  r.result_id = q.Text(16);
  r.moved = q.Text(17);
  return r;
}

absl::Status Reserve(SqlSession& s, const Reservation& r, int sign) {
  const int64_t fen = sign * r.amount.fen();
  absl::StatusOr<int64_t> changed;
  switch (r.kind) {
    case Reservation::Kind::kAllocation:
      changed = s.Exec("UPDATE funds SET pending_allocated_fen = pending_allocated_fen + $2 WHERE fund_id = $1",
                       {SqlParam::Text(r.fund_id), SqlParam::Int(fen)});
      break;
    case Reservation::Kind::kBudgetCut:
      changed = s.Exec("UPDATE funds SET pending_cut_fen = pending_cut_fen + $2 WHERE fund_id = $1",
                       {SqlParam::Text(r.fund_id), SqlParam::Int(fen)});
      break;
    case Reservation::Kind::kPayment:
      changed = s.Exec(
          "UPDATE fund_recipients SET pending_paid_fen = pending_paid_fen + $3 WHERE fund_id = $1 AND recipient_id = $2",
          {SqlParam::Text(r.fund_id), SqlParam::Text(r.recipient_id), SqlParam::Int(fen)});
      break;
  }
  return ExpectOneRow(changed, "a reservation");
}

absl::StatusOr<int64_t> InsertInstruction(SqlSession& s, const Clock& clock, const InstructionRow& r) {
  const std::string now = clock.NowUtcText(), reservations = EncodeReservations(r.reservations);
  return InsertReturningId(
      s,
      "INSERT INTO instructions (request_id, rpc, request, summary, fund_id, recipient_id, subject_id, amount_fen, "
      "reservations, maker, created_at, state, moved) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "'PENDING_APPROVAL', $12) RETURNING seq",
      {SqlParam::Text(r.request_id), SqlParam::Text(r.rpc), SqlParam::Bytes(r.request), SqlParam::Text(r.summary),
       SqlParam::Text(r.fund_id), SqlParam::Text(r.recipient_id), SqlParam::Text(r.subject_id),
       SqlParam::Int(r.amount.fen()), SqlParam::Text(reservations), SqlParam::Text(r.maker), SqlParam::Text(now),
       SqlParam::Text(r.moved)});
}

absl::StatusOr<std::optional<InstructionRow>> ReadInstruction(SqlSession& s, int64_t seq, absl::string_view lock) {
  std::optional<InstructionRow> out;
  absl::Status inner;
  auto st = s.QueryOne(absl::StrCat("SELECT ", kInstructionColumns, " FROM instructions WHERE seq = $1", lock),
                       {SqlParam::Int(seq)}, [&](const SqlRow& row) {
                         auto r = ReadInstructionRow(row);
                         if (!r.ok()) inner = r.status();
                         else out = std::move(*r);
                       });
  if (!st.ok()) return st.status();
  if (!inner.ok()) return inner;
  return out;
}

absl::Status DecideInstruction(SqlSession& s, const Clock& clock, int64_t seq, InstructionState state,
                               const std::string& checker, const std::string& reason, const std::string& result_id) {
  const std::string now = clock.NowUtcText();
  // Only a pending one changes; the trigger refuses any second decision besides.
  auto changed = s.Exec(
      "UPDATE instructions SET state = $2, checker = $3, decided_at = $4, reason = $5, result_id = $6 "
      "WHERE seq = $1 AND state = 'PENDING_APPROVAL'",
      {SqlParam::Int(seq), SqlParam::Text(InstructionStateName(state)), SqlParam::Text(checker), SqlParam::Text(now),
       SqlParam::Text(reason), SqlParam::Text(result_id)});
  return ExpectOneRow(changed, "deciding an instruction");
}

absl::StatusOr<std::vector<InstructionRow>> ListInstructions(SqlSession& s, const InstructionFilter& f) {
  std::vector<InstructionRow> out;
  auto st = s.Query(
      absl::StrCat("SELECT ", kInstructionColumns,
                   " FROM instructions WHERE ($1 = 0 OR seq < $1) AND ($2 = '' OR state = $2) AND "
                   "($3 = '' OR fund_id = $3) AND ($4 = '' OR maker = $4) ORDER BY seq DESC LIMIT $5"),
      {SqlParam::Int(f.before_seq), SqlParam::Text(f.state ? InstructionStateName(*f.state) : ""),
       SqlParam::Text(f.fund_id), SqlParam::Text(f.maker), SqlParam::Int(f.limit)},
      [&](const SqlRow& row) -> absl::Status {
        auto r = ReadInstructionRow(row);
        if (!r.ok()) return r.status();
        out.push_back(std::move(*r));
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<PendingTotals> PendingInstructions(SqlSession& s, const std::string& fund_id,
                                                           const std::string& maker) {
  PendingTotals out;
  auto st = s.QueryOne(
      "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM instructions WHERE state = 'PENDING_APPROVAL' AND "
      "($1 = '' OR fund_id = $1) AND ($2 = '' OR maker = $2)",
      {SqlParam::Text(fund_id), SqlParam::Text(maker)}, [&](const SqlRow& row) {
        out.count = row.Int(0);
        out.amount = Money::Fen(row.Int(1));
      });
  if (!st.ok()) return st.status();
  return out;
}

absl::StatusOr<std::map<std::string, FundPending>> PendingByFund(SqlSession& s) {
  std::map<std::string, FundPending> out;
  // What pending instructions hold: reserved allocations and cuts of the budget, reserved payments
  // of recipients' allocations (a pending rise holds nothing).
  auto st = s.Query(
      "SELECT fund_id, pending_allocated_fen + pending_cut_fen FROM funds "
      "WHERE pending_allocated_fen <> 0 OR pending_cut_fen <> 0",
      {}, [&](const SqlRow& row) {
        out[row.Text(0)].pending = Money::Fen(row.Int(1));
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  st = s.Query("SELECT fund_id, SUM(pending_paid_fen) FROM fund_recipients WHERE pending_paid_fen <> 0 GROUP BY fund_id",
               {}, [&](const SqlRow& row) {
                 auto& p = out[row.Text(0)];
                 p.pending_payments = Money::Fen(row.Int(1));
                 p.pending = Money::Fen(p.pending.fen() + row.Int(1));
                 return absl::OkStatus();
               });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::map<std::string, int64_t>> PendingOnSubjects(SqlSession& s, const std::vector<std::string>& subjects) {
  std::map<std::string, int64_t> out;
  for (const auto& subject : subjects) {  // a page of subjects: one indexed look-up each
    auto st = s.QueryOne("SELECT seq FROM instructions WHERE subject_id = $1 AND state = 'PENDING_APPROVAL'",
                         {SqlParam::Text(subject)}, [&](const SqlRow& row) { out[subject] = row.Int(0); });
    if (!st.ok()) return st.status();
  }
  return out;
}

}  // namespace instructionsql

class SqlInstructionTx final : public InstructionTx {
 public:
  explicit SqlInstructionTx(TxContext& tx) : tx_(tx), s_(tx.session), dialect_(tx.dialect), clock_(tx.clock) {}

  absl::Status BeginTrial(Captured* captured) override {
    if (auto st = s_.ExecScript("SAVEPOINT trial"); !st.ok()) return st;
    tx_.captured = captured;
    return absl::OkStatus();
  }
  absl::Status UndoTrial() override {
    tx_.captured = nullptr;
    return s_.ExecScript("ROLLBACK TO SAVEPOINT trial; RELEASE SAVEPOINT trial");
  }
  void CaptureEntries(Captured* captured) override { tx_.captured = captured; }
  void SetChecker(std::string checker) override { tx_.checker = std::move(checker); }
  absl::Status Reserve(const Reservation& r, int sign) override { return instructionsql::Reserve(s_, r, sign); }
  absl::StatusOr<int64_t> InsertInstruction(const InstructionRow& row) override {
    return instructionsql::InsertInstruction(s_, clock_, row);
  }
  absl::StatusOr<std::optional<InstructionRow>> InstructionForUpdate(int64_t seq) override {
    return instructionsql::ReadInstruction(s_, seq, dialect_.LockRowsClause());
  }
  absl::Status DecideInstruction(int64_t seq, InstructionState state, const std::string& checker,
                                 const std::string& reason, const std::string& result_id) override {
    return instructionsql::DecideInstruction(s_, clock_, seq, state, checker, reason, result_id);
  }
  absl::StatusOr<bool> InstructionPendingOn(const std::string& subject) override {
    auto st = s_.QueryOne("SELECT 1 FROM instructions WHERE subject_id = $1 AND state = 'PENDING_APPROVAL'",
                          {SqlParam::Text(subject)}, [](const SqlRow&) {});
    if (!st.ok()) return st.status();
    return *st;
  }

  absl::StatusOr<Money> UncheckedOn(const std::string& maker, Date day) override {
    Money total;
    auto st = s_.QueryOne("SELECT COALESCE(SUM(amount_fen), 0) FROM unchecked_movements WHERE maker = $1 AND day = $2",
                          {SqlParam::Text(maker), SqlParam::Text(day.ToString())},
                          [&](const SqlRow& row) { total = Money::Fen(row.Int(0)); });
    if (!st.ok()) return st.status();
    return total;
  }

  absl::Status RecordUnchecked(const std::string& maker, Date day, Money amount, const std::string& rpc,
                               const std::string& request_id) override {
    return s_
        .Exec("INSERT INTO unchecked_movements (maker, day, amount_fen, rpc, request_id) VALUES ($1, $2, $3, $4, $5)",
              {SqlParam::Text(maker), SqlParam::Text(day.ToString()), SqlParam::Int(amount.fen()), SqlParam::Text(rpc),
               SqlParam::Text(request_id)})
        .status();
  }

 private:
  TxContext& tx_;
  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

class SqlInstructionReads final : public InstructionReads {
 public:
  explicit SqlInstructionReads(Dialect& dialect) : dialect_(&dialect) {}

  absl::StatusOr<std::optional<InstructionRow>> GetInstruction(int64_t seq) override {
    return ReadOne<std::optional<InstructionRow>>(
        *dialect_, [&](SqlSession& s) { return instructionsql::ReadInstruction(s, seq, ""); });
  }
  absl::StatusOr<std::vector<InstructionRow>> ListInstructions(const InstructionFilter& f) override {
    return ReadOne<std::vector<InstructionRow>>(
        *dialect_, [&](SqlSession& s) { return instructionsql::ListInstructions(s, f); });
  }
  absl::StatusOr<PendingTotals> PendingInstructions(const std::string& fund_id, const std::string& maker) override {
    return ReadOne<PendingTotals>(
        *dialect_, [&](SqlSession& s) { return instructionsql::PendingInstructions(s, fund_id, maker); });
  }
  absl::StatusOr<std::map<std::string, FundPending>> PendingByFund() override {
    return ReadOne<std::map<std::string, FundPending>>(
        *dialect_, [&](SqlSession& s) { return instructionsql::PendingByFund(s); });
  }
  absl::StatusOr<std::map<std::string, int64_t>> PendingOnSubjects(const std::vector<std::string>& subjects) override {
    return ReadOne<std::map<std::string, int64_t>>(
        *dialect_, [&](SqlSession& s) { return instructionsql::PendingOnSubjects(s, subjects); });
  }

 private:
  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<InstructionTx> NewInstructionTx(TxContext& tx) { return std::make_unique<SqlInstructionTx>(tx); }
std::unique_ptr<InstructionReads> NewInstructionReads(Dialect& dialect) {
  return std::make_unique<SqlInstructionReads>(dialect);
}

}  // namespace subsidy::storage
