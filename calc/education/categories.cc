#include "education/categories.h"

#include "common/status_util.h"

#include <algorithm>

namespace subsidy::education {

absl::StatusOr<const ExpenditureCategoryInfo*> PermittedCategory(const EducationPolicy& policy,
                                                                 const std::string& code) {
  if (code.empty()) return RequiredField("category");
  const ExpenditureCategoryInfo* category = policy.FindCategory(code);
  if (category == nullptr) return InvalidField("category", "unknown expenditure category \"" + code + "\"");
  if (category->permitted_sources.empty()) {
    return WithParams(FailedPrecondition(kCategoryForbidden,
                                         code + " (" + category->name +
                                             ") may not be paid from compulsory-education public-expense funds"),
                      {{"category", code}});
  }
  return category;
}

absl::Status ValidateSchoolId(const PolicyData& data, const std::string& school_id) {
  if (school_id.empty()) return RequiredField("school_id");
  const bool six_digits = school_id.size() >= 6 && std::all_of(school_id.begin(), school_id.begin() + 6, [](char c) {
                            return c >= '0' && c <= '9';
                          });
  if (!six_digits || data.FindProvince(school_id.substr(0, 2)) == nullptr) {
    return InvalidField("school_id", "must start with the GB/T 2260 code of the school's county or district, e.g. "
                                     "110106-FT001 (the data knows no province \"" +
                                         school_id.substr(0, 2) + "\")");
  }
  return absl::OkStatus();
}

absl::Status ValidateExpenditureDate(Date date, Date today, std::optional<Date> first_allocation) {
  if (date > today) {
    return InvalidField("date", "is after today (" + today.ToString() + "): a ledger records what was spent");
  }
  // With no allocation at all, the draw finds nothing to spend (INSUFFICIENT_FUNDS).
  if (first_allocation && date < *first_allocation) {
    return InvalidField("date", "is before the school's first allocation (" + first_allocation->ToString() + ")");
  }
  return absl::OkStatus();
}

}  // namespace subsidy::education
