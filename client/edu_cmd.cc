// subsidyctl edu split|priority|allocate|reverse|ledger|spend|progress|entitlement|categories
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "approval_cmd.h"
#include "cli.h"
#include "subsidy/v1/education.grpc.pb.h"

namespace subsidy::cli {
namespace {

std::string SourceName(v1::FundSource s) { return v1::FundSource_Name(s); }

void PrintPositions(Context& ctx, const google::protobuf::RepeatedPtrField<v1::FundPosition>& funds) {
  *ctx.out << absl::StrFormat("  %-3s %-16s %18s %18s %18s\n", "#", "source", "allocated_元", "spent_元", "balance_元");
  int i = 0;
  for (const auto& f : funds) {
    *ctx.out << absl::StrFormat("  %-3d %-16s %18s %18s %18s\n", ++i, SourceName(f.source()), Yuan(f.allocated_fen()),
                                Yuan(f.spent_fen()), Yuan(f.balance_fen()));
  }
}

bool ParseSource(const std::string& text, v1::FundSource* out) { return v1::FundSource_Parse(text, out); }

int Split(Context& ctx, const Options& o) {
  v1::SplitGrantRequest req;
  int64_t total;
  if (!absl::SimpleAtoi(o.Get("total_fen"), &total)) return ctx.Usage("--total_fen must be an integer (分)");
  req.set_total_fen(total);
  // --shares=CENTRAL_DIRECT:1,MUNICIPAL:3
  for (absl::string_view item : absl::StrSplit(o.Get("shares"), ',', absl::SkipWhitespace())) {
    std::vector<std::string> kv = absl::StrSplit(item, ':');
    v1::FundSource src;
    int64_t w;
    if (kv.size() != 2 || !ParseSource(kv[0], &src) || !absl::SimpleAtoi(kv[1], &w)) {
      return ctx.Usage("--shares must be SOURCE:WEIGHT,SOURCE:WEIGHT (e.g. CENTRAL_DIRECT:1,MUNICIPAL:3); sources: "
                       "CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY");
    }
    auto* s = req.add_shares();
    s->set_source(src);
    s->set_weight(w);
  }
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::SplitGrantResponse resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::SplitGrant, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  for (const auto& a : resp.amounts()) {
    *ctx.out << absl::StrFormat("  %-16s %18s 元  (%d 分)\n", SourceName(a.source()), Yuan(a.amount_fen()), a.amount_fen());
  }
  return 0;
}

int Priority(Context& ctx, const Options& o) {
  v1::GetFundPriorityRequest req;
  req.set_school_id(o.Get("school"));
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::FundPriority resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::GetFundPriority, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << "school " << resp.school_id() << ": spend in this order\n";
  PrintPositions(ctx, resp.funds());
  return 0;
}

int Allocate(Context& ctx, const Options& o) {
  v1::AllocateFundsRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_school_id(o.Get("school"));
  v1::FundSource src = v1::FUND_SOURCE_UNSPECIFIED;
  if (!ParseSource(o.Get("source"), &src)) {
    return ctx.Usage("--source must be CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY");
  }
  req.set_source(src);
  int64_t amount;
  if (!absl::SimpleAtoi(o.Get("amount_fen"), &amount)) return ctx.Usage("--amount_fen must be an integer (分)");
  req.set_amount_fen(amount);
  req.set_date(o.Get("date"));
  req.set_fund_id(o.Get("fund"));
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::FundBalance resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::AllocateFunds, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  if (PrintHeld(ctx, resp.instruction_id(), resp.approval_state(),
                absl::StrCat("allocation of ", Yuan(req.amount_fen()), " 元 to school ", req.school_id(), " (",
                             SourceName(req.source()), ") from fund ", req.fund_id()))) {
    return 0;
  }
  *ctx.out << resp.allocation_id() << ": " << resp.school_id() << " " << SourceName(resp.source()) << " allocated "
           << Yuan(resp.allocated_fen()) << " 元, spent " << Yuan(resp.spent_fen()) << " 元, balance "
           << Yuan(resp.balance_fen()) << " 元"
           << (resp.fund_allocation_id().empty() ? "" : "; fund allocation " + resp.fund_allocation_id()) << "\n";
  return 0;
}

void PrintFundPayments(Context& ctx, const v1::Expenditure& e) {
  for (const auto& p : e.fund_payments()) {
    *ctx.out << absl::StrFormat("  fund %-20s %-12s %18s 元  (%s)\n", p.fund_id(), p.payment_id(), Yuan(p.amount_fen()),
                                SourceName(p.source()));
  }
}

int Reverse(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage("edu reverse: give exactly one EXPENDITURE_ID");
  v1::ReverseExpenditureRequest req;
  req.set_expenditure_id(o.positional()[0]);
  req.set_request_id(o.Get("request_id", "reverse-" + req.expenditure_id()));
  req.set_date(o.Get("date"));
  req.set_reason(o.Get("reason"));
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::Expenditure resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::ReverseExpenditure, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << resp.expenditure_id() << " reverses " << resp.reverses_expenditure_id() << " (" << resp.category() << " "
           << Yuan(resp.amount_fen()) << " 元) on " << resp.date() << "; given back to\n";
  for (const auto& d : resp.draws()) {
    *ctx.out << absl::StrFormat("  %-16s %18s 元\n", SourceName(d.source()), Yuan(d.amount_fen()));
  }
  PrintFundPayments(ctx, resp);
  *ctx.out << "balances after:\n";
  PrintPositions(ctx, resp.funds());
  return 0;
}

// A ledger line's movement with its sign: + into the school's accounts (allocations, reversals),
// − out (expenditures). The server's signed_amount_fen when it gives one.
std::string SignedYuan(const v1::SchoolLedgerEntry& e) {
  if (e.signed_amount_fen() == 0 && e.balances().empty()) {
    return (e.kind() == "EXPENDITURE" ? "-" : "") + Yuan(e.amount_fen());  // a server without running balances
  }
  return (e.signed_amount_fen() > 0 ? "+" : "") + Yuan(e.signed_amount_fen());
}

// "CENTRAL_DIRECT 1.00, MUNICIPAL 2.00": each source's balance after the line, when the server gives them.
std::string SourceBalances(const v1::SchoolLedgerEntry& e) {
  std::vector<std::string> parts;
  for (const auto& b : e.balances()) parts.push_back(SourceName(b.source()) + " " + Yuan(b.amount_fen()));
  return absl::StrJoin(parts, ", ");
}

int Ledger(Context& ctx, const Options& o) {
  v1::ListSchoolLedgerRequest req;
  req.set_school_id(o.Get("school"));
  req.set_page_size(500);
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  if (!ctx.json) {
    *ctx.out << absl::StrFormat("%-14s %-11s %-10s %-16s %-20s %18s %18s %-14s %s\n", "entry", "kind", "date",
                                "source", "category", "amount_元", "balance_元", "reverses", "balance by source (元)");
  }
  for (;;) {
    v1::ListSchoolLedgerResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::ListSchoolLedger, req, &resp); rc != 0) return rc;
    for (const auto& e : resp.entries()) {
      if (ctx.json) {
        ctx.PrintJson(e);
        continue;
      }
      *ctx.out << absl::StrFormat("%-14s %-11s %-10s %-16s %-20s %18s %18s %-14s %s\n", e.entry_id(), e.kind(),
                                  e.date(), e.kind() == "ALLOCATION" ? SourceName(e.source()) : "", e.category(),
                                  SignedYuan(e), e.balances().empty() ? "" : Yuan(e.balance_fen()), e.reverses(),
                                  SourceBalances(e));
    }
    if (resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
  }
}

int Spend(Context& ctx, const Options& o) {
  v1::RecordExpenditureRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_school_id(o.Get("school"));
  req.set_category(o.Get("category"));
  int64_t amount;
  if (!absl::SimpleAtoi(o.Get("amount_fen"), &amount)) return ctx.Usage("--amount_fen must be an integer (分)");
  req.set_amount_fen(amount);
  req.set_date(o.Get("date"));
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::Expenditure resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::RecordExpenditure, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << resp.expenditure_id() << ": " << resp.category() << " " << Yuan(resp.amount_fen()) << " 元 drawn from\n";
  for (const auto& d : resp.draws()) {
    *ctx.out << absl::StrFormat("  %-16s %18s 元\n", SourceName(d.source()), Yuan(d.amount_fen()));
  }
  PrintFundPayments(ctx, resp);
  *ctx.out << "balances after:\n";
  PrintPositions(ctx, resp.funds());
  return 0;
}

int Progress(Context& ctx, const Options& o) {
  v1::GetSpendingProgressRequest req;
  req.set_school_id(o.Get("school"));
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::SpendingProgress resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::GetSpendingProgress, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << absl::StrFormat("  %-16s %18s %18s %10s\n", "source", "allocated_元", "spent_元", "progress");
  for (const auto& x : resp.sources()) {
    *ctx.out << absl::StrFormat("  %-16s %18s %18s %9s%%\n", SourceName(x.source()), Yuan(x.allocated_fen()),
                                Yuan(x.spent_fen()), x.progress_percent());
  }
  *ctx.out << absl::StrFormat("  %-16s %18s %18s %9s%%\n", "overall", Yuan(resp.allocated_fen()), Yuan(resp.spent_fen()),
                              resp.progress_percent());
  return 0;
}

int Entitlement(Context& ctx, const Options& o) {
  v1::EducationEntitlementRequest req;
  req.set_school_id(o.Get("school"));
  req.set_province(o.Get("province"));
  req.set_school_year(o.Get("year"));
  const std::pair<const char*, void (v1::EducationEntitlementRequest::*)(int64_t)> counts[] = {
      {"primary", &v1::EducationEntitlementRequest::set_primary_pupils},
      {"junior", &v1::EducationEntitlementRequest::set_junior_pupils},
      {"boarding_primary", &v1::EducationEntitlementRequest::set_boarding_primary_pupils},
      {"boarding_junior", &v1::EducationEntitlementRequest::set_boarding_junior_pupils},
      {"special", &v1::EducationEntitlementRequest::set_special_education_pupils},
      {"difficulty_boarding_primary", &v1::EducationEntitlementRequest::set_difficulty_boarding_primary},
      {"difficulty_boarding_junior", &v1::EducationEntitlementRequest::set_difficulty_boarding_junior},
      {"difficulty_nonboarding_primary", &v1::EducationEntitlementRequest::set_difficulty_nonboarding_primary},
      {"difficulty_nonboarding_junior", &v1::EducationEntitlementRequest::set_difficulty_nonboarding_junior}};
  for (const auto& [name, setter] : counts) {
    if (!o.Has(name)) continue;
    int64_t v;
    if (!absl::SimpleAtoi(o.Get(name), &v)) return ctx.Fail(std::string("--") + name + " must be an integer");
    (req.*setter)(v);
  }
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::EducationEntitlement resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::ComputeEducationEntitlement, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << "province " << resp.province() << " (" << resp.sharing_tier() << "), school year " << resp.school_year()
           << "\n";
  *ctx.out << absl::StrFormat("  %-28s %6s %10s %14s %14s %14s  %s\n", "item", "pupils", "rate_元", "amount_元",
                              "central_元", "local_元", "data row [status]");
  for (const auto& l : resp.lines()) {
    *ctx.out << absl::StrFormat("  %-28s %6d %10s %14s %14s %14s  %s [%s]\n", l.item(), l.quantity(), Yuan(l.rate_fen()),
                                Yuan(l.amount_fen()), Yuan(l.central_fen()), Yuan(l.local_fen()), l.data_row(),
                                l.status());
  }
  *ctx.out << absl::StrFormat("  %-28s %6s %10s %14s %14s %14s\n", "total", "", "", Yuan(resp.total_fen()),
                              Yuan(resp.central_fen()), Yuan(resp.local_fen()));
  return 0;
}

int Categories(Context& ctx, const Options&) {
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::ListExpenditureCategoriesRequest req;
  v1::ListExpenditureCategoriesResponse resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::ListExpenditureCategories, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << absl::StrFormat("%-22s %-8s %-44s %s\n", "category", "status", "may be paid from", "name");
  for (const auto& c : resp.categories()) {
    std::vector<std::string> sources;
    for (int k = 0; k < c.permitted_sources_size(); ++k) sources.push_back(SourceName(c.permitted_sources(k)));
    *ctx.out << absl::StrFormat("%-22s %-8s %-44s %s\n", c.code(), c.status(),
                                c.forbidden() ? "FORBIDDEN (negative list)" : absl::StrJoin(sources, ", "), c.name());
  }
  return 0;
}

}  // namespace

void RegisterEducationCommands(Registry& r) {
  r.Add({{"edu", "split"},
         "split a grant across funding sources by ratio (largest remainders get the odd 分)",
         "Example: subsidyctl edu split --total_fen=100000001 --shares=CENTRAL_DIRECT:1,MUNICIPAL:3\n"
         "Sources: CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY.",
         {{"total_fen", "the grant in 分", true}, {"shares", "SOURCE:WEIGHT,… in order", true}},
         Split});
  r.Add({{"edu", "priority"},
         "list a school's sources in spending order with allocated, spent and balance",
         "",
         {{"school", "school id", true}},
         Priority});
  r.Add({{"edu", "allocate"},
         "credit a school's source (idempotent by --request_id)",
         "With --fund under dual control (双人复核) the allocation waits as a PENDING_APPROVAL instruction until a\n"
         "second finance officer approves it (subsidyctl approvals); until then nothing is credited.",
         {{"request_id", "a unique id for this allocation (a retry reuses it)", true},
          {"school", "school id", true},
          {"source", "CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY", true},
          {"amount_fen", "amount in 分", true},
          {"date", "YYYY-MM-DD", true},
          {"fund", "the FundService fund this money comes from (its level must be the source)"}},
         Allocate});
  r.Add({{"edu", "reverse"},
         "reverse an expenditure: a new entry gives the money back to its sources and reverses the fund payments",
         "Usage: subsidyctl edu reverse EXP-00000012 --date=YYYY-MM-DD --reason=TEXT",
         {{"date", "the reversal's date", true},
          {"reason", "why", true},
          {"request_id", "default: reverse-EXPENDITURE_ID"}},
         Reverse});
  r.Add({{"edu", "ledger"},
         "a school's ledger by date: allocations (+), expenditures (−) and reversals (+), with the balances after each",
         "",
         {{"school", "school id", true}},
         Ledger});
  r.Add({{"edu", "spend"},
         "record an expenditure, drawn from the sources in priority order (idempotent by --request_id)",
         "Categories: TEACHING TRAINING LABS ACTIVITIES UTILITIES HEATING TRAVEL POST EQUIPMENT_AND_BOOKS REPAIRS\n"
         "(STAFF_PAY, CAPITAL_CONSTRUCTION and DEBT_REPAYMENT are refused with EXPENDITURE_CATEGORY_FORBIDDEN).",
         {{"request_id", "a unique id for this expenditure (a retry reuses it)", true},
          {"school", "school id", true},
          {"category", "expenditure category code", true},
          {"amount_fen", "amount in 分", true},
          {"date", "YYYY-MM-DD", true}},
         Spend});
  r.Add({{"edu", "categories"},
         "list the expenditure categories and the sources allowed to pay each (forbidden ones on the negative list)",
         "",
         {},
         Categories});
  r.Add({{"edu", "progress"},
         "spending progress per source and overall (spent ÷ allocated)",
         "",
         {{"school", "school id", true}},
         Progress});
  r.Add({{"edu", "entitlement"},
         "a school's yearly public-expense funding, living subsidies and textbooks, split central : local",
         "",
         {{"school", "school id"},
          {"province", "2-digit GB/T 2260 code", true},
          {"year", "budget year, e.g. 2024", true},
          {"primary", "primary pupils"},
          {"junior", "junior pupils"},
          {"boarding_primary", "boarding primary pupils"},
          {"boarding_junior", "boarding junior pupils"},
          {"special", "special-education pupils"},
          {"difficulty_boarding_primary", "boarding primary pupils from families in difficulty"},
          {"difficulty_boarding_junior", "boarding junior pupils from families in difficulty"},
          {"difficulty_nonboarding_primary", "non-boarding primary pupils from families in difficulty"},
          {"difficulty_nonboarding_junior", "non-boarding junior pupils from families in difficulty"}},
         Entitlement});
}

}  // namespace subsidy::cli
