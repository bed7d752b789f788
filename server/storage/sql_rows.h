// Small readers and checks every ledger file shares: typed columns, INSERT … RETURNING, one-row
// updates. Internal to storage.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "storage/sql_session.h"
#include "time/date.h"

namespace subsidy::storage {

// A stored value that does not parse: the database holds something this binary never wrote.
absl::Status Corrupt(absl::string_view what, absl::string_view value);
absl::StatusOr<Date> DateColumn(const SqlRow& row, int col);
absl::StatusOr<std::optional<Date>> OptionalDateColumn(const SqlRow& row, int col);
absl::StatusOr<int64_t> InsertReturningId(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params);
// One row changed, or the ledger's own bookkeeping is broken.
absl::Status ExpectOneRow(const absl::StatusOr<int64_t>& changed, absl::string_view what);

}  // namespace subsidy::storage
