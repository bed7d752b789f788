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

// SIGTERM while a claim upload is in flight: from then on a new call is refused UNAVAILABLE (it
// would otherwise be accepted, and an HTTP one could commit with no answer sent); the upload
// admitted before is finished and answered; the server exits 0 and the claim is there after a
// restart.
TEST(ServerE2e, AStoppingServerRefusesNewCallsAndFinishesTheOnesInFlight) {
  TempDir dir;
  const std::string db = dir.path() + "/ledger.db";
  // One call per caller: while the upload holds the slot, any other call is refused
  // RESOURCE_EXHAUSTED, which tells the test that the server has the upload in hand.
  auto server = ServerProcess::Start({.db = db, .extra_args = {"--shutdown_grace_seconds=60", "--max_calls_per_caller=1"}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto loans = v1::LoanSubsidyService::NewStub((*server)->Channel());
  auto upload_ctx = Call();
  v1::LoanSubsidyClaim claim;
  auto upload = loans->UploadLoanSubsidyClaim(upload_ctx.get(), &claim);
  v1::SubmitLoanSubsidyClaimRequest first;
  first.set_request_id("in-flight");
  first.set_bank_id("BANK-S");
  first.mutable_settlement_period()->set_start_date("2024-03-21");
  first.mutable_settlement_period()->set_end_date("2024-06-20");
  *first.add_loans() = TestLoan("S-1");
  ASSERT_TRUE(upload->Write(first));
  auto rewards = v1::RewardPayoutService::NewStub((*server)->Channel());
  v1::ListRewardPoliciesRequest list;
  v1::ListRewardPoliciesResponse policies;
  ASSERT_TRUE(WaitUntil([&] {
    return rewards->ListRewardPolicies(Call().get(), list, &policies).error_code() ==
           grpc::StatusCode::RESOURCE_EXHAUSTED;
  })) << "the upload never reached the server";

  kill((*server)->pid(), SIGTERM);
  auto health = grpc::health::v1::Health::NewStub((*server)->Channel());
  ASSERT_TRUE(WaitUntil([&] {
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    return health->Check(Call().get(), req, &resp).ok() &&
           resp.status() == grpc::health::v1::HealthCheckResponse::NOT_SERVING;
  })) << "the server never said it was stopping: " << (*server)->Stderr();
  const grpc::Status late = rewards->ListRewardPolicies(Call().get(), list, &policies);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::UNAVAILABLE) << late.error_message();

  v1::SubmitLoanSubsidyClaimRequest more;
  *more.add_loans() = TestLoan("S-2");
  ASSERT_TRUE(upload->Write(more));
  upload->WritesDone();
  const grpc::Status done = upload->Finish();
  ASSERT_TRUE(done.ok()) << done.error_message();
  EXPECT_EQ(claim.loan_count(), 2);
  EXPECT_EQ((*server)->Wait(), 0);
  EXPECT_THAT((*server)->Stderr(), HasSubstr("\"how\":\"calls done\""));

  auto again = ServerProcess::Start({.db = db});
  ASSERT_TRUE(again.ok()) << again.status();
  v1::GetLoanSubsidyClaimRequest get;
  get.set_claim_id(claim.claim_id());
  v1::LoanSubsidyClaim stored;
  ASSERT_TRUE(v1::LoanSubsidyService::NewStub((*again)->Channel())->GetLoanSubsidyClaim(Call().get(), get, &stored).ok());
  EXPECT_EQ(stored.loan_count(), 2);
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
