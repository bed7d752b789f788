#include "policy/policy_loaders.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "subsidy/data/v1/policy_data.pb.h"

namespace subsidy::policy_loaders {
namespace {

namespace pb = ::subsidy::data::v1;

constexpr char kEducationFile[] = "education.textproto";

absl::StatusOr<std::vector<education::FundSource>> FundSources(
    const DataFile& f, const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view field, int i,
    const std::string& what) {
  std::vector<education::FundSource> v;
  for (const auto& n : names) {
    auto s = education::FundSourceFromName(n);
    if (!s) return f.ErrorAt(field, i, what, absl::StrCat("unknown fund source ", n));
    if (std::find(v.begin(), v.end(), *s) != v.end()) return f.ErrorAt(field, i, what, absl::StrCat(n, " twice"));
    v.push_back(*s);
  }
  return v;
}

absl::Status ReadSpendingOrders(const DataFile& f, const pb::EducationData& msg, EducationPolicy& out) {
  bool has_default = false;
  for (int i = 0; i < msg.spending_orders_size(); ++i) {
    const auto& o = msg.spending_orders(i);
    const std::string what = absl::StrCat("spending_orders[", i, "] (", o.region_name(), ")");
    auto order = FundSources(f, o.order(), "spending_orders", i, what);
    if (!order.ok()) return order.status();
    if (order->size() != std::size(education::kAllSources)) {
      return f.ErrorAt("spending_orders", i, what, "the order must list every fund source exactly once");
    }
    if (!ValidStatus(o.status())) return f.ErrorAt("spending_orders", i, what, "status must be C, P or U");
    for (const auto& prev : out.spending_orders) {
      if (prev.prefix == o.region_prefix()) return f.ErrorAt("spending_orders", i, what, "region_prefix listed twice");
    }
    has_default |= o.region_prefix().empty();
    out.spending_orders.push_back({o.region_prefix(), o.region_name(), *order});
  }
  if (!has_default) return f.Error("spending_orders needs a default row (region_prefix \"\")");
  return absl::OkStatus();
}

absl::Status ReadCategories(const DataFile& f, const pb::EducationData& msg, EducationPolicy& out) {
  for (int i = 0; i < msg.categories_size(); ++i) {
    const auto& c = msg.categories(i);
    const std::string what = absl::StrCat("categories[", i, "] (", c.code(), ")");
    if (c.code().empty()) return f.ErrorAt("categories", i, what, "code is missing");
    if (!ValidStatus(c.status())) return f.ErrorAt("categories", i, what, "status must be C, P or U");
    auto permitted = FundSources(f, c.permitted_sources(), "categories", i, what);
    if (!permitted.ok()) return permitted.status();
    if (!out.categories.emplace(c.code(), ExpenditureCategoryInfo{c.code(), c.name(), *permitted, Sure(c.status()), c.source()})
             .second) {
      return f.ErrorAt("categories", i, what, "code listed twice");
    }
  }
  return absl::OkStatus();
}

// Rate `i` (`row_ids`: the row ids read so far), checked on its own; overlaps are checked apart.
absl::StatusOr<PerPupilRateRow> ReadRateRow(const DataFile& f, const pb::PerPupilRate& r, int i,
                                            const std::string& what, const std::vector<ProvinceInfo>& provinces,
                                            std::set<std::string>& row_ids) {
  static const std::set<std::string> kItems = {
      "PUBLIC_EXPENSE_PRIMARY", "PUBLIC_EXPENSE_JUNIOR", "BOARDING_ADD_ON", "SPECIAL_EDUCATION", "HEATING",
      "LIVING_BOARDING_PRIMARY", "LIVING_BOARDING_JUNIOR", "LIVING_NONBOARDING_PRIMARY", "LIVING_NONBOARDING_JUNIOR",
      "TEXTBOOK_PRIMARY", "TEXTBOOK_JUNIOR"};
  const RowError err{f, "rates", i, what};
  if (r.row_id().empty() || !row_ids.insert(r.row_id()).second) return err("row_id missing or listed twice");
  if (!kItems.count(r.item())) return err(absl::StrCat("unknown item ", r.item()));
  if (r.from_school_year() < 2000 || (r.to_school_year() != 0 && r.to_school_year() < r.from_school_year())) {
    return err("school years must be from_school_year >= 2000 and to_school_year >= it (or 0)");
  }
  std::optional<EconomicRegion> region;
  if (!r.economic_region().empty()) {
    region = WordFrom(kEconomicRegions, r.economic_region());
    if (!region) return err("economic_region must be EAST, CENTRAL, WEST or empty");
  }
  if (!r.province().empty() && !KnownProvince(provinces, r.province())) {
    return err(absl::StrCat("unknown province ", r.province()));
  }
  if (r.amount_fen() < 0) return err("amount_fen must not be negative");
  const auto funding = WordFrom(kFundings, r.funding());
  if (!funding) return err("funding must be SHARED, CENTRAL or LOCAL");
  if (!ValidStatus(r.status())) return err("status must be C, P or U");
  return PerPupilRateRow{r.row_id(),   r.item(),  r.from_school_year(),      r.to_school_year(),
                         region,       r.province(), Money::Fen(r.amount_fen()), *funding,
                         Sure(r.status()), r.source()};
}

absl::Status ReadRates(const DataFile& f, const pb::EducationData& msg, const std::vector<ProvinceInfo>& provinces,
                       EducationPolicy& out) {
  std::set<std::string> row_ids;
  for (int i = 0; i < msg.rates_size(); ++i) {
    const std::string what = absl::StrCat("rates[", i, "] (", msg.rates(i).row_id(), ")");
    auto row = ReadRateRow(f, msg.rates(i), i, what, provinces, row_ids);
    if (!row.ok()) return row.status();
    // Two rows of the same scope for one item must not overlap in years.
    for (const auto& o : out.rates) {
      if (o.item == row->item && o.economic_region == row->economic_region && o.province == row->province) {
        const int a_to = o.to_year ? o.to_year : 99999, b_to = row->to_year ? row->to_year : 99999;
        if (o.from_year <= b_to && row->from_year <= a_to) {
          return f.ErrorAt("rates", i, what, absl::StrCat("overlaps row ", o.row_id));
        }
      }
    }
    out.rates.push_back(std::move(*row));
  }
  return absl::OkStatus();
}

// The central : local ratio of every sharing tier, each tier once.
absl::Status ReadSharing(const DataFile& f, const pb::EducationData& msg, EducationPolicy& out) {
  for (int i = 0; i < msg.sharing_size(); ++i) {
    const auto& s = msg.sharing(i);
    const std::string what = absl::StrCat("sharing[", i, "] (", s.tier(), ")");
    if (s.central_weight() < 0 || s.local_weight() < 0 || s.central_weight() + s.local_weight() <= 0) {
      return f.ErrorAt("sharing", i, what, "weights must be non-negative with a positive sum");
    }
    const auto tier = WordFrom(kSharingTiers, s.tier());
    if (!tier) return f.ErrorAt("sharing", i, what, "tier must be TIER_1, TIER_2 or OTHER");
    if (!ValidStatus(s.status())) return f.ErrorAt("sharing", i, what, "status must be C, P or U");
    if (!out.sharing.emplace(*tier, SharingRatioRow{s.central_weight(), s.local_weight(), Sure(s.status()), s.source()})
             .second) {
      return f.ErrorAt("sharing", i, what, "tier listed twice");
    }
  }
  for (const auto& tier : kSharingTiers) {
    if (!out.sharing.count(tier.value)) return f.Error(absl::StrCat("sharing has no row for ", tier.code));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EducationPolicy> LoadEducation(const std::string& dir, const std::vector<ProvinceInfo>& provinces,
                                              std::string* content) {
  pb::EducationData msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kEducationFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  EducationPolicy out;
  if (auto s = ReadSpendingOrders(*f, msg, out); !s.ok()) return s;
  if (auto s = ReadCategories(*f, msg, out); !s.ok()) return s;
  if (auto s = ReadRates(*f, msg, provinces, out); !s.ok()) return s;
  if (auto s = ReadSharing(*f, msg, out); !s.ok()) return s;
  if (msg.small_school_floor_pupils() < 0) return f->Error("small_school_floor_pupils must not be negative");
  out.small_school_floor = msg.small_school_floor_pupils();
  if (!ValidStatus(msg.small_school_floor_status())) return f->Error("small_school_floor_status must be C, P or U");
  out.small_school_floor_status = Sure(msg.small_school_floor_status());
  out.small_school_floor_source = msg.small_school_floor_source();
  return out;
}

}  // namespace subsidy::policy_loaders
