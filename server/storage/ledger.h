// The ledger: the one implementation of Storage. It is a composition: each ledger (schools,
// payouts, claims, funds, instructions, payments, audit) is written once in a file of its own
// (school_ledger.cc, …) against SqlSession, in SQL that every dialect accepts; a Dialect supplies
// only what really differs (dialect.h). What stays here is what no one ledger owns: opening and
// migrating the database, the idempotent transaction that hands the ledgers one session, and
// counting rows.
#pragma once

#include <memory>
#include <string>

#include "storage/dialect.h"
#include "storage/storage.h"

namespace subsidy::storage {

class Ledger final : public Storage {
 public:
  // Migrates the database to this binary's schema, then serves it.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(std::unique_ptr<Dialect> dialect, const Clock* clock);
  // A hot standby's, for reports: never migrated, no writes; its schema must be this binary's.
  static absl::StatusOr<std::unique_ptr<Ledger>> OpenStandby(std::unique_ptr<Dialect> dialect, const Clock* clock);

  int schema_version() const override { return schema_version_; }
  std::string description() const override { return dialect_->description(); }

  absl::StatusOr<std::string> RunIdempotent(const IdempotencyKey& key,
                                            const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn,
                                            bool* replayed = nullptr) override;
  absl::StatusOr<std::string> RunIdempotentCombined(const IdempotencyKey& key, const IdempotentDecider& decider,
                                                    const void* item, bool* replayed = nullptr) override;
  SchoolReads& schools() override { return *schools_; }
  PayoutReads& payouts() override { return *payouts_; }
  ClaimReads& claims() override { return *claims_; }
  FundReads& funds() override { return *funds_; }
  InstructionReads& instructions() override { return *instructions_; }
  PaymentReads& payments() override { return *payments_; }
  MonitoringReads& monitoring() override { return *monitoring_; }
  AuditReads& audit() override { return *audit_; }
  BookReads& book() override { return *book_; }
  absl::StatusOr<int64_t> CountRows(const std::string& table) override;
  absl::StatusOr<Freshness> ReadFreshness() override;

  Dialect& dialect() { return *dialect_; }

 private:
  Ledger(std::unique_ptr<Dialect> dialect, const Clock* clock);
  absl::Status Migrate();
  // RunIdempotent's transaction, offered to `combiner` (with `item`) when there is one.
  absl::StatusOr<std::string> Run(const IdempotencyKey& key,
                                  const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn, bool* replayed,
                                  const WriteCombiner* combiner, const void* item);

  std::unique_ptr<Dialect> dialect_;
  const Clock* clock_;
  int schema_version_ = 0;
  bool standby_ = false;  // OpenStandby: reads only, each report asks how fresh
  // Each ledger's reads, over dialect_ (declared after it: they go first).
  std::unique_ptr<SchoolReads> schools_;
  std::unique_ptr<PayoutReads> payouts_;
  std::unique_ptr<ClaimReads> claims_;
  std::unique_ptr<FundReads> funds_;
  std::unique_ptr<InstructionReads> instructions_;
  std::unique_ptr<PaymentReads> payments_;
  std::unique_ptr<MonitoringReads> monitoring_;
  std::unique_ptr<AuditReads> audit_;
  std::unique_ptr<BookReads> book_;
};

}  // namespace subsidy::storage
