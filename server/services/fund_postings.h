// Posting to FundService funds, for every service that moves a fund's money (FundService itself,
// school allocations and expenditures, reward disbursements, paid loan claims): the checks are
// made here once, inside the caller's transaction, and the database holds the limits again. They
// see the fund ledger only (storage::FundTx), but AllocateToSchool, which writes the school's too.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "funds/limits.h"
#include "policy/policy_data.h"
#include "storage/storage.h"

namespace subsidy::service {

using funds::kAllocationExceeded;
using funds::kFundBudgetExceeded;
inline constexpr char kFundSourceMismatch[] = "FUND_SOURCE_MISMATCH";
// A school's money leaves only by its own expenditures (RecordExpenditure), never by a direct payment.
inline constexpr char kPaidByExpenditure[] = "PAID_BY_EXPENDITURE";
// A reward policy's money leaves only by disbursement runs, which pay its scheduled payouts.
inline constexpr char kPaidByDisbursement[] = "PAID_BY_DISBURSEMENT";
// A payout a run holds back: its policy has funds for the year, none allocated by the day; or too little.
inline constexpr char kFundNotYetAllocated[] = "FUND_NOT_YET_ALLOCATED";

// The fund, locked for the transaction, or NOT_FOUND naming it.
absl::StatusOr<storage::FundRow> LockedFund(storage::FundTx& tx, const std::string& fund_id);

struct AllocationSpec {
  std::string recipient_id;
  std::string recipient_kind;  // SCHOOL, BANK, REWARD_POLICY, UNIT
  std::string region_code;
  Money amount;
  Date date;
  std::string document_no;
  std::string request_id;
  std::string caller;
  std::string tracking_id = {};  // "" : the allocation's own id
};
// Within the budget as of the date and in all (FUND_BUDGET_EXCEEDED), never before the fund's own
// date, one kind and region per recipient. Returns the allocation id (FA-…).
absl::StatusOr<std::string> AllocateFromFund(storage::FundTx& tx, const storage::FundRow& fund,
                                             const AllocationSpec& a);

// One road for a school's money: the fund's allocation to the school and the school ledger's
// allocation of the fund's level, in one transaction (FundService.AllocateFund to a SCHOOL and
// EducationFundService.AllocateFunds with a fund both come here). FUND_SOURCE_MISMATCH when the
// fund's level is no school source. Returns the fund's allocation id and the ledger's.
struct SchoolAllocation {
  std::string fund_allocation_id;
  std::string allocation_id;
};
absl::StatusOr<SchoolAllocation> AllocateToSchool(storage::LedgerTx& tx, const storage::FundRow& fund,
                                                  const AllocationSpec& a);

struct PaymentSpec {
  std::string recipient_id;
  Money amount;
  Date date;
  std::string category;
  std::string payee;
  std::string reference;
  std::string request_id;
  std::string caller;
  std::string tracking_id = {};  // "" : the recipient's first allocation's
};
// What of the recipient's allocation may be paid on `date`: allocated as of it, less paid in all.
absl::StatusOr<Money> Payable(storage::FundTx& tx, const std::string& fund_id, const std::string& recipient_id,
                              Date date);
// Never beyond Payable (ALLOCATION_EXCEEDED), never for a category the fund's negative list or the
// data's list for its purpose holds (EXPENDITURE_CATEGORY_FORBIDDEN). Returns the payment id (FP-…).
absl::StatusOr<std::string> PayFromFund(storage::FundTx& tx, const PolicyData& data, const storage::FundRow& fund,
                                        const PaymentSpec& p);
// The payment when the caller has checked `p.amount` against Payable itself (the category is
// still checked). Returns the payment id.
absl::StatusOr<std::string> PostPayment(storage::FundTx& tx, const PolicyData& data, const storage::FundRow& fund,
                                        const PaymentSpec& p);

// A payment reversed whole on `date`: its money back in the recipient's allocation, the money's
// tracking id kept; the fund is locked first. Returns the reversal's id. (A payment is reversed
// once: the database holds it.)
struct PaymentReversal {
  int64_t entry_id = 0;  // the payment
  std::string fund_id, recipient_id, tracking_id;
  Money amount;
  Date date;
  std::string reference, request_id, caller;
};
absl::StatusOr<std::string> ReversePayment(storage::FundTx& tx, const PaymentReversal& r);

// Pays up to `p.amount` to a recipient from its funds (of `level` when not empty, of `budget_year`
// when not 0), oldest allocation first, as far as they hold money payable on `p.date`. Returns
// each fund's payment; together they may be less than asked (the rest was never fund money).
// What a recipient's funds (of `level` when not empty, of `budget_year` when not 0) hold payable
// on `date` in all, and what they allocated to it by then.
struct PayableAcross {
  Money payable;
  Money allocated_as_of;
};
absl::StatusOr<PayableAcross> PayableAcrossFunds(storage::FundTx& tx, const std::string& recipient_kind,
                                                 const std::string& recipient_id, const std::string& level,
                                                 int budget_year, Date date);

struct FundPaid {
  std::string fund_id;
  std::string payment_id;
  Money amount;
};
absl::StatusOr<std::vector<FundPaid>> PayAcrossFunds(storage::FundTx& tx, const PolicyData& data,
                                                     const std::string& recipient_kind, const std::string& level,
                                                     int budget_year, const PaymentSpec& p);

}  // namespace subsidy::service
