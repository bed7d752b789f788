// The yearly entitlement of a compulsory-education school: public-expense funding, living
// subsidies and free textbooks, each line split central : local, each naming its data row.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "money/money.h"
#include "policy/policy_data.h"

namespace subsidy::education {

struct PupilCounts {
  int64_t primary = 0;   // regular pupils (special-education pupils are counted apart)
  int64_t junior = 0;
  int64_t boarding_primary = 0;
  int64_t boarding_junior = 0;
  int64_t special_education = 0;
  int64_t difficulty_boarding_primary = 0;
  int64_t difficulty_boarding_junior = 0;
  int64_t difficulty_nonboarding_primary = 0;
  int64_t difficulty_nonboarding_junior = 0;
};

struct EntitlementLine {
  std::string item;
  int64_t quantity = 0;  // pupils counted (after the small-school floor)
  Money rate;            // per pupil per year
  Money amount;
  Money central;
  Money local;
  std::string data_row;
  Certainty status = Certainty::kUnverified;
  std::string source;
};

struct Entitlement {
  SharingTier sharing_tier = SharingTier::kOther;
  std::vector<EntitlementLine> lines;
  Money total, central, local;
};

// Bad counts → INVALID_ARGUMENT naming the field; a year the data has no standard for →
// FAILED_PRECONDITION EDUCATION_STANDARD_NOT_AVAILABLE (never a guess).
absl::StatusOr<Entitlement> ComputeEntitlement(const std::string& province, int school_year,
                                               const PupilCounts& counts, const PolicyData& data);

}  // namespace subsidy::education
