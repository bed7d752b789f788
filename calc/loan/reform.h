// Draft rules (政策草案) for what-if runs: a reform (protos/subsidy/data/v1/reform.proto) names one
// regime and overrides some of its parameters for loans contracted on or after a date. Applying
// it gives a second policy snapshot in which the regime is cut at that date: the loans contracted
// before keep the regime, the later ones meet the amended copy ("<regime>~<reform>"). The draft
// snapshot is never in force; the engine runs on it unchanged.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "policy/policy_data.h"

namespace subsidy::loan {

struct Draft {
  std::string reform_id;
  std::string name;
  std::string regime_id;
  Date effective_date;
  std::string source;
  std::string note;
  std::shared_ptr<const PolicyData> data;  // the snapshot with the draft applied
};

// Parses and validates a reform's text against `in_force` and applies it. A problem is
// INVALID_ARGUMENT naming `path`:line and the field (REFORM_INVALID).
absl::StatusOr<Draft> LoadDraft(const std::string& path, std::string text, const PolicyData& in_force);

inline constexpr char kReformInvalid[] = "REFORM_INVALID";
inline constexpr char kReformNotFound[] = "REFORM_NOT_FOUND";  // no such draft in data/reforms

}  // namespace subsidy::loan
