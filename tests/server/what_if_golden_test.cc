// The what-if golden cases (tests/golden/what_if_cases.textproto), worked by hand, through the
// service's mapping and the engines; and the forecast of a book with scheduled repayments
// against the engine run quarter by quarter.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "golden_cases.pb.h"
#include "loan/reform.h"
#include "loan/what_if.h"
#include "services/loan_mapping.h"

namespace subsidy::service {
namespace {

std::shared_ptr<const PolicyData> Data() {
  static auto data = PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR);
  EXPECT_TRUE(data.ok()) << data.status();
  return *data;
}

loan::Draft DraftFor(const std::string& id) {
  const auto* text = Data()->FindDraft(id);
  EXPECT_NE(text, nullptr) << id;
  auto d = loan::LoadDraft(text->path, text->text, *Data());
  EXPECT_TRUE(d.ok()) << d.status();
  return *d;
}

TEST(WhatIfGolden, EveryCaseMatchesToTheFen) {
  std::ifstream in(std::string(SUBSIDY_GOLDEN_DIR) + "/what_if_cases.textproto");
  std::stringstream ss;
  ss << in.rdbuf();
  test::WhatIfGoldenFile file;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(ss.str(), &file));
  ASSERT_GE(file.cases_size(), 2);
  for (const auto& c : file.cases()) {
    SCOPED_TRACE(c.name());
    const loan::Draft draft = DraftFor(c.reform_id());
    const Date from = *Date::Parse(c.window().start_date()), to = *Date::Parse(c.window().end_date());
    loan::WhatIf w(loan::QuartersBetween(from, to), *Data(), *draft.data, 100);
    for (const auto& b : c.book()) {
      auto input = LoanInputFromProto(b.loan());
      ASSERT_TRUE(input.ok()) << input.status();
      w.Add({b.bank_id(), *input, std::nullopt, std::nullopt});
    }
    const loan::WhatIfResult r = std::move(w).Finish();
    EXPECT_EQ(r.failed_count, 0);
    ASSERT_EQ(r.quarters.size(), static_cast<size_t>(c.expect_quarters_size()));
    for (size_t q = 0; q < r.quarters.size(); ++q) {
      const auto& e = c.expect_quarters(static_cast<int>(q));
      EXPECT_EQ(r.quarters[q].first().ToString(), e.period().start_date());
      EXPECT_EQ(r.by_quarter[q].in_force.fen(), e.figures().in_force_fen()) << q;
      EXPECT_EQ(r.by_quarter[q].draft.fen(), e.figures().draft_fen()) << q;
      EXPECT_EQ(r.by_quarter[q].difference().fen(), e.figures().difference_fen()) << q;
      EXPECT_EQ(r.by_quarter[q].loans, e.figures().loans()) << q;
    }
    EXPECT_EQ(r.total.in_force.fen(), c.expect_total().in_force_fen());
    EXPECT_EQ(r.total.draft.fen(), c.expect_total().draft_fen());
    EXPECT_EQ(r.total.loans, c.expect_total().loans());
    std::vector<std::string> changed;
    for (const auto& x : r.changed) changed.push_back(x.loan_id);
    EXPECT_EQ(changed, std::vector<std::string>(c.expect_changed().begin(), c.expect_changed().end()));
    // Every breakdown sums to the quarter's figures.
    for (loan::Dimension d : loan::kDimensions) {
      std::vector<int64_t> in_force(r.quarters.size()), drafted(r.quarters.size());
      for (const auto& cell : r.breakdown) {
        if (cell.dimension != d) continue;
        in_force[cell.quarter] += cell.figures.in_force.fen();
        drafted[cell.quarter] += cell.figures.draft.fen();
      }
      for (size_t q = 0; q < r.quarters.size(); ++q) {
        EXPECT_EQ(in_force[q], r.by_quarter[q].in_force.fen()) << loan::DimensionName(d);
        EXPECT_EQ(drafted[q], r.by_quarter[q].draft.fen()) << loan::DimensionName(d);
      }
    }
  }
}

// Split into shards and merged, a what-if gives what one pass gives.
TEST(WhatIf, ShardsMergeToTheWholeAndADraftNeverTouchesWhatIsInForce) {
  const loan::Draft draft = DraftFor("SB-CAP-500");
  const auto quarters = loan::QuartersBetween(*Date::Parse("2022-01-01"), *Date::Parse("2023-12-31"));
  std::vector<loan::BookLoan> book;
  for (int i = 0; i < 60; ++i) {
    loan::LoanInput in;
    in.loan_id = "L" + std::to_string(i);
    in.province = i % 2 ? "41" : "11";
    in.region_tier = i % 2 ? RegionTier::kCentralWest : RegionTier::kEast;
    in.program = i % 3 ? LoanProgram::kSmallBusiness : LoanProgram::kIndividual;
    in.principal = Money::Fen(in.program == LoanProgram::kSmallBusiness ? 100'000'000 * (1 + i % 5) : 15'000'000);
    in.contract_date = in.disbursement_date = Date::FromValidYmd(2021 + i % 2, 1 + i % 12, 5);
    in.maturity_date = in.disbursement_date.AddYears(2);
    in.annual_rate = *Rate::Parse("4.20");
    in.repayments.push_back({in.disbursement_date.AddYears(1), Money::Fen(in.principal.fen() / 4)});
    book.push_back({i % 4 ? "BANK-A" : "BANK-B", in, std::nullopt, std::nullopt});
  }
  loan::WhatIf whole(quarters, *Data(), *draft.data, 10), a(quarters, *Data(), *draft.data, 10),
      b(quarters, *Data(), *draft.data, 10);
  for (size_t i = 0; i < book.size(); ++i) {
    whole.Add(book[i]);
    (i < 25 ? a : b).Add(book[i]);
  }
  a.Merge(std::move(b));
  const auto one = std::move(whole).Finish(), merged = std::move(a).Finish();
  ASSERT_EQ(one.by_quarter.size(), merged.by_quarter.size());
  for (size_t q = 0; q < one.by_quarter.size(); ++q) {
    EXPECT_EQ(one.by_quarter[q].in_force.fen(), merged.by_quarter[q].in_force.fen());
    EXPECT_EQ(one.by_quarter[q].draft.fen(), merged.by_quarter[q].draft.fen());
  }
  EXPECT_EQ(one.total.loans, merged.total.loans);
  EXPECT_EQ(one.changed_count, merged.changed_count);
  EXPECT_GT(one.changed_count, 0);
  EXPECT_GT(one.total.draft.fen(), one.total.in_force.fen());
  // The snapshot in force still refuses a 400万 small-firm loan: the draft is a copy.
  auto match = Data()->loan_regimes().Find("41", LoanProgram::kSmallBusiness, *Date::Parse("2022-06-01"));
  ASSERT_TRUE(match);
  EXPECT_EQ(match->terms->loan_cap.fen(), 300'000'000);
  EXPECT_EQ(match->regime->regime_id, "CN-2020-21");
}

TEST(Reform, ABadDraftIsRefusedNamingItsLine) {
  auto bad = [&](const std::string& text) { return loan::LoadDraft("draft.textproto", text, *Data()).status(); };
  const std::string head = "reform_id: \"X\"\nname: \"测试\"\nregime_id: \"CN-2020-21\"\neffective_date: \"2022-01-01\"\n";
  EXPECT_TRUE(loan::LoadDraft("d", head + "terms { program: \"ENTREPRENEUR_SMALL_BUSINESS\" loan_cap_fen: 400000000 }",
                              *Data()).ok());
  EXPECT_EQ(bad(head).code(), absl::StatusCode::kInvalidArgument);  // changes nothing
  EXPECT_NE(bad(head + "terms { program: \"NOPE\" }").message().find("draft.textproto:5"), std::string::npos);
  EXPECT_FALSE(bad(head + "terms { program: \"ENTREPRENEUR_SMALL_BUSINESS\" subsidy_base_cap_fen: 900000000 }").ok());
  EXPECT_FALSE(bad(head + "terms { program: \"ENTREPRENEUR_SMALL_BUSINESS\" subsidy_share_percent: 0 }").ok());
  // One program's terms twice: which would hold is not for the order of the file to say.
  EXPECT_NE(bad(head + "terms { program: \"ENTREPRENEUR_SMALL_BUSINESS\" subsidy_share_percent: 60 }\n"
                       "terms { program: \"ENTREPRENEUR_SMALL_BUSINESS\" subsidy_share_percent: 70 }").message().find("listed twice"),
            std::string::npos);
  EXPECT_FALSE(bad("reform_id: \"X\"\nname: \"n\"\nregime_id: \"NONE\"\neffective_date: \"2022-01-01\"\nmax_prior_subsidized_loans: 2").ok());
  // After the regime's last contract date the draft would apply to no loan.
  EXPECT_FALSE(bad("reform_id: \"X\"\nname: \"n\"\nregime_id: \"CN-2020-21\"\neffective_date: \"2030-01-01\"\n"
                   "max_prior_subsidized_loans: 2").ok());
}

// The forecast of a book with scheduled repayments equals the engine run on each quarter alone.
TEST(Forecast, TheBookQuarterByQuarterIsTheEngineRunOnEachQuarter) {
  std::vector<loan::BookLoan> book;
  for (int i = 0; i < 12; ++i) {
    loan::LoanInput in;
    in.loan_id = "F" + std::to_string(i);
    in.province = "21";
    in.program = i % 2 ? LoanProgram::kSmallBusiness : LoanProgram::kIndividual;
    in.principal = Money::Fen(i % 2 ? 250'000'000 : 30'000'000);
    in.contract_date = in.disbursement_date = Date::FromValidYmd(2025, 1 + i, 10);
    in.maturity_date = in.disbursement_date.AddYears(3);
    in.annual_rate = *Rate::Parse("3.45");
    for (int k = 1; k <= 5; ++k) {  // a scheduled repayment every half year
      in.repayments.push_back({loan::AddMonths(in.disbursement_date, 6 * k), Money::Fen(in.principal.fen() / 6)});
    }
    book.push_back({"BANK-TBS", in, std::nullopt, std::nullopt});
  }
  const auto quarters = loan::QuartersBetween(*Date::Parse("2026-12-21"), *Date::Parse("2028-12-20"));
  ASSERT_EQ(quarters.size(), 8u);
  loan::Forecast f(quarters, *Data(), 3, 10);
  for (const auto& b : book) f.Add(b);
  const loan::ForecastResult r = std::move(f).Finish();
  EXPECT_EQ(r.failed_count, 0);
  for (size_t q = 0; q < quarters.size(); ++q) {
    int64_t expect = 0;
    for (const auto& b : book) {
      loan::LoanInput in = b.input;
      in.claim_period = quarters[q];
      auto one = loan::CalculateLoanSubsidy(in, *Data());
      ASSERT_TRUE(one.ok()) << one.status();
      expect += one->total_subsidy.fen();
    }
    EXPECT_EQ(r.quarters[q].book.fen(), expect) << quarters[q].ToString();
    ASSERT_LE(r.quarters[q].drivers.size(), 3u);
    for (size_t d = 1; d < r.quarters[q].drivers.size(); ++d) {
      EXPECT_GE(r.quarters[q].drivers[d - 1].subsidy.fen(), r.quarters[q].drivers[d].subsidy.fen());
    }
  }
  EXPECT_GT(r.quarters[0].book.fen(), r.quarters[7].book.fen());  // repayments and terms run down the book
}

TEST(Forecast, NewLendingIsTheAverageLoanTimesItsCountAndTheRemainder) {
  const auto quarters = loan::QuartersBetween(*Date::Parse("2026-12-21"), *Date::Parse("2027-03-20"));
  loan::Forecast f(quarters, *Data(), 0, 10);
  loan::NewLending n;
  n.yearly_principal = Money::Fen(4 * 100'000'000 + 4 * 5'000'000);  // a quarter: 100万 + 5万
  n.mix.push_back({LoanProgram::kIndividual, 100, "11", RegionTier::kEast, Money::Fen(20'000'000), 0, 24, 0});
  ASSERT_TRUE(f.AddNewLending(n).ok());
  const auto r = std::move(f).Finish();
  // Five loans of 20万 and one of 5万, lent 2026-12-21 at the LPR: each the engine's own figure.
  auto one = [&](int64_t principal) {
    loan::LoanInput in;
    in.loan_id = "x";
    in.province = "11";
    in.principal = Money::Fen(principal);
    in.contract_date = in.disbursement_date = quarters[0].first();
    in.maturity_date = loan::AddMonths(in.disbursement_date, 24);
    in.annual_rate = (*Data()->lpr().InForce(in.contract_date))->one_year;
    in.claim_period = quarters[0];
    return loan::CalculateLoanSubsidy(in, *Data())->total_subsidy.fen();
  };
  EXPECT_EQ(r.quarters[0].new_lending.fen(), 5 * one(20'000'000) + one(5'000'000));
  EXPECT_GT(r.quarters[0].new_lending.fen(), 0);
  EXPECT_EQ(loan::AddMonths(*Date::Parse("2024-01-31"), 1).ToString(), "2024-02-29");
}

}  // namespace
}  // namespace subsidy::service
