// subsidyctl fund create|adjust|allocate|pay|reverse|ledger|list|show|report|alerts (fund targets:
// fund_targets_cmd.cc)
#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "alert_words.h"
#include "approval_cmd.h"
#include "formats/csv.h"
#include "cli.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

std::unique_ptr<v1::FundService::Stub> Stub(Context& ctx) { return v1::FundService::NewStub(ctx.Channel()); }

bool Fen(const Options& o, const std::string& name, int64_t* out) { return absl::SimpleAtoi(o.Get(name), out); }

// An enum value's name as the user reads it (CENTRAL_DIRECT, or 中央直达资金): a fund's level (named
// as a school's sources) and purpose, an entry's kind, a category, a report's pace and time basis (an
// alert's kind: alert_words.h); the names of these do not repeat one another's. Any other name as it is.
std::string Named(const Context& ctx, const std::string& name) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"CENTRAL_DIRECT", kCliSourceCentralDirect}, {"PROVINCIAL", kCliSourceProvincial},
      {"MUNICIPAL", kCliSourceMunicipal}, {"DISTRICT", kCliSourceDistrict}, {"COUNTY", kCliSourceCounty},
      {"LOAN_INTEREST_SUBSIDY", kCliPurposeLoanInterestSubsidy}, {"EDUCATION", kCliPurposeEducation},
      {"ENTERPRISE_REWARD", kCliPurposeEnterpriseReward}, {"OTHER", kCliPurposeOther},
      {"BUDGET", kCliKindBudget}, {"ADJUSTMENT", kCliKindAdjustment}, {"ALLOCATION", kCliKindAllocation},
      {"PAYMENT", kCliKindPayment}, {"REVERSAL", kCliKindReversal},
      {"TEACHING", kCliCategoryTeaching}, {"TRAINING", kCliCategoryTraining}, {"LABS", kCliCategoryLabs},
      {"ACTIVITIES", kCliCategoryActivities}, {"UTILITIES", kCliCategoryUtilities}, {"HEATING", kCliCategoryHeating},
      {"TRAVEL", kCliCategoryTravel}, {"POST", kCliCategoryPost}, {"REPAIRS", kCliCategoryRepairs},
      {"EQUIPMENT_AND_BOOKS", kCliCategoryEquipmentAndBooks}, {"STAFF_PAY", kCliCategoryStaffPay},
      {"CAPITAL_CONSTRUCTION", kCliCategoryCapitalConstruction}, {"DEBT_REPAYMENT", kCliCategoryDebtRepayment},
      {"AHEAD", kCliPaceAhead}, {"BEHIND", kCliPaceBehind}, {"LAGGING", kCliPaceLagging},
      {"DAYS", kCliTimeBasisDays}, {"MONTHS", kCliTimeBasisMonths}};
  auto it = kWords->find(name);
  return it == kWords->end() ? name : Say(ctx.language, it->second);
}
std::string KindText(const Context& ctx, v1::FundEntry::Kind k) { return Named(ctx, v1::FundEntry::Kind_Name(k)); }

void PrintFund(Context& ctx, const v1::Fund& f) {
  if (ctx.json) {
    ctx.PrintJson(f);
    return;
  }
  const std::string& lang = ctx.language;
  StatusParams params = {{"fund_id", f.fund_id()}, {"name", f.name()}, {"budget_year", absl::StrCat(f.budget_year())},
                         {"level", Named(ctx, v1::Fund::Level_Name(f.level()))},
                         {"purpose", Named(ctx, v1::Fund::Purpose_Name(f.purpose()))},
                         {"region_code", f.region_code()}, {"date", f.date()}, {"budget_yuan", Yuan(f.budget_fen())},
                         {"allocated_yuan", Yuan(f.allocated_fen())}, {"paid_yuan", Yuan(f.paid_fen())},
                         {"remaining_yuan", Yuan(f.remaining_fen())}};
  if (!f.document_no().empty()) params.emplace("document_no", f.document_no());
  *ctx.out << Say(lang, kCliFundSummary, params) << "\n";
  if (!f.target_region_prefixes().empty()) {
    *ctx.out << Say(lang, kCliFundTargets,
                    {{"targets", absl::StrJoin(f.target_region_prefixes(), ",")},
                     {"min_share", f.min_target_share_percent()}})
             << "\n";
  }
  if (!f.forbidden_categories().empty()) {
    std::vector<std::string> names;
    for (const auto& c : f.forbidden_categories()) names.push_back(Named(ctx, c));
    const std::string list = absl::StrJoin(names, Say(lang, kCliListSeparatorCompact));
    *ctx.out << Say(lang, kCliFundForbidden, {{"categories", list}}) << "\n";
  }
  if (f.pending_fen() != 0) {
    *ctx.out << Say(lang, kCliFundPending,
                    {{"pending_yuan", Yuan(f.pending_fen())},
                     {"allocation_yuan", Yuan(f.pending_allocation_fen())},
                     {"payment_yuan", Yuan(f.pending_payment_fen())},
                     {"command", "subsidyctl approvals list --state=PENDING_APPROVAL --fund=" + f.fund_id()}})
             << "\n";
  }
}

int Create(Context& ctx, const Options& o) {
  v1::CreateFundRequest req;
  req.set_request_id(o.Get("request_id", "create-" + o.Get("fund")));
  req.set_fund_id(o.Get("fund"));
  req.set_name(o.Get("name"));
  int year = 0;
  if (!absl::SimpleAtoi(o.Get("year"), &year)) return ctx.Usage(kCliUsageYear, {{"option", "--year"}});
  req.set_budget_year(year);
  v1::Fund::Level level;
  if (!v1::Fund::Level_Parse(o.Get("level"), &level)) return ctx.MustBe("--level", v1::Fund::Level_descriptor());
  req.set_level(level);
  v1::Fund::Purpose purpose;
  if (!v1::Fund::Purpose_Parse(o.Get("purpose"), &purpose)) {
    return ctx.MustBe("--purpose", v1::Fund::Purpose_descriptor());
  }
  req.set_purpose(purpose);
  req.set_region_code(o.Get("region"));
  int64_t budget = 0;
  if (!Fen(o, "budget_fen", &budget)) return ctx.Usage(kCliUsageFen, {{"option", "--budget_fen"}});
  req.set_budget_fen(budget);
  req.set_date(o.Get("date"));
  req.set_document_no(o.Get("document"));
  for (absl::string_view p : absl::StrSplit(o.Get("targets"), ',', absl::SkipWhitespace())) {
    req.add_target_region_prefixes(std::string(p));
  }
  req.set_min_target_share_percent(o.Get("min_target_share"));
  for (absl::string_view c : absl::StrSplit(o.Get("forbidden"), ',', absl::SkipWhitespace())) {
    req.add_forbidden_categories(std::string(c));
  }
  v1::Fund fund;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::CreateFund, req, &fund); rc) return rc;
  PrintFund(ctx, fund);
  return 0;
}

int Adjust(Context& ctx, const Options& o) {
  v1::AdjustFundBudgetRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_fund_id(o.Get("fund"));
  int64_t delta = 0;
  if (!Fen(o, "delta_fen", &delta)) return ctx.Usage(kCliUsageFenSigned, {{"option", "--delta_fen"}});
  req.set_delta_fen(delta);
  req.set_date(o.Get("date"));
  req.set_document_no(o.Get("document"));
  req.set_reason(o.Get("reason"));
  v1::Fund fund;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::AdjustFundBudget, req, &fund); rc) return rc;
  if (!ctx.json && PrintHeld(ctx, fund.instruction_id(), fund.approval_state(),
                             Say(ctx.language, kCliFundAdjustHeld,
                                 {{"delta_yuan", absl::StrCat(delta > 0 ? "+" : "", Yuan(delta))},
                                  {"fund_id", req.fund_id()}}))) {
    return 0;
  }
  PrintFund(ctx, fund);
  return 0;
}

int Allocate(Context& ctx, const Options& o) {
  v1::AllocateFundRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_fund_id(o.Get("fund"));
  v1::FundAllocation::RecipientKind kind;
  if (!v1::FundAllocation::RecipientKind_Parse(o.Get("kind", "UNIT"), &kind)) {
    return ctx.MustBe("--kind", v1::FundAllocation::RecipientKind_descriptor());
  }
  req.set_recipient_kind(kind);
  req.set_recipient_id(o.Get("recipient"));
  req.set_region_code(o.Get("region"));
  int64_t amount = 0;
  if (!Fen(o, "amount_fen", &amount)) return ctx.Usage(kCliUsageFen, {{"option", "--amount_fen"}});
  req.set_amount_fen(amount);
  req.set_date(o.Get("date"));
  req.set_document_no(o.Get("document"));
  req.set_tracking_id(o.Get("tracking_id"));
  req.set_recipient_account(o.Get("recipient_account"));
  v1::FundAllocation a;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::AllocateFund, req, &a); rc) return rc;
  if (ctx.json) {
    ctx.PrintJson(a);
  } else if (!PrintHeld(ctx, a.instruction_id(), a.approval_state(),
                        Say(ctx.language, kCliFundAllocationHeld,
                            {{"amount_yuan", Yuan(req.amount_fen())}, {"fund_id", req.fund_id()},
                             {"recipient_id", req.recipient_id()}}))) {
    StatusParams params = {{"allocation_id", a.allocation_id()}, {"fund_id", a.fund_id()},
                           {"recipient_id", a.recipient_id()},   {"amount_yuan", Yuan(a.amount_fen())},
                           {"date", a.date()},
                           {"recipient_allocated_yuan", Yuan(a.recipient_allocated_fen())},
                           {"recipient_paid_yuan", Yuan(a.recipient_paid_fen())}};
    if (!a.tracking_id().empty()) params.emplace("tracking_id", a.tracking_id());
    *ctx.out << Say(ctx.language, kCliFundAllocated, params) << "\n";
  }
  return 0;
}

int Pay(Context& ctx, const Options& o) {
  v1::RecordFundPaymentRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_fund_id(o.Get("fund"));
  req.set_recipient_id(o.Get("recipient"));
  int64_t amount = 0;
  if (!Fen(o, "amount_fen", &amount)) return ctx.Usage(kCliUsageFen, {{"option", "--amount_fen"}});
  req.set_amount_fen(amount);
  req.set_date(o.Get("date"));
  req.set_category(o.Get("category"));
  req.set_payee(o.Get("payee"));
  req.set_payee_account(o.Get("payee_account"));
  req.set_payee_bank(o.Get("payee_bank"));
  req.set_payee_id(o.Get("payee_id"));
  if (req.payee().empty() && (o.Has("payee_account") || o.Has("payee_bank") || o.Has("payee_id"))) {
    return ctx.Usage(kCliUsageGoesWith, {{"options", ctx.AllOf({"--payee_account", "--payee_bank", "--payee_id"})}, {"with", "--payee"}});
  }
  req.set_reference(o.Get("reference"));
  req.set_tracking_id(o.Get("tracking_id"));
  v1::FundPayment p;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::RecordFundPayment, req, &p); rc) return rc;
  if (ctx.json) {
    ctx.PrintJson(p);
  } else if (!PrintHeld(ctx, p.instruction_id(), p.approval_state(),
                        Say(ctx.language, kCliFundPaymentHeld,
                            {{"amount_yuan", Yuan(req.amount_fen())}, {"fund_id", req.fund_id()},
                             {"recipient_id", req.recipient_id()}}))) {
    StatusParams params = {{"payment_id", p.payment_id()},     {"fund_id", p.fund_id()},
                           {"recipient_id", p.recipient_id()}, {"amount_yuan", Yuan(p.amount_fen())},
                           {"date", p.date()},                 {"recipient_paid_yuan", Yuan(p.recipient_paid_fen())},
                           {"recipient_allocated_yuan", Yuan(p.recipient_allocated_fen())}};
    if (!p.tracking_id().empty()) params.emplace("tracking_id", p.tracking_id());
    *ctx.out << Say(ctx.language, kCliFundPaid, params) << "\n";
    if (!p.payment_line_id().empty()) {
      *ctx.out << Say(ctx.language, kCliFundPaymentSent,
                      {{"payment_line_id", p.payment_line_id()},
                       {"command", "subsidyctl payments lines --source=" + p.payment_id()}})
               << "\n";
    }
  }
  return 0;
}

int Show(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "fund show"}, {"what", "FUND_ID"}});
  v1::GetFundRequest req;
  req.set_fund_id(o.positional()[0]);
  v1::Fund fund;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::GetFund, req, &fund); rc) return rc;
  PrintFund(ctx, fund);
  return 0;
}

// "reverses FP-00000003 (PAYMENT)", "reversed by FR-00000009", both or "-".
std::string Link(const Context& ctx, const v1::FundEntry& e) {
  std::vector<std::string> parts;
  if (!e.reverses_entry_id().empty()) {
    StatusParams params = {{"entry_id", e.reverses_entry_id()}};
    if (e.reverses_kind() != v1::FundEntry::KIND_UNSPECIFIED) params.emplace("kind", KindText(ctx, e.reverses_kind()));
    parts.push_back(Say(ctx.language, kCliFundReverses, params));
  }
  if (!e.reversed_by_entry_id().empty()) {
    parts.push_back(Say(ctx.language, kCliFundReversedBy, {{"entry_id", e.reversed_by_entry_id()}}));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, Say(ctx.language, kCliListSeparator));
}

// One entry in full: what `fund reverse` answers.
void PrintEntry(Context& ctx, const v1::FundEntry& e) {
  auto& out = *ctx.out;
  const std::string& lang = ctx.language;
  out << Say(lang, kCliFundEntry,
             {{"entry_id", e.entry_id()}, {"kind", KindText(ctx, e.kind())}, {"amount_yuan", Yuan(e.amount_fen())},
              {"date", e.date()}, {"fund_id", e.fund_id()}})
      << "\n";
  if (e.kind() == v1::FundEntry::REVERSAL || !e.reversed_by_entry_id().empty()) out << "  " << Link(ctx, e) << "\n";
  if (!e.recipient_id().empty()) out << Say(lang, kCliFundEntryRecipient, {{"recipient_id", e.recipient_id()}}) << "\n";
  if (!e.tracking_id().empty()) out << Say(lang, kCliFundEntryTracking, {{"tracking_id", e.tracking_id()}}) << "\n";
  if (!e.reason().empty()) out << Say(lang, kCliFundEntryReason, {{"reason", e.reason()}}) << "\n";
  StatusParams maker = {{"maker", OrDash(e.maker())}};
  if (!e.checker().empty()) maker.emplace("checker", e.checker());
  if (!e.recorded_at().empty()) maker.emplace("recorded_at", e.recorded_at());
  out << Say(lang, kCliFundEntryMaker, maker) << "\n"
      << Say(lang, kCliFundEntryAfter,
             {{"budget_yuan", Yuan(e.budget_fen())}, {"allocated_yuan", Yuan(e.allocated_fen())},
              {"paid_yuan", Yuan(e.paid_fen())}})
      << "\n";
}

int Reverse(Context& ctx, const Options& o) {
  v1::ReverseFundEntryRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_entry_id(o.Get("entry"));
  req.set_date(o.Get("date"));
  req.set_reason(o.Get("reason"));
  v1::FundEntry e;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::ReverseFundEntry, req, &e); rc) return rc;
  if (ctx.json) {
    ctx.PrintJson(e);
    return 0;
  }
  StatusParams held = {{"entry_id", req.entry_id()}};
  if (e.amount_fen() != 0) held.emplace("amount_yuan", Yuan(e.amount_fen()));
  if (!e.fund_id().empty()) held.emplace("fund_id", e.fund_id());
  if (PrintHeld(ctx, e.instruction_id(), e.approval_state(), Say(ctx.language, kCliFundReversalHeld, held))) return 0;
  PrintEntry(ctx, e);
  return 0;
}

// A fund's ledger in recording order, every page: each movement and the fund's figures after it.
int Ledger(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "fund ledger"}, {"what", "FUND_ID"}});
  v1::ListFundEntriesRequest req;
  req.set_fund_id(o.positional()[0]);
  req.set_tracking_id(o.Get("tracking_id"));
  req.set_recipient_id(o.Get("recipient"));
  if (o.Has("page_size")) {
    int32_t size = 0;
    if (!absl::SimpleAtoi(o.Get("page_size"), &size) || size <= 0) return ctx.Usage(kCliUsagePositiveInteger, {{"option", "--page_size"}});
    req.set_page_size(size);
  }
  auto stub = Stub(ctx);
  if (!ctx.json) *ctx.out << Say(ctx.language, kCliFundLedgerHeader) << "\n";
  int64_t n = 0;
  for (;;) {
    v1::ListFundEntriesResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::ListFundEntries, req, &resp); rc) return rc;
    for (const auto& e : resp.entries()) {
      if (ctx.json) {
        ctx.PrintJson(e);  // one object per entry, as edu ledger
        continue;
      }
      *ctx.out << absl::StrFormat("%-12s %-10s %s %18s %-16s %-16s %s %-14s %-14s %18s %18s %18s\n", e.entry_id(),
                                  e.date(), Cell(KindText(ctx, e.kind()), 10), Yuan(e.amount_fen()),
                                  OrDash(e.recipient_id()), OrDash(e.tracking_id()), Cell(Link(ctx, e), 32),
                                  OrDash(e.maker()), OrDash(e.checker()), Yuan(e.budget_fen()), Yuan(e.allocated_fen()),
                                  Yuan(e.paid_fen()));
    }
    n += resp.entries_size();
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  if (!ctx.json) *ctx.out << Say(ctx.language, kCliFundLedgerCount, {{"count", absl::StrCat(n)}}) << "\n";
  return 0;
}

// The filters the list, report and alerts share.
template <class Req>
int Filters(Context& ctx, const Options& o, Req* req) {
  if (o.Has("year")) {
    int year = 0;
    if (!absl::SimpleAtoi(o.Get("year"), &year)) return ctx.Usage(kCliUsageYear, {{"option", "--year"}});
    req->set_budget_year(year);
  }
  if (o.Has("purpose")) {
    v1::Fund::Purpose p;
    if (!v1::Fund::Purpose_Parse(o.Get("purpose"), &p)) return ctx.MustBe("--purpose", v1::Fund::Purpose_descriptor());
    req->set_purpose(p);
  }
  if (o.Has("level")) {
    v1::Fund::Level l;
    if (!v1::Fund::Level_Parse(o.Get("level"), &l)) return ctx.MustBe("--level", v1::Fund::Level_descriptor());
    req->set_level(l);
  }
  req->set_region_prefix(o.Get("region"));
  if constexpr (requires { req->add_fund_ids(); }) {
    for (absl::string_view f : absl::StrSplit(o.Get("funds"), ',', absl::SkipWhitespace())) req->add_fund_ids(std::string(f));
  }
  return 0;
}

int List(Context& ctx, const Options& o) {
  v1::ListFundsRequest req;
  if (int rc = Filters(ctx, o, &req); rc) return rc;
  auto stub = Stub(ctx);
  for (;;) {
    v1::ListFundsResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::ListFunds, req, &resp); rc) return rc;
    for (const auto& f : resp.funds()) {
      if (ctx.json) {
        ctx.PrintJson(f);
      } else {
        *ctx.out << absl::StrFormat("%-20s %4d %s %s %-8s %20s %20s %20s  %s\n", f.fund_id(), f.budget_year(),
                                    Cell(Named(ctx, v1::Fund::Level_Name(f.level())), 15),
                                    Cell(Named(ctx, v1::Fund::Purpose_Name(f.purpose())), 22),
                                    f.region_code(), Yuan(f.budget_fen()), Yuan(f.allocated_fen()), Yuan(f.paid_fen()),
                                    f.name());
      }
    }
    if (resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
  }
}

// A bar of 20 cells for a percentage given as text ("47.60"), with time progress marked '|'.
// Read as whole hundredths of a percent: the text is the server's exact figure, rounded once.
int Hundredths(const std::string& percent) {
  const size_t dot = percent.find('.');
  int whole = 0, frac = 0;
  if (!absl::SimpleAtoi(percent.substr(0, dot), &whole)) return 0;
  if (dot != std::string::npos) (void)absl::SimpleAtoi(percent.substr(dot + 1, 2), &frac);
  return whole * 100 + frac;
}

std::string Bar(const std::string& percent, const std::string& time) {
  const int filled = std::clamp((Hundredths(percent) + 250) / 500, 0, 20);  // 5 % a cell, half-up
  const int mark = std::clamp((Hundredths(time) + 250) / 500, 0, 20);
  std::string out;
  for (int i = 0; i < 20; ++i) out += i == mark ? "|" : (i < filled ? "#" : ".");
  return out;
}

int Report(Context& ctx, const Options& o) {
  v1::GetExecutionReportRequest req;
  req.set_as_of(o.Get("as_of"));
  if (int rc = Filters(ctx, o, &req); rc) return rc;
  if (o.Has("time_basis")) {
    v1::TimeBasis b;
    if (!v1::TimeBasis_Parse(o.Get("time_basis"), &b)) return ctx.MustBe("--time_basis", {"DAYS", "MONTHS"});
    req.set_time_basis(b);
  }
  if (o.Has("group_by")) {
    v1::ReportGrouping g;
    if (!v1::ReportGrouping_Parse(o.Get("group_by"), &g)) return ctx.MustBe("--group_by", {"FUND", "RECIPIENT", "REGION"});
    req.set_group_by(g);
  }
  v1::ExecutionReport report;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::GetExecutionReport, req, &report); rc) return rc;
  if (ctx.json) {
    ctx.PrintJson(report);
    return 0;
  }
  auto rows = report.rows();
  if (o.Has("csv")) {
    *ctx.out << "key,fund_id,budget_fen,allocated_fen,paid_fen,allocation_progress_percent,execution_progress_percent,"
                "time_progress_percent,target_share_percent,pace,target_entry_percent,beneficiary_recorded_percent,"
                "beneficiary_recorded_fen\n";
    auto line = [&](const v1::ExecutionRow& r) {
      *ctx.out << formats::CsvCell(r.key()) << "," << formats::CsvCell(r.fund_id()) << "," << r.budget_fen() << "," << r.allocated_fen()
               << "," << r.paid_fen() << "," << r.allocation_progress_percent() << "," << r.execution_progress_percent()
               << "," << r.time_progress_percent() << "," << r.target_share_percent() << "," << v1::Pace_Name(r.pace())
               << "," << r.target_entry_percent() << "," << r.beneficiary_recorded_percent() << ","
               << r.beneficiary_recorded_fen() << "\n";
    };
    for (const auto& r : rows) line(r);
    line(report.total());
    return 0;
  }
  *ctx.out << Say(ctx.language, kCliFundReportTitle,
                  {{"as_of", report.as_of()},
                   {"time_basis", Named(ctx, report.time_basis())},
                   {"tolerance", report.tolerance_points()}})
           << "\n"
           << Say(ctx.language, kCliFundReportHeader) << "\n";
  // 绩效目标录入率 and 到人到户率 are a fund row's and the total's ("-" on a recipient's or a region's).
  auto print = [&](const v1::ExecutionRow& r, const std::string& key) {
    *ctx.out << absl::StrFormat("%s %20s %8s %8s %8s %s %-20s %8s %14s %10s\n", key, Yuan(r.budget_fen()),
                                r.allocation_progress_percent(), r.execution_progress_percent(),
                                r.time_progress_percent(), Cell(Named(ctx, v1::Pace_Name(r.pace())), 7),
                                Bar(r.execution_progress_percent(), r.time_progress_percent()),
                                OrDash(r.target_share_percent()), OrDash(r.target_entry_percent()),
                                OrDash(r.beneficiary_recorded_percent()));
  };
  for (const auto& r : rows) print(r, absl::StrFormat("%-20s", r.key()));
  const std::string& total = report.total().key();  // TOTAL, or 合计
  print(report.total(),
        total == "TOTAL" ? Cell(Say(ctx.language, kCliFundReportTotal), 20) : absl::StrFormat("%-20s", total));
  return 0;
}

int Alerts(Context& ctx, const Options& o) {
  v1::ListFundAlertsRequest req;
  req.set_as_of(o.Get("as_of"));
  if (int rc = Filters(ctx, o, &req); rc) return rc;
  v1::ListFundAlertsResponse resp;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::FundService::Stub::ListFundAlerts, req, &resp); rc) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  for (const auto& a : resp.alerts()) {
    *ctx.out << absl::StrFormat("%s %-20s %-20s %-10s %s\n", Cell(AlertKindText(ctx.language, a.kind()), 20),
                                a.fund_id(), a.subject_id(), a.since(), a.message());
  }
  if (resp.alerts().empty()) *ctx.out << Say(ctx.language, kCliFundNoAlerts, {{"as_of", req.as_of()}}) << "\n";
  return 0;
}

const std::vector<OptionSpec> kFilters = {{"year", "budget year"},
                                          {"purpose", "LOAN_INTEREST_SUBSIDY, EDUCATION, ENTERPRISE_REWARD or OTHER"},
                                          {"level", "CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY"},
                                          {"region", "prefix of the fund's region code"}};

std::vector<OptionSpec> With(std::vector<OptionSpec> options) {
  options.insert(options.end(), kFilters.begin(), kFilters.end());
  return options;
}

// The movements of money: create, adjust, allocate, pay, reverse.
void RegisterFundMovements(Registry& r) {
  r.Add({{"fund", "create"},
         "create a fund with its budget (finance)",
         "Example: subsidyctl fund create --fund=CZ-2021-KEY --name=常州重点资金 --year=2021 --level=MUNICIPAL \\\n"
         "  --purpose=OTHER --region=3204 --budget_fen=615000000000 --date=2021-01-05 --document=常财预〔2021〕1号",
         {{"fund", "the fund's id (yours to choose)", true},
          {"name", "its name", true},
          {"year", "budget year", true},
          {"level", "CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY", true},
          {"purpose", "LOAN_INTEREST_SUBSIDY, EDUCATION, ENTERPRISE_REWARD or OTHER", true},
          {"region", "the fund's region code", true},
          {"budget_fen", "the initial budget in 分", true},
          {"date", "the budget's date", true},
          {"document", "the budget document's number"},
          {"targets", "region code prefixes the fund must mostly reach, e.g. 6529,6530,6531,6532"},
          {"min_target_share", "percent of allocations that must reach the targets, e.g. 80"},
          {"forbidden", "categories the fund may not pay for, comma-separated"},
          {"request_id", "default: create-FUND"}},
         Create});
  r.Add({{"fund", "adjust"},
         "raise or cut a fund's budget (never below what is allocated)",
         "Under dual control (双人复核) it waits as a PENDING_APPROVAL instruction until a second finance officer\n"
         "approves it (subsidyctl approvals); until then the amount is reserved, not moved.",
         {{"fund", "fund id", true},
          {"delta_fen", "± 分", true},
          {"date", "YYYY-MM-DD", true},
          {"reason", "why", true},
          {"document", "the document's number"},
          {"request_id", "a unique id for this change", true}},
         Adjust});
  r.Add({{"fund", "allocate"},
         "allocate (分配下达) part of a fund to a recipient (never beyond the budget)",
         "Under dual control (双人复核) it waits as a PENDING_APPROVAL instruction until a second finance officer\n"
         "approves it (subsidyctl approvals); until then the amount is reserved, not moved.",
         {{"fund", "fund id", true},
          {"recipient", "the recipient's id (a school id, bank id, reward policy id or unit)", true},
          {"kind", "SCHOOL, BANK, REWARD_POLICY or UNIT (default UNIT)"},
          {"region", "the recipient's region code", true},
          {"amount_fen", "分", true},
          {"date", "YYYY-MM-DD", true},
          {"document", "the allocation document's number"},
          {"tracking_id", "your own 业务追溯识别码 for this money (default: the allocation's id)"},
          {"recipient_account", "the recipient unit's own account: a payment to it from this money is refused (违规划转)"},
          {"request_id", "a unique id for this allocation", true}},
         Allocate});
  r.Add({{"fund", "pay"},
         "record a payment from a recipient's allocation (never beyond what is unpaid)",
         "Under dual control (双人复核) it waits as a PENDING_APPROVAL instruction until a second finance officer\n"
         "approves it (subsidyctl approvals); until then the amount is reserved, not moved.",
         {{"fund", "fund id", true},
          {"recipient", "the recipient's id", true},
          {"amount_fen", "分", true},
          {"date", "YYYY-MM-DD", true},
          {"category", "expenditure category (refused when on the fund's negative list)"},
          {"payee", "who is paid: the payment is then a line sent to the agent bank (PAY-…)"},
          {"payee_account", "the payee's account (with --payee)"},
          {"payee_bank", "the payee's bank, 开户行 (with --payee)"},
          {"payee_id", "the beneficiary's 居民身份证号 or USCC: recorded to the person, 到人到户 (with --payee)"},
          {"reference", "voucher or reference"},
          {"tracking_id", "the allocation's tracking id to draw on (default: the recipient's first)"},
          {"request_id", "a unique id for this payment", true}},
         Pay});
  r.Add({{"fund", "reverse"},
         "reverse a fund entry: a new REVERSAL entry pointing at it (an allocation's unpaid part, a payment, an adjustment)",
         "Usage: subsidyctl fund reverse --request_id=ID --entry=FP-00000003 --date=YYYY-MM-DD --reason=TEXT\n"
         "A payment's money goes back to the recipient's allocation; an entry is reversed at most once\n"
         "(ALREADY_REVERSED). Under dual control the reversal waits for a second officer (subsidyctl approvals).",
         {{"entry", "the entry to reverse (see subsidyctl fund ledger)", true},
          {"date", "the reversal's date, not before the entry's", true},
          {"reason", "why", true},
          {"request_id", "a unique id for this reversal (a retry reuses it)", true}},
         Reverse});
}

// What the funds hold and how they are spent: ledger, list, show, report, alerts.
void RegisterFundReports(Registry& r) {
  r.Add({{"fund", "ledger"},
         "a fund's ledger in recording order: every entry, its 业务追溯识别码, who made and checked it, the fund after it",
         "Usage: subsidyctl fund ledger FUND_ID [--tracking_id=T] [--recipient=R] [--page_size=N]\n"
         "Every page is fetched; --json prints one object per entry.",
         {{"tracking_id", "only the entries of this tracking id (业务追溯识别码)"},
          {"recipient", "only this recipient's entries"},
          {"page_size", "entries per call (every page is fetched)"}},
         Ledger});
  r.Add({{"fund", "list"}, "list funds with their budget, allocated and paid", "", With({}), List});
  r.Add({{"fund", "show"},
         "show one fund, with what is pending approval (已申请未审核)",
         "Usage: subsidyctl fund show FUND_ID",
         {},
         Show});
  r.Add({{"fund", "report"},
         "execution against time progress (序时进度) as of a date: a row per fund (recipient, region) and a total",
         "Progress = allocated or paid ÷ budget; time progress = day of the year ÷ days in it (or months ended ÷ 12);\n"
         "pace AHEAD (execution ≥ time), BEHIND (within the tolerance), LAGGING. The bar shows execution, '|' time.",
         With({{"as_of", "YYYY-MM-DD", true},
               {"time_basis", "DAYS (default) or MONTHS"},
               {"group_by", "FUND (default), RECIPIENT or REGION"},
               {"funds", "only these fund ids, comma-separated"},
               {"csv", "CSV out", false, true}}),
         Report});
  r.Add({{"fund", "alerts"},
         "alerts as of a date: lagging execution, idle allocations, overdue payouts, missed target shares",
         "",
         With({{"as_of", "YYYY-MM-DD", true}, {"funds", "only these fund ids, comma-separated"}}),
         Alerts});
}

}  // namespace

void RegisterFundCommands(Registry& r) {
  RegisterFundMovements(r);
  RegisterFundReports(r);
}

}  // namespace subsidy::cli
