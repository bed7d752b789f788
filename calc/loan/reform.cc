#include "loan/reform.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "policy/data_file.h"
#include "subsidy/data/v1/reform.pb.h"

namespace subsidy::loan {
namespace {

namespace pb = ::subsidy::data::v1;

constexpr int64_t kMaxCapFen = 100'000'000'000;  // 10亿元: far above any loan a regime subsidises

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// One program's overrides onto `t`; `err` builds the error for field `what`.
template <class Err>
absl::Status Override(const pb::ReformTerms& o, ProgramTerms& t, const Err& err) {
  auto cap = [&](bool has, int64_t v, Money& into, const char* name) -> absl::Status {
    if (!has) return absl::OkStatus();
    if (v <= 0 || v > kMaxCapFen) return err(name, "must be positive and at most 10亿元");
    into = Money::Fen(v);
    return absl::OkStatus();
  };
  if (auto s = cap(o.has_loan_cap_fen(), o.loan_cap_fen(), t.loan_cap, "loan_cap_fen"); !s.ok()) return s;
  if (auto s = cap(o.has_subsidy_base_cap_fen(), o.subsidy_base_cap_fen(), t.subsidy_base_cap, "subsidy_base_cap_fen");
      !s.ok()) {
    return s;
  }
  if (auto s = cap(o.has_per_partner_loan_cap_fen(), o.per_partner_loan_cap_fen(), t.per_partner_loan_cap,
                   "per_partner_loan_cap_fen");
      !s.ok()) {
    return s;
  }
  if (auto s = cap(o.has_per_partner_base_cap_fen(), o.per_partner_base_cap_fen(), t.per_partner_base_cap,
                   "per_partner_base_cap_fen");
      !s.ok()) {
    return s;
  }
  if (t.subsidy_base_cap > t.loan_cap) return err("subsidy_base_cap_fen", "must not be above loan_cap_fen");
  if (o.has_partner_markup_percent()) {
    if (o.partner_markup_percent() < 100 || o.partner_markup_percent() > 200) {
      return err("partner_markup_percent", "must be from 100 to 200");
    }
    t.partner_markup_percent = o.partner_markup_percent();
  }
  if (o.has_subsidy_term_years()) {
    if (o.subsidy_term_years() < 1 || o.subsidy_term_years() > 10) return err("subsidy_term_years", "must be 1 to 10");
    t.subsidy_term_years = o.subsidy_term_years();
  }
  if (o.has_subsidy_share_percent() && o.formula() != pb::SUBSIDY_FORMULA_UNSPECIFIED) {
    return err("formula", "and subsidy_share_percent: give one of them, not both");
  }
  if (o.has_subsidy_share_percent()) {
    if (o.subsidy_share_percent() < 1 || o.subsidy_share_percent() > 100) {
      return err("subsidy_share_percent", "must be 1 to 100");
    }
    t.formula = SubsidyFormula::kRateShare;
    t.subsidy_share_percent = o.subsidy_share_percent();
  }
  switch (o.formula()) {
    case pb::SUBSIDY_FORMULA_UNSPECIFIED: break;
    case pb::CONTRACT_RATE: t.formula = SubsidyFormula::kContractRate; break;
    case pb::LPR_HALF: t.formula = SubsidyFormula::kLprHalf; break;
    case pb::RATE_ABOVE_LPR_MINUS_150BP: t.formula = SubsidyFormula::kRateAboveLprMinus150bp; break;
    case pb::RATE_HALF: t.formula = SubsidyFormula::kRateHalf; break;
    default: return err("formula", "use subsidy_share_percent for a share of the rate");
  }
  return absl::OkStatus();
}

// The regime's windows from `from` on, removed from `kept` and returned (none: the draft would
// apply on no date).
std::optional<DateRange> CutAt(std::optional<DateRange>& kept, Date from) {
  if (!kept || kept->last() < from) return std::nullopt;
  const DateRange later = *DateRange::Make(std::max(kept->first(), from), kept->last());
  if (kept->first() < from) {
    kept = *DateRange::Make(kept->first(), from.AddDays(-1));
  } else {
    kept.reset();
  }
  return later;
}


// Cuts every window of the regime at `from`: `kept` keeps the earlier parts, `draft` takes the rest.
void SplitWindows(LoanRegime& kept, LoanRegime& draft, Date from) {
  // Cut every window of the regime at the effective date.
  draft.default_window = CutAt(kept.default_window, from);
  draft.province_windows.clear();
  for (auto& [province, windows] : kept.province_windows) {
    std::vector<DateRange> before;
    for (const DateRange& w : windows) {
      std::optional<DateRange> k = w;
      if (auto later = CutAt(k, from)) draft.province_windows[province].push_back(*later);
      if (k) before.push_back(*k);
    }
    windows = std::move(before);
  }
  std::erase_if(kept.province_windows, [](const auto& e) { return e.second.empty(); });
}

// The regime-wide overrides: ceiling spreads and the prior-loans limit.
template <class Err>
absl::Status OverrideRegime(const pb::Reform& msg, LoanRegime& draft, const Err& error) {
  auto spread = [&](bool has, int32_t v, int& into, const char* field) -> absl::Status {
    if (!has) return absl::OkStatus();
    if (v < 0 || v > 1000) return error(field, -1, "must be 0 to 1000 basis points");
    into = v;
    return absl::OkStatus();
  };
  if (auto s = spread(msg.has_ceiling_spread_east_bp(), msg.ceiling_spread_east_bp(), draft.spread_east_bp,
                      "ceiling_spread_east_bp");
      !s.ok()) {
    return s;
  }
  if (auto s = spread(msg.has_ceiling_spread_central_west_bp(), msg.ceiling_spread_central_west_bp(),
                      draft.spread_central_west_bp, "ceiling_spread_central_west_bp");
      !s.ok()) {
    return s;
  }
  if (auto s = spread(msg.has_ceiling_spread_poverty_area_bp(), msg.ceiling_spread_poverty_area_bp(),
                      draft.spread_poverty_area_bp, "ceiling_spread_poverty_area_bp");
      !s.ok()) {
    return s;
  }
  if (msg.has_ceiling_spread_east_bp() || msg.has_ceiling_spread_central_west_bp() ||
      msg.has_ceiling_spread_poverty_area_bp()) {
    draft.province_spread_bp.clear();  // the draft's tiers stand for every province
  }
  if (msg.has_max_prior_subsidized_loans()) {
    if (msg.max_prior_subsidized_loans() < 1 || msg.max_prior_subsidized_loans() > 20) {
      return error("max_prior_subsidized_loans", -1, "must be 1 to 20");
    }
    draft.max_prior_subsidized_loans = msg.max_prior_subsidized_loans();
  }

  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Draft> LoadDraft(const std::string& path, std::string text, const PolicyData& in_force) {
  pb::Reform msg;
  std::unique_ptr<DataFile> file;
  if (auto s = DataFile::ParseText(path, std::move(text), &msg, &file); !s.ok()) return WithReason(s, kReformInvalid);
  auto error = [&](absl::string_view field, int index, absl::string_view problem) {
    return WithReason(file->ErrorAt(field, index, field, problem), kReformInvalid);
  };
  if (!ValidId(msg.reform_id())) return error("reform_id", -1, "letters, digits, '-' and '_', at most 64");
  if (msg.name().empty()) return error("name", -1, "a draft says what it is");
  auto effective = Date::Parse(msg.effective_date());
  if (!effective.ok()) return error("effective_date", -1, effective.status().message());
  const LoanRegime* base = nullptr;
  for (const auto& r : in_force.loan_regimes().regimes()) {
    if (r.regime_id == msg.regime_id()) base = &r;
  }
  if (base == nullptr) return error("regime_id", -1, "no such regime in loan_regimes.textproto");
  if (msg.terms().empty() && !msg.has_max_prior_subsidized_loans() && !msg.has_ceiling_spread_east_bp() &&
      !msg.has_ceiling_spread_central_west_bp() && !msg.has_ceiling_spread_poverty_area_bp()) {
    return error("regime_id", -1, "the draft changes nothing: name terms, spreads or max_prior_subsidized_loans");
  }

  LoanRegime kept = *base;
  LoanRegime draft = *base;
  draft.regime_id = absl::StrCat(base->regime_id, "~", msg.reform_id());
  draft.name = msg.name();
  draft.source = msg.source().empty() ? absl::StrCat("draft ", msg.reform_id()) : msg.source();
  draft.note = msg.note();
  draft.status = Certainty::kUnverified;
  SplitWindows(kept, draft, *effective);
  if (!draft.default_window && draft.province_windows.empty()) {
    return error("effective_date", -1, "after the regime's last contract date: the draft would apply to no loan");
  }

  for (int i = 0; i < msg.terms_size(); ++i) {
    const auto& o = msg.terms(i);
    auto program = LoanProgramFromName(o.program());
    if (!program) return error("terms", i, absl::StrCat("unknown program ", o.program()));
    ProgramTerms* t = nullptr;
    for (auto& pt : draft.terms) {
      if (pt.program == *program) t = &pt;
    }
    if (t == nullptr) return error("terms", i, absl::StrCat("the regime has no terms for ", o.program()));
    for (int j = 0; j < i; ++j) {
      if (msg.terms(j).program() == o.program()) return error("terms", i, absl::StrCat(o.program(), " listed twice"));
    }
    auto s = Override(o, *t, [&](const char* field, absl::string_view problem) {
      return error("terms", i, absl::StrCat(field, " ", problem));
    });
    if (!s.ok()) return s;
  }
  if (auto st = OverrideRegime(msg, draft, error); !st.ok()) return st;

  std::vector<LoanRegime> regimes;
  for (const auto& r : in_force.loan_regimes().regimes()) {
    if (&r != base) {
      regimes.push_back(r);
    } else {
      if (kept.default_window || !kept.province_windows.empty()) regimes.push_back(std::move(kept));
      regimes.push_back(std::move(draft));
    }
  }
  auto table = LoanRegimeTable::Build(std::move(regimes));
  if (!table.ok()) return WithReason(file->Error(table.status().message()), kReformInvalid);
  Draft out;
  out.reform_id = msg.reform_id();
  out.name = msg.name();
  out.regime_id = msg.regime_id();
  out.effective_date = *effective;
  out.source = msg.source();
  out.note = msg.note();
  out.data = in_force.Amended(std::move(*table), std::nullopt, absl::StrCat("+draft:", msg.reform_id()));
  return out;
}

}  // namespace subsidy::loan
