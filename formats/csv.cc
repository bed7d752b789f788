#include "csv.h"

#include "common/status_util.h"

#include <errno.h>
#include <iconv.h>

#include <cstring>
#include <fstream>

#include <google/protobuf/stubs/common.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cells.h"

namespace subsidy::formats {

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

absl::StatusOr<Encoding> EncodingFromName(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return Encoding::kGb18030;
  return absl::InvalidArgumentError("--encoding must be auto, utf-8 or gb18030");
}

namespace {

size_t LineAt(absl::string_view text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

// Converts `bytes` with glibc's iconv; on a sequence it cannot convert, the error says where.
absl::StatusOr<std::string> Iconv(const char* to, const char* from, const std::string& bytes) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::InternalError(absl::StrCat("iconv cannot convert from ", from, " to ", to, " here"));
  }
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  absl::Status status;
  while (in_left > 0) {
    if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) {
      const size_t used = out.size() - out_left;
      out.resize(out.size() * 2);
      out_ptr = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    const size_t at = bytes.size() - in_left;
    status = FileError(kFileBadBytes,
                       absl::StrCat("line ", LineAt(bytes, at), ": bytes that are not ", from, " (at byte ", at, ")"),
                       {{"line", absl::StrCat(LineAt(bytes, at))}, {"encoding", from}});
    break;
  }
  iconv_close(cd);
  if (!status.ok()) return status;
  out.resize(out.size() - out_left);
  return out;
}

bool ValidUtf8(absl::string_view s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

}  // namespace

absl::Status FileError(absl::string_view reason, absl::string_view message, const StatusParams& params) {
  return WithParams(WithReason(absl::InvalidArgumentError(message), reason), params);
}

absl::Status InFile(absl::string_view path, const absl::Status& status) {
  absl::Status out(status.code(), absl::StrCat(path, ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& c) { out.SetPayload(url, c); });
  return out;
}

absl::StatusOr<std::string> EncodeText(const std::string& utf8, Encoding encoding) {
  if (encoding != Encoding::kGb18030) return utf8;
  return Iconv("GB18030", "UTF-8", utf8);
}

absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path, Encoding encoding) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  auto text = DecodeText(std::move(bytes), encoding);
  if (!text.ok()) return InFile(path, text.status());
  auto records = ParseCsv(text->utf8);
  if (!records.ok()) return InFile(path, records.status());
  if (records->empty()) return FileError(kFileEmpty, absl::StrCat(path, ": the file is empty (no header row)"));
  return CsvFile{text->encoding, std::move(*records)};
}

absl::StatusOr<DecodedText> DecodeText(std::string bytes, Encoding encoding) {
  static constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  // A NUL byte is no text in UTF-8 or GB18030 (a UTF-16 file, or not a text file): refused here,
  // before any database sees it (PostgreSQL's text cannot hold one).
  if (const size_t nul = bytes.find('\0'); nul != std::string::npos) {
    const std::string line = absl::StrCat(LineAt(bytes, nul));
    return FileError(kFileNulByte, absl::StrCat("line ", line, ": holds a NUL byte (a UTF-16 file?)"), {{"line", line}});
  }
  if (encoding != Encoding::kGb18030 && absl::StartsWith(bytes, kBom)) {
    bytes.erase(0, kBom.size());
    if (!ValidUtf8(bytes)) {
      return FileError(kFileBadBytes, "the file starts with a UTF-8 mark but is not UTF-8",
                       {{"line", "1"}, {"encoding", "UTF-8"}});
    }
    return DecodedText{std::move(bytes), "UTF-8 with BOM"};
  }
  if (encoding == Encoding::kUtf8 || (encoding == Encoding::kAuto && ValidUtf8(bytes))) {
    if (!ValidUtf8(bytes)) {
      // Name the first line that is not UTF-8.
      size_t line_start = 0;
      for (size_t line = 1;; ++line) {
        const size_t end = bytes.find('\n', line_start);
        const absl::string_view l(bytes.data() + line_start, (end == std::string::npos ? bytes.size() : end) - line_start);
        if (!ValidUtf8(l)) {
          return FileError(kFileBadBytes,
                           absl::StrCat("line ", line,
                                        ": not UTF-8 (a GBK/GB18030 file? try --encoding=gb18030 or --encoding=auto)"),
                           {{"line", absl::StrCat(line)}, {"encoding", "UTF-8"}});
        }
        if (end == std::string::npos) break;
        line_start = end + 1;
      }
    }
    return DecodedText{std::move(bytes), "UTF-8"};
  }
  auto text = Iconv("UTF-8", "GB18030", bytes);
  if (!text.ok()) return text.status();
  return DecodedText{std::move(*text), "GB18030"};
}

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  std::vector<CsvRecord> out;
  CsvRecord record;
  std::string cell;
  bool quoted = false, cell_was_quoted = false, at_record_start = true;
  size_t line = 1;  // the row as a spreadsheet numbers it
  auto end_cell = [&] {
    record.cells.push_back(std::move(cell));
    cell.clear();
    cell_was_quoted = false;
  };
  auto end_record = [&] {
    end_cell();
    // Blank: a blank line, and Excel's rows of only commas or of only white space.
    const bool blank = std::all_of(record.cells.begin(), record.cells.end(), IsBlankCell);
    const bool comment = !record.cells.empty() && absl::StartsWith(record.cells[0], "#");
    if (!blank && !comment) out.push_back(std::move(record));
    record = CsvRecord();
    at_record_start = true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (at_record_start) {
      record.line = line;
      at_record_start = false;
    }
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell += c;  // a line break inside a cell: still the same row
      }
      continue;
    }
    if (c == '"') {
      if (!cell.empty() || cell_was_quoted) {
        return FileError(kFileQuoteInCell,
                         absl::StrCat("line ", line, ": a quote inside an unquoted cell (column ", record.cells.size() + 1, ")"),
                         {{"line", absl::StrCat(line)}, {"column_number", absl::StrCat(record.cells.size() + 1)}});
      }
      quoted = cell_was_quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\r' && (i + 1 == text.size() || text[i + 1] == '\n')) {
      continue;  // CRLF: the LF (or the end of the text) ends the record
    } else if (c == '\n') {
      end_record();
      ++line;
    } else {
      cell += c;
    }
  }
  if (quoted) {
    return FileError(kFileQuoteNotClosed, absl::StrCat("line ", record.line, ": a quote is never closed"),
                     {{"line", absl::StrCat(record.line)}});
  }
  if (!at_record_start) end_record();
  return out;
}

absl::StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& line) {
  auto records = ParseCsv(line);
  if (!records.ok()) return records.status();
  if (records->empty()) return std::vector<std::string>{""};
  if (records->size() != 1) return absl::InvalidArgumentError("more than one line");
  return std::move(records->front().cells);
}

}  // namespace subsidy::formats
