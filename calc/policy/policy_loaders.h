// The loaders of the policy-data files, one a file: each parses its file from `dir`, validates
// every row (an error names file and line) and hands back the file's text in `content`, from
// which the snapshot's version is hashed. Internal to policy_data.cc; the loaders live in
// policy_loaders.cc, education_loader.cc, reward_loader.cc and messages_loader.cc.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/data_file.h"
#include "policy/policy_data.h"

namespace subsidy::policy_loaders {

absl::StatusOr<WorkingDayCalendar> LoadCalendar(const std::string& dir, std::string* content);
absl::StatusOr<LprTable> LoadLpr(const std::string& dir, std::string* content);
absl::StatusOr<std::vector<ProvinceInfo>> LoadProvinces(const std::string& dir, std::string* content);
absl::StatusOr<LoanRegimeTable> LoadLoanRegimes(const std::string& dir, const std::vector<ProvinceInfo>& provinces,
                                                std::string* content);
absl::StatusOr<EducationPolicy> LoadEducation(const std::string& dir, const std::vector<ProvinceInfo>& provinces,
                                              std::string* content);
absl::StatusOr<FundMonitoring> LoadFundMonitoring(const std::string& dir, std::string* content);
absl::StatusOr<funds::MonitoringRules> LoadMonitoringRules(const std::string& dir, std::string* content);
absl::StatusOr<RewardCatalog> LoadRewards(const std::string& dir, std::string* content);
absl::StatusOr<MessageCatalogue> LoadMessages(const std::string& dir, std::string* content);
// The same from the file's text (subsidyctl's copy, built into the binary); `path` names it.
absl::StatusOr<MessageCatalogue> LoadMessagesText(const std::string& path, std::string text);

// ---- shared by the loaders ----

bool ValidStatus(const std::string& s);
// For a status already checked with ValidStatus.
Certainty Sure(const std::string& s);
bool KnownProvince(const std::vector<ProvinceInfo>& provinces, const std::string& code);

// The errors of one element of a top-level repeated field: "path:line: <what>: <problem>".
struct RowError {
  const DataFile& file;
  absl::string_view field;
  int index;
  const std::string& what;
  absl::Status operator()(absl::string_view problem) const { return file.ErrorAt(field, index, what, problem); }
};

}  // namespace subsidy::policy_loaders
