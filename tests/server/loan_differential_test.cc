// Differential test: thousands of random loans across regimes, programs, dates and repayment
// patterns, computed by the engine (through the service's mapping) and checked to the 分 by an
// independent Python implementation of the rules (tests/reference/loan_reference.py).
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/str_cat.h"
#include "services/loan_mapping.h"
#include "support/seed.h"

namespace subsidy::service {
namespace {

class RandomLoans {
 public:
  explicit RandomLoans(uint32_t seed) : rng_(seed) {}

  v1::LoanSubsidyRequest Next(int i) {
    v1::LoanSubsidyRequest r;
    r.set_loan_id("L" + std::to_string(i));
    static const char* kProvinces[] = {"11", "31", "32", "41", "45", "51", "62", "44"};
    r.set_province(kProvinces[Uniform(0, 7)]);
    r.set_region_tier(static_cast<v1::RegionTier>(Uniform(1, 3)));
    const auto program = static_cast<v1::LoanProgram>(Uniform(1, 4));
    r.set_program(program);
    if (program == v1::ENTREPRENEUR_PARTNERSHIP) r.set_partner_count(Uniform(2, 20));
    r.set_prior_subsidized_loans(Uniform(0, 9) < 8 ? 0 : Uniform(1, 4));
    const int64_t scale = program == v1::ENTREPRENEUR_SMALL_BUSINESS   ? 700'000'000
                          : program == v1::ENTREPRENEUR_PARTNERSHIP   ? 500'000'000
                          : program == v1::POVERTY_MICROCREDIT        ? 7'000'000
                                                                       : 60'000'000;
    const int64_t principal = Uniform64(100'000, scale);
    r.set_principal_fen(principal);
    const Date contract = Date::FromDaysSinceEpoch(Uniform((*Date::Parse("2020-03-01")).days_since_epoch(),
                                                           (*Date::Parse("2027-06-30")).days_since_epoch()));
    const Date disb = contract.AddDays(Uniform(0, 20) < 15 ? 0 : Uniform(1, 40));
    const Date maturity = disb.AddDays(Uniform(0, 3) == 0 ? Uniform(20, 400) : Uniform(300, 1500));
    r.set_contract_date(contract.ToString());
    r.set_disbursement_date(disb.ToString());
    r.set_maturity_date(maturity.ToString());
    // Rates around the LPR: mostly under the ceilings, some above; up to 3 decimals.
    const int milli = Uniform(1500, 7500);
    r.set_annual_rate_percent(std::to_string(milli / 1000) + "." + Pad3(milli % 1000));
    if (Uniform(0, 3) == 0) r.set_lpr_tenor(v1::FIVE_YEAR);
    if (Uniform(0, 3) == 0) r.set_day_count(v1::ACT_365);
    const int life = DaysBetween(disb, maturity);
    int64_t left = principal;
    const int n_rep = Uniform(0, 3);
    for (int k = 0; k < n_rep && left > 0; ++k) {
      auto* rep = r.add_repayments();
      rep->set_date(disb.AddDays(Uniform(0, life)).ToString());
      const int64_t amount = k == n_rep - 1 && Uniform(0, 2) == 0 ? left : Uniform64(1, left);
      rep->set_principal_fen(amount);
      left -= amount;
    }
    for (int k = Uniform(0, 2) == 0 ? Uniform(1, 2) : 0; k > 0; --k) {
      const Date a = disb.AddDays(Uniform(-30, life + 30));
      auto* o = r.add_overdue_periods();
      o->set_start_date(a.ToString());
      o->set_end_date(a.AddDays(Uniform(0, 120)).ToString());
    }
    if (Uniform(0, 1) == 0) {
      const Date a = disb.AddDays(Uniform(-100, life));
      r.mutable_claim_period()->set_start_date(a.ToString());
      r.mutable_claim_period()->set_end_date(a.AddDays(Uniform(0, 400)).ToString());
    }
    return r;
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  int64_t Uniform64(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  static std::string Pad3(int v) {
    std::string s = std::to_string(v);
    return std::string(3 - s.size(), '0') + s;
  }
  std::mt19937 rng_;
};

TEST(LoanDifferential, EngineAgreesWithTheIndependentReferenceToTheFen) {
  const uint64_t seed = subsidy::testing::TestSeed(20261126);
  SCOPED_TRACE(subsidy::testing::SeedTrace(seed));
  auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
  ASSERT_TRUE(data.ok()) << data.status();
  const std::string path =
      (std::filesystem::temp_directory_path() / ("loan-diff-" + std::to_string(::getpid()) + ".jsonl")).string();
  std::ofstream out(path);
  RandomLoans gen(static_cast<uint32_t>(seed));
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  constexpr int kLoans = 4000;
  int computed = 0, eligible = 0, refused = 0;
  std::string refusals;  // the first few, with the field or reason the engine gave
  for (int i = 0; i < kLoans; ++i) {
    const v1::LoanSubsidyRequest req = gen.Next(i);
    v1::LoanSubsidyResult result;
    // The generator makes only loans the rules accept as input (dates in order, repayments within
    // the loan's life and principal, periods not reversed, contracts after the LPR data begins):
    // the engine answers each, eligible or not, and the reference checks every answer. A refusal
    // is a fault of the generator or the engine, never a case to skip.
    if (const absl::Status s = CalculateOne(req, **data, &result); !s.ok()) {
      if (++refused <= 5) absl::StrAppend(&refusals, "\n  ", req.loan_id(), ": ", s.ToString());
      continue;
    }
    ++computed;
    eligible += result.eligible();
    std::string req_json, res_json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(req, &req_json, opts).ok());
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(result, &res_json, opts).ok());
    out << "{\"request\":" << req_json << ",\"result\":" << res_json << "}\n";
  }
  out.close();
  EXPECT_EQ(refused, 0) << "loans the engine refused:" << refusals;
  // The generator must exercise both sides of eligibility substantially.
  EXPECT_GT(eligible, 800);
  EXPECT_LT(eligible, computed - 800);
  const std::string cmd = std::string(SUBSIDY_PYTHON) + " " + SUBSIDY_REFERENCE_DIR + "/loan_reference.py " + path;
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "the reference disagrees; cases in " << path;
  if (rc == 0) std::filesystem::remove(path);
}

}  // namespace
}  // namespace subsidy::service
