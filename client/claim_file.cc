#include "claim_file.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace subsidy::cli {
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

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitCsvLine(const std::string& raw) {
  std::string line = raw;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c == '"') {
      if (!cell.empty()) return absl::InvalidArgumentError(absl::StrCat("stray quote in column ", out.size() + 1));
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  if (quoted) return absl::InvalidArgumentError("unterminated quote");
  out.push_back(std::move(cell));
  return out;
}

absl::StatusOr<ClaimFileReader> ClaimFileReader::FromHeader(const std::string& header_line) {
  auto cells = SplitCsvLine(header_line);
  if (!cells.ok()) return cells.status();
  ClaimFileReader r;
  for (size_t i = 0; i < cells->size(); ++i) {
    const std::string name(absl::StripAsciiWhitespace((*cells)[i]));
    if (std::find(KnownColumns().begin(), KnownColumns().end(), name) == KnownColumns().end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown column \"", name, "\""));
    }
    if (!r.columns_.emplace(name, i).second) return absl::InvalidArgumentError(absl::StrCat("column \"", name, "\" twice"));
  }
  for (const auto& c : RequiredColumns()) {
    if (!r.columns_.count(c)) return absl::InvalidArgumentError(absl::StrCat("missing column \"", c, "\""));
  }
  return r;
}

absl::StatusOr<v1::LoanSubsidyRequest> ClaimFileReader::ParseRow(const std::string& line) const {
  auto cells = SplitCsvLine(line);
  if (!cells.ok()) return cells.status();
  auto get = [&](const std::string& col) -> std::string {
    auto it = columns_.find(col);
    if (it == columns_.end() || it->second >= cells->size()) return "";
    return std::string(absl::StripAsciiWhitespace((*cells)[it->second]));
  };
  auto bad = [](const std::string& col, absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(col, ": ", why));
  };
  v1::LoanSubsidyRequest req;
  req.set_loan_id(get("loan_id"));
  req.set_province(get("province"));
  v1::RegionTier tier;
  if (!get("region_tier").empty()) {
    if (!v1::RegionTier_Parse(get("region_tier"), &tier)) return bad("region_tier", "not a RegionTier name");
    req.set_region_tier(tier);
  }
  v1::LoanProgram program;
  if (!get("program").empty()) {
    if (!v1::LoanProgram_Parse(get("program"), &program)) return bad("program", "not a LoanProgram name");
    req.set_program(program);
  }
  int32_t i32;
  int64_t i64;
  if (!get("partner_count").empty()) {
    if (!absl::SimpleAtoi(get("partner_count"), &i32)) return bad("partner_count", "not an integer");
    req.set_partner_count(i32);
  }
  if (!get("prior_subsidized_loans").empty()) {
    if (!absl::SimpleAtoi(get("prior_subsidized_loans"), &i32)) return bad("prior_subsidized_loans", "not an integer");
    req.set_prior_subsidized_loans(i32);
  }
  if (!absl::SimpleAtoi(get("principal_fen"), &i64)) return bad("principal_fen", "not an integer");
  req.set_principal_fen(i64);
  req.set_contract_date(get("contract_date"));
  req.set_disbursement_date(get("disbursement_date"));
  req.set_maturity_date(get("maturity_date"));
  req.set_annual_rate_percent(get("annual_rate_percent"));
  v1::LprTenor tenor;
  if (!get("lpr_tenor").empty()) {
    if (!v1::LprTenor_Parse(get("lpr_tenor"), &tenor)) return bad("lpr_tenor", "not ONE_YEAR or FIVE_YEAR");
    req.set_lpr_tenor(tenor);
  }
  v1::DayCount dc;
  if (!get("day_count").empty()) {
    if (!v1::DayCount_Parse(get("day_count"), &dc)) return bad("day_count", "not ACT_360 or ACT_365");
    req.set_day_count(dc);
  }
  for (absl::string_view item : absl::StrSplit(get("repayments"), ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), ':');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &i64)) return bad("repayments", "expected DATE:FEN;DATE:FEN");
    auto* r = req.add_repayments();
    r->set_date(parts[0]);
    r->set_principal_fen(i64);
  }
  for (absl::string_view item : absl::StrSplit(get("overdue_periods"), ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), "..");
    if (parts.size() != 2) return bad("overdue_periods", "expected START..END;START..END");
    auto* o = req.add_overdue_periods();
    o->set_start_date(parts[0]);
    o->set_end_date(parts[1]);
  }
  if (!get("claim_start").empty() || !get("claim_end").empty()) {
    req.mutable_claim_period()->set_start_date(get("claim_start"));
    req.mutable_claim_period()->set_end_date(get("claim_end"));
  }
  return req;
}

std::string ResultCsvHeader() {
  return "loan_id,status,regime_id,lpr_percent,ceiling_percent,subsidy_rate_percent,periods,total_interest_fen,"
         "total_subsidy_fen,total_borrower_fen,reasons,error_field,error_message";
}

std::string ResultCsvRow(const v1::LoanSubsidyResult& r) {
  std::vector<std::string> reasons;
  for (const auto& x : r.reasons()) reasons.push_back(x.code());
  const bool error = r.has_error() && !r.error().code().empty();
  const std::string status = error ? "ERROR" : (r.eligible() ? "ELIGIBLE" : "INELIGIBLE");
  return absl::StrJoin(
      {CsvQuote(r.loan_id()), status, r.regime_id(), r.lpr_percent(), r.ceiling_percent(), r.subsidy_rate_percent(),
       absl::StrCat(r.periods_size()), absl::StrCat(r.total_interest_fen()), absl::StrCat(r.total_subsidy_fen()),
       absl::StrCat(r.total_borrower_fen()), absl::StrJoin(reasons, ";"), CsvQuote(r.error().field()),
       CsvQuote(r.error().message())},
      ",");
}

}  // namespace subsidy::cli
