#include "education/entitlement.h"

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "education/funds.h"

namespace subsidy::education {
namespace {
constexpr int64_t kMaxPupils = 1'000'000;

// Each count within bounds, and no sub-count larger than the count it is part of.
absl::Status ValidatePupilCounts(const PupilCounts& c) {
  const std::pair<const char*, int64_t> fields[] = {
      {"primary_pupils", c.primary},
      {"junior_pupils", c.junior},
      {"boarding_primary_pupils", c.boarding_primary},
      {"boarding_junior_pupils", c.boarding_junior},
      {"special_education_pupils", c.special_education},
      {"difficulty_boarding_primary", c.difficulty_boarding_primary},
      {"difficulty_boarding_junior", c.difficulty_boarding_junior},
      {"difficulty_nonboarding_primary", c.difficulty_nonboarding_primary},
      {"difficulty_nonboarding_junior", c.difficulty_nonboarding_junior}};
  for (const auto& [name, v] : fields) {
    if (v < 0 || v > kMaxPupils) return InvalidField(name, absl::StrCat("must be between 0 and ", kMaxPupils));
  }
  if (c.boarding_primary > c.primary) return InvalidField("boarding_primary_pupils", "more than primary_pupils");
  if (c.boarding_junior > c.junior) return InvalidField("boarding_junior_pupils", "more than junior_pupils");
  if (c.difficulty_boarding_primary > c.boarding_primary) {
    return InvalidField("difficulty_boarding_primary", "more than boarding_primary_pupils");
  }
  if (c.difficulty_boarding_junior > c.boarding_junior) {
    return InvalidField("difficulty_boarding_junior", "more than boarding_junior_pupils");
  }
  if (c.difficulty_nonboarding_primary > c.primary - c.boarding_primary) {
    return InvalidField("difficulty_nonboarding_primary", "more than the non-boarding primary pupils");
  }
  if (c.difficulty_nonboarding_junior > c.junior - c.boarding_junior) {
    return InvalidField("difficulty_nonboarding_junior", "more than the non-boarding junior pupils");
  }
  return absl::OkStatus();
}

// What every line of one school's entitlement is priced against.
struct LineContext {
  const EducationPolicy& policy;
  const SharingRatioRow& ratio;
  const std::string& province;
  EconomicRegion economic_region;
  int school_year;
};

// Prices `quantity` pupils of `item` at the data's rate and splits the amount central : local
// as the row's funding says; appends the line to `out` (none for a zero quantity).
absl::Status AddEntitlementLine(const LineContext& ctx, const std::string& item, int64_t quantity,
                                Entitlement& out) {
  if (quantity == 0) return absl::OkStatus();
  const PerPupilRateRow* row = ctx.policy.FindRate(item, ctx.school_year, ctx.province, ctx.economic_region);
  if (row == nullptr) {
    return FailedPrecondition("EDUCATION_STANDARD_NOT_AVAILABLE",
                              absl::StrCat("no ", item, " standard for school year ", ctx.school_year, " in province ",
                                           ctx.province));
  }
  auto amount = row->amount.Times(quantity);
  if (!amount.ok()) return InvalidField("school_year", "amount overflows");
  EntitlementLine line{item, quantity, row->amount, *amount, Money(), Money(), row->row_id, row->status, row->source};
  if (row->funding == Funding::kCentral) {
    line.central = line.amount;
  } else if (row->funding == Funding::kLocal) {
    line.local = line.amount;
  } else {
    auto parts = SplitByWeights(line.amount, {ctx.ratio.central_weight, ctx.ratio.local_weight});
    if (!parts.ok()) return parts.status();
    line.central = (*parts)[0];
    line.local = (*parts)[1];
    line.status = LeastSure(line.status, ctx.ratio.status);  // the split is as sure as its ratio
  }
  out.lines.push_back(std::move(line));
  return absl::OkStatus();
}

// The totals of the lines: overall, central and local.
absl::Status SumEntitlementLines(Entitlement& out) {
  for (const auto& l : out.lines) {
    auto total = out.total.Plus(l.amount);
    auto central = out.central.Plus(l.central);
    auto local = out.local.Plus(l.local);
    if (!total.ok() || !central.ok() || !local.ok()) return InvalidField("school_year", "amount overflows");
    out.total = *total;
    out.central = *central;
    out.local = *local;
  }
  SUBSIDY_CHECK(out.central.fen() + out.local.fen() == out.total.fen());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Entitlement> ComputeEntitlement(const std::string& province, int school_year,
                                               const PupilCounts& c, const PolicyData& data) {
  const ProvinceInfo* prov = data.FindProvince(province);
  if (prov == nullptr) return InvalidField("province", absl::StrCat("unknown province code \"", province, "\""));
  if (auto s = ValidatePupilCounts(c); !s.ok()) return s;

  const EducationPolicy& policy = data.education();
  const SharingRatioRow& ratio = policy.sharing.at(prov->education_sharing_tier);
  Entitlement out;
  out.sharing_tier = prov->education_sharing_tier;

  // Small schools are funded as if they had the floor's pupils; the extra pupils are counted at
  // the primary benchmark when the school has primary pupils, else at the junior one.
  int64_t primary = c.primary, junior = c.junior;
  const int64_t regular = primary + junior;
  if (regular > 0 && regular < policy.small_school_floor) {
    (primary > 0 ? primary : junior) += policy.small_school_floor - regular;
  }

  const LineContext ctx{policy, ratio, province, prov->economic_region, school_year};
  const std::pair<const char*, int64_t> items[] = {
      {"PUBLIC_EXPENSE_PRIMARY", primary},
      {"PUBLIC_EXPENSE_JUNIOR", junior},
      {"BOARDING_ADD_ON", c.boarding_primary + c.boarding_junior},
      {"SPECIAL_EDUCATION", c.special_education},
      {"LIVING_BOARDING_PRIMARY", c.difficulty_boarding_primary},
      {"LIVING_BOARDING_JUNIOR", c.difficulty_boarding_junior},
      {"LIVING_NONBOARDING_PRIMARY", c.difficulty_nonboarding_primary},
      {"LIVING_NONBOARDING_JUNIOR", c.difficulty_nonboarding_junior},
      {"TEXTBOOK_PRIMARY", c.primary},
      {"TEXTBOOK_JUNIOR", c.junior}};
  for (const auto& [item, q] : items) {
    if (auto s = AddEntitlementLine(ctx, item, q, out); !s.ok()) return s;
  }
  // Heating is a provincial add-on: only where the data sets one.
  if (policy.FindRate("HEATING", school_year, province, prov->economic_region) != nullptr) {
    if (auto s = AddEntitlementLine(ctx, "HEATING", primary + junior + c.special_education, out); !s.ok()) return s;
  }
  if (auto s = SumEntitlementLines(out); !s.ok()) return s;
  return out;
}

}  // namespace subsidy::education
