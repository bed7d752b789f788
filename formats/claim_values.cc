#include "claim_values.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cells.h"

namespace subsidy::formats {

const std::vector<ClaimValueAlias>& ClaimValueAliases() {
  static const auto* k = new std::vector<ClaimValueAlias>{
      {"region_tier", "东部", "EAST"},
      {"region_tier", "东部地区", "EAST"},
      {"region_tier", "中西部", "CENTRAL_WEST"},
      {"region_tier", "中西部地区", "CENTRAL_WEST"},
      {"region_tier", "中部", "CENTRAL_WEST"},
      {"region_tier", "西部", "CENTRAL_WEST"},
      {"region_tier", "贫困地区", "POVERTY_AREA"},
      {"region_tier", "脱贫地区", "POVERTY_AREA"},
      {"program", "个人创业担保贷款", "ENTREPRENEUR_INDIVIDUAL"},
      {"program", "个人", "ENTREPRENEUR_INDIVIDUAL"},
      {"program", "合伙创业担保贷款", "ENTREPRENEUR_PARTNERSHIP"},
      {"program", "合伙创业", "ENTREPRENEUR_PARTNERSHIP"},
      {"program", "小微企业创业担保贷款", "ENTREPRENEUR_SMALL_BUSINESS"},
      {"program", "小微企业", "ENTREPRENEUR_SMALL_BUSINESS"},
      {"program", "扶贫小额信贷", "POVERTY_MICROCREDIT"},
      {"program", "脱贫人口小额信贷", "POVERTY_MICROCREDIT"},
      {"lpr_tenor", "1年", "ONE_YEAR"},
      {"lpr_tenor", "一年", "ONE_YEAR"},
      {"lpr_tenor", "1年期", "ONE_YEAR"},
      {"lpr_tenor", "5年", "FIVE_YEAR"},
      {"lpr_tenor", "五年", "FIVE_YEAR"},
      {"lpr_tenor", "5年期以上", "FIVE_YEAR"},
      {"day_count", "实际/360", "ACT_360"},
      {"day_count", "实际/365", "ACT_365"},
  };
  return *k;
}

namespace {
// Folded and without white space: "５年期以上 " and "5年期以上" are one name.
std::string NameKey(absl::string_view text) {
  return absl::StrReplaceAll(FoldFullWidth(TrimCell(text)), {{" ", ""}});
}
}  // namespace

std::optional<std::string> ValueForChineseName(absl::string_view column, absl::string_view text) {
  const std::string key = NameKey(text);
  for (const auto& a : ClaimValueAliases()) {
    if (a.column == column && a.name == key) return a.value;
  }
  return std::nullopt;
}

std::string ChoicesOf(absl::string_view column) {
  std::vector<std::string> out;
  std::vector<std::string> seen;
  for (const auto& a : ClaimValueAliases()) {
    if (a.column != column || std::find(seen.begin(), seen.end(), a.value) != seen.end()) continue;
    seen.push_back(a.value);
    out.push_back(absl::StrCat(a.name, "（", a.value, "）"));
  }
  return absl::StrJoin(out, "、");
}

}  // namespace subsidy::formats
