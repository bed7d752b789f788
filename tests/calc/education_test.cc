#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/status_util.h"
#include "education/entitlement.h"
#include "education/funds.h"
#include "money/exact.h"
#include "support/seed.h"

namespace subsidy::education {
namespace {

const PolicyData& Data() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return **data;
}

TEST(SplitGrant, FengtaiOneToThree) {
  auto r = SplitGrant(Money::Fen(100'000'001),
                      {{FundSource::kCentralDirect, 1}, {FundSource::kMunicipal, 3}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].amount.fen(), 25'000'000);  // 25,000,000.25
  EXPECT_EQ((*r)[1].amount.fen(), 75'000'001);  // 75,000,000.75 takes the odd 分
}

TEST(SplitGrant, EqualRemaindersGoToTheEarlierSource) {
  auto r = SplitGrant(Money::Fen(2), {{FundSource::kDistrict, 1}, {FundSource::kMunicipal, 1}, {FundSource::kCentralDirect, 1}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].amount.fen(), 1);
  EXPECT_EQ((*r)[1].amount.fen(), 1);
  EXPECT_EQ((*r)[2].amount.fen(), 0);
  EXPECT_EQ((*r)[0].source, FundSource::kDistrict);  // same order as the request
}

TEST(SplitGrant, ZeroTotalGivesZeros) {
  auto r = SplitGrant(Money::Fen(0), {{FundSource::kCentralDirect, 1}, {FundSource::kMunicipal, 3}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].amount.fen(), 0);
  EXPECT_EQ((*r)[1].amount.fen(), 0);
}

TEST(SplitGrant, BadInputNamesTheField) {
  EXPECT_EQ(FieldOf(SplitGrant(Money::Fen(10), {}).status()), "shares");
  EXPECT_EQ(FieldOf(SplitGrant(Money::Fen(10), {{FundSource::kMunicipal, 0}}).status()), "shares[0].weight");
  EXPECT_EQ(FieldOf(SplitGrant(Money::Fen(10), {{FundSource::kMunicipal, 1}, {FundSource::kDistrict, -2}}).status()),
            "shares[1].weight");
  EXPECT_EQ(FieldOf(SplitGrant(Money::Fen(-1), {{FundSource::kMunicipal, 1}}).status()), "total_fen");
  EXPECT_EQ(FieldOf(SplitGrant(Money::Fen(10), {{FundSource::kMunicipal, 1}, {FundSource::kMunicipal, 2}}).status()),
            "shares[1].source");
}

TEST(SplitGrant, HugeValuesDoNotOverflow) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  auto r = SplitGrant(Money::Fen(kMax), {{FundSource::kCentralDirect, kMax}, {FundSource::kMunicipal, kMax - 1}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].amount.fen() + (*r)[1].amount.fen(), kMax);
}

TEST(SplitProperties, PartsSumExactlyAndStayWithinOneFenOfTheExactShare) {
  const uint64_t seed = subsidy::testing::TestSeed(42);
  SCOPED_TRACE(subsidy::testing::SeedTrace(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const int n = 1 + static_cast<int>(rng() % 3);
    std::vector<int64_t> weights;
    for (int k = 0; k < n; ++k) weights.push_back(1 + static_cast<int64_t>(rng() % (i % 2 ? 5 : 1'000'000)));
    const int64_t total = static_cast<int64_t>(rng() % (i % 3 ? 1'000'000'000'000ull : 100ull));
    auto parts = SplitByWeights(Money::Fen(total), weights);
    ASSERT_TRUE(parts.ok());
    Int128 sum_w = 0;
    for (auto w : weights) sum_w += w;
    int64_t sum = 0;
    for (int k = 0; k < n; ++k) {
      sum += (*parts)[k].fen();
      // |part − total × w ÷ Σw| < 1, i.e. part ∈ {floor, floor + 1}.
      const Int128 floor = Int128(total) * weights[k] / sum_w;
      EXPECT_TRUE(Int128((*parts)[k].fen()) == floor || Int128((*parts)[k].fen()) == floor + 1);
    }
    EXPECT_EQ(sum, total);
  }
}

TEST(PlanExpenditure, DrawsInPriorityOrderAndOnlyFromPermittedSources) {
  const std::vector<FundPosition> positions = {{FundSource::kCentralDirect, Money::Fen(100), Money::Fen(40)},
                                               {FundSource::kMunicipal, Money::Fen(300), Money::Fen(0)},
                                               {FundSource::kDistrict, Money::Fen(50), Money::Fen(0)}};
  const std::vector<FundSource> all = {FundSource::kCentralDirect, FundSource::kMunicipal, FundSource::kDistrict};
  auto d = PlanExpenditure(positions, all, Money::Fen(100));
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].source, FundSource::kCentralDirect);
  EXPECT_EQ((*d)[0].amount.fen(), 60);
  EXPECT_EQ((*d)[1].amount.fen(), 40);
  auto only_district = PlanExpenditure(positions, {FundSource::kDistrict}, Money::Fen(50));
  ASSERT_TRUE(only_district.ok());
  EXPECT_EQ((*only_district)[0].source, FundSource::kDistrict);
  auto too_much = PlanExpenditure(positions, all, Money::Fen(411));
  EXPECT_EQ(ReasonOf(too_much.status()), kInsufficientFunds);
  EXPECT_TRUE(PlanExpenditure(positions, all, Money::Fen(410)).ok());
}

TEST(ProgressPercent, TwoDecimalsHalfUp) {
  EXPECT_EQ(ProgressPercent(Money::Fen(858), Money::Fen(1000)), "85.80");
  EXPECT_EQ(ProgressPercent(Money::Fen(0), Money::Fen(0)), "0.00");
  EXPECT_EQ(ProgressPercent(Money::Fen(1), Money::Fen(3)), "33.33");
  EXPECT_EQ(ProgressPercent(Money::Fen(2), Money::Fen(3)), "66.67");
  EXPECT_EQ(ProgressPercent(Money::Fen(1), Money::Fen(8000)), "0.01");  // 0.0125 → 0.01
  EXPECT_EQ(ProgressPercent(Money::Fen(1), Money::Fen(16000)), "0.01"); // 0.00625 → 0.01 (half-up)
  EXPECT_EQ(ProgressPercent(Money::Fen(1), Money::Fen(20001)), "0.00");
  EXPECT_EQ(ProgressPercent(Money::Fen(100), Money::Fen(100)), "100.00");
}

TEST(SpendingOrder, LongestPrefixWinsWithADefault) {
  const auto& e = Data().education();
  const std::vector<FundSource> expected = {FundSource::kCentralDirect, FundSource::kProvincial, FundSource::kMunicipal,
                                            FundSource::kDistrict, FundSource::kCounty};
  EXPECT_EQ(e.SpendingOrderFor("110106-0001"), expected);
  EXPECT_EQ(e.SpendingOrderFor("X"), expected);
  ASSERT_NE(e.FindCategory("TEACHING"), nullptr);
  EXPECT_TRUE(e.FindCategory("STAFF_PAY")->permitted_sources.empty());
  EXPECT_TRUE(e.FindCategory("CAPITAL_CONSTRUCTION")->permitted_sources.empty());
  EXPECT_TRUE(e.FindCategory("DEBT_REPAYMENT")->permitted_sources.empty());
  EXPECT_EQ(e.FindCategory("REPAIRS")->permitted_sources.size(), 5u);
}

TEST(FundSources, CountyAndProvincialAreSourcesByTheirLevelNames) {
  EXPECT_EQ(std::string(FundSourceName(FundSource::kCounty)), "COUNTY");
  EXPECT_EQ(std::string(FundSourceName(FundSource::kProvincial)), "PROVINCIAL");
  for (FundSource s : kAllSources) EXPECT_EQ(FundSourceFromName(FundSourceName(s)), s);
  EXPECT_EQ(std::size(kAllSources), 5u);
  EXPECT_EQ(FundSourceFromName("TOWNSHIP"), std::nullopt);
  // Wherever DISTRICT money may pay, county and provincial money may too.
  for (const char* code : {"TEACHING", "TRAINING", "LABS", "ACTIVITIES", "UTILITIES", "HEATING", "TRAVEL", "POST",
                           "EQUIPMENT_AND_BOOKS", "REPAIRS"}) {
    const auto& permitted = Data().education().FindCategory(code)->permitted_sources;
    for (FundSource s : {FundSource::kDistrict, FundSource::kCounty, FundSource::kProvincial}) {
      EXPECT_NE(std::find(permitted.begin(), permitted.end(), s), permitted.end()) << code << " " << FundSourceName(s);
    }
  }
}

TEST(SpendingOrder, ACountyAccountStandsBesideTheDistrictsAfterCentralDirectAndMunicipal) {
  // The school's ledger lists accounts in any order; the spending order places them.
  const std::vector<FundPosition> accounts = {{FundSource::kCounty, Money::Fen(70), Money::Fen(0)},
                                              {FundSource::kMunicipal, Money::Fen(20), Money::Fen(5)},
                                              {FundSource::kCentralDirect, Money::Fen(10), Money::Fen(0)}};
  const auto& order = Data().education().SpendingOrderFor("130521-0001");
  const auto positions = InSpendingOrder(accounts, order);
  ASSERT_EQ(positions.size(), 5u);
  EXPECT_EQ(positions[0].source, FundSource::kCentralDirect);
  EXPECT_EQ(positions[1].source, FundSource::kProvincial);  // no allocation: listed at zero
  EXPECT_EQ(positions[1].allocated.fen(), 0);
  EXPECT_EQ(positions[2].source, FundSource::kMunicipal);
  EXPECT_EQ(positions[3].source, FundSource::kDistrict);
  EXPECT_EQ(positions[4].source, FundSource::kCounty);
  EXPECT_EQ(positions[4].balance().fen(), 70);
  auto d = PlanExpenditure(positions, Data().education().FindCategory("TEACHING")->permitted_sources, Money::Fen(90));
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->size(), 3u);
  EXPECT_EQ((*d)[0].source, FundSource::kCentralDirect);
  EXPECT_EQ((*d)[0].amount.fen(), 10);
  EXPECT_EQ((*d)[1].source, FundSource::kMunicipal);
  EXPECT_EQ((*d)[1].amount.fen(), 15);
  EXPECT_EQ((*d)[2].source, FundSource::kCounty);
  EXPECT_EQ((*d)[2].amount.fen(), 65);
  // Only county money permitted: the county account alone pays.
  auto county = PlanExpenditure(positions, {FundSource::kCounty}, Money::Fen(70));
  ASSERT_TRUE(county.ok());
  ASSERT_EQ(county->size(), 1u);
  EXPECT_EQ((*county)[0].source, FundSource::kCounty);
  EXPECT_EQ(ReasonOf(PlanExpenditure(positions, {FundSource::kCounty}, Money::Fen(71)).status()), kInsufficientFunds);
}

// Golden: a county school holds 中央直达 1,000,000.00 元 and 县级 3,000,000.00 元; it spends
// 1,500,000.37 元, then 2,499,999.63 元, then 0.01 元 more than is left.
TEST(SpendingOrder, GoldenCountySchoolSpendsCentralDirectFirstThenCounty) {
  const auto& e = Data().education();
  std::vector<FundPosition> accounts = {{FundSource::kCounty, Money::Fen(300'000'000), Money::Fen(0)},
                                        {FundSource::kCentralDirect, Money::Fen(100'000'000), Money::Fen(0)}};
  const auto& permitted = e.FindCategory("EQUIPMENT_AND_BOOKS")->permitted_sources;
  auto first = PlanExpenditure(InSpendingOrder(accounts, e.SpendingOrderFor("130521-0001")), permitted,
                               Money::Fen(150'000'037));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].source, FundSource::kCentralDirect);
  EXPECT_EQ((*first)[0].amount.fen(), 100'000'000);
  EXPECT_EQ((*first)[1].source, FundSource::kCounty);
  EXPECT_EQ((*first)[1].amount.fen(), 50'000'037);
  accounts[0].spent = Money::Fen(50'000'037);
  accounts[1].spent = Money::Fen(100'000'000);
  const auto after = InSpendingOrder(accounts, e.SpendingOrderFor("130521-0001"));
  auto progress = ProgressOf(after);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->allocated.fen(), 400'000'000);
  EXPECT_EQ(progress->spent.fen(), 150'000'037);
  EXPECT_EQ(progress->progress_percent, "37.50");  // 37.5000093 %
  EXPECT_EQ(progress->sources[0].progress_percent, "100.00");
  EXPECT_EQ(progress->sources[4].source, FundSource::kCounty);
  EXPECT_EQ(progress->sources[4].progress_percent, "16.67");  // 50,000,037 ÷ 300,000,000
  auto second = PlanExpenditure(after, permitted, Money::Fen(249'999'963));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].source, FundSource::kCounty);
  EXPECT_EQ((*second)[0].amount.fen(), 249'999'963);
  EXPECT_EQ(ReasonOf(PlanExpenditure(after, permitted, Money::Fen(249'999'964)).status()), kInsufficientFunds);
}

TEST(Entitlement, SmallSchoolFloorBoardingLivingAndTextbooksSplitByTier) {
  PupilCounts c;
  c.primary = 60;
  c.boarding_primary = 20;
  c.difficulty_boarding_primary = 5;
  c.difficulty_nonboarding_primary = 3;
  auto e = ComputeEntitlement("51", 2022, c, Data());  // Sichuan: tier 1 (8 : 2); 2022 benchmark 650
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->sharing_tier, SharingTier::kTier1);
  ASSERT_EQ(e->lines.size(), 5u);
  EXPECT_EQ(e->lines[0].item, "PUBLIC_EXPENSE_PRIMARY");
  EXPECT_EQ(e->lines[0].quantity, 100);          // funded as 100 pupils
  EXPECT_EQ(e->lines[0].amount.fen(), 6'500'000);
  EXPECT_EQ(e->lines[0].central.fen(), 5'200'000);
  EXPECT_EQ(e->lines[0].data_row, "PE-2020-PRIMARY");
  EXPECT_EQ(e->lines[1].item, "BOARDING_ADD_ON");
  EXPECT_EQ(e->lines[1].amount.fen(), 400'000);  // 20 × 200
  EXPECT_EQ(e->lines[2].amount.fen(), 500'000);  // 5 × 1,000
  EXPECT_EQ(e->lines[3].amount.fen(), 150'000);  // 3 × 500
  EXPECT_EQ(e->lines[4].item, "TEXTBOOK_PRIMARY");
  EXPECT_EQ(e->lines[4].quantity, 60);           // textbooks for real pupils only
  EXPECT_EQ(e->lines[4].central.fen(), 540'000);  // 100 % central
  EXPECT_EQ(e->lines[4].local.fen(), 0);
  EXPECT_EQ(e->central.fen() + e->local.fen(), e->total.fen());
}

TEST(Entitlement, BenchmarkByRegionBefore2020) {
  PupilCounts c;
  c.primary = 200;
  c.junior = 100;
  auto east = ComputeEntitlement("32", 2018, c, Data());
  auto west = ComputeEntitlement("62", 2018, c, Data());
  ASSERT_TRUE(east.ok() && west.ok());
  EXPECT_EQ(east->lines[0].amount.fen(), 200 * 65'000);
  EXPECT_EQ(east->lines[1].amount.fen(), 100 * 85'000);
  EXPECT_EQ(west->lines[0].amount.fen(), 200 * 60'000);
  EXPECT_EQ(west->lines[1].amount.fen(), 100 * 80'000);
  EXPECT_EQ(east->lines[0].central.fen(), 200 * 65'000 / 2);  // Jiangsu: 5 : 5
}

TEST(Entitlement, RefusesYearsWithoutAStandardAndBadCounts) {
  PupilCounts c;
  c.primary = 10;
  auto old = ComputeEntitlement("41", 2010, c, Data());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kFailedPrecondition);
  c.boarding_primary = 11;
  EXPECT_EQ(FieldOf(ComputeEntitlement("41", 2024, c, Data()).status()), "boarding_primary_pupils");
  c.boarding_primary = 0;
  c.junior = -1;
  EXPECT_EQ(FieldOf(ComputeEntitlement("41", 2024, c, Data()).status()), "junior_pupils");
  EXPECT_EQ(FieldOf(ComputeEntitlement("99", 2024, PupilCounts{}, Data()).status()), "province");
}

}  // namespace
}  // namespace subsidy::education
