// Corrections and ledger views through the real server: a reversal restores the drawn sources and
// reverses the fund payments, once; a cancellation frees a scheduled payout's budget and key, and
// a cancelled payout is never paid; the school ledger and the audit trail page oldest first.
#include <gtest/gtest.h>

#include "subsidy/v1/admin.grpc.pb.h"
#include "subsidy/v1/education.grpc.pb.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "subsidy/v1/reward.grpc.pb.h"
#include "support/calls.h"
#include "support/server_process.h"

namespace subsidy::testing {
namespace {

class CorrectionsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({.db = dir_.path() + "/ledger.db"});
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    funds_ = v1::FundService::NewStub(server_->Channel());
    schools_ = v1::EducationFundService::NewStub(server_->Channel());
    rewards_ = v1::RewardPayoutService::NewStub(server_->Channel());
    admin_ = v1::AdminService::NewStub(server_->Channel());
  }
  // Fund CD (central direct education money of 2021, 1,000,000 分), and 600,000 分 of it allocated to
  // school 110106-FT001 on 2021-02-01 (request a1): the school's central direct source.
  void FundTheSchool() {
    const v1::CreateFundRequest create = NewFund("CD", v1::Fund::CENTRAL_DIRECT, v1::Fund::EDUCATION, 1'000'000, 2021);
    v1::Fund fund;
    ASSERT_TRUE(funds_->CreateFund(Call().get(), create, &fund).ok());
    v1::AllocateFundsRequest alloc;
    alloc.set_request_id("a1");
    alloc.set_school_id("110106-FT001");
    alloc.set_source(v1::CENTRAL_DIRECT);
    alloc.set_amount_fen(600'000);
    alloc.set_date("2021-02-01");
    alloc.set_fund_id("CD");
    v1::FundBalance balance;
    ASSERT_TRUE(schools_->AllocateFunds(Call().get(), alloc, &balance).ok());
  }
  v1::Fund GetFund(const std::string& id) {
    v1::GetFundRequest req;
    req.set_fund_id(id);
    v1::Fund out;
    EXPECT_TRUE(funds_->GetFund(Call().get(), req, &out).ok());
    return out;
  }
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<v1::FundService::Stub> funds_;
  std::unique_ptr<v1::EducationFundService::Stub> schools_;
  std::unique_ptr<v1::RewardPayoutService::Stub> rewards_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(CorrectionsE2e, AReversalRestoresTheSourcesAndReversesTheFundPaymentsOnce) {
  ASSERT_NO_FATAL_FAILURE(FundTheSchool());
  // And as much municipal money, from no fund.
  v1::AllocateFundsRequest alloc;
  alloc.set_request_id("a2");
  alloc.set_school_id("110106-FT001");
  alloc.set_source(v1::MUNICIPAL);
  alloc.set_amount_fen(600'000);
  alloc.set_date("2021-02-01");
  v1::FundBalance balance;
  ASSERT_TRUE(schools_->AllocateFunds(Call().get(), alloc, &balance).ok());
  v1::RecordExpenditureRequest spend;
  spend.set_request_id("e1");
  spend.set_school_id("110106-FT001");
  spend.set_category("TEACHING");
  spend.set_amount_fen(700'000);  // 600,000 central (the fund's), 100,000 municipal
  spend.set_date("2021-03-01");
  v1::Expenditure expenditure;
  ASSERT_TRUE(schools_->RecordExpenditure(Call().get(), spend, &expenditure).ok());
  ASSERT_EQ(expenditure.fund_payments_size(), 1);
  EXPECT_EQ(GetFund("CD").paid_fen(), 600'000);

  v1::ReverseExpenditureRequest reverse;
  reverse.set_request_id("r1");
  reverse.set_expenditure_id(expenditure.expenditure_id());
  reverse.set_date("2021-03-10");
  reverse.set_reason("booked to the wrong school");
  v1::Expenditure reversal;
  ASSERT_TRUE(schools_->ReverseExpenditure(Call().get(), reverse, &reversal).ok());
  EXPECT_EQ(reversal.reverses_expenditure_id(), expenditure.expenditure_id());
  EXPECT_EQ(reversal.draws_size(), 2);
  ASSERT_EQ(reversal.fund_payments_size(), 1);
  EXPECT_EQ(reversal.fund_payments(0).payment_id().rfind("FR-", 0), 0u);
  // Every source of the school, in spending order, spent nothing again; the two allocated ones
  // hold their 600,000 each.
  ASSERT_EQ(reversal.funds_size(), 5);
  for (const auto& f : reversal.funds()) {
    EXPECT_EQ(f.spent_fen(), 0) << v1::FundSource_Name(f.source());
    const bool allocated = f.source() == v1::CENTRAL_DIRECT || f.source() == v1::MUNICIPAL;
    EXPECT_EQ(f.balance_fen(), allocated ? 600'000 : 0) << v1::FundSource_Name(f.source());
  }
  EXPECT_EQ(GetFund("CD").paid_fen(), 0);
  // Replayed: the same answer; again under another id: ALREADY_REVERSED; nothing moved twice.
  v1::Expenditure again;
  ASSERT_TRUE(schools_->ReverseExpenditure(Call().get(), reverse, &again).ok());
  EXPECT_EQ(again.expenditure_id(), reversal.expenditure_id());
  reverse.set_request_id("r2");
  EXPECT_EQ(ReasonOf(schools_->ReverseExpenditure(Call().get(), reverse, &again)), "ALREADY_REVERSED");
  reverse.set_expenditure_id("EXP-99999999");
  EXPECT_EQ(schools_->ReverseExpenditure(Call().get(), reverse, &again).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetFund("CD").paid_fen(), 0);

  // As of a date between the payment and its reversal, the fund had paid; after it, not.
  v1::GetExecutionReportRequest report;
  report.set_as_of("2021-03-05");
  v1::ExecutionReport r;
  ASSERT_TRUE(funds_->GetExecutionReport(Call().get(), report, &r).ok());
  EXPECT_EQ(r.total().paid_fen(), 600'000);
  report.set_as_of("2021-03-10");
  ASSERT_TRUE(funds_->GetExecutionReport(Call().get(), report, &r).ok());
  EXPECT_EQ(r.total().paid_fen(), 0);

  // The school's ledger, a page of two at a time, oldest first.
  v1::ListSchoolLedgerRequest ledger;
  ledger.set_school_id("110106-FT001");
  ledger.set_page_size(2);
  std::vector<std::string> kinds;
  for (;;) {
    v1::ListSchoolLedgerResponse page;
    ASSERT_TRUE(schools_->ListSchoolLedger(Call().get(), ledger, &page).ok());
    for (const auto& e : page.entries()) kinds.push_back(e.kind());
    if (page.next_page_token().empty()) break;
    ledger.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"ALLOCATION", "ALLOCATION", "EXPENDITURE", "REVERSAL"}));
}

// What may not be corrected where it was asked says so, by its reason, and changes nothing: a
// fund's budget entry is adjusted, never reversed; a fund payment an expenditure made is reversed
// with that expenditure; an education fund's money goes to a school or a unit, not to a bank; a
// rejected determination has no payout to cancel.
TEST_F(CorrectionsE2e, WhatCannotBeCorrectedHereSaysWhyAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(FundTheSchool());
  v1::RecordExpenditureRequest spend;
  spend.set_request_id("e1");
  spend.set_school_id("110106-FT001");
  spend.set_category("TEACHING");
  spend.set_amount_fen(100'000);
  spend.set_date("2021-03-01");
  v1::Expenditure expenditure;
  ASSERT_TRUE(schools_->RecordExpenditure(Call().get(), spend, &expenditure).ok());
  ASSERT_EQ(expenditure.fund_payments_size(), 1);

  auto reverse = [&](const std::string& rid, const std::string& entry_id) {
    v1::ReverseFundEntryRequest r;
    r.set_request_id(rid);
    r.set_entry_id(entry_id);
    r.set_date("2021-03-10");
    r.set_reason("更正");
    v1::FundEntry out;
    return funds_->ReverseFundEntry(Call().get(), r, &out);
  };
  v1::ListFundEntriesRequest lr;
  lr.set_fund_id("CD");
  v1::ListFundEntriesResponse entries;
  ASSERT_TRUE(funds_->ListFundEntries(Call().get(), lr, &entries).ok());
  ASSERT_GE(entries.entries_size(), 1);
  ASSERT_EQ(entries.entries(0).kind(), v1::FundEntry::BUDGET);
  EXPECT_EQ(ReasonOf(reverse("r-budget", entries.entries(0).entry_id())), "ENTRY_NOT_REVERSIBLE");
  EXPECT_EQ(ReasonOf(reverse("r-paid", expenditure.fund_payments(0).payment_id())), "REVERSE_AT_SOURCE");

  v1::AllocateFundRequest to_bank;
  to_bank.set_request_id("a-bank");
  to_bank.set_fund_id("CD");
  to_bank.set_recipient_kind(v1::FundAllocation::BANK);
  to_bank.set_recipient_id("BANK-A");
  to_bank.set_region_code("110106");
  to_bank.set_amount_fen(1'000);
  to_bank.set_date("2021-02-01");
  v1::FundAllocation allocation;
  EXPECT_EQ(ReasonOf(funds_->AllocateFund(Call().get(), to_bank, &allocation)), "RECIPIENT_KIND_MISMATCH");
  // Nothing moved: the school's allocation and its expenditure's payment, as they were.
  const v1::Fund fund = GetFund("CD");
  EXPECT_EQ(fund.allocated_fen(), 600'000);
  EXPECT_EQ(fund.paid_fen(), 100'000);

  auto determine = [&](const std::string& rid, v1::Payout* out) {
    v1::SubmitDeterminationRequest d;
    d.set_request_id(rid);
    d.set_policy_id("YC-ABOVE-SCALE-ENTRY");  // once ever per enterprise
    d.set_enterprise_uscc(TestUscc(9));
    d.set_enterprise_name("某公司");
    d.set_determination_date("2024-05-13");
    return rewards_->SubmitDetermination(Call().get(), d, out);
  };
  v1::Payout first, again, out;
  ASSERT_TRUE(determine("d1", &first).ok());
  ASSERT_TRUE(determine("d2", &again).ok());
  ASSERT_EQ(again.status(), v1::REJECTED);
  v1::CancelPayoutRequest cancel;
  cancel.set_request_id("x1");
  cancel.set_payout_id(again.payout_id());
  cancel.set_reason("determined twice");
  EXPECT_EQ(ReasonOf(rewards_->CancelPayout(Call().get(), cancel, &out)), "PAYOUT_NOT_SCHEDULED");
  v1::GetPayoutRequest gp;
  gp.set_payout_id(again.payout_id());
  ASSERT_TRUE(rewards_->GetPayout(Call().get(), gp, &out).ok());
  EXPECT_EQ(out.status(), v1::REJECTED);
}

TEST_F(CorrectionsE2e, ACancelledPayoutFreesItsBudgetAndIsNeverPaid) {
  auto determine = [&](const std::string& rid, int n, v1::Payout* out) {
    v1::SubmitDeterminationRequest d;
    d.set_request_id(rid);
    d.set_policy_id("YC-ABOVE-SCALE-ENTRY");
    d.set_enterprise_uscc(TestUscc(n));
    d.set_enterprise_name("某公司");
    d.set_determination_date("2024-05-13");
    return rewards_->SubmitDetermination(Call().get(), d, out);
  };
  v1::Payout first, second, out;
  ASSERT_TRUE(determine("d1", 1, &first).ok());
  ASSERT_EQ(first.status(), v1::SCHEDULED);
  ASSERT_TRUE(determine("d2", 2, &second).ok());
  v1::CancelPayoutRequest cancel;
  cancel.set_request_id("x1");
  cancel.set_payout_id(first.payout_id());
  cancel.set_reason("the enterprise was determined twice");
  ASSERT_TRUE(rewards_->CancelPayout(Call().get(), cancel, &out).ok());
  EXPECT_EQ(out.status(), v1::CANCELLED);
  cancel.set_request_id("x2");
  EXPECT_EQ(ReasonOf(rewards_->CancelPayout(Call().get(), cancel, &out)), "PAYOUT_ALREADY_CANCELLED");
  // The once-only key is free again: the enterprise may be determined anew.
  v1::Payout redo;
  ASSERT_TRUE(determine("d3", 1, &redo).ok());
  EXPECT_EQ(redo.status(), v1::SCHEDULED);
  // The run pays the two scheduled ones and never the cancelled one.
  v1::RunDisbursementRequest run;
  run.set_request_id("run");
  run.set_payment_date("2024-05-20");
  v1::RunDisbursementResponse paid;
  ASSERT_TRUE(rewards_->RunDisbursement(Call().get(), run, &paid).ok());
  EXPECT_EQ(paid.paid_count(), 2);
  v1::GetPayoutRequest get;
  get.set_payout_id(first.payout_id());
  ASSERT_TRUE(rewards_->GetPayout(Call().get(), get, &out).ok());
  EXPECT_EQ(out.status(), v1::CANCELLED);
  EXPECT_TRUE(out.voucher_no().empty());
  cancel.set_request_id("x3");
  cancel.set_payout_id(second.payout_id());
  EXPECT_EQ(ReasonOf(rewards_->CancelPayout(Call().get(), cancel, &out)), "PAYOUT_ALREADY_DISBURSED");
  v1::ListPayoutsRequest list;
  list.set_status(v1::CANCELLED);
  v1::ListPayoutsResponse cancelled;
  ASSERT_TRUE(rewards_->ListPayouts(Call().get(), list, &cancelled).ok());
  ASSERT_EQ(cancelled.payouts_size(), 1);
  EXPECT_EQ(cancelled.payouts(0).payout_id(), first.payout_id());
  list.set_status(v1::REJECTED);
  ASSERT_TRUE(rewards_->ListPayouts(Call().get(), list, &cancelled).ok());
  EXPECT_EQ(cancelled.payouts_size(), 0);

  // The audit trail has the cancellation, with its caller, and pages oldest first.
  v1::ListAuditEventsRequest audit;
  audit.set_subject_id(first.payout_id());
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(admin_->ListAuditEvents(Call().get(), audit, &events).ok());
  ASSERT_GE(events.events_size(), 2);
  EXPECT_EQ(events.events(1).result(), "CANCELLED");
  EXPECT_EQ(events.events(1).caller(), "local");
  audit.clear_subject_id();
  audit.set_page_size(2);
  int64_t last = 0, count = 0;
  for (;;) {
    v1::ListAuditEventsResponse page;
    ASSERT_TRUE(admin_->ListAuditEvents(Call().get(), audit, &page).ok());
    for (const auto& e : page.events()) {
      EXPECT_GT(e.id(), last);
      last = e.id();
      ++count;
    }
    if (page.next_page_token().empty()) break;
    audit.set_page_token(page.next_page_token());
  }
  EXPECT_GE(count, 7);
  audit.set_since("not a date");
  EXPECT_EQ(admin_->ListAuditEvents(Call().get(), audit, &events).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace subsidy::testing
