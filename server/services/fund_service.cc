// FundService: funds from budget to beneficiary. Mutations: validate → check the fund's figures
// (as of the entry's date and in all) → post one dated entry; reports and alerts: the figures as
// of a date from storage, every definition from calc/funds/execution.h.
#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_util.h"
#include "education/categories.h"
#include "funds/execution.h"
#include "funds/limits.h"
#include "funds/payments.h"
#include "services/common.h"
#include "services/fund_entries.h"
#include "services/fund_postings.h"
#include "services/payment_postings.h"
#include "services/fund_alerts.h"
#include "services/fund_report.h"
#include "services/monitoring_checks.h"
#include "services/services.h"

namespace subsidy::service {
namespace {

constexpr char kFundExists[] = "FUND_EXISTS";

absl::Status ValidateAmount(int64_t fen, absl::string_view field) {
  if (fen <= 0) return InvalidField(field, "must be positive (分)");
  return absl::OkStatus();
}

// The fund with its budget (every entry) and, as the contract says, allocated, paid and remaining
// as of today: entries dated later (an allocation planned for next month) do not count yet.
void FundToProto(const storage::FundRow& f, Money allocated_today, Money paid_today, v1::Fund* out) {
  out->set_fund_id(f.fund_id);
  out->set_name(f.name);
  out->set_budget_year(f.budget_year);
  v1::Fund::Level level;
  if (v1::Fund::Level_Parse(f.level, &level)) out->set_level(level);
  v1::Fund::Purpose purpose;
  if (v1::Fund::Purpose_Parse(f.purpose, &purpose)) out->set_purpose(purpose);
  out->set_region_code(f.region_code);
  out->set_budget_fen(f.budget.fen());
  out->set_date(f.date.ToString());
  out->set_document_no(f.document_no);
  for (const auto& p : f.target_prefixes) out->add_target_region_prefixes(p);
  out->set_min_target_share_percent(f.min_target_share);
  for (const auto& c : f.forbidden_categories) out->add_forbidden_categories(c);
  out->set_allocated_fen(allocated_today.fen());
  out->set_paid_fen(paid_today.fen());
  out->set_remaining_fen(f.budget.fen() - paid_today.fen());
  out->set_created_by(f.created_by);
  out->set_pending_allocation_fen(f.pending_allocated.fen());
}

// What pending instructions hold on the fund (已申请未审核).
void SetPending(const std::map<std::string, storage::FundPending>& pending, v1::Fund* out) {
  auto it = pending.find(out->fund_id());
  if (it == pending.end()) return;
  out->set_pending_fen(it->second.pending.fen());
  out->set_pending_payment_fen(it->second.pending_payments.fen());
}

absl::Status ValidateTrackingId(const std::string& tracking_id) {
  if (tracking_id.empty()) return absl::OkStatus();
  if (auto s = ValidateId(tracking_id, "tracking_id"); !s.ok()) return s;
  // FA-… is an allocation's own id, which tracks it when the caller gives none.
  if (absl::StartsWith(tracking_id, "FA-")) return InvalidField("tracking_id", "FA-… names allocations: choose another");
  return absl::OkStatus();
}

namespace handlers {

absl::Status CreateFund(Call& call, const v1::CreateFundRequest& req, v1::Fund* out) {
  if (auto s = ValidateId(req.fund_id(), "fund_id"); !s.ok()) return s;
  if (auto s = ValidateText(req.name(), "name", 200, true); !s.ok()) return s;
  if (req.budget_year() < 2000 || req.budget_year() > 2100) return InvalidField("budget_year", "a year, 2000 to 2100");
  if (req.level() == v1::Fund::LEVEL_UNSPECIFIED || !v1::Fund::Level_IsValid(req.level())) {
    return InvalidField("level", "CENTRAL_DIRECT, PROVINCIAL, MUNICIPAL, DISTRICT or COUNTY");
  }
  if (req.purpose() == v1::Fund::PURPOSE_UNSPECIFIED || !v1::Fund::Purpose_IsValid(req.purpose())) {
    return InvalidField("purpose", "LOAN_INTEREST_SUBSIDY, EDUCATION, ENTERPRISE_REWARD or OTHER");
  }
  if (auto s = ValidateDigits(req.region_code(), "region_code", 2, 12); !s.ok()) return s;
  if (req.budget_fen() < 0) return InvalidField("budget_fen", "must not be negative");
  auto date = ParseDate(req.date(), "date");
  if (!date.ok()) return date.status();
  if (auto s = ValidateText(req.document_no(), "document_no", 100, false); !s.ok()) return s;
  for (int i = 0; i < req.target_region_prefixes_size(); ++i) {
    if (auto s = ValidateDigits(req.target_region_prefixes(i), absl::StrCat("target_region_prefixes[", i, "]"), 2, 12);
        !s.ok()) {
      return s;
    }
  }
  if (!req.min_target_share_percent().empty()) {
    auto share = Rate::Parse(req.min_target_share_percent());
    if (!share.ok() || share->units() > 100 * Rate::kUnitsPerPercent) {
      return InvalidField("min_target_share_percent", "a percentage from 0 to 100, e.g. \"80\"");
    }
    if (req.target_region_prefixes().empty()) {
      return InvalidField("min_target_share_percent", "needs target_region_prefixes");
    }
  }
  for (int i = 0; i < req.forbidden_categories_size(); ++i) {
    if (auto s = ValidateId(req.forbidden_categories(i), absl::StrCat("forbidden_categories[", i, "]")); !s.ok()) {
      return s;
    }
  }
  storage::FundRow row;
  row.fund_id = req.fund_id();
  row.name = req.name();
  row.budget_year = req.budget_year();
  row.level = v1::Fund::Level_Name(req.level());
  row.purpose = v1::Fund::Purpose_Name(req.purpose());
  row.region_code = req.region_code();
  row.date = *date;
  row.document_no = req.document_no();
  row.target_prefixes.assign(req.target_region_prefixes().begin(), req.target_region_prefixes().end());
  row.min_target_share = req.min_target_share_percent();
  row.forbidden_categories.assign(req.forbidden_categories().begin(), req.forbidden_categories().end());
  row.budget = Money::Fen(req.budget_fen());
  row.created_by = call.caller();
  return call.Mutate(
      req, {"fund:" + req.fund_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::Fund> {
        auto existing = tx.funds().FundForUpdate(req.fund_id());
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return FailedPrecondition(kFundExists, absl::StrCat("fund ", req.fund_id(), " exists already"));
        }
        if (auto s = tx.funds().InsertFund(row, req.request_id()); !s.ok()) return s;
        auto made = LockedFund(tx.funds(), req.fund_id());
        if (!made.ok()) return made.status();
        if (auto s = call.Audit(tx.audit(), req.request_id(), req.fund_id(), "OK",
                                absl::StrCat("fund created, budget ", row.budget.fen(), " fen"));
            !s.ok()) {
          return s;
        }
        auto today = tx.funds().FundSumsAsOf(req.fund_id(), "", call.clock().TodayInChina());
        if (!today.ok()) return today.status();
        v1::Fund fund;
        FundToProto(*made, today->allocated, today->paid, &fund);
        return fund;
      },
      out);
}

absl::Status AdjustFundBudget(Call& call, const v1::AdjustFundBudgetRequest& req, v1::Fund* out) {
  if (req.delta_fen() == 0) return InvalidField("delta_fen", "must not be 0");
  auto date = ParseDate(req.date(), "date");
  if (!date.ok()) return date.status();
  if (auto s = ValidateText(req.document_no(), "document_no", 100, false); !s.ok()) return s;
  if (auto s = ValidateText(req.reason(), "reason", 1000, true); !s.ok()) return s;
  return call.Mutate(
      req, {"fund:" + req.fund_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::Fund> {
        auto fund = LockedFund(tx.funds(), req.fund_id());
        if (!fund.ok()) return fund.status();
        if (*date < fund->date) return InvalidField("date", "before the fund's own date");
        auto after = fund->budget.Plus(Money::Fen(req.delta_fen()));
        if (!after.ok()) return InvalidField("delta_fen", "out of range");
        if (req.delta_fen() < 0) {
          auto sums = tx.funds().FundSumsAsOf(req.fund_id(), "", *date);
          if (!sums.ok()) return sums.status();
          const Date* latest = sums->latest ? &*sums->latest : nullptr;
          const Money committed = funds::Committed(fund->allocated, fund->pending_allocated, fund->pending_cut);
          if (auto s = funds::CheckBudgetCut(*after, committed, *date, latest); !s.ok()) return s;
        }
        storage::FundEntry e;
        e.kind = storage::FundEntryKind::kAdjustment;
        e.fund_id = req.fund_id();
        e.amount = Money::Fen(req.delta_fen());
        e.date = *date;
        e.document_no = req.document_no();
        e.reference = req.reason();
        e.request_id = req.request_id();
        e.created_by = call.caller();
        auto id = tx.funds().PostFundEntry(e);
        if (!id.ok()) return id.status();
        if (auto s = call.Audit(tx.audit(), req.request_id(), req.fund_id(), "OK",
                                absl::StrCat("budget ", req.delta_fen() > 0 ? "+" : "", req.delta_fen(), " fen: ",
                                             req.reason()));
            !s.ok()) {
          return s;
        }
        auto now = LockedFund(tx.funds(), req.fund_id());
        if (!now.ok()) return now.status();
        auto today = tx.funds().FundSumsAsOf(req.fund_id(), "", call.clock().TodayInChina());
        if (!today.ok()) return today.status();
        v1::Fund f;
        FundToProto(*now, today->allocated, today->paid, &f);
        return f;
      },
      out);
}

absl::Status AllocateFund(Call& call, const v1::AllocateFundRequest& req, v1::FundAllocation* out) {
  if (req.recipient_kind() == v1::FundAllocation::RECIPIENT_KIND_UNSPECIFIED ||
      !v1::FundAllocation::RecipientKind_IsValid(req.recipient_kind())) {
    return InvalidField("recipient_kind", "SCHOOL, BANK, REWARD_POLICY or UNIT");
  }
  if (auto s = ValidateId(req.recipient_id(), "recipient_id"); !s.ok()) return s;
  if (auto s = ValidateDigits(req.region_code(), "region_code", 2, 12); !s.ok()) return s;
  if (auto s = ValidateAmount(req.amount_fen(), "amount_fen"); !s.ok()) return s;
  auto date = ParseDate(req.date(), "date");
  if (!date.ok()) return date.status();
  if (auto s = ValidateText(req.document_no(), "document_no", 100, false); !s.ok()) return s;
  if (auto s = ValidateTrackingId(req.tracking_id()); !s.ok()) return s;
  if (auto s = ValidateAccount(req.recipient_account(), "recipient_account"); !s.ok()) return s;
  // A school or a policy is one the rest of the service knows, or its money could never be spent.
  if (req.recipient_kind() == v1::FundAllocation::SCHOOL) {
    if (auto s = education::ValidateSchoolId(call.data(), req.recipient_id()); !s.ok()) {
      return InvalidField("recipient_id", s.message());
    }
  }
  if (req.recipient_kind() == v1::FundAllocation::REWARD_POLICY && call.data().rewards().Find(req.recipient_id()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("no reward policy \"", req.recipient_id(), "\""));
  }
  const std::string kind = v1::FundAllocation::RecipientKind_Name(req.recipient_kind());
  return call.Mutate(
      req, {"fund:" + req.fund_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::FundAllocation> {
        auto fund = LockedFund(tx.funds(), req.fund_id());
        if (!fund.ok()) return fund.status();
        const Money amount = Money::Fen(req.amount_fen());
        const AllocationSpec spec{req.recipient_id(), kind,           req.region_code(), amount,
                                  *date,              req.document_no(), req.request_id(), call.caller(),
                                  req.tracking_id()};
        // Money for a school is also its ledger's: the one road AllocateFunds takes.
        absl::StatusOr<std::string> id;
        if (req.recipient_kind() == v1::FundAllocation::SCHOOL) {
          auto both = AllocateToSchool(tx, *fund, spec);
          id = both.ok() ? absl::StatusOr<std::string>(both->fund_allocation_id) : both.status();
        } else {
          id = AllocateFromFund(tx.funds(), *fund, spec);
        }
        if (!id.ok()) return id.status();
        if (auto s = RememberUnitAccount(tx, req.recipient_id(), req.recipient_account(), *id); !s.ok()) return s;
        auto now = tx.funds().FundRecipient(req.fund_id(), req.recipient_id());
        if (!now.ok()) return now.status();
        if (auto s = call.Audit(tx.audit(), req.request_id(), *id, "OK",
                                absl::StrCat(req.fund_id(), " → ", req.recipient_id(), ": ", amount.fen(), " fen"));
            !s.ok()) {
          return s;
        }
        v1::FundAllocation a;
        a.set_allocation_id(*id);
        a.set_fund_id(req.fund_id());
        a.set_recipient_kind(req.recipient_kind());
        a.set_recipient_id(req.recipient_id());
        a.set_region_code(req.region_code());
        a.set_amount_fen(amount.fen());
        a.set_date(date->ToString());
        a.set_document_no(req.document_no());
        a.set_recipient_allocated_fen((*now)->allocated.fen());
        a.set_recipient_paid_fen((*now)->paid.fen());
        a.set_tracking_id(req.tracking_id().empty() ? *id : req.tracking_id());
        return a;
      },
      out);
}

absl::Status RecordFundPayment(Call& call, const v1::RecordFundPaymentRequest& req, v1::FundPayment* out) {
  if (auto s = ValidateId(req.recipient_id(), "recipient_id"); !s.ok()) return s;
  if (auto s = ValidateAmount(req.amount_fen(), "amount_fen"); !s.ok()) return s;
  auto date = ParseDate(req.date(), "date");
  if (!date.ok()) return date.status();
  if (!req.category().empty()) {
    if (auto s = ValidateId(req.category(), "category"); !s.ok()) return s;
  }
  if (auto s = ValidatePayeeText(req.payee(), "payee", 200); !s.ok()) return s;
  if (auto s = ValidateText(req.reference(), "reference", 200, false); !s.ok()) return s;
  if (auto s = ValidateAccount(req.payee_account(), "payee_account"); !s.ok()) return s;
  if (auto s = ValidatePayeeText(req.payee_bank(), "payee_bank", 200); !s.ok()) return s;
  if (auto s = ValidatePayeeId(req.payee_id(), "payee_id"); !s.ok()) return s;
  if (!req.tracking_id().empty()) {
    if (auto s = ValidateId(req.tracking_id(), "tracking_id"); !s.ok()) return s;
  }
  std::optional<storage::MonitoringEventRow> blocked;
  auto done = call.Mutate(
      req, {"fund:" + req.fund_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::FundPayment> {
        auto fund = LockedFund(tx.funds(), req.fund_id());
        if (!fund.ok()) return fund.status();
        const Money amount = Money::Fen(req.amount_fen());
        blocked.reset();
        if (auto s = CheckOwnAccount(tx, call.data(), req.fund_id(), req.recipient_id(), req.payee_account(), amount,
                                     *date, req.request_id(), call.caller(), &blocked);
            !s.ok()) {
          return s;
        }
        auto id = PayFromFund(tx.funds(), call.data(), *fund,
                              {req.recipient_id(), amount, *date, req.category(), req.payee(), req.reference(),
                               req.request_id(), call.caller(), req.tracking_id()});
        if (!id.ok()) return id.status();
        std::string line;
        if (!req.payee().empty()) {
          // Paid to a payee: a line of the day's batch to the agent bank, which confirms it.
          const Date::Ymd d = date->ToYmd();
          auto sent = SendPayment(tx, {storage::PaymentSource::kFundPayment, *id, req.payee(), req.payee_account(),
                                       req.payee_bank(), req.payee_id(), amount, *date,
                                       absl::StrFormat("FV%04d%02d%02d-%s", d.year, d.month, d.day, id->substr(3)),
                                       call.caller(), {*id}});
          if (!sent.ok()) return sent.status();
          line = *sent;
        }
        auto now = tx.funds().FundRecipient(req.fund_id(), req.recipient_id());
        if (!now.ok()) return now.status();
        if (auto s = call.Audit(tx.audit(), req.request_id(), *id, "OK",
                                absl::StrCat(req.fund_id(), " paid ", req.recipient_id(), ": ", amount.fen(), " fen"));
            !s.ok()) {
          return s;
        }
        v1::FundPayment p;
        p.set_payment_id(*id);
        p.set_fund_id(req.fund_id());
        p.set_recipient_id(req.recipient_id());
        p.set_amount_fen(amount.fen());
        p.set_date(date->ToString());
        p.set_category(req.category());
        p.set_payee(req.payee());
        p.set_reference(req.reference());
        p.set_recipient_allocated_fen((*now)->allocated.fen());
        p.set_recipient_paid_fen((*now)->paid.fen());
        auto seq = storage::FundEntrySeqFrom(*id);
        auto posted = seq ? tx.funds().FundEntryById(*seq) : absl::StatusOr<std::optional<storage::FundEntryRow>>();
        if (!posted.ok()) return posted.status();
        if (posted->has_value()) p.set_tracking_id((*posted)->entry.tracking_id);
        p.set_payment_line_id(line);
        return p;
      },
      out);
  // Recorded in a transaction of its own, after the refused one; inside an approval the approver's
  // transaction is still open, and the refusal answers the approver (who rejects the instruction).
  if (!done.ok() && blocked && !call.InsideApproval()) RecordBlocked(call, *blocked);
  return done;
}

// Funds with their figures as of today (China Standard Time).
absl::StatusOr<std::vector<storage::FundFigures>> FundsToday(Call& call, std::vector<std::string> fund_ids) {
  if (fund_ids.empty()) return std::vector<storage::FundFigures>();
  storage::FundFilter f;
  f.fund_ids = std::move(fund_ids);
  return call.storage().funds().FundFiguresAsOf(f, call.clock().TodayInChina());
}

absl::Status GetFund(Call& call, const v1::GetFundRequest& req, v1::Fund* out) {
  if (auto s = ValidateId(req.fund_id(), "fund_id"); !s.ok()) return s;
  auto figures = FundsToday(call, {req.fund_id()});
  if (!figures.ok()) return figures.status();
  if (figures->empty()) return absl::NotFoundError(absl::StrCat("no fund ", req.fund_id()));
  const auto& f = figures->front();
  FundToProto(f.fund, f.allocated, f.paid, out);
  auto pending = call.storage().instructions().PendingByFund();
  if (!pending.ok()) return pending.status();
  SetPending(*pending, out);
  return absl::OkStatus();
}

absl::Status ListFunds(Call& call, const v1::ListFundsRequest& req, v1::ListFundsResponse* out) {
  storage::FundFilter f = FilterOf(req);
  auto page = ParsePage(req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  f.after_seq = page->after;
  f.limit = page->limit;
  auto rows = call.storage().funds().ListFunds(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  std::vector<std::string> ids;
  for (const auto& r : *rows) ids.push_back(r.fund_id);
  auto figures = FundsToday(call, std::move(ids));
  if (!figures.ok()) return figures.status();
  auto pending = call.storage().instructions().PendingByFund();
  if (!pending.ok()) return pending.status();
  for (const auto& fig : *figures) {
    FundToProto(fig.fund, fig.allocated, fig.paid, out->add_funds());  // seq order
    SetPending(*pending, out->mutable_funds(out->funds_size() - 1));
  }
  if (more) out->set_next_page_token(EncodePageToken(rows->back().seq));
  return absl::OkStatus();
}

// The window a request's page asks for: every item without page_size and page_token (as before
// paging), else an offset page (every page of one answer is computed from the ledger as of its
// date, so offsets are stable while no new entry lands on that date).
absl::StatusOr<Window> WindowOf(int32_t page_size, const std::string& page_token) {
  if (page_size == 0 && page_token.empty()) return Window{};
  auto page = ParsePage(page_size, page_token);
  if (!page.ok()) return page.status();
  return Window{page->after, page->limit - 1};
}
void SetNextPage(const Window& window, int64_t count, std::string* next_page_token) {
  const int64_t end = window.first + window.size;
  if (window.size >= 0 && end < count) *next_page_token = EncodePageToken(end);
}

absl::Status GetExecutionReport(Call& call, const v1::GetExecutionReportRequest& req, v1::ExecutionReport* out) {
  auto window = WindowOf(req.page_size(), req.page_token());
  if (!window.ok()) return window.status();
  if (auto s = call.SetFreshness(out->mutable_freshness()); !s.ok()) return s;
  if (auto s = BuildExecutionReport(call.reports(), call.data(), req, out); !s.ok()) return s;
  // The rows are all computed (the total is over every one); the answer keeps the window's.
  const int count = out->rows_size();
  out->set_row_count(count);
  if (window->size >= 0) {
    const int first = static_cast<int>(std::min<int64_t>(window->first, count));
    const int last = static_cast<int>(std::min<int64_t>(window->first + window->size, count));
    out->mutable_rows()->DeleteSubrange(last, count - last);
    out->mutable_rows()->DeleteSubrange(0, first);
  }
  SetNextPage(*window, count, out->mutable_next_page_token());
  return absl::OkStatus();
}

absl::Status ListFundAlerts(Call& call, const v1::ListFundAlertsRequest& req, v1::ListFundAlertsResponse* out) {
  auto window = WindowOf(req.page_size(), req.page_token());
  if (!window.ok()) return window.status();
  v1::ListFundAlertsRequest asked = req;
  if (asked.as_of().empty()) asked.set_as_of(call.clock().TodayInChina().ToString());  // default today
  if (auto s = call.SetFreshness(out->mutable_freshness()); !s.ok()) return s;
  if (auto s = BuildFundAlerts(call.reports(), call.data(), asked, *window, out, nullptr, LanguageOf(call.language()));
      !s.ok()) {
    return s;
  }
  SetNextPage(*window, out->alert_count(), out->mutable_next_page_token());
  return absl::OkStatus();
}

// A payment that went to the bank as a line is corrected by the bank's return, a reissue or a
// return (PaymentService), never here: reversing it would let the bank pay money the fund no
// longer counts, or block the return file that fails it.
absl::Status NotAtBank(storage::LedgerTx& tx, int64_t seq, const std::string& entry_id) {
  auto line = tx.payments().LineOfEntry(seq);
  if (!line.ok()) return line.status();
  if (!line->has_value()) return absl::OkStatus();
  const std::string payment_id = storage::PaymentIdFor((*line)->seq), state = funds::PaymentStateName((*line)->state);
  return WithParams(FailedPrecondition(funds::kPaymentAtBank,
                                       absl::StrCat(entry_id, " went to the bank as ", payment_id, " (", state,
                                                    "): correct it by the bank's return file, a reissue or a return")),
                    {{"entry_id", entry_id}, {"payment_id", payment_id}, {"state", state}});
}

absl::Status ReverseFundEntry(Call& call, const v1::ReverseFundEntryRequest& req, v1::FundEntry* out) {
  if (req.entry_id().empty()) return RequiredField("entry_id");
  auto seq = storage::FundEntrySeqFrom(req.entry_id());
  if (!seq) return absl::NotFoundError(absl::StrCat("no fund entry ", req.entry_id()));
  auto date = ParseDate(req.date(), "date");
  if (!date.ok()) return date.status();
  if (auto s = ValidateText(req.reason(), "reason", 1000, true); !s.ok()) return s;
  std::vector<std::string> locks = {"entry:" + req.entry_id()};
  return call.Mutate(
      req, std::move(locks),
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::FundEntry> {
        auto target = ReversibleEntry(tx.funds(), *seq, req.entry_id());
        if (!target.ok()) return target.status();
        if (auto s = NotAtBank(tx, *seq, req.entry_id()); !s.ok()) return s;
        const storage::FundEntry& e = target->entry;
        if (*date < e.date) return InvalidField("date", absl::StrCat("before the entry's own date ", e.date.ToString()));
        auto fund = LockedFund(tx.funds(), e.fund_id);
        if (!fund.ok()) return fund.status();
        storage::FundEntry r;
        r.kind = storage::FundEntryKind::kReversal;
        r.fund_id = e.fund_id;
        r.recipient_id = e.recipient_id;
        r.date = *date;
        r.reference = req.reason();
        r.request_id = req.request_id();
        r.created_by = call.caller();
        r.reverses = *seq;
        r.reverses_kind = e.kind;
        r.tracking_id = e.tracking_id;
        if (auto s = SizeReversal(tx, e, *fund, *date, req.entry_id(), &r); !s.ok()) return s;
        auto id = tx.funds().PostFundEntry(r);
        if (!id.ok()) return id.status();
        if (e.kind == storage::FundEntryKind::kAllocation) {
          // A school's allocation from the fund is also its ledger's: taken back there too.
          auto school = tx.schools().SchoolAllocationOf(e.request_id);
          if (!school.ok()) return school.status();
          if (school->has_value()) {
            auto back = tx.schools().ReverseSchoolAllocation(e.recipient_id, **school, r.amount, *date, *id,
                                                             req.request_id(), call.caller());
            if (!back.ok()) return back.status();
          }
        }
        if (auto s = call.Audit(tx.audit(), req.request_id(), *id, "OK",
                                absl::StrCat("reverses ", req.entry_id(), ": ", r.amount.fen(), " fen; ", req.reason()));
            !s.ok()) {
          return s;
        }
        return PostedEntry(tx.funds(), *id, e.fund_id);
      },
      out);
}

absl::Status ListFundEntries(Call& call, const v1::ListFundEntriesRequest& req, v1::ListFundEntriesResponse* out) {
  if (auto s = ValidateId(req.fund_id(), "fund_id"); !s.ok()) return s;
  auto page = ParsePage(req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  if (auto s = call.SetFreshness(out->mutable_freshness()); !s.ok()) return s;
  auto fund = call.storage().funds().GetFund(req.fund_id());  // it exists: the primary says
  if (!fund.ok()) return fund.status();
  if (!fund->has_value()) return absl::NotFoundError(absl::StrCat("no fund ", req.fund_id()));
  storage::FundEntryFilter f;
  f.fund_id = req.fund_id();
  f.tracking_id = req.tracking_id();
  f.recipient_id = req.recipient_id();
  f.after_id = page->after;
  f.limit = page->limit;
  auto rows = call.reports().funds().ListFundEntries(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  for (const auto& r : *rows) EntryToProto(r, out->add_entries());
  if (more) out->set_next_page_token(EncodePageToken(rows->back().id));
  return absl::OkStatus();
}

}  // namespace handlers
}  // namespace

#define SUBSIDY_FUND_RPC(Rpc, runs) SUBSIDY_UNARY_RPC(FundServiceImpl, Rpc, runs)
SUBSIDY_FUND_RPC(CreateFund, Runs::kMutation)
SUBSIDY_FUND_RPC(AdjustFundBudget, Runs::kMutation)
SUBSIDY_FUND_RPC(AllocateFund, Runs::kMutation)
SUBSIDY_FUND_RPC(RecordFundPayment, Runs::kMutation)
SUBSIDY_FUND_RPC(GetFund, Runs::kInline)
SUBSIDY_FUND_RPC(ListFunds, Runs::kInline)
SUBSIDY_FUND_RPC(GetExecutionReport, Runs::kInline)
SUBSIDY_FUND_RPC(ListFundAlerts, Runs::kInline)
SUBSIDY_FUND_RPC(ReverseFundEntry, Runs::kMutation)
SUBSIDY_FUND_RPC(ListFundEntries, Runs::kInline)
#undef SUBSIDY_FUND_RPC

}  // namespace subsidy::service
