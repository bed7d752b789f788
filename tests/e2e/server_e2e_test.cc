// The real subsidy-server binary, started on a free port with a temporary database, called
// through real gRPC clients: health, reflection, subsidyctl, clean stop, a bad data file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "reflection_wire.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

TEST(ServerE2e, ServesHealthAndReflectionAndStopsCleanly) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();

  auto health = grpc::health::v1::Health::NewStub((*server)->Channel());
  for (const std::string service : {"", "subsidy.v1.LoanSubsidyService", "subsidy.v1.EducationFundService",
                                    "subsidy.v1.RewardPayoutService"}) {
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    auto ctx = Call();
    ASSERT_TRUE(health->Check(ctx.get(), req, &resp).ok()) << service;
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }

  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub((*server)->Channel());
  auto ctx = Call();
  auto stream = reflection->ServerReflectionInfo(ctx.get());
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("");
  ASSERT_TRUE(stream->Write(req));
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  ASSERT_TRUE(stream->Read(&resp));
  // Reflection also describes our services, so a generic client can call them.
  grpc::reflection::v1alpha::ServerReflectionRequest by_symbol;
  by_symbol.set_file_containing_symbol("subsidy.v1.RewardPayoutService");
  ASSERT_TRUE(stream->Write(by_symbol));
  grpc::reflection::v1alpha::ServerReflectionResponse described;
  ASSERT_TRUE(stream->Read(&described));
  EXPECT_FALSE(described.file_descriptor_response().file_descriptor_proto().empty());
  stream->WritesDone();
  std::vector<std::string> names;
  for (const auto& s : resp.list_services_response().service()) names.push_back(s.name());
  EXPECT_THAT(names, IsSupersetOf({"subsidy.v1.LoanSubsidyService", "subsidy.v1.EducationFundService",
                                   "subsidy.v1.RewardPayoutService", "grpc.health.v1.Health"}));
  (void)stream->Finish();

  auto ctl = RunCtl({"--server=" + (*server)->address(), "health"});
  EXPECT_EQ(ctl.exit_code, 0) << ctl.err;
  EXPECT_EQ(ctl.out, "SERVING\n");

  EXPECT_EQ((*server)->Stop(), 0);
  EXPECT_THAT((*server)->Stderr(), HasSubstr("stopped"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/ledger.db"));
}

// SIGTERM while a stream is in flight: from then on a new call is refused UNAVAILABLE (it would
// otherwise be accepted, and an HTTP one could commit with no answer sent); the stream admitted
// before goes on being answered until its client closes it; then the server exits 0. The stream's
// first answer is what tells the test that the server has it in hand (no timing guessed).
TEST(ServerE2e, AStoppingServerRefusesNewCallsAndFinishesTheOnesInFlight) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db", .extra_args = {"--shutdown_grace_seconds=60"}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto loans = v1::LoanSubsidyService::NewStub((*server)->Channel());
  auto stream_ctx = Call();
  auto stream = loans->StreamLoanSubsidies(stream_ctx.get());
  v1::LoanSubsidyResult answer;
  ASSERT_TRUE(stream->Write(TestLoan("S-1")));
  ASSERT_TRUE(stream->Read(&answer));
  EXPECT_EQ(answer.loan_id(), "S-1");

  kill((*server)->pid(), SIGTERM);
  ASSERT_TRUE(WaitUntil([&] { return (*server)->Stderr().find("\"event\":\"stopping\"") != std::string::npos; }))
      << "the server never said it was stopping: " << (*server)->Stderr();
  auto rewards = v1::RewardPayoutService::NewStub((*server)->Channel());
  v1::ListRewardPoliciesRequest list;
  v1::ListRewardPoliciesResponse policies;
  const grpc::Status late = rewards->ListRewardPolicies(Call().get(), list, &policies);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::UNAVAILABLE) << late.error_message();

  ASSERT_TRUE(stream->Write(TestLoan("S-2")));  // the stream admitted before is still served
  ASSERT_TRUE(stream->Read(&answer));
  EXPECT_EQ(answer.loan_id(), "S-2");
  stream->WritesDone();
  const grpc::Status done = stream->Finish();
  EXPECT_TRUE(done.ok()) << done.error_message();
  EXPECT_EQ((*server)->Wait(), 0);
  EXPECT_THAT((*server)->Stderr(), HasSubstr("\"how\":\"calls done\""));
}

TEST(ServerE2e, RestartsOnAnExistingDatabase) {
  TempDir dir;
  for (int i = 0; i < 2; ++i) {
    auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
    ASSERT_TRUE(server.ok()) << server.status();
    EXPECT_EQ((*server)->Stop(), 0);
  }
}

TEST(ServerE2e, RefusesAMalformedDataFileNamingFileAndLine) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::filesystem::copy(SUBSIDY_DATA_DIR, data);
  {
    std::ofstream f(data + "/lpr_cn.textproto", std::ios::app);
    f << "fixings { effective_date: \"2026-13-01\" lpr_1y_percent: \"3.0\" lpr_5y_percent: \"3.5\" status: \"C\" }\n";
  }
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db", .data_dir = data});
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("lpr_cn.textproto:"));
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("2026-13-01"));
}

TEST(ServerE2e, SubsidyctlReportsAnUnreachableServerInOneLine) {
  auto ctl = RunCtl({"--server=127.0.0.1:1", "--timeout=2", "health"});
  EXPECT_NE(ctl.exit_code, 0);
  EXPECT_THAT(ctl.err, HasSubstr("UNAVAILABLE"));
  EXPECT_EQ(std::count(ctl.err.begin(), ctl.err.end(), '\n'), 1);
}

// gRPC turns SO_REUSEPORT on by default; a second server on a port in use must not silently
// share it (calls would alternate between two databases): it exits non-zero naming the address.
TEST(ServerE2e, ASecondServerOnATakenPortExitsNamingTheAddress) {
  TempDir dir;
  auto first = ServerProcess::Start({.db = dir.path() + "/first.db"});
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string address = (*first)->address();
  const std::string log = dir.path() + "/second.log";
  const std::string cmd = std::string(SUBSIDY_SERVER_BIN) + " --listen=" + address + " --db=" + dir.path() +
                          "/second.db --data_dir=" + SUBSIDY_DATA_DIR + " >" + dir.path() + "/second.out 2>" + log;
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  std::ifstream in(log);
  const std::string err((std::istreambuf_iterator<char>(in)), {});
  EXPECT_THAT(err, HasSubstr("cannot listen on " + address + ": the address is already in use"));
  std::ifstream out(dir.path() + "/second.out");
  const std::string said((std::istreambuf_iterator<char>(out)), {});
  EXPECT_THAT(said, ::testing::Not(HasSubstr("listening on")));
  // Every line the server wrote is JSON, gRPC's own complaint included.
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) EXPECT_EQ(line.front(), '{') << line;
}

// Runs the server binary with `args` (it is expected to exit by itself); exit status and output.
struct ServerRun {
  int exit_code;
  std::string out, err;
};
ServerRun RunServer(const std::string& args, const TempDir& dir) {
  const std::string cmd = std::string(SUBSIDY_SERVER_BIN) + " " + args + " >" + dir.path() + "/run.out 2>" +
                          dir.path() + "/run.err";
  const int status = std::system(cmd.c_str());
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir.path() + "/run.out"), slurp(dir.path() + "/run.err")};
}

TEST(ServerE2e, HelpListsEveryFlagAndExitsZero) {
  TempDir dir;
  const ServerRun help = RunServer("--help", dir);
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--listen", "--db", "--data_dir", "--auth_config", "--tls_cert", "--metrics_listen",
                           "--max_stream_messages", "--shutdown_grace_seconds"}) {
    EXPECT_THAT(help.out, HasSubstr(flag));
  }
}

TEST(ServerE2e, ADatabaseInADirectoryThatDoesNotExistIsRefusedNotMade) {
  TempDir dir;
  const std::string missing = dir.path() + "/no/such/dir";
  const ServerRun run = RunServer("--listen=127.0.0.1:0 --db=" + missing + "/x.db --data_dir=" SUBSIDY_DATA_DIR, dir);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("the directory " + missing + " does not exist"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/no"));
}

}  // namespace
}  // namespace subsidy::testing
