#include "claim_file.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "csv.h"
#include "money/money.h"

namespace subsidy::formats {
namespace {

const std::vector<std::string>& KnownColumns() {
  static const auto* k = new std::vector<std::string>{
      "loan_id", "province", "region_tier", "program", "partner_count", "prior_subsidized_loans", "principal_fen",
      "contract_date", "disbursement_date", "maturity_date", "annual_rate_percent", "lpr_tenor", "repayments",
      "overdue_periods", "claim_start", "claim_end", "day_count"};
  return *k;
}
const std::vector<std::string>& RequiredColumns() {
  static const auto* k = new std::vector<std::string>{"loan_id", "province", "region_tier", "program",
                                                      "principal_fen", "contract_date", "disbursement_date",
                                                      "maturity_date", "annual_rate_percent"};
  return *k;
}

}  // namespace

absl::StatusOr<ClaimFileReader> ClaimFileReader::FromHeader(const std::string& header_line) {
  auto cells = SplitCsvLine(header_line);
  if (!cells.ok()) return cells.status();
  return FromHeader(*cells);
}

absl::StatusOr<ClaimFileReader> ClaimFileReader::FromHeader(const std::vector<std::string>& cells) {
  ClaimFileReader r;
  size_t known = 0;
  for (const auto& raw : cells) {
    known += std::find(KnownColumns().begin(), KnownColumns().end(), std::string(absl::StripAsciiWhitespace(raw))) !=
             KnownColumns().end();
  }
  if (known == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the first row is not a header: a claim file starts with a row naming its columns (",
        absl::StrJoin(RequiredColumns(), ","), ", …)"));
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string name(absl::StripAsciiWhitespace(cells[i]));
    if (std::find(KnownColumns().begin(), KnownColumns().end(), name) == KnownColumns().end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown column \"", name, "\" (the columns are ",
                                                     absl::StrJoin(KnownColumns(), ","), ")"));
    }
    if (!r.columns_.emplace(name, i).second) return absl::InvalidArgumentError(absl::StrCat("column \"", name, "\" twice"));
  }
  for (const auto& c : RequiredColumns()) {
    if (!r.columns_.count(c)) return absl::InvalidArgumentError(absl::StrCat("missing column \"", c, "\""));
  }
  return r;
}

std::string ClaimFileReader::LoanId(const std::vector<std::string>& cells) const {
  auto it = columns_.find("loan_id");
  if (it == columns_.end() || it->second >= cells.size()) return "";
  return std::string(absl::StripAsciiWhitespace(cells[it->second]));
}

absl::StatusOr<v1::LoanSubsidyRequest> ClaimFileReader::ParseRow(const std::string& line) const {
  auto cells = SplitCsvLine(line);
  if (!cells.ok()) return cells.status();
  return ParseRow(*cells);
}

namespace {

// One row's cells by column name, and every bad cell of it (so that none hides another).
class RowCells {
 public:
  RowCells(const std::map<std::string, size_t>& columns, const std::vector<std::string>& cells)
      : columns_(columns), cells_(cells) {}
  std::string Get(const std::string& col) const {
    auto it = columns_.find(col);
    if (it == columns_.end() || it->second >= cells_.size()) return "";
    return std::string(absl::StripAsciiWhitespace(cells_[it->second]));
  }
  void Bad(const std::string& col, absl::string_view why) { errors_.push_back(absl::StrCat(col, ": ", why)); }
  // An optional cell: nothing when empty, else `parse`d and `set`, or named bad with `why`.
  template <class T, class Parse, class Set>
  void Optional(const std::string& col, Parse parse, Set set, absl::string_view why) {
    const std::string text = Get(col);
    if (text.empty()) return;
    T value;
    if (parse(text, &value)) {
      set(value);
    } else {
      Bad(col, why);
    }
  }
  absl::Status status() const {
    return errors_.empty() ? absl::OkStatus() : absl::InvalidArgumentError(absl::StrJoin(errors_, "; "));
  }

 private:
  const std::map<std::string, size_t>& columns_;
  const std::vector<std::string>& cells_;
  std::vector<std::string> errors_;
};

template <class T>
bool Integer(const std::string& text, T* out) {
  return absl::SimpleAtoi(text, out);
}

// repayments "DATE:FEN;DATE:FEN" and overdue_periods "START..END;START..END".
void ParseSchedules(RowCells& row, v1::LoanSubsidyRequest& req) {
  for (absl::string_view item : absl::StrSplit(row.Get("repayments"), ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), ':');
    int64_t fen = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &fen)) {
      row.Bad("repayments", "expected DATE:FEN;DATE:FEN");
      break;
    }
    auto* r = req.add_repayments();
    r->set_date(parts[0]);
    r->set_principal_fen(fen);
  }
  for (absl::string_view item : absl::StrSplit(row.Get("overdue_periods"), ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), "..");
    if (parts.size() != 2) {
      row.Bad("overdue_periods", "expected START..END;START..END");
      break;
    }
    auto* o = req.add_overdue_periods();
    o->set_start_date(parts[0]);
    o->set_end_date(parts[1]);
  }
}

}  // namespace

absl::StatusOr<v1::LoanSubsidyRequest> ClaimFileReader::ParseRow(const std::vector<std::string>& cells) const {
  RowCells row(columns_, cells);
  if (cells.size() > columns_.size()) row.Bad("row", absl::StrCat(cells.size(), " cells for ", columns_.size(), " columns"));
  for (const auto& c : RequiredColumns()) {
    if (row.Get(c).empty()) row.Bad(c, "is empty (a required column has no default)");
  }
  v1::LoanSubsidyRequest req;
  req.set_loan_id(row.Get("loan_id"));
  req.set_province(row.Get("province"));
  row.Optional<v1::RegionTier>("region_tier", &v1::RegionTier_Parse, [&](auto v) { req.set_region_tier(v); },
                               "not EAST, CENTRAL_WEST or POVERTY_AREA");
  row.Optional<v1::LoanProgram>("program", &v1::LoanProgram_Parse, [&](auto v) { req.set_program(v); },
                                "not a LoanProgram name (ENTREPRENEUR_INDIVIDUAL, …)");
  row.Optional<int32_t>("partner_count", &Integer<int32_t>, [&](auto v) { req.set_partner_count(v); }, "not an integer");
  row.Optional<int32_t>("prior_subsidized_loans", &Integer<int32_t>,
                        [&](auto v) { req.set_prior_subsidized_loans(v); }, "not an integer");
  row.Optional<int64_t>("principal_fen", &Integer<int64_t>, [&](auto v) { req.set_principal_fen(v); },
                        "not an integer number of 分");
  req.set_contract_date(row.Get("contract_date"));
  req.set_disbursement_date(row.Get("disbursement_date"));
  req.set_maturity_date(row.Get("maturity_date"));
  req.set_annual_rate_percent(row.Get("annual_rate_percent"));
  row.Optional<v1::LprTenor>("lpr_tenor", &v1::LprTenor_Parse, [&](auto v) { req.set_lpr_tenor(v); },
                             "not ONE_YEAR or FIVE_YEAR");
  row.Optional<v1::DayCount>("day_count", &v1::DayCount_Parse, [&](auto v) { req.set_day_count(v); },
                             "not ACT_360 or ACT_365");
  ParseSchedules(row, req);
  if (!row.Get("claim_start").empty() || !row.Get("claim_end").empty()) {
    req.mutable_claim_period()->set_start_date(row.Get("claim_start"));
    req.mutable_claim_period()->set_end_date(row.Get("claim_end"));
  }
  if (auto s = row.status(); !s.ok()) return s;
  return req;
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
