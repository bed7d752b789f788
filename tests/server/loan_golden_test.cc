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
    for (auto& r : *got.mutable_reasons()) r.clear_message();
    std::string diff;
    google::protobuf::util::MessageDifferencer d;
    d.ReportDifferencesToString(&diff);
    EXPECT_TRUE(d.Compare(c.expect(), got)) << diff;
  }
}

}  // namespace
}  // namespace subsidy::service
