// Operations end to end: live policy-data reloads under load (RPC and SIGHUP), a broken data
// file refused while the old data keeps serving, the metrics endpoint scraped and parsed.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/sample_loans.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;

v1::LoanSubsidyRequest Loan() { return TestLoan(); }

void AppendTo(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

class DataDir {
 public:
  DataDir() { std::filesystem::copy(SUBSIDY_DATA_DIR, path()); }
  std::string path() const { return tmp_.path() + "/data"; }

 private:
  TempDir tmp_;
};

// Callers hammer CalculateLoanSubsidy while `change` runs; each caller must see no error and
// the data version switch exactly once, from `before` to `after`.
void ExpectOneSwitchPerCaller(ServerProcess& server, const std::function<void()>& change, std::string* before,
                              std::string* after) {
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::atomic<int>> calls(4);
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      auto stub = v1::LoanSubsidyService::NewStub(server.Channel());
      while (!stop) {
        v1::LoanSubsidyResult r;
        auto ctx = Call();
        if (!stub->CalculateLoanSubsidy(ctx.get(), Loan(), &r).ok()) {
          ++errors;
          continue;
        }
        if (seen[t].empty() || seen[t].back() != r.data_version()) seen[t].push_back(r.data_version());
        ++calls[t];
      }
    });
  }
  // Every caller has answers on the old data, then the data changes under them, and every caller
  // goes on until it has answers on the new data too.
  auto each_made = [&](int n) {
    return [&calls, n] {
      for (auto& c : calls) {
        if (c.load() < n) return false;
      }
      return true;
    };
  };
  ASSERT_TRUE(WaitUntil(each_made(20)));
  change();
  int after_change = 0;
  for (auto& c : calls) after_change = std::max(after_change, c.load());
  // A call that started after the swap sees the new version: wait until every caller made one.
  ASSERT_TRUE(WaitUntil(each_made(after_change + 20)));
  stop = true;
  for (auto& t : callers) t.join();
  EXPECT_EQ(errors.load(), 0);
  for (const auto& s : seen) {
    ASSERT_EQ(s.size(), 2u) << "each caller sees the old version, then the new one, once";
    *before = s[0];
    *after = s[1];
  }
  EXPECT_NE(*before, *after);
}

TEST(OpsE2e, ReloadUnderLoadByRpcAndSighupSwitchesVersionOncePerCaller) {
  DataDir data;
  TempDir db;
  auto server = ServerProcess::Start({.db = db.path() + "/x.db", .data_dir = data.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto admin = v1::AdminService::NewStub((*server)->Channel());
  std::string v0, v1_, v2;
  ExpectOneSwitchPerCaller(**server, [&] {
    AppendTo(data.path() + "/lpr_cn.textproto", "# edited by the test: a new content hash\n");
    v1::ReloadDataResponse resp;
    auto ctx = Call();
    ASSERT_TRUE(admin->ReloadData(ctx.get(), {}, &resp).ok());
    EXPECT_TRUE(resp.changed());
  }, &v0, &v1_);
  std::string again;
  ExpectOneSwitchPerCaller(**server, [&] {
    AppendTo(data.path() + "/lpr_cn.textproto", "# edited again, reloaded by SIGHUP\n");
    kill((*server)->pid(), SIGHUP);
    // The reload is asynchronous: the change is over when the server says the new version
    // (GetDataStatus), not after some time.
    std::string now_serving;
    const bool switched = WaitUntil([&] {
      v1::DataStatus status;
      if (!admin->GetDataStatus(Call().get(), {}, &status).ok()) return false;
      now_serving = status.data_version();
      return now_serving != v1_;
    });
    ASSERT_TRUE(switched) << "SIGHUP did not reload the data within 30 s: still " << now_serving << "\n"
                          << (*server)->Stderr();
  }, &again, &v2);
  EXPECT_EQ(again, v1_);
  v1::DataStatus status;
  auto ctx = Call();
  ASSERT_TRUE(admin->GetDataStatus(ctx.get(), {}, &status).ok());
  EXPECT_EQ(status.data_version(), v2);
  EXPECT_THAT((*server)->Stderr(), HasSubstr("\"event\":\"data_reload\""));
}

TEST(OpsE2e, ABrokenDataFileIsRefusedAndTheOldDataKeepsServing) {
  DataDir data;
  TempDir db;
  auto server = ServerProcess::Start({.db = db.path() + "/x.db", .data_dir = data.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto admin = v1::AdminService::NewStub((*server)->Channel());
  auto loans = v1::LoanSubsidyService::NewStub((*server)->Channel());
  v1::LoanSubsidyResult before;
  auto c1 = Call();
  ASSERT_TRUE(loans->CalculateLoanSubsidy(c1.get(), Loan(), &before).ok());

  // A make-up working day on a Tuesday: semantically wrong, syntactically fine.
  std::ifstream in(data.path() + "/calendar_cn.textproto");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::string from = "date: \"2024-10-12\" kind: MAKEUP_WORKDAY";
  text.replace(text.find(from), from.size(), "date: \"2024-10-08\" kind: MAKEUP_WORKDAY");
  std::ofstream(data.path() + "/calendar_cn.textproto", std::ios::trunc) << text;
  v1::ReloadDataResponse resp;
  auto c2 = Call();
  grpc::Status s = admin->ReloadData(c2.get(), {}, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(s), "DATA_INVALID");
  EXPECT_THAT(s.error_message(), HasSubstr("calendar_cn.textproto"));
  EXPECT_THAT(s.error_message(), HasSubstr("2024-10-08"));

  // Restored, and then a syntax error elsewhere: it names the line.
  text.replace(text.find("date: \"2024-10-08\" kind: MAKEUP_WORKDAY"), from.size(), from);
  std::ofstream(data.path() + "/calendar_cn.textproto", std::ios::trunc) << text;
  AppendTo(data.path() + "/education.textproto", "rates { row_id: \"X\" amount_fen: not-a-number }\n");
  auto c3 = Call();
  s = admin->ReloadData(c3.get(), {}, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), ::testing::ContainsRegex("education.textproto:[0-9]+:[0-9]+"));

  v1::LoanSubsidyResult after;
  auto c4 = Call();
  ASSERT_TRUE(loans->CalculateLoanSubsidy(c4.get(), Loan(), &after).ok());
  EXPECT_EQ(after.data_version(), before.data_version());
  EXPECT_EQ(after.total_interest_fen(), before.total_interest_fen());
}

std::string HttpGet(const std::string& host_port, const std::string& path) {
  const size_t colon = host_port.rfind(':');
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
  inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: " + host_port + "\r\n\r\n";
  (void)!write(fd, req.data(), req.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

// Parses the Prometheus text exposition format strictly; returns sample → value.
std::map<std::string, double> ParsePrometheus(const std::string& body, std::string* error) {
  std::map<std::string, double> out;
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*,?)?\})? ([-+]?([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?|[Ii]nf|[Nn]a[Nn]))( [0-9]+)?$)");
  static const std::regex kComment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]*( .*)?$)");
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (!std::regex_match(line, kComment)) *error = "bad comment: " + line;
      continue;
    }
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) {
      *error = "bad sample: " + line;
      continue;
    }
    out[line.substr(0, line.rfind(' '))] = std::stod(m[8].str());
  }
  return out;
}

// Where --metrics_listen=127.0.0.1:0 serves, as the server's start line says ("" if it does not).
std::string MetricsAddress(const ServerProcess& server) {
  std::smatch m;
  const std::string err = server.Stderr();
  return std::regex_search(err, m, std::regex("\"metrics\":\"([0-9.:]+)\"")) ? m[1].str() : "";
}

TEST(OpsE2e, MetricsEndpointIsScrapedAndParsed) {
  TempDir db;
  // The server's today is held at 2026-01-15, after the 2025 fund's year whatever day the test runs.
  auto server = ServerProcess::Start({.db = db.path() + "/x.db",
                                      .extra_args = {"--metrics_listen=127.0.0.1:0", "--metrics_refresh_seconds=1",
                                                     "--clock_for_tests=2026-01-15T10:00:00+08:00"}});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string metrics_addr = MetricsAddress(**server);
  ASSERT_FALSE(metrics_addr.empty()) << (*server)->Stderr();

  auto loans = v1::LoanSubsidyService::NewStub((*server)->Channel());
  for (int i = 0; i < 5; ++i) {
    v1::LoanSubsidyResult r;
    auto ctx = Call();
    ASSERT_TRUE(loans->CalculateLoanSubsidy(ctx.get(), Loan(), &r).ok());
  }
  v1::LoanSubsidyRequest bad = Loan();
  bad.set_principal_fen(-1);
  v1::LoanSubsidyResult r;
  auto bctx = Call();
  EXPECT_FALSE(loans->CalculateLoanSubsidy(bctx.get(), bad, &r).ok());
  auto edu = v1::EducationFundService::NewStub((*server)->Channel());
  v1::AllocateFundsRequest a;
  a.set_request_id("m-1");
  a.set_school_id("110106-M");
  a.set_source(v1::CENTRAL_DIRECT);
  a.set_amount_fen(12345);
  a.set_date("2024-03-01");
  v1::FundBalance bal;
  auto actx = Call();
  ASSERT_TRUE(edu->AllocateFunds(actx.get(), a, &bal).ok());
  // A fund of last year, half allocated (500 of 1000 分), nothing paid: 50 % allocated, 0 % executed,
  // its year 100 % gone; its execution lagging and its allocation idle.
  auto funds = v1::FundService::NewStub((*server)->Channel());
  const v1::CreateFundRequest create = NewFund("M-FUND", v1::Fund::DISTRICT, v1::Fund::OTHER, 1000, 2025);
  v1::Fund fund;
  ASSERT_TRUE(funds->CreateFund(Call().get(), create, &fund).ok());
  v1::AllocateFundRequest fa;
  fa.set_request_id("f-2");
  fa.set_fund_id("M-FUND");
  fa.set_recipient_kind(v1::FundAllocation::UNIT);
  fa.set_recipient_id("U1");
  fa.set_region_code("110106");
  fa.set_amount_fen(500);
  fa.set_date("2025-01-05");
  v1::FundAllocation allocation;
  ASSERT_TRUE(funds->AllocateFund(Call().get(), fa, &allocation).ok());
  // The ledger gauges and the fund gauges show the allocation at the next refresh (a refresh sets
  // them one after the other: wait for both).
  std::string response;
  ASSERT_TRUE(WaitUntil([&] {
    response = HttpGet(metrics_addr, "/metrics");
    return response.find("subsidy_school_ledger_fen{figure=\"allocated\"} 12345") != std::string::npos &&
           response.find("subsidy_fund_alerts{kind=\"IDLE_ALLOCATION\"} 1") != std::string::npos;
  }));
  ASSERT_THAT(response, HasSubstr("200 OK"));
  const std::string body = response.substr(response.find("\r\n\r\n") + 4);
  std::string error;
  const auto samples = ParsePrometheus(body, &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(samples.at("subsidy_rpcs_total{code=\"OK\",method=\"subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy\"}"), 5);
  EXPECT_EQ(samples.at("subsidy_rpcs_total{code=\"INVALID_ARGUMENT\",method=\"subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy\"}"), 1);
  EXPECT_EQ(samples.at("subsidy_rpc_latency_seconds_count{code=\"OK\",method=\"subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy\"}"), 5);
  EXPECT_EQ(samples.at("subsidy_school_ledger_fen{figure=\"allocated\"}"), 12345);
  EXPECT_EQ(samples.at("subsidy_fund_progress_percent{figure=\"allocation\",fund_id=\"M-FUND\"}"), 50);
  EXPECT_EQ(samples.at("subsidy_fund_progress_percent{figure=\"execution\",fund_id=\"M-FUND\"}"), 0);
  EXPECT_EQ(samples.at("subsidy_fund_progress_percent{figure=\"time\",fund_id=\"M-FUND\"}"), 100);
  EXPECT_EQ(samples.at("subsidy_fund_alerts{kind=\"EXECUTION_LAGGING\"}"), 1);
  EXPECT_EQ(samples.at("subsidy_fund_alerts{kind=\"IDLE_ALLOCATION\"}"), 1);
  EXPECT_EQ(samples.at("subsidy_fund_alerts{kind=\"TARGET_SHARE_MISSED\"}"), 0);
  EXPECT_EQ(samples.at("subsidy_reward_remaining_budget_fen{policy_id=\"YC-DIGITAL-TRANSFORM\"}"), 1e9);
  EXPECT_TRUE(samples.count("subsidy_policy_data_staleness{figure=\"lpr_age_days\"}"));
  bool has_version = false;
  for (const auto& [k, v] : samples) has_version |= k.rfind("subsidy_policy_data_info{", 0) == 0 && v == 1;
  EXPECT_TRUE(has_version);
  // One JSON line per RPC, with the request_id of mutations.
  EXPECT_THAT((*server)->Stderr(), HasSubstr("\"method\":\"subsidy.v1.EducationFundService/AllocateFunds\""));
  EXPECT_THAT((*server)->Stderr(), HasSubstr("\"request_id\":\"m-1\""));
}

// The budget a reward policy shows (ListRewardPolicies, the metric) is the one its determinations
// meet: this year's fund allocations to it when there are any, against this year's awards.
TEST(OpsE2e, ARewardPolicyShowsTheBudgetItsDeterminationsMeet) {
  TempDir db;
  auto server = ServerProcess::Start(
      {.db = db.path() + "/x.db",
       .extra_args = {"--metrics_listen=127.0.0.1:0", "--metrics_refresh_seconds=1",
                      "--clock_for_tests=2024-06-03T10:00:00+08:00"}});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string metrics_addr = MetricsAddress(**server);
  ASSERT_FALSE(metrics_addr.empty()) << (*server)->Stderr();
  auto rewards = v1::RewardPayoutService::NewStub((*server)->Channel());
  auto policy = [&](const std::string& id) {
    v1::ListRewardPoliciesResponse list;
    EXPECT_TRUE(rewards->ListRewardPolicies(Call().get(), {}, &list).ok());
    for (const auto& p : list.policies()) {
      if (p.policy_id() == id) return p;
    }
    ADD_FAILURE() << "no policy " << id;
    return v1::RewardPolicy();
  };
  auto submit = [&](const std::string& rid, int enterprise, const std::string& date) {
    v1::SubmitDeterminationRequest r;
    r.set_request_id(rid);
    r.set_policy_id("YC-ABOVE-SCALE-ENTRY");  // 20万 once ever
    r.set_enterprise_uscc(TestUscc(enterprise));
    r.set_enterprise_name("企业");
    r.set_determination_date(date);
    v1::Payout out;
    EXPECT_TRUE(rewards->SubmitDetermination(Call().get(), r, &out).ok()) << rid;
    return out;
  };
  // The gauge shows `wanted` by the next refresh or two.
  auto gauge_shows = [&](double wanted) {
    return WaitUntil([&] {
      const std::string response = HttpGet(metrics_addr, "/metrics");
      const size_t body = response.find("\r\n\r\n");
      if (body == std::string::npos) return false;
      std::string error;
      const auto samples = ParsePrometheus(response.substr(body + 4), &error);
      const auto it = samples.find("subsidy_reward_remaining_budget_fen{policy_id=\"YC-ABOVE-SCALE-ENTRY\"}");
      return error.empty() && it != samples.end() && it->second == wanted;
    });
  };
  // No fund: the data's budget (1亿), less last year's award.
  ASSERT_EQ(submit("d-2023", 1, "2023-11-01").status(), v1::SCHEDULED);
  EXPECT_EQ(policy("YC-ABOVE-SCALE-ENTRY").budget_fen(), 10'000'000'000);
  EXPECT_EQ(policy("YC-ABOVE-SCALE-ENTRY").remaining_budget_fen(), 10'000'000'000 - 20'000'000);
  EXPECT_TRUE(gauge_shows(9'980'000'000));

  // 40万 allocated for 2024: that is the policy's budget this year, and only 2024's awards count.
  auto funds = v1::FundService::NewStub((*server)->Channel());
  v1::Fund fund;
  ASSERT_TRUE(funds
                  ->CreateFund(Call().get(),
                               NewFund("YC-2024-R", v1::Fund::MUNICIPAL, v1::Fund::ENTERPRISE_REWARD, 100'000'000,
                                       2024, "4205"),
                               &fund)
                  .ok());
  v1::AllocateFundRequest fa;
  fa.set_request_id("fa-1");
  fa.set_fund_id("YC-2024-R");
  fa.set_recipient_kind(v1::FundAllocation::REWARD_POLICY);
  fa.set_recipient_id("YC-ABOVE-SCALE-ENTRY");
  fa.set_region_code("4205");
  fa.set_amount_fen(40'000'000);
  fa.set_date("2024-01-05");
  v1::FundAllocation allocation;
  ASSERT_TRUE(funds->AllocateFund(Call().get(), fa, &allocation).ok());
  ASSERT_EQ(submit("d-1", 2, "2024-05-06").status(), v1::SCHEDULED);
  v1::RewardPolicy shown = policy("YC-ABOVE-SCALE-ENTRY");
  EXPECT_EQ(shown.budget_fen(), 40'000'000);
  EXPECT_EQ(shown.remaining_budget_fen(), 20'000'000);
  EXPECT_TRUE(gauge_shows(20'000'000));
  // What is shown is what is enforced: one more award fits, the next does not.
  ASSERT_EQ(submit("d-2", 3, "2024-05-07").status(), v1::SCHEDULED);
  EXPECT_EQ(policy("YC-ABOVE-SCALE-ENTRY").remaining_budget_fen(), 0);
  const v1::Payout refused = submit("d-3", 4, "2024-05-08");
  EXPECT_EQ(refused.status(), v1::REJECTED);
  ASSERT_GE(refused.reasons_size(), 1);
  EXPECT_EQ(refused.reasons(0).code(), "BUDGET_EXHAUSTED");
  EXPECT_TRUE(gauge_shows(0));
  // A policy no fund allocated to keeps the data's budget.
  EXPECT_EQ(policy("YC-DIGITAL-TRANSFORM").budget_fen(), 1'000'000'000);
  EXPECT_EQ(policy("YC-DIGITAL-TRANSFORM").remaining_budget_fen(), 1'000'000'000);
}

}  // namespace
}  // namespace subsidy::testing
