// How fund execution is judged, as loaded from data/funds.textproto.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "money/rate.h"
#include "policy/vocabulary.h"

namespace subsidy {

struct FundMonitoring {
  Rate tolerance = Rate::FromBasisPoints(1000);  // percentage points (a Rate is a percentage)
  Certainty status = Certainty::kUnverified;
  std::string source;
  // Categories a fund of the purpose (its API name) never pays for.
  std::map<std::string, std::vector<std::string>> forbidden_by_purpose;

  bool Forbids(const std::string& purpose, const std::string& category) const {
    auto it = forbidden_by_purpose.find(purpose);
    if (it == forbidden_by_purpose.end()) return false;
    for (const auto& c : it->second) {
      if (c == category) return true;
    }
    return false;
  }
};

}  // namespace subsidy
