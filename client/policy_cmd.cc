// subsidyctl policy reforms|simulate|forecast: policy what-if (政策测算) on the stored loan book —
// the drafts shipped in data/reforms, a draft's cost against the rules in force by quarter, and the
// book's subsidy cost in coming quarters (LoanSubsidyService). Figures are exact 分; --csv writes
// them as CSV in the encoding asked for (utf-8 with a byte-order mark, or gb18030 for Excel).
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "formats/csv.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

using Stub = v1::LoanSubsidyService::Stub;

std::unique_ptr<Stub> NewStub(Context& ctx) { return v1::LoanSubsidyService::NewStub(ctx.Channel()); }

// A CSV cell of text (an id, a reason): quoted when it holds a comma, a quote or a line break; one
// that a spreadsheet would read as a formula (=, +, -, @) starts with ' so that it stays text.
std::string Cell(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Writes `utf8` to --out (default: standard output) in --out_encoding. 0, or the exit code.
int WriteCsv(Context& ctx, const Options& o, const std::string& utf8) {
  auto encoding = formats::EncodingFromName(o.Get("out_encoding", "utf-8"));
  if (!encoding.ok() || *encoding == formats::Encoding::kAuto) {
    return ctx.MustBe("--out_encoding", {"utf-8", "gb18030"});
  }
  auto bytes = formats::EncodeText(*encoding == formats::Encoding::kUtf8 ? "\xEF\xBB\xBF" + utf8 : utf8, *encoding);
  if (!bytes.ok()) return ctx.CannotWrite(o.Get("out", "-"), std::string(bytes.status().message()));
  if (!o.Has("out")) {
    *ctx.out << *bytes;
    return 0;
  }
  std::ofstream f(o.Get("out"), std::ios::binary);
  f << *bytes;
  return f.good() ? 0 : ctx.CannotWrite(o.Get("out"));
}

int BookFilter(Context& ctx, const Options& o, v1::LoanBookFilter* f) {
  for (const auto& b : absl::StrSplit(o.Get("bank"), ',', absl::SkipEmpty())) f->add_bank_ids(std::string(b));
  f->set_province(o.Get("province"));
  if (o.Has("program")) {
    v1::LoanProgram p;
    if (!v1::LoanProgram_Parse(o.Get("program"), &p)) return ctx.MustBe("--program", v1::LoanProgram_descriptor());
    f->set_program(p);
  }
  if (o.Has("year")) {
    int32_t y = 0;
    if (!absl::SimpleAtoi(o.Get("year"), &y)) return ctx.Usage(kCliUsageYear, {{"option", "--year"}});
    f->set_disbursement_year(y);
  }
  return 0;
}

void Figures(std::ostringstream& out, const v1::WhatIfFigures& f) {
  out << f.in_force_fen() << "," << f.draft_fen() << "," << f.difference_fen() << "," << f.claimed_fen() << ","
      << f.loans();
}

int Reforms(Context& ctx, const Options&) {
  v1::ListLoanReformsResponse r;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::ListLoanReforms, v1::ListLoanReformsRequest(), &r); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(r);
    return 0;
  }
  for (const auto& x : r.reforms()) {
    *ctx.out << x.reform_id() << "\t" << x.regime_id() << "\t" << x.effective_date() << "\t" << x.name() << "\n";
  }
  return 0;
}

int Simulate(Context& ctx, const Options& o) {
  v1::SimulateReformRequest req;
  if (o.Has("reform") == o.Has("reform_file")) return ctx.Usage(kCliUsageOneOf, {{"command", "policy simulate"}, {"options", ctx.Alternatives({"--reform=ID", "--reform_file=FILE"})}});
  if (o.Has("reform_file")) {
    std::ifstream in(o.Get("reform_file"), std::ios::binary);
    if (!in) return ctx.CannotRead(o.Get("reform_file"), std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    req.set_reform_text(text.str());
  }
  req.set_reform_id(o.Get("reform"));
  if (o.Has("detail") && o.Get("detail") != "loans") return ctx.MustBe("--detail", {"loans"});
  req.mutable_window()->set_start_date(o.Get("from"));
  req.mutable_window()->set_end_date(o.Get("to"));
  req.set_paid_claims(o.Has("paid_claims"));
  if (int rc = BookFilter(ctx, o, req.mutable_book()); rc != 0) return rc;
  // The streamed call: its progress on stderr as the server computes, the result last.
  if (int rc = ctx.CheckRequest(req); rc != 0) return rc;
  auto stub = NewStub(ctx);
  auto call = ctx.NewCall(10);
  auto reader = stub->StreamSimulateReform(call.get(), req);
  v1::SimulateReformProgress message;
  v1::SimulateReformResponse r;
  while (reader->Read(&message)) {
    if (message.has_result()) {
      r = std::move(*message.mutable_result());
    } else if (!ctx.json) {
      std::cerr << Say(ctx.language, kCliPolicyProgress,
                       {{"done", absl::StrCat(message.loans_done())}, {"total", absl::StrCat(message.loans_total())}})
                << "\n";
    }
  }
  if (grpc::Status s = reader->Finish(); !s.ok()) return ctx.Fail(s);
  if (ctx.json) {
    ctx.PrintJson(r);
    return 0;
  }
  std::ostringstream out;
  if (o.Get("detail") == "loans") {
    out << "bank_id,loan_id,eligible_in_force,eligible_draft,difference_fen,reasons_in_force,reasons_draft\n";
    for (const auto& c : r.changed()) {
      auto reasons = [](const auto& rs) {
        std::string s;
        for (const auto& x : rs) absl::StrAppend(&s, s.empty() ? "" : "; ", x.message());
        return s;
      };
      out << Cell(c.bank_id()) << "," << Cell(c.loan_id()) << "," << c.eligible_in_force() << "," << c.eligible_draft()
          << "," << c.difference_fen() << "," << Cell(reasons(c.reasons_in_force())) << ","
          << Cell(reasons(c.reasons_draft())) << "\n";
    }
    return WriteCsv(ctx, o, out.str());
  }
  out << "dimension,value,period_start,period_end,in_force_fen,draft_fen,difference_fen,claimed_fen,loans\n";
  for (const auto& q : r.quarters()) {
    out << "TOTAL,," << q.period().start_date() << "," << q.period().end_date() << ",";
    Figures(out, q.figures());
    out << "\n";
  }
  for (const auto& b : r.breakdown()) {
    out << b.dimension() << "," << Cell(b.value()) << "," << b.period().start_date() << "," << b.period().end_date()
        << ",";
    Figures(out, b.figures());
    out << "\n";
  }
  return WriteCsv(ctx, o, out.str());
}

int Forecast(Context& ctx, const Options& o) {
  v1::ForecastLoanSubsidiesRequest req;
  req.set_as_of(o.Get("as_of"));
  if (o.Has("quarters")) {
    int32_t n = 0;
    if (!absl::SimpleAtoi(o.Get("quarters"), &n)) return ctx.Usage(kCliUsageInteger, {{"option", "--quarters"}});
    req.set_quarters(n);
  }
  // --lpr_path=2027-01-20:2.90:3.40,2027-06-20:2.80:3.30
  for (const auto& point : absl::StrSplit(o.Get("lpr_path"), ',', absl::SkipEmpty())) {
    std::vector<std::string> p = absl::StrSplit(point, ':');
    if (p.size() != 3) return ctx.Usage(kCliUsageFormat, {{"option", "--lpr_path"}, {"format", "DATE:1Y:5Y,DATE:1Y:5Y"}, {"example", "2027-01-20:2.90:3.40"}});
    auto* x = req.add_lpr_path();
    x->set_effective_date(p[0]);
    x->set_lpr_1y_percent(p[1]);
    x->set_lpr_5y_percent(p[2]);
  }
  if (o.Has("new_lending_file")) {
    std::ifstream in(o.Get("new_lending_file"), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || !google::protobuf::util::JsonStringToMessage(text.str(), req.mutable_new_lending()).ok()) {
      return ctx.Usage(kCliUsageFormat, {{"option", "--new_lending_file"}, {"format", "NewLending (JSON)"}});
    }
  }
  if (int rc = BookFilter(ctx, o, req.mutable_book()); rc != 0) return rc;
  v1::ForecastLoanSubsidiesResponse r;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::ForecastLoanSubsidies, req, &r); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(r);
    return 0;
  }
  std::ostringstream out;
  out << "period_start,period_end,book_fen,new_lending_fen,total_fen,loans,claimed_fen,error_fen,error_percent\n";
  for (const auto& q : r.quarters()) {
    out << q.period().start_date() << "," << q.period().end_date() << "," << q.book_fen() << "," << q.new_lending_fen()
        << "," << q.total_fen() << "," << q.loans() << ",";
    if (q.claimed_known()) out << q.claimed_fen() << "," << q.error_fen() << "," << q.error_percent();
    else out << ",,";
    out << "\n";
  }
  for (const auto& a : r.assumptions()) out << "# " << a.message() << "\n";
  return WriteCsv(ctx, o, out.str());
}

const OptionSpec kBank = {"bank", "only these banks (comma-separated ids)"};
const OptionSpec kProvince = {"province", "only this province (2-digit code)"};
const OptionSpec kProgram = {"program", "only this program (ENTREPRENEUR_SMALL_BUSINESS, …)"};
const OptionSpec kYear = {"year", "only loans disbursed in this year"};
const OptionSpec kOut = {"out", "write the CSV to this file (default: standard output)"};
const OptionSpec kOutEncoding = {"out_encoding", "utf-8 (default, with a byte-order mark) or gb18030"};

}  // namespace

void RegisterPolicyCommands(Registry& r) {
  r.Add({{"policy", "reforms"}, "the draft rules shipped in data/reforms (政策草案)", "Usage: subsidyctl policy reforms", {},
         Reforms});
  r.Add({{"policy", "simulate"},
         "a draft's cost against the rules in force, by quarter, bank, province, program and borrower type (CSV)",
         "Usage: subsidyctl policy simulate (--reform=ID | --reform_file=F.textproto) --from=YYYY-MM-DD --to=YYYY-MM-DD\n"
         "       [--paid_claims] [--bank=B1,B2] [--province=41] [--program=P] [--year=Y] [--detail=loans]\n"
         "       [--out=F.csv] [--out_encoding=utf-8|gb18030]\n"
         "--paid_claims runs the lines of PAID claims for the window instead of the loan book: the in-force\n"
         "column then equals claimed_fen. --detail=loans lists the loans whose eligibility changes.",
         {{"reform", "a draft of subsidyctl policy reforms"},
          {"reform_file", "a draft's text (data/reforms/*.textproto shows the form)"},
          {"from", "the first settlement period (the one containing this date)", true},
          {"to", "the last settlement period (the one containing this date)", true},
          {"paid_claims", "run the paid claims' lines instead of the book", false, true},
          {"detail", "loans: the loans whose eligibility changes"},
          kBank, kProvince, kProgram, kYear, kOut, kOutEncoding},
         Simulate});
  r.Add({{"policy", "forecast"},
         "the loan book's subsidy cost in coming quarters; from an earlier --as_of, compared with the claims (CSV)",
         "Usage: subsidyctl policy forecast [--as_of=YYYY-MM-DD] [--quarters=N] [--lpr_path=DATE:1Y:5Y,…]\n"
         "       [--new_lending_file=F.json] [--bank=B] [--province=41] [--program=P] [--year=Y]\n"
         "       [--out=F.csv] [--out_encoding=utf-8|gb18030]",
         {{"as_of", "the date the forecast starts from (default today)"},
          {"quarters", "how many settlement periods (default 4, at most 40)"},
          {"lpr_path", "an LPR scenario: DATE:1Y:5Y points after the last confirmed date (default: the latest fixing stays)"},
          {"new_lending_file", "assumed new lending: a NewLending message as JSON"},
          kBank, kProvince, kProgram, kYear, kOut, kOutEncoding},
         Forecast});
}

}  // namespace subsidy::cli
