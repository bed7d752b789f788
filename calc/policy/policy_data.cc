#include "policy/policy_data.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/status_util.h"
#include "loan/reform.h"
#include "policy/policy_loaders.h"

namespace subsidy {
namespace {

// FNV-1a, 64 bit: a stable content fingerprint (not a security hash).
uint64_t Fnv1a(uint64_t h, absl::string_view data) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

const char* RewardFormulaName(RewardFormula f) {
  switch (f) {
    case RewardFormula::kFixed: return "FIXED";
    case RewardFormula::kRateWithCap: return "RATE_WITH_CAP";
    case RewardFormula::kPerUnit: return "PER_UNIT";
    case RewardFormula::kTiered: return "TIERED";
  }
  return "?";
}

const char* RepeatRuleName(RepeatRule r) {
  switch (r) {
    case RepeatRule::kOnceEver: return "ONCE_EVER";
    case RepeatRule::kOncePerYear: return "ONCE_PER_YEAR";
    case RepeatRule::kAnnualCap: return "ANNUAL_CAP";
    case RepeatRule::kGroupHighestPerYear: return "GROUP_HIGHEST_PER_YEAR";
  }
  return "?";
}

const RewardPolicy* RewardCatalog::Find(const std::string& policy_id) const {
  for (const auto& p : policies) {
    if (p.policy_id == policy_id) return &p;
  }
  return nullptr;
}

const std::vector<education::FundSource>& EducationPolicy::SpendingOrderFor(const std::string& school_id) const {
  const Order* best = nullptr;
  for (const auto& o : spending_orders) {
    if (absl::StartsWith(school_id, o.prefix) && (!best || o.prefix.size() > best->prefix.size())) best = &o;
  }
  SUBSIDY_CHECK(best != nullptr);  // the loader requires a default row
  return best->order;
}

const ExpenditureCategoryInfo* EducationPolicy::FindCategory(const std::string& code) const {
  auto it = categories.find(code);
  return it == categories.end() ? nullptr : &it->second;
}

const PerPupilRateRow* EducationPolicy::FindRate(const std::string& item, int year, const std::string& province,
                                                 EconomicRegion economic_region) const {
  const PerPupilRateRow* best = nullptr;
  int best_rank = -1;
  for (const auto& r : rates) {
    if (r.item != item || year < r.from_year || (r.to_year != 0 && year > r.to_year)) continue;
    int rank;
    if (!r.province.empty()) {
      if (r.province != province) continue;
      rank = 2;
    } else if (r.economic_region) {
      if (*r.economic_region != economic_region) continue;
      rank = 1;
    } else {
      rank = 0;
    }
    if (rank > best_rank) {
      best = &r;
      best_rank = rank;
    }
  }
  return best;
}

absl::StatusOr<std::shared_ptr<const PolicyData>> PolicyData::LoadFromDirectory(const std::string& dir) {
  auto data = std::shared_ptr<PolicyData>(new PolicyData());
  data->directory_ = dir;
  std::string c_cal, c_lpr, c_prov, c_loan;
  auto cal = policy_loaders::LoadCalendar(dir, &c_cal);
  if (!cal.ok()) return cal.status();
  data->calendar_ = std::move(*cal);
  auto lpr = policy_loaders::LoadLpr(dir, &c_lpr);
  if (!lpr.ok()) return lpr.status();
  data->lpr_ = std::move(*lpr);
  auto provinces = policy_loaders::LoadProvinces(dir, &c_prov);
  if (!provinces.ok()) return provinces.status();
  data->provinces_ = std::move(*provinces);
  for (size_t i = 0; i < data->provinces_.size(); ++i) data->province_index_[data->provinces_[i].code] = i;
  auto regimes = policy_loaders::LoadLoanRegimes(dir, data->provinces_, &c_loan);
  if (!regimes.ok()) return regimes.status();
  data->loan_regimes_ = std::move(*regimes);
  std::string c_edu;
  auto education = policy_loaders::LoadEducation(dir, data->provinces_, &c_edu);
  if (!education.ok()) return education.status();
  data->education_ = std::move(*education);
  std::string c_reward;
  auto rewards = policy_loaders::LoadRewards(dir, &c_reward);
  if (!rewards.ok()) return rewards.status();
  data->rewards_ = std::move(*rewards);
  std::string c_funds;
  auto monitoring = policy_loaders::LoadFundMonitoring(dir, &c_funds);
  if (!monitoring.ok()) return monitoring.status();
  data->fund_monitoring_ = std::move(*monitoring);
  std::string c_rules;
  auto rules = policy_loaders::LoadMonitoringRules(dir, &c_rules);
  if (!rules.ok()) return rules.status();
  data->monitoring_rules_ = std::move(*rules);
  std::string c_messages;
  auto messages = policy_loaders::LoadMessages(dir, &c_messages);
  if (!messages.ok()) return messages.status();
  data->messages_ = std::move(*messages);

  uint64_t h = 14695981039346656037ull;
  for (const auto* part : {&c_cal, &c_lpr, &c_prov, &c_loan, &c_edu, &c_reward, &c_funds, &c_rules, &c_messages}) {
    h = Fnv1a(h, *part);
    h = Fnv1a(h, absl::string_view("\0", 1));
  }
  data->version_ = absl::StrFormat("%016x", h);
  if (auto s = LoadDrafts(*data); !s.ok()) return s;
  return std::shared_ptr<const PolicyData>(std::move(data));
}

absl::Status PolicyData::LoadDrafts(PolicyData& data) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(data.directory_) / "reforms";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return absl::OkStatus();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".textproto") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    DraftText d{f.stem().string(), f.string(), text.str()};
    auto draft = loan::LoadDraft(d.path, d.text, data);
    if (!draft.ok()) return draft.status();
    if (draft->reform_id != d.reform_id) {
      return absl::InvalidArgumentError(absl::StrCat(d.path, ": reform_id \"", draft->reform_id,
                                                     "\" must be the file's name"));
    }
    d.name = draft->name;
    d.regime_id = draft->regime_id;
    d.effective_date = draft->effective_date;
    d.source = draft->source;
    data.drafts_.push_back(std::move(d));
  }
  return absl::OkStatus();
}

const PolicyData::DraftText* PolicyData::FindDraft(absl::string_view reform_id) const {
  for (const auto& d : drafts_) {
    if (d.reform_id == reform_id) return &d;
  }
  return nullptr;
}

std::shared_ptr<const PolicyData> PolicyData::Amended(std::optional<LoanRegimeTable> regimes,
                                                      std::optional<LprTable> lpr, absl::string_view suffix) const {
  auto copy = std::shared_ptr<PolicyData>(new PolicyData(*this));
  if (regimes) copy->loan_regimes_ = std::move(*regimes);
  if (lpr) copy->lpr_ = std::move(*lpr);
  copy->version_ = absl::StrCat(version_, suffix);
  return copy;
}

const ProvinceInfo* PolicyData::FindProvince(const std::string& code) const {
  auto it = province_index_.find(code);
  return it == province_index_.end() ? nullptr : &provinces_[it->second];
}

namespace {
// The full name of a province-level division as GB/T 2260 writes it: 北京 → 北京市, 广西 → 广西壮族自治区,
// 河南 → 河南省 (each accepts its short name and its own full name, never another's suffix).
std::string FullProvinceName(const std::string& name) {
  static const std::map<std::string, std::string, std::less<>> kNotProvinces = {
      {"北京", "北京市"},       {"天津", "天津市"},           {"上海", "上海市"},     {"重庆", "重庆市"},
      {"内蒙古", "内蒙古自治区"}, {"广西", "广西壮族自治区"}, {"西藏", "西藏自治区"}, {"宁夏", "宁夏回族自治区"},
      {"新疆", "新疆维吾尔自治区"}};
  auto it = kNotProvinces.find(name);
  return it == kNotProvinces.end() ? name + "省" : it->second;
}
}  // namespace

const ProvinceInfo* PolicyData::FindProvinceByName(absl::string_view written) const {
  for (const auto& p : provinces_) {
    if (written == p.name || written == FullProvinceName(p.name)) return &p;
  }
  return nullptr;
}

PolicyDataBuilder& PolicyDataBuilder::Province(ProvinceInfo p) {
  data_->province_index_[p.code] = data_->provinces_.size();
  data_->provinces_.push_back(std::move(p));
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Calendar(WorkingDayCalendar c) {
  data_->calendar_ = std::move(c);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Lpr(LprTable t) {
  data_->lpr_ = std::move(t);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::LoanRegimes(LoanRegimeTable t) {
  data_->loan_regimes_ = std::move(t);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Education(EducationPolicy e) {
  data_->education_ = std::move(e);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Reward(RewardPolicy p) {
  data_->rewards_.policies.push_back(std::move(p));
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::Messages(MessageCatalogue m) {
  data_->messages_ = std::move(m);
  return *this;
}
PolicyDataBuilder& PolicyDataBuilder::MonitoringRules(funds::MonitoringRules r) {
  data_->monitoring_rules_ = std::move(r);
  return *this;
}
std::shared_ptr<const PolicyData> PolicyDataBuilder::Build(std::string version) {
  data_->version_ = std::move(version);
  data_->directory_ = "(built in a test)";
  return std::move(data_);
}

}  // namespace subsidy
