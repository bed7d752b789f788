// Security end to end: TLS and mutual TLS, callers and roles (every role against every RPC is
// tests/e2e/access_matrix_e2e_test.cc), tokens missing or wrong, a school outside its list, the
// caller in the audit trail, plaintext refused off loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "storage/sqlite/sqlite_db.h"
#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SecurityE2e, TlsAndMutualTls) {
  TempDir dir;
  ASSERT_TRUE(MakeTestCerts(dir.path()));
  const std::string d = dir.path();
  auto server = ServerProcess::Start({.db = d + "/x.db",
                                      .extra_args = {"--tls_cert=" + d + "/server.pem", "--tls_key=" + d + "/server.key"}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto ok = RunCtl({"--server=" + (*server)->address(), "--tls_ca=" + d + "/ca.pem", "health"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "SERVING\n");
  auto plain = RunCtl({"--server=" + (*server)->address(), "--timeout=3", "health"});
  EXPECT_NE(plain.exit_code, 0);

  auto mtls = ServerProcess::Start({.db = d + "/y.db",
                                    .extra_args = {"--tls_cert=" + d + "/server.pem", "--tls_key=" + d + "/server.key",
                                                   "--tls_client_ca=" + d + "/ca.pem"}});
  ASSERT_TRUE(mtls.ok()) << mtls.status();
  auto no_cert = RunCtl({"--server=" + (*mtls)->address(), "--timeout=3", "--tls_ca=" + d + "/ca.pem", "health"});
  EXPECT_NE(no_cert.exit_code, 0);
  auto with_cert = RunCtl({"--server=" + (*mtls)->address(), "--tls_ca=" + d + "/ca.pem", "--tls_cert=" + d + "/client.pem",
                           "--tls_key=" + d + "/client.key", "health"});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.err;
}

TEST(SecurityE2e, PlaintextOffLoopbackIsRefused) {
  TempDir dir;
  std::vector<std::string> args;
  auto server = ServerProcess::Start({.db = dir.path() + "/x.db", .extra_args = {"--listen=0.0.0.0:0"}});
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("refusing to serve plaintext"));
}

class RolesE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.path() + "/callers.textproto";
    for (const auto& [name, roles, schools] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"bank-1", "bank", ""},
             {"school-1", "school", "110106-S1"},
             {"portal-1", "portal", ""},
             {"finance-1", "finance", ""},
             {"admin-1", "admin", ""}}) {
      std::vector<std::string> extra;
      if (!schools.empty()) extra.push_back("--schools=" + schools);
      auto token = AddCaller(config_, name, roles, extra);
      ASSERT_TRUE(token.ok()) << token.status();
      tokens_[name] = *token;
    }
    // The config holds digests only, never a token.
    const std::string text = Slurp(config_);
    for (const auto& [name, token] : tokens_) EXPECT_EQ(text.find(token), std::string::npos);
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db", .extra_args = {"--auth_config=" + config_}});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }

  // Calls `method` as `caller` ("" = no token, "?" = a wrong token) and returns the status code.
  grpc::StatusCode CallAs(const std::string& caller, const std::string& method, const std::string& school = "110106-S1") {
    const std::string token = caller == "?" ? "not-a-real-token" : caller.empty() ? "" : tokens_.at(caller);
    const auto context = subsidy::testing::CallAs(token);
    grpc::ClientContext& ctx = *context;
    auto ch = server_->Channel();
    grpc::Status s;
    if (method == "CalculateLoanSubsidy") {
      v1::LoanSubsidyRequest r;
      v1::LoanSubsidyResult out;
      s = v1::LoanSubsidyService::NewStub(ch)->CalculateLoanSubsidy(&ctx, r, &out);
    } else if (method == "AllocateFunds") {
      v1::AllocateFundsRequest r;
      r.set_request_id("a-" + caller + "-" + school + std::to_string(++n_));
      r.set_school_id(school);
      r.set_source(v1::CENTRAL_DIRECT);
      r.set_amount_fen(100);
      r.set_date("2024-03-01");
      v1::FundBalance out;
      s = v1::EducationFundService::NewStub(ch)->AllocateFunds(&ctx, r, &out);
    } else if (method == "GetSpendingProgress") {
      v1::GetSpendingProgressRequest r;
      r.set_school_id(school);
      v1::SpendingProgress out;
      s = v1::EducationFundService::NewStub(ch)->GetSpendingProgress(&ctx, r, &out);
    } else if (method == "SubmitDetermination") {
      v1::SubmitDeterminationRequest r;
      r.set_request_id("d-" + caller + std::to_string(++n_));
      r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
      r.set_enterprise_uscc("914403001922038216");
      r.set_determination_date("2024-06-03");
      v1::Payout out;
      s = v1::RewardPayoutService::NewStub(ch)->SubmitDetermination(&ctx, r, &out);
    } else if (method == "RunDisbursement") {
      v1::RunDisbursementRequest r;
      r.set_request_id("r-" + caller + std::to_string(++n_));
      r.set_payment_date("2024-06-12");
      v1::RunDisbursementResponse out;
      s = v1::RewardPayoutService::NewStub(ch)->RunDisbursement(&ctx, r, &out);
    } else if (method == "ReloadData") {
      v1::ReloadDataResponse out;
      s = v1::AdminService::NewStub(ch)->ReloadData(&ctx, {}, &out);
    } else {
      ADD_FAILURE() << "no call for " << method;
    }
    return s.error_code();
  }

  TempDir dir_;
  std::string config_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ServerProcess> server_;
  int n_ = 0;
};

TEST_F(RolesE2e, UnknownOrMissingTokensAreUnauthenticated) {
  for (const std::string method : {"CalculateLoanSubsidy", "AllocateFunds", "RunDisbursement", "ReloadData"}) {
    EXPECT_EQ(CallAs("", method), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_EQ(CallAs("?", method), grpc::StatusCode::UNAUTHENTICATED) << method;
  }
}

// A second entry for the same officer under a look-alike name would defeat the second pair of
// eyes: names are unique in their canonical form, and an invisible character is refused.
TEST_F(RolesE2e, LookAlikeCallerNamesAreRefused) {
  for (const std::string name : {"FINANCE-1", "finance-1 ", "\xEF\xBD\x86inance-1" /* ｆinance-1 */}) {
    auto r = RunCtl({"auth", "add-caller", "--config=" + config_, "--name=" + name, "--roles=finance"});
    EXPECT_NE(r.exit_code, 0) << name;
    EXPECT_THAT(r.err + r.out, HasSubstr("already exists")) << name;
  }
  auto invisible = RunCtl({"auth", "add-caller", "--config=" + config_, "--name=finance\xE2\x80\x8B-1", "--roles=finance"});
  EXPECT_EQ(invisible.exit_code, 2);
  EXPECT_THAT(invisible.err, HasSubstr("invisible"));
  // A config written by hand with such a pair does not load.
  std::ofstream(config_, std::ios::app) << "callers { name: \"FINANCE-1\" roles: \"finance\" token_sha256: \""
                                        << std::string(64, 'a') << "\" }\n";
  auto again = ServerProcess::Start({.db = dir_.path() + "/other.db", .extra_args = {"--auth_config=" + config_}});
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("unique"));
}

TEST_F(RolesE2e, ASchoolCannotCreditItself) {
  // The hole this closes: a school caller put money into its own ledger, with or without a fund.
  EXPECT_EQ(CallAs("school-1", "AllocateFunds", "110106-S1"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CallAs("finance-1", "AllocateFunds", "110106-S1"), grpc::StatusCode::OK);
}

TEST_F(RolesE2e, ASchoolOnlyTouchesItsOwnSchools) {
  EXPECT_EQ(CallAs("school-1", "AllocateFunds", "110106-S2"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CallAs("school-1", "GetSpendingProgress", "110106-S2"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(CallAs("finance-1", "GetSpendingProgress", "110106-S1"), grpc::StatusCode::PERMISSION_DENIED);
  // Finance may read any school; one with no ledger is NOT_FOUND, not zeros and not refused.
  EXPECT_EQ(CallAs("finance-1", "GetSpendingProgress", "110106-S2"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CallAs("bank-1", "GetSpendingProgress", "110106-S1"), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RolesE2e, TheAuditTrailRecordsTheCaller) {
  ASSERT_EQ(CallAs("finance-1", "AllocateFunds", "110106-S1"), grpc::StatusCode::OK);
  ASSERT_EQ(CallAs("portal-1", "SubmitDetermination"), grpc::StatusCode::OK);
  ASSERT_EQ(server_->Stop(), 0);
  auto db = storage::SqliteDb::Open(dir_.path() + "/ledger.db");
  ASSERT_TRUE(db.ok());
  auto q = (*db)->Prepare("SELECT method, caller FROM audit_log ORDER BY id");
  ASSERT_TRUE(q.ok());
  std::map<std::string, std::string> seen;
  while (*q->Step()) seen[q->Text(0)] = q->Text(1);
  EXPECT_EQ(seen["AllocateFunds"], "finance-1");  // held for a second officer: the maker's line
  EXPECT_EQ(seen["SubmitDetermination"], "portal-1");
}

}  // namespace
}  // namespace subsidy::testing
