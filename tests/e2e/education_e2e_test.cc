// EducationFundService end to end: a school year through the real server binary, with
// rejections, replays, concurrent retries and a restart.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "subsidy/v1/common.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

class School {
 public:
  explicit School(std::shared_ptr<grpc::Channel> ch) : stub_(v1::EducationFundService::NewStub(ch)) {}
  grpc::Status Allocate(const std::string& rid, v1::FundSource src, int64_t fen, v1::FundBalance* out) {
    v1::AllocateFundsRequest r;
    r.set_request_id(rid);
    r.set_school_id(kSchool);
    r.set_source(src);
    r.set_amount_fen(fen);
    r.set_date("2024-03-01");
    auto ctx = Call();
    return stub_->AllocateFunds(ctx.get(), r, out);
  }
  grpc::Status Spend(const std::string& rid, const std::string& category, int64_t fen, v1::Expenditure* out) {
    v1::RecordExpenditureRequest r;
    r.set_request_id(rid);
    r.set_school_id(kSchool);
    r.set_category(category);
    r.set_amount_fen(fen);
    r.set_date("2024-04-01");
    auto ctx = Call();
    return stub_->RecordExpenditure(ctx.get(), r, out);
  }
  v1::FundPriority Priority() {
    v1::GetFundPriorityRequest r;
    r.set_school_id(kSchool);
    v1::FundPriority out;
    auto ctx = Call();
    EXPECT_TRUE(stub_->GetFundPriority(ctx.get(), r, &out).ok());
    return out;
  }
  v1::SpendingProgress Progress() {
    v1::GetSpendingProgressRequest r;
    r.set_school_id(kSchool);
    v1::SpendingProgress out;
    auto ctx = Call();
    EXPECT_TRUE(stub_->GetSpendingProgress(ctx.get(), r, &out).ok());
    return out;
  }
  v1::EducationFundService::Stub* stub() { return stub_.get(); }
  static constexpr char kSchool[] = "110106-FT001";

 private:
  std::unique_ptr<v1::EducationFundService::Stub> stub_;
};

std::vector<int64_t> Balances(const v1::FundPriority& p) {
  std::vector<int64_t> out;
  for (const auto& f : p.funds()) out.push_back(f.balance_fen());
  return out;
}

TEST(EducationE2e, ASchoolYearSurvivesRejectionsReplaysAndARestart) {
  TempDir dir;
  const std::string db = dir.path() + "/ledger.db";
  auto server = ServerProcess::Start({.db = db});
  ASSERT_TRUE(server.ok()) << server.status();
  School school((*server)->Channel());

  // A 4,000,000.02 元 grant split 1 : 3 between central direct funds and municipal+district.
  v1::SplitGrantRequest split;
  split.set_total_fen(400'000'002);
  auto* a = split.add_shares();
  a->set_source(v1::CENTRAL_DIRECT);
  a->set_weight(1);
  auto* b = split.add_shares();
  b->set_source(v1::MUNICIPAL);
  b->set_weight(2);
  auto* c = split.add_shares();
  c->set_source(v1::DISTRICT);
  c->set_weight(1);
  v1::SplitGrantResponse parts;
  auto sctx = Call();
  ASSERT_TRUE(school.stub()->SplitGrant(sctx.get(), split, &parts).ok());
  ASSERT_EQ(parts.amounts_size(), 3);
  EXPECT_EQ(parts.amounts(0).amount_fen(), 100'000'001);  // .5 remainders: earlier sources first
  EXPECT_EQ(parts.amounts(1).amount_fen(), 200'000'001);
  EXPECT_EQ(parts.amounts(2).amount_fen(), 100'000'000);
  int64_t sum = 0;
  for (const auto& p : parts.amounts()) sum += p.amount_fen();
  EXPECT_EQ(sum, 400'000'002);

  v1::FundBalance bal;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(school.Allocate("alloc-" + std::to_string(i), parts.amounts(i).source(), parts.amounts(i).amount_fen(), &bal).ok());
  }
  // Spending draws central direct funds first.
  v1::Expenditure e1;
  ASSERT_TRUE(school.Spend("exp-1", "TEACHING", 150'000'000, &e1).ok());
  ASSERT_EQ(e1.draws_size(), 2);
  EXPECT_EQ(e1.draws(0).source(), v1::CENTRAL_DIRECT);
  EXPECT_EQ(e1.draws(0).amount_fen(), parts.amounts(0).amount_fen());  // all the central money
  EXPECT_EQ(e1.draws(1).source(), v1::MUNICIPAL);
  EXPECT_EQ(e1.draws(1).amount_fen(), 150'000'000 - parts.amounts(0).amount_fen());  // the rest

  const auto before = Balances(school.Priority());
  ASSERT_EQ(before.size(), 5u);  // every source, in the spending order
  // A forbidden category and an over-budget attempt change nothing.
  v1::Expenditure x;
  grpc::Status forbidden = school.Spend("exp-forbidden", "STAFF_PAY", 100, &x);
  EXPECT_EQ(forbidden.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(forbidden), "EXPENDITURE_CATEGORY_FORBIDDEN");
  grpc::Status over = school.Spend("exp-over", "REPAIRS", 250'000'003, &x);
  EXPECT_EQ(ReasonOf(over), "INSUFFICIENT_FUNDS");
  grpc::Status unknown = school.Spend("exp-unknown", "PARTY", 1, &x);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Balances(school.Priority()), before);

  // A replay returns the first response; a different payload under the same id is refused.
  v1::Expenditure replay;
  ASSERT_TRUE(school.Spend("exp-1", "TEACHING", 150'000'000, &replay).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(e1, replay));
  grpc::Status reused = school.Spend("exp-1", "TEACHING", 150'000'001, &x);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReasonOf(reused), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(Balances(school.Priority()), before);

  // Concurrent retries: 8 clients send the same 40 expenditures; each applies once.
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      School s((*server)->Channel());
      for (int i = 0; i < 40; ++i) {
        v1::Expenditure out;
        EXPECT_TRUE(s.Spend("utility-" + std::to_string(i), "UTILITIES", 1'000'000 + i, &out).ok());
      }
    });
  }
  for (auto& t : clients) t.join();
  const int64_t utilities = 40 * 1'000'000 + (39 * 40) / 2;
  auto progress = school.Progress();
  EXPECT_EQ(progress.allocated_fen(), 400'000'002);
  EXPECT_EQ(progress.spent_fen(), 150'000'000 + utilities);

  // Restart: every balance is still there, and a replay still answers the first response.
  const auto after = school.Priority();
  ASSERT_EQ((*server)->Stop(), 0);
  auto again = ServerProcess::Start({.db = db});
  ASSERT_TRUE(again.ok()) << again.status();
  School school2((*again)->Channel());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(after, school2.Priority()));
  ASSERT_TRUE(school2.Spend("exp-1", "TEACHING", 150'000'000, &replay).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(e1, replay));
  auto p2 = school2.Progress();
  EXPECT_EQ(p2.spent_fen(), progress.spent_fen());
  // progress = 190,000,780 ÷ 400,000,002 = 47.50 %
  EXPECT_EQ(p2.progress_percent(), "47.50");
  EXPECT_EQ(p2.sources(0).progress_percent(), "100.00");
}

TEST(EducationE2e, BadInputNamesTheField) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok());
  School school((*server)->Channel());
  v1::FundBalance bal;
  EXPECT_EQ(school.Allocate("", v1::MUNICIPAL, 1, &bal).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(school.Allocate("r", v1::FUND_SOURCE_UNSPECIFIED, 1, &bal).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(school.Allocate("r", v1::MUNICIPAL, 0, &bal).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::SplitGrantRequest split;
  split.set_total_fen(10);
  v1::SplitGrantResponse parts;
  auto ctx = Call();
  grpc::Status s = school.stub()->SplitGrant(ctx.get(), split, &parts);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("shares"));
}

// ListExpenditureCategories answers the data's categories (data/education.textproto, read here):
// each with the sources that may pay it, and those with none forbidden (the negative list).
TEST(EducationE2e, ExpenditureCategoriesAreTheDatasWithTheSourcesThatMayPayThem) {
  struct Row {
    std::set<std::string> sources;
    std::string status;
  };
  std::map<std::string, Row> data;
  std::ifstream in(std::string(SUBSIDY_DATA_DIR) + "/education.textproto");
  static const std::regex kCategory(R"re(^categories \{ code: "([A-Z_]+)"(.*)\}\s*(#.*)?$)re");  // a comment may follow
  static const std::regex kSources(R"re(permitted_sources: \[([^\]]*)\])re");
  static const std::regex kStatus(R"re(status: "([CPU])")re");
  static const std::regex kQuoted(R"re("([A-Z_]+)")re");
  for (std::string line; std::getline(in, line);) {
    std::smatch m, sources, status;
    if (!std::regex_match(line, m, kCategory)) continue;
    const std::string rest = m[2].str();
    Row row;
    if (std::regex_search(rest, sources, kSources)) {
      const std::string list = sources[1].str();
      for (std::sregex_iterator it(list.begin(), list.end(), kQuoted), end; it != end; ++it) {
        row.sources.insert((*it)[1].str());
      }
    }
    if (std::regex_search(rest, status, kStatus)) row.status = status[1].str();
    data[m[1].str()] = row;
  }
  ASSERT_GE(data.size(), 10u) << "the data's categories were not read";
  ASSERT_TRUE(data.count("STAFF_PAY") && data.at("STAFF_PAY").sources.empty());  // the negative list

  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  v1::ListExpenditureCategoriesResponse categories;
  const grpc::Status s = v1::EducationFundService::NewStub((*server)->Channel())
                             ->ListExpenditureCategories(Call().get(), {}, &categories);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(categories.data_version().size(), 16u);
  ASSERT_EQ(static_cast<size_t>(categories.categories_size()), data.size());
  for (const auto& c : categories.categories()) {
    SCOPED_TRACE(c.code());
    ASSERT_TRUE(data.count(c.code())) << "not a category of the data";
    const Row& want = data.at(c.code());
    std::set<std::string> sources;
    for (int source : c.permitted_sources()) sources.insert(v1::FundSource_Name(static_cast<v1::FundSource>(source)));
    EXPECT_EQ(sources, want.sources);
    EXPECT_EQ(static_cast<size_t>(c.permitted_sources_size()), want.sources.size());  // each once
    EXPECT_EQ(c.forbidden(), want.sources.empty());
    EXPECT_EQ(c.status(), want.status);
    EXPECT_FALSE(c.name().empty());
    EXPECT_FALSE(c.source().empty());
  }
}

// A school year the data has no per-pupil standard for is refused with its reason, never guessed:
// the public-expense benchmarks start with 2016 (data/education.textproto).
TEST(EducationE2e, AYearWithoutAStandardIsEducationStandardNotAvailable) {
  TempDir dir;
  auto server = ServerProcess::Start({.db = dir.path() + "/ledger.db"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::EducationFundService::NewStub((*server)->Channel());
  v1::EducationEntitlementRequest req;
  req.set_school_id("410102-E1");
  req.set_province("41");
  req.set_primary_pupils(200);
  req.set_school_year("2015");
  v1::EducationEntitlement out;
  const grpc::Status refused = stub->ComputeEducationEntitlement(Call().get(), req, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << refused.error_message();
  EXPECT_EQ(ReasonOf(refused), "EDUCATION_STANDARD_NOT_AVAILABLE");
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("2015"));
  // The same school in 2024: 200 primary pupils at the 2024 benchmark of 720 元 (PE-2024-PRIMARY).
  req.set_school_year("2024");
  const grpc::Status computed = stub->ComputeEducationEntitlement(Call().get(), req, &out);
  ASSERT_TRUE(computed.ok()) << computed.error_message();
  int64_t total = 0;
  bool public_expense = false;
  for (const auto& line : out.lines()) {
    total += line.amount_fen();
    if (line.item() != "PUBLIC_EXPENSE_PRIMARY") continue;
    public_expense = true;
    EXPECT_EQ(line.quantity(), 200);
    EXPECT_EQ(line.rate_fen(), 72'000);
    EXPECT_EQ(line.amount_fen(), 200 * 72'000);
  }
  EXPECT_TRUE(public_expense) << out.ShortDebugString();
  EXPECT_EQ(out.total_fen(), total);
  EXPECT_EQ(out.central_fen() + out.local_fen(), out.total_fen());
}

}  // namespace
}  // namespace subsidy::testing
