#include "claim_file.h"

#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include <google/protobuf/stubs/common.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "money/money.h"

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

}  // namespace

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

namespace {
std::string CsvQuote(const std::string& s) { return CsvCell(s); }
}  // namespace

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
    status = absl::InvalidArgumentError(absl::StrCat("line ", LineAt(bytes, at), ": bytes that are not ", from,
                                                     " (at byte ", at, ")"));
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
  if (!text.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", text.status().message()));
  auto records = ParseCsv(text->utf8);
  if (!records.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", records.status().message()));
  if (records->empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": the file is empty (no header row)"));
  return CsvFile{text->encoding, std::move(*records)};
}

absl::StatusOr<DecodedText> DecodeText(std::string bytes, Encoding encoding) {
  static constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  if (encoding != Encoding::kGb18030 && absl::StartsWith(bytes, kBom)) {
    bytes.erase(0, kBom.size());
    if (!ValidUtf8(bytes)) return absl::InvalidArgumentError("the file starts with a UTF-8 mark but is not UTF-8");
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
          return absl::InvalidArgumentError(absl::StrCat(
              "line ", line, ": not UTF-8 (a GBK/GB18030 file? try --encoding=gb18030 or --encoding=auto)"));
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
  size_t line = 1;
  auto end_cell = [&] {
    record.cells.push_back(std::move(cell));
    cell.clear();
    cell_was_quoted = false;
  };
  auto end_record = [&] {
    end_cell();
    const bool blank = record.cells.size() == 1 && record.cells[0].empty();
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
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      if (!cell.empty() || cell_was_quoted) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line, ": a quote inside an unquoted cell (column ", record.cells.size() + 1, ")"));
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
  if (quoted) return absl::InvalidArgumentError(absl::StrCat("line ", record.line, ": a quote is never closed"));
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

absl::StatusOr<v1::LoanSubsidyRequest> ClaimFileReader::ParseRow(const std::vector<std::string>& cells) const {
  auto get = [&](const std::string& col) -> std::string {
    auto it = columns_.find(col);
    if (it == columns_.end() || it->second >= cells.size()) return "";
    return std::string(absl::StripAsciiWhitespace(cells[it->second]));
  };
  std::vector<std::string> errors;  // every bad cell of the row, so that none hides another
  auto bad = [&](const std::string& col, absl::string_view why) { errors.push_back(absl::StrCat(col, ": ", why)); };
  if (cells.size() > columns_.size()) bad("row", absl::StrCat(cells.size(), " cells for ", columns_.size(), " columns"));
  for (const auto& c : RequiredColumns()) {
    if (get(c).empty()) bad(c, "is empty (a required column has no default)");
  }
  v1::LoanSubsidyRequest req;
  req.set_loan_id(get("loan_id"));
  req.set_province(get("province"));
  v1::RegionTier tier;
  if (!get("region_tier").empty()) {
    if (v1::RegionTier_Parse(get("region_tier"), &tier)) {
      req.set_region_tier(tier);
    } else {
      bad("region_tier", "not EAST, CENTRAL_WEST or POVERTY_AREA");
    }
  }
  v1::LoanProgram program;
  if (!get("program").empty()) {
    if (v1::LoanProgram_Parse(get("program"), &program)) {
      req.set_program(program);
    } else {
      bad("program", "not a LoanProgram name (ENTREPRENEUR_INDIVIDUAL, …)");
    }
  }
  int32_t i32;
  int64_t i64;
  if (!get("partner_count").empty()) {
    if (absl::SimpleAtoi(get("partner_count"), &i32)) {
      req.set_partner_count(i32);
    } else {
      bad("partner_count", "not an integer");
    }
  }
  if (!get("prior_subsidized_loans").empty()) {
    if (absl::SimpleAtoi(get("prior_subsidized_loans"), &i32)) {
      req.set_prior_subsidized_loans(i32);
    } else {
      bad("prior_subsidized_loans", "not an integer");
    }
  }
  if (!get("principal_fen").empty()) {
    if (absl::SimpleAtoi(get("principal_fen"), &i64)) {
      req.set_principal_fen(i64);
    } else {
      bad("principal_fen", "not an integer number of 分");
    }
  }
  req.set_contract_date(get("contract_date"));
  req.set_disbursement_date(get("disbursement_date"));
  req.set_maturity_date(get("maturity_date"));
  req.set_annual_rate_percent(get("annual_rate_percent"));
  v1::LprTenor tenor;
  if (!get("lpr_tenor").empty()) {
    if (v1::LprTenor_Parse(get("lpr_tenor"), &tenor)) {
      req.set_lpr_tenor(tenor);
    } else {
      bad("lpr_tenor", "not ONE_YEAR or FIVE_YEAR");
    }
  }
  v1::DayCount dc;
  if (!get("day_count").empty()) {
    if (v1::DayCount_Parse(get("day_count"), &dc)) {
      req.set_day_count(dc);
    } else {
      bad("day_count", "not ACT_360 or ACT_365");
    }
  }
  for (absl::string_view item : absl::StrSplit(get("repayments"), ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), ':');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &i64)) {
      bad("repayments", "expected DATE:FEN;DATE:FEN");
      break;
    }
    auto* r = req.add_repayments();
    r->set_date(parts[0]);
    r->set_principal_fen(i64);
  }
  for (absl::string_view item : absl::StrSplit(get("overdue_periods"), ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), "..");
    if (parts.size() != 2) {
      bad("overdue_periods", "expected START..END;START..END");
      break;
    }
    auto* o = req.add_overdue_periods();
    o->set_start_date(parts[0]);
    o->set_end_date(parts[1]);
  }
  if (!get("claim_start").empty() || !get("claim_end").empty()) {
    req.mutable_claim_period()->set_start_date(get("claim_start"));
    req.mutable_claim_period()->set_end_date(get("claim_end"));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "; "));
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
      {absl::StrCat(line), CsvQuote(r.loan_id()), status, r.regime_id(), r.lpr_percent(), r.ceiling_percent(), r.subsidy_rate_percent(),
       absl::StrCat(r.periods_size()), absl::StrCat(r.total_interest_fen()), absl::StrCat(r.total_subsidy_fen()),
       absl::StrCat(r.total_borrower_fen()), absl::StrJoin(reasons, ";"), CsvQuote(r.error().field()),
       CsvQuote(r.error().message())},
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
    absl::StrAppend(&out, line, ",", CsvQuote(r.loan_id()), ",", status, ",,,0,0,0,0,0,", CsvQuote(r.error().field()),
                    ",", CsvQuote(r.error().message()), "\n");
    return out;
  }
  for (const auto& p : r.periods()) {
    absl::StrAppend(&out, line, ",", CsvQuote(r.loan_id()), ",", status, ",", p.start_date(), ",", p.end_date(), ",",
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
      absl::StrCat(line.line_no()), CsvQuote(line.loan_id()),
       std::string(v1::LoanSubsidyClaimLine::Status_Name(line.line_status())), line.duplicate_of_claim_id(),
       absl::StrCat(line.principal_fen()), p.start_date(), p.end_date(), absl::StrCat(p.days()),
       absl::StrCat(p.subsidy_days()), absl::StrCat(r.total_interest_fen()), absl::StrCat(r.total_subsidy_fen()),
       absl::StrCat(r.total_borrower_fen()), std::string(error ? "" : (r.eligible() ? "true" : "false")),
       CsvQuote(absl::StrJoin(reasons, ";")), CsvQuote(r.error().field()), CsvQuote(r.error().message())};
  return absl::StrJoin(cells, ",");
}

std::string PaymentFileCsvHeader() {
  return "voucher_no,payee_uscc,payee_name,amount_fen,amount_yuan,payout_id,policy_id,paid_date\r\n";
}

std::string PaymentFileCsvRow(const v1::Payout& p) {
  return absl::StrCat(CsvCell(p.voucher_no()), ",", CsvCell(p.enterprise_uscc()), ",", CsvCell(p.enterprise_name()), ",",
                      p.amount_fen(), ",", Money::Fen(p.amount_fen()).ToYuanString(), ",", p.payout_id(), ",",
                      CsvCell(p.policy_id()), ",", p.paid_date(), "\r\n");
}

}  // namespace subsidy::cli
