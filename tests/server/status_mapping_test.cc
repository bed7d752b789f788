#include <gtest/gtest.h>

#include "common/status_util.h"
#include "services/status_mapping.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::service {
namespace {

TEST(StatusMapping, InvalidFieldCarriesABadRequest) {
  grpc::Status s = ToGrpcStatus(InvalidField("repayments[1].date", "not a YYYY-MM-DD date"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "repayments[1].date: not a YYYY-MM-DD date");
  v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.BadRequest");
  v1::BadRequest bad;
  ASSERT_TRUE(bad.ParseFromString(details.details(0).value()));
  EXPECT_EQ(bad.field_violations(0).field(), "repayments[1].date");
}

TEST(StatusMapping, ReasonCarriesAnErrorInfo) {
  grpc::Status s = ToGrpcStatus(FailedPrecondition("INSUFFICIENT_FUNDS", "not enough balance"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(s.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.ErrorInfo");
  v1::ErrorInfo info;
  ASSERT_TRUE(info.ParseFromString(details.details(0).value()));
  EXPECT_EQ(info.reason(), "INSUFFICIENT_FUNDS");
  EXPECT_EQ(info.domain(), "subsidy.v1");
}

TEST(StatusMapping, PrefixFieldKeepsReasonAndRestatesTheMessage) {
  absl::Status s = PrefixField(WithReason(InvalidField("date", "bad"), "X"), "loans[3].");
  EXPECT_EQ(FieldOf(s), "loans[3].date");
  EXPECT_EQ(ReasonOf(s), "X");
  EXPECT_EQ(s.message(), "loans[3].date: bad");
}

TEST(StatusMapping, PlainErrorsHaveNoDetails) {
  grpc::Status s = ToGrpcStatus(absl::NotFoundError("no such payout"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(s.error_details().empty());
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace subsidy::service
