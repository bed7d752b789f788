#include "storage/sql_rows.h"

#include "absl/strings/str_cat.h"
#include "storage/storage.h"

namespace subsidy::storage {

// A stored value that does not parse means the database holds something this binary never wrote.
absl::Status Corrupt(absl::string_view what, absl::string_view value) {
  return absl::DataLossError(absl::StrCat("the database holds ", what, " \"", value, "\" that this binary cannot read"));
}

absl::StatusOr<Date> DateColumn(const SqlRow& row, int col) {
  const std::string text = row.Text(col);
  auto d = Date::Parse(text);
  if (!d.ok()) return Corrupt("a date", text);
  return *d;
}

absl::StatusOr<std::optional<Date>> OptionalDateColumn(const SqlRow& row, int col) {
  if (row.IsNull(col) || row.Text(col).empty()) return std::optional<Date>();
  auto d = DateColumn(row, col);
  if (!d.ok()) return d.status();
  return std::optional<Date>(*d);
}

absl::StatusOr<int64_t> InsertReturningId(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params) {
  int64_t id = 0;
  auto found = s.QueryOne(sql, params, [&](const SqlRow& row) { id = row.Int(0); });
  if (!found.ok()) return found.status();
  if (!*found) return absl::InternalError("an INSERT … RETURNING returned no row");
  return id;
}

// One row changed, or the ledger's own bookkeeping is broken.
absl::Status ExpectOneRow(const absl::StatusOr<int64_t>& changed, absl::string_view what) {
  if (!changed.ok()) return changed.status();
  if (*changed != 1) return absl::InternalError(absl::StrCat(what, ": ", *changed, " rows changed, expected 1"));
  return absl::OkStatus();
}

const char* FundEntryKindName(FundEntryKind k) {
  switch (k) {
    case FundEntryKind::kBudget: return "BUDGET";
    case FundEntryKind::kAdjustment: return "ADJUSTMENT";
    case FundEntryKind::kAllocation: return "ALLOCATION";
    case FundEntryKind::kPayment: return "PAYMENT";
    case FundEntryKind::kReversal: return "REVERSAL";
  }
  return "BUDGET";
}

}  // namespace subsidy::storage
