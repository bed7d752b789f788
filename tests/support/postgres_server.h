// A throwaway PostgreSQL for tests: initdb in a temporary directory, a free port, owned by the
// unprivileged `postgres` user when the tests run as root; stopped and removed at exit.
#pragma once

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace subsidy::testing {

class PostgresServer {
 public:
  // The process-wide instance, started on first use; nullptr (with a reason) when the
  // PostgreSQL server binaries are not installed or the cluster cannot start.
  static PostgresServer* Get(std::string* why_not);
  // A new, empty database on that server; its postgresql:// URL.
  std::string NewDatabase();
  // A hot standby of the whole server (pg_basebackup, streaming), applying each commit
  // `apply_delay` after it (recovery_min_apply_delay: "0" for none): `database_url`'s database on
  // it ("" if it did not start). Stopped with the server.
  std::string StartStandby(const std::string& database_url, const std::string& apply_delay);
  ~PostgresServer();

 private:
  PostgresServer() = default;
  std::string bin_dir_, dir_;
  int port_ = 0;
  bool as_postgres_user_ = false;
  int databases_ = 0;
  std::vector<std::string> standbys_;  // their data directories
};

}  // namespace subsidy::testing

// Declares `pg`, the throwaway server, or fails the test saying why (when the binaries are
// missing: how to install them, scripts/install-deps.sh --test). Never skips: a PostgreSQL
// suite that did not run must not pass, on CI or off it.
#define SUBSIDY_POSTGRES_OR_FAIL(pg)                                                     \
  std::string pg##_why_not;                                                              \
  auto* pg = ::subsidy::testing::PostgresServer::Get(&pg##_why_not);                     \
  if (pg == nullptr) {                                                                   \
    FAIL() << "PostgreSQL not available: " << pg##_why_not;                              \
  }
// The former name, kept for the suites that still use it: it fails too, it never skips.
#define SUBSIDY_POSTGRES_OR_SKIP(pg) SUBSIDY_POSTGRES_OR_FAIL(pg)
