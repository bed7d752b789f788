// The Chinese names banks write in a claim file's coded columns (地区类别 东部, 贷款类别 个人创业担保贷款,
// LPR期限 1年, 计息基准 实际/360), beside the API names (EAST, ENTREPRENEUR_INDIVIDUAL, …): the one
// table, for the reader and for the README to list. A province is written by its code (41) or its
// name (河南): the server reads the name from data/provinces_cn.textproto.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace subsidy::formats {

struct ClaimValueAlias {
  std::string column;  // region_tier, program, lpr_tenor or day_count
  std::string name;    // as a bank writes it: 东部
  std::string value;   // the API enum name: EAST
};
const std::vector<ClaimValueAlias>& ClaimValueAliases();

// The API name a Chinese cell of `column` stands for (full-width characters folded first, white
// space ignored); nullopt when the table has no such name.
std::optional<std::string> ValueForChineseName(absl::string_view column, absl::string_view text);

// What a cell of `column` may hold, for a refusal: "东部（EAST）、中西部（CENTRAL_WEST）、…" (a
// column without Chinese names: its API names).
std::string ChoicesOf(absl::string_view column);

}  // namespace subsidy::formats
