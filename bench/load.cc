// subsidy-load: drives one RPC workload at a given concurrency for a given time or count and
// prints throughput, latency percentiles (p50/p90/p99/p99.9) and the error count.
//
//   subsidy-load --server=127.0.0.1:50051 --workload=loan --concurrency=8 --seconds=5
//   subsidy-load --server=127.0.0.1:50052 --workload=echo --concurrency=8 --seconds=5   (the floor)
//
// Workloads: echo, echo-stream (against echo-server); loan, loan-stream, loan-batch,
// loan-policy, split, allocate, spend, progress, entitlement, submit, list, disburse.
// Unary workloads run `concurrency` closed-loop callers; stream workloads `concurrency` streams.
// claim-upload: one claim of --count loans (default 100,000) in messages of --batch, then its lines' first page.
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "echo.grpc.pb.h"
#include "ids/ids.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "server address");
ABSL_FLAG(std::string, workload, "loan", "which RPC to drive (see the file comment)");
ABSL_FLAG(int, concurrency, 4, "closed-loop callers (unary) or streams");
ABSL_FLAG(double, seconds, 5, "how long to run (ignored when --count is set)");
ABSL_FLAG(long, count, 0, "how many operations in total (0: run for --seconds)");
ABSL_FLAG(int, batch, 500, "loans per message for loan-batch");
ABSL_FLAG(bool, funded, false,
          "spend and submit: the school's money (the policy's budget) comes from a FundService fund, so every "
          "expenditure also posts a fund payment and every determination reads the fund's allocations");
ABSL_FLAG(int, rate, 0, "target operations per second in total (0: as fast as possible)");
ABSL_FLAG(bool, json, false, "print one JSON object instead of a line for humans");
ABSL_FLAG(std::string, run_id, "", "prefix for request ids (default: a timestamp)");
ABSL_FLAG(std::string, write_json, "",
          "write the workload's request (loan) in protobuf's JSON mapping to this file and exit (for h2load --h1 -d)");
ABSL_FLAG(std::string, write_frame, "",
          "write the workload's request (echo or loan) as one gRPC-framed body to this file and exit (for h2load -d)");

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = subsidy::v1;

v1::LoanSubsidyRequest Loan(long i) {
  v1::LoanSubsidyRequest r;
  r.set_loan_id(absl::StrCat("L", i));
  r.set_province("41");
  r.set_region_tier(v1::CENTRAL_WEST);
  r.set_program(v1::ENTREPRENEUR_INDIVIDUAL);
  r.set_principal_fen(30'000'000);
  r.set_contract_date("2024-01-10");
  r.set_disbursement_date("2024-01-10");
  r.set_maturity_date("2027-01-10");
  r.set_annual_rate_percent("4.35");
  auto* a = r.add_repayments();
  a->set_date("2024-04-15");
  a->set_principal_fen(5'000'000);
  auto* b = r.add_repayments();
  b->set_date("2024-05-20");
  b->set_principal_fen(5'000'000);
  r.mutable_claim_period()->set_start_date("2024-03-21");
  r.mutable_claim_period()->set_end_date("2024-06-20");
  return r;
}

std::string Uscc(long n) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%09ld", n % 1000000000);
  const std::string code = std::string("91420500") + digits;
  return code + *subsidy::UsccCheckCharacter(code);
}

struct Shared {
  std::atomic<long> next{0};
  std::atomic<long> ops{0}, items{0}, errors{0};
  Clock::time_point deadline;
  long count = 0;
  bool Continue(long* i) {
    *i = next++;
    if (count > 0) return *i < count;
    return Clock::now() < deadline;
  }
};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return c;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}


// One claim of `count` loans uploaded in messages of `batch`, timed from the first message to the
// stored claim (client, server, engine and durable commit together); then the first page of its
// lines, asked 21 times (the claim is the biggest there is: keyset paging must not care).
int ClaimUpload(const std::shared_ptr<grpc::Channel>& channel, const std::string& run, long count, int batch,
                bool json) {
  auto stub = v1::LoanSubsidyService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
  v1::LoanSubsidyClaim claim;
  const auto t0 = Clock::now();
  auto writer = stub->UploadLoanSubsidyClaim(&ctx, &claim);
  v1::SubmitLoanSubsidyClaimRequest message;
  message.set_request_id("claim-" + run);
  message.set_bank_id("BANK-LOAD");
  message.mutable_settlement_period()->set_start_date("2024-03-21");
  message.mutable_settlement_period()->set_end_date("2024-06-20");
  message.set_loan_count(count);
  for (long i = 0; i < count; ++i) {
    auto* loan = message.add_loans();
    *loan = Loan(i);
    loan->set_loan_id(absl::StrCat(run, "-", i));
    if (message.loans_size() == batch || i + 1 == count) {
      if (!writer->Write(message)) break;
      message.Clear();
    }
  }
  writer->WritesDone();
  const grpc::Status s = writer->Finish();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!s.ok() || claim.accepted_count() != count) {
    std::fprintf(stderr, "upload failed: %d %s (accepted %ld of %ld)\n", static_cast<int>(s.error_code()),
                 s.error_message().c_str(), static_cast<long>(claim.accepted_count()), count);
    return 1;
  }
  auto first_page_ms = [&](int page_size) {
    std::vector<double> ms;
    for (int k = 0; k < 21; ++k) {
      v1::ListLoanSubsidyClaimLinesRequest req;
      req.set_claim_id(claim.claim_id());
      req.set_page_size(page_size);
      v1::ListLoanSubsidyClaimLinesResponse resp;
      const auto p0 = Clock::now();
      auto c = Ctx();
      if (!stub->ListLoanSubsidyClaimLines(c.get(), req, &resp).ok() || resp.lines_size() != page_size) return -1.0;
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - p0).count());
    }
    return Percentile(ms, 50);
  };
  const double page50 = first_page_ms(50), page1000 = first_page_ms(1000);
  if (json) {
    std::printf("{\"workload\":\"claim-upload\",\"loans\":%ld,\"seconds\":%.3f,\"items_per_s\":%.1f,"
                "\"first_page_50_ms\":%.2f,\"first_page_1000_ms\":%.2f,\"claim_id\":\"%s\"}\n",
                count, secs, count / secs, page50, page1000, claim.claim_id().c_str());
  } else {
    std::printf("claim-upload %ld loans in %.2fs: %.0f loans/s; first page of lines: %.2f ms (50), %.2f ms (1000)\n",
                count, secs, count / secs, page50, page1000);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string workload = absl::GetFlag(FLAGS_workload);
  if (!absl::GetFlag(FLAGS_write_json).empty()) {
    std::string json;
    if (workload != "loan" || !google::protobuf::util::MessageToJsonString(Loan(1), &json).ok()) {
      std::fprintf(stderr, "--write_json takes --workload=loan\n");
      return 2;
    }
    std::ofstream(absl::GetFlag(FLAGS_write_json), std::ios::binary) << json;
    return 0;
  }
  if (!absl::GetFlag(FLAGS_write_frame).empty()) {
    // A gRPC message on the wire: a zero compression flag, the length (4 bytes, big-endian), the bytes.
    std::string message;
    if (workload == "echo") {
      subsidy::bench::EchoMessage m;
      m.set_payload(std::string(180, 'x'));
      message = m.SerializeAsString();
    } else if (workload == "loan") {
      message = Loan(1).SerializeAsString();
    } else {
      std::fprintf(stderr, "--write_frame takes --workload=echo or loan\n");
      return 2;
    }
    const uint32_t n = static_cast<uint32_t>(message.size());
    const char prefix[5] = {0, static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                            static_cast<char>(n)};
    std::ofstream(absl::GetFlag(FLAGS_write_frame), std::ios::binary) << std::string(prefix, 5) << message;
    return 0;
  }
  const int conc = std::max(1, absl::GetFlag(FLAGS_concurrency));
  const int batch = std::max(1, absl::GetFlag(FLAGS_batch));
  const int rate = absl::GetFlag(FLAGS_rate);
  std::string run = absl::GetFlag(FLAGS_run_id);
  if (run.empty()) run = absl::StrCat(std::chrono::system_clock::now().time_since_epoch().count());
  Shared shared;
  shared.count = absl::GetFlag(FLAGS_count);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < conc; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("subsidy.load.channel", i);  // a connection per caller, like independent clients
    args.SetMaxReceiveMessageSize(64 << 20);
    channels.push_back(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(), args));
  }
  // Connections are made before the clock starts.
  for (auto& ch : channels) {
    if (!ch->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::fprintf(stderr, "cannot connect to %s\n", absl::GetFlag(FLAGS_server).c_str());
      return 1;
    }
  }
  if (workload == "claim-upload") {
    return ClaimUpload(channels[0], run, shared.count > 0 ? shared.count : 100'000, batch, absl::GetFlag(FLAGS_json));
  }
  // Workloads that need state set it up first (untimed).
  const std::string school = "110106-LOAD-" + run;
  const bool funded = absl::GetFlag(FLAGS_funded);
  auto create_fund = [&](const std::string& id, v1::Fund::Level level, v1::Fund::Purpose purpose) -> bool {
    v1::CreateFundRequest f;
    f.set_request_id(id + "-create");
    f.set_fund_id(id);
    f.set_name("load");
    f.set_budget_year(2024);
    f.set_level(level);
    f.set_purpose(purpose);
    f.set_region_code("110106");
    f.set_budget_fen(900'000'000'000'000);
    f.set_date("2024-01-02");
    v1::Fund out;
    auto ctx = Ctx();
    auto st = v1::FundService::NewStub(channels[0])->CreateFund(ctx.get(), f, &out);
    if (!st.ok()) std::fprintf(stderr, "setup fund failed: %s\n", st.error_message().c_str());
    return st.ok();
  };
  if (funded && workload == "submit") {
    const std::string fund = "LOAD-REWARD-" + run;
    if (!create_fund(fund, v1::Fund::MUNICIPAL, v1::Fund::ENTERPRISE_REWARD)) return 1;
    v1::AllocateFundRequest a;
    a.set_request_id(fund + "-alloc");
    a.set_fund_id(fund);
    a.set_recipient_kind(v1::FundAllocation::REWARD_POLICY);
    a.set_recipient_id("YC-ABOVE-SCALE-ENTRY");
    a.set_region_code("4205");
    a.set_amount_fen(900'000'000'000'000);
    a.set_date("2024-01-02");
    v1::FundAllocation out;
    auto ctx = Ctx();
    if (auto st = v1::FundService::NewStub(channels[0])->AllocateFund(ctx.get(), a, &out); !st.ok()) {
      std::fprintf(stderr, "setup fund allocation failed: %s\n", st.error_message().c_str());
      return 1;
    }
  }
  if (workload == "spend" || workload == "progress") {
    auto stub = v1::EducationFundService::NewStub(channels[0]);
    v1::AllocateFundsRequest r;
    if (funded) {
      r.set_fund_id("LOAD-EDU-" + run);
      if (!create_fund(r.fund_id(), v1::Fund::CENTRAL_DIRECT, v1::Fund::EDUCATION)) return 1;
    }
    r.set_request_id(school + "-setup");
    r.set_school_id(school);
    r.set_source(v1::CENTRAL_DIRECT);
    r.set_amount_fen(900'000'000'000'000);
    r.set_date("2024-01-02");
    v1::FundBalance out;
    auto ctx = Ctx();
    if (auto st = stub->AllocateFunds(ctx.get(), r, &out); !st.ok()) {
      std::fprintf(stderr, "setup allocation failed: %s\n", st.error_message().c_str());
      return 1;
    }
  }
  // One unary operation of the workload; returns false on error.
  auto unary = [&](int t, long i) -> grpc::Status {
    auto ctx = Ctx();
    if (workload == "echo") {
      subsidy::bench::EchoMessage m, out;
      m.set_payload(std::string(180, 'x'));
      return subsidy::bench::Echo::NewStub(channels[t])->UnaryEcho(ctx.get(), m, &out);
    }
    if (workload == "loan") {
      v1::LoanSubsidyResult out;
      return v1::LoanSubsidyService::NewStub(channels[t])->CalculateLoanSubsidy(ctx.get(), Loan(i), &out);
    }
    if (workload == "loan-policy") {
      v1::GetLoanPolicyRequest r;
      r.set_province("51");
      r.set_program(v1::ENTREPRENEUR_INDIVIDUAL);
      r.set_date("2025-06-01");
      r.set_region_tier(v1::CENTRAL_WEST);
      v1::LoanPolicy out;
      return v1::LoanSubsidyService::NewStub(channels[t])->GetLoanPolicy(ctx.get(), r, &out);
    }
    if (workload == "split") {
      v1::SplitGrantRequest r;
      r.set_total_fen(400'000'000 + i);
      for (int k = 1; k <= 3; ++k) {
        auto* s = r.add_shares();
        s->set_source(static_cast<v1::FundSource>(k));
        s->set_weight(k);
      }
      v1::SplitGrantResponse out;
      return v1::EducationFundService::NewStub(channels[t])->SplitGrant(ctx.get(), r, &out);
    }
    if (workload == "allocate") {
      v1::AllocateFundsRequest r;
      r.set_request_id(absl::StrCat(run, "-alloc-", i));
      r.set_school_id(absl::StrCat("110106-LOAD-", i % 100));
      r.set_source(static_cast<v1::FundSource>(1 + i % 3));
      r.set_amount_fen(100 + i);
      r.set_date("2024-03-01");
      v1::FundBalance out;
      return v1::EducationFundService::NewStub(channels[t])->AllocateFunds(ctx.get(), r, &out);
    }
    if (workload == "spend") {
      v1::RecordExpenditureRequest r;
      r.set_request_id(absl::StrCat(run, "-spend-", i));
      r.set_school_id(school);
      r.set_category("TEACHING");
      r.set_amount_fen(1 + i % 1000);
      r.set_date("2024-03-01");
      v1::Expenditure out;
      return v1::EducationFundService::NewStub(channels[t])->RecordExpenditure(ctx.get(), r, &out);
    }
    if (workload == "progress") {
      v1::GetSpendingProgressRequest r;
      r.set_school_id(school);
      v1::SpendingProgress out;
      return v1::EducationFundService::NewStub(channels[t])->GetSpendingProgress(ctx.get(), r, &out);
    }
    if (workload == "entitlement") {
      v1::EducationEntitlementRequest r;
      r.set_province("41");
      r.set_school_year("2024");
      r.set_primary_pupils(600);
      r.set_junior_pupils(400);
      r.set_boarding_primary_pupils(100);
      r.set_difficulty_boarding_primary(20);
      v1::EducationEntitlement out;
      return v1::EducationFundService::NewStub(channels[t])->ComputeEducationEntitlement(ctx.get(), r, &out);
    }
    if (workload == "submit") {
      v1::SubmitDeterminationRequest r;
      r.set_request_id(absl::StrCat(run, "-det-", i));
      r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
      r.set_enterprise_uscc(Uscc(i));
      r.set_enterprise_name("load");
      r.set_determination_date("2024-06-03");
      v1::Payout out;
      return v1::RewardPayoutService::NewStub(channels[t])->SubmitDetermination(ctx.get(), r, &out);
    }
    if (workload == "report") {
      // As of a different day of 2024 each time: every answer is a fresh sum, nothing cached.
      v1::GetExecutionReportRequest r;
      const int day = static_cast<int>(i * 37 % 366);
      r.set_as_of(absl::StrFormat("2024-%02d-%02d", 1 + day / 31 % 12, 1 + day % 28));
      v1::ExecutionReport out;
      return v1::FundService::NewStub(channels[t])->GetExecutionReport(ctx.get(), r, &out);
    }
    if (workload == "list") {
      v1::ListPayoutsRequest r;
      r.set_page_size(50);
      v1::ListPayoutsResponse out;
      return v1::RewardPayoutService::NewStub(channels[t])->ListPayouts(ctx.get(), r, &out);
    }
    if (workload == "disburse") {
      v1::RunDisbursementRequest r;
      r.set_request_id(absl::StrCat(run, "-run-", i));
      r.set_payment_date("2024-06-12");
      v1::RunDisbursementResponse out;
      return v1::RewardPayoutService::NewStub(channels[t])->RunDisbursement(ctx.get(), r, &out);
    }
    std::fprintf(stderr, "unknown workload %s\n", workload.c_str());
    std::exit(2);
  };

  const bool streaming = workload == "echo-stream" || workload == "loan-stream" || workload == "loan-batch";
  std::vector<std::vector<double>> latencies(static_cast<size_t>(conc));
  const auto start = Clock::now();
  shared.deadline = start + std::chrono::microseconds(static_cast<long>(absl::GetFlag(FLAGS_seconds) * 1e6));
  std::vector<std::thread> threads;
  for (int t = 0; t < conc; ++t) {
    threads.emplace_back([&, t] {
      auto& lat = latencies[static_cast<size_t>(t)];
      if (!streaming) {
        long i;
        const auto period = rate > 0 ? std::chrono::nanoseconds(static_cast<long>(1e9 * conc / rate))
                                     : std::chrono::nanoseconds(0);
        auto next_at = Clock::now();
        while (shared.Continue(&i)) {
          if (rate > 0) {
            std::this_thread::sleep_until(next_at);
            next_at += period;
          }
          const auto t0 = Clock::now();
          const grpc::Status st = unary(t, i);
          lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
          ++shared.ops;
          ++shared.items;
          if (!st.ok() && shared.errors++ < 3) {
            std::fprintf(stderr, "error %d: %s\n", static_cast<int>(st.error_code()), st.error_message().c_str());
          }
        }
        return;
      }
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(1));
      if (workload == "echo-stream") {
        auto stream = subsidy::bench::Echo::NewStub(channels[t])->StreamEcho(&ctx);
        std::thread writer([&] {
          subsidy::bench::EchoMessage m;
          m.set_payload(std::string(180, 'x'));
          long i;
          while (shared.Continue(&i)) {
            if (!stream->Write(m)) break;
          }
          stream->WritesDone();
        });
        subsidy::bench::EchoMessage m;
        while (stream->Read(&m)) {
          ++shared.ops;
          ++shared.items;
        }
        writer.join();
        if (!stream->Finish().ok()) ++shared.errors;
      } else if (workload == "loan-stream") {
        auto stream = v1::LoanSubsidyService::NewStub(channels[t])->StreamLoanSubsidies(&ctx);
        std::thread writer([&] {
          long i;
          while (shared.Continue(&i)) {
            if (!stream->Write(Loan(i))) break;
          }
          stream->WritesDone();
        });
        v1::LoanSubsidyResult r;
        while (stream->Read(&r)) {
          ++shared.ops;
          ++shared.items;
          if (r.has_error()) ++shared.errors;
        }
        writer.join();
        if (!stream->Finish().ok()) ++shared.errors;
      } else {
        auto stream = v1::LoanSubsidyService::NewStub(channels[t])->StreamLoanSubsidyBatches(&ctx);
        std::thread writer([&] {
          v1::LoanSubsidyBatchRequest b;
          for (int k = 0; k < batch; ++k) *b.add_loans() = Loan(k);
          long i;
          while (shared.Continue(&i)) {
            if (!stream->Write(b)) break;
          }
          stream->WritesDone();
        });
        v1::LoanSubsidyBatchResult r;
        while (stream->Read(&r)) {
          ++shared.ops;
          shared.items += r.results_size();
        }
        writer.join();
        if (!stream->Finish().ok()) ++shared.errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double p50 = Percentile(all, 50), p90 = Percentile(all, 90), p99 = Percentile(all, 99),
               p999 = Percentile(all, 99.9);
  const double ops_s = static_cast<double>(shared.ops.load()) / secs;
  const double items_s = static_cast<double>(shared.items.load()) / secs;
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"workload\":\"%s\",\"concurrency\":%d,\"ops\":%ld,\"items\":%ld,\"seconds\":%.3f,\"ops_per_s\":%.1f,"
        "\"items_per_s\":%.1f,\"p50_us\":%.0f,\"p90_us\":%.0f,\"p99_us\":%.0f,\"p999_us\":%.0f,\"errors\":%ld}\n",
        workload.c_str(), conc, shared.ops.load(), shared.items.load(), secs, ops_s, items_s, p50, p90, p99, p999,
        shared.errors.load());
  } else {
    std::printf("%s concurrency=%d ops=%ld items=%ld in %.2fs: %.0f ops/s, %.0f items/s; errors %ld", workload.c_str(),
                conc, shared.ops.load(), shared.items.load(), secs, ops_s, items_s, shared.errors.load());
    if (!all.empty()) std::printf("; latency µs p50 %.0f p90 %.0f p99 %.0f p99.9 %.0f", p50, p90, p99, p999);
    std::printf("\n");
  }
  return shared.errors.load() == 0 ? 0 : 1;
}
