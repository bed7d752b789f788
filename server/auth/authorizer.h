// Callers and roles. A caller presents `authorization: Bearer <token>`; the server knows only
// the token's SHA-256 (from --auth_config) and compares digests in constant time. Roles decide
// which RPCs a caller may make; a school caller only touches its own school_ids, a bank caller
// only its own bank_ids' claims. Without a
// config file the server accepts loopback callers only (as the local "admin").
#pragma once

#include <grpcpp/server_context.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace subsidy::auth {

enum class Role { kBank, kSchool, kPortal, kFinance, kAdmin, kAuditor };
const char* RoleName(Role r);
bool RoleFromName(absl::string_view name, Role* out);

struct Caller {
  std::string name;
  std::set<Role> roles;
  std::set<std::string> schools;
  std::set<std::string> banks;  // a bank caller's bank_ids: it files and reads only their claims
  // The loopback operator of a server without a caller list: every role, bound to no school or bank.
  bool everywhere = false;
  // Whether the caller may file or read claims of `bank_id`: finance and admin see every bank.
  bool MaySeeBank(absl::string_view bank_id) const;
  bool SeesEveryBank() const;
};

// A refusal of a known caller carries its name under this payload (for the log line).
inline constexpr char kCallerPayload[] = "subsidy.caller";
// The caller a refusal names, or "" when it was not known.
std::string RefusedCaller(const absl::Status& status);

// Who may call one RPC, as its proto declares it (option (subsidy.v1.access)).
struct MethodAccess {
  enum class Scope { kNone, kSchool, kBank };
  std::string method;  // "subsidy.v1.FundService/AllocateFund"
  std::set<Role> roles;
  Scope scope = Scope::kNone;  // binds the SCHOOL (BANK) role to the caller's schools (banks)
  bool money_movement = false;  // dual control: held for a second officer when callers are configured
};
// The services of the API, from the linked descriptors.
std::vector<const google::protobuf::ServiceDescriptor*> ApiServices();
// The declaration of `method` ("subsidy.v1.FundService/AllocateFund"); nullptr when it has none.
const MethodAccess* AccessOf(absl::string_view method);

// Hex SHA-256 (OpenSSL's libcrypto, which gRPC's TLS already brings).
std::string Sha256Hex(absl::string_view data);
// A fresh random bearer token (32 bytes from the system CSPRNG, URL-safe base64).
std::string NewToken();

// What a caller presents, whatever the transport: the authorization header's value (when there is
// one) and whether its connection comes from loopback.
struct Credentials {
  std::optional<absl::string_view> authorization;
  bool loopback = false;
};

class Authorizer {
 public:
  // No config: loopback callers only.
  static std::unique_ptr<Authorizer> LoopbackOnly();
  static absl::StatusOr<std::unique_ptr<Authorizer>> FromFile(const std::string& path);

  bool loopback_only() const { return loopback_only_; }
  // Who is calling: UNAUTHENTICATED for a missing or unknown token (or a non-loopback peer
  // without a config), PERMISSION_DENIED when no role of the caller allows `method` (e.g.
  // "subsidy.v1.EducationFundService/AllocateFunds") or the school (bank) is outside its list.
  // `scope_id` is the request's school_id or bank_id for an RPC scoped by one.
  absl::StatusOr<std::shared_ptr<const Caller>> Authorize(const Credentials& credentials, absl::string_view method,
                                                          absl::string_view scope_id = "") const;
  // The same for a gRPC call (its metadata and peer).
  absl::StatusOr<std::shared_ptr<const Caller>> Authorize(const grpc::ServerContextBase& context,
                                                          absl::string_view method, absl::string_view scope_id = "") const;
  // Re-reads the config file (SIGHUP); keeps the old callers on error.
  absl::Status Reload();

  // Whether a role of the caller may call `method` (for `scope_id` when the RPC is scoped).
  static bool Allowed(const Caller& caller, absl::string_view method, absl::string_view scope_id);
  // The RPCs a role of the caller may make (scoped ones for its own schools or banks).
  static std::vector<std::string> MethodsFor(const Caller& caller);

 private:
  struct Entry {
    std::string digest;  // 32 raw bytes
    std::shared_ptr<const Caller> caller;
  };
  absl::StatusOr<std::shared_ptr<const Caller>> Identify(const Credentials& credentials) const;
  std::shared_ptr<const Caller> local_;  // the loopback caller when there is no config
  bool loopback_only_ = false;
  std::string path_;
  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// A bound on the calls one caller has in flight: past it, RESOURCE_EXHAUSTED.
class CallLimiter {
 public:
  explicit CallLimiter(int max_per_caller) : max_(max_per_caller) {}
  // A slot held until the returned object is destroyed; nullptr when the caller is at its limit.
  std::shared_ptr<void> Acquire(const std::string& caller);

 private:
  const int max_;
  absl::Mutex mu_;  // guards the map's shape; the counts themselves are atomics
  absl::node_hash_map<std::string, std::atomic<int>> in_flight_ ABSL_GUARDED_BY(mu_);  // entries stay, and their addresses
};

}  // namespace subsidy::auth
