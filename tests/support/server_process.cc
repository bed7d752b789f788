#include "support/server_process.h"

#include "subsidy/v1/common.pb.h"
#include "ids/ids.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace subsidy::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "subsidy-test-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(const Options& options) {
  int out_pipe[2];
  if (pipe(out_pipe) != 0) return absl::InternalError("pipe failed");
  auto proc = std::unique_ptr<ServerProcess>(new ServerProcess());
  proc->stderr_path_ = absl::StrCat(std::filesystem::temp_directory_path().string(), "/subsidy-server-",
                                    getpid(), "-", std::chrono::steady_clock::now().time_since_epoch().count(), ".err");
  std::vector<std::string> args = {SUBSIDY_SERVER_BIN, "--listen=127.0.0.1:0", "--db=" + options.db,
                                   "--data_dir=" + options.data_dir};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    const int err_fd = open(proc->stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  proc->pid_ = pid;
  // Read the first line: "listening on HOST:PORT".
  std::string line;
  char c;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = read(out_pipe[0], &c, 1);
    if (n <= 0) break;
    if (c == '\n') break;
    line.push_back(c);
  }
  close(out_pipe[0]);
  if (!absl::StartsWith(line, "listening on ")) {
    const std::string err = proc->Stderr();
    proc->Kill();
    return absl::InternalError(absl::StrCat("server did not start: \"", line, "\"; stderr: ", err));
  }
  proc->address_ = line.substr(13);
  return proc;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop();
  std::error_code ec;
  std::filesystem::remove(stderr_path_, ec);
}

std::shared_ptr<grpc::Channel> ServerProcess::Channel() const {
  return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  return Wait();
}

int ServerProcess::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::Stderr() const {
  std::ifstream in(stderr_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

v1::CreateFundRequest NewFund(const std::string& fund_id, v1::Fund::Level level, v1::Fund::Purpose purpose,
                              int64_t budget_fen, int year, const std::string& region_code) {
  v1::CreateFundRequest r;
  r.set_request_id("create-" + fund_id);
  r.set_fund_id(fund_id);
  r.set_name(fund_id);
  r.set_budget_year(year);
  r.set_level(level);
  r.set_purpose(purpose);
  r.set_region_code(region_code);
  r.set_budget_fen(budget_fen);
  r.set_date(absl::StrCat(year, "-01-02"));
  return r;
}

bool MakeTestCerts(const std::string& dir) {
  const std::string cmd =
      "cd " + dir + " && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca 2>/dev/null && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null && "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1' > san.ext && "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
      "-extfile san.ext 2>/dev/null && "
      "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=client 2>/dev/null && "
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}

std::string ReasonOf(const grpc::Status& s) {
  v1::RpcStatus details;
  if (!details.ParseFromString(s.error_details())) return "";
  for (const auto& any : details.details()) {
    v1::ErrorInfo info;
    if (any.type_url() == "type.googleapis.com/google.rpc.ErrorInfo" && info.ParseFromString(any.value())) {
      return info.reason();
    }
  }
  return "";
}

std::string TestUscc(int n) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%09d", n);
  const std::string code = std::string("91420500") + digits;
  return code + *UsccCheckCharacter(code);
}

CtlResult RunCtl(const std::vector<std::string>& args, const std::string& locale) {
  TempDir dir;
  const std::string out_path = dir.path() + "/out", err_path = dir.path() + "/err";
  std::string cmd = "env LC_ALL=" + locale + " LANG=" + locale + " LC_MESSAGES=" + locale + " " + SUBSIDYCTL_BIN;
  for (const auto& a : args) {
    std::string quoted = "'";
    for (char ch : a) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    cmd += " " + quoted + "'";
  }
  cmd += " >" + out_path + " 2>" + err_path + " </dev/null";
  const int rc = std::system(cmd.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(out_path), slurp(err_path)};
}

absl::StatusOr<std::string> AddCaller(const std::string& config, const std::string& name, const std::string& roles,
                                      const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"--json", "auth", "add-caller", "--config=" + config, "--name=" + name,
                                   "--roles=" + roles};
  args.insert(args.end(), extra.begin(), extra.end());
  const CtlResult r = RunCtl(args);
  if (r.exit_code != 0) {
    return absl::InternalError(absl::StrCat("subsidyctl auth add-caller ", name, " exited ", r.exit_code, ": ", r.err));
  }
  std::smatch m;
  if (!std::regex_search(r.out, m, std::regex("\"token\":\"([^\"]+)\""))) {
    return absl::InternalError(absl::StrCat("subsidyctl auth add-caller ", name, " printed no token: ", r.out));
  }
  return m[1].str();
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace subsidy::testing
