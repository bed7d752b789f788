#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "education/categories.h"
#include "education/entitlement.h"
#include "education/funds.h"
#include "absl/strings/str_format.h"
#include "services/common.h"
#include "funds/limits.h"
#include "services/fund_postings.h"
#include "services/services.h"

namespace subsidy::service {
namespace {

using education::FundSource;


std::optional<FundSource> FromProto(v1::FundSource s) {
  switch (s) {
    case v1::CENTRAL_DIRECT: return FundSource::kCentralDirect;
    case v1::MUNICIPAL: return FundSource::kMunicipal;
    case v1::DISTRICT: return FundSource::kDistrict;
    case v1::COUNTY: return FundSource::kCounty;
    case v1::PROVINCIAL: return FundSource::kProvincial;
    default: return std::nullopt;
  }
}

// The school id's form and area code (the rule is in calc/education).
absl::Status ValidateSchoolId(const Call& call, const std::string& school_id) {
  if (auto s = ValidateId(school_id, "school_id"); !s.ok()) return s;
  return education::ValidateSchoolId(call.data(), school_id);
}

v1::FundSource ToProto(FundSource s) {
  switch (s) {
    case FundSource::kCentralDirect: return v1::CENTRAL_DIRECT;
    case FundSource::kMunicipal: return v1::MUNICIPAL;
    case FundSource::kDistrict: return v1::DISTRICT;
    case FundSource::kCounty: return v1::COUNTY;
    case FundSource::kProvincial: return v1::PROVINCIAL;
  }
  return v1::FUND_SOURCE_UNSPECIFIED;
}

// The school's positions in its spending order, every source listed.
std::vector<education::FundPosition> InOrder(const Call& call, const std::string& school_id,
                                             const std::vector<storage::FundAccount>& accounts) {
  return education::InSpendingOrder(accounts, call.data().education().SpendingOrderFor(school_id));
}

void AddPositions(const std::vector<education::FundPosition>& positions,
                  google::protobuf::RepeatedPtrField<v1::FundPosition>* out) {
  for (const auto& p : positions) {
    auto* x = out->Add();
    x->set_source(ToProto(p.source));
    x->set_allocated_fen(p.allocated.fen());
    x->set_spent_fen(p.spent.fen());
    x->set_balance_fen(p.balance().fen());
  }
}

absl::Status ValidateAmount(int64_t amount) {
  if (amount <= 0) return InvalidField("amount_fen", "must be positive");
  if (amount > 1'000'000'000'000'000) return InvalidField("amount_fen", "above the largest accepted amount");
  return absl::OkStatus();
}

constexpr char kAlreadyReversed[] = "ALREADY_REVERSED";

// Each source's draw is paid from the school's funds of that level, oldest allocation first, as
// far as they hold money allocated by the expenditure's date; the rest must be the school's own
// money (allocated without a fund): fund money paid or reserved by another road is not spent twice.
absl::StatusOr<std::vector<v1::FundDraw>> PayFromSchoolFunds(Call& call, storage::LedgerTx& tx,
                                                             const v1::RecordExpenditureRequest& request,
                                                             const std::vector<education::SourceAmount>& draws,
                                                             const std::vector<storage::FundAccount>& before,
                                                             Date date, const std::string& expenditure_id) {
  std::vector<v1::FundDraw> out;
  for (const auto& d : draws) {
    const char* level = education::FundSourceName(d.source);
    auto totals = tx.schools().SchoolFunds(request.school_id(), level);
    if (!totals.ok()) return totals.status();
    education::FundPosition account{d.source, Money(), Money()};
    for (const auto& a : before) {
      if (a.source == d.source) account = a;
    }
    const Money own = education::OwnMoneyLeft(account, totals->allocated, totals->paid);
    auto paid = PayAcrossFunds(tx.funds(), call.data(), "SCHOOL", level, 0,
                               {request.school_id(), d.amount, date, request.category(), request.school_id(),
                                expenditure_id, request.request_id(), call.caller()});
    if (!paid.ok()) return paid.status();
    int64_t covered = 0;
    for (const auto& p : *paid) covered += p.amount.fen();
    if (d.amount.fen() - covered > own.fen()) {
      return FailedPrecondition(
          kAllocationExceeded,
          absl::StrCat(level, " 经费中可支出 ", Money::Fen(covered + own.fen()).ToYuanString(), " 元（其余已支付或待复核预留）(",
                       request.school_id(), "'s ", level, " money payable on ", date.ToString(), " is ",
                       Money::Fen(covered + own.fen()).ToYuanString(), " 元: the rest of its fund allocations is paid "
                       "or reserved by a pending instruction)"));
    }
    for (const auto& p : *paid) {
      v1::FundDraw draw;
      draw.set_fund_id(p.fund_id);
      draw.set_payment_id(p.payment_id);
      draw.set_amount_fen(p.amount.fen());
      draw.set_source(ToProto(d.source));
      out.push_back(std::move(draw));
    }
  }
  return out;
}

namespace handlers {

absl::Status SplitGrant(Call&, const v1::SplitGrantRequest& request, v1::SplitGrantResponse* response) {
  std::vector<education::Share> shares;
  for (int i = 0; i < request.shares_size(); ++i) {
    auto src = FromProto(request.shares(i).source());
    if (!src) return InvalidField("shares[" + std::to_string(i) + "].source", "must be a FundSource");
    shares.push_back({*src, request.shares(i).weight()});
  }
  auto parts = education::SplitGrant(Money::Fen(request.total_fen()), shares);
  if (!parts.ok()) return parts.status();
  for (const auto& p : *parts) {
    auto* a = response->add_amounts();
    a->set_source(ToProto(p.source));
    a->set_amount_fen(p.amount.fen());
  }
  return absl::OkStatus();
}

// A school's accounts; NOT_FOUND for a school that has no ledger (never had an allocation), so
// that a mistyped id is not answered with zeros.
absl::StatusOr<std::vector<storage::FundAccount>> LedgerOf(Call& call, const std::string& school_id) {
  if (auto s = ValidateSchoolId(call, school_id); !s.ok()) return s;
  auto accounts = call.storage().schools().ReadFundAccounts(school_id);
  if (!accounts.ok()) return accounts.status();
  if (accounts->empty()) return absl::NotFoundError("school " + school_id + " has no ledger: it had no allocation");
  return accounts;
}

absl::Status GetFundPriority(Call& call, const v1::GetFundPriorityRequest& request, v1::FundPriority* response) {
  auto accounts = LedgerOf(call, request.school_id());
  if (!accounts.ok()) return accounts.status();
  response->set_school_id(request.school_id());
  AddPositions(InOrder(call, request.school_id(), *accounts), response->mutable_funds());
  return absl::OkStatus();
}

absl::Status AllocateFunds(Call& call, const v1::AllocateFundsRequest& request, v1::FundBalance* response) {
  if (auto s = ValidateSchoolId(call, request.school_id()); !s.ok()) return s;
  auto source = FromProto(request.source());
  if (!source) return InvalidField("source", "must be CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY");
  if (auto s = ValidateAmount(request.amount_fen()); !s.ok()) return s;
  auto date = ParseDate(request.date(), "date");
  if (!date.ok()) return date.status();
  const Money amount = Money::Fen(request.amount_fen());
  std::vector<std::string> locks = {"school:" + request.school_id()};
  if (!request.fund_id().empty()) {
    if (auto s = ValidateId(request.fund_id(), "fund_id"); !s.ok()) return s;
    locks.push_back("fund:" + request.fund_id());
  }
  return call.Mutate(
      request, std::move(locks),
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::FundBalance> {
        // With a fund: the same money is the fund's allocation to the school, in this transaction.
        std::string fund_allocation, allocation_id;
        if (!request.fund_id().empty()) {
          auto fund = LockedFund(tx.funds(), request.fund_id());
          if (!fund.ok()) return fund.status();
          if (fund->level != education::FundSourceName(*source)) {
            return FailedPrecondition(kFundSourceMismatch,
                                      absl::StrCat("fund ", fund->fund_id, " is ", fund->level, " money, not ",
                                                   education::FundSourceName(*source)));
          }
          auto allocated = AllocateToSchool(tx, *fund,
                                            {request.school_id(), "SCHOOL", request.school_id().substr(0, 6), amount,
                                             *date, "", request.request_id(), call.caller()});
          if (!allocated.ok()) return allocated.status();
          fund_allocation = allocated->fund_allocation_id;
          allocation_id = allocated->allocation_id;
        } else {
          auto id = tx.schools().InsertAllocation(request.school_id(), *source, amount, *date, request.request_id());
          if (!id.ok()) return id.status();
          allocation_id = *id;
        }
        const std::string* id = &allocation_id;
        auto accounts = tx.schools().FundAccounts(request.school_id());
        if (!accounts.ok()) return accounts.status();
        v1::FundBalance out;
        out.set_school_id(request.school_id());
        out.set_source(request.source());
        out.set_allocation_id(*id);
        out.set_fund_allocation_id(fund_allocation);
        for (const auto& a : *accounts) {
          if (a.source != *source) continue;
          out.set_allocated_fen(a.allocated.fen());
          out.set_spent_fen(a.spent.fen());
          out.set_balance_fen(a.balance().fen());
        }
        if (auto s = call.Audit(tx.audit(), request.request_id(), *id, "OK",
                                absl::StrCat(request.school_id(), " ", education::FundSourceName(*source), " +",
                                             amount.fen(), " 分"));
            !s.ok()) {
          return s;
        }
        return out;
      },
      response);
}

absl::Status RecordExpenditure(Call& call, const v1::RecordExpenditureRequest& request, v1::Expenditure* response) {
  if (auto s = ValidateSchoolId(call, request.school_id()); !s.ok()) return s;
  if (request.category().empty()) return RequiredField("category");
  if (auto s = ValidateAmount(request.amount_fen()); !s.ok()) return s;
  auto date = ParseDate(request.date(), "date");
  if (!date.ok()) return date.status();
  const Money amount = Money::Fen(request.amount_fen());
  return call.Mutate(
      request, {"school:" + request.school_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::Expenditure> {
        auto category = education::PermittedCategory(call.data().education(), request.category());
        if (!category.ok()) return category.status();
        auto first = tx.schools().FirstAllocationDate(request.school_id());
        if (!first.ok()) return first.status();
        if (auto s = education::ValidateExpenditureDate(*date, call.clock().TodayInChina(), *first); !s.ok()) return s;
        auto accounts = tx.schools().FundAccounts(request.school_id());
        if (!accounts.ok()) return accounts.status();
        // The past stays true: what each source may give on the expenditure's date is the least it
        // holds on that day and every later day, so a back-dated expenditure never makes a past
        // balance negative (spending already recorded after it still stands).
        auto days = tx.schools().SchoolDays(request.school_id());
        if (!days.ok()) return days.status();
        std::vector<storage::FundAccount> available;
        for (const auto& a : *accounts) {
          const auto it = days->find(a.source);
          const Money headroom = it == days->end() ? Money() : funds::HeadroomFrom(it->second, *date);
          available.push_back({a.source, headroom, Money()});
        }
        auto draws = education::PlanExpenditure(InOrder(call, request.school_id(), available),
                                                (*category)->permitted_sources, amount);
        if (!draws.ok()) return draws.status();
        std::vector<storage::ExpenditureDraw> rows;
        for (const auto& d : *draws) rows.push_back({d.source, d.amount});
        auto id = tx.schools().InsertExpenditure(request.school_id(), request.category(), amount, *date,
                                                 request.request_id(), rows);
        if (!id.ok()) return id.status();
        auto fund_payments = PayFromSchoolFunds(call, tx, request, *draws, *accounts, *date, *id);
        if (!fund_payments.ok()) return fund_payments.status();
        auto after = tx.schools().FundAccounts(request.school_id());
        if (!after.ok()) return after.status();
        v1::Expenditure out;
        out.set_expenditure_id(*id);
        out.set_school_id(request.school_id());
        out.set_category(request.category());
        out.set_amount_fen(amount.fen());
        out.set_date(request.date());
        for (const auto& d : *draws) {
          auto* a = out.add_draws();
          a->set_source(ToProto(d.source));
          a->set_amount_fen(d.amount.fen());
        }
        AddPositions(InOrder(call, request.school_id(), *after), out.mutable_funds());
        for (auto& p : *fund_payments) *out.add_fund_payments() = std::move(p);
        if (auto s = call.Audit(tx.audit(), request.request_id(), *id, "OK",
                                absl::StrCat(request.school_id(), " ", request.category(), " -", amount.fen(), " 分"));
            !s.ok()) {
          return s;
        }
        return out;
      },
      response);
}

absl::Status GetSpendingProgress(Call& call, const v1::GetSpendingProgressRequest& request,
                                 v1::SpendingProgress* response) {
  auto accounts = LedgerOf(call, request.school_id());
  if (!accounts.ok()) return accounts.status();
  auto progress = education::ProgressOf(InOrder(call, request.school_id(), *accounts));
  if (!progress.ok()) return progress.status();
  response->set_school_id(request.school_id());
  for (const auto& line : progress->sources) {
    auto* s = response->add_sources();
    s->set_source(ToProto(line.source));
    s->set_allocated_fen(line.allocated.fen());
    s->set_spent_fen(line.spent.fen());
    s->set_progress_percent(line.progress_percent);
  }
  response->set_allocated_fen(progress->allocated.fen());
  response->set_spent_fen(progress->spent.fen());
  response->set_progress_percent(progress->progress_percent);
  return absl::OkStatus();
}

absl::Status ComputeEducationEntitlement(Call& call, const v1::EducationEntitlementRequest& request,
                                         v1::EducationEntitlement* response) {
  int year = 0;
  if (request.school_year().size() != 4 || !absl::SimpleAtoi(request.school_year(), &year) || year < 2000 ||
      year > 2199) {
    return InvalidField("school_year", "must be a year such as \"2024\"");
  }
  education::PupilCounts c;
  c.primary = request.primary_pupils();
  c.junior = request.junior_pupils();
  c.boarding_primary = request.boarding_primary_pupils();
  c.boarding_junior = request.boarding_junior_pupils();
  c.special_education = request.special_education_pupils();
  c.difficulty_boarding_primary = request.difficulty_boarding_primary();
  c.difficulty_boarding_junior = request.difficulty_boarding_junior();
  c.difficulty_nonboarding_primary = request.difficulty_nonboarding_primary();
  c.difficulty_nonboarding_junior = request.difficulty_nonboarding_junior();
  auto e = education::ComputeEntitlement(request.province(), year, c, call.data());
  if (!e.ok()) return e.status();
  response->set_school_id(request.school_id());
  response->set_province(request.province());
  response->set_school_year(request.school_year());
  response->set_sharing_tier(CodeOf(e->sharing_tier));
  for (const auto& l : e->lines) {
    auto* x = response->add_lines();
    x->set_item(l.item);
    x->set_quantity(l.quantity);
    x->set_rate_fen(l.rate.fen());
    x->set_amount_fen(l.amount.fen());
    x->set_central_fen(l.central.fen());
    x->set_local_fen(l.local.fen());
    x->set_data_row(l.data_row);
    x->set_status(CodeOf(l.status));
    x->set_source(l.source);
  }
  response->set_total_fen(e->total.fen());
  response->set_central_fen(e->central.fen());
  response->set_local_fen(e->local.fen());
  response->set_data_version(call.data().version());
  return absl::OkStatus();
}

absl::Status ListExpenditureCategories(Call& call, const v1::ListExpenditureCategoriesRequest&,
                                       v1::ListExpenditureCategoriesResponse* response) {
  for (const auto& [code, c] : call.data().education().categories) {
    auto* x = response->add_categories();
    x->set_code(c.code);
    x->set_name(c.name);
    for (FundSource s : c.permitted_sources) x->add_permitted_sources(ToProto(s));
    x->set_forbidden(c.permitted_sources.empty());
    x->set_status(CodeOf(c.status));
    x->set_source(c.source);
  }
  response->set_data_version(call.data().version());
  return absl::OkStatus();
}

// The fund payments an expenditure made are reversed, each once, on its reversal's date.
absl::Status ReverseFundPayments(Call& call, storage::FundTx& tx, const storage::ExpenditureRow& e,
                                 const std::string& expenditure_id, const std::string& reversal_id, Date date,
                                 const std::string& request_id, v1::Expenditure* out) {
  auto payments = tx.FundPaymentsFor(e.school_id, expenditure_id);
  if (!payments.ok()) return payments.status();
  for (const auto& p : *payments) {
    if (p.reversed) continue;
    auto fund = LockedFund(tx, p.fund_id);
    if (!fund.ok()) return fund.status();
    auto entry = ReversePayment(tx, {p.entry_id, p.fund_id, e.school_id, p.tracking_id, p.amount, date, reversal_id,
                                     request_id, call.caller()});
    if (!entry.ok()) return entry.status();
    auto* draw = out->add_fund_payments();
    draw->set_fund_id(p.fund_id);
    draw->set_payment_id(*entry);
    draw->set_amount_fen(p.amount.fen());
    const std::optional<FundSource> source = education::FundSourceFromName(fund->level);
    if (source) draw->set_source(ToProto(*source));
  }
  return absl::OkStatus();
}

absl::Status ReverseExpenditure(Call& call, const v1::ReverseExpenditureRequest& request, v1::Expenditure* response) {
  int64_t id = 0;
  const std::string& eid = request.expenditure_id();
  if (eid.rfind("EXP-", 0) != 0 || !absl::SimpleAtoi(eid.substr(4), &id) || id <= 0 ||
      absl::StrFormat("EXP-%08d", id) != eid) {
    return absl::NotFoundError(absl::StrCat("no expenditure \"", eid, "\""));
  }
  auto date = ParseDate(request.date(), "date");
  if (!date.ok()) return date.status();
  if (request.reason().empty()) return InvalidField("reason", "a reversal says why");
  if (request.reason().size() > 1000) return InvalidField("reason", "at most 1000 bytes");
  return call.Mutate(
      request, {"expenditure:" + eid},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::Expenditure> {
        auto found = tx.schools().ExpenditureForUpdate(id);
        if (!found.ok()) return found.status();
        if (!found->has_value()) return absl::NotFoundError(absl::StrCat("no expenditure \"", eid, "\""));
        const storage::ExpenditureRow& e = **found;
        // A school corrects only its own ledger.
        const auth::Caller& who = call.who();
        if (!who.everywhere && !who.schools.count(e.school_id)) {
          return absl::PermissionDeniedError(absl::StrCat("caller ", who.name, " may not correct school ", e.school_id));
        }
        if (e.reversed) return FailedPrecondition(kAlreadyReversed, absl::StrCat(eid, " is reversed already"));
        if (*date < e.date) return InvalidField("date", absl::StrCat("before the expenditure's date ", e.date.ToString()));
        if (*date > call.clock().TodayInChina()) return InvalidField("date", "is after today");
        auto reversal = tx.schools().InsertReversal(e, *date, request.reason(), request.request_id(), call.caller());
        if (!reversal.ok()) return reversal.status();
        v1::Expenditure out;
        out.set_expenditure_id(*reversal);
        out.set_reverses_expenditure_id(eid);
        out.set_reason(request.reason());
        out.set_school_id(e.school_id);
        out.set_category(e.category);
        out.set_amount_fen(e.amount.fen());
        out.set_date(date->ToString());
        for (const auto& d : e.draws) {
          auto* a = out.add_draws();
          a->set_source(ToProto(d.source));
          a->set_amount_fen(d.amount.fen());
        }
        if (auto s = ReverseFundPayments(call, tx.funds(), e, eid, *reversal, *date, request.request_id(), &out); !s.ok()) {
          return s;
        }
        auto after = tx.schools().FundAccounts(e.school_id);
        if (!after.ok()) return after.status();
        AddPositions(InOrder(call, e.school_id, *after), out.mutable_funds());
        if (auto s = call.Audit(tx.audit(), request.request_id(), *reversal, "OK",
                                absl::StrCat("reverses ", eid, " of ", e.school_id, ": +", e.amount.fen(), " 分; ",
                                             request.reason()));
            !s.ok()) {
          return s;
        }
        return out;
      },
      response);
}

absl::Status ListSchoolLedger(Call& call, const v1::ListSchoolLedgerRequest& request,
                              v1::ListSchoolLedgerResponse* response) {
  if (auto s = ValidateSchoolId(call, request.school_id()); !s.ok()) return s;
  // The page token is the number of entries already served: a school's ledger only grows at its end.
  auto page = ParsePage(request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  // The running balances need every line before the page: the ledger is read from its start.
  auto rows =
      call.storage().schools().ListSchoolLedger(request.school_id(), 0, static_cast<int>(page->after) + page->limit);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int64_t>(rows->size()) == page->after + page->limit;
  if (more) rows->pop_back();
  education::RunningBalances balances;
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& r = (*rows)[i];
    std::vector<education::SourceAmount> moved;
    for (const auto& d : r.draws) moved.push_back({d.source, d.amount});
    if (r.kind == "ALLOCATION" || r.kind == "ALLOCATION_REVERSAL") {
      if (auto source = education::FundSourceFromName(r.source)) moved.push_back({*source, r.amount});
    }
    const auto move = r.kind == "EXPENDITURE" || r.kind == "ALLOCATION_REVERSAL"
                          ? education::RunningBalances::Move::kOut
                          : education::RunningBalances::Move::kIn;
    if (!balances.Apply(move, moved)) return absl::InternalError("a school's balance overflows");
    if (static_cast<int64_t>(i) < page->after) continue;
    auto* e = response->add_entries();
    e->set_signed_amount_fen(move == education::RunningBalances::Move::kOut ? -r.amount.fen() : r.amount.fen());
    e->set_balance_fen(balances.total().fen());
    for (const auto& b : balances.balances()) {
      auto* sa = e->add_balances();
      sa->set_source(ToProto(b.source));
      sa->set_amount_fen(b.amount.fen());
    }
    e->set_entry_id(r.entry_id);
    e->set_kind(r.kind);
    e->set_date(r.date.ToString());
    if (auto source = education::FundSourceFromName(r.source)) e->set_source(ToProto(*source));
    e->set_category(r.category);
    e->set_amount_fen(r.amount.fen());
    e->set_reverses(r.reverses);
    e->set_request_id(r.request_id);
    e->set_recorded_at(r.recorded_at);
  }
  if (more) response->set_next_page_token(EncodePageToken(static_cast<int64_t>(rows->size())));
  return absl::OkStatus();
}

}  // namespace handlers
}  // namespace

SUBSIDY_UNARY_RPC(EducationFundServiceImpl, SplitGrant, Runs::kInline)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, GetFundPriority, Runs::kInline)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, AllocateFunds, Runs::kMutation)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, RecordExpenditure, Runs::kMutation)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, GetSpendingProgress, Runs::kInline)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, ReverseExpenditure, Runs::kMutation)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, ListSchoolLedger, Runs::kInline)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, ComputeEducationEntitlement, Runs::kInline)
SUBSIDY_UNARY_RPC(EducationFundServiceImpl, ListExpenditureCategories, Runs::kInline)

}  // namespace subsidy::service
