// Runs every golden case of tests/golden/loan_cases.textproto through the service's mapping and
// the engine, and compares the answer whole, to the 分.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "golden_cases.pb.h"
#include "services/loan_mapping.h"

namespace subsidy::service {
namespace {

test::LoanGoldenFile LoadGolden() {
  std::ifstream in(std::string(SUBSIDY_GOLDEN_DIR) + "/loan_cases.textproto");
  std::stringstream ss;
  ss << in.rdbuf();
  test::LoanGoldenFile file;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(ss.str(), &file));
  return file;
}

TEST(LoanGolden, EveryCaseMatchesToTheFen) {
  auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
  ASSERT_TRUE(data.ok()) << data.status();
  const auto golden = LoadGolden();
  ASSERT_GE(golden.cases_size(), 40);
  for (const auto& c : golden.cases()) {
    SCOPED_TRACE(c.name());
    v1::LoanSubsidyResult got;
    absl::Status s = CalculateOne(c.request(), **data, &got);
    if (c.expect().has_error()) {
      ASSERT_FALSE(s.ok());
      v1::LoanSubsidyResult err;
      ItemErrorFromStatus(s, err.mutable_error());
      EXPECT_EQ(err.error().code(), c.expect().error().code());
      EXPECT_EQ(err.error().field(), c.expect().error().field()) << s;
      continue;
    }
    ASSERT_TRUE(s.ok()) << s;
    got.clear_data_version();
    for (auto& r : *got.mutable_reasons()) {
      r.clear_message();
      r.clear_params();  // the texts' parameters: tested with the catalogue (loan_mapping_test)
    }
    std::string diff;
    google::protobuf::util::MessageDifferencer d;
    d.ReportDifferencesToString(&diff);
    // Golden cases are money to the 分; the subsidised-day count is tested beside the engine.
    d.IgnoreField(v1::PeriodResult::descriptor()->FindFieldByName("subsidy_days"));
    EXPECT_TRUE(d.Compare(c.expect(), got)) << diff;
  }
}


// The preview and the calculation are one function (loan::TermsFor): over every golden case,
// GetLoanPolicy for the loan's dates and tenor names the LPR and ceiling the calculation used.
TEST(LoanGolden, ThePolicyPreviewAgreesWithTheCalculation) {
  auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
  ASSERT_TRUE(data.ok()) << data.status();
  int compared = 0;
  const auto golden = LoadGolden();
  for (const auto& c : golden.cases()) {
    if (c.expect().has_error() || c.expect().regime_id().empty()) continue;
    SCOPED_TRACE(c.name());
    // As booked, and again asking for the 5-year LPR: a loan of at most one year still uses the
    // 1-year LPR, in the preview as in the calculation.
    for (v1::LprTenor tenor : {c.request().lpr_tenor(), v1::FIVE_YEAR}) {
      v1::LoanSubsidyRequest loan = c.request();
      loan.set_lpr_tenor(tenor);
      v1::GetLoanPolicyRequest req;
      req.set_province(loan.province());
      req.set_program(loan.program());
      req.set_date(loan.contract_date());
      req.set_region_tier(loan.region_tier());
      req.set_lpr_tenor(loan.lpr_tenor());
      req.set_disbursement_date(loan.disbursement_date());
      req.set_maturity_date(loan.maturity_date());
      v1::LoanPolicy policy;
      ASSERT_TRUE(LoanPolicyFor(req, **data, &policy).ok());
      v1::LoanSubsidyResult result;
      ASSERT_TRUE(CalculateOne(loan, **data, &result).ok());
      EXPECT_EQ(policy.regime_id(), result.regime_id());
      EXPECT_EQ(policy.lpr_percent(), result.lpr_percent());
      EXPECT_EQ(policy.ceiling_percent(), result.ceiling_percent());
      ++compared;
    }
  }
  EXPECT_GE(compared, 60);
}

}  // namespace
}  // namespace subsidy::service
