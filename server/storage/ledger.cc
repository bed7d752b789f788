#include "storage/ledger.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {

// One write transaction: every ledger's Tx over the one context (tx_context.h) the transaction's
// session gives, so what one ledger writes another reads before the commit.
class SqlLedgerTx final : public LedgerTx {
 public:
  SqlLedgerTx(SqlSession& s, const Dialect& dialect, const Clock& clock)
      : ctx_{s, dialect, clock},
        schools_(NewSchoolTx(ctx_)),
        payouts_(NewPayoutTx(ctx_)),
        claims_(NewClaimTx(ctx_)),
        funds_(NewFundTx(ctx_)),
        instructions_(NewInstructionTx(ctx_)),
        payments_(NewPaymentTx(ctx_)),
        monitoring_(NewMonitoringTx(ctx_)),
        audit_(NewAuditTx(ctx_)),
        book_(NewBookTx(ctx_)) {}

  absl::Status Flush() override { return ctx_.session.Flush(); }
  SchoolTx& schools() override { return *schools_; }
  PayoutTx& payouts() override { return *payouts_; }
  ClaimTx& claims() override { return *claims_; }
  FundTx& funds() override { return *funds_; }
  InstructionTx& instructions() override { return *instructions_; }
  PaymentTx& payments() override { return *payments_; }
  MonitoringTx& monitoring() override { return *monitoring_; }
  AuditTx& audit() override { return *audit_; }
  BookTx& book() override { return *book_; }

 private:
  TxContext ctx_;  // before the ledgers, which hold it
  std::unique_ptr<SchoolTx> schools_;
  std::unique_ptr<PayoutTx> payouts_;
  std::unique_ptr<ClaimTx> claims_;
  std::unique_ptr<FundTx> funds_;
  std::unique_ptr<InstructionTx> instructions_;
  std::unique_ptr<PaymentTx> payments_;
  std::unique_ptr<MonitoringTx> monitoring_;
  std::unique_ptr<AuditTx> audit_;
  std::unique_ptr<BookTx> book_;
};

// The tables CountRows may name.
constexpr const char* kTables[] = {"idempotency", "audit_log", "allocations", "expenditures", "expenditure_draws",
                                   "fund_accounts", "payouts", "policy_awarded", "loan_claims", "loan_claim_lines",
                                   "loan_claim_keys", "funds", "fund_entries", "fund_recipients",
                                   "fund_daily", "fund_recipient_daily",
                                   "expenditure_reversals", "payout_cancellations",
                                   "policy_awarded_yearly", "payment_batches", "payment_lines",
                                   "payment_line_entries", "bank_return_imports", "payment_discrepancies",
                                   "alert_cases", "alert_case_steps", "monitoring_events", "fund_targets",
                                   "fund_target_progress", "unit_accounts", "loan_portfolio_imports", "loan_terms",
                                   "loan_portfolio_lines"};

// What a request_id was first used for.
struct Seen {
  std::string method, payload, response;
};

absl::StatusOr<std::map<std::string, Seen>> ReadSeen(SqlSession& s, const std::vector<std::string>& ids) {
  std::map<std::string, Seen> out;
  auto chunked = InChunks(ids.size(), [&](size_t from, size_t n) -> absl::Status {
    std::vector<SqlParam> params;
    for (size_t i = from; i < from + n; ++i) params.push_back(SqlParam::Text(ids[i]));
    auto read = s.Query(absl::StrCat("SELECT request_id, method, payload, response FROM idempotency WHERE request_id IN (",
                                     Placeholders(1, n, 1), ")"),
                        params, [&](const SqlRow& row) {
                          out[row.Text(0)] = Seen{row.Text(1), row.Bytes(2), row.Bytes(3)};
                          return absl::OkStatus();
                        });
    if (!read.ok()) return read;
    return absl::OkStatus();
  });
  if (!chunked.ok()) return chunked;
  return out;
}

// The replay rule: the same method and payload answer the stored response; anything else is
// refused.
absl::StatusOr<std::string> Replay(Seen seen, const IdempotencyKey& key, bool* replayed) {
  if (seen.method != key.method || seen.payload != key.payload) {
    return WithReason(InvalidField("request_id", seen.method == key.method
                                                     ? "was first used by " + seen.method + " with another payload"
                                                     : "was first used by " + seen.method + ", not " + key.method),
                      kIdempotencyKeyReused);
  }
  if (replayed) *replayed = true;
  return std::move(seen.response);
}

// Each response under its request_id, sent with the transaction's next statement: a response is
// not answered before it commits, and a concurrent first use of a request_id fails the write there
// (ALREADY_EXISTS: retried, and then answered as a replay).
absl::Status Record(SqlSession& s, const std::vector<std::pair<const IdempotencyKey*, const std::string*>>& answered,
                    const std::string& now) {
  auto chunked = InChunks(answered.size(), [&](size_t from, size_t n) -> absl::Status {
    std::vector<SqlParam> params;
    for (size_t i = from; i < from + n; ++i) {
      const auto& [key, response] = answered[i];
      for (SqlParam p : {SqlParam::Text(key->request_id), SqlParam::Text(key->method), SqlParam::Bytes(key->payload),
                         SqlParam::Bytes(*response), SqlParam::Text(now)}) {
        params.push_back(p);
      }
    }
    auto recorded = s.ExecLater(
        absl::StrCat("INSERT INTO idempotency (request_id, method, payload, response, created_at) VALUES ",
                     Placeholders(1, n, 5)),
        params, static_cast<int64_t>(n), n == 1 ? "recording a request_id" : "recording request_ids");
    if (!recorded.ok()) return recorded;
    return absl::OkStatus();
  });
  return chunked;
}

// One write of RunIdempotentCombined, as its combiner sees it.
struct CombinedWrite {
  const IdempotencyKey* key;
  const void* item;
  bool* replayed;
};

// The writes of one decider's kind queued together: their request_ids read at once, the new ones
// decided by one DecideAll, their responses recorded by multi-row statements.
class IdempotentCombiner final : public WriteCombiner {
 public:
  IdempotentCombiner(const IdempotentDecider& decider, const Dialect& dialect, const Clock& clock)
      : decider_(decider), dialect_(dialect), clock_(clock) {}

  const void* kind() const override { return &decider_; }

  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> RunAll(
      SqlSession& s, const std::vector<const void*>& items) const override {
    std::vector<const CombinedWrite*> writes;
    std::vector<std::string> ids;
    for (const void* item : items) {
      writes.push_back(static_cast<const CombinedWrite*>(item));
      if (writes.back()->replayed) *writes.back()->replayed = false;
      ids.push_back(writes.back()->key->request_id);
    }
    if (std::set<std::string>(ids.begin(), ids.end()).size() != ids.size()) {
      return absl::AbortedError("a request_id twice among combined writes: each runs alone");
    }
    auto seen = ReadSeen(s, ids);
    if (!seen.ok()) return seen.status();
    std::vector<absl::StatusOr<std::string>> out(writes.size(), absl::UnknownError("not decided"));
    std::vector<size_t> fresh;
    std::vector<const void*> fresh_items;
    for (size_t i = 0; i < writes.size(); ++i) {
      if (auto found = seen->find(ids[i]); found != seen->end()) {
        out[i] = Replay(found->second, *writes[i]->key, writes[i]->replayed);
      } else {
        fresh.push_back(i);
        fresh_items.push_back(writes[i]->item);
      }
    }
    if (fresh.empty()) return out;
    SqlLedgerTx tx(s, dialect_, clock_);
    auto decided = decider_.DecideAll(tx, fresh_items);
    if (!decided.ok()) return decided.status();
    if (decided->size() != fresh.size()) return absl::InternalError("a decider answered another number of requests");
    std::vector<std::pair<const IdempotencyKey*, const std::string*>> answered;
    for (size_t j = 0; j < fresh.size(); ++j) {
      out[fresh[j]] = std::move((*decided)[j]);
      if (out[fresh[j]].ok()) answered.push_back({writes[fresh[j]]->key, &*out[fresh[j]]});
    }
    if (auto recorded = Record(s, answered, clock_.NowUtcText()); !recorded.ok()) return recorded;
    return out;
  }

 private:
  const IdempotentDecider& decider_;
  const Dialect& dialect_;
  const Clock& clock_;
};

}  // namespace

Ledger::Ledger(std::unique_ptr<Dialect> dialect, const Clock* clock)
    : dialect_(std::move(dialect)),
      clock_(clock),
      schools_(NewSchoolReads(*dialect_)),
      payouts_(NewPayoutReads(*dialect_)),
      claims_(NewClaimReads(*dialect_, *clock_)),
      funds_(NewFundReads(*dialect_)),
      instructions_(NewInstructionReads(*dialect_)),
      payments_(NewPaymentReads(*dialect_)),
      monitoring_(NewMonitoringReads(*dialect_)),
      audit_(NewAuditReads(*dialect_)),
      book_(NewBookReads(*dialect_)) {}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<Dialect> dialect, const Clock* clock) {
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(dialect), clock ? clock : &Clock::System()));
  if (auto s = ledger->Migrate(); !s.ok()) return s;
  return ledger;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::OpenStandby(std::unique_ptr<Dialect> dialect, const Clock* clock) {
  std::unique_ptr<Ledger> ledger(new Ledger(std::move(dialect), clock ? clock : &Clock::System()));
  ledger->standby_ = true;
  const int target = static_cast<int>(LedgerMigrations().size());
  int version = 0;
  auto s = ledger->dialect_->Read([&](SqlSession& session) {
    return session.QueryOne("SELECT version FROM schema_version", {}, [&](const SqlRow& row) {
      version = static_cast<int>(row.Int(0));
    }).status();
  });
  if (!s.ok()) return absl::Status(s.code(), absl::StrCat("the report database has no schema: ", s.message()));
  if (version != target) {
    return absl::FailedPreconditionError(absl::StrCat("the report database ", ledger->description(),
                                                      " has schema version ", version, ", this binary's is ", target,
                                                      ": give it time to replay the primary's migration, then restart"));
  }
  ledger->schema_version_ = version;
  return ledger;
}

absl::StatusOr<Freshness> Ledger::ReadFreshness() {
  if (!standby_) return Freshness{};
  return dialect_->ReadFreshness();
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
  return Run(key, fn, replayed, nullptr, nullptr);
}

absl::StatusOr<std::string> Ledger::RunIdempotentCombined(const IdempotencyKey& key, const IdempotentDecider& decider,
                                                          const void* item, bool* replayed) {
  const CombinedWrite mine{&key, item, replayed};
  const IdempotentCombiner combiner(decider, *dialect_, *clock_);
  return Run(
      key,
      [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
        auto decided = decider.DecideAll(tx, {item});
        if (!decided.ok()) return decided.status();
        if (decided->size() != 1) return absl::InternalError("a decider answered another number of requests");
        return std::move(decided->front());
      },
      replayed, &combiner, &mine);
}

absl::StatusOr<std::string> Ledger::Run(const IdempotencyKey& key,
                                        const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn,
                                        bool* replayed, const WriteCombiner* combiner, const void* item) {
  if (standby_) return absl::FailedPreconditionError("the report database takes no writes");
  WriteOptions options{.lock_keys = &key.lock_keys,
                       .deadline = key.deadline,
                       .replay_safe = true,
                       .combiner = combiner,
                       .item = item};
  if (replayed) *replayed = false;
  return dialect_->Write(options, [&](SqlSession& s) -> absl::StatusOr<std::string> {
    if (replayed) *replayed = false;  // each attempt of a retried transaction decides afresh
    auto seen = ReadSeen(s, {key.request_id});
    if (!seen.ok()) return seen.status();
    if (auto found = seen->find(key.request_id); found != seen->end()) return Replay(found->second, key, replayed);
    SqlLedgerTx tx(s, *dialect_, *clock_);
    auto response = fn(tx);
    if (!response.ok()) return response.status();
    if (auto recorded = Record(s, {{&key, &*response}}, clock_->NowUtcText()); !recorded.ok()) return recorded;
    return response;
  });
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
