#include "storage/claim_ledger.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/status_util.h"
#include "formats/claim_file.h"
#include "ids/canonical.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {

// What differs between two loans' terms ("principal|contract|disbursement|maturity|program").
Reason TermsChange(const std::string& first, const std::string& now) {
  static const char* kNames[] = {"principal_fen", "contract_date", "disbursement_date", "maturity_date", "program"};
  std::vector<std::string> a = absl::StrSplit(first, '|'), b = absl::StrSplit(now, '|');
  std::vector<std::string> changed, named;
  for (size_t i = 0; i < std::size(kNames); ++i) {
    const std::string x = i < a.size() ? a[i] : "", y = i < b.size() ? b[i] : "";
    if (x == y) continue;
    changed.push_back(absl::StrCat(kNames[i], " ", x, " → ", y));
    named.push_back(absl::StrCat(formats::ColumnHeader(kNames[i]), " ", x, " → ", y));
  }
  return {kLoanTermsChanged,
          absl::StrCat("the loan's terms differ from its first claim: ", absl::StrJoin(changed, ", ")),
          {{"changed", absl::StrJoin(named, "；")}}};
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

std::string InsertKeysSql(int rows) {
  // Rows of one statement go in in order: of two lines of one loan, the earlier takes the key.
  return absl::StrCat("INSERT INTO loan_claim_keys (bank_id, loan_id, period_start, claim_seq, line_no) VALUES ",
                      Placeholders(1, rows, 5), " ON CONFLICT (bank_id, loan_id, period_start) DO NOTHING RETURNING line_no");
}

// A staged line as AppendRows loads it (COPY on PostgreSQL).
constexpr absl::string_view kLineColumns[] = {"claim_seq",    "line_no",     "loan_id", "line_status",  "principal_fen",
                                              "interest_fen", "subsidy_fen", "result",  "terms",        "borrower_key",
                                              "borrower_limit", "input"};

class SqlClaimTx final : public ClaimTx {
 public:
  explicit SqlClaimTx(TxContext& tx) : s_(tx.session), dialect_(tx.dialect), clock_(tx.clock) {}

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
  static constexpr int kSettleChunk = 512;
  static constexpr int kKeysPerInsert = 128;

  // One chunk being settled: each line's once-only key (a loan is one loan however its id is
  // spelt: the key is the id's case-folded key), and what each step learns for the next.
  struct Settling {
    int64_t seq;
    const std::string& bank_id;
    const std::string& period_start;
    std::vector<std::string> keys;  // by the line's place in the chunk
    std::map<const StagedLine*, const std::string*> key_of;
    std::map<std::string, std::string> bound;  // loan key → terms
    std::vector<const StagedLine*> accepted;   // the lines that try to take their key
    std::set<int64_t> won;                     // the line numbers that took it
    ClaimTotals* totals;
  };

  // The once-only rule for a chunk of lines: each ACCEPTED line tries to take its key; the
  // database keeps the first (an earlier line of this claim, or another claim's that is not
  // rejected), and a line that did not get it becomes DUPLICATE of the holder.
  absl::Status SettleChunk(int64_t seq, const std::string& bank_id, const std::string& period_start,
                           const std::vector<StagedLine>& chunk, ClaimTotals* totals) {
    Settling c{seq, bank_id, period_start, std::vector<std::string>(chunk.size()), {}, {}, {}, {}, totals};
    for (size_t k = 0; k < chunk.size(); ++k) {
      c.keys[k] = IdKey(chunk[k].loan_id);
      c.key_of[&chunk[k]] = &c.keys[k];
    }
    if (auto st = ReadBoundTerms(chunk, &c); !st.ok()) return st;
    if (auto st = RefuseChangedTerms(chunk, &c); !st.ok()) return st;
    if (auto st = TakeKeys(&c); !st.ok()) return st;
    if (auto st = FixTerms(&c); !st.ok()) return st;
    return Tally(&c);
  }

  // A loan is bound to the contract terms of its first claim: the terms this bank's earlier
  // claims fixed for these loans, read at once for the chunk.
  absl::Status ReadBoundTerms(const std::vector<StagedLine>& chunk, Settling* c) {
    std::vector<SqlParam> ask = {SqlParam::Text(c->bank_id)};
    std::string in;
    for (size_t k = 0; k < chunk.size(); ++k) {
      if (chunk[k].status != ClaimLineStatus::kAccepted || chunk[k].terms.empty()) continue;
      ask.push_back(SqlParam::Text(c->keys[k]));
      absl::StrAppend(&in, in.empty() ? "($" : ", ($", ask.size(), ")");
    }
    if (in.empty()) return absl::OkStatus();
    // A correlated subquery per key: a probe of the primary key each, a plan no estimate changes.
    // (As `loan_id IN (…)`, or as a join, PostgreSQL without statistics on a table this
    // transaction fills guessed the bank's rows few and read them all: 20 ms a chunk at 100,000
    // loans, two fifths of a claim's time.)
    return s_.Query(absl::StrCat("SELECT k.column1, (SELECT t.terms FROM loan_terms t WHERE t.bank_id = $1 AND "
                                 "t.loan_id = k.column1) FROM (VALUES ",
                                 in, ") AS k"),
                    ask, [&](const SqlRow& row) {
                      if (!row.IsNull(1)) c->bound[row.Text(0)] = row.Text(1);
                      return absl::OkStatus();
                    });
  }

  // Staged INVALID lines count as they are; an ACCEPTED line whose terms differ from the loan's
  // bound ones becomes INVALID (LOAN_TERMS_CHANGED); the others go on to take their keys.
  absl::Status RefuseChangedTerms(const std::vector<StagedLine>& chunk, Settling* c) {
    for (size_t k = 0; k < chunk.size(); ++k) {
      const auto& l = chunk[k];
      if (l.status != ClaimLineStatus::kAccepted) {
        ++c->totals->invalid;  // staged lines are ACCEPTED or INVALID
        continue;
      }
      auto it = c->bound.find(c->keys[k]);
      if (it != c->bound.end() && !l.terms.empty() && it->second != l.terms) {
        const Reason why = TermsChange(it->second, l.terms);
        auto marked = s_.Exec(
            "UPDATE loan_claim_lines SET line_status = 'INVALID', settled_reasons = $3 WHERE claim_seq = $1 AND line_no = $2",
            {SqlParam::Int(c->seq), SqlParam::Int(l.line_no),
             SqlParam::Text(EncodeReasons({why}))});
        if (auto st = ExpectOneRow(marked, "refusing a line whose terms changed"); !st.ok()) return st;
        ++c->totals->invalid;
        continue;
      }
      c->accepted.push_back(&l);
    }
    return absl::OkStatus();
  }

  // Each of those lines tries to take its key, many rows a statement.
  absl::Status TakeKeys(Settling* c) {
    static const std::string kBatchSql = InsertKeysSql(kKeysPerInsert);
    static const std::string kOneSql = InsertKeysSql(1);
    std::vector<SqlParam> params;
    auto run = [&](const std::string& sql, size_t from, size_t n) -> absl::Status {
      params.clear();
      for (size_t i = from; i < from + n; ++i) {
        params.push_back(SqlParam::Text(c->bank_id));
        params.push_back(SqlParam::Text(*c->key_of[c->accepted[i]]));
        params.push_back(SqlParam::Text(c->period_start));
        params.push_back(SqlParam::Int(c->seq));
        params.push_back(SqlParam::Int(c->accepted[i]->line_no));
      }
      return s_.Query(sql, params, [&](const SqlRow& row) {
        c->won.insert(row.Int(0));
        return absl::OkStatus();
      });
    };
    size_t i = 0;
    for (; i + kKeysPerInsert <= c->accepted.size(); i += kKeysPerInsert) {
      if (auto st = run(kBatchSql, i, kKeysPerInsert); !st.ok()) return st;
    }
    for (; i < c->accepted.size(); ++i) {
      if (auto st = run(kOneSql, i, 1); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  // The loans claimed for the first time fix their terms: many rows a statement.
  absl::Status FixTerms(Settling* c) {
    std::vector<const StagedLine*> fresh;
    std::set<std::string> seen;
    for (const StagedLine* l : c->accepted) {
      const std::string& key = *c->key_of[l];
      if (c->won.count(l->line_no) && !l->terms.empty() && !c->bound.count(key) && seen.insert(key).second) {
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
        rows.push_back(SqlParam::Text(c->bank_id));
        rows.push_back(SqlParam::Text(*c->key_of[l]));
        rows.push_back(SqlParam::Text(l->terms));
        rows.push_back(SqlParam::Int(c->seq));
        c->bound[*c->key_of[l]] = l->terms;
      }
      auto made = s_.Exec(sql + " ON CONFLICT (bank_id, loan_id) DO NOTHING", rows);
      if (!made.ok()) return made.status();
    }
    return absl::OkStatus();
  }

  // A line that took its key is ACCEPTED (its borrower bound, its sums counted); one that did not
  // becomes DUPLICATE of the claim that holds the key.
  absl::Status Tally(Settling* c) {
    for (const StagedLine* l : c->accepted) {
      if (c->won.count(l->line_no)) {
        if (auto st = BindBorrower(c->seq, c->bank_id, c->period_start, *l, *c->key_of[l]); !st.ok()) return st;
        ++c->totals->accepted;
        for (auto [sum, add] : {std::pair{&c->totals->principal, l->principal}, {&c->totals->interest, l->interest},
                                {&c->totals->subsidy, l->subsidy}}) {
          auto next = sum->Plus(add);
          if (!next.ok()) return next.status();
          *sum = *next;
        }
        continue;
      }
      int64_t holder = 0;
      auto held = s_.QueryOne(
          "SELECT claim_seq FROM loan_claim_keys WHERE bank_id = $1 AND loan_id = $2 AND period_start = $3",
          {SqlParam::Text(c->bank_id), SqlParam::Text(*c->key_of[l]), SqlParam::Text(c->period_start)},
          [&](const SqlRow& row) { holder = row.Int(0); });
      if (!held.ok()) return held.status();
      if (!*held) return absl::InternalError("a once-only key was refused but nobody holds it");
      auto marked = s_.Exec(
          "UPDATE loan_claim_lines SET line_status = 'DUPLICATE', duplicate_of_seq = $3 "
          "WHERE claim_seq = $1 AND line_no = $2",
          {SqlParam::Int(c->seq), SqlParam::Int(l->line_no), SqlParam::Int(holder)});
      if (auto st = ExpectOneRow(marked, "marking a duplicate line"); !st.ok()) return st;
      ++c->totals->duplicate;
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
                       absl::StrCat("the borrower's loan for this period is claimed by bank ", other_bank, " in ",
                                    ClaimIdFor(other_claim)),
                       {{"bank_id", other_bank}, {"claim_id", ClaimIdFor(other_claim)}}});
    }
    // More subsidised loans than the regime allows one borrower, across banks and periods.
    int64_t loans = 0;
    auto counted = s_.QueryOne(
        "SELECT COUNT(*) FROM (SELECT DISTINCT bank_id, loan_id FROM loan_borrower_periods WHERE borrower_key = $1) "
        "AS distinct_loans",
        {SqlParam::Text(l.borrower_key)}, [&](const SqlRow& row) { loans = row.Int(0); });
    if (!counted.ok()) return counted.status();
    if (l.borrower_limit > 0 && loans > l.borrower_limit) {
      flags.push_back({kPriorLoansExceeded,
                       absl::StrCat("the borrower has ", loans, " subsidised loans, more than the regime's ",
                                    l.borrower_limit),
                       {{"loans", absl::StrCat(loans)}, {"limit", absl::StrCat(l.borrower_limit)}}});
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

class SqlClaimReads final : public ClaimReads {
 public:
  SqlClaimReads(Dialect& dialect, const Clock& clock) : dialect_(&dialect), clock_(&clock) {}

  absl::StatusOr<int64_t> BeginClaim(const ClaimRow& c) override {
    const std::string start = c.period_start.ToString(), end = c.period_end.ToString(), now = clock_->NowUtcText();
    // NowUtcText's format: the texts compare in time order.
    const std::string stale = Clock::UtcText(clock_->Now() - absl::FromChrono(kStagedClaimLifetime));
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

  absl::Status AppendClaimLines(int64_t claim_seq, const std::vector<ClaimLineRow>& lines) override {
    std::vector<SqlParam> values;
    values.reserve(lines.size() * std::size(kLineColumns));
    for (const ClaimLineRow& l : lines) {
      for (SqlParam p : {SqlParam::Int(claim_seq), SqlParam::Int(l.line_no), SqlParam::Text(l.loan_id),
                         SqlParam::Text(ClaimLineStatusName(l.status)),
                         SqlParam::Int(l.principal.fen()), SqlParam::Int(l.interest.fen()),
                         SqlParam::Int(l.subsidy.fen()), SqlParam::Bytes(l.result), SqlParam::Text(l.terms),
                         SqlParam::Text(l.borrower_key), SqlParam::Int(l.borrower_limit), SqlParam::Bytes(l.input)}) {
        values.push_back(p);
      }
    }
    return dialect_
        ->Write({}, [&](SqlSession& s) -> absl::StatusOr<std::string> {
          auto staged = s.QueryOne("SELECT 1 FROM loan_claims WHERE seq = $1 AND status = 'UPLOADING'",
                                   {SqlParam::Int(claim_seq)}, [](const SqlRow&) {});
          if (!staged.ok()) return staged.status();
          if (!*staged) return StagedClaimGone();
          if (auto st = s.AppendRows("loan_claim_lines", kLineColumns, values); !st.ok()) return st;
          return std::string();
        })
        .status();
  }

  absl::Status AbandonClaim(int64_t claim_seq) override {
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

  absl::StatusOr<std::optional<ClaimRow>> GetClaim(int64_t claim_seq) override {
    absl::StatusOr<std::optional<ClaimRow>> out;
    auto s = dialect_->Read([&](SqlSession& session) {
      out = ReadOneClaim(session, claim_seq, "");
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }

  absl::StatusOr<std::vector<ClaimRow>> ListClaims(const ClaimFilter& f) override {
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

  absl::StatusOr<std::vector<ClaimLineRow>> ListClaimLines(const ClaimLineFilter& f) override {
    std::vector<SqlParam> params = {SqlParam::Int(f.claim_seq), SqlParam::Int(f.after_line_no), SqlParam::Int(f.limit)};
    std::string sql =
        absl::StrCat("SELECT ", kClaimLineColumns, " FROM loan_claim_lines WHERE claim_seq = $1 AND line_no > $2");
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
      return ReadClaimLines(session, sql, params, &rows);
    });
    if (!s.ok()) return s;
    return rows;
  }

 private:
  Dialect* dialect_;
  const Clock* clock_;
};

}  // namespace

std::unique_ptr<ClaimTx> NewClaimTx(TxContext& tx) { return std::make_unique<SqlClaimTx>(tx); }
std::unique_ptr<ClaimReads> NewClaimReads(Dialect& dialect, const Clock& clock) {
  return std::make_unique<SqlClaimReads>(dialect, clock);
}

}  // namespace subsidy::storage
