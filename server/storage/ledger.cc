#include "storage/ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
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
  if (standby_) return absl::FailedPreconditionError("the report database takes no writes");
  WriteOptions options{.lock_keys = &key.lock_keys, .deadline = key.deadline, .replay_safe = true};
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
    // Sent with the transaction's next statement: the response is not answered before it commits,
    // and a concurrent first use of the request_id fails the write there (ALREADY_EXISTS: retried,
    // and then answered as a replay).
    auto recorded = s.ExecLater(
        "INSERT INTO idempotency (request_id, method, payload, response, created_at) VALUES ($1, $2, $3, $4, $5)",
        {SqlParam::Text(key.request_id), SqlParam::Text(key.method), SqlParam::Bytes(key.payload),
         SqlParam::Bytes(*response), SqlParam::Text(now)},
        1, "recording a request_id");
    if (!recorded.ok()) return recorded;
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
