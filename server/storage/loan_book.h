// The loan book (贷款台账): every loan a bank has told the bureau of, with its terms as last known.
// It is read from two records, neither ever changed: the lines of claims (each carries the loan as
// the bank sent it) and portfolio imports (a bank's whole portfolio, filed without a claim).
// BookTx inside a transaction (LedgerTx::book()); BookReads outside one (Storage::book()).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "money/money.h"
#include "time/clock.h"
#include "time/date.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

// One record of a loan: a claim's ACCEPTED line (its settlement period's end as its date) or a
// portfolio import's line (the import's as-of date).
struct BookRecord {
  std::string bank_id;
  std::string loan_key;  // the case-folded key (one loan however its id is spelt)
  std::string input;     // LoanSubsidyRequest, serialized (a claim line's: as the bank sent it)
  std::string loan_id;   // a claim line's canonical spelling of the id (the input's may differ)
  Date as_of;
  bool from_claim = false;
  int64_t source_seq = 0;  // the claim's or the import's seq
  int64_t line_no = 0;
};

struct BookQuery {
  std::vector<std::string> bank_ids;  // empty: every bank
  std::optional<Date> as_of;          // records dated on or before it only
};

// A claim's ACCEPTED line of a SUBMITTED or PAID claim, as claimed.
struct ClaimedLine {
  std::string bank_id;
  int64_t claim_seq = 0;
  Date period_start;
  Date period_end;
  bool paid = false;      // PAID, and its payment not returned (退回: nothing was paid)
  Money subsidy;
  std::string loan_id;  // canonical
  std::string input;    // as the bank sent it; empty for lines stored before the book existed
};

struct PortfolioImport {
  int64_t seq = 0;
  std::string request_id;
  std::string bank_id;
  Date as_of;
  int64_t loan_count = 0;
  std::string imported_by;
  std::string created_at;
};

struct PortfolioLine {
  std::string loan_key;
  std::string input;
};

class BookTx {
 public:
  virtual ~BookTx() = default;
  virtual absl::StatusOr<PortfolioImport> ImportPortfolio(PortfolioImport header,
                                                          const std::vector<PortfolioLine>& lines) = 0;
  // The terms claims bound (loan_terms) of those of `keys` a claim has bound, by key.
  virtual absl::StatusOr<std::map<std::string, std::string>> BoundTerms(const std::string& bank_id,
                                                                        const std::vector<std::string>& keys) = 0;
};

class BookReads {
 public:
  virtual ~BookReads() = default;
  // Every record, in (bank_id, loan_key, as_of, claim before import, seq, line) order: the last of
  // a loan is its terms as last known.
  virtual absl::Status ForEachRecord(const BookQuery& q, absl::FunctionRef<absl::Status(const BookRecord&)> fn) = 0;
  // The ACCEPTED lines of SUBMITTED and PAID claims for settlement periods starting in [from, to].
  virtual absl::Status ForEachClaimedLine(const std::vector<std::string>& bank_ids, Date from, Date to,
                                          absl::FunctionRef<absl::Status(const ClaimedLine&)> fn) = 0;
};

std::unique_ptr<BookTx> NewBookTx(TxContext& tx);
std::unique_ptr<BookReads> NewBookReads(Dialect& dialect);

}  // namespace subsidy::storage
