// A fund's entries as the API shows them, and their corrections: which entry may be reversed here
// and by how much (FundService.ReverseFundEntry).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "storage/storage.h"
#include "subsidy/v1/fund.pb.h"
#include "time/date.h"

namespace subsidy::service {

// A payment made for an expenditure, a payout or a claim is corrected where it was made
// (ReverseExpenditure, …), so that the school's, the policy's or the claim's own record follows.
bool MadeElsewhere(const storage::FundEntry& e);

void EntryToProto(const storage::FundEntryRow& r, v1::FundEntry* out);

// The entry `entry_id` names, when it may be reversed here: not already reversed
// (ALREADY_REVERSED), not a budget or a reversal (ENTRY_NOT_REVERSIBLE), not paid by another
// business that reverses it (REVERSE_AT_SOURCE).
absl::StatusOr<storage::FundEntryRow> ReversibleEntry(storage::FundTx& tx, int64_t seq, const std::string& entry_id);

// The reversal's amount (and for an adjustment its sign): a payment whole, an allocation what it
// gives back, an adjustment undone — a rise taken back is a cut, which the budget must allow.
absl::Status SizeReversal(storage::LedgerTx& tx, const storage::FundEntry& e, const storage::FundRow& fund, Date date,
                          const std::string& entry_id, storage::FundEntry* r);

// The posted entry as the API shows it, with the fund's figures after it.
absl::StatusOr<v1::FundEntry> PostedEntry(storage::FundTx& tx, const std::string& id, const std::string& fund_id);

}  // namespace subsidy::service
