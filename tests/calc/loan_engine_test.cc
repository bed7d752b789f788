// Unit and property tests of the loan engine (calc/loan).
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "common/status_util.h"
#include "loan/loan_engine.h"
#include "support/seed.h"

namespace subsidy::loan {
namespace {

Date D(const char* s) { return *Date::Parse(s); }
DateRange R(const char* a, const char* b) { return *DateRange::Make(D(a), D(b)); }

const PolicyData& Data() {
  static auto* data = new std::shared_ptr<const PolicyData>(*PolicyData::LoadFromDirectory(SUBSIDY_DATA_DIR));
  return **data;
}

LoanInput Individual() {
  LoanInput in;
  in.loan_id = "T";
  in.province = "41";
  in.region_tier = RegionTier::kCentralWest;
  in.program = LoanProgram::kIndividual;
  in.principal = Money::Fen(20'000'000);
  in.contract_date = in.disbursement_date = D("2024-01-10");
  in.maturity_date = D("2027-01-10");
  in.annual_rate = *Rate::Parse("4.20");
  return in;
}

// A fixture stated here, not loaded from data/: one province, one regime, two LPR fixings.
std::shared_ptr<const PolicyData> OneRegime() {
  LoanRegime regime;
  regime.regime_id = "TEST-REGIME";
  regime.default_window = R("2024-01-01", "2025-12-31");
  regime.spread_central_west_bp = 300;
  regime.max_prior_subsidized_loans = 3;
  ProgramTerms terms;
  terms.program = LoanProgram::kIndividual;
  terms.formula = SubsidyFormula::kLprHalf;
  terms.loan_cap = Money::Fen(30'000'000);
  terms.subsidy_base_cap = Money::Fen(30'000'000);
  terms.subsidy_term_years = 3;
  regime.terms.push_back(terms);
  return PolicyDataBuilder()
      .Province({"41", "河南", SharingTier::kOther, EconomicRegion::kCentral})
      .LoanRegimes(*LoanRegimeTable::Build({regime}))
      .Lpr(*LprTable::Build({{D("2024-01-01"), *Rate::Parse("3.45"), *Rate::Parse("3.95"), Certainty::kConfirmed, "t"},
                             {D("2025-01-01"), *Rate::Parse("3.10"), *Rate::Parse("3.60"), Certainty::kConfirmed, "t"}},
                            D("2025-06-30")))
      .Build();
}

TEST(LoanEngineFixture, ALoanOfAtMostOneYearUsesTheOneYearLprWhateverIsAsked) {
  const auto data = OneRegime();
  LoanInput in = Individual();
  in.lpr_tenor = LprTenor::kFiveYear;
  in.maturity_date = D("2025-01-10");  // exactly one year
  auto r = CalculateLoanSubsidy(in, *data);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->regime_id, "TEST-REGIME");
  EXPECT_EQ(r->lpr->ToString(), "3.45");
  EXPECT_EQ(r->ceiling->ToString(), "6.45");  // LPR + 300 bp
  EXPECT_EQ(r->subsidy_rate.ToString(), "1.725");  // half the LPR
  in.maturity_date = D("2025-01-11");  // a day longer: the tenor asked for stands
  EXPECT_EQ(CalculateLoanSubsidy(in, *data)->lpr->ToString(), "3.95");
  const LoanTerms terms = TermsFor(*data, "41", LoanProgram::kIndividual, RegionTier::kCentralWest, D("2024-01-10"),
                                   LprTenor::kFiveYear, std::make_pair(D("2024-01-10"), D("2025-01-10")));
  EXPECT_EQ(terms.tenor, LprTenor::kOneYear);
}

TEST(LoanEngineFixture, AContractBeforeTheFirstFixingIsNotGuessed) {
  const auto data = OneRegime();
  LoanInput in = Individual();
  in.contract_date = D("2023-12-31");  // no regime and no LPR then
  auto r = CalculateLoanSubsidy(in, *data);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->eligible);
  EXPECT_EQ(r->reasons[0].code, kNoApplicableRegime);
  EXPECT_FALSE(r->lpr.has_value());
}

TEST(LoanEngine, SubsidisedDaysLeaveOutOverdueDays) {
  LoanInput in = Individual();
  in.claim_period = R("2024-03-21", "2024-06-20");  // 92 days
  in.overdue_periods = {R("2024-04-01", "2024-04-10")};
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->periods.size(), 1u);
  EXPECT_EQ(r->periods[0].days, 92);
  EXPECT_EQ(r->periods[0].subsidy_days, 82);
  in.annual_rate = *Rate::Parse("99");  // above the ceiling: not eligible, no subsidised day
  EXPECT_EQ(CalculateLoanSubsidy(in, Data())->periods[0].subsidy_days, 0);
}

TEST(SettlementPeriod, TwentyFirstToTwentieth) {
  EXPECT_EQ(SettlementPeriodContaining(D("2024-03-20")), R("2023-12-21", "2024-03-20"));
  EXPECT_EQ(SettlementPeriodContaining(D("2024-03-21")), R("2024-03-21", "2024-06-20"));
  EXPECT_EQ(SettlementPeriodContaining(D("2024-09-20")), R("2024-06-21", "2024-09-20"));
  EXPECT_EQ(SettlementPeriodContaining(D("2024-12-20")), R("2024-09-21", "2024-12-20"));
  EXPECT_EQ(SettlementPeriodContaining(D("2024-12-21")), R("2024-12-21", "2025-03-20"));
  EXPECT_EQ(SettlementPeriodContaining(D("2024-01-01")), R("2023-12-21", "2024-03-20"));
}

TEST(LoanEngine, CountsTheFirstDayNotTheLast) {
  LoanInput in = Individual();
  in.maturity_date = D("2024-01-11");
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->periods.size(), 1u);
  EXPECT_EQ(r->periods[0].days, 1);
  EXPECT_EQ(r->periods[0].range, R("2024-01-10", "2024-01-10"));
  // 200,000 元 × 4.20 % ÷ 360 = 23.333… 元 → 2333 分
  EXPECT_EQ(r->periods[0].interest.fen(), 2333);
}

TEST(LoanEngine, PeriodsAreClippedToTheClaimWindow) {
  LoanInput in = Individual();
  in.claim_period = R("2024-05-01", "2024-07-31");
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->periods.size(), 2u);
  EXPECT_EQ(r->periods[0].range, R("2024-05-01", "2024-06-20"));
  EXPECT_EQ(r->periods[0].days, 51);
  EXPECT_EQ(r->periods[1].range, R("2024-06-21", "2024-07-31"));
  EXPECT_EQ(r->periods[1].days, 41);
}

TEST(LoanEngine, AWindowWithNoAccrualDayHasNoPeriods) {
  LoanInput in = Individual();
  in.claim_period = R("2023-01-01", "2023-12-31");
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->periods.empty());
  EXPECT_EQ(r->total_interest.fen(), 0);
}

TEST(LoanEngine, IneligibleLoansStillGetTheirInterest) {
  LoanInput in = Individual();
  in.annual_rate = *Rate::Parse("9.00");
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->eligible);
  EXPECT_EQ(r->reasons.at(0).code, kRateAboveCeiling);
  EXPECT_GT(r->total_interest.fen(), 0);
  EXPECT_EQ(r->total_subsidy.fen(), 0);
  EXPECT_EQ(r->subsidy_rate, Rate::Zero());
}

TEST(LoanEngine, ListsEveryBlockingReason) {
  LoanInput in = Individual();
  in.annual_rate = *Rate::Parse("9.00");
  in.principal = Money::Fen(40'000'000);
  in.prior_subsidized_loans = 5;
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->reasons.size(), 3u);
  EXPECT_EQ(r->reasons[0].code, kRateAboveCeiling);
  EXPECT_EQ(r->reasons[1].code, kPrincipalAboveCap);
  EXPECT_EQ(r->reasons[2].code, kPriorLoansLimit);
}

TEST(LoanEngine, BadInputNamesTheField) {
  LoanInput in = Individual();
  in.repayments = {{D("2024-02-01"), Money::Fen(1)}, {D("2027-01-11"), Money::Fen(1)}};
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(r.status()), "repayments[1].date");
}

// Each loan the engine cannot compute is refused naming the field, with the reason a person
// reads it by (data/messages.textproto) and that reason's parameters.
TEST(LoanEngine, EveryBadLoanHasItsFieldAndReason) {
  struct Case {
    const char* field;
    const char* reason;
    std::function<void(LoanInput&)> spoil;
    StatusParams params = {};
  };
  const std::vector<Case> cases = {
      {"principal_fen", kLoanPrincipalNotPositive, [](LoanInput& in) { in.principal = Money::Fen(0); }},
      {"principal_fen", kLoanPrincipalTooLarge, [](LoanInput& in) { in.principal = Money::Fen(kMaxPrincipalFen + 1); },
       {{"max_yuan", Money::Fen(kMaxPrincipalFen).ToYuanString()}}},
      {"province", kLoanUnknownProvince, [](LoanInput& in) { in.province = "71"; }, {{"province", "71"}}},
      {"partner_count", kLoanCountNegative, [](LoanInput& in) { in.partner_count = -1; }},
      {"prior_subsidized_loans", kLoanCountNegative, [](LoanInput& in) { in.prior_subsidized_loans = -1; }},
      {"partner_count", kLoanPartnershipNeedsPartners,
       [](LoanInput& in) {
         in.program = LoanProgram::kPartnership;
         in.partner_count = 1;
       }},
      {"disbursement_date", kLoanDisbursedBeforeContract, [](LoanInput& in) { in.disbursement_date = D("2024-01-09"); }},
      {"maturity_date", kLoanMaturityNotAfterDisbursement, [](LoanInput& in) { in.maturity_date = D("2024-01-10"); }},
      {"repayments[1].date", kLoanRepaymentOutsideLife,
       [](LoanInput& in) { in.repayments = {{D("2024-02-01"), Money::Fen(1)}, {D("2027-01-11"), Money::Fen(1)}}; },
       {{"item", "2"}, {"date", "2027-01-11"}}},
      {"repayments[0].principal_fen", kLoanRepaymentNotPositive,
       [](LoanInput& in) { in.repayments = {{D("2024-02-01"), Money::Fen(0)}}; }, {{"item", "1"}, {"date", "2024-02-01"}}},
      {"repayments[1].principal_fen", kLoanRepaymentsAbovePrincipal,
       [](LoanInput& in) {
         in.repayments = {{D("2024-02-01"), Money::Fen(10'000'000)}, {D("2024-03-01"), Money::Fen(10'000'001)}};
       },
       {{"item", "2"}, {"date", "2024-03-01"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    LoanInput in = Individual();
    c.spoil(in);
    auto r = CalculateLoanSubsidy(in, Data());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(r.status()), c.field);
    EXPECT_EQ(ReasonOf(r.status()), c.reason);
    EXPECT_EQ(ParamsOf(r.status()), c.params);
    EXPECT_TRUE(Data().messages().Has(MessageKind::kReason, c.reason));
  }
}

// A blocking reason carries what its text is filled with: the rate and the ceiling, the cap.
TEST(LoanEngine, ReasonsCarryTheirParameters) {
  LoanInput in = Individual();
  in.annual_rate = *Rate::Parse("9.99");
  in.principal = Money::Fen(60'000'000);
  auto r = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GE(r->reasons.size(), 2u);
  EXPECT_EQ(r->reasons[0].code, kRateAboveCeiling);
  EXPECT_EQ(r->reasons[0].params.at("rate_percent"), "9.99");
  EXPECT_EQ(r->reasons[0].params.at("ceiling_percent"), r->ceiling->ToString());
  EXPECT_EQ(r->reasons[1].code, kPrincipalAboveCap);
  EXPECT_EQ(r->reasons[1].params.at("principal_yuan"), "600000.00");
  EXPECT_EQ(Data().messages().Render(MessageKind::kReason, kRateAboveCeiling, Language::kZhCn, r->reasons[0].params),
            "贷款年利率 9.99% 超过政策规定的利率上限 " + r->ceiling->ToString() + "%，不予贴息。");
}

TEST(LoanEngine, RepaymentOnMaturityIsAccepted) {
  LoanInput in = Individual();
  in.repayments = {{in.maturity_date, in.principal}};
  EXPECT_TRUE(CalculateLoanSubsidy(in, Data()).ok());
}

TEST(Caps, PartnershipScalesWithPartnersUpToTheCeiling) {
  const auto match = Data().loan_regimes().Find("41", LoanProgram::kPartnership, D("2024-01-10"));
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(CapsFor(*match->terms, 2).loan_cap.fen(), 66'000'000);   // 2 × 30万 × 1.1
  EXPECT_EQ(CapsFor(*match->terms, 12).loan_cap.fen(), 396'000'000); // 12 × 33万
  EXPECT_EQ(CapsFor(*match->terms, 13).loan_cap.fen(), 400'000'000); // capped at 400万
  EXPECT_EQ(CapsFor(*match->terms, 1'000'000'000).loan_cap.fen(), 400'000'000);
}

TEST(SubsidyRate, Formulas) {
  const Rate lpr = *Rate::Parse("3.45");
  EXPECT_EQ(SubsidyRateFor(SubsidyFormula::kRateHalf, *Rate::Parse("4.95"), lpr)->ToString(), "2.475");
  EXPECT_EQ(SubsidyRateFor(SubsidyFormula::kRateAboveLprMinus150bp, *Rate::Parse("4.95"), lpr)->ToString(), "3.00");
  EXPECT_EQ(SubsidyRateFor(SubsidyFormula::kRateAboveLprMinus150bp, *Rate::Parse("1.50"), lpr)->ToString(), "0.00");
  EXPECT_EQ(SubsidyRateFor(SubsidyFormula::kLprHalf, *Rate::Parse("4.95"), lpr)->ToString(), "1.725");
  // Never above the contract rate.
  EXPECT_EQ(SubsidyRateFor(SubsidyFormula::kLprHalf, *Rate::Parse("1.00"), lpr)->ToString(), "1.00");
  EXPECT_EQ(SubsidyRateFor(SubsidyFormula::kContractRate, *Rate::Parse("3.65"), lpr)->ToString(), "3.65");
}

// ---- Property tests over random loans -------------------------------------------------------

LoanInput RandomLoan(std::mt19937& rng) {
  auto U = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  LoanInput in = Individual();
  static const LoanProgram kPrograms[] = {LoanProgram::kIndividual, LoanProgram::kPartnership,
                                          LoanProgram::kSmallBusiness, LoanProgram::kPovertyMicrocredit};
  in.program = kPrograms[U(0, 3)];
  in.partner_count = in.program == LoanProgram::kPartnership ? U(2, 6) : 0;
  static const char* kProvinces[] = {"41", "32", "51", "31"};
  in.province = kProvinces[U(0, 3)];
  in.principal = Money::Fen(int64_t{U(1, 5000)} * 10'000);
  in.contract_date = D("2021-01-01").AddDays(U(0, 1800));
  in.disbursement_date = in.contract_date.AddDays(U(0, 10));
  in.maturity_date = in.disbursement_date.AddDays(U(30, 1500));
  in.annual_rate = Rate::FromUnits(int64_t{U(150, 600)} * 1'000'000);
  in.day_count = U(0, 1) ? DayCount::kAct365 : DayCount::kAct360;
  const int life = DaysBetween(in.disbursement_date, in.maturity_date);
  int64_t left = in.principal.fen();
  for (int k = U(0, 3); k > 0 && left > 0; --k) {
    const int64_t amount = std::uniform_int_distribution<int64_t>(1, left)(rng);
    in.repayments.push_back({in.disbursement_date.AddDays(U(0, life)), Money::Fen(amount)});
    left -= amount;
  }
  if (U(0, 2) == 0) {
    const Date a = in.disbursement_date.AddDays(U(0, life));
    in.overdue_periods.push_back(*DateRange::Make(a, a.AddDays(U(0, 60))));
  }
  return in;
}

TEST(LoanProperties, BorrowerPlusSubsidyIsInterestAndSubsidyNeverExceedsIt) {
  const uint64_t seed = subsidy::testing::TestSeed(7);
  SCOPED_TRACE(subsidy::testing::SeedTrace(seed));
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  for (int i = 0; i < 3000; ++i) {
    auto r = CalculateLoanSubsidy(RandomLoan(rng), Data());
    ASSERT_TRUE(r.ok()) << r.status();
    int64_t ti = 0, ts = 0, tb = 0;
    for (const auto& p : r->periods) {
      EXPECT_EQ(p.borrower.fen() + p.subsidy.fen(), p.interest.fen());
      EXPECT_LE(p.subsidy, p.interest);
      EXPECT_GE(p.subsidy.fen(), 0);
      EXPECT_GT(p.days, 0);
      ti += p.interest.fen();
      ts += p.subsidy.fen();
      tb += p.borrower.fen();
    }
    EXPECT_EQ(ti, r->total_interest.fen());
    EXPECT_EQ(ts, r->total_subsidy.fen());
    EXPECT_EQ(tb, r->total_borrower.fen());
    if (!r->eligible) {
      EXPECT_EQ(ts, 0);
    }
  }
}

TEST(LoanProperties, SplittingTheWindowAtSettlementBoundariesGivesTheSamePeriods) {
  const uint64_t seed = subsidy::testing::TestSeed(11);
  SCOPED_TRACE(subsidy::testing::SeedTrace(seed));
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  for (int i = 0; i < 500; ++i) {
    LoanInput in = RandomLoan(rng);
    auto whole = CalculateLoanSubsidy(in, Data());
    ASSERT_TRUE(whole.ok());
    std::vector<PeriodResult> pieces;
    // One claim per settlement period over the life of the loan.
    for (DateRange p = SettlementPeriodContaining(in.disbursement_date); p.first() < in.maturity_date;
         p = SettlementPeriodContaining(p.last().AddDays(1))) {
      LoanInput part = in;
      part.claim_period = p;
      auto r = CalculateLoanSubsidy(part, Data());
      ASSERT_TRUE(r.ok());
      pieces.insert(pieces.end(), r->periods.begin(), r->periods.end());
    }
    ASSERT_EQ(pieces.size(), whole->periods.size());
    for (size_t k = 0; k < pieces.size(); ++k) {
      // The whole-life window is clipped to disbursement … maturity − 1, each claim to its period.
      EXPECT_TRUE(pieces[k].range.Contains(whole->periods[k].range.first()));
      EXPECT_TRUE(pieces[k].range.Contains(whole->periods[k].range.last()));
      EXPECT_EQ(pieces[k].days, whole->periods[k].days);
      EXPECT_EQ(pieces[k].interest, whole->periods[k].interest);
      EXPECT_EQ(pieces[k].subsidy, whole->periods[k].subsidy);
    }
  }
}

TEST(LoanProperties, SameInputSameAnswer) {
  const uint64_t seed = subsidy::testing::TestSeed(3);
  SCOPED_TRACE(subsidy::testing::SeedTrace(seed));
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  const LoanInput in = RandomLoan(rng);
  auto a = CalculateLoanSubsidy(in, Data());
  auto b = CalculateLoanSubsidy(in, Data());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->total_interest, b->total_interest);
  EXPECT_EQ(a->total_subsidy, b->total_subsidy);
}

}  // namespace
}  // namespace subsidy::loan
