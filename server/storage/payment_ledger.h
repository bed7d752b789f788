// The payments' ledger (支付与回单): every outgoing payment as a line of a batch sent to the agent
// bank, the fund entries each line paid, the bank's return files and the discrepancies they held.
// PaymentTx inside a transaction (LedgerTx::payments()), PaymentReads outside one
// (Storage::payments()); both written once in payment_ledger.cc. The database holds the states: a
// line is confirmed or failed once, a failed one reissued or returned once, one live line per
// payment, a fund entry paid by one line, a file (by content) imported once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status_util.h"
#include "funds/payments.h"
#include "money/money.h"
#include "time/date.h"

namespace subsidy::storage {

class Dialect;
struct TxContext;

enum class PaymentSource { kPayout, kClaim, kFundPayment };
const char* PaymentSourceName(PaymentSource s);
std::optional<PaymentSource> PaymentSourceFromName(absl::string_view name);

struct PaymentLineRow {
  int64_t seq = 0;
  std::string batch_id;
  std::string voucher_no;
  PaymentSource source = PaymentSource::kPayout;
  std::string source_id;  // PO-…, CL-…, FP-…
  std::string payee_name, payee_account, payee_bank, payee_id;
  Money amount;
  std::string tracking_id;
  Date payment_date;
  funds::PaymentState state = funds::PaymentState::kSent;
  std::string bank_serial;
  std::string bank_date;
  std::string failure_reason;
  std::string failed_date;
  std::string settled_by;
  int64_t reissue_of = 0;
  int64_t reissued_by = 0;  // read: the line that reissued it
  std::string closed_by;
  std::string return_reason;
  std::string created_by;
};

std::string PaymentIdFor(int64_t seq);  // "PAY-00000012"
std::optional<int64_t> PaymentSeqFrom(const std::string& payment_id);
std::string ImportIdFor(int64_t seq);  // "BR-00000003"
// The batch of a day's payments, and of a day's reissues.
std::string BatchIdFor(Date date, bool reissues);

struct PaymentFiguresRow {
  int64_t sent_count = 0, confirmed_count = 0, failed_count = 0, outstanding_count = 0, open_failed_count = 0,
          returned_count = 0;
  Money sent, confirmed, failed, outstanding, open_failed, returned;
};

struct PaymentBatchRow {
  std::string batch_id;
  Date date;
  bool reissues = false;
  PaymentFiguresRow figures;
};

struct DiscrepancyRow {
  int64_t import_seq = 0;
  int64_t row_no = 0;
  std::string voucher_no;
  std::string kind;
  int64_t payment_seq = 0;
  std::string batch_id;
  StatusParams params;
  std::string date;
};

struct PaymentLineFilter {
  std::string batch_id;
  std::optional<funds::PaymentState> state;
  std::string source_id;
  std::string tracking_id;
  int64_t after_seq = 0;
  int limit = 100;
};

class PaymentTx {
 public:
  virtual ~PaymentTx() = default;
  // A SENT line in the batch of its payment date (the day's reissue batch for a reissue), with the
  // fund entries it paid; the payout's or claim's payment state follows. Returns the line's seq.
  virtual absl::StatusOr<int64_t> AddLine(const PaymentLineRow& line, const std::vector<int64_t>& entry_ids) = 0;
  // The line that paid a fund entry (none when the entry went to no bank).
  virtual absl::StatusOr<std::optional<PaymentLineRow>> LineOfEntry(int64_t entry_id) = 0;
  // A line, locked, with the fund entries it paid; none for an unknown one.
  virtual absl::StatusOr<std::optional<PaymentLineRow>> LineForUpdate(int64_t seq, std::vector<int64_t>* entry_ids) = 0;
  // The lines these vouchers name, by voucher.
  virtual absl::StatusOr<std::map<std::string, PaymentLineRow>> LinesByVoucher(
      const std::vector<std::string>& vouchers) = 0;
  // SENT → CONFIRMED for many lines at once (a return file's successes, a few statements per
  // hundreds); SENT → FAILED (putting nothing back: the caller does); FAILED → REISSUED or
  // RETURNED. Each moves the payout's or claim's payment state with it.
  struct Confirmation {
    int64_t seq = 0;
    std::string bank_serial;
    std::string bank_date;
  };
  virtual absl::Status ConfirmMany(const std::vector<Confirmation>& lines, const std::string& import_id) = 0;
  virtual absl::Status Fail(const PaymentLineRow& line, const std::string& reason, const std::string& bank_date,
                            Date failed_date, const std::string& import_id) = 0;
  virtual absl::Status Close(const PaymentLineRow& line, funds::PaymentState to, const std::string& request_id,
                             const std::string& return_reason) = 0;
  // The import already made of this content: its stored answer.
  virtual absl::StatusOr<std::optional<std::string>> ImportedAnswer(const std::string& content_sha256) = 0;
  virtual absl::StatusOr<int64_t> BeginImport(const std::string& request_id, const std::string& content_sha256,
                                              const std::string& file_name, Date date, const std::string& caller) = 0;
  virtual absl::Status AddDiscrepancies(const std::vector<DiscrepancyRow>& rows) = 0;
  virtual absl::Status FinishImport(int64_t import_seq, const std::string& answer) = 0;
};

class PaymentReads {
 public:
  virtual ~PaymentReads() = default;
  virtual absl::StatusOr<std::vector<PaymentLineRow>> ListLines(const PaymentLineFilter& filter) = 0;
  // Batches dated within [from, to] (either open), newest first, after the batch id `after` ("" first page).
  virtual absl::StatusOr<std::vector<PaymentBatchRow>> ListBatches(std::optional<Date> from, std::optional<Date> to,
                                                                  const std::string& after, int limit) = 0;
  // One batch with its figures; none when unknown.
  virtual absl::StatusOr<std::optional<PaymentBatchRow>> GetBatch(const std::string& batch_id) = 0;
  // The discrepancies of a batch (or, with `date`, of the day's batches and the day's imports'
  // unmatched rows): the first `limit`, and how many in all.
  virtual absl::StatusOr<std::vector<DiscrepancyRow>> Discrepancies(const std::string& batch_id,
                                                                   std::optional<Date> date, int limit,
                                                                   int64_t* count) = 0;
  // Lines still open as of a day: SENT (by payment date) and FAILED (by failure date).
  virtual absl::StatusOr<std::vector<PaymentLineRow>> OpenLines() = 0;
  // Monitoring's reads: lines sent by as_of and not failed above `threshold` whose payee id has a
  // person's length (18); the days lines were dated on, up to as_of; the lines of one day.
  virtual absl::StatusOr<std::vector<PaymentLineRow>> LargeLinesAsOf(Money threshold, Date as_of) = 0;
  virtual absl::StatusOr<std::vector<Date>> PaymentDaysAsOf(Date as_of) = 0;
  virtual absl::StatusOr<std::vector<PaymentLineRow>> LinesOn(Date day) = 0;
  // The money sent but not confirmed, per fund (through the lines' entries), as of `as_of`.
  virtual absl::StatusOr<std::map<std::string, Money>> UnconfirmedByFund(Date as_of) = 0;
};

std::unique_ptr<PaymentTx> NewPaymentTx(TxContext& tx);
std::unique_ptr<PaymentReads> NewPaymentReads(Dialect& dialect);

}  // namespace subsidy::storage
