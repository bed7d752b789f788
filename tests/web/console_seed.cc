// Seeds one running server with every scenario of tests/golden/fund_scenarios.textproto (the
// Changzhou, Xinjiang, Yichang and Fengtai funds, schools, payments and payouts), for the browser
// tests of the console. Request ids are prefixed by the scenario, so the scenarios share a ledger.
// Usage: console-seed --target=HOST:PORT --token=TOKEN
//        console-seed --write_loan_cases=FILE   (the loan golden cases as JSON, for the Connect
//                                                client test, which has no text-format parser)
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "golden_cases.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"

namespace {

std::string token;

std::unique_ptr<grpc::ClientContext> Call() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

// Sends every request of `items` with `rpc`, its request_id prefixed; false (and a line on
// stderr) at the first refusal.
template <class Items, class Rpc>
bool SendAll(const std::string& prefix, const Items& items, Rpc rpc) {
  for (auto request : items) {
    request.set_request_id(prefix + request.request_id());
    const grpc::Status s = rpc(request);
    if (!s.ok()) {
      std::cerr << request.ShortDebugString() << ": " << s.error_message() << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int WriteLoanCases(const std::string& path) {
  std::ifstream in(std::string(SUBSIDY_GOLDEN_DIR) + "/loan_cases.textproto");
  std::stringstream text;
  text << in.rdbuf();
  subsidy::test::LoanGoldenFile file;
  std::string json;
  if (!google::protobuf::TextFormat::ParseFromString(text.str(), &file) ||
      !google::protobuf::util::MessageToJsonString(file, &json).ok()) {
    std::cerr << "cannot read the loan golden cases\n";
    return 1;
  }
  std::ofstream(path) << json;
  return 0;
}

int main(int argc, char** argv) {
  std::string target;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--target=", 0) == 0) target = a.substr(9);
    if (a.rfind("--token=", 0) == 0) token = a.substr(8);
    if (a.rfind("--write_loan_cases=", 0) == 0) return WriteLoanCases(a.substr(19));
  }
  std::ifstream in(std::string(SUBSIDY_GOLDEN_DIR) + "/fund_scenarios.textproto");
  std::stringstream text;
  text << in.rdbuf();
  subsidy::test::FundScenarioFile file;
  if (target.empty() || !google::protobuf::TextFormat::ParseFromString(text.str(), &file)) {
    std::cerr << "usage: console-seed --target=HOST:PORT [--token=TOKEN]\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  auto funds = subsidy::v1::FundService::NewStub(channel);
  auto schools = subsidy::v1::EducationFundService::NewStub(channel);
  auto rewards = subsidy::v1::RewardPayoutService::NewStub(channel);
  for (const auto& sc : file.scenarios()) {
    const std::string p = sc.name() + "/";
    const bool ok =
        SendAll(p, sc.funds(), [&](const auto& r) { subsidy::v1::Fund o; return funds->CreateFund(Call().get(), r, &o); }) &&
        SendAll(p, sc.allocations(),
                [&](const auto& r) { subsidy::v1::FundAllocation o; return funds->AllocateFund(Call().get(), r, &o); }) &&
        SendAll(p, sc.school_allocations(),
                [&](const auto& r) { subsidy::v1::FundBalance o; return schools->AllocateFunds(Call().get(), r, &o); }) &&
        SendAll(p, sc.payments(),
                [&](const auto& r) { subsidy::v1::FundPayment o; return funds->RecordFundPayment(Call().get(), r, &o); }) &&
        SendAll(p, sc.expenditures(),
                [&](const auto& r) { subsidy::v1::Expenditure o; return schools->RecordExpenditure(Call().get(), r, &o); }) &&
        SendAll(p, sc.determinations(),
                [&](const auto& r) { subsidy::v1::Payout o; return rewards->SubmitDetermination(Call().get(), r, &o); }) &&
        SendAll(p, sc.disbursements(), [&](const auto& r) {
          subsidy::v1::RunDisbursementResponse o;
          return rewards->RunDisbursement(Call().get(), r, &o);
        });
    if (!ok) {
      std::cerr << "seeding " << sc.name() << " failed\n";
      return 1;
    }
  }
  std::cout << "seeded " << file.scenarios_size() << " scenarios\n";
  return 0;
}
