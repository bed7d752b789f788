#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <glob.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"

namespace subsidy::testing {
namespace {

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// What a throwaway cluster needs from a PostgreSQL bin directory.
constexpr const char* kNeeded[] = {"initdb", "pg_ctl", "psql"};
constexpr char kInstall[] = "install them with: scripts/install-deps.sh --test";

// The newest /usr/lib/postgresql/*/bin with initdb (or $SUBSIDY_PG_BIN); "" and `why` otherwise.
std::string FindBinDir(std::string* why) {
  std::string found;
  if (const char* env = std::getenv("SUBSIDY_PG_BIN"); env != nullptr && *env != '\0') {
    found = env;
  } else {
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
      found = std::filesystem::path(g.gl_pathv[g.gl_pathc - 1]).parent_path().string();
    }
    globfree(&g);
    if (found.empty()) {
      *why = absl::StrCat("PostgreSQL server binaries (initdb, pg_ctl under /usr/lib/postgresql/*/bin) not found; ",
                          kInstall, " (or point SUBSIDY_PG_BIN at their directory)");
      return "";
    }
  }
  for (const char* name : kNeeded) {
    if (access((found + "/" + name).c_str(), X_OK) != 0) {
      *why = absl::StrCat(found, "/", name, " is missing or not executable; ", kInstall);
      return "";
    }
  }
  return found;
}

int Run(const std::string& cmd) { return std::system(cmd.c_str()); }

std::unique_ptr<PostgresServer>* instance = nullptr;

}  // namespace

PostgresServer* PostgresServer::Get(std::string* why_not) {
  static std::once_flag once;
  static std::string reason;
  std::call_once(once, [] {
    const std::string bin = FindBinDir(&reason);
    if (bin.empty()) return;
    std::unique_ptr<PostgresServer> s(new PostgresServer());
    s->bin_dir_ = bin;
    std::string tmpl = (std::filesystem::temp_directory_path() / "subsidy-pg-XXXXXX").string();
    s->dir_ = mkdtemp(tmpl.data());
    s->port_ = FreePort();
    std::string prefix;
    if (geteuid() == 0) {
      // initdb refuses to run as root: the cluster belongs to the unprivileged postgres user.
      if (getpwnam("postgres") == nullptr) {
        reason = absl::StrCat("running as root and there is no postgres user to own the test cluster; ", kInstall,
                              " (the postgresql package creates that user)");
        return;
      }
      s->as_postgres_user_ = true;
      Run("chown postgres: " + s->dir_);
      prefix = "runuser -u postgres -- ";
    }
    const std::string data = s->dir_ + "/data";
    if (Run(absl::StrCat(prefix, bin, "/initdb -D ", data,
                         " -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >", s->dir_, "/initdb.log 2>&1")) != 0) {
      reason = "initdb failed; see " + s->dir_ + "/initdb.log";
      return;
    }
    if (Run(absl::StrCat(prefix, bin, "/pg_ctl -D ", data, " -o \"-p ", s->port_, " -k ", s->dir_,
                         " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" -l ", s->dir_,
                         "/server.log -w start >/dev/null")) != 0) {
      reason = "pg_ctl start failed; see " + s->dir_ + "/server.log";
      return;
    }
    instance = new std::unique_ptr<PostgresServer>(std::move(s));
    std::atexit([] { instance->reset(); });
  });
  if (instance == nullptr || !*instance) {
    if (why_not) *why_not = reason;
    return nullptr;
  }
  return instance->get();
}

std::string PostgresServer::NewDatabase() {
  const std::string name = absl::StrCat("t", getpid(), "_", databases_++);
  Run(absl::StrCat(bin_dir_, "/psql -q -h 127.0.0.1 -p ", port_, " -U postgres -d postgres -c 'CREATE DATABASE ", name,
                   "' >/dev/null"));
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", name);
}

std::string PostgresServer::StartStandby(const std::string& database_url, const std::string& apply_delay) {
  const std::string prefix = as_postgres_user_ ? "runuser -u postgres -- " : "";
  const std::string data = absl::StrCat(dir_, "/standby", standbys_.size());
  const int port = FreePort();
  // -c fast: a spread checkpoint would make the copy wait minutes. (Logs go where the postgres
  // user may write: the cluster's directory is its own. A standby may not have fewer connections
  // than its primary: 200, as above.)
  if (Run(absl::StrCat(prefix, bin_dir_, "/pg_basebackup -h 127.0.0.1 -p ", port_, " -U postgres -D ", data,
                       " -R -X stream -c fast >/dev/null 2>&1")) != 0) {
    return "";
  }
  standbys_.push_back(data);
  if (Run(absl::StrCat(prefix, bin_dir_, "/pg_ctl -D ", data, " -o \"-p ", port, " -k ", dir_,
                       " -c listen_addresses=127.0.0.1 -c max_connections=200 -c hot_standby=on -c recovery_min_apply_delay=",
                       apply_delay,
                       "\" -l ", data, "/standby.log -w start >/dev/null")) != 0) {
    return "";
  }
  const std::string from = absl::StrCat(":", port_, "/");
  const size_t at = database_url.find(from);
  if (at == std::string::npos) return "";
  return absl::StrCat(database_url.substr(0, at), ":", port, "/", database_url.substr(at + from.size()));
}

PostgresServer::~PostgresServer() {
  const std::string prefix = as_postgres_user_ ? "runuser -u postgres -- " : "";
  for (const auto& standby : standbys_) {
    Run(absl::StrCat(prefix, bin_dir_, "/pg_ctl -D ", standby, " -m immediate -w stop >/dev/null 2>&1"));
  }
  Run(absl::StrCat(prefix, bin_dir_, "/pg_ctl -D ", dir_, "/data -m immediate -w stop >/dev/null 2>&1"));
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace subsidy::testing
