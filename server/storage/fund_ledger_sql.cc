#include "storage/fund_ledger_sql.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/sql_rows.h"

namespace subsidy::storage {

std::string FundEntryIdFor(FundEntryKind kind, int64_t id) {
  const char* prefix = "FB-";
  switch (kind) {
    case FundEntryKind::kBudget:
    case FundEntryKind::kAdjustment: prefix = "FB-"; break;
    case FundEntryKind::kAllocation: prefix = "FA-"; break;
    case FundEntryKind::kPayment: prefix = "FP-"; break;
    case FundEntryKind::kReversal: prefix = "FR-"; break;
  }
  return absl::StrFormat("%s%08d", prefix, id);
}

std::optional<int64_t> FundEntrySeqFrom(const std::string& entry_id) {
  // Every prefix numbers the one sequence of fund_entries.
  if (entry_id.size() != 11 || entry_id[2] != '-') return std::nullopt;
  const std::string prefix = entry_id.substr(0, 3);
  if (prefix != "FB-" && prefix != "FA-" && prefix != "FP-" && prefix != "FR-") return std::nullopt;
  int64_t seq = 0;
  if (!absl::SimpleAtoi(entry_id.substr(3), &seq) || seq <= 0) return std::nullopt;
  return seq;
}

namespace {
std::optional<FundEntryKind> KindFromName(absl::string_view name) {
  for (FundEntryKind k : {FundEntryKind::kBudget, FundEntryKind::kAdjustment, FundEntryKind::kAllocation,
                          FundEntryKind::kPayment, FundEntryKind::kReversal}) {
    if (name == FundEntryKindName(k)) return k;
  }
  return std::nullopt;
}
}  // namespace

const char* InstructionStateName(InstructionState s) {
  switch (s) {
    case InstructionState::kPending: return "PENDING_APPROVAL";
    case InstructionState::kPosted: return "POSTED";
    case InstructionState::kRejected: return "REJECTED";
  }
  return "PENDING_APPROVAL";
}

std::optional<InstructionState> InstructionStateFromName(absl::string_view name) {
  for (InstructionState s : {InstructionState::kPending, InstructionState::kPosted, InstructionState::kRejected}) {
    if (name == InstructionStateName(s)) return s;
  }
  return std::nullopt;
}

std::string InstructionIdFor(int64_t seq) { return absl::StrFormat("IN-%08d", seq); }

std::optional<int64_t> InstructionSeqFrom(const std::string& instruction_id) {
  int64_t seq = 0;
  if (instruction_id.size() != 11 || instruction_id.substr(0, 3) != "IN-" ||
      !absl::SimpleAtoi(instruction_id.substr(3), &seq) || seq <= 0) {
    return std::nullopt;
  }
  return seq;
}

namespace fundsql {
namespace {

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
    "created_at, state, checker, decided_at, reason, result_id";

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
  return r;
}

}  // namespace

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
      "reservations, maker, created_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "'PENDING_APPROVAL') RETURNING seq",
      {SqlParam::Text(r.request_id), SqlParam::Text(r.rpc), SqlParam::Bytes(r.request), SqlParam::Text(r.summary),
       SqlParam::Text(r.fund_id), SqlParam::Text(r.recipient_id), SqlParam::Text(r.subject_id),
       SqlParam::Int(r.amount.fen()), SqlParam::Text(reservations), SqlParam::Text(r.maker), SqlParam::Text(now)});
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

absl::StatusOr<Storage::PendingTotals> PendingInstructions(SqlSession& s, const std::string& fund_id,
                                                           const std::string& maker) {
  Storage::PendingTotals out;
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

absl::StatusOr<std::map<std::string, Storage::FundPending>> PendingByFund(SqlSession& s) {
  std::map<std::string, Storage::FundPending> out;
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

}  // namespace fundsql
}  // namespace subsidy::storage
