// The fund ledger's entries and the instructions of dual control, as SQL over one SqlSession:
// written once for both dialects, used by the ledger's transactions and reads. Internal to storage.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/sql_session.h"
#include "storage/storage.h"
#include "time/clock.h"

namespace subsidy::storage::fundsql {

absl::StatusOr<std::optional<FundEntryRow>> EntryById(SqlSession& s, int64_t id);
absl::StatusOr<std::vector<FundEntryRow>> ListEntries(SqlSession& s, const FundEntryFilter& f);
absl::StatusOr<std::string> FirstTrackingId(SqlSession& s, const std::string& fund_id, const std::string& recipient_id);
absl::StatusOr<bool> HasTrackingId(SqlSession& s, const std::string& fund_id, const std::string& recipient_id,
                                   const std::string& tracking_id);

absl::Status Reserve(SqlSession& s, const Reservation& r, int sign);
absl::StatusOr<int64_t> InsertInstruction(SqlSession& s, const Clock& clock, const InstructionRow& row);
absl::StatusOr<std::optional<InstructionRow>> ReadInstruction(SqlSession& s, int64_t seq, absl::string_view lock_clause);
absl::Status DecideInstruction(SqlSession& s, const Clock& clock, int64_t seq, InstructionState state,
                               const std::string& checker, const std::string& reason, const std::string& result_id);
absl::StatusOr<std::vector<InstructionRow>> ListInstructions(SqlSession& s, const InstructionFilter& f);
absl::StatusOr<Storage::PendingTotals> PendingInstructions(SqlSession& s, const std::string& fund_id,
                                                           const std::string& maker);
absl::StatusOr<std::map<std::string, Storage::FundPending>> PendingByFund(SqlSession& s);
absl::StatusOr<std::map<std::string, int64_t>> PendingOnSubjects(SqlSession& s, const std::vector<std::string>& subjects);

}  // namespace subsidy::storage::fundsql
