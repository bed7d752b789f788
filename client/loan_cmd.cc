// subsidyctl loan calc|batch|claim|policy
#include <unistd.h>

#include <fstream>
#include <map>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "claim_cmd.h"
#include "formats/claim_file.h"
#include "formats/csv.h"
#include "cli.h"
#include "formats/wire.h"
#include "subsidy/v1/loan.grpc.pb.h"

namespace subsidy::cli {
namespace {

void PrintResult(Context& ctx, const v1::LoanSubsidyResult& r) {
  if (ctx.json) {
    ctx.PrintJson(r);
    return;
  }
  auto& out = *ctx.out;
  out << "loan " << (r.loan_id().empty() ? "(no id)" : r.loan_id()) << ": " << (r.eligible() ? "ELIGIBLE" : "NOT ELIGIBLE")
      << "\n";
  out << "  regime " << (r.regime_id().empty() ? "-" : r.regime_id()) << ", LPR " << r.lpr_percent() << " %, ceiling "
      << (r.ceiling_percent().empty() ? "-" : r.ceiling_percent()) << " %, subsidy rate " << r.subsidy_rate_percent()
      << " %\n";
  for (const auto& reason : r.reasons()) out << "  " << reason.code() << ": " << reason.message() << "\n";
  out << absl::StrFormat("  %-10s  %-10s  %5s  %16s  %16s  %16s\n", "start", "end", "days", "interest_元", "subsidy_元",
                         "borrower_元");
  for (const auto& p : r.periods()) {
    out << absl::StrFormat("  %-10s  %-10s  %5d  %16s  %16s  %16s\n", p.start_date(), p.end_date(), p.days(),
                           Yuan(p.interest_fen()), Yuan(p.subsidy_fen()), Yuan(p.borrower_fen()));
  }
  out << absl::StrFormat("  %-10s  %-10s  %5s  %16s  %16s  %16s\n", "total", "", "", Yuan(r.total_interest_fen()),
                         Yuan(r.total_subsidy_fen()), Yuan(r.total_borrower_fen()));
}

int Calc(Context& ctx, const Options& o) {
  v1::LoanSubsidyRequest req;
  req.set_loan_id(o.Get("loan_id"));
  req.set_province(o.Get("province"));
  v1::RegionTier tier = v1::REGION_TIER_UNSPECIFIED;
  if (o.Has("region_tier") && !v1::RegionTier_Parse(o.Get("region_tier"), &tier)) {
    return ctx.Usage("--region_tier must be " + EnumChoices(v1::RegionTier_descriptor()));
  }
  req.set_region_tier(tier);
  v1::LoanProgram program = v1::LOAN_PROGRAM_UNSPECIFIED;
  if (o.Has("program") && !v1::LoanProgram_Parse(o.Get("program"), &program)) {
    return ctx.Usage("--program must be " + EnumChoices(v1::LoanProgram_descriptor()));
  }
  req.set_program(program);
  int32_t n = 0;
  int64_t fen = 0;
  if (o.Has("partners") && !absl::SimpleAtoi(o.Get("partners"), &n)) return ctx.Usage("--partners must be an integer");
  req.set_partner_count(n);
  n = 0;
  if (o.Has("prior") && !absl::SimpleAtoi(o.Get("prior"), &n)) return ctx.Usage("--prior must be an integer");
  req.set_prior_subsidized_loans(n);
  if (!absl::SimpleAtoi(o.Get("principal_fen"), &fen)) return ctx.Usage("--principal_fen must be an integer (分)");
  req.set_principal_fen(fen);
  req.set_contract_date(o.Get("contract"));
  req.set_disbursement_date(o.Get("disbursement", o.Get("contract")));
  req.set_maturity_date(o.Get("maturity"));
  req.set_annual_rate_percent(o.Get("rate"));
  if (o.Has("lpr_tenor")) {
    v1::LprTenor t;
    if (!v1::LprTenor_Parse(o.Get("lpr_tenor"), &t)) return ctx.Usage("--lpr_tenor must be ONE_YEAR or FIVE_YEAR");
    req.set_lpr_tenor(t);
  }
  if (o.Has("day_count")) {
    v1::DayCount d;
    if (!v1::DayCount_Parse(o.Get("day_count"), &d)) return ctx.Usage("--day_count must be ACT_360 or ACT_365");
    req.set_day_count(d);
  }
  for (const auto& r : o.GetAll("repayment")) {
    std::vector<std::string> parts = absl::StrSplit(r, ':');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &fen)) return ctx.Usage("--repayment must be DATE:FEN");
    auto* x = req.add_repayments();
    x->set_date(parts[0]);
    x->set_principal_fen(fen);
  }
  for (const auto& r : o.GetAll("overdue")) {
    if (!ParsePeriod(r, req.add_overdue_periods())) return ctx.Usage("--overdue must be START..END");
  }
  if (o.Has("claim") && !ParsePeriod(o.Get("claim"), req.mutable_claim_period())) {
    return ctx.Usage("--claim must be START..END");
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
  if (!v1::LoanProgram_Parse(o.Get("program"), &program)) return ctx.Usage("--program must be " + EnumChoices(v1::LoanProgram_descriptor()));
  req.set_program(program);
  v1::RegionTier tier = v1::REGION_TIER_UNSPECIFIED;
  if (!v1::RegionTier_Parse(o.Get("region_tier", "EAST"), &tier)) return ctx.Usage("--region_tier must be " + EnumChoices(v1::RegionTier_descriptor()));
  req.set_region_tier(tier);
  if (o.Has("lpr_tenor")) {
    v1::LprTenor t;
    if (!v1::LprTenor_Parse(o.Get("lpr_tenor"), &t)) return ctx.Usage("--lpr_tenor must be ONE_YEAR or FIVE_YEAR");
    req.set_lpr_tenor(t);
  }
  auto stub = v1::LoanSubsidyService::NewStub(ctx.Channel());
  v1::LoanPolicy p;
  if (int rc = Invoke(ctx, *stub, &v1::LoanSubsidyService::Stub::GetLoanPolicy, req, &p); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(p);
    return 0;
  }
  auto& out = *ctx.out;
  out << "regime            " << p.regime_id() << " [" << p.status() << "]  " << p.regime_name() << "\n"
      << "contract dates    " << p.regime_start_date() << " … " << p.regime_end_date() << " (province " << p.province()
      << ")\n"
      << "subsidy formula   " << p.subsidy_formula() << "\n"
      << "LPR (" << p.lpr_tenor() << ")    " << p.lpr_percent() << " % from " << p.lpr_effective_date()
      << (p.lpr_confirmed() ? "" : " (UNCONFIRMED: after the last confirmed fixing)") << "; " << p.lpr_source() << "\n"
      << "rate ceiling      LPR + " << p.ceiling_spread_bp() << " bp = " << p.ceiling_percent() << " %\n"
      << "loan cap          " << Yuan(p.loan_cap_fen()) << " 元; subsidy on at most " << Yuan(p.subsidy_base_cap_fen())
      << " 元\n";
  if (p.per_partner_cap_fen() > 0) {
    out << "per partner       " << Yuan(p.per_partner_cap_fen()) << " 元 (× partners × " << p.partner_markup_percent()
        << " %)\n";
  }
  out << "subsidy term      " << p.subsidy_term_years() << " years; at most " << p.prior_subsidized_loans_allowed()
      << " prior subsidised loans\n"
      << "source            " << p.source() << "\n"
      << "data version      " << p.data_version() << "\n";
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

// A claim file's rows on their way: every row gets a result, in file order. Rows that do not parse
// (or repeat a loan_id) get their error at once; the others are sent in batches, and the server's
// answer fills their slot.
struct ClaimRows {
  std::vector<v1::LoanSubsidyResult> results;
  std::vector<size_t> lines;       // the file line of each result
  std::vector<int> sent_index;     // result slot of each loan sent
  std::vector<v1::LoanSubsidyBatchRequest> batches;
};

ClaimRows ReadClaimRows(const std::string& path, const std::vector<formats::CsvRecord>& records,
                        const formats::ClaimFileReader& reader, int batch_size) {
  ClaimRows rows;
  rows.batches.resize(1);
  std::map<std::string, size_t> first_line_of;
  for (size_t k = 1; k < records.size(); ++k) {
    const formats::CsvRecord& rec = records[k];
    const std::string loan_id = reader.LoanId(rec.cells);
    const std::string where = absl::StrCat(path, ":", rec.line, " (loan_id ", loan_id.empty() ? "?" : loan_id, "): ");
    rows.lines.push_back(rec.line);
    auto req = reader.ParseRow(rec.cells);
    if (!req.ok()) {
      rows.results.push_back(RowError(loan_id, where + std::string(req.status().message())));
      continue;
    }
    if (auto [it, fresh] = first_line_of.emplace(loan_id, rec.line); !fresh) {
      rows.results.push_back(RowError(loan_id, absl::StrCat(where, "loan_id repeats line ", it->second,
                                                            ": a loan is claimed once per file")));
      continue;
    }
    if (auto field = formats::FindInvalidUtf8(*req)) {
      rows.results.push_back(RowError(loan_id, where + *field + " is not valid UTF-8"));
      continue;
    }
    rows.results.emplace_back();
    if (rows.batches.back().loans_size() >= batch_size) rows.batches.emplace_back();
    *rows.batches.back().add_loans() = std::move(*req);
    rows.sent_index.push_back(static_cast<int>(rows.results.size()) - 1);
  }
  if (rows.batches.back().loans_size() == 0) rows.batches.pop_back();
  return rows;
}

// Streams the batches to the server and puts each answer in its row's slot; a loan it did not
// answer gets why. 0, or 1 when the stream failed (said on stderr).
int CalculateClaim(Context& ctx, const std::string& path, const std::vector<formats::CsvRecord>& records,
                   const formats::ClaimFileReader& reader, ClaimRows& rows) {
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
      if (received >= rows.sent_index.size()) break;
      const size_t slot = static_cast<size_t>(rows.sent_index[received++]);
      if (r.has_error() && !r.error().code().empty()) {
        // The server's error for this loan, with the line and loan_id it came from.
        r.mutable_error()->set_message(absl::StrCat(path, ":", rows.lines[slot], " (loan_id ", r.loan_id(),
                                                    "): ", r.error().field().empty() ? "" : r.error().field() + ": ",
                                                    r.error().message()));
      }
      rows.results[slot] = std::move(r);
    }
    if (tty) std::cerr << "\r  " << received << " / " << rows.sent_index.size() << " loans" << std::flush;
  }
  writer.join();
  if (tty) std::cerr << std::endl;
  const grpc::Status s = stream->Finish();
  // Loans the server did not answer are written too, with why.
  const std::string why = s.ok() ? "the server answered fewer loans than were sent"
                                 : "not calculated: " + s.error_message();
  for (size_t k = received; k < rows.sent_index.size(); ++k) {
    const size_t slot = static_cast<size_t>(rows.sent_index[k]);
    rows.results[slot] = RowError(reader.LoanId(records[slot + 1].cells), absl::StrCat(path, ":", rows.lines[slot], ": ", why));
    rows.results[slot].mutable_error()->set_code(s.ok() ? "INTERNAL" : absl::StatusCodeToString(
                                                                           static_cast<absl::StatusCode>(s.error_code())));
  }
  return s.ok() ? 0 : ctx.Fail(s);
}

// What the rows came to: the rows calculated, by eligibility, with their totals; and the errors.
struct ClaimTotals {
  MoneyTotal interest, subsidy, borrower;
  int eligible = 0, ineligible = 0, errors = 0;
};

// The result file: a line per row, or with --periods a line per settlement period. Each row's
// error also goes to stderr (not with --json). 0, or 1 when the file cannot be written.
int WriteClaimResults(Context& ctx, bool periods, const std::string& out_path, const ClaimRows& rows, ClaimTotals& t) {
  std::ofstream out(out_path);
  out << (periods ? formats::PeriodCsvHeader() : formats::ResultCsvHeader()) << "\n";
  for (size_t k = 0; k < rows.results.size(); ++k) {
    const auto& r = rows.results[k];
    if (periods) {
      out << formats::PeriodCsvRows(rows.lines[k], r);
    } else {
      out << formats::ResultCsvRow(rows.lines[k], r) << "\n";
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
  out.close();
  if (!out) return ctx.CannotWrite(out_path);
  return 0;
}

void PrintClaimSummary(Context& ctx, const Options& o, const std::string& path, const formats::CsvFile& file,
                       const std::string& out_path, size_t loans, const ClaimTotals& t) {
  const bool dry_run = o.Has("dry_run");
  if (ctx.json) {
    // protobuf's JSON mapping: counts are numbers, money (int64 分) is a string.
    google::protobuf::Struct summary;
    auto& f = *summary.mutable_fields();
    f["file"].set_string_value(path);
    f["encoding"].set_string_value(file.encoding);
    f["loans"].set_number_value(static_cast<double>(loans));
    f["eligible"].set_number_value(t.eligible);
    f["ineligible"].set_number_value(t.ineligible);
    f["errors"].set_number_value(t.errors);
    f["total_interest_fen"].set_string_value(absl::StrCat(t.interest.fen()));
    f["total_subsidy_fen"].set_string_value(absl::StrCat(t.subsidy.fen()));
    f["total_borrower_fen"].set_string_value(absl::StrCat(t.borrower.fen()));
    f["result_file"].set_string_value(out_path);
    f["dry_run"].set_bool_value(dry_run);
    ctx.PrintJson(summary);
    return;
  }
  *ctx.out << "file        " << path << " (" << file.encoding << ")\n"
           << "loans       " << loans << " (eligible " << t.eligible << ", ineligible " << t.ineligible << ", errors "
           << t.errors << ")" << (dry_run ? " — checked, not calculated" : "") << "\n";
  if (!dry_run) {
    *ctx.out << "interest    " << Yuan(t.interest.fen()) << " 元\n"
             << "subsidy     " << Yuan(t.subsidy.fen()) << " 元\n"
             << "borrower    " << Yuan(t.borrower.fen()) << " 元\n";
  }
  *ctx.out << "results     " << out_path << "\n";
}

int Claim(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage("loan claim: give exactly one FILE.csv");
  const std::string path = o.positional()[0];
  int batch_size = 500;
  if (o.Has("batch") && (!absl::SimpleAtoi(o.Get("batch"), &batch_size) || batch_size <= 0)) {
    return ctx.Usage("--batch must be a positive integer");
  }
  formats::CsvFile file;
  if (int rc = ReadCsv(ctx, o, path, &file); rc != 0) return rc;
  const std::vector<formats::CsvRecord>& records = file.records;
  auto reader = formats::ClaimFileReader::FromHeader(records.front().cells);
  if (!reader.ok()) {
    return ctx.Fail(absl::StrCat(path, ":", records.front().line, ": ", reader.status().message()));
  }
  if (o.Has("submit")) return SubmitClaimFile(ctx, o, path, file, *reader, batch_size);

  ClaimRows rows = ReadClaimRows(path, records, *reader, batch_size);
  int exit_code = 0;
  if (o.Has("dry_run")) {
    // Checked, not calculated: the rows that would be sent are marked so.
    for (int slot : rows.sent_index) {
      rows.results[static_cast<size_t>(slot)].set_loan_id(reader->LoanId(records[static_cast<size_t>(slot) + 1].cells));
    }
  } else if (!rows.sent_index.empty()) {
    exit_code = CalculateClaim(ctx, path, records, *reader, rows);
  }
  const std::string out_path = o.Get("out", path + ".result.csv");
  ClaimTotals totals;
  if (int rc = WriteClaimResults(ctx, o.Has("periods"), out_path, rows, totals); rc != 0) return rc;
  PrintClaimSummary(ctx, o, path, file, out_path, rows.results.size(), totals);
  return exit_code;  // rows with errors are data, in the result file; a failed call is not
}

}  // namespace

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
          {"repayment", "DATE:FEN, repeatable"},
          {"overdue", "START..END, repeatable"},
          {"claim", "claim window START..END (default: the whole life)"}},
         Calc});
  r.Add({{"loan", "claim"},
         "calculate a bank's claim file (CSV) into a result CSV, or --submit it as the quarter's claim",
         "Usage: subsidyctl loan claim FILE.csv [--out=RESULT.csv] [--encoding=auto|utf-8|gb18030] [--dry_run]\n"
         "       subsidyctl loan claim FILE.csv --submit --bank=BANK_ID --period=2024-06-21..2024-09-20\n"
         "Without --submit the file is only calculated. With it, the file is uploaded as one claim: every loan\n"
         "recomputed by the server, stored ACCEPTED, INVALID or DUPLICATE (claimed before for the period), and the\n"
         "claim printed with its totals. Running the same command again answers the same claim.\n"
         "The file may be UTF-8 (with or without a byte-order mark) or GB18030/GBK, with Excel's CRLF line ends\n"
         "and quoted cells. Every row gets a line in the result file: its figures, or its error. Errors name the\n"
         "line and the loan_id (also on stderr); the exit code is 1 only when the server could not be used.\n"
         "Columns: loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,\n"
         "  contract_date,disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,\n"
         "  claim_start,claim_end,day_count\n"
         "Cells: repayments \"DATE:FEN;DATE:FEN\", overdue_periods \"START..END;START..END\", enums by API name.",
         {{"out", "result file (default FILE.csv.result.csv)"},
          {"batch", "loans per message (default 500)"},
          {"encoding", "auto (default), utf-8 or gb18030 (also reads GBK)"},
          {"dry_run", "check the file without calculating", false, true},
          {"periods", "one result row per settlement period, with its subsidised days", false, true},
          {"submit", "upload the file as a claim (with --bank and --period)", false, true},
          {"bank", "the claim's bank_id (with --submit)"},
          {"period", "the claim's settlement period START..END, 21st to 20th (with --submit)"},
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
