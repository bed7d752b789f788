#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <tuple>
#include <fstream>

#include "policy/policy_data.h"
#include "support/data_copy.h"

namespace subsidy {
namespace {

using ::testing::HasSubstr;

Date D(const char* s) { return *Date::Parse(s); }

std::shared_ptr<const PolicyData> Shipped() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return *data;
}

using testing::DataCopy;

TEST(PolicyData, ShippedDataLoads) {
  auto data = Shipped();
  EXPECT_EQ(data->version().size(), 16u);
  EXPECT_EQ(data->FindProvince("41")->name, "河南");
  EXPECT_EQ(data->FindProvince("51")->education_sharing_tier, SharingTier::kTier1);
  EXPECT_EQ(data->FindProvince("81"), nullptr);
}

// A claim file names a province as a clerk writes it: its short or its full name, nothing else.
TEST(PolicyData, AProvinceByItsShortOrFullNameOnly) {
  const PolicyData& data = *Shipped();
  for (auto [written, code] : {std::pair{"河南", "41"}, {"河南省", "41"}, {"北京", "11"}, {"北京市", "11"},
                               {"广西", "45"}, {"广西壮族自治区", "45"}, {"内蒙古自治区", "15"}, {"新疆维吾尔自治区", "65"}}) {
    const ProvinceInfo* p = data.FindProvinceByName(written);
    ASSERT_NE(p, nullptr) << written;
    EXPECT_EQ(p->code, code) << written;
  }
  for (const char* wrong : {"北京省", "河南市", "河南 省", "廣西", "Henan", "豫", "河", "广西自治区", "江苏省南京市", ""}) {
    EXPECT_EQ(data.FindProvinceByName(wrong), nullptr) << wrong;
  }
}

TEST(PolicyData, VersionIsAContentHash) {
  DataCopy copy;
  auto same = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ((*same)->version(), Shipped()->version());
  copy.Replace("lpr_cn.textproto", "source: \"LPR announcement 2025-05-20\"", "source: \"LPR 2025-05-20 (edited)\"");
  auto changed = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_TRUE(changed.ok());
  EXPECT_NE((*changed)->version(), Shipped()->version());
}

TEST(FundMonitoring, ShippedRulesAndARefusedFile) {
  const FundMonitoring& m = Shipped()->fund_monitoring();
  EXPECT_EQ(m.tolerance, Rate::FromBasisPoints(1000));
  EXPECT_TRUE(m.Forbids("EDUCATION", "STAFF_PAY"));
  EXPECT_FALSE(m.Forbids("EDUCATION", "TEACHING"));
  EXPECT_FALSE(m.Forbids("OTHER", "STAFF_PAY"));
  for (auto [from, to] : {std::pair{"tolerance_points: \"10\"", "tolerance_points: \"ten\""},
                          {"tolerance_points: \"10\"", "tolerance_points: \"100.5\""},
                          {"purpose: \"EDUCATION\"", "purpose: \"SCHOOLS\""}}) {
    DataCopy copy;
    copy.Replace("funds.textproto", from, to);
    auto bad = PolicyData::LoadFromDirectory(copy.path());
    ASSERT_FALSE(bad.ok()) << to;
    EXPECT_NE(bad.status().message().find("funds.textproto:"), absl::string_view::npos) << bad.status();
  }
}

TEST(LprTable, ValueInForceOnADate) {
  const auto& lpr = Shipped()->lpr();
  EXPECT_EQ((*lpr.InForce(D("2023-08-21")))->one_year.ToString(), "3.45");
  EXPECT_EQ((*lpr.InForce(D("2023-08-20")))->one_year.ToString(), "3.55");
  EXPECT_EQ((*lpr.InForce(D("2024-02-20")))->five_year.ToString(), "3.95");
  EXPECT_EQ((*lpr.InForce(D("2026-11-26")))->one_year.ToString(), "3.00");
  EXPECT_TRUE(lpr.Confirmed(D("2026-05-20")));
  EXPECT_FALSE(lpr.Confirmed(D("2026-05-21")));
  EXPECT_FALSE(lpr.InForce(D("2019-08-19")).ok());
}

TEST(LoanRegimes, NationalDefaultsByContractDate) {
  const auto& t = Shipped()->loan_regimes();
  EXPECT_EQ(t.Find("41", LoanProgram::kIndividual, D("2020-04-15"))->regime->regime_id, "CN-2020-21-TRANSITION");
  EXPECT_EQ(t.Find("41", LoanProgram::kIndividual, D("2021-01-01"))->regime->regime_id, "CN-2020-21");
  EXPECT_EQ(t.Find("41", LoanProgram::kIndividual, D("2023-09-30"))->regime->regime_id, "CN-2020-21");
  EXPECT_EQ(t.Find("41", LoanProgram::kIndividual, D("2023-10-01"))->regime->regime_id, "CN-2023-75");
  EXPECT_EQ(t.Find("41", LoanProgram::kIndividual, D("2028-09-30"))->regime->regime_id, "CN-2023-75");
  EXPECT_FALSE(t.Find("41", LoanProgram::kIndividual, D("2028-10-01")).has_value());
  EXPECT_FALSE(t.Find("41", LoanProgram::kIndividual, D("2020-04-14")).has_value());
  EXPECT_EQ(t.Find("41", LoanProgram::kPovertyMicrocredit, D("2021-03-04"))->regime->regime_id, "CN-POVERTY-2021");
  EXPECT_FALSE(t.Find("41", LoanProgram::kPovertyMicrocredit, D("2026-01-01")).has_value());
}

TEST(LoanRegimes, ProvinceOverrides) {
  const auto& t = Shipped()->loan_regimes();
  EXPECT_EQ(t.Find("32", LoanProgram::kIndividual, D("2024-02-29"))->regime->regime_id, "CN-2020-21");
  EXPECT_EQ(t.Find("32", LoanProgram::kIndividual, D("2024-03-01"))->regime->regime_id, "CN-2023-75");
  EXPECT_EQ(t.Find("51", LoanProgram::kIndividual, D("2025-03-31"))->regime->regime_id, "CN-2023-75");
  EXPECT_EQ(t.Find("51", LoanProgram::kIndividual, D("2025-04-01"))->regime->regime_id, "SC-2025-TOPUP");
  EXPECT_EQ(t.Find("51", LoanProgram::kSmallBusiness, D("2027-12-31"))->regime->regime_id, "SC-2025-TOPUP");
  EXPECT_EQ(t.Find("51", LoanProgram::kIndividual, D("2028-01-01"))->regime->regime_id, "CN-2023-75");
  EXPECT_EQ(t.Find("51", LoanProgram::kPovertyMicrocredit, D("2025-06-01"))->regime->regime_id, "CN-POVERTY-2021");
  const auto* sh = t.Find("31", LoanProgram::kIndividual, D("2024-01-01"))->regime;
  EXPECT_EQ(sh->CeilingSpreadBp("31", RegionTier::kCentralWest), 50);
  EXPECT_EQ(sh->CeilingSpreadBp("44", RegionTier::kEast), 150);
}

TEST(PolicyDataLoader, SyntaxErrorNamesFileAndLine) {
  DataCopy copy;
  copy.Replace("loan_regimes.textproto", "max_prior_subsidized_loans: 3\n  terms { program: \"ENTREPRENEUR_INDIVIDUAL\" formula: RATE_HALF",
               "max_prior_subsidized_loans: 3\n  terms { program: \"ENTREPRENEUR_INDIVIDUAL\" formula: RATE_HALVED");
  auto r = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("loan_regimes.textproto:"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("RATE_HALVED"));
}

TEST(PolicyDataLoader, OverlappingRegimesAreRefused) {
  DataCopy copy;
  copy.Replace("loan_regimes.textproto", "default_window { start_date: \"2023-10-01\" end_date: \"2028-09-30\" }",
               "default_window { start_date: \"2023-09-01\" end_date: \"2028-09-30\" }");
  auto r = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("overlap"));
}

TEST(PolicyDataLoader, SemanticErrorNamesTheLine) {
  DataCopy copy;
  copy.Replace("lpr_cn.textproto", "lpr_1y_percent: \"3.10\"", "lpr_1y_percent: \"3,10\"");
  auto r = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_FALSE(r.ok());
  // The 2024-10-21 fixing is the 14th, on line 20 of the generated file.
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("lpr_cn.textproto:20: fixings[13].lpr_1y_percent"));
}

TEST(PolicyDataLoader, MakeupDayOnAWeekdayIsRefused) {
  DataCopy copy;
  copy.Replace("calendar_cn.textproto", "date: \"2024-10-12\" kind: MAKEUP_WORKDAY",
               "date: \"2024-10-11\" kind: MAKEUP_WORKDAY");
  auto r = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("2024-10-11"));
}

TEST(PolicyDataLoader, AnUnknownVocabularyWordIsRefusedWithItsLine) {
  for (const auto& [from, to, problem] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"economic_region: \"EAST\" amount_fen: 65000 funding: \"SHARED\"",
            "economic_region: \"EAST\" amount_fen: 65000 funding: \"SHARD\"", "funding must be"},
           {"amount_fen: 65000 funding: \"SHARED\" status: \"C\"", "amount_fen: 65000 funding: \"SHARED\" status: \"Q\"",
            "status must be"},
           {"economic_region: \"EAST\" amount_fen: 65000", "economic_region: \"NORTH\" amount_fen: 65000",
            "economic_region must be"}}) {
    SCOPED_TRACE(to);
    DataCopy copy;
    copy.Replace("education.textproto", from, to);
    auto r = PolicyData::LoadFromDirectory(copy.path());
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("education.textproto:38: rates[0]"));
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(problem));
  }
}

TEST(PolicyDataLoader, MissingFileIsNamed) {
  DataCopy copy;
  std::filesystem::remove(copy.path() + "/provinces_cn.textproto");
  auto r = PolicyData::LoadFromDirectory(copy.path());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("provinces_cn.textproto"));
}

}  // namespace
}  // namespace subsidy
