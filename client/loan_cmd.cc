// subsidyctl loan calc|claim|policy; a claim file read for every kind of run (claim_cmd.h), and
// its plain calculation into a result file.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "claim_cmd.h"
#include "formats/claim_file.h"
#include "formats/csv.h"
#include "cli.h"
#include "formats/wire.h"
#include "loan/claim.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "texts.h"
#include "time/date.h"

namespace subsidy::cli {
namespace {

void PrintResult(Context& ctx, const v1::LoanSubsidyResult& r) {
  if (ctx.json) {
    ctx.PrintJson(r);
    return;
  }
  auto& out = *ctx.out;
  const std::string& lang = ctx.language;
  out << Say(lang, kCliLoanResult, {{"loan_id", r.loan_id().empty() ? Say(lang, kCliNoId) : r.loan_id()},
                                    {"verdict", Say(lang, r.eligible() ? kCliLoanEligible : kCliLoanNotEligible)}})
      << "\n" << Say(lang, kCliLoanRates, {{"regime_id", OrDash(r.regime_id())}, {"lpr_percent", r.lpr_percent()},
                                            {"ceiling_percent", OrDash(r.ceiling_percent())},
                                            {"subsidy_rate_percent", r.subsidy_rate_percent()}}) << "\n";
  for (const auto& reason : r.reasons()) out << "  " << reason.code() << ": " << reason.message() << "\n";
  out << Say(lang, kCliLoanPeriodsHeader) << "\n";
  for (const auto& p : r.periods()) {
    out << absl::StrFormat("  %-10s  %-10s  %5d  %16s  %16s  %16s\n", p.start_date(), p.end_date(), p.days(),
                           Yuan(p.interest_fen()), Yuan(p.subsidy_fen()), Yuan(p.borrower_fen()));
  }
  out << absl::StrFormat("  %s  %-10s  %5s  %16s  %16s  %16s\n", Say(lang, kCliLoanPeriodsTotal), "", "",
                         Yuan(r.total_interest_fen()), Yuan(r.total_subsidy_fen()), Yuan(r.total_borrower_fen()));
}

int Calc(Context& ctx, const Options& o) {
  v1::LoanSubsidyRequest req;
  req.set_loan_id(o.Get("loan_id"));
  req.set_province(o.Get("province"));
  v1::RegionTier tier = v1::REGION_TIER_UNSPECIFIED;
  if (o.Has("region_tier") && !v1::RegionTier_Parse(o.Get("region_tier"), &tier)) {
    return ctx.MustBe("--region_tier", v1::RegionTier_descriptor());
  }
  req.set_region_tier(tier);
  v1::LoanProgram program = v1::LOAN_PROGRAM_UNSPECIFIED;
  if (o.Has("program") && !v1::LoanProgram_Parse(o.Get("program"), &program)) {
    return ctx.MustBe("--program", v1::LoanProgram_descriptor());
  }
  req.set_program(program);
  int32_t n = 0;
  int64_t fen = 0;
  if (o.Has("partners") && !absl::SimpleAtoi(o.Get("partners"), &n)) return ctx.Usage(kCliUsageInteger, {{"option", "--partners"}});
  req.set_partner_count(n);
  n = 0;
  if (o.Has("prior") && !absl::SimpleAtoi(o.Get("prior"), &n)) return ctx.Usage(kCliUsageInteger, {{"option", "--prior"}});
  req.set_prior_subsidized_loans(n);
  if (!absl::SimpleAtoi(o.Get("principal_fen"), &fen)) return ctx.Usage(kCliUsageFen, {{"option", "--principal_fen"}});
  req.set_principal_fen(fen);
  req.set_contract_date(o.Get("contract"));
  req.set_disbursement_date(o.Get("disbursement", o.Get("contract")));
  req.set_maturity_date(o.Get("maturity"));
  req.set_annual_rate_percent(o.Get("rate"));
  if (o.Has("lpr_tenor")) {
    v1::LprTenor t;
    if (!v1::LprTenor_Parse(o.Get("lpr_tenor"), &t)) return ctx.MustBe("--lpr_tenor", {"ONE_YEAR", "FIVE_YEAR"});
    req.set_lpr_tenor(t);
  }
  if (o.Has("day_count")) {
    v1::DayCount d;
    if (!v1::DayCount_Parse(o.Get("day_count"), &d)) return ctx.MustBe("--day_count", {"ACT_360", "ACT_365"});
    req.set_day_count(d);
  }
  for (const auto& r : o.GetAll("repayment")) {
    std::vector<std::string> parts = absl::StrSplit(r, ':');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &fen)) return ctx.Usage(kCliUsageFormat, {{"option", "--repayment"}, {"format", "DATE:FEN"}});
    auto* x = req.add_repayments();
    x->set_date(parts[0]);
    x->set_principal_fen(fen);
  }
  for (const auto& r : o.GetAll("overdue")) {
    if (!ParsePeriod(r, req.add_overdue_periods())) return ctx.Usage(kCliUsageFormat, {{"option", "--overdue"}, {"format", "START..END"}});
  }
  if (o.Has("claim") && !ParsePeriod(o.Get("claim"), req.mutable_claim_period())) {
    return ctx.Usage(kCliUsageFormat, {{"option", "--claim"}, {"format", "START..END"}});
  }
  auto stub = v1::LoanSubsidyService::NewStub(ctx.Channel());
  v1::LoanSubsidyResult result;
  if (int rc = Invoke(ctx, *stub, &v1::LoanSubsidyService::Stub::CalculateLoanSubsidy, req, &result); rc != 0) return rc;
  PrintResult(ctx, result);
  return 0;
}

int Policy(Context& ctx, const Options& o) {
  v1::GetLoanPolicyRequest req;
  req.set_province(o.Get("province"));
  req.set_date(o.Get("date"));
  v1::LoanProgram program = v1::LOAN_PROGRAM_UNSPECIFIED;
  if (!v1::LoanProgram_Parse(o.Get("program"), &program)) return ctx.MustBe("--program", v1::LoanProgram_descriptor());
  req.set_program(program);
  v1::RegionTier tier = v1::REGION_TIER_UNSPECIFIED;
  if (!v1::RegionTier_Parse(o.Get("region_tier", "EAST"), &tier)) return ctx.MustBe("--region_tier", v1::RegionTier_descriptor());
  req.set_region_tier(tier);
  if (o.Has("lpr_tenor")) {
    v1::LprTenor t;
    if (!v1::LprTenor_Parse(o.Get("lpr_tenor"), &t)) return ctx.MustBe("--lpr_tenor", {"ONE_YEAR", "FIVE_YEAR"});
    req.set_lpr_tenor(t);
  }
  auto stub = v1::LoanSubsidyService::NewStub(ctx.Channel());
  v1::LoanPolicy p;
  if (int rc = Invoke(ctx, *stub, &v1::LoanSubsidyService::Stub::GetLoanPolicy, req, &p); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(p);
    return 0;
  }
  const std::string& lang = ctx.language;
  *ctx.out << Say(lang, kCliLoanPolicy,
                  {{"regime_id", p.regime_id()}, {"status", p.status()}, {"regime_name", p.regime_name()},
                   {"start_date", p.regime_start_date()}, {"end_date", p.regime_end_date()}, {"province", p.province()},
                   {"formula", p.subsidy_formula()}, {"tenor", p.lpr_tenor()}, {"lpr_percent", p.lpr_percent()},
                   {"lpr_effective_date", p.lpr_effective_date()}, {"lpr_source", p.lpr_source()},
                   {"unconfirmed", p.lpr_confirmed() ? "" : Say(lang, kCliLprUnconfirmed)},
                   {"spread_bp", absl::StrCat(p.ceiling_spread_bp())}, {"ceiling_percent", p.ceiling_percent()},
                   {"loan_cap_yuan", Yuan(p.loan_cap_fen())}, {"base_cap_yuan", Yuan(p.subsidy_base_cap_fen())}})
           << "\n";
  if (p.per_partner_cap_fen() > 0) {
    *ctx.out << Say(lang, kCliLoanPolicyPerPartner, {{"per_partner_yuan", Yuan(p.per_partner_cap_fen())},
                                                     {"markup_percent", absl::StrCat(p.partner_markup_percent())}})
             << "\n";
  }
  *ctx.out << Say(lang, kCliLoanPolicyTerm, {{"years", absl::StrCat(p.subsidy_term_years())},
                                             {"prior", absl::StrCat(p.prior_subsidized_loans_allowed())},
                                             {"source", p.source()}, {"data_version", p.data_version()}})
           << "\n";
  return 0;
}

// A claim row that never reached the engine: its error, in-band like the server's.
v1::LoanSubsidyResult RowError(const std::string& loan_id, const std::string& message) {
  v1::LoanSubsidyResult r;
  r.set_loan_id(loan_id);
  r.mutable_error()->set_code("INVALID_ARGUMENT");
  r.mutable_error()->set_message(message);
  return r;
}

absl::StatusOr<DateRange> ParseRange(const v1::DateRange& range) {
  auto first = Date::Parse(range.start_date());
  if (!first.ok()) return first.status();
  auto last = Date::Parse(range.end_date());
  if (!last.ok()) return last.status();
  return DateRange::Make(*first, *last);
}

// The file named on the command line, read the same way for every kind of run: its rows (each with
// its file line), the columns it does not read (warned about once), the claim's period, and where
// the results go in which encoding. 0, or the exit code after saying why.
int ReadClaimFile(Context& ctx, const Options& o, ClaimFile* file) {
  file->path = o.positional()[0];
  file->out_path = o.Get("out", file->path + ".result.csv");
  auto out_encoding = formats::EncodingFromName(o.Get("out_encoding", "auto"));
  if (!out_encoding.ok()) return ctx.MustBe("--out_encoding", {"utf-8", "gb18030"});
  if (o.Has("period")) {
    v1::DateRange period;
    if (!ParsePeriod(o.Get("period"), &period)) return ctx.Usage(kCliUsageFormat, {{"option", "--period"}, {"format", "START..END"}});
    file->period = period;
  }
  auto encoding = formats::EncodingFromName(o.Get("encoding", "auto"));
  if (!encoding.ok()) return ctx.MustBe("--encoding", {"auto", "utf-8", "gb18030"});
  std::error_code exists_error;
  const bool exists = std::filesystem::is_regular_file(file->path, exists_error);
  file->out_encoding = *out_encoding != formats::Encoding::kAuto ? *out_encoding : formats::Encoding::kUtf8;
  auto read = formats::ReadCsvFile(file->path, *encoding);
  if (!read.ok()) {
    if (!exists) return ctx.CannotRead(file->path, std::string(read.status().message()));  // nothing to answer for
    return RefuseClaimFile(ctx, *file, 0, StatusText(ctx.language, read.status()));
  }
  file->csv = *std::move(read);
  // GB18030 in, GB18030 out; UTF-8 in, UTF-8 with a byte-order mark out (Excel then reads it as UTF-8).
  const bool gb = absl::StartsWith(file->csv.encoding, "GB");
  if (*out_encoding == formats::Encoding::kAuto && gb) file->out_encoding = formats::Encoding::kGb18030;
  const formats::CsvRecord& head = file->csv.records.front();
  auto reader = formats::ClaimFileReader::FromHeader(head.cells);
  if (!reader.ok()) return RefuseClaimFile(ctx, *file, head.line, StatusText(ctx.language, reader.status()));
  reader->WriteCellErrors({Catalogue(), LanguageOf(ctx.language)});
  file->ignored_columns = reader->ignored_columns();
  if (!file->ignored_columns.empty()) {
    ctx.Warn(Text(kClaimFileColumnsIgnored, ctx.language, {{"columns", absl::StrJoin(file->ignored_columns, "、")}},
                  reader->IgnoredColumnsWarning()));
  }
  for (size_t k = 1; k < file->csv.records.size(); ++k) {
    const formats::CsvRecord& rec = file->csv.records[k];
    ClaimFileRow& row = file->rows.emplace_back();
    row.line = rec.line;
    row.loan_id = reader->LoanId(rec.cells);
    auto req = reader->ParseRow(rec.cells);
    if (!req.ok()) {
      row.parse_error = std::string(req.status().message());
    } else if (auto field = formats::FindInvalidUtf8(*req)) {
      row.parse_error = *field + " is not valid UTF-8";
    } else {
      row.loan = *std::move(req);
    }
  }
  return 0;
}

// --period without --submit, applied as the server applies a claim's period to its loans: it must
// be one settlement period; a row's own window (claim_start, claim_end) must be empty or that
// period (else the row is INVALID, as a submit would store it); then every row is computed over
// it. 0, or 1 when --period is not one settlement period.
int ApplyClaimPeriod(Context& ctx, ClaimFile& file) {
  if (!file.period) return 0;
  auto period = ParseRange(*file.period);
  absl::Status s = period.ok() ? loan::ValidateSettlementPeriod(*period, "--period") : period.status();
  if (!s.ok()) {
    return ctx.Fail(StatusText(ctx.language, s));
  }
  for (ClaimFileRow& row : file.rows) {
    if (!row.parse_error.empty()) continue;
    v1::DateRange* own = row.loan.mutable_claim_period();
    if (!own->start_date().empty() || !own->end_date().empty()) {
      auto mine = ParseRange(*own);
      if (!mine.ok()) continue;  // not a date: the server names it, as it would in a claim
      if (auto bad = loan::ValidateLoanClaimPeriod(*mine, *period, "claim_period"); !bad.ok()) {
        row.invalid.set_code("INVALID_ARGUMENT");
        row.invalid.set_field("claim_period");
        row.invalid.set_message(StatusText(ctx.language, bad));
        continue;
      }
    }
    *own = *file.period;
  }
  return 0;
}

// The plain calculation's rows on their way: every file row gets a result, in file order. Rows
// that do not parse, repeat a loan_id or are outside --period get their error at once; the others
// are sent in batches, and the server's answer fills their slot.
struct CalcRows {
  std::vector<v1::LoanSubsidyResult> results;  // one per file row
  std::vector<size_t> sent;                     // the row of each loan sent, in order
  std::vector<v1::LoanSubsidyBatchRequest> batches;
};

CalcRows BuildCalcRows(const ClaimFile& file, int batch_size, const std::string& language) {
  CalcRows rows;
  rows.results.resize(file.rows.size());
  rows.batches.resize(1);
  std::map<std::string, size_t> first_line_of;
  for (size_t k = 0; k < file.rows.size(); ++k) {
    const ClaimFileRow& row = file.rows[k];
    const std::string where = file.Where(row);
    if (!row.parse_error.empty()) {
      rows.results[k] = RowError(row.loan_id, where + row.parse_error);
      continue;
    }
    if (auto [it, fresh] = first_line_of.emplace(row.loan_id, row.line); !fresh) {
      const std::string first = absl::StrCat(it->second);
      rows.results[k] = RowError(
          row.loan_id, where + Text(kLoanIdRepeated, language, {{"line", first}},
                                    absl::StrCat("loan_id repeats line ", first, ": a loan is claimed once per file")));
      continue;
    }
    if (!row.invalid.code().empty()) {
      rows.results[k] = RowError(row.loan_id, where + row.invalid.message());
      rows.results[k].mutable_error()->set_field(row.invalid.field());
      continue;
    }
    if (rows.batches.back().loans_size() >= batch_size) rows.batches.emplace_back();
    *rows.batches.back().add_loans() = row.loan;
    rows.sent.push_back(k);
  }
  if (rows.batches.back().loans_size() == 0) rows.batches.pop_back();
  return rows;
}

// A loan's in-band error from the server, as the file's row: its line and loan_id, then the field
// (without the batch's loans[i]: the line says which) and why.
void NameRowInError(const ClaimFile& file, const ClaimFileRow& row, v1::ItemError* error) {
  const std::string field = WithoutLoanPath(error->field());
  std::string message = WithoutLoanPath(error->message());
  error->set_field(field);
  error->set_message(file.Where(row) + message);
}

// Streams the batches to the server and puts each answer in its row's slot; a loan it did not
// answer gets why. 0, or 1 when the stream failed (said on stderr).
int CalculateClaim(Context& ctx, const ClaimFile& file, CalcRows& rows) {
  auto stub = v1::LoanSubsidyService::NewStub(ctx.Channel());
  auto call = ctx.NewCall(10);  // a claim file may take a while: a generous deadline per file
  auto stream = stub->StreamLoanSubsidyBatches(call.get());
  std::thread writer([&] {
    for (const auto& b : rows.batches) {
      if (!stream->Write(b)) break;
    }
    stream->WritesDone();
  });
  const bool tty = isatty(STDERR_FILENO) && !ctx.json;
  size_t received = 0;
  v1::LoanSubsidyBatchResult batch_result;
  while (stream->Read(&batch_result)) {
    for (auto& r : *batch_result.mutable_results()) {
      if (received >= rows.sent.size()) break;
      const size_t slot = rows.sent[received++];
      if (r.has_error() && !r.error().code().empty()) NameRowInError(file, file.rows[slot], r.mutable_error());
      rows.results[slot] = std::move(r);
    }
    if (tty) std::cerr << "\r  " << received << " / " << rows.sent.size() << " loans" << std::flush;
  }
  writer.join();
  if (tty) std::cerr << std::endl;
  const grpc::Status s = stream->Finish();
  // Loans the server did not answer are written too, with why.
  const std::string why = s.ok() ? "the server answered fewer loans than were sent"
                                 : "not calculated: " + s.error_message();
  for (size_t k = received; k < rows.sent.size(); ++k) {
    const ClaimFileRow& row = file.rows[rows.sent[k]];
    v1::LoanSubsidyResult& r = rows.results[rows.sent[k]];
    r = RowError(row.loan_id, file.Where(row) + why);
    r.mutable_error()->set_code(s.ok() ? "INTERNAL" : absl::StatusCodeToString(
                                                          static_cast<absl::StatusCode>(s.error_code())));
  }
  return s.ok() ? 0 : ctx.Fail(s);
}

// What the rows came to: the rows calculated, by eligibility, with their totals; and the errors.
struct ClaimTotals {
  MoneyTotal interest, subsidy, borrower;
  int eligible = 0, ineligible = 0, errors = 0;
};

// The result file: a line per row, or with --periods a line per settlement period, each with its
// file line. Each row's error also goes to stderr (not with --json). 0, or 1 when the file cannot
// be written.
int WriteClaimResults(Context& ctx, bool periods, const ClaimFile& file, const CalcRows& rows, ClaimTotals& t) {
  std::string text = (periods ? formats::PeriodCsvHeader() : formats::ResultCsvHeader()) + "\n";
  for (size_t k = 0; k < rows.results.size(); ++k) {
    const auto& r = rows.results[k];
    if (periods) {
      text += formats::PeriodCsvRows(file.rows[k].line, r);
    } else {
      absl::StrAppend(&text, formats::ResultCsvRow(file.rows[k].line, r), "\n");
    }
    if (r.has_error() && !r.error().code().empty()) {
      ++t.errors;
      if (!ctx.json) std::cerr << r.error().message() << "\n";
      continue;
    }
    r.eligible() ? ++t.eligible : ++t.ineligible;
    t.interest.Add(r.total_interest_fen());
    t.subsidy.Add(r.total_subsidy_fen());
    t.borrower.Add(r.total_borrower_fen());
  }
  return WriteClaimResultFile(ctx, file, text);
}

std::string PeriodText(const ClaimFile& file) {
  return file.period ? file.period->start_date() + ".." + file.period->end_date() : "";
}

void PrintClaimSummary(Context& ctx, const ClaimFile& file, const ClaimTotals& t) {
  if (ctx.json) {
    // protobuf's JSON mapping: counts are numbers, money (int64 分) is a string.
    google::protobuf::Struct summary;
    auto& f = *summary.mutable_fields();
    f["file"].set_string_value(file.path);
    f["encoding"].set_string_value(file.csv.encoding);
    f["period"].set_string_value(PeriodText(file));
    f["loans"].set_number_value(static_cast<double>(file.rows.size()));
    f["eligible"].set_number_value(t.eligible);
    f["ineligible"].set_number_value(t.ineligible);
    f["errors"].set_number_value(t.errors);
    f["total_interest_fen"].set_string_value(absl::StrCat(t.interest.fen()));
    f["total_subsidy_fen"].set_string_value(absl::StrCat(t.subsidy.fen()));
    f["total_borrower_fen"].set_string_value(absl::StrCat(t.borrower.fen()));
    f["result_file"].set_string_value(file.out_path);
    for (const auto& c : file.ignored_columns) {
      f["ignored_columns"].mutable_list_value()->add_values()->set_string_value(c);
    }
    f["dry_run"].set_bool_value(false);
    ctx.PrintJson(summary);
    return;
  }
  const std::string& lang = ctx.language;
  *ctx.out << Say(lang, kCliCalcSummary,
                  {{"file", file.path},
                   {"encoding", file.csv.encoding},
                   {"period", file.period ? PeriodText(file) : Say(lang, kCliNoPeriod)},
                   {"loans", absl::StrCat(file.rows.size())},
                   {"eligible", absl::StrCat(t.eligible)},
                   {"ineligible", absl::StrCat(t.ineligible)},
                   {"errors", absl::StrCat(t.errors)},
                   {"interest_yuan", Yuan(t.interest.fen())},
                   {"subsidy_yuan", Yuan(t.subsidy.fen())},
                   {"borrower_yuan", Yuan(t.borrower.fen())}})
           << "\n"
           << Say(lang, kCliResults, {{"results", file.out_path}}) << "\n";
}

int Claim(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "loan claim"}, {"what", "FILE.csv"}});
  int batch_size = 500;
  if (o.Has("batch") && (!absl::SimpleAtoi(o.Get("batch"), &batch_size) || batch_size <= 0)) {
    return ctx.Usage(kCliUsagePositiveInteger, {{"option", "--batch"}});
  }
  ClaimFile file;
  if (int rc = ReadClaimFile(ctx, o, &file); rc != 0) return rc;
  // A dry run checks what a submit would decide, also when --submit is given with it.
  if (!o.Has("dry_run") && o.Has("submit")) return SubmitClaimFile(ctx, o, file, batch_size);
  if (int rc = ApplyClaimPeriod(ctx, file); rc != 0) return rc;
  if (o.Has("dry_run")) return DryRunClaimFile(ctx, o, file, batch_size);

  CalcRows rows = BuildCalcRows(file, batch_size, ctx.language);
  const int exit_code = rows.sent.empty() ? 0 : CalculateClaim(ctx, file, rows);
  ClaimTotals totals;
  if (int rc = WriteClaimResults(ctx, o.Has("periods"), file, rows, totals); rc != 0) return rc;
  PrintClaimSummary(ctx, file, totals);
  return exit_code;  // rows with errors are data, in the result file; a failed call is not
}

}  // namespace

std::string ClaimFile::Where(const ClaimFileRow& row) const {
  return absl::StrCat(path, ":", row.line, " (loan_id ", row.loan_id.empty() ? "?" : row.loan_id, "): ");
}

std::string RewriteLoanPaths(const std::string& text, const std::function<std::string(size_t)>& at) {
  static constexpr char kLoans[] = "loans[";
  std::string out;
  size_t i = 0;
  for (size_t p; (p = text.find(kLoans, i)) != std::string::npos;) {
    const size_t digits = p + sizeof(kLoans) - 1;
    size_t end = digits;
    while (end < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[end]))) ++end;
    size_t n = 0;
    if (end >= text.size() || text[end] != ']' || !absl::SimpleAtoi(text.substr(digits, end - digits), &n)) {
      out.append(text, i, end - i);  // not a loan's path: kept as it is
      i = end;
      continue;
    }
    out.append(text, i, p - i);
    std::string replacement = at(n);
    i = end + 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (!replacement.empty()) replacement += ' ';
    }
    out += replacement;
  }
  out.append(text, i, std::string::npos);
  return out;
}

std::string WithoutLoanPath(const std::string& text) {
  return std::string(absl::StripLeadingAsciiWhitespace(RewriteLoanPaths(text, [](size_t) { return std::string(); })));
}

grpc::Status WithFileLines(const grpc::Status& s, const std::function<std::string(size_t)>& at) {
  std::string details = s.error_details();
  v1::RpcStatus rpc;
  if (!details.empty() && rpc.ParseFromString(details)) {
    rpc.set_message(RewriteLoanPaths(rpc.message(), at));
    for (auto& any : *rpc.mutable_details()) {
      v1::BadRequest bad;
      if (!absl::EndsWith(any.type_url(), "google.rpc.BadRequest") || !bad.ParseFromString(any.value())) continue;
      for (auto& v : *bad.mutable_field_violations()) v.set_field(RewriteLoanPaths(v.field(), at));
      any.set_value(bad.SerializeAsString());
    }
    details = rpc.SerializeAsString();
  }
  return grpc::Status(s.error_code(), RewriteLoanPaths(s.error_message(), at), details);
}

std::string ClaimOutcomeCsvHeader() {
  return "line,loan_id,status,duplicate_of,principal_fen,period_start,period_end,days,subsidy_days,interest_fen,"
         "subsidy_fen,borrower_fen,eligible,reasons,flags,error_code,error_field,error_message";
}

std::string ClaimOutcomeCsvRow(const ClaimFileRow& row, const ClaimOutcome& c) {
  const v1::LoanSubsidyResult& r = c.result;
  const bool figures = r.error().code().empty() && (c.status == "ACCEPTED" || c.status == "DUPLICATE");
  std::string start, end;
  int64_t days = 0, subsidy_days = 0;
  for (const auto& p : r.periods()) {
    if (start.empty()) start = p.start_date();
    end = p.end_date();
    days += p.days();
    subsidy_days += p.subsidy_days();
  }
  std::vector<std::string> reasons;
  for (const auto& x : r.reasons()) reasons.push_back(x.code());
  auto fig = [&](int64_t v) { return figures ? absl::StrCat(v) : std::string(); };
  const std::vector<std::string> cells = {
      absl::StrCat(row.line), formats::CsvCell(row.loan_id), c.status, formats::CsvCell(c.duplicate_of),
      row.parse_error.empty() ? absl::StrCat(row.loan.principal_fen()) : "", start, end, fig(days), fig(subsidy_days),
      fig(r.total_interest_fen()), fig(r.total_subsidy_fen()), fig(r.total_borrower_fen()),
      figures ? (r.eligible() ? "true" : "false") : "", absl::StrJoin(reasons, ";"), absl::StrJoin(c.flags, ";"),
      r.error().code(), formats::CsvCell(r.error().field()), formats::CsvCell(r.error().message())};
  return absl::StrJoin(cells, ",");
}

int WriteClaimResultFile(Context& ctx, const ClaimFile& file, const std::string& utf8) {
  auto bytes = formats::EncodeText(utf8, file.out_encoding);
  if (!bytes.ok()) return ctx.CannotWrite(file.out_path, std::string(bytes.status().message()));
  std::ofstream out(file.out_path, std::ios::binary);
  if (file.out_encoding != formats::Encoding::kGb18030) out << "\xEF\xBB\xBF";  // UTF-8, marked so for Excel
  out << *bytes;
  out.close();
  if (!out) return ctx.CannotWrite(file.out_path);
  return 0;
}

void RegisterLoanCommands(Registry& r) {
  r.Add({{"loan", "calc"},
         "compute one loan's interest subsidy and print its settlement periods",
         "Example: subsidyctl loan calc --province=41 --region_tier=CENTRAL_WEST --program=ENTREPRENEUR_INDIVIDUAL \\\n"
         "  --principal_fen=20000000 --contract=2024-01-10 --maturity=2026-01-10 --rate=3.95 \\\n"
         "  --repayment=2025-01-10:10000000 --claim=2024-03-21..2024-06-20",
         {{"loan_id", "the bank's loan id"},
          {"province", "2-digit GB/T 2260 code, e.g. 41", true},
          {"region_tier", "EAST, CENTRAL_WEST or POVERTY_AREA", true},
          {"program", "ENTREPRENEUR_INDIVIDUAL, ENTREPRENEUR_PARTNERSHIP, ENTREPRENEUR_SMALL_BUSINESS, POVERTY_MICROCREDIT", true},
          {"partners", "partner count (partnerships)"},
          {"prior", "prior subsidised loans of the borrower"},
          {"principal_fen", "principal in 分", true},
          {"contract", "contract date YYYY-MM-DD", true},
          {"disbursement", "disbursement date (default: the contract date)"},
          {"maturity", "maturity date", true},
          {"rate", "annual rate percent, e.g. 3.95", true},
          {"lpr_tenor", "ONE_YEAR (default) or FIVE_YEAR"},
          {"day_count", "ACT_360 (default) or ACT_365"},
          {"repayment", "DATE:FEN, repeatable", false, false, true},
          {"overdue", "START..END, repeatable", false, false, true},
          {"claim", "claim window START..END (default: the whole life)"}},
         Calc});
  r.Add({{"loan", "claim"},
         "calculate a bank's claim file (CSV) into a result CSV, check it as a claim (--dry_run), or --submit it",
         "Usage: subsidyctl loan claim FILE.csv [--period=START..END] [--out=RESULT.csv] [--encoding=auto|utf-8|gb18030]\n"
         "       subsidyctl loan claim FILE.csv --dry_run [--bank=BANK_ID] [--period=2024-06-21..2024-09-20]\n"
         "       subsidyctl loan claim FILE.csv --submit --bank=BANK_ID --period=2024-06-21..2024-09-20 [--fund=FUND_ID]\n"
         "Without --submit the file is calculated (over --period when given, else each row's own window). With\n"
         "--dry_run every row is checked on the server as a submit would decide it (ACCEPTED, INVALID, DUPLICATE,\n"
         "or ERROR for a row that does not parse), and nothing is stored. With --submit the file is uploaded as one\n"
         "claim: every loan recomputed by the server, stored ACCEPTED, INVALID or DUPLICATE, and the claim printed\n"
         "with its totals; a row that does not parse stops it (nothing is submitted). Running the same command again\n"
         "answers the same claim, printed as it stands now (PAID with its voucher, say).\n"
         "The file may be UTF-8 (with or without a byte-order mark) or GB18030/GBK, as Excel saves it; columns it\n"
         "does not read are warned about once. Every row gets a line in the result file (always written, in the\n"
         "file's own encoding: GB18030, or UTF-8 with a byte-order mark), named by its line in the file, as are\n"
         "the errors on stderr; the exit code is 1 when the server could not be used or a submit was refused.\n"
         "Columns: loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,\n"
         "  contract_date,disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,\n"
         "  claim_start,claim_end,day_count (or the Chinese headers banks use: 贷款编号, 发放日期, …)\n"
         "Cells: repayments \"DATE:FEN;DATE:FEN\", overdue_periods \"START..END;START..END\", enums by API name.",
         {{"out", "result file (default FILE.csv.result.csv)"},
          {"out_encoding", "the result file's encoding: utf-8 (with a byte-order mark) or gb18030 (default: the file's)"},
          {"batch", "loans per message (default 500)"},
          {"encoding", "auto (default), utf-8 or gb18030 (also reads GBK)"},
          {"dry_run", "check every row on the server as a submit would decide it; nothing is stored", false, true},
          {"periods", "one result row per settlement period, with its subsidised days (calculation only)", false, true},
          {"submit", "upload the file as a claim (with --bank and --period)", false, true},
          {"bank", "the claim's bank_id (with --submit; with --dry_run: also checked against its earlier claims)"},
          {"period", "the claim's settlement period START..END, 21st to 20th: the window of every row"},
          {"fund", "the fund that pays the claim when it is approved (with --submit)"},
          {"request_id", "the claim's request_id (default: the file's fingerprint)"}},
         Claim});
  r.Add({{"loan", "policy"},
         "show the regime, caps, ceiling and LPR in force for a province, program and contract date",
         "",
         {{"province", "2-digit GB/T 2260 code", true},
          {"program", "a LoanProgram name", true},
          {"date", "contract date YYYY-MM-DD", true},
          {"region_tier", "EAST (default), CENTRAL_WEST or POVERTY_AREA"},
          {"lpr_tenor", "ONE_YEAR (default) or FIVE_YEAR"}},
         Policy});
}

}  // namespace subsidy::cli
