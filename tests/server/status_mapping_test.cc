#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/status_util.h"
#include "funds/limits.h"
#include "policy/policy_data.h"
#include "services/status_mapping.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::service {
namespace {

const MessageCatalogue& Shipped() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return (*data)->messages();
}

// The details of a mapped status by their google.rpc type name ("ErrorInfo"), in order.
std::map<std::string, std::string> DetailsByType(const grpc::Status& s) {
  std::map<std::string, std::string> out;
  v1::RpcStatus details;
  EXPECT_TRUE(details.ParseFromString(s.error_details()));
  for (const auto& any : details.details()) {
    const std::string prefix = "type.googleapis.com/google.rpc.";
    EXPECT_EQ(any.type_url().substr(0, prefix.size()), prefix);
    out[any.type_url().substr(prefix.size())] = any.value();
  }
  return out;
}

v1::LocalizedMessage LocalizedOf(const grpc::Status& s) {
  v1::LocalizedMessage m;
  auto details = DetailsByType(s);
  EXPECT_TRUE(details.count("LocalizedMessage")) << s.error_message();
  EXPECT_TRUE(m.ParseFromString(details["LocalizedMessage"]));
  return m;
}

// A payment refused by funds::CheckPayment, the most common refusal, with its parameters.
absl::Status ShortPayment() {
  return funds::CheckPayment("F-2024-01", "110106-S1", Money::Fen(100000), Money::Fen(250000),
                             *Date::Parse("2024-03-01"));
}

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

TEST(StatusMapping, ParamsBecomeErrorInfoMetadata) {
  const absl::Status refused = ShortPayment();
  EXPECT_EQ(ReasonOf(refused), funds::kAllocationExceeded);
  const StatusParams expected = {{"fund_id", "F-2024-01"},
                                 {"recipient_id", "110106-S1"},
                                 {"amount_yuan", "2500.00"},
                                 {"available_yuan", "1000.00"},
                                 {"date", "2024-03-01"}};
  EXPECT_EQ(ParamsOf(refused), expected);
  for (const grpc::Status& s : {ToGrpcStatus(refused), ToGrpcStatus(refused, "en", Shipped())}) {
    EXPECT_EQ(s.error_message(), refused.message());  // the developer's text, as it was
    v1::ErrorInfo info;
    ASSERT_TRUE(info.ParseFromString(DetailsByType(s)["ErrorInfo"]));
    EXPECT_EQ(info.reason(), "ALLOCATION_EXCEEDED");
    const StatusParams metadata(info.metadata().begin(), info.metadata().end());
    EXPECT_EQ(metadata, expected);
  }
  // Without the catalogue, no LocalizedMessage: the details are those of before.
  EXPECT_EQ(DetailsByType(ToGrpcStatus(refused)).size(), 1u);
}

TEST(StatusMapping, ALocalizedMessageInTheCallersLanguageZhCnByDefault) {
  for (const char* asked : {"", "zh-CN", "zh-CN,zh;q=0.9,en;q=0.8", "fr"}) {
    const v1::LocalizedMessage m = LocalizedOf(ToGrpcStatus(ShortPayment(), PreferredLanguage(asked), Shipped()));
    EXPECT_EQ(m.locale(), "zh-CN") << asked;
    EXPECT_EQ(m.message(), "资金 F-2024-01 截至 2024-03-01 可向 110106-S1 支付 1000.00 元，不足本次支付的 2500.00 元。")
        << asked;
  }
  const v1::LocalizedMessage en = LocalizedOf(ToGrpcStatus(ShortPayment(), PreferredLanguage("en-US,en;q=0.9"), Shipped()));
  EXPECT_EQ(en.locale(), "en");
  EXPECT_EQ(en.message(),
            "Fund F-2024-01 can pay 110106-S1 only 1000.00 yuan as of 2024-03-01, less than the 2500.00 yuan to pay.");
}

TEST(StatusMapping, WithoutParametersTheTextNeedsNone) {
  const absl::Status bare = FailedPrecondition(funds::kAllocationExceeded, "not enough");
  EXPECT_TRUE(ParamsOf(bare).empty());
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(bare, "zh-CN", Shipped())).message(), "已分配未支付的资金不足，不能支付。");
  // Some parameters, not all a text names: the most specific text they fill.
  const absl::Status cut = WithParams(FailedPrecondition(funds::kFundBudgetExceeded, "cut"),
                                      {{"budget_yuan", "10.00"}, {"allocated_yuan", "20.00"}});
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(cut, "zh-CN", Shipped())).message(), "调整后预算为 10.00 元，低于已分配的 20.00 元。");
}

TEST(StatusMapping, AnErrorWithoutAReasonReadsByItsCode) {
  const grpc::Status field = ToGrpcStatus(InvalidField("repayments[1].date", "not a YYYY-MM-DD date"), "zh-CN", Shipped());
  EXPECT_EQ(DetailsByType(field).size(), 2u);  // BadRequest, LocalizedMessage
  // What was wrong stays in it (the service's words, without the field's name they start with).
  EXPECT_EQ(LocalizedOf(field).message(), "请求内容有误：repayments[1].date 填写不正确（not a YYYY-MM-DD date）。");
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(absl::NotFoundError("no such payout"), "en", Shipped())).message(),
            "No such record (no such payout).");
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(absl::NotFoundError(""), "en", Shipped())).message(), "No such record.");
  // A reason the catalogue lacks: its code's text.
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(FailedPrecondition("NOT_IN_THE_CATALOGUE", "x"), "zh-CN", Shipped())).message(),
            "当前状态下不能办理该业务。");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), "en", Shipped()).ok());
}

// The field refusals met most (an empty field, a date that does not read) have reasons of their own:
// what the person reads is whole in their language, not the developer's words in brackets.
TEST(StatusMapping, AnEmptyFieldAndABadDateReadWholeInTheCallersLanguage) {
  const absl::Status empty = RequiredField("policy_id");
  EXPECT_EQ(ReasonOf(empty), kFieldRequired);
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(empty, "zh-CN", Shipped())).message(), "请求内容有误：policy_id 未填写（必填项）。");
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(empty, "en", Shipped())).message(), "The request is not valid: policy_id is required.");
  const absl::Status date = WithParams(WithReason(InvalidField("as_of", "not a date"), kFieldNotADate),
                                       {{"value", "2024/13/01"}});
  EXPECT_EQ(LocalizedOf(ToGrpcStatus(date, "zh-CN", Shipped())).message(),
            "请求内容有误：as_of 应为日期，如 2024-03-05，而不是“2024/13/01”。");
}

TEST(StatusMapping, PreferredLanguageIsTheFirstAcceptable) {
  const std::map<std::string, std::string> cases = {
      {"", "zh-CN"},         {"en", "en"},       {"en-US,en;q=0.9", "en"}, {"EN-gb", "en"},
      {"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"},      {"fr;q=0.9, en;q=0.95", "en"},
      {"en;q=0, zh", "zh-CN"}, {"*", "zh-CN"},   {"de-DE", "zh-CN"},      {"en;q=x,zh;q=0.5", "zh-CN"},
      {"fr, en;q=0.5", "en"},  // the best of the languages we write, not the first asked for
      {"de, fr;q=0.8", "zh-CN"},
  };
  for (const auto& [header, language] : cases) EXPECT_EQ(PreferredLanguage(header), language) << header;
}

TEST(StatusMapping, WithParamsMergesAndPrefixFieldKeepsThem) {
  absl::Status s = WithParams(InvalidField("date", "bad"), {{"date", "2024-13-01"}, {"note", "a:b,c"}});
  s = WithParams(s, {{"date", "2024-12-01"}});
  s = PrefixField(s, "loans[3].");
  EXPECT_EQ(ParamsOf(s), (StatusParams{{"date", "2024-12-01"}, {"note", "a:b,c"}}));
  EXPECT_TRUE(ParamsOf(WithParams(absl::OkStatus(), {{"date", "x"}})).empty());
}

}  // namespace
}  // namespace subsidy::service
