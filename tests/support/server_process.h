// Starts the real subsidy-server binary on a free port with a temporary database, for
// end-to-end tests; stops it with SIGTERM (or SIGKILL for crash tests).
#pragma once

#include <grpcpp/grpcpp.h>

#include "subsidy/v1/fund.pb.h"
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace subsidy::testing {

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ServerProcess {
 public:
  struct Options {
    std::string db;        // required: a SQLite path (or a postgresql:// URL)
    std::string data_dir = SUBSIDY_DATA_DIR;
    std::vector<std::string> extra_args;
  };
  // Starts the server and waits for its "listening on" line.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(const Options& options);
  ~ServerProcess();  // SIGTERM and wait, if still running

  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  // Waits for the server to exit by itself (after a signal the test sent); the exit code as Stop's.
  int Wait();
  std::shared_ptr<grpc::Channel> Channel() const;
  // SIGTERM, then wait: the exit status (0 on a clean stop).
  int Stop();
  // SIGKILL, then wait.
  void Kill();
  // Everything the server wrote to stderr so far.
  std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  std::string address_;
  std::string stderr_path_;
};

// Waits until `condition` holds (checked every millisecond), at most `limit`: true when it
// held. Tests wait for the thing itself, never for a fixed time.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit = std::chrono::seconds(30));

// A CreateFundRequest (request_id "create-" + fund_id) for a fund of `year` dated its 2 January
// (a budget year's first working day is no later), in region 110106 unless said otherwise.
v1::CreateFundRequest NewFund(const std::string& fund_id, v1::Fund::Level level, v1::Fund::Purpose purpose,
                              int64_t budget_fen, int year, const std::string& region_code = "110106");

// A CA (ca.pem), a server certificate for 127.0.0.1/localhost (server.pem, server.key) and a
// client certificate (client.pem, client.key) in `dir`, by openssl(1); false if it failed.
bool MakeTestCerts(const std::string& dir);

// The ErrorInfo reason in a failed call's status details ("" when there is none).
std::string ReasonOf(const grpc::Status& status);

// A valid USCC (GB 32100 check character computed) for test enterprise number n.
std::string TestUscc(int n);

// Runs subsidyctl with `args`; returns exit code and stdout.
struct CtlResult {
  int exit_code;
  std::string out;
  std::string err;
};
// subsidyctl with `args`, in the locale `locale` (its messages are Chinese under zh_CN, English
// otherwise): tests pin it, so that they read the same whatever the machine's LANG.
CtlResult RunCtl(const std::vector<std::string>& args, const std::string& locale = "C.UTF-8");

// Adds a caller to the --auth_config file `config` (subsidyctl --json auth add-caller), with
// `extra` flags such as "--schools=110106-S1" or "--banks=BANK-A": the caller's token, or why not.
absl::StatusOr<std::string> AddCaller(const std::string& config, const std::string& name, const std::string& roles,
                                      const std::vector<std::string>& extra = {});

}  // namespace subsidy::testing
