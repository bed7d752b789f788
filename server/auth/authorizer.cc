#include "auth/authorizer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>

#include <google/protobuf/text_format.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "subsidy/data/v1/policy_data.pb.h"

namespace subsidy::auth {
namespace {

// What a scoped RPC's request names, which a school (bank) caller must have in its list.
enum class Scope { kNone, kSchool, kBank };

struct MethodRule {
  const char* method;
  std::vector<Role> roles;
  Scope scope;
};

// Every RPC of the API and who may make it. Health and reflection are open to all (probes and
// generic tools); anything not listed is refused.
const std::vector<MethodRule>& Rules() {
  using enum Role;
  static const auto* rules = new std::vector<MethodRule>{
      {"subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy", {kBank, kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/CalculateLoanSubsidyBatch", {kBank, kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/StreamLoanSubsidies", {kBank, kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/StreamLoanSubsidyBatches", {kBank, kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/GetLoanPolicy", {kBank, kFinance, kAdmin, kAuditor}, Scope::kNone},
      // Claims: a bank files for its own bank_ids (the stream's bank_id is checked on its first
      // message); reads of one claim check its bank against the caller's (Caller::MaySeeBank).
      {"subsidy.v1.LoanSubsidyService/SubmitLoanSubsidyClaim", {kBank, kAdmin}, Scope::kBank},
      {"subsidy.v1.LoanSubsidyService/SubmitLoanSubsidyClaimFile", {kBank, kAdmin}, Scope::kBank},
      {"subsidy.v1.LoanSubsidyService/UploadLoanSubsidyClaim", {kBank, kAdmin}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/GetLoanSubsidyClaim", {kBank, kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/ListLoanSubsidyClaims", {kBank, kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/ListLoanSubsidyClaimLines", {kBank, kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.LoanSubsidyService/ReviewLoanSubsidyClaim", {kFinance}, Scope::kNone},
      {"subsidy.v1.EducationFundService/SplitGrant", {kSchool, kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.EducationFundService/ComputeEducationEntitlement", {kSchool, kFinance, kAdmin}, Scope::kSchool},
      {"subsidy.v1.EducationFundService/GetFundPriority", {kSchool, kFinance, kAdmin, kAuditor}, Scope::kSchool},
      {"subsidy.v1.EducationFundService/GetSpendingProgress", {kSchool, kFinance, kAdmin, kAuditor}, Scope::kSchool},
      {"subsidy.v1.EducationFundService/AllocateFunds", {kSchool, kAdmin}, Scope::kSchool},
      {"subsidy.v1.EducationFundService/RecordExpenditure", {kSchool, kAdmin}, Scope::kSchool},
      {"subsidy.v1.EducationFundService/ListExpenditureCategories", {kSchool, kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.RewardPayoutService/ListRewardPolicies", {kPortal, kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.RewardPayoutService/SubmitDetermination", {kPortal, kAdmin}, Scope::kNone},
      {"subsidy.v1.RewardPayoutService/GetPayout", {kPortal, kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.RewardPayoutService/ListPayouts", {kPortal, kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.RewardPayoutService/RunDisbursement", {kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.RewardPayoutService/GetPaymentFile", {kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.AdminService/GetDataStatus", {kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.AdminService/ReloadData", {kAdmin}, Scope::kNone},
      {"subsidy.v1.AdminService/ListAuditEvents", {kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.AdminService/GetCaller", {kBank, kSchool, kPortal, kFinance, kAdmin, kAuditor}, Scope::kNone},
      // Corrections: a school reverses its own expenditures (checked on the expenditure's school).
      {"subsidy.v1.EducationFundService/ReverseExpenditure", {kSchool, kAdmin}, Scope::kNone},
      {"subsidy.v1.EducationFundService/ListSchoolLedger", {kSchool, kFinance, kAdmin, kAuditor}, Scope::kSchool},
      {"subsidy.v1.RewardPayoutService/CancelPayout", {kFinance, kAdmin}, Scope::kNone},
      // Funds: finance and admin write; the auditor reads everything and writes nothing.
      {"subsidy.v1.FundService/CreateFund", {kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.FundService/AdjustFundBudget", {kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.FundService/AllocateFund", {kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.FundService/RecordFundPayment", {kFinance, kAdmin}, Scope::kNone},
      {"subsidy.v1.FundService/GetFund", {kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.FundService/ListFunds", {kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.FundService/GetExecutionReport", {kFinance, kAdmin, kAuditor}, Scope::kNone},
      {"subsidy.v1.FundService/ListFundAlerts", {kFinance, kAdmin, kAuditor}, Scope::kNone},
  };
  return *rules;
}

bool IsLoopbackPeer(const std::string& peer) {
  return absl::StartsWith(peer, "ipv4:127.") || absl::StartsWith(peer, "ipv6:[::1]") ||
         absl::StartsWith(peer, "ipv6:%5B::1%5D") || absl::StartsWith(peer, "unix:");
}

std::string RawSha256(absl::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

absl::StatusOr<std::vector<std::pair<std::string, Caller>>> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the auth config"));
  std::stringstream ss;
  ss << in.rdbuf();
  data::v1::AuthConfig config;
  if (!google::protobuf::TextFormat::ParseFromString(ss.str(), &config)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a valid AuthConfig (protobuf text format)"));
  }
  std::vector<std::pair<std::string, Caller>> out;
  std::set<std::string> names;
  for (const auto& c : config.callers()) {
    if (c.name().empty() || !names.insert(c.name()).second) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": caller names must be present and unique"));
    }
    std::string digest;
    if (c.token_sha256().size() != 64 || !absl::ascii_isxdigit(static_cast<unsigned char>(c.token_sha256()[0]))) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": caller ", c.name(), ": token_sha256 must be 64 hex digits"));
    }
    digest = absl::HexStringToBytes(c.token_sha256());
    Caller caller{c.name(), {}, {c.schools().begin(), c.schools().end()}, {c.banks().begin(), c.banks().end()}};
    for (const auto& r : c.roles()) {
      Role role;
      if (!RoleFromName(r, &role)) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": caller ", c.name(), ": unknown role ", r));
      }
      caller.roles.insert(role);
    }
    out.emplace_back(digest, std::move(caller));
  }
  return out;
}

}  // namespace

const char* RoleName(Role r) {
  switch (r) {
    case Role::kBank: return "bank";
    case Role::kSchool: return "school";
    case Role::kPortal: return "portal";
    case Role::kFinance: return "finance";
    case Role::kAdmin: return "admin";
    case Role::kAuditor: return "auditor";
  }
  return "?";
}

bool RoleFromName(absl::string_view name, Role* out) {
  for (Role r : {Role::kBank, Role::kSchool, Role::kPortal, Role::kFinance, Role::kAdmin, Role::kAuditor}) {
    if (name == RoleName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

std::string Sha256Hex(absl::string_view data) { return absl::BytesToHexString(RawSha256(data)); }

std::string NewToken() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) std::abort();  // no entropy: never hand out a weak token
  return absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<char*>(raw), sizeof raw));
}

std::unique_ptr<Authorizer> Authorizer::LoopbackOnly() {
  auto a = std::unique_ptr<Authorizer>(new Authorizer());
  a->loopback_only_ = true;
  // The operator at the console: everything, claim review included.
  a->local_ = std::make_shared<const Caller>(Caller{"local", {Role::kAdmin, Role::kFinance}, {}, {}});
  return a;
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::FromFile(const std::string& path) {
  auto a = std::unique_ptr<Authorizer>(new Authorizer());
  a->path_ = path;
  if (auto s = a->Reload(); !s.ok()) return s;
  return a;
}

absl::Status Authorizer::Reload() {
  if (loopback_only_) return absl::OkStatus();
  auto loaded = LoadConfig(path_);
  if (!loaded.ok()) return loaded.status();
  std::vector<Entry> entries;
  for (auto& [digest, caller] : *loaded) entries.push_back({digest, std::make_shared<const Caller>(std::move(caller))});
  absl::MutexLock l(&mu_);
  entries_ = std::move(entries);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Caller>> Authorizer::Identify(const Credentials& credentials) const {
  if (loopback_only_) {
    if (!credentials.loopback) {
      return absl::UnauthenticatedError("this server has no caller list and accepts loopback callers only");
    }
    return local_;
  }
  if (!credentials.authorization) return absl::UnauthenticatedError("missing authorization: Bearer <token>");
  const absl::string_view value = *credentials.authorization;
  if (!absl::StartsWith(value, "Bearer ")) return absl::UnauthenticatedError("authorization must be Bearer <token>");
  const std::string digest = RawSha256(value.substr(7));
  absl::MutexLock l(&mu_);
  // Compare against every entry, in constant time each and without stopping early.
  const Entry* found = nullptr;
  for (const auto& e : entries_) {
    if (e.digest.size() == digest.size() && CRYPTO_memcmp(e.digest.data(), digest.data(), digest.size()) == 0) {
      found = &e;
    }
  }
  if (found == nullptr) return absl::UnauthenticatedError("unknown token");
  return found->caller;
}

bool Caller::SeesEveryBank() const {
  return roles.count(Role::kFinance) || roles.count(Role::kAdmin) || roles.count(Role::kAuditor);
}

bool Caller::MaySeeBank(absl::string_view bank_id) const {
  if (SeesEveryBank()) return true;
  return roles.count(Role::kBank) && !bank_id.empty() && banks.count(std::string(bank_id));
}

std::vector<std::string> Authorizer::MethodsFor(const Caller& caller) {
  std::vector<std::string> out;
  for (const auto& rule : Rules()) {
    for (Role r : rule.roles) {
      if (caller.roles.count(r)) {
        out.push_back(rule.method);
        break;
      }
    }
  }
  return out;
}

bool Authorizer::Allowed(const Caller& caller, absl::string_view method, absl::string_view scope_id) {
  if (absl::StartsWith(method, "grpc.")) return true;
  for (const auto& rule : Rules()) {
    if (method != rule.method) continue;
    for (Role r : rule.roles) {
      if (!caller.roles.count(r)) continue;
      // A school (bank) caller only touches its own schools (banks); other roles are not bound.
      if (r == Role::kSchool && rule.scope == Scope::kSchool && !caller.schools.count(std::string(scope_id))) continue;
      if (r == Role::kBank && rule.scope == Scope::kBank && !caller.banks.count(std::string(scope_id))) continue;
      return true;
    }
    return false;
  }
  return false;
}

absl::StatusOr<std::shared_ptr<const Caller>> Authorizer::Authorize(const Credentials& credentials,
                                                                    absl::string_view method,
                                                                    absl::string_view scope_id) const {
  auto caller = Identify(credentials);
  if (!caller.ok()) return caller.status();
  if (!Allowed(**caller, method, scope_id)) {
    return absl::PermissionDeniedError(absl::StrCat("caller ", (*caller)->name, " may not call ", method,
                                                    scope_id.empty() ? "" : absl::StrCat(" for ", scope_id)));
  }
  return caller;
}

absl::StatusOr<std::shared_ptr<const Caller>> Authorizer::Authorize(const grpc::ServerContextBase& context,
                                                                    absl::string_view method,
                                                                    absl::string_view scope_id) const {
  Credentials credentials;
  const auto& md = context.client_metadata();
  if (auto it = md.find("authorization"); it != md.end()) {
    credentials.authorization = absl::string_view(it->second.data(), it->second.size());
  }
  // The peer's address is only asked for when it decides.
  if (loopback_only_) credentials.loopback = IsLoopbackPeer(context.peer());
  return Authorize(credentials, method, scope_id);
}

std::shared_ptr<void> CallLimiter::Acquire(const std::string& caller) {
  std::atomic<int>* counter = nullptr;
  {
    absl::ReaderMutexLock l(&mu_);
    auto it = in_flight_.find(caller);
    if (it != in_flight_.end()) counter = &it->second;
  }
  if (counter == nullptr) {
    absl::MutexLock l(&mu_);
    counter = &in_flight_[caller];  // node_hash_map: stable across rehashes; entries stay
  }
  // A slot is a counted place: taken with one atomic add, given back with one atomic subtract.
  if (counter->fetch_add(1, std::memory_order_acq_rel) >= max_) {
    counter->fetch_sub(1, std::memory_order_acq_rel);
    return nullptr;
  }
  return std::shared_ptr<void>(counter, [](std::atomic<int>* c) { c->fetch_sub(1, std::memory_order_acq_rel); });
}

}  // namespace subsidy::auth
