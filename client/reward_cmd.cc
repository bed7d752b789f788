// subsidyctl reward policies|submit|submit-file|get|list|payment-file|disburse
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "approval_cmd.h"
#include "formats/claim_file.h"
#include "formats/csv.h"
#include "cli.h"
#include "formats/wire.h"
#include "payment_words.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

// A payout's status (SCHEDULED, or 待兑付).
std::string StatusText(const Context& ctx, v1::PayoutStatus s) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"SCHEDULED", kCliPayoutStatusScheduled}, {"REJECTED", kCliPayoutStatusRejected},
      {"DISBURSED", kCliPayoutStatusDisbursed}, {"CANCELLED", kCliPayoutStatusCancelled},
      {"RETURNED", kCliPayoutStatusReturned}};
  return Word(ctx.language, *kWords, v1::PayoutStatus_Name(s));
}

// A reward policy's formula and repeat rule (FIXED, or 定额; ONCE_EVER, or 每家企业仅一次).
std::string RuleText(const Context& ctx, const std::string& name) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"FIXED", kCliFormulaFixed},
      {"RATE_WITH_CAP", kCliFormulaRateWithCap},
      {"PER_UNIT", kCliFormulaPerUnit},
      {"TIERED", kCliFormulaTiered},
      {"ONCE_EVER", kCliRepeatOnceEver},
      {"ONCE_PER_YEAR", kCliRepeatOncePerYear},
      {"ANNUAL_CAP", kCliRepeatAnnualCap},
      {"GROUP_HIGHEST_PER_YEAR", kCliRepeatGroupHighestPerYear}};
  return Word(ctx.language, *kWords, name);
}

void PrintPayoutLine(Context& ctx, const v1::Payout& p) {
  std::vector<std::string> reasons;
  for (const auto& r : p.reasons()) reasons.push_back(r.code());
  *ctx.out << Say(ctx.language, kCliPayoutRow,
                  {{"payout_id", absl::StrFormat("%-12s", p.payout_id())},
                   {"policy_id", absl::StrFormat("%-24s", p.policy_id())},
                   {"uscc", absl::StrFormat("%-18s", p.enterprise_uscc())},
                   {"status", Cell(StatusText(ctx, p.status()), 9)},
                   {"amount_yuan", absl::StrFormat("%14s", Yuan(p.amount_fen()))},
                   {"determined", p.determination_date()},
                   {"due", absl::StrFormat("%-10s", OrDash(p.due_date()))},
                   {"paid", absl::StrFormat("%-10s", OrDash(p.paid_date()))},
                   {"voucher", p.voucher_no()},
                   {"reasons", absl::StrJoin(reasons, ",")}});
  if (!p.payment_id().empty()) {
    *ctx.out << "  "
             << Say(ctx.language, kCliPayoutRowPayment,
                    {{"payment_id", p.payment_id()}, {"state", PaymentStateText(ctx.language, p.payment_state())}});
  }
  *ctx.out << "\n";
}

void PrintPayout(Context& ctx, const v1::Payout& p) {
  if (ctx.json) {
    ctx.PrintJson(p);
    return;
  }
  const std::string& lang = ctx.language;
  std::string paid = "-";
  if (!p.paid_date().empty()) {
    paid = Say(lang, kCliPayoutPaidVoucher, {{"paid_date", p.paid_date()}, {"voucher_no", p.voucher_no()}});
  }
  *ctx.out << Say(lang, kCliPayout,
                  {{"payout_id", p.payout_id()},
                   {"status", StatusText(ctx, p.status())},
                   {"amount_yuan", Yuan(p.amount_fen())},
                   {"policy_id", p.policy_id()},
                   {"uscc", p.enterprise_uscc()},
                   {"name", p.enterprise_name()},
                   {"determined", p.determination_date()},
                   {"due", OrDash(p.due_date())},
                   {"paid", paid}})
           << "\n";
  if (!p.payment_id().empty()) {
    *ctx.out << Say(lang, kCliPayoutPayment,
                    {{"payment_id", p.payment_id()}, {"state", PaymentStateText(lang, p.payment_state())}})
             << "\n";
  }
  for (const auto& r : p.reasons()) *ctx.out << "  " << r.code() << ": " << r.message() << "\n";
}

int Policies(Context& ctx, const Options& o) {
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::ListRewardPoliciesRequest req;
  if (o.Has("year")) {
    int year = 0;
    if (!absl::SimpleAtoi(o.Get("year"), &year)) return ctx.Usage(kCliUsageYear, {{"option", "--year"}});
    req.set_budget_year(year);
  }
  v1::ListRewardPoliciesResponse resp;
  if (int rc = Invoke(ctx, *stub, &v1::RewardPayoutService::Stub::ListRewardPolicies, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  for (const auto& p : resp.policies()) {
    StatusParams params = {{"policy_id", p.policy_id()},
                           {"status", p.status()},
                           {"name", p.name()},
                           {"department", p.department()},
                           {"formula", RuleText(ctx, p.formula())},
                           {"formula_description", p.formula_description()},
                           {"repeat_rule", RuleText(ctx, p.repeat_rule())},
                           {"days", absl::StrCat(p.payout_working_days())},
                           {"budget_yuan", Yuan(p.budget_fen())},
                           {"year", absl::StrCat(p.budget_year())},
                           {"budget_basis", Say(ctx.language, p.funded() ? kCliBudgetFunded : kCliBudgetOwn, {})},
                           {"remaining_yuan", Yuan(p.remaining_budget_fen())}};
    if (!p.group().empty()) params.emplace("group", p.group());
    *ctx.out << Say(ctx.language, kCliRewardPolicy, params) << "\n";
  }
  *ctx.out << Say(ctx.language, kCliDataVersion, {{"data_version", resp.data_version()}}) << "\n";
  return 0;
}

int Submit(Context& ctx, const Options& o) {
  v1::SubmitDeterminationRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_policy_id(o.Get("policy"));
  req.set_enterprise_uscc(o.Get("uscc"));
  req.set_enterprise_name(o.Get("name"));
  req.set_determination_date(o.Get("date"));
  req.set_payee_account(o.Get("payee_account"));
  req.set_payee_bank(o.Get("payee_bank"));
  for (const auto& m : o.GetAll("metric")) {
    const size_t eq = m.find('=');
    if (eq == std::string::npos) return ctx.Usage(kCliUsageFormat, {{"option", "--metric"}, {"format", "NAME=VALUE"}});
    (*req.mutable_metrics())[m.substr(0, eq)] = m.substr(eq + 1);
  }
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::Payout p;
  if (int rc = Invoke(ctx, *stub, &v1::RewardPayoutService::Stub::SubmitDetermination, req, &p); rc != 0) return rc;
  PrintPayout(ctx, p);
  return 0;
}

int Get(Context& ctx, const Options& o) {
  v1::GetPayoutRequest req;
  req.set_payout_id(o.Get("payout"));
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::Payout p;
  if (int rc = Invoke(ctx, *stub, &v1::RewardPayoutService::Stub::GetPayout, req, &p); rc != 0) return rc;
  PrintPayout(ctx, p);
  return 0;
}

int Cancel(Context& ctx, const Options& o) {
  v1::CancelPayoutRequest req;
  req.set_payout_id(o.Get("payout"));
  req.set_reason(o.Get("reason"));
  req.set_request_id(o.Get("request_id", "cancel-" + req.payout_id()));
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::Payout p;
  if (int rc = Invoke(ctx, *stub, &v1::RewardPayoutService::Stub::CancelPayout, req, &p); rc != 0) return rc;
  PrintPayout(ctx, p);
  return 0;
}

// The list request from the filter options (shared by list and payment-file).
int ListRequestFrom(Context& ctx, const Options& o, v1::ListPayoutsRequest* req) {
  req->set_policy_id(o.Get("policy"));
  req->set_enterprise_uscc(o.Get("uscc"));
  if (o.Has("status")) {
    v1::PayoutStatus st;
    if (!v1::PayoutStatus_Parse(o.Get("status"), &st)) {
      return ctx.MustBe("--status", v1::PayoutStatus_descriptor());
    }
    req->set_status(st);
  }
  req->set_overdue_as_of(o.Get("overdue_as_of"));
  req->set_paid_date(o.Get("paid_date"));
  req->set_paid_late(o.Has("late"));
  int32_t size = 0;
  if (o.Has("page_size") && !absl::SimpleAtoi(o.Get("page_size"), &size)) {
    return ctx.Usage(kCliUsageInteger, {{"option", "--page_size"}});
  }
  req->set_page_size(size);
  req->set_page_token(o.Get("page_token"));
  return 0;
}

// Every page (or one), into one response: payouts in order, the totals of the whole filter.
int FetchPayouts(Context& ctx, v1::ListPayoutsRequest req, bool all, v1::ListPayoutsResponse* out) {
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  req.set_with_totals(true);  // once, with the first page
  for (;;) {
    v1::ListPayoutsResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::RewardPayoutService::Stub::ListPayouts, req, &resp); rc != 0) return rc;
    for (auto& p : *resp.mutable_payouts()) *out->add_payouts() = std::move(p);
    if (req.with_totals()) {
      out->set_total_count(resp.total_count());
      out->set_total_amount_fen(resp.total_amount_fen());
    }
    out->set_next_page_token(resp.next_page_token());
    if (!all || resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
    req.set_with_totals(false);
  }
}

int List(Context& ctx, const Options& o) {
  v1::ListPayoutsRequest req;
  if (int rc = ListRequestFrom(ctx, o, &req); rc != 0) return rc;
  v1::ListPayoutsResponse all;
  if (int rc = FetchPayouts(ctx, req, o.Has("all"), &all); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(all);  // one document, with the totals
    return 0;
  }
  for (const auto& p : all.payouts()) PrintPayoutLine(ctx, p);
  StatusParams shown = {{"shown", absl::StrCat(all.payouts_size())},
                        {"total", absl::StrCat(all.total_count())},
                        {"amount_yuan", Yuan(all.total_amount_fen())}};
  if (!all.next_page_token().empty()) shown.emplace("next", "--page_token=" + all.next_page_token());
  *ctx.out << Say(ctx.language, kCliPayoutsShown, shown) << "\n";
  return 0;
}

// The bank's payment file for a disbursement run: every payout paid on --paid_date, or every line of
// the payment batch --batch, as the server writes it (RewardPayoutService.GetPaymentFile: the one
// format, also the console's).
int PaymentFile(Context& ctx, const Options& o) {
  const std::string batch = o.Get("batch");
  if (o.Has("batch") == o.Has("paid_date")) return ctx.Usage(kCliUsageOneOf, {{"command", "reward payment-file"}, {"options", ctx.Alternatives({"--paid_date", "--batch"})}});
  if (o.Has("batch") && (batch.empty() || o.Has("policy"))) {
    if (batch.empty()) return ctx.Usage(kCliUsageEmpty, {{"option", "--batch"}, {"example", "--batch=PB-20240520"}});
    // A batch's file has every line of the batch.
    return ctx.Usage(kCliUsageGoesWith, {{"options", "--policy"}, {"with", "--paid_date"}});
  }
  v1::GetPaymentFileRequest req;
  req.set_paid_date(o.Get("paid_date"));
  req.set_policy_id(o.Get("policy"));
  req.set_encoding(o.Get("encoding", "utf-8"));
  req.set_batch_id(batch);
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::PaymentFile file;
  if (int rc = Invoke(ctx, *stub, &v1::RewardPayoutService::Stub::GetPaymentFile, req, &file); rc != 0) return rc;
  const std::string out_path = o.Get("out", batch.empty() ? "payments-" + o.Get("paid_date") + ".csv" : batch + ".csv");
  std::ofstream out(out_path, std::ios::binary);
  out << file.content();
  out.close();
  if (!out) return ctx.CannotWrite(out_path);
  if (ctx.json) {
    google::protobuf::Struct summary;
    auto& f = *summary.mutable_fields();
    f["file"].set_string_value(out_path);
    f["payments"].set_number_value(static_cast<double>(file.payment_count()));
    f["total_amount_fen"].set_string_value(absl::StrCat(file.total_amount_fen()));
    ctx.PrintJson(summary);
  } else {
    *ctx.out << Say(ctx.language, kCliPaymentFileWritten,
                    {{"payments", absl::StrCat(file.payment_count())},
                     {"amount_yuan", Yuan(file.total_amount_fen())},
                     {"file", out_path},
                     {"encoding", o.Get("encoding", "utf-8")}})
             << "\n";
  }
  return 0;
}

// The fixed columns of a determinations file; every other column is a metric.
const std::vector<std::string> kDeterminationColumns = {"request_id", "policy_id", "enterprise_uscc",
                                                        "enterprise_name", "determination_date"};

// The file's columns by name, from its first row. 0, or 1 when a required one is missing.
int DeterminationColumns(Context& ctx, const std::string& path, const formats::CsvRecord& header,
                         std::map<std::string, size_t>* col) {
  for (size_t i = 0; i < header.cells.size(); ++i) (*col)[std::string(absl::StripAsciiWhitespace(header.cells[i]))] = i;
  for (const auto& c : kDeterminationColumns) {
    if (c != "enterprise_name" && !col->count(c)) {
      return ctx.Fail(kCliMissingColumn, {{"where", absl::StrCat(path, ":", header.line)},
                                          {"column", std::string(c)},
                                          {"columns", absl::StrJoin(kDeterminationColumns, ",")}});
    }
  }
  return 0;
}

// One row's determination: the fixed columns, and every metric column with a value.
v1::SubmitDeterminationRequest DeterminationFromRow(const std::map<std::string, size_t>& col,
                                                    const formats::CsvRecord& rec) {
  auto cell = [&](const std::string& name) -> std::string {
    auto it = col.find(name);
    return it == col.end() || it->second >= rec.cells.size() ? ""
                                                              : std::string(absl::StripAsciiWhitespace(rec.cells[it->second]));
  };
  v1::SubmitDeterminationRequest req;
  req.set_request_id(cell("request_id"));
  req.set_policy_id(cell("policy_id"));
  req.set_enterprise_uscc(cell("enterprise_uscc"));
  req.set_enterprise_name(cell("enterprise_name"));
  req.set_determination_date(cell("determination_date"));
  for (const auto& [name, i] : col) {
    if (std::find(kDeterminationColumns.begin(), kDeterminationColumns.end(), name) != kDeterminationColumns.end() ||
        i >= rec.cells.size()) {
      continue;
    }
    const std::string v(absl::StripAsciiWhitespace(rec.cells[i]));
    if (!v.empty()) (*req.mutable_metrics())[name] = v;
  }
  return req;
}

struct SubmitTotals {
  int64_t scheduled = 0, rejected = 0, errors = 0;
  MoneyTotal fen;  // scheduled
};

void PrintSubmitSummary(Context& ctx, const std::string& path, size_t determinations, const std::string& out_path,
                        const SubmitTotals& t) {
  if (ctx.json) {
    google::protobuf::Struct summary;
    auto& f = *summary.mutable_fields();
    f["file"].set_string_value(path);
    f["determinations"].set_number_value(static_cast<double>(determinations));
    f["scheduled"].set_number_value(static_cast<double>(t.scheduled));
    f["rejected"].set_number_value(static_cast<double>(t.rejected));
    f["errors"].set_number_value(static_cast<double>(t.errors));
    f["scheduled_fen"].set_string_value(absl::StrCat(t.fen.fen()));
    f["result_file"].set_string_value(out_path);
    ctx.PrintJson(summary);
  } else {
    *ctx.out << Say(ctx.language, kCliDeterminationsSummary,
                    {{"determinations", absl::StrCat(determinations)},
                     {"scheduled", absl::StrCat(t.scheduled)},
                     {"scheduled_yuan", Yuan(t.fen.fen())},
                     {"rejected", absl::StrCat(t.rejected)},
                     {"errors", absl::StrCat(t.errors)}})
             << "\n"
             << Say(ctx.language, kCliResults, {{"results", out_path}}) << "\n";
  }
}

// Bulk determinations from a CSV file: request_id, policy_id, enterprise_uscc, enterprise_name,
// determination_date, and one column per metric (named as the policy names it). Idempotent by
// request_id: a file sent again changes nothing and answers the same.
int SubmitFile(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "reward submit-file"}, {"what", "FILE.csv"}});
  const std::string path = o.positional()[0];
  formats::CsvFile file;
  if (int rc = ReadCsv(ctx, o, path, &file); rc != 0) return rc;
  const std::vector<formats::CsvRecord>& records = file.records;
  std::map<std::string, size_t> col;
  if (int rc = DeterminationColumns(ctx, path, records.front(), &col); rc != 0) return rc;
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  const std::string out_path = o.Get("out", path + ".result.csv");
  std::ofstream out(out_path);
  out << "line,request_id,payout_id,status,amount_fen,due_date,reasons,error\n";
  const bool tty = isatty(STDERR_FILENO) && !ctx.json;
  SubmitTotals t;
  for (size_t k = 1; k < records.size(); ++k) {
    const formats::CsvRecord& rec = records[k];
    const v1::SubmitDeterminationRequest req = DeterminationFromRow(col, rec);
    v1::Payout p;
    grpc::Status s;
    if (auto field = formats::FindInvalidUtf8(req)) {
      s = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, *field + " is not valid UTF-8");
    } else {
      auto call = ctx.NewCall();
      s = stub->SubmitDetermination(call.get(), req, &p);
    }
    std::vector<std::string> reasons;
    for (const auto& r : p.reasons()) reasons.push_back(r.code());
    if (s.ok()) {
      p.status() == v1::SCHEDULED ? ++t.scheduled : ++t.rejected;
      t.fen.Add(p.amount_fen());
      out << absl::StrCat(rec.line, ",", formats::CsvCell(req.request_id()), ",", p.payout_id(), ",",
                          v1::PayoutStatus_Name(p.status()), ",", p.amount_fen(), ",", p.due_date(), ",",
                          absl::StrJoin(reasons, ";"), ",")
          << "\n";
    } else {
      ++t.errors;
      const std::string why = absl::StrCat(path, ":", rec.line, " (request_id ", req.request_id(), "): ",
                                           s.error_message());
      if (!ctx.json) std::cerr << why << "\n";
      out << absl::StrCat(rec.line, ",", formats::CsvCell(req.request_id()), ",,ERROR,,,,", formats::CsvCell(why)) << "\n";
      if (s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
        out.close();
        return ctx.Fail(s);  // the server cannot be used: no point in going on
      }
    }
    if (tty) {
      std::cerr << "\r"
                << Say(ctx.language, kCliDeterminationsProgress,
                       {{"done", absl::StrCat(k)}, {"total", absl::StrCat(records.size() - 1)}})
                << std::flush;
    }
  }
  if (tty) std::cerr << std::endl;
  out.close();
  if (!out) return ctx.CannotWrite(out_path);
  PrintSubmitSummary(ctx, path, records.size() - 1, out_path, t);
  return 0;
}

int Disburse(Context& ctx, const Options& o) {
  v1::RunDisbursementRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_payment_date(o.Get("date"));
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::RunDisbursementResponse resp;
  if (int rc = Invoke(ctx, *stub, &v1::RewardPayoutService::Stub::RunDisbursement, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  const std::string held = Say(ctx.language, kCliDisburseHeld,
                               {{"date", req.payment_date()},
                                {"due_count", absl::StrCat(resp.due_count())},
                                {"due_yuan", Yuan(resp.due_fen())}});
  if (PrintHeld(ctx, resp.instruction_id(), resp.approval_state(), held)) return 0;
  *ctx.out << Say(ctx.language, kCliDisbursed,
                  {{"run_id", resp.run_id()},
                   {"date", resp.payment_date()},
                   {"paid_count", absl::StrCat(resp.paid_count())},
                   {"paid_yuan", Yuan(resp.paid_fen())},
                   {"late_count", absl::StrCat(resp.late_count())}})
           << "\n";
  return 0;
}

}  // namespace

void RegisterRewardCommands(Registry& r) {
  r.Add({{"reward", "policies"},
         "list the reward policies with their formulas, rules and budgets for a year (this year unless --year)",
         "Usage: subsidyctl reward policies [--year=2024]",
         {{"year", "the budget year, e.g. 2024 (default: this year)", false}},
         Policies});
  r.Add({{"reward", "submit"},
         "submit a department's determination; the payout is scheduled (or rejected, with reasons)",
         "Example: subsidyctl reward submit --request_id=D-1 --policy=YC-DIGITAL-TRANSFORM \\\n"
         "  --uscc=914403001922038216 --name=某公司 --date=2024-09-30 --metric=spend_fen=12345600",
         {{"request_id", "a unique id for this determination (a retry reuses it)", true},
          {"policy", "reward policy id", true},
          {"uscc", "the enterprise's unified social credit code", true},
          {"name", "the enterprise's name"},
          {"date", "determination date YYYY-MM-DD", true},
          {"metric", "NAME=VALUE (decimal integer), repeatable", false, false, true},
          {"payee_account", "the enterprise's account the award is paid to (shown masked elsewhere)"},
          {"payee_bank", "the enterprise's bank, 开户行"}},
         Submit});
  r.Add({{"reward", "get"}, "show one payout", "", {{"payout", "payout id, e.g. PO-00000001", true}}, Get});
  r.Add({{"reward", "cancel"},
         "cancel a SCHEDULED payout (finance): its budget and once-only key are freed; it is never paid",
         "",
         {{"payout", "payout id, e.g. PO-00000001", true},
          {"reason", "why", true},
          {"request_id", "default: cancel-PAYOUT_ID"}},
         Cancel});
  r.Add({{"reward", "list"},
         "list payouts with filters, a page at a time (--all for every page)",
         "",
         {{"policy", "policy id"},
          {"uscc", "enterprise USCC"},
          {"status", "SCHEDULED, REJECTED, DISBURSED, CANCELLED or RETURNED"},
          {"overdue_as_of", "YYYY-MM-DD: scheduled and past due on that date"},
          {"late", "only payouts paid after their due date", false, true},
          {"paid_date", "YYYY-MM-DD: only payouts paid on that date"},
          {"page_size", "rows per page (default 50, at most 500)"},
          {"page_token", "from the previous page"},
          {"all", "follow every page", false, true}},
         List});
  r.Add({{"reward", "payment-file"},
         "write the bank's payment file (CSV) for the payouts paid on --paid_date, or a payment batch's (--batch)",
         "Usage: subsidyctl reward payment-file (--paid_date=YYYY-MM-DD [--policy=P] | --batch=PB-…) [--out=FILE]\n"
         "--batch writes a payment batch's file instead (PB-YYYYMMDD, or PB-YYYYMMDD-R for a day's reissues):\n"
         "every line of the batch, payouts, claims and fund payments, with the payee's account whole.",
         {{"paid_date", "the disbursement run's payment date YYYY-MM-DD (or --batch)"},
          {"batch", "a payment batch's id, PB-YYYYMMDD or PB-YYYYMMDD-R (instead of --paid_date)"},
          {"policy", "only this policy's payouts (with --paid_date)"},
          {"out", "file to write (default payments-DATE.csv, or BATCH.csv)"},
          {"encoding", "utf-8 (default) or gb18030"}},
         PaymentFile});
  r.Add({{"reward", "submit-file"},
         "submit determinations in bulk from a CSV file, idempotent by its request_id column",
         "Columns: request_id,policy_id,enterprise_uscc,enterprise_name,determination_date, then one column per\n"
         "metric named as the policy names it (e.g. spend_fen). UTF-8 or GB18030 (--encoding). Each row's answer\n"
         "goes to the result file; sending the file again changes nothing and answers the same.",
         {{"out", "result file (default FILE.csv.result.csv)"}, {"encoding", "auto (default), utf-8 or gb18030"}},
         SubmitFile});
  r.Add({{"reward", "disburse"},
         "pay every scheduled payout determined on or before --date (idempotent by --request_id)",
         "Under dual control (双人复核) a run asked by a person waits as a PENDING_APPROVAL instruction until a\n"
         "second finance officer approves it (subsidyctl approvals); nothing is paid until then.",
         {{"request_id", "a unique id for this run (a retry reuses it)", true}, {"date", "payment date YYYY-MM-DD", true}},
         Disburse});
}

}  // namespace subsidy::cli
