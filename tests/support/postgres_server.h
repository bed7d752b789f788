// A throwaway PostgreSQL for tests: initdb in a temporary directory, a free port, owned by the
// unprivileged `postgres` user when the tests run as root; stopped and removed at exit.
#pragma once

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
