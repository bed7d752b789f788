// The ledger: the one implementation of Storage. Its transactions (idempotency, once-only keys,
// balances, audit), migrations and row readers are written once here, in SQL that every dialect
// accepts; a Dialect supplies only what really differs (dialect.h).
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

  int schema_version() const override { return schema_version_; }
  std::string description() const override { return dialect_->description(); }

  absl::StatusOr<std::string> RunIdempotent(const IdempotencyKey& key,
                                            const std::function<absl::StatusOr<std::string>(LedgerTx&)>& fn,
                                            bool* replayed = nullptr) override;
  absl::StatusOr<std::vector<FundAccount>> ReadFundAccounts(const std::string& school_id) override;
  absl::StatusOr<std::optional<PayoutRow>> GetPayout(int64_t seq) override;
  absl::StatusOr<std::vector<PayoutRow>> ListPayouts(const PayoutFilter& filter) override;
  absl::StatusOr<PayoutTotals> TotalPayouts(const PayoutFilter& filter) override;
  absl::StatusOr<std::map<std::string, Money>> AwardedByPolicy() override;
  absl::StatusOr<std::map<std::string, Money>> AwardedByPolicyInYear(int year) override;
  absl::StatusOr<std::map<std::string, Money>> AllocatedByRecipient(const std::string& recipient_kind,
                                                                    int year) override;
  absl::StatusOr<std::vector<PayoutStat>> PayoutStats() override;
  absl::StatusOr<LedgerTotals> Totals() override;
  absl::StatusOr<int64_t> CountRows(const std::string& table) override;
  absl::StatusOr<int64_t> BeginClaim(const ClaimRow& header) override;
  absl::Status AppendClaimLines(int64_t claim_seq, const std::vector<ClaimLineRow>& lines) override;
  absl::Status AbandonClaim(int64_t claim_seq) override;
  absl::StatusOr<std::optional<ClaimRow>> GetClaim(int64_t claim_seq) override;
  absl::StatusOr<std::vector<ClaimRow>> ListClaims(const ClaimFilter& filter) override;
  absl::StatusOr<std::vector<ClaimLineRow>> ListClaimLines(const ClaimLineFilter& filter) override;
  absl::StatusOr<std::optional<FundRow>> GetFund(const std::string& fund_id) override;
  absl::StatusOr<std::vector<FundRow>> ListFunds(const FundFilter& filter) override;
  absl::StatusOr<std::vector<FundFigures>> FundFiguresAsOf(const FundFilter& filter, Date as_of) override;
  absl::StatusOr<std::vector<FundRecipientRow>> RecipientFiguresAsOf(const std::vector<std::string>& fund_ids,
                                                                     Date as_of) override;
  absl::StatusOr<std::vector<PayoutRow>> OverduePayoutsAsOf(Date as_of) override;
  absl::StatusOr<std::vector<SchoolLedgerRow>> ListSchoolLedger(const std::string& school_id, int64_t offset,
                                                                int limit) override;
  absl::StatusOr<std::vector<AuditRow>> ListAuditEvents(const AuditFilter& filter) override;
  absl::StatusOr<std::vector<FundEntryRow>> ListFundEntries(const FundEntryFilter& filter) override;
  absl::StatusOr<std::optional<InstructionRow>> GetInstruction(int64_t seq) override;
  absl::StatusOr<std::vector<InstructionRow>> ListInstructions(const InstructionFilter& filter) override;
  absl::StatusOr<PendingTotals> PendingInstructions(const std::string& fund_id, const std::string& maker) override;
  absl::StatusOr<std::map<std::string, FundPending>> PendingByFund() override;
  absl::StatusOr<std::vector<PayoutRow>> HeldPayouts() override;
  absl::StatusOr<std::map<std::string, int64_t>> PendingOnSubjects(const std::vector<std::string>& subjects) override;
  // One read on a connection of its own.
  template <class T, class Fn>
  absl::StatusOr<T> ReadOne(Fn&& fn);

  Dialect& dialect() { return *dialect_; }

 private:
  Ledger(std::unique_ptr<Dialect> dialect, const Clock* clock) : dialect_(std::move(dialect)), clock_(clock) {}
  absl::Status Migrate();

  std::unique_ptr<Dialect> dialect_;
  const Clock* clock_;
  int schema_version_ = 0;
};

}  // namespace subsidy::storage
