// Engine benchmarks (Google Benchmark), one core: run build/bin/engine_bench.
#include <benchmark/benchmark.h>

#include "education/funds.h"
#include "loan/loan_engine.h"
#include "money/exact.h"
#include "money/rate.h"
#include "reward/reward_engine.h"

namespace subsidy {
namespace {

const PolicyData& Data() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return **data;
}

loan::LoanInput QuarterLoanWithTwoRepayments() {
  loan::LoanInput in;
  in.loan_id = "B";
  in.province = "41";
  in.region_tier = RegionTier::kCentralWest;
  in.program = LoanProgram::kIndividual;
  in.principal = Money::Fen(30'000'000);
  in.contract_date = in.disbursement_date = *Date::Parse("2024-01-10");
  in.maturity_date = *Date::Parse("2027-01-10");
  in.annual_rate = *Rate::Parse("4.35");
  in.repayments = {{*Date::Parse("2024-04-15"), Money::Fen(5'000'000)}, {*Date::Parse("2024-05-20"), Money::Fen(5'000'000)}};
  in.claim_period = *DateRange::Make(*Date::Parse("2024-03-21"), *Date::Parse("2024-06-20"));
  return in;
}

// One loan-quarter: a loan with two repayments inside the claimed settlement period.
void BM_LoanQuarter(benchmark::State& state) {
  const auto in = QuarterLoanWithTwoRepayments();
  for (auto _ : state) {
    auto r = loan::CalculateLoanSubsidy(in, Data());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["loan_quarters_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                             benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoanQuarter);

// The unit a loan-quarter is measured in: one exact money × rate × days ÷ basis product,
// rounded half-up to the 分 by the one rounding function (the engine does two per period).
// bench/run.sh reports BM_LoanQuarter as a multiple of this, from the same run: absolute times
// wander on a shared machine, the ratio does not.
void BM_ExactProduct(benchmark::State& state) {
  int64_t principal = 30'000'000;
  const Rate rate = *Rate::Parse("4.35");
  const Int128 denominator = Int128(100) * Rate::kUnitsPerPercent * 360;
  for (auto _ : state) {
    benchmark::DoNotOptimize(principal);
    auto fen = RoundQuotient(Int128(principal) * 91 * rate.units(), denominator);
    benchmark::DoNotOptimize(fen);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExactProduct);

// A whole three-year life: 13 settlement periods.
void BM_LoanWholeLife(benchmark::State& state) {
  auto in = QuarterLoanWithTwoRepayments();
  in.claim_period.reset();
  for (auto _ : state) {
    auto r = loan::CalculateLoanSubsidy(in, Data());
    benchmark::DoNotOptimize(r);
  }
  state.counters["loan_quarters_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 13,
                                                             benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoanWholeLife);

void BM_AddWorkingDays(benchmark::State& state) {
  const Date d = *Date::Parse("2024-09-27");
  for (auto _ : state) {
    auto r = Data().calendar().AddWorkingDays(d, 5);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_AddWorkingDays);

void BM_SplitGrant(benchmark::State& state) {
  const std::vector<education::Share> shares = {{education::FundSource::kCentralDirect, 1},
                                                {education::FundSource::kMunicipal, 2},
                                                {education::FundSource::kDistrict, 1}};
  int64_t total = 400'000'002;
  for (auto _ : state) {
    auto r = education::SplitGrant(Money::Fen(total++), shares);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SplitGrant);

void BM_RewardDecision(benchmark::State& state) {
  const RewardPolicy& p = *Data().rewards().Find("YC-DIGITAL-TRANSFORM");
  const std::map<std::string, std::string> metrics = {{"spend_fen", "12345601"}};
  const std::vector<reward::PriorAward> prior = {{"YC-DIGITAL-TRANSFORM", "", 2023, Money::Fen(100)}};
  for (auto _ : state) {
    auto r = reward::Decide(p, metrics, "914403001922038216", 2024, prior, Money::Fen(5'000'000));
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RewardDecision);

void BM_RateParse(benchmark::State& state) {
  for (auto _ : state) {
    auto r = Rate::Parse("4.35");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RateParse);

}  // namespace
}  // namespace subsidy

BENCHMARK_MAIN();
