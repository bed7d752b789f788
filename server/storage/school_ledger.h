// The schools' ledger (教育经费): each school's accounts per fund source, its allocations,
// expenditures with their draws, their reversals, and the allocations taken back when a fund's
// allocation to the school is reversed. SchoolTx inside a transaction (LedgerTx::schools()),
// SchoolReads outside one (Storage::schools()); both written once in school_ledger.cc.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "funds/limits.h"
#include "storage/rows.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

class SchoolTx {
 public:
  virtual ~SchoolTx() = default;
  // A school's accounts (only sources that ever had an allocation), locked for this transaction.
  virtual absl::StatusOr<std::vector<FundAccount>> FundAccounts(const std::string& school_id) = 0;
  // The date of the school's first allocation; none before its first.
  virtual absl::StatusOr<std::optional<Date>> FirstAllocationDate(const std::string& school_id) = 0;
  // Records an allocation and credits the account; returns its id.
  virtual absl::StatusOr<std::string> InsertAllocation(const std::string& school_id, education::FundSource source,
                                                       Money amount, Date date, const std::string& request_id) = 0;
  // Records an expenditure with its draws and debits the accounts; returns its id. The database
  // refuses a debit beyond an account's balance.
  virtual absl::StatusOr<std::string> InsertExpenditure(const std::string& school_id, const std::string& category,
                                                        Money amount, Date date, const std::string& request_id,
                                                        const std::vector<ExpenditureDraw>& draws) = 0;
  // Corrections. An expenditure and its draws, locked; none for an unknown id.
  virtual absl::StatusOr<std::optional<ExpenditureRow>> ExpenditureForUpdate(int64_t id) = 0;
  // Records the reversal (the database refuses a second one) and gives the drawn money back to the
  // school's accounts; returns its id (EXR-…).
  virtual absl::StatusOr<std::string> InsertReversal(const ExpenditureRow& expenditure, Date date,
                                                     const std::string& reason, const std::string& request_id,
                                                     const std::string& caller) = 0;
  // Takes back an allocation to a school (the unspent part of a fund allocation being reversed):
  // a line of the school's ledger, its account debited (the database refuses below what is spent).
  virtual absl::StatusOr<std::string> ReverseSchoolAllocation(const std::string& school_id, education::FundSource source,
                                                              Money amount, Date date, const std::string& fund_entry_id,
                                                              const std::string& request_id,
                                                              const std::string& caller) = 0;
  // Whether an allocation to a school was made under this request (its ledger's allocation).
  virtual absl::StatusOr<std::optional<education::FundSource>> SchoolAllocationOf(const std::string& request_id) = 0;
  // The days each source of a school's ledger moved (in: allocated, out: spent; reversals signed).
  virtual absl::StatusOr<std::map<education::FundSource, std::vector<funds::DayMove>>> SchoolDays(
      const std::string& school_id) = 0;
  // What the school's funds of `level` allocated to it and paid for it, in all.
  virtual absl::StatusOr<SchoolFundTotals> SchoolFunds(const std::string& school_id, const std::string& level) = 0;
};

// All schools' ledger totals, for metrics.
struct LedgerTotals {
  Money allocated;
  Money spent;
  int64_t schools = 0;
};

class SchoolReads {
 public:
  virtual ~SchoolReads() = default;
  virtual absl::StatusOr<std::vector<FundAccount>> ReadFundAccounts(const std::string& school_id) = 0;
  // A school's ledger by date (then recording order), from row `offset` on.
  virtual absl::StatusOr<std::vector<SchoolLedgerRow>> ListSchoolLedger(const std::string& school_id, int64_t offset,
                                                                        int limit) = 0;
  virtual absl::StatusOr<LedgerTotals> Totals() = 0;
};

// The SQL implementation (school_ledger.cc), for the ledger's composition (ledger.cc).
std::unique_ptr<SchoolTx> NewSchoolTx(TxContext& tx);
std::unique_ptr<SchoolReads> NewSchoolReads(Dialect& dialect);

}  // namespace subsidy::storage
