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
#include "ids/canonical.h"
#include "subsidy/data/v1/policy_data.pb.h"
#include "subsidy/v1/access.pb.h"
#include "subsidy/v1/admin.pb.h"
#include "subsidy/v1/approval.pb.h"
#include "subsidy/v1/education.pb.h"
#include "subsidy/v1/fund.pb.h"
#include "subsidy/v1/loan.pb.h"
#include "subsidy/v1/payment.pb.h"
#include "subsidy/v1/reward.pb.h"

namespace subsidy::auth {
namespace {

// Who may call what, read once from the method option (access) that every RPC of the API
// declares in its proto (protos/subsidy/v1/access.proto). Health and reflection are open to all
// (probes and generic tools); anything undeclared is refused.
Role FromProto(v1::Access::Role r) {
  switch (r) {
    case v1::Access::BANK: return Role::kBank;
    case v1::Access::SCHOOL: return Role::kSchool;
    case v1::Access::PORTAL: return Role::kPortal;
    case v1::Access::FINANCE: return Role::kFinance;
    case v1::Access::ADMIN: return Role::kAdmin;
    case v1::Access::AUDITOR: return Role::kAuditor;
    default: break;
  }
  std::abort();  // an unknown role in our own protos: a build that must not start
}

const absl::flat_hash_map<std::string, MethodAccess>& Rules() {
  static const auto* rules = [] {
    auto* out = new absl::flat_hash_map<std::string, MethodAccess>();
    for (const auto* service : ApiServices()) {
      for (int i = 0; i < service->method_count(); ++i) {
        const auto* m = service->method(i);
        const std::string name = absl::StrCat(service->full_name(), "/", m->name());
        if (!m->options().HasExtension(v1::access)) continue;  // refused to all (a test names it)
        const v1::Access& a = m->options().GetExtension(v1::access);
        MethodAccess rule{name, {}, MethodAccess::Scope::kNone, a.money_movement()};
        for (int r : a.roles()) rule.roles.insert(FromProto(static_cast<v1::Access::Role>(r)));
        if (a.scope() == v1::Access::SCHOOL_ID) rule.scope = MethodAccess::Scope::kSchool;
        if (a.scope() == v1::Access::BANK_ID) rule.scope = MethodAccess::Scope::kBank;
        out->emplace(name, std::move(rule));
      }
    }
    return out;
  }();
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
  std::set<std::string> names;  // by key: "FINA", "finA " and "fin\u200bA" are not three officers
  for (const auto& c : config.callers()) {
    auto name = CanonicalizeId(c.name(), "name");
    if (!name.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": caller \"", c.name(), "\": ", name.status().message()));
    }
    if (name->text != c.name() || !names.insert(name->key).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": caller names must be unique, in their canonical spelling (NFKC, trimmed, any case): \"", c.name(),
          "\""));
    }
    std::string digest;
    if (c.token_sha256().size() != 64 || !absl::ascii_isxdigit(static_cast<unsigned char>(c.token_sha256()[0]))) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": caller ", c.name(), ": token_sha256 must be 64 hex digits"));
    }
    digest = absl::HexStringToBytes(c.token_sha256());
    Caller caller{c.name(), {}, {}, {}};
    for (const auto& [list, into] : {std::pair{&c.schools(), &caller.schools}, {&c.banks(), &caller.banks}}) {
      for (const auto& id : *list) {
        auto code = CanonicalCode(id, "schools/banks");
        if (!code.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": caller ", c.name(), ": ", code.status().message()));
        into->insert(*code);
      }
    }
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
  a->local_ = std::make_shared<const Caller>(Caller{
      "local",
      {Role::kBank, Role::kSchool, Role::kPortal, Role::kFinance, Role::kAdmin, Role::kAuditor},
      {},
      {},
      /*everywhere=*/true});
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

namespace {

// The token of an authorization value "Bearer <token>": the scheme in any case (RFC 7235 §2.1: an
// auth-scheme is case-insensitive), then one or more spaces, then the token (whitespace around it
// is not part of it). Anything else: none.
std::optional<absl::string_view> BearerToken(absl::string_view value) {
  constexpr absl::string_view kScheme = "bearer";
  value = absl::StripAsciiWhitespace(value);
  if (value.size() <= kScheme.size() || !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme) ||
      value[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  return absl::StripLeadingAsciiWhitespace(value.substr(kScheme.size()));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Caller>> Authorizer::Identify(const Credentials& credentials) const {
  if (loopback_only_) {
    if (!credentials.loopback) {
      return absl::UnauthenticatedError("this server has no caller list and accepts loopback callers only");
    }
    return local_;
  }
  if (!credentials.authorization) return absl::UnauthenticatedError("missing authorization: Bearer <token>");
  const std::optional<absl::string_view> token = BearerToken(*credentials.authorization);
  if (!token) return absl::UnauthenticatedError("authorization must be Bearer <token>");
  const std::string digest = RawSha256(*token);
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

std::vector<const google::protobuf::ServiceDescriptor*> ApiServices() {
  // Naming a message of each file links its descriptor in (static libraries drop what nothing names).
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const auto* file : {v1::LoanSubsidyRequest::descriptor()->file(), v1::AllocateFundsRequest::descriptor()->file(),
                           v1::Payout::descriptor()->file(), v1::GetCallerRequest::descriptor()->file(),
                           v1::Fund::descriptor()->file(), v1::Instruction::descriptor()->file(),
                           v1::PaymentLine::descriptor()->file()}) {
    for (int i = 0; i < file->service_count(); ++i) out.push_back(file->service(i));
  }
  return out;
}

std::string RefusedCaller(const absl::Status& status) {
  auto payload = status.GetPayload(kCallerPayload);
  return payload ? std::string(*payload) : std::string();
}

const MethodAccess* AccessOf(absl::string_view method) {
  const auto& rules = Rules();
  auto it = rules.find(method);
  return it == rules.end() ? nullptr : &it->second;
}

std::vector<std::string> Authorizer::MethodsFor(const Caller& caller) {
  std::vector<std::string> out;
  for (const auto* service : ApiServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string name = absl::StrCat(service->full_name(), "/", service->method(i)->name());
      const MethodAccess* rule = AccessOf(name);
      if (rule == nullptr) continue;
      for (Role r : rule->roles) {
        if (caller.roles.count(r)) {
          out.push_back(name);
          break;
        }
      }
    }
  }
  return out;
}

bool Authorizer::Allowed(const Caller& caller, absl::string_view method, absl::string_view scope_id) {
  if (absl::StartsWith(method, "grpc.")) return true;
  const MethodAccess* rule = AccessOf(method);
  if (rule == nullptr) return false;
  for (Role r : rule->roles) {
    if (!caller.roles.count(r)) continue;
    // A school (bank) caller only touches its own schools (banks); other roles are not bound.
    if (caller.everywhere) return true;
    if (r == Role::kSchool && rule->scope == MethodAccess::Scope::kSchool && !caller.schools.count(std::string(scope_id))) {
      continue;
    }
    if (r == Role::kBank && rule->scope == MethodAccess::Scope::kBank && !caller.banks.count(std::string(scope_id))) {
      continue;
    }
    return true;
  }
  return false;
}

absl::StatusOr<std::shared_ptr<const Caller>> Authorizer::Authorize(const Credentials& credentials,
                                                                    absl::string_view method,
                                                                    absl::string_view scope_id) const {
  auto caller = Identify(credentials);
  if (!caller.ok()) return caller.status();
  if (!Allowed(**caller, method, scope_id)) {
    absl::Status denied = absl::PermissionDeniedError(absl::StrCat(
        "caller ", (*caller)->name, " may not call ", method, scope_id.empty() ? "" : absl::StrCat(" for ", scope_id)));
    // The log line names who was refused (not only where from); the payload never goes on the wire.
    denied.SetPayload(kCallerPayload, absl::Cord((*caller)->name));
    return denied;
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
