#include "policy/loan_regimes.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace subsidy {

const char* LoanProgramName(LoanProgram p) {
  switch (p) {
    case LoanProgram::kIndividual: return "ENTREPRENEUR_INDIVIDUAL";
    case LoanProgram::kPartnership: return "ENTREPRENEUR_PARTNERSHIP";
    case LoanProgram::kSmallBusiness: return "ENTREPRENEUR_SMALL_BUSINESS";
    case LoanProgram::kPovertyMicrocredit: return "POVERTY_MICROCREDIT";
  }
  return "?";
}

std::optional<LoanProgram> LoanProgramFromName(absl::string_view name) {
  for (LoanProgram p : {LoanProgram::kIndividual, LoanProgram::kPartnership, LoanProgram::kSmallBusiness,
                        LoanProgram::kPovertyMicrocredit}) {
    if (name == LoanProgramName(p)) return p;
  }
  return std::nullopt;
}

const char* LprTenorName(LprTenor t) { return t == LprTenor::kFiveYear ? "FIVE_YEAR" : "ONE_YEAR"; }

const char* SubsidyFormulaName(SubsidyFormula f) {
  switch (f) {
    case SubsidyFormula::kContractRate: return "CONTRACT_RATE";
    case SubsidyFormula::kLprHalf: return "LPR_HALF";
    case SubsidyFormula::kRateAboveLprMinus150bp: return "RATE_ABOVE_LPR_MINUS_150BP";
    case SubsidyFormula::kRateHalf: return "RATE_HALF";
    case SubsidyFormula::kRateShare: return "RATE_SHARE";
  }
  return "?";
}

const ProgramTerms* LoanRegime::TermsFor(LoanProgram p) const {
  for (const auto& t : terms) {
    if (t.program == p) return &t;
  }
  return nullptr;
}

int LoanRegime::CeilingSpreadBp(const std::string& province, RegionTier tier) const {
  if (auto it = province_spread_bp.find(province); it != province_spread_bp.end()) return it->second;
  switch (tier) {
    case RegionTier::kEast: return spread_east_bp;
    case RegionTier::kCentralWest: return spread_central_west_bp;
    case RegionTier::kPovertyArea: return spread_poverty_area_bp;
  }
  return 0;
}

absl::StatusOr<LoanRegimeTable> LoanRegimeTable::Build(std::vector<LoanRegime> regimes) {
  // Two windows of the same kind (default, or the same province) for the same program must not
  // overlap: otherwise the choice of regime would depend on the order of the file.
  struct Entry {
    std::string scope;  // "" = default
    LoanProgram program;
    DateRange window;
    const std::string* id;
  };
  std::vector<Entry> entries;
  for (const auto& r : regimes) {
    for (const auto& t : r.terms) {
      if (r.default_window) entries.push_back({"", t.program, *r.default_window, &r.regime_id});
      for (const auto& [prov, windows] : r.province_windows) {
        for (const auto& w : windows) entries.push_back({prov, t.program, w, &r.regime_id});
      }
    }
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t j = i + 1; j < entries.size(); ++j) {
      const Entry& a = entries[i];
      const Entry& b = entries[j];
      if (a.scope == b.scope && a.program == b.program && a.window.Intersects(b.window)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "regimes ", *a.id, " and ", *b.id, " overlap for ", LoanProgramName(a.program),
            a.scope.empty() ? std::string(" (national default)") : absl::StrCat(" in province ", a.scope), ": ",
            a.window.ToString(), " and ", b.window.ToString()));
      }
    }
  }
  LoanRegimeTable table;
  table.regimes_ = std::move(regimes);
  return table;
}

std::optional<RegimeMatch> LoanRegimeTable::Find(const std::string& province, LoanProgram program,
                                                  Date contract_date) const {
  std::optional<RegimeMatch> by_default;
  for (const auto& r : regimes_) {
    const ProgramTerms* terms = r.TermsFor(program);
    if (terms == nullptr) continue;
    if (auto it = r.province_windows.find(province); it != r.province_windows.end()) {
      for (const auto& w : it->second) {
        if (w.Contains(contract_date)) return RegimeMatch{&r, terms};
      }
    }
    if (r.default_window && r.default_window->Contains(contract_date)) by_default = RegimeMatch{&r, terms};
  }
  return by_default;
}

absl::StatusOr<LprTable> LprTable::Build(std::vector<LprFixing> fixings, Date last_confirmed) {
  if (fixings.empty()) return absl::InvalidArgumentError("the LPR table has no fixing");
  for (size_t i = 1; i < fixings.size(); ++i) {
    if (!(fixings[i - 1].effective_date < fixings[i].effective_date)) {
      return absl::InvalidArgumentError(absl::StrCat("LPR fixings are not in ascending date order at ",
                                                     fixings[i].effective_date.ToString()));
    }
  }
  if (last_confirmed < fixings.back().effective_date) {
    return absl::InvalidArgumentError("last_confirmed_date is before the latest fixing");
  }
  LprTable t;
  t.fixings_ = std::move(fixings);
  t.last_confirmed_ = last_confirmed;
  return t;
}

absl::StatusOr<const LprFixing*> LprTable::InForce(Date d) const {
  auto it = std::upper_bound(fixings_.begin(), fixings_.end(), d,
                             [](Date x, const LprFixing& f) { return x < f.effective_date; });
  if (it == fixings_.begin()) {
    return absl::NotFoundError(absl::StrCat("no LPR fixing on or before ", d.ToString(), " (the data starts at ",
                                            fixings_.front().effective_date.ToString(), ")"));
  }
  return &*(it - 1);
}

}  // namespace subsidy
