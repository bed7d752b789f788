// One cell's text as spreadsheet software writes it — Excel on Chinese Windows above all: the
// forms of a date, a rate, a whole number and an amount in 元 that a claim file may hold, each
// read here once and turned into the one form the API takes. Pure: no I/O, no policy data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace subsidy::formats {

// Why a cell is refused: reasons of data/messages.textproto, each with the cell as written in
// {value} (and, where a reader adds it, {column}: the header as the file writes it).
inline constexpr char kCellEmpty[] = "CELL_EMPTY";
inline constexpr char kCellNotDate[] = "CELL_NOT_DATE";
inline constexpr char kCellExcelDayNumber[] = "CELL_EXCEL_DAY_NUMBER";
inline constexpr char kCellNoSuchDate[] = "CELL_NO_SUCH_DATE";
inline constexpr char kCellNotRate[] = "CELL_NOT_RATE";
inline constexpr char kCellRateAsFraction[] = "CELL_RATE_AS_FRACTION";  // 0.0395 for 3.95 %
inline constexpr char kCellNotAmount[] = "CELL_NOT_AMOUNT";
inline constexpr char kCellTooManyDecimals[] = "CELL_TOO_MANY_DECIMALS";
inline constexpr char kCellAmountTooLarge[] = "CELL_AMOUNT_TOO_LARGE";
inline constexpr char kCellNotWhole[] = "CELL_NOT_WHOLE";
inline constexpr char kCellNotChoice[] = "CELL_NOT_CHOICE";
inline constexpr char kCellBadList[] = "CELL_BAD_LIST";
inline constexpr char kCellHalfPeriod[] = "CELL_HALF_PERIOD";
inline constexpr char kCellSplitByComma[] = "CELL_SPLIT_BY_COMMA";  // {value} then {next}: 200 then 000
inline constexpr char kRowTooManyCells[] = "ROW_TOO_MANY_CELLS";

// INVALID_ARGUMENT with `reason`, {value} and the developer's `message`.
absl::Status CellError(absl::string_view reason, absl::string_view value, absl::string_view message);

// The text without what surrounds it unseen: ASCII white space, the no-break space (U+00A0),
// the ideographic space (U+3000) and a byte-order mark (U+FEFF).
absl::string_view TrimCell(absl::string_view text);

// Nothing but what TrimCell removes (Excel's empty cells, a clerk's stray spaces).
bool IsBlankCell(absl::string_view text);

// Full-width ASCII (U+FF01..U+FF5E: ０-９ ． ％ － ／ ： ； （ ） Ａ-Ｚ …) as ASCII, and the
// ideographic space as a space; everything else as it is.
std::string FoldFullWidth(absl::string_view text);

// A header cell as the file readers compare headers: full-width as ASCII, without white space,
// a no-break space or a byte-order mark anywhere, ASCII letters in lower case ("贷款金额 （分）"
// and "贷款金额(分)" are one key; so are "Loan_ID" and "loan_id").
std::string HeaderKey(absl::string_view written);

// A date cell as "YYYY-MM-DD". Accepts, after trimming and folding full-width digits:
//   YYYY-MM-DD, YYYY-M-D, YYYY/M/D, YYYY.M.D, YYYYMMDD, YYYY年M月D日
// (a month or day of one or two digits; one separator throughout). Refuses anything else — a
// two-digit year, a time of day, Excel's day number (45356) — and a date that does not exist
// (2024/2/30), saying why and quoting the cell.
absl::StatusOr<std::string> NormalizeDate(absl::string_view text);

// A rate cell as the API's annual percentage, in one form (Rate::ToString): "4.35", "4.350",
// "4.35%", "4.35 %" and "４．３５％" are all "4.35", "4" is "4.00"; checked by Rate::Parse (at most
// 6 fraction digits, at most 1000). A rate above 0 and under 1 without its % sign ("0.0395") is
// refused as a fraction written for a percentage.
absl::StatusOr<std::string> NormalizeRatePercent(absl::string_view text);

// A whole number ≥ 0 in digits (full-width too), with or without commas grouping thousands
// ("24,000,000"; a comma elsewhere is refused); nullopt when it is not one or exceeds int64.
std::optional<int64_t> ParseWholeNumber(absl::string_view text);

// An amount in 元 with at most two decimals ("240000", "240,000.50", "¥240000.5", "240000元") as
// 分, exactly, by integer arithmetic. Refuses a sign, a third decimal, anything else.
absl::StatusOr<int64_t> YuanToFen(absl::string_view text);

}  // namespace subsidy::formats
