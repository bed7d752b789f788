// Seeds one running server with every scenario of tests/golden/fund_scenarios.textproto (the
// Changzhou, Xinjiang, Yichang and Fengtai funds, schools, payments and payouts), for the browser
// tests of the console. Request ids are prefixed by the scenario, so the scenarios share a ledger.
// Then what dynamic monitoring raises today (预警处置): a fund dated before today, so that the
// alerts of the console's day are known whatever day it runs (MonitoringSeed).
// Usage: console-seed --target=HOST:PORT --token=TOKEN
//        console-seed --write_loan_cases=FILE   (the loan golden cases as JSON, for the Connect
//                                                client test, which has no text-format parser)
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
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

// The day `n` days before today in China Standard Time (the server's day), as YYYY-MM-DD.
std::string DaysBeforeToday(int n) {
  using namespace std::chrono;
  const year_month_day d{floor<days>(system_clock::now() + hours(8)) - days(n)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return text;
}

// 预警处置's data, dated from today: BJ-EDU-MONITOR (北京市 municipal education money, region 1101,
// which no district filter of the console test matches) budgeted 45 days ago with no 绩效目标, so
// that R-TARGETS-30 raises TARGETS_MISSING; 8,000,000.00 元 of it allocated 40 days ago to school
// 110106-FT001 (the school-1 caller's) and never paid, so that R-IDLE-30 raises IDLE_ALLOCATION
// addressed to that school. MUNICIPAL money comes after the school's central direct funds and its
// older FT-2021-MUNICIPAL allocation in spending order, so the school test's expenditure never
// touches it: the allocation stays idle.
bool MonitoringSeed(subsidy::v1::FundService::Stub& funds, subsidy::v1::EducationFundService::Stub& schools) {
  const std::string budget_date = DaysBeforeToday(45);
  subsidy::v1::CreateFundRequest fund;
  fund.set_request_id("monitoring/fund");
  fund.set_fund_id("BJ-EDU-MONITOR");
  fund.set_name("北京市义务教育补助资金");
  fund.set_budget_year(std::stoi(budget_date.substr(0, 4)));
  fund.set_level(subsidy::v1::Fund::MUNICIPAL);
  fund.set_purpose(subsidy::v1::Fund::EDUCATION);
  fund.set_region_code("1101");
  fund.set_budget_fen(5'000'000'000);  // 50,000,000.00 元
  fund.set_date(budget_date);
  subsidy::v1::AllocateFundsRequest allocation;
  allocation.set_request_id("monitoring/school");
  allocation.set_school_id("110106-FT001");
  allocation.set_source(subsidy::v1::MUNICIPAL);
  allocation.set_amount_fen(800'000'000);  // 8,000,000.00 元
  allocation.set_date(DaysBeforeToday(40));
  allocation.set_fund_id("BJ-EDU-MONITOR");
  subsidy::v1::Fund created;
  grpc::Status s = funds.CreateFund(Call().get(), fund, &created);
  subsidy::v1::FundBalance balance;
  if (s.ok()) s = schools.AllocateFunds(Call().get(), allocation, &balance);
  if (!s.ok()) std::cerr << "monitoring seed: " << s.error_message() << "\n";
  return s.ok();
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
  if (!MonitoringSeed(*funds, *schools)) return 1;
  std::cout << "seeded " << file.scenarios_size() << " scenarios and the monitoring fund\n";
  return 0;
}
