// subsidyctl edu split|priority|allocate|reverse|ledger|spend|progress|entitlement|categories
#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "approval_cmd.h"
#include "cli.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

// A source (CENTRAL_DIRECT, or 中央直达资金).
std::string SourceText(const Context& ctx, v1::FundSource s) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"CENTRAL_DIRECT", kCliSourceCentralDirect}, {"PROVINCIAL", kCliSourceProvincial},
      {"MUNICIPAL", kCliSourceMunicipal},         {"DISTRICT", kCliSourceDistrict},
      {"COUNTY", kCliSourceCounty}};
  return Word(ctx.language, *kWords, v1::FundSource_Name(s));
}

// An expenditure category's code (TEACHING, or 教学和管理): the data's, named as in its categories.
std::string CategoryText(const Context& ctx, const std::string& code) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"TEACHING", kCliCategoryTeaching},
      {"TRAINING", kCliCategoryTraining},
      {"LABS", kCliCategoryLabs},
      {"ACTIVITIES", kCliCategoryActivities},
      {"UTILITIES", kCliCategoryUtilities},
      {"HEATING", kCliCategoryHeating},
      {"TRAVEL", kCliCategoryTravel},
      {"POST", kCliCategoryPost},
      {"EQUIPMENT_AND_BOOKS", kCliCategoryEquipmentAndBooks},
      {"REPAIRS", kCliCategoryRepairs},
      {"STAFF_PAY", kCliCategoryStaffPay},
      {"CAPITAL_CONSTRUCTION", kCliCategoryCapitalConstruction},
      {"DEBT_REPAYMENT", kCliCategoryDebtRepayment}};
  return Word(ctx.language, *kWords, code);
}

// An entitlement line's item (PUBLIC_EXPENSE_PRIMARY, or 小学公用经费).
std::string ItemText(const Context& ctx, const std::string& item) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"PUBLIC_EXPENSE_PRIMARY", kCliItemPublicExpensePrimary},
      {"PUBLIC_EXPENSE_JUNIOR", kCliItemPublicExpenseJunior},
      {"BOARDING_ADD_ON", kCliItemBoardingAddOn},
      {"SPECIAL_EDUCATION", kCliItemSpecialEducation},
      {"HEATING", kCliItemHeating},
      {"LIVING_BOARDING_PRIMARY", kCliItemLivingBoardingPrimary},
      {"LIVING_BOARDING_JUNIOR", kCliItemLivingBoardingJunior},
      {"LIVING_NONBOARDING_PRIMARY", kCliItemLivingNonboardingPrimary},
      {"LIVING_NONBOARDING_JUNIOR", kCliItemLivingNonboardingJunior},
      {"TEXTBOOK_PRIMARY", kCliItemTextbookPrimary},
      {"TEXTBOOK_JUNIOR", kCliItemTextbookJunior}};
  return Word(ctx.language, *kWords, item);
}

// A sharing tier (TIER_1, or 第一档) and a ledger line's kind (ALLOCATION, or 分配).
std::string TierText(const Context& ctx, const std::string& tier) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"TIER_1", kCliTier1}, {"TIER_2", kCliTier2}, {"OTHER", kCliTierOther}};
  return Word(ctx.language, *kWords, tier);
}
std::string KindText(const Context& ctx, const std::string& kind) {
  static const auto* const kWords = new std::map<std::string, const char*>{
      {"ALLOCATION", kCliKindAllocation}, {"EXPENDITURE", kCliKindExpenditure}, {"REVERSAL", kCliKindReversal}};
  return Word(ctx.language, *kWords, kind);
}

void PrintPositions(Context& ctx, const google::protobuf::RepeatedPtrField<v1::FundPosition>& funds) {
  *ctx.out << Say(ctx.language, kCliEduPositionsHeader) << "\n";
  int i = 0;
  for (const auto& f : funds) {
    *ctx.out << absl::StrFormat("  %-3d %s %18s %18s %18s\n", ++i, Cell(SourceText(ctx, f.source()), 16),
                                Yuan(f.allocated_fen()), Yuan(f.spent_fen()), Yuan(f.balance_fen()));
  }
}

bool ParseSource(const std::string& text, v1::FundSource* out) { return v1::FundSource_Parse(text, out); }

int Split(Context& ctx, const Options& o) {
  v1::SplitGrantRequest req;
  int64_t total;
  if (!absl::SimpleAtoi(o.Get("total_fen"), &total)) return ctx.Usage(kCliUsageFen, {{"option", "--total_fen"}});
  req.set_total_fen(total);
  // --shares=CENTRAL_DIRECT:1,MUNICIPAL:3
  for (absl::string_view item : absl::StrSplit(o.Get("shares"), ',', absl::SkipWhitespace())) {
    std::vector<std::string> kv = absl::StrSplit(item, ':');
    v1::FundSource src;
    int64_t w;
    if (kv.size() != 2 || !ParseSource(kv[0], &src) || !absl::SimpleAtoi(kv[1], &w)) {
      return ctx.Usage(kCliUsageFormat, {{"option", "--shares"},
                                          {"format", "SOURCE:WEIGHT,SOURCE:WEIGHT"},
                                          {"example", "CENTRAL_DIRECT:1,MUNICIPAL:3"}});
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
    *ctx.out << Say(ctx.language, kCliEduSplitRow,
                    {{"source", Cell(SourceText(ctx, a.source()), 16)},
                     {"amount_yuan", absl::StrFormat("%18s", Yuan(a.amount_fen()))},
                     {"amount_fen", absl::StrCat(a.amount_fen())}})
             << "\n";
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
  *ctx.out << Say(ctx.language, kCliEduPriority, {{"school_id", resp.school_id()}}) << "\n";
  PrintPositions(ctx, resp.funds());
  return 0;
}

int Allocate(Context& ctx, const Options& o) {
  v1::AllocateFundsRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_school_id(o.Get("school"));
  v1::FundSource src = v1::FUND_SOURCE_UNSPECIFIED;
  if (!ParseSource(o.Get("source"), &src)) {
    return ctx.MustBe("--source", {"CENTRAL_DIRECT", "PROVINCIAL", "MUNICIPAL", "DISTRICT", "COUNTY"});
  }
  req.set_source(src);
  int64_t amount;
  if (!absl::SimpleAtoi(o.Get("amount_fen"), &amount)) return ctx.Usage(kCliUsageFen, {{"option", "--amount_fen"}});
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
                Say(ctx.language, kCliEduAllocationHeld,
                    {{"amount_yuan", Yuan(req.amount_fen())}, {"school_id", req.school_id()},
                     {"source", SourceText(ctx, req.source())}, {"fund_id", req.fund_id()}}))) {
    return 0;
  }
  StatusParams params = {{"allocation_id", resp.allocation_id()},    {"school_id", resp.school_id()},
                         {"source", SourceText(ctx, resp.source())},  {"allocated_yuan", Yuan(resp.allocated_fen())},
                         {"spent_yuan", Yuan(resp.spent_fen())},      {"balance_yuan", Yuan(resp.balance_fen())}};
  if (!resp.fund_allocation_id().empty()) params.emplace("fund_allocation_id", resp.fund_allocation_id());
  *ctx.out << Say(ctx.language, kCliEduAllocated, params) << "\n";
  return 0;
}

// What an expenditure (or its reversal) drew from each source and paid from each fund, then the
// school's balances after it.
void PrintDraws(Context& ctx, const v1::Expenditure& e) {
  for (const auto& d : e.draws()) {
    *ctx.out << Say(ctx.language, kCliEduDraw,
                    {{"source", Cell(SourceText(ctx, d.source()), 16)},
                     {"amount_yuan", absl::StrFormat("%18s", Yuan(d.amount_fen()))}})
             << "\n";
  }
  for (const auto& p : e.fund_payments()) {
    *ctx.out << Say(ctx.language, kCliEduFundPayment,
                    {{"fund_id", absl::StrFormat("%-20s", p.fund_id())},
                     {"payment_id", absl::StrFormat("%-12s", p.payment_id())},
                     {"amount_yuan", absl::StrFormat("%18s", Yuan(p.amount_fen()))},
                     {"source", SourceText(ctx, p.source())}})
             << "\n";
  }
  *ctx.out << Say(ctx.language, kCliEduBalancesAfter) << "\n";
  PrintPositions(ctx, e.funds());
}

int Reverse(Context& ctx, const Options& o) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "edu reverse"}, {"what", "EXPENDITURE_ID"}});
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
  *ctx.out << Say(ctx.language, kCliEduReversed,
                  {{"expenditure_id", resp.expenditure_id()},
                   {"reverses_id", resp.reverses_expenditure_id()},
                   {"category", CategoryText(ctx, resp.category())},
                   {"amount_yuan", Yuan(resp.amount_fen())},
                   {"date", resp.date()}})
           << "\n";
  PrintDraws(ctx, resp);
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
std::string SourceBalances(const Context& ctx, const v1::SchoolLedgerEntry& e) {
  std::vector<std::string> parts;
  for (const auto& b : e.balances()) parts.push_back(SourceText(ctx, b.source()) + " " + Yuan(b.amount_fen()));
  return absl::StrJoin(parts, Say(ctx.language, kCliListSeparator));
}

int Ledger(Context& ctx, const Options& o) {
  v1::ListSchoolLedgerRequest req;
  req.set_school_id(o.Get("school"));
  req.set_page_size(500);
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  if (!ctx.json) *ctx.out << Say(ctx.language, kCliEduLedgerHeader) << "\n";
  for (;;) {
    v1::ListSchoolLedgerResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::ListSchoolLedger, req, &resp); rc != 0) return rc;
    for (const auto& e : resp.entries()) {
      if (ctx.json) {
        ctx.PrintJson(e);
        continue;
      }
      *ctx.out << absl::StrFormat("%-14s %s %-10s %s %s %18s %18s %-14s %s\n", e.entry_id(),
                                  Cell(KindText(ctx, e.kind()), 11), e.date(),
                                  Cell(e.kind() == "ALLOCATION" ? SourceText(ctx, e.source()) : "", 16),
                                  Cell(CategoryText(ctx, e.category()), 20), SignedYuan(e),
                                  e.balances().empty() ? "" : Yuan(e.balance_fen()), e.reverses(),
                                  SourceBalances(ctx, e));
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
  if (!absl::SimpleAtoi(o.Get("amount_fen"), &amount)) return ctx.Usage(kCliUsageFen, {{"option", "--amount_fen"}});
  req.set_amount_fen(amount);
  req.set_date(o.Get("date"));
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::Expenditure resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::RecordExpenditure, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << Say(ctx.language, kCliEduSpent,
                  {{"expenditure_id", resp.expenditure_id()},
                   {"category", CategoryText(ctx, resp.category())},
                   {"amount_yuan", Yuan(resp.amount_fen())}})
           << "\n";
  PrintDraws(ctx, resp);
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
  *ctx.out << Say(ctx.language, kCliEduProgressHeader) << "\n";
  for (const auto& x : resp.sources()) {
    *ctx.out << absl::StrFormat("  %s %18s %18s %9s%%\n", Cell(SourceText(ctx, x.source()), 16),
                                Yuan(x.allocated_fen()), Yuan(x.spent_fen()), x.progress_percent());
  }
  *ctx.out << absl::StrFormat("  %s %18s %18s %9s%%\n", Cell(Say(ctx.language, kCliEduOverall), 16),
                              Yuan(resp.allocated_fen()), Yuan(resp.spent_fen()), resp.progress_percent());
  return 0;
}

// An entitlement as subsidyctl prints it: its province and year, a line per item, the total.
void PrintEntitlement(Context& ctx, const v1::EducationEntitlement& resp) {
  *ctx.out << Say(ctx.language, kCliEduEntitlementTitle,
                  {{"province", resp.province()},
                   {"tier", TierText(ctx, resp.sharing_tier())},
                   {"school_year", resp.school_year()}})
           << "\n";
  *ctx.out << Say(ctx.language, kCliEduEntitlementHeader) << "\n";
  for (const auto& l : resp.lines()) {
    *ctx.out << absl::StrFormat("  %s %6d %10s %14s %14s %14s  %s [%s]\n", Cell(ItemText(ctx, l.item()), 28),
                                l.quantity(), Yuan(l.rate_fen()), Yuan(l.amount_fen()), Yuan(l.central_fen()),
                                Yuan(l.local_fen()), l.data_row(), l.status());
  }
  *ctx.out << absl::StrFormat("  %s %6s %10s %14s %14s %14s\n", Cell(Say(ctx.language, kCliEduTotal), 28), "", "",
                              Yuan(resp.total_fen()), Yuan(resp.central_fen()), Yuan(resp.local_fen()));
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
    if (!absl::SimpleAtoi(o.Get(name), &v)) return ctx.Usage(kCliUsageInteger, {{"option", std::string("--") + name}});
    (req.*setter)(v);
  }
  auto stub = v1::EducationFundService::NewStub(ctx.Channel());
  v1::EducationEntitlement resp;
  if (int rc = Invoke(ctx, *stub, &v1::EducationFundService::Stub::ComputeEducationEntitlement, req, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  PrintEntitlement(ctx, resp);
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
  *ctx.out << Say(ctx.language, kCliEduCategoriesHeader) << "\n";
  for (const auto& c : resp.categories()) {
    std::vector<std::string> sources;
    for (int k = 0; k < c.permitted_sources_size(); ++k) sources.push_back(SourceText(ctx, c.permitted_sources(k)));
    const std::string paid_from = c.forbidden() ? Say(ctx.language, kCliEduForbidden)
                                                : absl::StrJoin(sources, Say(ctx.language, kCliListSeparator));
    *ctx.out << absl::StrFormat("%-22s %-8s %s %s\n", c.code(), c.status(), Cell(paid_from, 44), c.name());
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
