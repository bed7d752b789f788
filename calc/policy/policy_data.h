// One immutable snapshot of all policy data (data/*.textproto): the only place that answers
// "what applied in province P on date D". Loaded whole and validated before use; a snapshot is
// shared (std::shared_ptr<const PolicyData>) so a reload can swap it while calls in flight
// finish on the one they started with.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "funds/rules.h"
#include "policy/education_data.h"
#include "policy/fund_data.h"
#include "policy/loan_regimes.h"
#include "policy/message_catalogue.h"
#include "policy/reward_data.h"
#include "time/calendar.h"

namespace subsidy {

struct ProvinceInfo {
  std::string code;
  std::string name;
  SharingTier education_sharing_tier = SharingTier::kOther;
  EconomicRegion economic_region = EconomicRegion::kEast;
};

class PolicyDataBuilder;

class PolicyData {
 public:
  // Reads every file the service needs from `dir`; any error names file and line.
  static absl::StatusOr<std::shared_ptr<const PolicyData>> LoadFromDirectory(const std::string& dir);

  const WorkingDayCalendar& calendar() const { return calendar_; }
  const LprTable& lpr() const { return lpr_; }
  const LoanRegimeTable& loan_regimes() const { return loan_regimes_; }
  const EducationPolicy& education() const { return education_; }
  const RewardCatalog& rewards() const { return rewards_; }
  const FundMonitoring& fund_monitoring() const { return fund_monitoring_; }
  // Dynamic monitoring's rules, dated (data/monitoring_rules.textproto).
  const funds::MonitoringRules& monitoring_rules() const { return monitoring_rules_; }
  // What a person reads (data/messages.textproto): refusals, result reasons and alerts in zh-CN
  // and English. In the snapshot (and its version) so that a corrected text is reloaded like data.
  const MessageCatalogue& messages() const { return messages_; }
  const ProvinceInfo* FindProvince(const std::string& code) const;
  // A province as a person writes it: its short name or its full one (河南, 河南省, 广西壮族自治区,
  // 北京市; not 北京省); nullptr when no name matches.
  const ProvinceInfo* FindProvinceByName(absl::string_view written) const;
  const std::vector<ProvinceInfo>& provinces() const { return provinces_; }

  // A copy of this snapshot with other loan regimes and/or another LPR table: a draft rule
  // (loan/reform.h) or a forecast's LPR path, never in force. Its version is this one's + `suffix`.
  std::shared_ptr<const PolicyData> Amended(std::optional<LoanRegimeTable> regimes, std::optional<LprTable> lpr,
                                            absl::string_view suffix) const;

  // The drafts in data/reforms/*.textproto, as text (loan::LoadDraft validates them as the
  // snapshot loads); outside the version: a draft changes nothing in force.
  struct DraftText {
    std::string reform_id;  // the file's name without .textproto
    std::string path;
    std::string text;
    // What the draft says of itself, read as it was validated.
    std::string name;
    std::string regime_id;
    Date effective_date;
    std::string source;
  };
  const std::vector<DraftText>& drafts() const { return drafts_; }
  const DraftText* FindDraft(absl::string_view reform_id) const;

  // Content hash of the files the snapshot was built from: results record it.
  const std::string& version() const { return version_; }
  const std::string& directory() const { return directory_; }

 private:
  friend class PolicyDataBuilder;
  static absl::Status LoadDrafts(PolicyData& data);
  std::string directory_;
  std::string version_;
  WorkingDayCalendar calendar_;
  LprTable lpr_;
  LoanRegimeTable loan_regimes_;
  EducationPolicy education_;
  RewardCatalog rewards_;
  FundMonitoring fund_monitoring_;
  funds::MonitoringRules monitoring_rules_;
  MessageCatalogue messages_;
  std::vector<ProvinceInfo> provinces_;
  std::map<std::string, size_t> province_index_;
  std::vector<DraftText> drafts_;
};

// A snapshot from parts, so that an engine test states its own fixture (one regime, one LPR
// fixing, one policy) instead of loading data/. Parts not given are empty: a query that needs
// them answers as it would for a date the data does not cover.
class PolicyDataBuilder {
 public:
  PolicyDataBuilder& Province(ProvinceInfo p);
  PolicyDataBuilder& Calendar(WorkingDayCalendar c);
  PolicyDataBuilder& Lpr(LprTable t);
  PolicyDataBuilder& LoanRegimes(LoanRegimeTable t);
  PolicyDataBuilder& Education(EducationPolicy e);
  PolicyDataBuilder& Reward(RewardPolicy p);
  PolicyDataBuilder& Messages(MessageCatalogue m);
  PolicyDataBuilder& MonitoringRules(funds::MonitoringRules r);
  std::shared_ptr<const PolicyData> Build(std::string version = "test-fixture");

 private:
  std::shared_ptr<PolicyData> data_ = std::shared_ptr<PolicyData>(new PolicyData());
};

}  // namespace subsidy
