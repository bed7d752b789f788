// Education policy data as loaded from data/education.textproto.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "education/funds.h"
#include "money/money.h"
#include "policy/vocabulary.h"

namespace subsidy {

struct ExpenditureCategoryInfo {
  std::string code;
  std::string name;
  std::vector<education::FundSource> permitted_sources;  // empty: forbidden
  Certainty status = Certainty::kUnverified;
  std::string source;
};

struct PerPupilRateRow {
  std::string row_id;
  std::string item;
  int from_year = 0;
  int to_year = 0;  // 0 = open-ended
  std::optional<EconomicRegion> economic_region;  // none: every region
  std::string province;
  Money amount;
  Funding funding = Funding::kShared;
  Certainty status = Certainty::kUnverified;
  std::string source;
};

struct SharingRatioRow {
  int64_t central_weight;
  int64_t local_weight;
  Certainty status = Certainty::kUnverified;
  std::string source;
};

struct EducationPolicy {
  struct Order {
    std::string prefix;
    std::string name;
    std::vector<education::FundSource> order;
  };
  std::vector<Order> spending_orders;
  std::map<std::string, ExpenditureCategoryInfo> categories;
  std::vector<PerPupilRateRow> rates;
  std::map<SharingTier, SharingRatioRow> sharing;
  int small_school_floor = 0;
  Certainty small_school_floor_status = Certainty::kUnverified;
  std::string small_school_floor_source;

  // The spending order for a school: the longest region_prefix of its id.
  const std::vector<education::FundSource>& SpendingOrderFor(const std::string& school_id) const;
  const ExpenditureCategoryInfo* FindCategory(const std::string& code) const;
  // The row for `item` in force in `year` for the province (a province row wins over a region
  // row, which wins over a nationwide one); nullptr when the data has none.
  const PerPupilRateRow* FindRate(const std::string& item, int year, const std::string& province,
                                  EconomicRegion economic_region) const;
};

}  // namespace subsidy
