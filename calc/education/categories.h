// Which expenditure categories compulsory-education public-expense funds may pay, from data.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "policy/education_data.h"

namespace subsidy::education {

// The category's entry when public-expense funds may pay it. INVALID_ARGUMENT naming "category"
// for a code the data does not list; FAILED_PRECONDITION EXPENDITURE_CATEGORY_FORBIDDEN for a
// category on the negative list (staff pay, capital construction, debt repayment).
absl::StatusOr<const ExpenditureCategoryInfo*> PermittedCategory(const EducationPolicy& policy,
                                                                 const std::string& code);

}  // namespace subsidy::education
