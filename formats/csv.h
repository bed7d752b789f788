// Text files as bank and office software writes them: UTF-8 with or without a byte-order mark, or
// GB18030/GBK; Excel's CSV (CRLF line ends, quoted fields, quoted line breaks). Below both the
// server and subsidyctl: the claim file, the payment file and the bank's files are read and
// written with these.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status_util.h"
#include "absl/strings/string_view.h"

namespace subsidy::formats {

enum class Encoding { kAuto, kUtf8, kGb18030 };
absl::StatusOr<Encoding> EncodingFromName(absl::string_view name);  // auto, utf-8, gb18030 (gbk)

struct DecodedText {
  std::string utf8;
  std::string encoding;  // what the file was read as: "UTF-8", "UTF-8 with BOM", "GB18030"
};
// The file's text as UTF-8. auto: a UTF-8 byte-order mark, else valid UTF-8, else GB18030 (a
// superset of GBK and GB2312). Converted by glibc's iconv; a byte sequence that is neither is an
// error naming its line.
absl::StatusOr<DecodedText> DecodeText(std::string bytes, Encoding encoding);

// The file's bytes for text in UTF-8: as is, or converted to GB18030 by iconv (for bank
// software that reads only GBK).
absl::StatusOr<std::string> EncodeText(const std::string& utf8, Encoding encoding);

// One CSV cell, quoted when it must be.
std::string CsvCell(const std::string& s);

// Why a file cannot be read as CSV: reasons of data/messages.textproto ({line}: the row as Excel
// numbers it; {encoding}; {column_number}).
inline constexpr char kFileBadBytes[] = "FILE_BAD_BYTES";            // {line, encoding}
inline constexpr char kFileNulByte[] = "FILE_NUL_BYTE";              // {line}
inline constexpr char kFileQuoteInCell[] = "FILE_QUOTE_IN_CELL";      // {line, column_number}
inline constexpr char kFileQuoteNotClosed[] = "FILE_QUOTE_NOT_CLOSED";  // {line}
inline constexpr char kFileEmpty[] = "FILE_EMPTY";
// INVALID_ARGUMENT with `reason` and `params`, the developer's `message`.
absl::Status FileError(absl::string_view reason, absl::string_view message, const StatusParams& params = {});
// `status` about the file at `path`: its message prefixed with the path, its reason and parameters kept.
absl::Status InFile(absl::string_view path, const absl::Status& status);

struct CsvRecord {
  // The record's row as Excel and WPS number it (1-based): blank rows count, a line break inside a
  // quoted cell does not (it is one cell of one row). The "line" every message and result file names.
  size_t line = 0;
  std::vector<std::string> cells;
};
// RFC 4180 records: "a,b" and "" inside quotes, line breaks inside quotes, CRLF or LF line ends.
// Blank rows — empty lines, and Excel's rows of only commas (",,,,") or of cells holding only
// white space — and lines starting with '#' are skipped; each record keeps its file line.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

// A CSV file read whole: decoded to UTF-8 and split into records (at least the header).
struct CsvFile {
  std::string encoding;
  std::vector<CsvRecord> records;
};
// Errors say the file and why: cannot read it (with the system's reason), not decodable (with
// the line), not CSV (with the line), empty.
absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path, Encoding encoding);

// Splits one CSV line (kept for callers with a single line).
absl::StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& line);

}  // namespace subsidy::formats
