// The loan book and policy what-if (政策测算): ListLoanBook, ImportLoanPortfolio, ListLoanReforms,
// SimulateReform, ForecastLoanSubsidies. The book is read from storage; every figure comes from
// the engines in calc/loan (what_if.h, reform.h) on the call's snapshot of the policy data.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "ids/canonical.h"
#include "loan/claim.h"
#include "loan/reform.h"
#include "loan/what_if.h"
#include "services/claim_writer.h"
#include "services/common.h"
#include "services/loan_mapping.h"
#include "services/progress_stream.h"
#include "services/services.h"

namespace subsidy::service {
namespace {

constexpr int kMaxQuarters = 40;

// The book's filter, checked.
struct BookFilter {
  std::vector<std::string> bank_ids;
  std::string province;
  std::optional<LoanProgram> program;
  int year = 0;
  std::optional<RegionTier> tier;
  bool Matches(const loan::LoanInput& in) const {
    return (province.empty() || in.province == province) && (!program || in.program == *program) &&
           (year == 0 || in.disbursement_date.ToYmd().year == year) && (!tier || in.region_tier == *tier);
  }
};

// `field`: the filter's name in the request ("book", or ListLoanBook's "filter").
absl::StatusOr<BookFilter> ParseFilter(const Call& call, const v1::LoanBookFilter& f, absl::string_view field) {
  BookFilter out;
  const std::string at = absl::StrCat(field, ".");
  for (int i = 0; i < f.bank_ids_size(); ++i) {  // canonical already (CanonicalizeIds)
    if (auto s = ValidateId(f.bank_ids(i), absl::StrCat(at, "bank_ids[", i, "]")); !s.ok()) return s;
    out.bank_ids.push_back(f.bank_ids(i));
  }
  if (!f.province().empty() && call.data().FindProvince(f.province()) == nullptr) {
    return InvalidField(at + "province", "unknown province code");
  }
  out.province = f.province();
  if (f.program() != v1::LOAN_PROGRAM_UNSPECIFIED) {
    out.program = LoanProgramFromProto(f.program());
    if (!out.program) return InvalidField(at + "program", "not a loan program");
  }
  if (f.region_tier() != v1::REGION_TIER_UNSPECIFIED) {
    out.tier = RegionTierFromProto(f.region_tier());
    if (!out.tier) return InvalidField(at + "region_tier", "not a region tier");
  }
  if (f.disbursement_year() != 0 && (f.disbursement_year() < 1990 || f.disbursement_year() > 2100)) {
    return InvalidField(at + "disbursement_year", "a year from 1990 to 2100");
  }
  out.year = f.disbursement_year();
  return out;
}

absl::StatusOr<std::optional<Date>> OptionalDate(const std::string& text, absl::string_view field) {
  if (text.empty()) return std::optional<Date>();
  auto d = Date::Parse(text);
  if (!d.ok()) return InvalidField(field, d.status().message());
  return std::optional<Date>(*d);
}

// A stored loan as the book shows it: under the line's canonical id (a claim line's input is the
// loan as the bank sent it), without a claim period.
bool ParseBookLoan(const std::string& input, const std::string& canonical_id, v1::LoanSubsidyRequest* out) {
  if (!out->ParseFromString(input)) return false;
  if (!canonical_id.empty()) out->set_loan_id(canonical_id);
  out->clear_claim_period();
  return true;
}

// The book: for each (bank, loan) its last record, parsed, that the filter selects.
absl::Status ForEachBookLoan(const Call& call, const BookFilter& filter, std::optional<Date> as_of,
                             absl::FunctionRef<absl::Status(const storage::BookRecord&, const v1::LoanSubsidyRequest&,
                                                            const loan::LoanInput&)>
                                 fn) {
  std::optional<storage::BookRecord> last;
  auto emit = [&]() -> absl::Status {
    if (!last) return absl::OkStatus();
    v1::LoanSubsidyRequest req;
    if (!ParseBookLoan(last->input, last->loan_id, &req)) return absl::DataLossError("a loan book record does not parse");
    auto in = LoanInputFromProto(req);
    if (!in.ok()) return absl::DataLossError(absl::StrCat("a loan book record is not a loan: ", in.status().message()));
    if (!filter.Matches(*in)) return absl::OkStatus();
    return fn(*last, req, *in);
  };
  auto s = call.storage().book().ForEachRecord({filter.bank_ids, as_of}, [&](const storage::BookRecord& r) {
    if (last && (last->bank_id != r.bank_id || last->loan_key != r.loan_key)) {
      if (auto e = emit(); !e.ok()) return e;
    }
    last = r;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return emit();
}

void FailureToProto(const loan::LoanFailure& f, const Call& call, v1::LoanFailure* out) {
  out->set_bank_id(f.bank_id);
  out->set_loan_id(f.loan_id);
  ItemErrorFromStatus(f.status, out->mutable_error());
  LocalizeItemError(out->mutable_error(), call.data().messages(), LanguageOf(call.language()));
}

void ReasonsToProto(const std::vector<loan::Reason>& reasons, const Call& call,
                    google::protobuf::RepeatedPtrField<v1::Reason>* out) {
  for (const auto& r : reasons) ReasonToProto(r, out->Add());
  LocalizeReasons(out, call.data().messages(), LanguageOf(call.language()));
}

void RangeToProto(const DateRange& r, v1::DateRange* out) {
  out->set_start_date(r.first().ToString());
  out->set_end_date(r.last().ToString());
}

// Runs the loans through two shards on two threads (the machine's cores) and merges them. With
// `call`, progress is reported every kProgressEvery loans, and the run stops when the caller has
// gone (CANCELLED: nothing is stored, so nothing is left half done).
constexpr size_t kProgressEvery = 50'000;
template <class Shard>
absl::StatusOr<Shard> RunSharded(const Call* call, std::vector<loan::BookLoan>& loans, Shard a, Shard b) {
  const size_t half = loans.size() / 2;
  std::atomic<bool> stop{false};
  std::atomic<size_t> done_a{0};
  std::thread t([&] {
    for (size_t i = 0; i < half && !stop.load(std::memory_order_relaxed); ++i) {
      a.Add(loans[i]);
      if ((i + 1) % 1024 == 0) done_a.store(i + 1, std::memory_order_relaxed);
    }
  });
  for (size_t i = half; i < loans.size(); ++i) {
    b.Add(loans[i]);
    if (call && (i - half + 1) % (kProgressEvery / 2) == 0 &&
        !call->Progress(static_cast<int64_t>(done_a.load(std::memory_order_relaxed) + i - half + 1),
                        static_cast<int64_t>(loans.size()))) {
      stop = true;
      break;
    }
  }
  t.join();
  if (stop) return absl::CancelledError("the caller went away; the run was stopped");
  a.Merge(std::move(b));
  return a;
}

void FiguresToProto(const loan::Figures& f, v1::WhatIfFigures* out) {
  out->set_in_force_fen(f.in_force.fen());
  out->set_draft_fen(f.draft.fen());
  out->set_difference_fen(f.difference().fen());
  out->set_claimed_fen(f.claimed.fen());
  out->set_loans(f.loans);
}

absl::StatusOr<loan::Draft> DraftOf(const Call& call, const v1::SimulateReformRequest& req) {
  if (req.reform_id().empty() == req.reform_text().empty()) {
    return InvalidField("reform_id", "give reform_id or reform_text, one of them");
  }
  if (!req.reform_id().empty()) {
    const auto* d = call.data().FindDraft(req.reform_id());
    if (d == nullptr) {
      return WithReason(absl::NotFoundError(absl::StrCat("no draft ", req.reform_id(), " in data/reforms")),
                        loan::kReformNotFound);
    }
    return loan::LoadDraft(d->path, d->text, call.data());
  }
  auto draft = loan::LoadDraft("draft", req.reform_text(), call.data());
  if (!draft.ok() && draft.status().code() == absl::StatusCode::kInvalidArgument) {
    return WithReason(InvalidField("reform_text", draft.status().message()), loan::kReformInvalid);
  }
  return draft;
}

// The loans a what-if runs: the book, or the paid claims' lines of the window.
absl::StatusOr<std::vector<loan::BookLoan>> WhatIfLoans(const Call& call, const BookFilter& filter, bool paid_claims,
                                                        const std::vector<DateRange>& quarters,
                                                        std::vector<loan::LoanFailure>& missing) {
  std::vector<loan::BookLoan> loans;
  if (!paid_claims) {
    auto s = ForEachBookLoan(call, filter, std::nullopt,
                             [&](const storage::BookRecord& r, const v1::LoanSubsidyRequest&, const loan::LoanInput& in) {
                               loans.push_back({r.bank_id, in, std::nullopt, std::nullopt});
                               return absl::OkStatus();
                             });
    if (!s.ok()) return s;
    return loans;
  }
  auto s = call.storage().book().ForEachClaimedLine(
      filter.bank_ids, quarters.front().first(), quarters.back().first(), [&](const storage::ClaimedLine& l) {
        if (!l.paid) return absl::OkStatus();
        v1::LoanSubsidyRequest req;
        if (l.input.empty() || !ParseBookLoan(l.input, l.loan_id, &req)) {
          missing.push_back({l.bank_id, "", absl::FailedPreconditionError(absl::StrCat(
                                                "a line of claim ", l.claim_seq, " was stored before the loan book"))});
          return absl::OkStatus();
        }
        auto in = LoanInputFromProto(req);
        if (!in.ok()) return absl::DataLossError("a claim line's loan is not a loan");
        if (!filter.Matches(*in)) return absl::OkStatus();
        loans.push_back({l.bank_id, *in, *DateRange::Make(l.period_start, l.period_end), l.subsidy});
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return loans;
}

// A scenario's points, parsed (the rule that they follow the table is calc's: loan::WithLprPath).
absl::StatusOr<std::vector<LprFixing>> LprPathFromProto(const google::protobuf::RepeatedPtrField<v1::LprScenarioPoint>& path) {
  std::vector<LprFixing> out;
  for (int i = 0; i < path.size(); ++i) {
    const std::string f = absl::StrCat("lpr_path[", i, "]");
    auto d = Date::Parse(path[i].effective_date());
    if (!d.ok()) return InvalidField(f + ".effective_date", d.status().message());
    auto one = Rate::Parse(path[i].lpr_1y_percent());
    if (!one.ok()) return InvalidField(f + ".lpr_1y_percent", one.status().message());
    auto five = Rate::Parse(path[i].lpr_5y_percent());  // required: loans over five years use it
    if (!five.ok()) return InvalidField(f + ".lpr_5y_percent", five.status().message());
    out.push_back({*d, *one, *five});
  }
  return out;
}

absl::StatusOr<loan::NewLending> NewLendingFromProto(const v1::NewLending& n) {
  loan::NewLending out;
  out.yearly_principal = Money::Fen(n.yearly_principal_fen());
  for (int i = 0; i < n.mix_size(); ++i) {
    const auto& m = n.mix(i);
    loan::NewLendingMix x;
    auto program = LoanProgramFromProto(m.program());
    if (!program) return InvalidField(absl::StrCat("new_lending.mix[", i, "].program"), "is required");
    x.program = *program;
    x.share_percent = m.share_percent();
    x.province = m.province();
    x.region_tier = RegionTierFromProto(m.region_tier()).value_or(RegionTier::kEast);
    x.average_principal = Money::Fen(m.average_principal_fen());
    x.rate_spread_bp = m.rate_spread_bp();
    x.term_months = m.term_months() ? m.term_months() : 24;
    x.partner_count = m.partner_count();
    out.mix.push_back(std::move(x));
  }
  return out;
}

// The forecast's quarters, each beside what was claimed for it; the total.
int64_t QuartersToProto(const loan::ForecastResult& r, const std::map<Date, int64_t>& claimed,
                        v1::ForecastLoanSubsidiesResponse* out) {
  int64_t total = 0;
  for (const auto& q : r.quarters) {
    auto* x = out->add_quarters();
    RangeToProto(q.period, x->mutable_period());
    x->set_book_fen(q.book.fen());
    x->set_new_lending_fen(q.new_lending.fen());
    x->set_total_fen(q.book.fen() + q.new_lending.fen());
    x->set_loans(q.loans);
    total += x->total_fen();
    if (auto it = claimed.find(q.period.first()); it != claimed.end()) {
      x->set_claimed_known(true);
      x->set_claimed_fen(it->second);
      x->set_error_fen(x->total_fen() - it->second);
      x->set_error_percent(loan::ErrorPercent(Money::Fen(x->error_fen()), Money::Fen(it->second)));
    }
    for (const auto& d : q.drivers) {
      auto* y = x->add_drivers();
      y->set_bank_id(d.bank_id);
      y->set_loan_id(d.loan_id);
      y->set_subsidy_fen(d.subsidy.fen());
    }
  }
  return total;
}

loan::Reason Assumption(std::string code, StatusParams params) { return {std::move(code), "", std::move(params)}; }

}  // namespace

namespace handlers {

absl::Status ListLoanBook(Call& call, const v1::ListLoanBookRequest& req, v1::ListLoanBookResponse* out) {
  auto filter = ParseFilter(call, req.filter(), "filter");
  if (!filter.ok()) return filter.status();
  auto as_of = OptionalDate(req.as_of(), "as_of");
  if (!as_of.ok()) return as_of.status();
  auto page = ParsePage(req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  const Date outstanding_on = as_of->value_or(call.clock().TodayInChina());
  const int size = page->limit - 1;  // ParsePage asks one more row, to tell a next page
  int64_t index = 0, principal = 0, outstanding = 0;
  auto s = ForEachBookLoan(call, *filter, *as_of,
                           [&](const storage::BookRecord& r, const v1::LoanSubsidyRequest& loan, const loan::LoanInput& in) {
                             ++index;
                             principal += in.principal.fen();
                             outstanding += loan::OutstandingOn(in, outstanding_on).fen();
                             if (index > page->after && out->loans_size() < size) {
                               auto* e = out->add_loans();
                               e->set_bank_id(r.bank_id);
                               *e->mutable_loan() = loan;
                               e->set_as_of(r.as_of.ToString());
                               e->set_source(r.from_claim ? "CLAIM" : "PORTFOLIO");
                               e->set_source_id(r.from_claim ? storage::ClaimIdFor(r.source_seq)
                                                             : absl::StrCat("PF-", r.source_seq));
                               if (out->loans_size() == size) out->set_next_page_token(EncodePageToken(index));
                             }
                             return absl::OkStatus();
                           });
  if (!s.ok()) return s;
  if (index <= page->after + size) out->clear_next_page_token();
  out->mutable_totals()->set_loans(index);
  out->mutable_totals()->set_principal_fen(principal);
  out->mutable_totals()->set_outstanding_fen(outstanding);
  return absl::OkStatus();
}

absl::Status ImportLoanPortfolio(Call& call, const v1::ImportLoanPortfolioRequest& req, v1::LoanPortfolioImport* out) {
  if (auto s = ValidateId(req.bank_id(), "bank_id"); !s.ok()) return s;
  auto as_of = Date::Parse(req.as_of());
  if (!as_of.ok()) return InvalidField("as_of", as_of.status().message());
  if (call.clock().TodayInChina() < *as_of) return InvalidField("as_of", "is in the future");
  auto loans = LoansFromClaimFile(call, req.file(), req.encoding());
  if (!loans.ok()) return loans.status();
  if (loans->empty()) return InvalidField("file", "a portfolio has at least one loan");
  std::vector<storage::PortfolioLine> lines;
  std::vector<std::string> terms;  // each line's bound terms (BoundTermsOf)
  std::set<std::string> keys;
  for (size_t i = 0; i < loans->size(); ++i) {
    v1::LoanSubsidyRequest& loan = (*loans)[i];
    const std::string at = absl::StrCat("row ", i + 2);  // the file's line (after the header)
    auto id = CanonicalizeId(loan.loan_id(), "file", loan::kMaxClaimLoanIdBytes);
    if (!id.ok()) return InvalidField("file", absl::StrCat(at, ": loan_id ", id.status().message()));
    if (!keys.insert(id->key).second) return InvalidField("file", absl::StrCat(at, ": loan ", id->text, " listed twice"));
    loan.set_loan_id(id->text);
    loan.clear_claim_period();
    auto in = LoanInputFromProto(loan);
    absl::Status s = in.ok() ? loan::ValidateLoan(*in, call.data()) : in.status();
    if (!s.ok()) return InvalidField("file", absl::StrCat(at, ": ", s.message()));
    if (*as_of < in->contract_date) {
      return InvalidField("file", absl::StrCat(at, ": loan ", id->text, " was contracted after as_of"));
    }
    lines.push_back({id->key, loan.SerializeAsString()});
    terms.push_back(BoundTermsOf(loan));
  }
  return call.Mutate(
      req, {"portfolio:" + req.bank_id()},
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::LoanPortfolioImport> {
        // A loan a claim has bound keeps its contract terms, as a later claim must (LOAN_TERMS_CHANGED).
        std::vector<std::string> line_keys;
        for (const auto& l : lines) line_keys.push_back(l.loan_key);
        auto bound = tx.book().BoundTerms(req.bank_id(), line_keys);
        if (!bound.ok()) return bound.status();
        for (size_t i = 0; i < lines.size(); ++i) {
          auto it = bound->find(lines[i].loan_key);
          if (it == bound->end() || it->second == terms[i]) continue;
          return WithParams(FailedPrecondition(storage::kLoanTermsChanged,
                                               absl::StrCat("row ", i + 2, ": the loan's terms differ from those of its first "
                                                            "claim (", it->second, " then, ", terms[i], " now)")),
                            {{"changed", absl::StrCat(it->second, " → ", terms[i])}});
        }
        storage::PortfolioImport h;
        h.request_id = req.request_id();
        h.bank_id = req.bank_id();
        h.as_of = *as_of;
        h.imported_by = call.caller();
        auto stored = tx.book().ImportPortfolio(h, lines);
        if (!stored.ok()) return stored.status();
        v1::LoanPortfolioImport r;
        r.set_import_id(absl::StrCat("PF-", stored->seq));
        r.set_bank_id(stored->bank_id);
        r.set_as_of(stored->as_of.ToString());
        r.set_loan_count(stored->loan_count);
        r.set_imported_by(stored->imported_by);
        r.set_imported_at(stored->created_at);
        if (auto s = call.Audit(tx.audit(), req.request_id(), r.import_id(), "OK",
                                absl::StrCat(r.loan_count(), " loans as of ", r.as_of()));
            !s.ok()) {
          return s;
        }
        return r;
      },
      out);
}

absl::Status ListLoanReforms(Call& call, const v1::ListLoanReformsRequest&, v1::ListLoanReformsResponse* out) {
  for (const auto& d : call.data().drafts()) {
    auto* r = out->add_reforms();
    r->set_reform_id(d.reform_id);
    r->set_name(d.name);
    r->set_regime_id(d.regime_id);
    r->set_effective_date(d.effective_date.ToString());
    r->set_source(d.source);
    r->set_text(d.text);
  }
  return absl::OkStatus();
}

absl::Status SimulateReform(Call& call, const v1::SimulateReformRequest& req, v1::SimulateReformResponse* out) {
  auto draft = DraftOf(call, req);
  if (!draft.ok()) return draft.status();
  auto filter = ParseFilter(call, req.book(), "book");
  if (!filter.ok()) return filter.status();
  auto window = ParseDateRange(req.window(), "window");
  if (!window.ok()) return window.status();
  const std::vector<DateRange> quarters = loan::QuartersBetween(window->first(), window->last());
  if (quarters.size() > kMaxQuarters) return InvalidField("window", "at most 40 settlement periods");
  if (req.list_limit() < 0 || req.list_limit() > 1000) return InvalidField("list_limit", "0 to 1000");
  const int limit = req.list_limit() ? req.list_limit() : 100;
  std::vector<loan::LoanFailure> missing;
  auto loans = WhatIfLoans(call, *filter, req.paid_claims(), quarters, missing);
  if (!loans.ok()) return loans.status();
  const PolicyData& in_force = call.data();
  auto run = RunSharded(&call, *loans, loan::WhatIf(quarters, in_force, *draft->data, limit),
                        loan::WhatIf(quarters, in_force, *draft->data, limit));
  if (!run.ok()) return run.status();
  loan::WhatIfResult r = std::move(*run).Finish();
  out->set_reform_id(draft->reform_id);
  out->set_reform_name(draft->name);
  out->set_regime_id(draft->regime_id);
  out->set_effective_date(draft->effective_date.ToString());
  out->set_data_version(in_force.version());
  out->set_draft_version(draft->data->version());
  out->set_paid_claims(req.paid_claims());
  for (size_t q = 0; q < quarters.size(); ++q) {
    auto* x = out->add_quarters();
    RangeToProto(quarters[q], x->mutable_period());
    FiguresToProto(r.by_quarter[q], x->mutable_figures());
  }
  FiguresToProto(r.total, out->mutable_total());
  for (const auto& c : r.breakdown) {
    auto* x = out->add_breakdown();
    x->set_dimension(loan::DimensionName(c.dimension));
    x->set_value(c.value);
    RangeToProto(quarters[c.quarter], x->mutable_period());
    FiguresToProto(c.figures, x->mutable_figures());
  }
  for (const auto& c : r.changed) {
    auto* x = out->add_changed();
    x->set_bank_id(c.bank_id);
    x->set_loan_id(c.loan_id);
    x->set_eligible_in_force(c.eligible_in_force);
    x->set_eligible_draft(c.eligible_draft);
    ReasonsToProto(c.reasons_in_force, call, x->mutable_reasons_in_force());
    ReasonsToProto(c.reasons_draft, call, x->mutable_reasons_draft());
    x->set_difference_fen(c.difference.fen());
  }
  out->set_changed_count(r.changed_count);
  out->set_loans(r.loans);
  for (const auto& f : missing) r.failures.insert(r.failures.begin(), f);
  for (size_t i = 0; i < r.failures.size() && static_cast<int>(i) < limit; ++i) {
    FailureToProto(r.failures[i], call, out->add_failures());
  }
  out->set_failed_count(r.failed_count + static_cast<int64_t>(missing.size()));
  out->set_lpr_presumed(r.lpr_presumed);
  return absl::OkStatus();
}

absl::Status ForecastLoanSubsidies(Call& call, const v1::ForecastLoanSubsidiesRequest& req,
                                   v1::ForecastLoanSubsidiesResponse* out) {
  auto filter = ParseFilter(call, req.book(), "book");
  if (!filter.ok()) return filter.status();
  auto as_of_opt = OptionalDate(req.as_of(), "as_of");
  if (!as_of_opt.ok()) return as_of_opt.status();
  const Date today = call.clock().TodayInChina();
  const Date as_of = as_of_opt->value_or(today);
  if (today < as_of) return InvalidField("as_of", "is in the future: a forecast starts from what is known");
  if (req.quarters() < 0 || req.quarters() > kMaxQuarters) return InvalidField("quarters", "1 to 40");
  if (req.drivers() < 0 || req.drivers() > 100) return InvalidField("drivers", "0 to 100");
  std::vector<DateRange> quarters = {loan::SettlementPeriodContaining(as_of)};
  while (static_cast<int>(quarters.size()) < (req.quarters() ? req.quarters() : 4)) {
    quarters.push_back(loan::SettlementPeriodContaining(quarters.back().last().AddDays(1)));
  }
  auto path = LprPathFromProto(req.lpr_path());
  if (!path.ok()) return path.status();
  std::shared_ptr<const PolicyData> scenario;
  if (!path->empty()) {
    auto amended = loan::WithLprPath(call.data(), std::move(*path));
    if (!amended.ok()) return amended.status();
    scenario = std::move(*amended);
  }
  const PolicyData& data = scenario ? *scenario : call.data();
  auto lending = NewLendingFromProto(req.new_lending());
  if (!lending.ok()) return lending.status();
  if (auto s = loan::ValidateNewLending(*lending, data); !s.ok()) return s;
  std::vector<loan::BookLoan> loans;
  auto s = ForEachBookLoan(call, *filter, as_of,
                           [&](const storage::BookRecord& r, const v1::LoanSubsidyRequest&, const loan::LoanInput& in) {
                             loans.push_back({r.bank_id, in, std::nullopt, std::nullopt});
                             return absl::OkStatus();
                           });
  if (!s.ok()) return s;
  const int drivers = req.drivers() ? req.drivers() : 10;
  auto merged = RunSharded(&call, loans, loan::Forecast(quarters, data, drivers, 100),
                           loan::Forecast(quarters, data, drivers, 100));
  if (!merged.ok()) return merged.status();
  if (auto n = merged->AddNewLending(*lending); !n.ok()) return n;
  loan::ForecastResult r = std::move(*merged).Finish();
  // What was claimed for the quarters that have claims, selected as the book is.
  std::map<Date, int64_t> claimed;
  auto c = call.storage().book().ForEachClaimedLine(
      filter->bank_ids, quarters.front().first(), quarters.back().first(), [&](const storage::ClaimedLine& l) {
        v1::LoanSubsidyRequest req_line;
        if (!l.input.empty() && ParseBookLoan(l.input, l.loan_id, &req_line)) {
          auto in = LoanInputFromProto(req_line);
          if (in.ok() && !filter->Matches(*in)) return absl::OkStatus();
        }
        claimed[l.period_start] += l.subsidy.fen();
        return absl::OkStatus();
      });
  if (!c.ok()) return c;
  const int64_t total = QuartersToProto(r, claimed, out);
  out->set_as_of(as_of.ToString());
  out->set_total_fen(total);
  out->set_data_version(data.version());
  out->set_loans(r.loans);
  out->set_failed_count(r.failed_count);
  for (const auto& f : r.failures) FailureToProto(f, call, out->add_failures());
  std::vector<loan::Reason> assumptions = {
      Assumption(loan::kForecastBookAsOf, {{"as_of", as_of.ToString()}, {"loans", absl::StrCat(r.loans)}})};
  const LprFixing& latest = call.data().lpr().fixings().back();
  if (req.lpr_path().empty()) {
    assumptions.push_back(Assumption(loan::kForecastLprFlat, {{"effective_date", latest.effective_date.ToString()},
                                                           {"lpr_percent", latest.one_year.ToString()}}));
  } else {
    std::string points;
    for (const auto& p : req.lpr_path()) absl::StrAppend(&points, points.empty() ? "" : ", ", p.effective_date(), " ", p.lpr_1y_percent(), "%");
    assumptions.push_back(Assumption(loan::kForecastLprPath, {{"points", points}}));
  }
  if (lending->yearly_principal.fen() > 0) {
    assumptions.push_back(Assumption(loan::kForecastNewLending, {{"yearly_yuan", lending->yearly_principal.ToYuanString()}}));
  } else {
    assumptions.push_back(Assumption(loan::kForecastNoNewLending, {}));
  }
  ReasonsToProto(assumptions, call, out->mutable_assumptions());
  return absl::OkStatus();
}


absl::Status StreamSimulateReform(Call& call, const v1::SimulateReformRequest& req, v1::SimulateReformProgress* out) {
  if (auto s = SimulateReform(call, req, out->mutable_result()); !s.ok()) return s;
  out->set_loans_done(out->result().loans() + out->result().failed_count());
  out->set_loans_total(out->loans_done());
  return absl::OkStatus();
}

}  // namespace handlers

SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, ListLoanBook, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, ImportLoanPortfolio, Runs::kMutation)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, ListLoanReforms, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, SimulateReform, Runs::kInline)
SUBSIDY_UNARY_RPC(LoanSubsidyServiceImpl, ForecastLoanSubsidies, Runs::kInline)

// The stream's full name, from the descriptors like the unary RPCs' (SUBSIDY_UNARY_RPC).
const std::string kStreamSimulateReformName =
    FullMethodName(LoanSubsidyServiceImpl::ProtoService::service_full_name(), "StreamSimulateReform");
const Method kStreamSimulateReform{kStreamSimulateReformName.c_str(), Runs::kLong};

grpc::ServerWriteReactor<grpc::ByteBuffer>* LoanSubsidyServiceImpl::StreamSimulateReform(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  auto* stream = new ProgressStream(ctx_, context, [](int64_t done, int64_t total, grpc::ByteBuffer* out) {
    v1::SimulateReformProgress p;
    p.set_loans_done(done);
    p.set_loans_total(total);
    (void)formats::ToWire(p, out);
  });
  Dispatch<v1::SimulateReformRequest, v1::SimulateReformProgress>(ctx_, stream, kStreamSimulateReform, *request,
                                                                  &handlers::StreamSimulateReform);
  return stream;
}

}  // namespace subsidy::service
