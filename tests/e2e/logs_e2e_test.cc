// SECURITY.md: logs carry no personal data. A determination and refused calls carrying a real
// USCC (in the request, in its request_id, in the error a refusal names) leave only the masked
// form in the server's log, while the API itself still answers with the USCC in full.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kUscc[] = "91350100M000100Y43";  // a valid USCC (GB 32100 check character 3)

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

TEST(LogsE2e, AUsccNeverReachesTheLogOnlyItsMaskedForm) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto rewards = v1::RewardPayoutService::NewStub((*server)->Channel());

  v1::SubmitDeterminationRequest r;
  r.set_request_id(std::string("sd-") + kUscc);
  r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
  r.set_enterprise_uscc(kUscc);
  r.set_enterprise_name("福州测试企业");
  r.set_determination_date("2024-05-06");
  v1::Payout payout;
  ASSERT_TRUE(rewards->SubmitDetermination(Call().get(), r, &payout).ok());
  EXPECT_EQ(payout.status(), v1::SCHEDULED);
  EXPECT_EQ(payout.enterprise_uscc(), kUscc);  // the caller is answered in full: only the log masks

  // Refused: the same request_id with another payload, and a policy id that is the USCC (the
  // refusal names it to the caller).
  v1::SubmitDeterminationRequest reused = r;
  reused.set_enterprise_name("另一家企业");
  const grpc::Status reuse = rewards->SubmitDetermination(Call().get(), reused, &payout);
  EXPECT_EQ(reuse.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonOf(reuse), "IDEMPOTENCY_KEY_REUSED");
  v1::SubmitDeterminationRequest unknown = r;
  unknown.set_request_id(std::string("DET") + kUscc);
  unknown.set_policy_id(kUscc);
  const grpc::Status refused = rewards->SubmitDetermination(Call().get(), unknown, &payout);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(refused.error_message(), HasSubstr(kUscc));

  // A read by the enterprise.
  v1::ListPayoutsRequest list;
  list.set_enterprise_uscc(kUscc);
  v1::ListPayoutsResponse payouts;
  ASSERT_TRUE(rewards->ListPayouts(Call().get(), list, &payouts).ok());
  ASSERT_EQ(payouts.payouts_size(), 1);
  EXPECT_EQ(payouts.payouts(0).enterprise_uscc(), kUscc);

  // Every call has its line (the lines are written in batches: stop the server to have them all).
  ASSERT_EQ((*server)->Stop(), 0);
  const std::string log = (*server)->Stderr();
  EXPECT_EQ(Count(log, "\"method\":\"subsidy.v1.RewardPayoutService/SubmitDetermination\""), 3u) << log;
  EXPECT_EQ(Count(log, "\"method\":\"subsidy.v1.RewardPayoutService/ListPayouts\""), 1u) << log;
  EXPECT_EQ(log.find(kUscc), std::string::npos) << log;
  EXPECT_THAT(log, HasSubstr("\"request_id\":\"sd-91350100********43\""));
  EXPECT_THAT(log, HasSubstr("\"request_id\":\"DET91350100********43\""));
  EXPECT_THAT(log, HasSubstr("no reward policy \\\"91350100********43\\\""));
}

// A refused call's log line names who was refused, not only where the call came from.
TEST(LogsE2e, ARefusedCallIsLoggedWithTheCallersName) {
  TempDir dir;
  const std::string config = dir.path() + "/callers.textproto";
  auto token = AddCaller(config, "school-ft001", "school", {"--schools=110106-FT001"});
  ASSERT_TRUE(token.ok()) << token.status();
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db", .extra_args = {"--auth_config=" + config}});
  ASSERT_TRUE(server.ok()) << server.status();
  v1::AllocateFundsRequest r;
  r.set_request_id("A2");
  r.set_school_id("110106-FT001");
  r.set_source(v1::MUNICIPAL);
  r.set_amount_fen(99'900'000'000);
  r.set_date("2026-02-01");
  v1::FundBalance out;
  auto ctx = CallAs(*token);
  EXPECT_EQ(v1::EducationFundService::NewStub((*server)->Channel())->AllocateFunds(ctx.get(), r, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_EQ((*server)->Stop(), 0);
  const std::string log = (*server)->Stderr();
  std::smatch line;
  ASSERT_TRUE(std::regex_search(log, line, std::regex("[^\n]*EducationFundService/AllocateFunds[^\n]*"))) << log;
  EXPECT_THAT(line.str(), HasSubstr("\"caller\":\"school-ft001\"")) << line.str();
  EXPECT_THAT(line.str(), HasSubstr("PERMISSION_DENIED")) << line.str();
}

}  // namespace
}  // namespace subsidy::testing
