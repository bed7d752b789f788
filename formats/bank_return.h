// The agent bank's payment return file (回单): CSV, a header row then one row per payment, saying
// which payments reached their payee and which came back. Read with formats/csv.h (UTF-8, UTF-8
// with a byte-order mark, GB18030) and formats/cells.h (amounts in 元 to the 分, Excel's dates,
// full-width digits).
//
// Columns, in any order, by English name or Chinese header (matched as the claim file's are:
// HeaderKey in cells.h):
//   voucher_no      凭证号                               required
//   payee_account   收款人账号, 账号
//   payee_name      收款人户名, 户名, 收款人
//   amount          金额, 金额(元), amount_yuan          required (元, at most two decimals) …
//   amount_fen      金额(分)                             … or this instead, never both
//   status          状态                                 required: 成功 交易成功 已入账 SUCCESS OK S,
//                                                        失败 交易失败 退票 FAILED FAIL FAILURE F
//   failure_reason  失败原因, 原因
//   bank_serial     银行流水号, 流水号
//   date            日期, 交易日期, 入账日期
// A column the reader does not know (备注 among them) is not read and is named in
// ignored_columns(); a header cell left empty (Excel's padding) is nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "claim_file.h"  // CellTexts
#include "csv.h"
#include "money/money.h"
#include "time/date.h"

namespace subsidy::formats {

// A header that cannot be read as a return file's: reasons of data/messages.textproto.
inline constexpr char kReturnFileNoHeader[] = "RETURN_FILE_NO_HEADER";            // {columns}: the required ones
inline constexpr char kReturnFileMissingColumns[] = "RETURN_FILE_MISSING_COLUMNS";  // {missing}, {ignored}
inline constexpr char kReturnFileColumnTwice[] = "RETURN_FILE_COLUMN_TWICE";      // {first}, {second}: as written
// A status cell that is neither a success nor a failure ({value}, {column}).
inline constexpr char kReturnStatusUnknown[] = "CELL_RETURN_STATUS";

enum class BankReturnStatus { kSuccess, kFailed };

struct BankReturnRow {
  size_t line = 0;  // the row as Excel numbers it (CsvRecord::line)
  std::string voucher_no, payee_account, payee_name, failure_reason, bank_serial;  // trimmed
  Money amount;  // exact
  BankReturnStatus status = BankReturnStatus::kSuccess;
  std::optional<Date> date;
  // Not OK when the row does not read: INVALID_ARGUMENT with the reason (CELL_*, ROW_TOO_MANY_CELLS)
  // and parameters ({value}, {column}: the header as written) of the row's first bad cell in the
  // file's column order; its message every bad cell of the row, each once, written through
  // CellTexts (for a person: "金额：“1.234”超过两位小数（金额精确到分）。 状态：…"; without a
  // catalogue the developer's "amount (金额): …; status (状态): …"). The other fields then hold
  // what did read, for naming the row (its voucher above all).
  absl::Status error;
};

struct BankReturnFile {
  std::string encoding;                      // as DecodeText says: "UTF-8", "UTF-8 with BOM", "GB18030"
  std::vector<std::string> ignored_columns;  // as written, each once, in the header's order
  std::vector<BankReturnRow> rows;           // data rows, in file order; blank rows and '#' lines skipped
};

// The file's bytes, read whole. Fails (INVALID_ARGUMENT with a FILE_* or RETURN_FILE_* reason and
// its parameters) only on the bytes (not the encoding, not CSV) or on the header (none — an empty
// file has none —, a required column missing, a column named twice, the amount in 元 and in 分);
// a row that does not read is that row's `error`, and the other rows still read.
absl::StatusOr<BankReturnFile> ReadBankReturnFile(std::string bytes, Encoding encoding, CellTexts texts = {});

}  // namespace subsidy::formats
