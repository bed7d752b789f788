// Alerts become cases, through subsidyctl in Chinese: a fund with no performance targets 56 days after
// its budget is swept into a TARGETS_MISSING case (R-TARGETS-30, 蓝), asked about (问询), answered by
// finance (the case names no school or bank), ruled normal (认定), and its history shows the four
// steps in order; the fund's targets are then entered and shown; a bad --finding is a usage error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "support/server_process.h"

namespace subsidy::testing {
namespace {

using ::testing::HasSubstr;

class AlertsCliE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string config = dir_.path() + "/callers.textproto";
    auto token = AddCaller(config, "finance-1", "finance");
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = *token;
    // The clock stands still 56 days after the fund's budget date (2026-01-05).
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db",
                                   .extra_args = {"--auth_config=" + config,
                                                  "--clock_for_tests=2026-03-02T10:00:00+08:00"}});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }

  // subsidyctl as finance-1, in Chinese.
  CtlResult Zh(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server=" + server_->address(), "--token=" + token_});
    return RunCtl(args, "zh_CN.UTF-8");
  }

  static std::string First(const std::string& text, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
  }

  TempDir dir_;
  std::string token_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(AlertsCliE2e, ATargetsMissingCaseIsInquiredAnsweredAndRuledNormal) {
  auto create = Zh({"fund", "create", "--fund=F-AL", "--name=绩效预警测试", "--year=2026", "--level=MUNICIPAL",
                    "--purpose=OTHER", "--region=110106", "--budget_fen=1000000", "--date=2026-01-05"});
  ASSERT_EQ(create.exit_code, 0) << create.err;

  auto sweep = Zh({"alerts", "sweep"});
  ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
  EXPECT_THAT(sweep.out, HasSubstr("截至 2026-03-02：新立案"));

  auto list = Zh({"alerts", "list", "--fund=F-AL", "--kind=targets_missing"});  // any case
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("按等级：蓝 1"));
  EXPECT_THAT(list.out, HasSubstr("按状态：待问询 1"));
  EXPECT_THAT(list.out, HasSubstr("绩效目标未录入"));
  EXPECT_THAT(list.out, HasSubstr("财政部门"));  // who answers: no school or bank
  const std::string case_id = First(list.out, "(AC-[0-9]+)");
  ASSERT_FALSE(case_id.empty()) << list.out;

  auto opened = Zh({"alerts", "show", case_id});
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_THAT(opened.out, HasSubstr("规则 R-TARGETS-30"));
  const std::string alert_id = First(opened.out, "(R-TARGETS-30/F-AL/[0-9-]+)");
  ASSERT_FALSE(alert_id.empty()) << opened.out;

  auto inquire = Zh({"alerts", "inquire", alert_id, "--question=请说明绩效目标未录入的原因"});
  ASSERT_EQ(inquire.exit_code, 0) << inquire.err;
  EXPECT_THAT(inquire.out, HasSubstr(case_id + "  已问询"));
  auto respond = Zh({"alerts", "respond", case_id, "--response=绩效目标正在编制"});
  ASSERT_EQ(respond.exit_code, 0) << respond.err;
  EXPECT_THAT(respond.out, HasSubstr(case_id + "  已回复"));

  auto bad = Zh({"alerts", "rule", case_id, "--finding=MAYBE"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--finding 须为 NORMAL 或 VIOLATION"));  // the clerk's language, as every line here

  auto rule = Zh({"alerts", "rule", case_id, "--finding=normal", "--note=已在编制"});
  ASSERT_EQ(rule.exit_code, 0) << rule.err;

  auto show = Zh({"alerts", "show", case_id});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const size_t header = show.out.find("认定与整改");  // the history's header
  ASSERT_NE(header, std::string::npos) << show.out;
  const std::string history = show.out.substr(header);
  size_t at = 0;
  for (const std::string step : {"待问询", "已问询", "已回复", "认定正常"}) {
    const size_t next = history.find(step, at);
    ASSERT_NE(next, std::string::npos) << step << " after " << at << " in\n" << show.out;
    at = next + step.size();
  }
  EXPECT_THAT(history, HasSubstr("请说明绩效目标未录入的原因"));
  EXPECT_THAT(history, HasSubstr("绩效目标正在编制"));

  auto set = Zh({"fund", "targets", "set", "F-AL", "--indicator=OUT-1", "--kind=output", "--name=受益学生人数",
                 "--unit=人", "--target=1200", "--date=2026-03-02"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto targets = Zh({"fund", "targets", "F-AL"});
  ASSERT_EQ(targets.exit_code, 0) << targets.err;
  EXPECT_THAT(targets.out, HasSubstr("资金 F-AL 的绩效目标（2026-03-02 起录入）"));
  EXPECT_THAT(targets.out, HasSubstr("OUT-1"));
  EXPECT_THAT(targets.out, HasSubstr("产出"));
  EXPECT_THAT(targets.out, HasSubstr("受益学生人数"));
  EXPECT_THAT(targets.out, HasSubstr("1200"));
}

}  // namespace
}  // namespace subsidy::testing
