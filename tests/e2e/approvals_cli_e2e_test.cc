// Dual control (双人复核) through subsidyctl: with callers configured a fund allocation by one
// finance officer waits as an instruction (the CLI says PENDING_APPROVAL, exit 0), the fund shows
// it pending, its maker cannot approve it, a second officer posts it, and the fund's ledger shows
// maker and checker; a reversal waits too and, rejected, changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ApprovalsCliE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string config = dir_.path() + "/callers.textproto";
    for (const std::string name : {"finance-1", "finance-2"}) {
      auto token = AddCaller(config, name, "finance");
      ASSERT_TRUE(token.ok()) << token.status();
      tokens_[name] = *token;
    }
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db", .extra_args = {"--auth_config=" + config}});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }

  CtlResult As(const std::string& caller, std::vector<std::string> args) {
    args.insert(args.begin(), {"--server=" + server_->address(), "--token=" + tokens_.at(caller)});
    return RunCtl(args);
  }

  static std::string First(const std::string& text, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
  }

  TempDir dir_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ApprovalsCliE2e, AllocationWaitsForASecondOfficer) {
  auto create = As("finance-1", {"fund", "create", "--fund=F-DC", "--name=双人复核测试", "--year=2024",
                                 "--level=MUNICIPAL", "--purpose=OTHER", "--region=110106", "--budget_fen=1000000",
                                 "--date=2024-01-02"});
  ASSERT_EQ(create.exit_code, 0) << create.err;

  auto allocate = As("finance-1", {"fund", "allocate", "--request_id=A-1", "--fund=F-DC", "--recipient=WUJIN",
                                   "--region=110106", "--amount_fen=100000", "--date=2024-03-01"});
  ASSERT_EQ(allocate.exit_code, 0) << allocate.err;
  EXPECT_THAT(allocate.out, HasSubstr("PENDING_APPROVAL instruction IN-"));
  EXPECT_THAT(allocate.out, HasSubstr("待复核"));
  const std::string in = First(allocate.out, "(IN-[0-9A-Za-z]+)");
  ASSERT_FALSE(in.empty()) << allocate.out;

  auto json = As("finance-1", {"--json", "fund", "allocate", "--request_id=A-1", "--fund=F-DC", "--recipient=WUJIN",
                               "--region=110106", "--amount_fen=100000", "--date=2024-03-01"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"approval_state\":\"PENDING_APPROVAL\""));
  EXPECT_THAT(json.out, HasSubstr("\"instruction_id\":\"" + in + "\""));

  auto show = As("finance-1", {"fund", "show", "F-DC"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("pending 1000.00 元 已申请未审核"));

  auto list = As("finance-2", {"approvals", "list", "--state=PENDING_APPROVAL"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(in));
  EXPECT_THAT(list.out, HasSubstr("pending (待复核): 1 instructions, 1000.00 元"));

  auto own = As("finance-1", {"approvals", "approve", in, "--request_id=OK-0"});
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_THAT(own.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(own.err, HasSubstr("SAME_CALLER"));

  auto approve = As("finance-2", {"approvals", "approve", in, "--request_id=OK-1"});
  ASSERT_EQ(approve.exit_code, 0) << approve.err;
  EXPECT_THAT(approve.out, HasSubstr("POSTED"));
  EXPECT_THAT(approve.out, HasSubstr("approved    by finance-2"));

  auto ledger = As("finance-1", {"--json", "fund", "ledger", "F-DC"});
  ASSERT_EQ(ledger.exit_code, 0) << ledger.err;
  const std::string fa = First(ledger.out, "\"entry_id\":\"(FA-[^\"]+)\"");
  ASSERT_FALSE(fa.empty()) << ledger.out;
  auto table = As("finance-1", {"fund", "ledger", "F-DC"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("ALLOCATION"));
  EXPECT_THAT(table.out, HasSubstr("finance-2"));  // the checker
  EXPECT_THAT(table.out, HasSubstr("2 entries"));  // the budget and the allocation

  auto reverse = As("finance-1", {"fund", "reverse", "--request_id=R-1", "--entry=" + fa, "--date=2024-03-02",
                                  "--reason=错误下达"});
  ASSERT_EQ(reverse.exit_code, 0) << reverse.err;
  EXPECT_THAT(reverse.out, HasSubstr("PENDING_APPROVAL instruction IN-"));
  const std::string rin = First(reverse.out, "(IN-[0-9A-Za-z]+)");
  auto reject = As("finance-2", {"approvals", "reject", rin, "--request_id=NO-1", "--reason=不予冲销"});
  ASSERT_EQ(reject.exit_code, 0) << reject.err;
  EXPECT_THAT(reject.out, HasSubstr("REJECTED"));
  auto again = As("finance-2", {"approvals", "approve", rin, "--request_id=OK-2"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("INSTRUCTION_ALREADY_DECIDED"));

  auto after = As("finance-1", {"fund", "ledger", "F-DC"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, Not(HasSubstr("REVERSAL")));
  auto shown = As("finance-1", {"fund", "show", "F-DC"});
  EXPECT_THAT(shown.out, Not(HasSubstr("已申请未审核")));
}

}  // namespace
}  // namespace subsidy::testing
