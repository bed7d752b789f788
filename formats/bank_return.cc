#include "bank_return.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cells.h"
#include "common/status_util.h"

namespace subsidy::formats {

namespace {

// A column: its English name, then the other headers it is written under; the first of those is
// how a message names the column.
struct ReturnColumn {
  std::string column;
  std::vector<std::string> headers;
};

const std::vector<ReturnColumn>& ReturnColumns() {
  static const auto* k = new std::vector<ReturnColumn>{
      // Banks' English exports write the names with spaces ("Voucher No"); HeaderKey drops the spaces.
      {"voucher_no", {"凭证号", "voucher no", "voucher"}},
      {"payee_account", {"收款人账号", "账号", "payee account", "account no"}},
      {"payee_name", {"收款人户名", "户名", "收款人", "payee name", "payee"}},
      {"amount", {"金额", "金额(元)", "amount_yuan"}},
      {"amount_fen", {"金额(分)"}},
      {"status", {"状态"}},
      {"failure_reason", {"失败原因", "原因", "failure reason", "reason"}},
      {"bank_serial", {"银行流水号", "流水号", "bank serial", "serial no"}},
      {"date", {"日期", "交易日期", "入账日期"}},
  };
  return *k;
}

// "amount" stands for "amount or amount_fen".
const std::vector<std::string>& RequiredColumns() {
  static const auto* k = new std::vector<std::string>{"voucher_no", "amount", "status"};
  return *k;
}

std::optional<std::string> ColumnForHeader(absl::string_view written) {
  static const auto* by_key = [] {
    auto* m = new std::map<std::string, std::string>;
    for (const auto& c : ReturnColumns()) {
      m->emplace(HeaderKey(c.column), c.column);
      for (const auto& h : c.headers) m->emplace(HeaderKey(h), c.column);
    }
    return m;
  }();
  auto it = by_key->find(HeaderKey(written));
  if (it == by_key->end()) return std::nullopt;
  return it->second;
}

// A column as a person reads it: its first Chinese header (voucher_no → 凭证号).
std::string ChineseHeader(absl::string_view column) {
  for (const auto& c : ReturnColumns()) {
    if (c.column == column) return c.headers.front();
  }
  return std::string(column);
}

std::string RequiredHeadersInChinese() {
  std::vector<std::string> out;
  for (const auto& c : RequiredColumns()) out.push_back(ChineseHeader(c));
  return absl::StrJoin(out, "、");
}

absl::Status NoHeader(absl::string_view why) {
  return FileError(kReturnFileNoHeader,
                   absl::StrCat(why, ": a bank return file starts with a row naming its columns (",
                                absl::StrJoin(RequiredColumns(), ","), ", …, or their Chinese names: 凭证号,金额,状态,…)"),
                   {{"columns", RequiredHeadersInChinese()}});
}

struct Column {
  size_t index = 0;
  std::string header;  // as written in the file
};

struct ReturnHeader {
  std::map<std::string, Column> columns;  // by column name
  std::vector<std::string> at;            // by cell: the column read there, "" for none
  std::vector<bool> headed;               // by cell: the header names something (read or not)
  size_t width = 0;                       // up to the header's last non-empty cell
  std::vector<std::string> ignored;
};

// Every required column the header lacks, or OK.
absl::Status CheckRequired(const ReturnHeader& h) {
  std::vector<std::string> missing, named;
  for (const auto& c : RequiredColumns()) {
    if (h.columns.count(c) || (c == "amount" && h.columns.count("amount_fen"))) continue;
    missing.push_back(ChineseHeader(c));
    named.push_back(absl::StrCat("\"", c, "\" (", ChineseHeader(c), ")"));
  }
  if (missing.empty()) return absl::OkStatus();
  std::string why = absl::StrCat(missing.size() == 1 ? "missing column " : "missing columns ", absl::StrJoin(named, ", "));
  StatusParams params = {{"missing", absl::StrJoin(missing, "、")}};
  if (!h.ignored.empty()) {
    absl::StrAppend(&why, "; the header's columns not read: ", absl::StrJoin(h.ignored, ", "));
    params.emplace("ignored", absl::StrJoin(h.ignored, "、"));
  }
  return FileError(kReturnFileMissingColumns, why, params);
}

absl::Status Twice(absl::string_view first, absl::string_view second, absl::string_view what) {
  return FileError(kReturnFileColumnTwice,
                   absl::StrCat(what, " twice (\"", first, "\" and \"", second, "\"): keep one of the two columns"),
                   {{"first", std::string(first)}, {"second", std::string(second)}});
}

absl::StatusOr<ReturnHeader> ReadHeader(const std::vector<std::string>& cells) {
  ReturnHeader h;
  h.at.resize(cells.size());
  h.headed.resize(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string written(TrimCell(cells[i]));
    if (written.empty()) continue;  // Excel pads the header, like every row, to the sheet's width
    h.headed[i] = true;
    h.width = i + 1;
    const std::optional<std::string> column = ColumnForHeader(written);
    if (!column) {
      if (std::find(h.ignored.begin(), h.ignored.end(), written) == h.ignored.end()) h.ignored.push_back(written);
      continue;
    }
    auto [it, fresh] = h.columns.emplace(*column, Column{i, written});
    if (!fresh) return Twice(it->second.header, written, absl::StrCat("column \"", *column, "\""));
    h.at[i] = *column;
  }
  if (h.columns.empty()) return NoHeader("the first row is not a header");
  if (h.columns.count("amount") && h.columns.count("amount_fen")) {
    // In 元 and in 分 the same payment could be read two ways: the file must say one.
    return Twice(h.columns["amount"].header, h.columns["amount_fen"].header, "the amount, in 元 and in 分,");
  }
  if (auto s = CheckRequired(h); !s.ok()) return s;
  return h;
}

// One row's cells by column name, and every bad cell of it, each named once.
class RowCells {
 public:
  RowCells(const ReturnHeader& header, const std::vector<std::string>& cells, const CellTexts& texts)
      : header_(header), cells_(cells), texts_(texts) {}

  // The cell, trimmed; nullopt when it is empty (a short row's missing cells too) — for a required
  // column, named bad.
  std::optional<std::string> Cell(const std::string& col, bool required) {
    auto it = header_.columns.find(col);
    const std::string text = it == header_.columns.end() || it->second.index >= cells_.size()
                                 ? std::string()
                                 : std::string(TrimCell(cells_[it->second.index]));
    if (!text.empty()) return text;
    if (required) {
      Bad(col, WithReason(absl::InvalidArgumentError("is empty (a required column)"), kCellEmpty));
    }
    return std::nullopt;
  }
  std::string Text(const std::string& col) { return Cell(col, false).value_or(""); }

  // `why` the cell of `col` (or, for "row", the row itself) does not read; each named once.
  void Bad(const std::string& col, const absl::Status& why) {
    for (const auto& b : bad_) {
      if (b.col == col) return;  // the first word on a cell is enough (a split amount, then its value)
    }
    auto it = header_.columns.find(col);
    const bool in_file = it != header_.columns.end();
    StatusParams params = ParamsOf(why);
    if (col != "row") params.emplace("column", in_file ? it->second.header : ChineseHeader(col));
    std::string text;
    if (texts_.messages != nullptr) {
      text = texts_.messages->Render(MessageKind::kReason, ReasonOf(why).value_or(""), texts_.language, params)
                 .value_or("");
    }
    if (text.empty()) {
      text = in_file && it->second.header != col ? absl::StrCat(col, " (", it->second.header, "): ", why.message())
                                                 : absl::StrCat(col, ": ", why.message());
    }
    // The row comes before its cells; the cells in the file's order.
    const size_t order = col == "row" ? 0 : (in_file ? it->second.index + 1 : cells_.size() + 1);
    bad_.push_back({col, order, ReasonOf(why).value_or(""), std::move(params), std::move(text)});
  }

  // A non-empty cell under no header: the row is shifted (an unquoted 1,200.50 read as two cells)
  // and none of its cells can be trusted.
  void CheckWidth() {
    size_t last = 0;
    for (size_t i = 0; i < cells_.size(); ++i) {
      if (!IsBlankCell(cells_[i])) last = i + 1;
    }
    for (size_t i = 0; i < cells_.size(); ++i) {
      if ((i < header_.headed.size() && header_.headed[i]) || IsBlankCell(cells_[i])) continue;
      Bad("row", WithParams(WithReason(absl::InvalidArgumentError(absl::StrCat(
                                           "a cell under no header (column ", i + 1, ": \"", TrimCell(cells_[i]),
                                           "\"): ", last, " cells for ", header_.width,
                                           " columns (a comma inside a cell that is not quoted?)")),
                                       kRowTooManyCells),
                            {{"cells", absl::StrCat(last)}, {"columns", absl::StrCat(header_.width)}}));
      return;
    }
  }

  // An unquoted 1,200.50 before a column not read, or one read as text whatever it holds, would
  // pass as 1 元 with "200.50" beside it: three digits (a thousands group) right after an amount
  // there are taken for what they are.
  void CheckSplitAmount() {
    for (const char* col : {"amount", "amount_fen"}) {
      auto it = header_.columns.find(col);
      if (it == header_.columns.end()) continue;
      const size_t next = it->second.index + 1;
      if (next >= cells_.size() || next >= header_.at.size() || !TakesAnyText(header_.at[next])) continue;
      const std::string after(TrimCell(cells_[next]));
      if (after.size() >= 3 && absl::ascii_isdigit(static_cast<unsigned char>(after[0])) &&
          ParseWholeNumber(after.substr(0, 3)) && (after.size() == 3 || after[3] == '.')) {
        Bad(col, WithParams(CellError(kCellSplitByComma, TrimCell(cells_[it->second.index]),
                                      absl::StrCat("followed by \"", after, "\": a number split at its thousands "
                                                   "comma? (quote it or drop the comma)")),
                            {{"next", after}}));
      }
    }
  }

  bool HasColumn(const std::string& col) const { return header_.columns.count(col) > 0; }

  // OK, or the first bad cell's reason and parameters with every bad cell's text.
  absl::Status status() {
    if (bad_.empty()) return absl::OkStatus();
    std::stable_sort(bad_.begin(), bad_.end(), [](const BadCell& a, const BadCell& b) { return a.order < b.order; });
    std::vector<std::string> texts;
    for (const auto& b : bad_) texts.push_back(b.text);
    const absl::Status out = absl::InvalidArgumentError(absl::StrJoin(texts, texts_.messages != nullptr ? " " : "; "));
    return WithParams(WithReason(out, bad_.front().reason), bad_.front().params);
  }

 private:
  struct BadCell {
    std::string col;
    size_t order = 0;
    std::string reason;
    StatusParams params;
    std::string text;
  };
  // A column whose cell any text passes: none (not read), or one kept as written.
  static bool TakesAnyText(const std::string& col) {
    return col.empty() || col == "voucher_no" || col == "payee_account" || col == "payee_name" ||
           col == "failure_reason" || col == "bank_serial";
  }

  const ReturnHeader& header_;
  const std::vector<std::string>& cells_;
  const CellTexts& texts_;
  std::vector<BadCell> bad_;
};

void ReadAmount(RowCells& cells, BankReturnRow& row) {
  if (cells.HasColumn("amount_fen")) {
    const std::optional<std::string> text = cells.Cell("amount_fen", true);
    if (!text) return;
    if (const std::optional<int64_t> fen = ParseWholeNumber(*text)) {
      row.amount = Money::Fen(*fen);
    } else {
      cells.Bad("amount_fen", CellError(kCellNotWhole, *text, absl::StrCat("not a whole number of 分: \"", *text, "\"")));
    }
    return;
  }
  const std::optional<std::string> text = cells.Cell("amount", true);
  if (!text) return;
  auto fen = YuanToFen(*text);
  if (fen.ok()) {
    row.amount = Money::Fen(*fen);
  } else {
    cells.Bad("amount", fen.status());
  }
}

std::optional<BankReturnStatus> StatusFromText(const std::string& text) {
  const std::string folded = FoldFullWidth(text);
  const std::string s = absl::AsciiStrToUpper(TrimCell(folded));  // Chinese bytes are not ASCII: kept
  for (const char* v : {"成功", "交易成功", "已入账", "SUCCESS", "OK", "S"}) {
    if (s == v) return BankReturnStatus::kSuccess;
  }
  for (const char* v : {"失败", "交易失败", "退票", "FAILED", "FAIL", "FAILURE", "F"}) {
    if (s == v) return BankReturnStatus::kFailed;
  }
  return std::nullopt;
}

void ReadStatus(RowCells& cells, BankReturnRow& row) {
  const std::optional<std::string> text = cells.Cell("status", true);
  if (!text) return;
  if (const std::optional<BankReturnStatus> status = StatusFromText(*text)) {
    row.status = *status;
    return;
  }
  cells.Bad("status", CellError(kReturnStatusUnknown, *text,
                                absl::StrCat("\"", *text, "\" is neither a success (成功, 交易成功, 已入账, SUCCESS, OK, "
                                                          "S) nor a failure (失败, 交易失败, 退票, FAILED, FAIL, F)")));
}

void ReadDate(RowCells& cells, BankReturnRow& row) {
  const std::optional<std::string> text = cells.Cell("date", false);
  if (!text) return;
  auto normalized = NormalizeDate(*text);  // YYYY-MM-DD of a date that exists, or why not
  if (!normalized.ok()) {
    cells.Bad("date", normalized.status());
    return;
  }
  auto parsed = Date::Parse(*normalized);
  if (!parsed.ok()) {
    cells.Bad("date", CellError(kCellNoSuchDate, *text, parsed.status().message()));
    return;
  }
  row.date = *parsed;
}

BankReturnRow ReadRow(const ReturnHeader& header, const CsvRecord& record, const CellTexts& texts) {
  BankReturnRow row;
  row.line = record.line;
  RowCells cells(header, record.cells, texts);
  cells.CheckWidth();
  cells.CheckSplitAmount();
  row.voucher_no = cells.Cell("voucher_no", true).value_or("");
  row.payee_account = cells.Text("payee_account");
  row.payee_name = cells.Text("payee_name");
  ReadAmount(cells, row);
  ReadStatus(cells, row);
  row.failure_reason = cells.Text("failure_reason");
  row.bank_serial = cells.Text("bank_serial");
  ReadDate(cells, row);
  row.error = cells.status();
  return row;
}

}  // namespace

absl::StatusOr<BankReturnFile> ReadBankReturnFile(std::string bytes, Encoding encoding, CellTexts texts) {
  auto text = DecodeText(std::move(bytes), encoding);
  if (!text.ok()) return text.status();
  auto records = ParseCsv(text->utf8);
  if (!records.ok()) return records.status();
  if (records->empty()) return NoHeader("the file is empty");
  auto header = ReadHeader(records->front().cells);
  // Said at the header's line (InFile's prefix), its reason and parameters kept.
  if (!header.ok()) return InFile(absl::StrCat("line ", records->front().line), header.status());
  BankReturnFile out{text->encoding, header->ignored, {}};
  out.rows.reserve(records->size() - 1);
  for (size_t i = 1; i < records->size(); ++i) out.rows.push_back(ReadRow(*header, (*records)[i], texts));
  return out;
}

}  // namespace subsidy::formats
