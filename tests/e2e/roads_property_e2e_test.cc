// A property test of "every 分 by one road": random interleavings of every road that moves a
// fund's money (allocations to units, schools, a reward policy and a bank; direct payments; school
// expenditures and their reversals; determinations and disbursement runs; bank claims approved
// with the fund; reversals of fund entries), dated at random in the past, on SQLite and on two
// replicas over one PostgreSQL. After them, for every month's end and every day a posting was
// dated: the execution report equals an independent model built from the answers alone, paid never
// exceeds allocated (for the fund and for each recipient), and no school's ledger runs negative.
// The seed is printed on failure; SUBSIDY_SEED replays one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/loan.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/backends.h"
#include "support/calls.h"
#include "support/postgres_server.h"
#include "support/seed.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

std::string Day(int day_of_2024) {  // 1 … 366
  static const int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0;
  while (day_of_2024 > kMonthDays[m]) day_of_2024 -= kMonthDays[m++];
  return absl::StrFormat("2024-%02d-%02d", m + 1, day_of_2024);
}

// The model: every accepted posting's movement of the fund, by date.
struct Model {
  std::map<std::string, int64_t> allocated, paid;  // date → delta
  int64_t Sum(const std::map<std::string, int64_t>& m, const std::string& as_of) const {
    int64_t s = 0;
    for (const auto& [d, v] : m) {
      if (d <= as_of) s += v;
    }
    return s;
  }
};

class RoadsPropertyE2e : public BackendsTest {
 protected:};

TEST_P(RoadsPropertyE2e, RandomInterleavingsOfEveryRoadKeepEveryDayTrue) {
  const uint64_t seed = RandomTestSeed();  // new cases every run; the trace names the failing seed
  SCOPED_TRACE(SeedTrace(seed));
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto funds = [&] { return v1::FundService::NewStub(Next()); };
  auto edu = [&] { return v1::EducationFundService::NewStub(Next()); };
  v1::Fund fund;
  ASSERT_TRUE(
      funds()->CreateFund(Call().get(), NewFund("ROADS", v1::Fund::DISTRICT, v1::Fund::OTHER, 100'000'000, 2024), &fund)
          .ok());
  auto rewards = [&] { return v1::RewardPayoutService::NewStub(Next()); };
  auto loans = [&] { return v1::LoanSubsidyService::NewStub(Next()); };
  std::vector<std::string> claims;  // submitted with the fund, not yet reviewed
  // Once a fund allocates to the policy for 2024, its awards are that money's (before, the data's
  // budget pays them, outside any fund): determinations and runs wait for it.
  bool policy_funded = false;
  Model model;
  std::set<std::string> dates = {"2024-01-02"};
  struct Posted {
    std::string id;
    std::string date;
  };
  std::vector<Posted> allocations, payments, expenditures;
  int accepted = 0, refused = 0;
  constexpr int kOps = 160;
  for (int op = 0; op < kOps; ++op) {
    const std::string rid = absl::StrCat("op-", op);
    const std::string date = Day(3 + pick(360));
    const int64_t fen = 1'000 * (1 + pick(60));
    grpc::Status s;
    switch (pick(11)) {
      case 0: {  // an allocation to a unit
        v1::AllocateFundRequest r;
        r.set_request_id(rid);
        r.set_fund_id("ROADS");
        r.set_recipient_kind(v1::FundAllocation::UNIT);
        r.set_recipient_id(absl::StrCat("U", pick(3)));
        r.set_region_code("110106");
        r.set_amount_fen(fen);
        r.set_date(date);
        v1::FundAllocation out;
        s = funds()->AllocateFund(Call().get(), r, &out);
        if (s.ok()) {
          model.allocated[date] += fen;
          allocations.push_back({out.allocation_id(), date});
        }
        break;
      }
      case 1: {  // an allocation to a school, its ledger's too
        v1::AllocateFundsRequest r;
        r.set_request_id(rid);
        r.set_school_id(absl::StrCat("110106-S", pick(2)));
        r.set_source(v1::DISTRICT);
        r.set_amount_fen(fen);
        r.set_date(date);
        r.set_fund_id("ROADS");
        v1::FundBalance out;
        s = edu()->AllocateFunds(Call().get(), r, &out);
        if (s.ok()) {
          model.allocated[date] += fen;
          allocations.push_back({out.fund_allocation_id(), date});
        }
        break;
      }
      case 2: {  // a direct payment to a unit
        v1::RecordFundPaymentRequest r;
        r.set_request_id(rid);
        r.set_fund_id("ROADS");
        r.set_recipient_id(absl::StrCat("U", pick(3)));
        r.set_amount_fen(fen / 2);
        r.set_date(date);
        v1::FundPayment out;
        s = funds()->RecordFundPayment(Call().get(), r, &out);
        if (s.ok()) {
          model.paid[date] += fen / 2;
          payments.push_back({out.payment_id(), date});
        }
        break;
      }
      case 3: {  // a school's expenditure, its fund money first
        v1::RecordExpenditureRequest r;
        r.set_request_id(rid);
        r.set_school_id(absl::StrCat("110106-S", pick(2)));
        r.set_category("TEACHING");
        r.set_amount_fen(fen / 2);
        r.set_date(date);
        v1::Expenditure out;
        s = edu()->RecordExpenditure(Call().get(), r, &out);
        if (s.ok()) {
          for (const auto& p : out.fund_payments()) model.paid[date] += p.amount_fen();
          expenditures.push_back({out.expenditure_id(), date});
        }
        break;
      }
      case 4: {  // an expenditure reversed, on a day not before it
        if (expenditures.empty()) continue;
        const Posted& e = expenditures[pick(static_cast<int>(expenditures.size()))];
        const std::string on = std::max(e.date, date);
        v1::ReverseExpenditureRequest r;
        r.set_request_id(rid);
        r.set_expenditure_id(e.id);
        r.set_date(on);
        r.set_reason("property");
        v1::Expenditure out;
        s = edu()->ReverseExpenditure(Call().get(), r, &out);
        if (s.ok()) {
          for (const auto& p : out.fund_payments()) model.paid[on] -= p.amount_fen();
        }
        break;
      }
      case 6: {  // money for a reward policy's year
        v1::AllocateFundRequest r;
        r.set_request_id(rid);
        r.set_fund_id("ROADS");
        r.set_recipient_kind(v1::FundAllocation::REWARD_POLICY);
        r.set_recipient_id("YC-ABOVE-SCALE-ENTRY");
        r.set_region_code("110106");
        r.set_amount_fen(20'000'000);
        r.set_date(date);
        v1::FundAllocation out;
        s = funds()->AllocateFund(Call().get(), r, &out);
        if (s.ok()) {
          model.allocated[date] += 20'000'000;
          allocations.push_back({out.allocation_id(), date});
          policy_funded = true;
        }
        break;
      }
      case 7: {
        if (!policy_funded) continue;  // an enterprise determined (a commitment, no money moves yet)
        v1::SubmitDeterminationRequest r;
        r.set_request_id(rid);
        r.set_policy_id("YC-ABOVE-SCALE-ENTRY");
        r.set_enterprise_uscc(TestUscc(op));
        r.set_enterprise_name("企业");
        r.set_determination_date(date);
        v1::Payout out;
        s = rewards()->SubmitDetermination(Call().get(), r, &out);
        break;
      }
      case 8: {  // a disbursement run: what it pays is the fund's payment on its day
        if (!policy_funded) continue;
        v1::RunDisbursementRequest r;
        r.set_request_id(rid);
        r.set_payment_date(date);
        v1::RunDisbursementResponse out;
        s = rewards()->RunDisbursement(Call().get(), r, &out);
        if (s.ok()) model.paid[date] += out.paid_fen();
        break;
      }
      case 9: {  // a bank's quarterly claim, paid from the fund when approved
        if (!claims.empty() && pick(2) == 0) {
          const std::string id = claims.back();
          v1::ReviewLoanSubsidyClaimRequest r;
          r.set_request_id(rid);
          r.set_claim_id(id);
          r.set_decision(v1::ReviewLoanSubsidyClaimRequest::APPROVE);
          r.set_payment_date(date);
          v1::LoanSubsidyClaim out;
          s = loans()->ReviewLoanSubsidyClaim(Call().get(), r, &out);
          if (s.ok()) {
            model.paid[date] += out.total_subsidy_fen();
            claims.pop_back();
          }
          break;
        }
        v1::AllocateFundRequest a;
        a.set_request_id(rid + "-a");
        a.set_fund_id("ROADS");
        a.set_recipient_kind(v1::FundAllocation::BANK);
        a.set_recipient_id("VB-P");
        a.set_region_code("110106");
        a.set_amount_fen(fen * 10);
        a.set_date("2024-01-05");
        v1::FundAllocation allocated;
        if (funds()->AllocateFund(Call().get(), a, &allocated).ok()) {
          model.allocated["2024-01-05"] += fen * 10;
          allocations.push_back({allocated.allocation_id(), "2024-01-05"});
        }
        v1::SubmitLoanSubsidyClaimRequest c;
        c.set_request_id(rid);
        c.set_bank_id("VB-P");
        c.set_fund_id("ROADS");
        c.mutable_settlement_period()->set_start_date("2024-03-21");
        c.mutable_settlement_period()->set_end_date("2024-06-20");
        auto* l = c.add_loans();
        l->set_loan_id(absl::StrCat("P", op));
        l->set_province("41");
        l->set_region_tier(v1::CENTRAL_WEST);
        l->set_program(v1::ENTREPRENEUR_INDIVIDUAL);
        l->set_principal_fen(10'000'000);
        l->set_contract_date("2024-01-10");
        l->set_disbursement_date("2024-01-10");
        l->set_maturity_date("2026-01-10");
        l->set_annual_rate_percent("4.35");
        v1::LoanSubsidyClaim out;
        s = loans()->SubmitLoanSubsidyClaim(Call().get(), c, &out);
        if (s.ok()) claims.push_back(out.claim_id());
        break;
      }
      default: {  // a fund entry (a unit's payment or any allocation) reversed
        std::vector<Posted>& from = pick(2) == 0 && !payments.empty() ? payments : allocations;
        if (from.empty()) continue;
        const Posted& e = from[pick(static_cast<int>(from.size()))];
        const std::string on = std::max(e.date, date);
        v1::ReverseFundEntryRequest r;
        r.set_request_id(rid);
        r.set_entry_id(e.id);
        r.set_date(on);
        r.set_reason("property");
        v1::FundEntry out;
        s = funds()->ReverseFundEntry(Call().get(), r, &out);
        if (s.ok()) {
          (out.reverses_kind() == v1::FundEntry::PAYMENT ? model.paid : model.allocated)[on] -= out.amount_fen();
        }
        break;
      }
    }
    if (std::getenv("SUBSIDY_TRACE")) std::cerr << rid << " " << date << " " << fen << " -> " << s.error_code() << " " << s.error_message() << "\n";
    if (s.ok()) {
      ++accepted;
      dates.insert(date);
    } else {
      ++refused;
      // A refusal is a rule's, never a fault.
      ASSERT_TRUE(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
                  s.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
          << rid << ": " << s.error_code() << " " << s.error_message();
    }
  }
  // Both kinds of outcome happened: the test exercised the limits, not only the easy path.
  EXPECT_GT(accepted, kOps / 4);
  EXPECT_GT(refused, 0);
  for (int m = 1; m <= 12; ++m) dates.insert(Day(std::min(366, m * 30 + 1)));
  for (const std::string& as_of : dates) {
    v1::GetExecutionReportRequest rr;
    rr.set_as_of(as_of);
    rr.add_fund_ids("ROADS");
    v1::ExecutionReport report;
    ASSERT_TRUE(funds()->GetExecutionReport(Call().get(), rr, &report).ok());
    const int64_t allocated = model.Sum(model.allocated, as_of), paid = model.Sum(model.paid, as_of);
    EXPECT_EQ(report.total().allocated_fen(), allocated) << as_of;
    EXPECT_EQ(report.total().paid_fen(), paid) << as_of;
    EXPECT_LE(paid, allocated) << as_of;
    EXPECT_LE(allocated, 100'000'000) << as_of;
    rr.set_group_by(v1::RECIPIENT);
    ASSERT_TRUE(funds()->GetExecutionReport(Call().get(), rr, &report).ok());
    // Money allocated has a recipient: its row is there to hold paid within allocated.
    if (allocated > 0) {
      ASSERT_GT(report.rows_size(), 0) << as_of;
    }
    for (const auto& row : report.rows()) EXPECT_LE(row.paid_fen(), row.allocated_fen()) << as_of << " " << row.key();
  }
  for (const char* school : {"110106-S0", "110106-S1"}) {
    v1::ListSchoolLedgerRequest lr;
    lr.set_school_id(school);
    lr.set_page_size(1000);
    v1::ListSchoolLedgerResponse ledger;
    const grpc::Status s = edu()->ListSchoolLedger(Call().get(), lr, &ledger);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) continue;
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_GT(ledger.entries_size(), 0) << school << ": a ledger that is found has its entries";
    for (const auto& e : ledger.entries()) {
      for (const auto& b : e.balances()) EXPECT_GE(b.amount_fen(), 0) << school << " after " << e.entry_id();
      if (std::getenv("SUBSIDY_TRACE")) std::cerr << school << " " << e.date() << " " << e.entry_id() << " " << e.kind() << " " << e.signed_amount_fen() << " = " << e.balance_fen() << " " << e.recorded_at() << "\n";
    }
  }
}

SUBSIDY_ON_BACKENDS(RoadsPropertyE2e);

}  // namespace
}  // namespace subsidy::testing
