// Which expenditure categories compulsory-education public-expense funds may pay, from data.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "policy/education_data.h"
#include "policy/policy_data.h"
#include "time/date.h"

#include <optional>

namespace subsidy::education {

// The category's entry when public-expense funds may pay it. INVALID_ARGUMENT naming "category"
// for a code the data does not list; FAILED_PRECONDITION EXPENDITURE_CATEGORY_FORBIDDEN for a
// category on the negative list (staff pay, capital construction, debt repayment).
absl::StatusOr<const ExpenditureCategoryInfo*> PermittedCategory(const EducationPolicy& policy,
                                                                 const std::string& code);

// A school_id starts with the GB/T 2260 code of its county or district (six digits, e.g.
// "110106-FT001" for Fengtai), whose first two digits are a province the data knows; else
// INVALID_ARGUMENT naming "school_id".
absl::Status ValidateSchoolId(const PolicyData& data, const std::string& school_id);

// An expenditure's date: not after `today` (a ledger records what happened) and not before the
// school's first allocation (nothing could be spent then); else INVALID_ARGUMENT naming "date".
absl::Status ValidateExpenditureDate(Date date, Date today, std::optional<Date> first_allocation);

}  // namespace subsidy::education
