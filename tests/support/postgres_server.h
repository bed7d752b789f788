// A throwaway PostgreSQL for tests: initdb in a temporary directory, a free port, owned by the
// unprivileged `postgres` user when the tests run as root; stopped and removed at exit.
#pragma once

#include <cstdlib>
#include <cstring>
#include <string>

namespace subsidy::testing {

class PostgresServer {
 public:
  // The process-wide instance, started on first use; nullptr (with a reason) when the
  // PostgreSQL server binaries are not installed.
  static PostgresServer* Get(std::string* why_not);
  // A new, empty database on that server; its postgresql:// URL.
  std::string NewDatabase();
  ~PostgresServer();

 private:
  PostgresServer() = default;
  std::string bin_dir_, dir_;
  int port_ = 0;
  bool as_postgres_user_ = false;
  int databases_ = 0;
};

}  // namespace subsidy::testing

namespace subsidy::testing {
// Under CI=true a PostgreSQL suite that cannot start its server fails instead of skipping: CI
// must never pass a suite it did not run.
inline bool PostgresRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::strcmp(ci, "true") == 0;
}
}  // namespace subsidy::testing

// Declares `pg`, the throwaway server, or skips the test (fails it under CI=true).
#define SUBSIDY_POSTGRES_OR_SKIP(pg)                                                              \
  std::string pg##_why_not;                                                                       \
  auto* pg = ::subsidy::testing::PostgresServer::Get(&pg##_why_not);                              \
  if (pg == nullptr) {                                                                            \
    if (::subsidy::testing::PostgresRequired()) FAIL() << "PostgreSQL not available: " << pg##_why_not; \
    GTEST_SKIP() << "PostgreSQL tests skipped: " << pg##_why_not;                                 \
  }
