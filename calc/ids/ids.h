// Check characters of Chinese identifiers.
#pragma once

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace subsidy {

// Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from
// 0-9 A-H J-N P-R T U W-Y (no I O S V Z), the last a check character over the first 17.
// OK, or INVALID_ARGUMENT saying what is wrong (length, character, check character).
absl::Status ValidateUscc(absl::string_view code);
// The check character (GB 32100-2015) of a USCC's first 17 characters; none when they are not 17
// characters of its alphabet.
std::optional<char> UsccCheckCharacter(absl::string_view first17);

// Citizen identity number (GB 11643-1999): 17 digits and a check character 0-9 or X.
absl::Status ValidateCitizenId(absl::string_view id);

}  // namespace subsidy
