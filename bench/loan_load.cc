// A load client for LoanSubsidyService: drives unary calls, the per-loan stream or the batch
// stream at a given concurrency and prints throughput, latency percentiles and errors.
//   loan_load --server=127.0.0.1:50051 --mode=unary|stream|batch --loans=200000 --concurrency=4 --batch=500
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "subsidy/v1/loan.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "server address");
ABSL_FLAG(std::string, mode, "unary", "unary, stream (one loan per message) or batch (batches per message)");
ABSL_FLAG(int, loans, 100000, "loans to send in total");
ABSL_FLAG(int, concurrency, 4, "calls (unary) or streams in flight");
ABSL_FLAG(int, batch, 500, "loans per message in batch mode");

namespace {

using Clock = std::chrono::steady_clock;

subsidy::v1::LoanSubsidyRequest Loan(int i) {
  subsidy::v1::LoanSubsidyRequest r;
  r.set_loan_id("L" + std::to_string(i));
  r.set_province("41");
  r.set_region_tier(subsidy::v1::CENTRAL_WEST);
  r.set_program(subsidy::v1::ENTREPRENEUR_INDIVIDUAL);
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

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const int total = absl::GetFlag(FLAGS_loans);
  const int conc = absl::GetFlag(FLAGS_concurrency);
  const int batch = absl::GetFlag(FLAGS_batch);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < conc; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // distinct connections
    args.SetMaxReceiveMessageSize(64 << 20);
    channels.push_back(grpc::CreateCustomChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(), args));
  }
  std::atomic<int> next{0};
  std::atomic<long> errors{0}, done{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(conc));
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < conc; ++t) {
    threads.emplace_back([&, t] {
      auto stub = subsidy::v1::LoanSubsidyService::NewStub(channels[static_cast<size_t>(t)]);
      auto& lat = latencies[static_cast<size_t>(t)];
      if (mode == "unary") {
        for (int i; (i = next++) < total;) {
          const auto req = Loan(i);
          subsidy::v1::LoanSubsidyResult r;
          grpc::ClientContext ctx;
          ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          const auto t0 = Clock::now();
          if (!stub->CalculateLoanSubsidy(&ctx, req, &r).ok()) ++errors;
          lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
          ++done;
        }
      } else if (mode == "stream") {
        const int share = total / conc;
        grpc::ClientContext ctx;
        auto stream = stub->StreamLoanSubsidies(&ctx);
        std::thread writer([&] {
          for (int i = 0; i < share; ++i) {
            if (!stream->Write(Loan(t * share + i))) break;
          }
          stream->WritesDone();
        });
        subsidy::v1::LoanSubsidyResult r;
        while (stream->Read(&r)) {
          if (r.has_error()) ++errors;
          ++done;
        }
        writer.join();
        if (!stream->Finish().ok()) ++errors;
      } else {
        const int share = total / conc;
        grpc::ClientContext ctx;
        auto stream = stub->StreamLoanSubsidyBatches(&ctx);
        std::thread writer([&] {
          for (int i = 0; i < share; i += batch) {
            subsidy::v1::LoanSubsidyBatchRequest b;
            for (int k = i; k < std::min(share, i + batch); ++k) *b.add_loans() = Loan(t * share + k);
            if (!stream->Write(b)) break;
          }
          stream->WritesDone();
        });
        subsidy::v1::LoanSubsidyBatchResult r;
        while (stream->Read(&r)) {
          for (const auto& x : r.results()) {
            if (x.has_error()) ++errors;
          }
          done += r.results_size();
        }
        writer.join();
        if (!stream->Finish().ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::printf("mode=%s concurrency=%d loans=%ld seconds=%.3f loans_per_s=%.0f errors=%ld", mode.c_str(), conc,
              done.load(), secs, static_cast<double>(done.load()) / secs, errors.load());
  if (!all.empty()) {
    std::printf(" p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f", Percentile(all, 50), Percentile(all, 90),
                Percentile(all, 99), Percentile(all, 99.9));
  }
  std::printf("\n");
  return errors.load() == 0 ? 0 : 1;
}
