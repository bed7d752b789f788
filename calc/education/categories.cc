#include "education/categories.h"

#include "common/status_util.h"

namespace subsidy::education {

absl::StatusOr<const ExpenditureCategoryInfo*> PermittedCategory(const EducationPolicy& policy,
                                                                 const std::string& code) {
  if (code.empty()) return InvalidField("category", "is required");
  const ExpenditureCategoryInfo* category = policy.FindCategory(code);
  if (category == nullptr) return InvalidField("category", "unknown expenditure category \"" + code + "\"");
  if (category->permitted_sources.empty()) {
    return FailedPrecondition(kCategoryForbidden,
                              code + " (" + category->name +
                                  ") may not be paid from compulsory-education public-expense funds");
  }
  return category;
}

}  // namespace subsidy::education
