#include "claim_file.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cells.h"
#include "claim_values.h"
#include "common/status_util.h"
#include "csv.h"

namespace subsidy::formats {

const std::vector<std::string>& ClaimFileColumns() {
  static const auto* k = new std::vector<std::string>{
      "loan_id", "province", "region_tier", "program", "partner_count", "prior_subsidized_loans", "principal_fen",
      "contract_date", "disbursement_date", "maturity_date", "annual_rate_percent", "lpr_tenor", "repayments",
      "overdue_periods", "claim_start", "claim_end", "day_count", "principal_yuan"};
  return *k;
}

const std::vector<ClaimColumnAlias>& ClaimColumnAliases() {
  static const auto* k = new std::vector<ClaimColumnAlias>{
      {"贷款编号", "loan_id"},
      {"借据号", "loan_id"},
      {"省份", "province"},
      {"省", "province"},
      {"地区类别", "region_tier"},
      {"贷款类别", "program"},
      {"贷款项目", "program"},
      {"合伙人数", "partner_count"},
      {"已享贴息贷款笔数", "prior_subsidized_loans"},
      {"贷款金额(分)", "principal_fen"},
      {"贷款本金(分)", "principal_fen"},
      {"贷款金额(元)", "principal_yuan"},
      {"贷款本金(元)", "principal_yuan"},
      {"合同签订日期", "contract_date"},
      {"合同日期", "contract_date"},
      {"发放日期", "disbursement_date"},
      {"放款日期", "disbursement_date"},
      {"到期日期", "maturity_date"},
      {"利率", "annual_rate_percent"},
      {"年利率(%)", "annual_rate_percent"},
      {"LPR期限", "lpr_tenor"},
      {"还款计划", "repayments"},
      {"逾期期间", "overdue_periods"},
      {"申报起始日", "claim_start"},
      {"申报起日", "claim_start"},
      {"申报截止日", "claim_end"},
      {"申报止日", "claim_end"},
      {"计息基准", "day_count"},
  };
  return *k;
}

namespace {

// principal_fen stands for "principal_fen or principal_yuan".
const std::vector<std::string>& RequiredColumns() {
  static const auto* k = new std::vector<std::string>{"loan_id", "province", "region_tier", "program",
                                                      "principal_fen", "contract_date", "disbursement_date",
                                                      "maturity_date", "annual_rate_percent"};
  return *k;
}

// The column a header cell names, by its English name or a Chinese header of the table.
std::optional<std::string> ColumnForHeader(absl::string_view written) {
  static const auto* by_key = [] {
    auto* m = new std::map<std::string, std::string>;
    for (const auto& c : ClaimFileColumns()) m->emplace(HeaderKey(c), c);
    for (const auto& a : ClaimColumnAliases()) m->emplace(HeaderKey(a.header), a.column);
    return m;
  }();
  auto it = by_key->find(HeaderKey(written));
  if (it == by_key->end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string ColumnHeader(absl::string_view column) {
  for (const auto& a : ClaimColumnAliases()) {
    if (a.column == column) return a.header;
  }
  return std::string(column);
}

namespace {

// The required columns by their first Chinese headers: 贷款编号、省份、….
std::string RequiredHeadersInChinese() {
  std::vector<std::string> out;
  for (const auto& c : RequiredColumns()) out.push_back(ColumnHeader(c));
  return absl::StrJoin(out, "、");
}

// A column as a header error names it: "contract_date" (合同签订日期), with its first Chinese header.
std::string NamedWithAlias(const std::string& column) {
  for (const auto& a : ClaimColumnAliases()) {
    if (a.column == column) return absl::StrCat("\"", column, "\" (", a.header, ")");
  }
  return absl::StrCat("\"", column, "\"");
}

}  // namespace

absl::StatusOr<ClaimFileReader> ClaimFileReader::FromHeader(const std::string& header_line) {
  auto cells = SplitCsvLine(header_line);
  if (!cells.ok()) return cells.status();
  return FromHeader(*cells);
}

absl::StatusOr<ClaimFileReader> ClaimFileReader::FromHeader(const std::vector<std::string>& cells) {
  ClaimFileReader r;
  r.headed_.resize(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string written(TrimCell(cells[i]));
    if (written.empty()) continue;  // Excel pads the header, like every row, to the sheet's width
    r.headed_[i] = true;
    r.width_ = i + 1;
    const std::optional<std::string> column = ColumnForHeader(written);
    if (!column) {
      if (std::find(r.ignored_.begin(), r.ignored_.end(), written) == r.ignored_.end()) r.ignored_.push_back(written);
      r.unread_.resize(cells.size());
      r.unread_[i] = true;
      continue;
    }
    auto [it, fresh] = r.columns_.emplace(*column, Column{i, written});
    if (!fresh) {
      return FileError(kFileColumnTwice,
                       absl::StrCat("column \"", *column, "\" twice (\"", it->second.header, "\" and \"", written,
                                    "\"): which one is meant?"),
                       {{"first", it->second.header}, {"second", written}});
    }
  }
  if (r.columns_.empty()) {
    return FileError(kFileNoHeader,
                     absl::StrCat("the first row is not a header: a claim file starts with a row naming its columns (",
                                  absl::StrJoin(RequiredColumns(), ","), ", …, or their Chinese names: 贷款编号,省份,…)"),
                     {{"columns", RequiredHeadersInChinese()}});
  }
  const bool in_yuan = r.columns_.count("principal_yuan") > 0;
  if (in_yuan && r.columns_.count("principal_fen")) {
    return FileError(kFilePrincipalTwice,
                     absl::StrCat("the principal twice, in 分 (\"", r.columns_["principal_fen"].header,
                                  "\") and in 元 (\"", r.columns_["principal_yuan"].header,
                                  "\"): keep one of the two columns"),
                     {{"first", r.columns_["principal_fen"].header}, {"second", r.columns_["principal_yuan"].header}});
  }
  std::vector<std::string> missing, missing_headers;
  for (const auto& c : RequiredColumns()) {
    if (r.columns_.count(c) || (c == "principal_fen" && in_yuan)) continue;
    missing.push_back(NamedWithAlias(c));
    missing_headers.push_back(ColumnHeader(c));
  }
  if (!missing.empty()) {
    std::string why = absl::StrCat(missing.size() == 1 ? "missing column " : "missing columns ",
                                   absl::StrJoin(missing, ", "));
    StatusParams params = {{"missing", absl::StrJoin(missing_headers, "、")}};
    if (!r.ignored_.empty()) {
      absl::StrAppend(&why, "; the header's columns not read: ", absl::StrJoin(r.ignored_, ", "));
      params.emplace("ignored", absl::StrJoin(r.ignored_, "、"));
    }
    return FileError(kFileMissingColumns, why, params);
  }
  return r;
}

std::string ClaimFileReader::IgnoredColumnsWarning() const {
  if (ignored_.empty()) return "";
  return absl::StrCat("columns not read (not claim file columns): ", absl::StrJoin(ignored_, ", "));
}

std::string ClaimFileReader::LoanId(const std::vector<std::string>& cells) const {
  auto it = columns_.find("loan_id");
  if (it == columns_.end() || it->second.index >= cells.size()) return "";
  return std::string(TrimCell(cells[it->second.index]));
}

absl::StatusOr<v1::LoanSubsidyRequest> ClaimFileReader::ParseRow(const std::string& line) const {
  auto cells = SplitCsvLine(line);
  if (!cells.ok()) return cells.status();
  return ParseRow(*cells);
}

namespace {

// One row's cells by column name, and every bad cell of it, each named once (so that none
// hides another).
class RowCells {
 public:
  using Columns = std::map<std::string, ClaimFileReader::Column>;
  RowCells(const Columns& columns, const std::vector<std::string>& cells, const CellTexts& texts)
      : columns_(columns), cells_(cells), texts_(texts) {}

  bool Has(const std::string& col) const { return columns_.count(col) > 0; }
  // The cell, trimmed; nullopt when it is empty — for a required column, named bad.
  std::optional<std::string> Cell(const std::string& col, bool required) {
    auto it = columns_.find(col);
    const std::string text = it == columns_.end() || it->second.index >= cells_.size()
                                 ? std::string()
                                 : std::string(TrimCell(cells_[it->second.index]));
    if (!text.empty()) return text;
    if (required) {
      Bad(col, WithReason(absl::InvalidArgumentError("is empty (a required column has no default)"), kCellEmpty));
    }
    return std::nullopt;
  }
  // The column as the file writes it (its own name when the file lacks it).
  std::string Header(const std::string& col) const {
    auto it = columns_.find(col);
    return it == columns_.end() ? ColumnHeader(col) : it->second.header;
  }
  // For a person: the reason's text from the catalogue with {column} (the header as written);
  // for a developer (no catalogue): "column (header as written): why".
  void Bad(const std::string& col, const absl::Status& why) {
    if (texts_.messages != nullptr) {
      StatusParams params = ParamsOf(why);
      params.emplace("column", Header(col));
      if (auto text = texts_.messages->Render(MessageKind::kReason, ReasonOf(why).value_or(""), texts_.language,
                                              params)) {
        errors_.push_back(*std::move(text));
        return;
      }
    }
    auto it = columns_.find(col);
    if (it != columns_.end() && it->second.header != col) {
      errors_.push_back(absl::StrCat(col, " (", it->second.header, "): ", why.message()));
    } else {
      errors_.push_back(absl::StrCat(col, ": ", why.message()));
    }
  }
  // An enum cell by its API name in any case (full-width letters too), or by its Chinese name.
  template <class T, class Parse, class Set>
  void Enum(const std::string& col, bool required, Parse parse, Set set, absl::string_view why) {
    const std::optional<std::string> text = Cell(col, required);
    if (!text) return;
    T value;
    const std::string folded = FoldFullWidth(*text);
    const std::optional<std::string> named = ValueForChineseName(col, folded);
    if (parse(named ? *named : absl::AsciiStrToUpper(folded), &value)) {
      set(value);
    } else {
      Bad(col, WithParams(CellError(kCellNotChoice, *text, absl::StrCat(why, ": \"", *text, "\"")),
                          {{"choices", ChoicesOf(col)}}));
    }
  }
  // A whole-number cell, at most `max`.
  template <class Set>
  void Whole(const std::string& col, bool required, int64_t max, Set set, absl::string_view why) {
    const std::optional<std::string> text = Cell(col, required);
    if (!text) return;
    const std::optional<int64_t> value = ParseWholeNumber(*text);
    if (value && *value <= max) {
      set(*value);
    } else {
      Bad(col, CellError(kCellNotWhole, *text, absl::StrCat(why, ": \"", *text, "\"")));
    }
  }
  // A date cell, as YYYY-MM-DD into `out`.
  void DateInto(const std::string& col, bool required, std::string* out) {
    if (const std::optional<std::string> text = Cell(col, required)) DateTextInto(col, *text, out);
  }
  void DateTextInto(const std::string& col, const std::string& text, std::string* out) {
    auto date = NormalizeDate(text);
    if (date.ok()) {
      *out = *std::move(date);
    } else {
      Bad(col, date.status());
    }
  }
  absl::Status status() const {
    if (errors_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrJoin(errors_, texts_.messages != nullptr ? " " : "; "));
  }

 private:
  const Columns& columns_;
  const std::vector<std::string>& cells_;
  const CellTexts& texts_;
  std::vector<std::string> errors_;
};

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

// loan_id, province, region_tier, program, partner_count, prior_subsidized_loans.
void ReadBorrower(RowCells& row, v1::LoanSubsidyRequest& req) {
  if (auto id = row.Cell("loan_id", true)) req.set_loan_id(*id);
  if (auto province = row.Cell("province", true)) req.set_province(FoldFullWidth(*province));
  row.Enum<v1::RegionTier>("region_tier", true, &v1::RegionTier_Parse, [&](auto v) { req.set_region_tier(v); },
                           "not EAST, CENTRAL_WEST or POVERTY_AREA");
  row.Enum<v1::LoanProgram>("program", true, &v1::LoanProgram_Parse, [&](auto v) { req.set_program(v); },
                            "not a LoanProgram name (ENTREPRENEUR_INDIVIDUAL, …)");
  row.Whole("partner_count", false, kMaxInt32, [&](int64_t v) { req.set_partner_count(static_cast<int32_t>(v)); },
            "not an integer ≥ 0");
  row.Whole("prior_subsidized_loans", false, kMaxInt32,
            [&](int64_t v) { req.set_prior_subsidized_loans(static_cast<int32_t>(v)); }, "not an integer ≥ 0");
}

// The principal, in 分 (principal_fen) or in 元 (principal_yuan, converted exactly).
void ReadPrincipal(RowCells& row, v1::LoanSubsidyRequest& req) {
  if (!row.Has("principal_yuan")) {
    row.Whole("principal_fen", true, kMaxInt64, [&](int64_t v) { req.set_principal_fen(v); },
              "not an integer number of 分");
    return;
  }
  const std::optional<std::string> text = row.Cell("principal_yuan", true);
  if (!text) return;
  auto fen = YuanToFen(*text);
  if (fen.ok()) {
    req.set_principal_fen(*fen);
  } else {
    row.Bad("principal_yuan", fen.status());
  }
}

// The dates, the rate, the LPR tenor and the day count.
void ReadTerms(RowCells& row, v1::LoanSubsidyRequest& req) {
  row.DateInto("contract_date", true, req.mutable_contract_date());
  row.DateInto("disbursement_date", true, req.mutable_disbursement_date());
  row.DateInto("maturity_date", true, req.mutable_maturity_date());
  if (const std::optional<std::string> text = row.Cell("annual_rate_percent", true)) {
    auto rate = NormalizeRatePercent(*text);
    if (rate.ok()) {
      req.set_annual_rate_percent(*rate);
    } else {
      row.Bad("annual_rate_percent", rate.status());
    }
  }
  row.Enum<v1::LprTenor>("lpr_tenor", false, &v1::LprTenor_Parse, [&](auto v) { req.set_lpr_tenor(v); },
                         "not ONE_YEAR or FIVE_YEAR");
  row.Enum<v1::DayCount>("day_count", false, &v1::DayCount_Parse, [&](auto v) { req.set_day_count(v); },
                         "not ACT_360 or ACT_365");
}

// A list cell ("DATE:FEN;DATE:FEN", "START..END;START..END"): every item that does not read, in one
// entry for the cell, with an example of the form.
void BadItems(RowCells& row, const std::string& col, const std::vector<std::string>& bad, absl::string_view example) {
  if (bad.empty()) return;
  const std::string items = absl::StrJoin(bad, "、");
  row.Bad(col, WithParams(CellError(kCellBadList, items, absl::StrCat(items, " do not read (write ", example, ")")),
                          {{"example", std::string(example)}}));
}

// repayments "DATE:FEN;DATE:FEN".
void ReadRepayments(RowCells& row, v1::LoanSubsidyRequest& req) {
  const std::optional<std::string> text = row.Cell("repayments", false);
  if (!text) return;
  const std::string folded = FoldFullWidth(*text);  // ：and ；too
  std::vector<std::string> bad;
  for (absl::string_view item : absl::StrSplit(folded, ';', absl::SkipWhitespace())) {
    item = TrimCell(item);
    const std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    auto date = parts.size() == 2 ? NormalizeDate(parts[0]) : absl::InvalidArgumentError("");
    const std::optional<int64_t> fen = parts.size() == 2 ? ParseWholeNumber(parts[1]) : std::nullopt;
    if (!date.ok() || !fen) {
      bad.push_back(absl::StrCat("\"", item, "\""));
      continue;
    }
    auto* r = req.add_repayments();
    r->set_date(*date);
    r->set_principal_fen(*fen);
  }
  BadItems(row, "repayments", bad, "2024-06-21:500000;2024-12-21:500000");
}

// overdue_periods "START..END;START..END", likewise.
void ReadOverduePeriods(RowCells& row, v1::LoanSubsidyRequest& req) {
  const std::optional<std::string> text = row.Cell("overdue_periods", false);
  if (!text) return;
  const std::string folded = FoldFullWidth(*text);
  std::vector<std::string> bad;
  for (absl::string_view item : absl::StrSplit(folded, ';', absl::SkipWhitespace())) {
    item = TrimCell(item);
    const std::vector<absl::string_view> parts = absl::StrSplit(item, "..");
    auto start = parts.size() == 2 ? NormalizeDate(parts[0]) : absl::InvalidArgumentError("");
    auto end = parts.size() == 2 ? NormalizeDate(parts[1]) : absl::InvalidArgumentError("");
    if (!start.ok() || !end.ok()) {
      bad.push_back(absl::StrCat("\"", item, "\""));
      continue;
    }
    auto* o = req.add_overdue_periods();
    o->set_start_date(*start);
    o->set_end_date(*end);
  }
  BadItems(row, "overdue_periods", bad, "2024-03-01..2024-03-31;2024-09-01..2024-09-30");
}

// claim_start and claim_end: both or neither.
void ReadClaimPeriod(RowCells& row, v1::LoanSubsidyRequest& req) {
  const std::optional<std::string> start = row.Cell("claim_start", false), end = row.Cell("claim_end", false);
  if (!start && !end) return;
  auto* period = req.mutable_claim_period();
  auto half = [&](const std::string& empty, const std::string& given) {
    row.Bad(empty, WithParams(WithReason(absl::InvalidArgumentError(absl::StrCat(
                                             "is empty while ", given, " is given (give both or neither)")),
                                         kCellHalfPeriod),
                              {{"other", row.Header(given)}}));
  };
  if (start) {
    row.DateTextInto("claim_start", *start, period->mutable_start_date());
  } else {
    half("claim_start", "claim_end");
  }
  if (end) {
    row.DateTextInto("claim_end", *end, period->mutable_end_date());
  } else {
    half("claim_end", "claim_start");
  }
}

}  // namespace

absl::StatusOr<v1::LoanSubsidyRequest> ClaimFileReader::ParseRow(const std::vector<std::string>& cells) const {
  RowCells row(columns_, cells, texts_);
  // A cell under no header is Excel's padding when empty; otherwise the row is shifted (a comma
  // inside an unquoted number: 1,200,000 read as 1 and 200,000), and no cell of it can be trusted.
  size_t last = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (!IsBlankCell(cells[i])) last = i + 1;
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    if ((i < headed_.size() && headed_[i]) || IsBlankCell(cells[i])) continue;
    row.Bad("row", WithParams(WithReason(absl::InvalidArgumentError(absl::StrCat(
                                             "a cell under no header (column ", i + 1, ": \"", TrimCell(cells[i]),
                                             "\"): ", last, " cells for ", width_,
                                             " columns (a comma inside a cell that is not quoted?)")),
                                         kRowTooManyCells),
                              {{"cells", absl::StrCat(last)}, {"columns", absl::StrCat(width_)}}));
    break;
  }
  // An unquoted 200,000 in the last number column before a column that is not read would pass as
  // 200 with "000" in that column: three digits (a thousands group) right after an amount or a rate
  // under a column not read are taken for what they are.
  for (const char* col : {"principal_yuan", "principal_fen", "annual_rate_percent"}) {
    auto it = columns_.find(col);
    if (it == columns_.end()) continue;
    const size_t next = it->second.index + 1;
    if (next >= cells.size() || next >= unread_.size() || !unread_[next]) continue;
    const std::string after(TrimCell(cells[next]));
    if (after.size() >= 3 && absl::ascii_isdigit(static_cast<unsigned char>(after[0])) &&
        ParseWholeNumber(after.substr(0, 3)) && (after.size() == 3 || after[3] == '.')) {
      row.Bad(col, WithParams(CellError(kCellSplitByComma, TrimCell(cells[it->second.index]),
                                        absl::StrCat("followed by \"", after, "\" in a column not read: a number "
                                                     "split at its thousands comma? (quote it or drop the comma)")),
                              {{"next", after}}));
    }
  }
  v1::LoanSubsidyRequest req;
  ReadBorrower(row, req);
  ReadPrincipal(row, req);
  ReadTerms(row, req);
  ReadRepayments(row, req);
  ReadOverduePeriods(row, req);
  ReadClaimPeriod(row, req);
  if (auto s = row.status(); !s.ok()) return s;
  return req;
}

absl::StatusOr<ClaimFileRows> ReadClaimRows(const std::vector<CsvRecord>& records) {
  if (records.empty()) return absl::InvalidArgumentError("the file is empty (a header row and one row per loan)");
  auto reader = ClaimFileReader::FromHeader(records[0].cells);
  if (!reader.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("line ", records[0].line, ": ", reader.status().message()));
  }
  ClaimFileRows out{*std::move(reader), {}};
  out.rows.reserve(records.size() - 1);
  for (size_t i = 1; i < records.size(); ++i) {
    out.rows.push_back(
        ClaimRow{records[i].line, out.reader.LoanId(records[i].cells), out.reader.ParseRow(records[i].cells)});
  }
  return out;
}

std::string ResultCsvHeader() {
  return "line,loan_id,status,regime_id,lpr_percent,ceiling_percent,subsidy_rate_percent,periods,total_interest_fen,"
         "total_subsidy_fen,total_borrower_fen,reasons,error_field,error_message";
}

std::string ResultCsvRow(size_t line, const v1::LoanSubsidyResult& r) {
  std::vector<std::string> reasons;
  for (const auto& x : r.reasons()) reasons.push_back(x.code());
  const bool error = r.has_error() && !r.error().code().empty();
  const std::string status = error ? "ERROR" : (r.eligible() ? "ELIGIBLE" : "INELIGIBLE");
  return absl::StrJoin(
      {absl::StrCat(line), CsvCell(r.loan_id()), status, r.regime_id(), r.lpr_percent(), r.ceiling_percent(), r.subsidy_rate_percent(),
       absl::StrCat(r.periods_size()), absl::StrCat(r.total_interest_fen()), absl::StrCat(r.total_subsidy_fen()),
       absl::StrCat(r.total_borrower_fen()), absl::StrJoin(reasons, ";"), CsvCell(r.error().field()),
       CsvCell(r.error().message())},
      ",");
}

std::string PeriodCsvHeader() {
  return "line,loan_id,status,period_start,period_end,days,subsidy_days,interest_fen,subsidy_fen,borrower_fen,"
         "error_field,error_message";
}

std::string PeriodCsvRows(size_t line, const v1::LoanSubsidyResult& r) {
  const bool error = r.has_error() && !r.error().code().empty();
  const std::string status = error ? "ERROR" : (r.eligible() ? "ELIGIBLE" : "INELIGIBLE");
  std::string out;
  if (error || r.periods_size() == 0) {
    absl::StrAppend(&out, line, ",", CsvCell(r.loan_id()), ",", status, ",,,0,0,0,0,0,", CsvCell(r.error().field()),
                    ",", CsvCell(r.error().message()), "\n");
    return out;
  }
  for (const auto& p : r.periods()) {
    absl::StrAppend(&out, line, ",", CsvCell(r.loan_id()), ",", status, ",", p.start_date(), ",", p.end_date(), ",",
                    p.days(), ",", p.subsidy_days(), ",", p.interest_fen(), ",", p.subsidy_fen(), ",",
                    p.borrower_fen(), ",,\n");
  }
  return out;
}

std::string ClaimLineCsvHeader() {
  return "line_no,loan_id,line_status,duplicate_of_claim_id,principal_fen,period_start,period_end,days,subsidy_days,"
         "interest_fen,subsidy_fen,borrower_fen,eligible,reasons,error_field,error_message";
}

std::string ClaimLineCsvRow(const v1::LoanSubsidyClaimLine& line) {
  const v1::LoanSubsidyResult& r = line.result();
  const v1::PeriodResult none;
  const v1::PeriodResult& p = r.periods_size() > 0 ? r.periods(0) : none;
  std::vector<std::string> reasons;
  for (const auto& x : r.reasons()) reasons.push_back(x.code());
  const bool error = r.has_error() && !r.error().code().empty();
  const std::vector<std::string> cells = {
      absl::StrCat(line.line_no()), CsvCell(line.loan_id()),
       std::string(v1::LoanSubsidyClaimLine::Status_Name(line.line_status())), line.duplicate_of_claim_id(),
       absl::StrCat(line.principal_fen()), p.start_date(), p.end_date(), absl::StrCat(p.days()),
       absl::StrCat(p.subsidy_days()), absl::StrCat(r.total_interest_fen()), absl::StrCat(r.total_subsidy_fen()),
       absl::StrCat(r.total_borrower_fen()), std::string(error ? "" : (r.eligible() ? "true" : "false")),
       CsvCell(absl::StrJoin(reasons, ";")), CsvCell(r.error().field()), CsvCell(r.error().message())};
  return absl::StrJoin(cells, ",");
}

}  // namespace subsidy::formats
