// A pg_auto_failover group (a monitor, a primary, a synchronous standby) on loopback ports, formed
// by scripts/pg-ha.sh in a temporary directory, for failover tests; stopped and removed at the end.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace subsidy::testing {

class PgHaGroup {
 public:
  // Forms the group: up to about a minute. FAILED_PRECONDITION (how to install it) when
  // pg_auto_failover is missing.
  static absl::StatusOr<std::unique_ptr<PgHaGroup>> Start();
  ~PgHaGroup();

  // The servers' multi-host URL (target_session_attrs=read-write).
  const std::string& url() const { return url_; }
  // SIGKILL of the primary node (its keeper, postgres and backends), as if its machine were lost:
  // the node's name.
  absl::StatusOr<std::string> KillPrimary();
  // The monitor's view of the nodes and the last events, for a failure's message.
  std::string State() const;

 private:
  explicit PgHaGroup(std::string dir) : dir_(std::move(dir)) {}
  absl::StatusOr<std::string> Run(const std::string& command) const;

  std::string dir_, url_;
};

}  // namespace subsidy::testing
