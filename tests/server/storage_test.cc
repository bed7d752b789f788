// The storage contract, for every backend (the PostgreSQL backend joins the parameter list).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

#include "common/status_util.h"
#include "storage/postgres/pg_conn.h"
#include "storage/schema.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/storage.h"
#include "support/postgres_server.h"

namespace subsidy::storage {
namespace {

using education::FundSource;

Date Day(const char* text) { return *Date::Parse(text); }

std::string FreshSqlitePath() {
  static int n = 0;
  auto dir = std::filesystem::temp_directory_path() / ("subsidy-storage-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / ("s" + std::to_string(n++) + ".db");
  std::filesystem::remove(p);
  return p.string();
}

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string target = FreshSqlitePath();
    if (GetParam() == "postgres") {
      SUBSIDY_POSTGRES_OR_SKIP(pg);
      target = pg->NewDatabase();
    }
    auto s = OpenStorage(target);
    ASSERT_TRUE(s.ok()) << s.status();
    storage_ = std::move(*s);
  }
  absl::StatusOr<std::string> Allocate(const std::string& rid, const std::string& school, FundSource src, int64_t fen,
                                       const std::string& payload = "p") {
    return storage_->RunIdempotent({rid, "AllocateFunds", payload + std::to_string(fen)},
                                   [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
                                     auto id =
                                         tx.schools().InsertAllocation(school, src, Money::Fen(fen), Day("2024-03-01"), rid);
                                     if (!id.ok()) return id.status();
                                     if (auto a = tx.audit().Audit({"test", "AllocateFunds", rid, *id, "OK", ""}); !a.ok()) {
                                       return a;
                                     }
                                     return *id;
                                   });
  }
  int64_t Count(const std::string& table) { return *storage_->CountRows(table); }
  std::unique_ptr<Storage> storage_;
};

TEST_P(StorageTest, ReplayReturnsTheFirstResponseAndChangesNothing) {
  auto first = Allocate("r1", "S1", FundSource::kCentralDirect, 1000);
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = Allocate("r1", "S1", FundSource::kCentralDirect, 1000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  auto accounts = storage_->schools().ReadFundAccounts("S1");
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ((*accounts)[0].allocated, Money::Fen(1000));
  EXPECT_EQ(Count("allocations"), 1);
  EXPECT_EQ(Count("idempotency"), 1);
  EXPECT_EQ(Count("audit_log"), 1);
}

TEST_P(StorageTest, SameIdWithAnotherPayloadIsRefused) {
  ASSERT_TRUE(Allocate("r1", "S1", FundSource::kCentralDirect, 1000).ok());
  auto other = Allocate("r1", "S1", FundSource::kCentralDirect, 1001);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(other.status()), kIdempotencyKeyReused);
  EXPECT_EQ(FieldOf(other.status()), "request_id");
  auto other_method = storage_->RunIdempotent({"r1", "RecordExpenditure", "p1000"},
                                              [](LedgerTx&) -> absl::StatusOr<std::string> { return "x"; });
  EXPECT_EQ(ReasonOf(other_method.status()), kIdempotencyKeyReused);
  EXPECT_EQ(Count("allocations"), 1);
}

TEST_P(StorageTest, AFailedTransactionLeavesNothingNotEvenTheRequestId) {
  auto failed = storage_->RunIdempotent({"r9", "AllocateFunds", "x"}, [](LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto id = tx.schools().InsertAllocation("S1", FundSource::kMunicipal, Money::Fen(500), Day("2024-03-01"), "r9");
    if (!id.ok()) return id.status();
    return FailedPrecondition("SOMETHING", "rejected after a write");
  });
  EXPECT_EQ(ReasonOf(failed.status()), "SOMETHING");
  EXPECT_EQ(Count("allocations"), 0);
  EXPECT_EQ(Count("fund_accounts"), 0);
  EXPECT_EQ(Count("idempotency"), 0);
  // The same request_id may be used again after a rejection.
  EXPECT_TRUE(Allocate("r9", "S1", FundSource::kMunicipal, 500).ok());
}

TEST_P(StorageTest, AMutationPastItsDeadlineIsNotApplied) {
  IdempotencyKey key{"late", "AllocateFunds", "x", std::chrono::system_clock::now() - std::chrono::milliseconds(1)};
  auto late = storage_->RunIdempotent(key, [](LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto id = tx.schools().InsertAllocation("S1", FundSource::kMunicipal, Money::Fen(500), Day("2024-03-01"), "late");
    if (!id.ok()) return id.status();
    return *id;
  });
  EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded);
  // The deadline passes while the transaction runs, before its commit: the transaction waits
  // for exactly that.
  IdempotencyKey slow{"slow", "AllocateFunds", "x", std::chrono::system_clock::now() + std::chrono::seconds(1)};
  auto slowed = storage_->RunIdempotent(slow, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto id = tx.schools().InsertAllocation("S1", FundSource::kMunicipal, Money::Fen(500), Day("2024-03-01"), "slow");
    std::this_thread::sleep_until(slow.deadline + std::chrono::milliseconds(1));
    if (!id.ok()) return id.status();
    return *id;
  });
  EXPECT_EQ(slowed.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Count("allocations"), 0);
  EXPECT_EQ(Count("idempotency"), 0);
}

TEST_P(StorageTest, TheDatabaseRefusesAnOverdraft) {
  ASSERT_TRUE(Allocate("r1", "S1", FundSource::kCentralDirect, 1000).ok());
  auto over = storage_->RunIdempotent({"e1", "RecordExpenditure", "x"}, [](LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto id = tx.schools().InsertExpenditure("S1", "TEACHING", Money::Fen(1001), Day("2024-03-02"), "e1",
                                             {{FundSource::kCentralDirect, Money::Fen(1001)}});
    if (!id.ok()) return id.status();
    return *id;
  });
  EXPECT_FALSE(over.ok());
  EXPECT_EQ((*storage_->schools().ReadFundAccounts("S1"))[0].spent, Money());
  EXPECT_EQ(Count("expenditures"), 0);
}

TEST_P(StorageTest, ConcurrentReplaysApplyOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (Allocate("r" + std::to_string(i), "S1", FundSource::kDistrict, 10).ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ((*storage_->schools().ReadFundAccounts("S1"))[0].allocated, Money::Fen(500));
  EXPECT_EQ(Count("allocations"), 50);
}

// Writes that share a transaction (group commit) stay apart: one refused after it wrote leaves
// nothing, and the ones beside it in the same batch commit whole.
TEST_P(StorageTest, WritesCommittedTogetherStayApartWhenOneIsRefused) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, refused{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string rid = absl::StrCat("g", t, "-", i);
        const bool refuse = (t + i) % 2 == 1;
        IdempotencyKey key{rid, "AllocateFunds", "x"};
        key.lock_keys = {"school:S1"};
        auto r = storage_->RunIdempotent(key, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
          auto id = tx.schools().InsertAllocation("S1", FundSource::kDistrict, Money::Fen(10), Day("2024-03-01"), rid);
          if (!id.ok()) return id.status();
          if (refuse) return FailedPrecondition("REFUSED_AFTER_WRITE", "refused after a write");
          return *id;
        });
        if (r.ok()) ++ok;
        if (ReasonOf(r.status()) == "REFUSED_AFTER_WRITE") ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(refused.load(), 100);
  EXPECT_EQ(Count("allocations"), 100);
  EXPECT_EQ(Count("idempotency"), 100);
  EXPECT_EQ((*storage_->schools().ReadFundAccounts("S1"))[0].allocated, Money::Fen(1000));
}

// A determination-like decision: award once per enterprise, within a budget, as the service does;
// one request or several together (an IdempotentDecider), each seeing the awards before it.
struct AwardItem {
  std::string rid, uscc;
  int64_t fen, budget;
};

class AwardDecider final : public IdempotentDecider {
 public:
  // With `fail_together`, a run of several writes its payouts and then fails whole.
  explicit AwardDecider(bool fail_together = false) : fail_together_(fail_together) {}

  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> DecideAll(
      LedgerTx& tx, const std::vector<const void*>& items) const override {
    most_ = std::max<size_t>(most_, items.size());
    std::vector<std::string> usccs;
    for (const void* i : items) usccs.push_back(static_cast<const AwardItem*>(i)->uscc);
    auto prior = tx.payouts().EnterpriseAwards(usccs);
    if (!prior.ok()) return prior.status();
    auto awarded = tx.payouts().PolicyAwarded("P");
    if (!awarded.ok()) return awarded.status();
    std::vector<absl::StatusOr<std::string>> out;
    std::vector<PayoutRow> rows;
    for (const void* i : items) {
      const auto& item = *static_cast<const AwardItem*>(i);
      if (item.fen < 0) {  // a refusal: writes nothing
        out.push_back(FailedPrecondition("NEGATIVE_AWARD", "refused"));
        continue;
      }
      PayoutRow row;
      row.request_id = item.rid;
      row.policy_id = "P";
      row.enterprise_uscc = item.uscc;
      row.determination_date = Day("2024-06-03");
      row.award_year = 2024;
      row.due_date = Day("2024-06-11");
      const bool duplicate = !(*prior)[item.uscc].empty();
      const bool over_budget = awarded->fen() + item.fen > item.budget;
      row.status = duplicate || over_budget ? PayoutStatus::kRejected : PayoutStatus::kScheduled;
      row.amount = Money::Fen(row.status == PayoutStatus::kScheduled ? item.fen : 0);
      if (row.status == PayoutStatus::kScheduled) {
        row.award_key = "P|" + item.uscc;
        *awarded = Money::Fen(awarded->fen() + item.fen);
        (*prior)[item.uscc].push_back({"P", "", 2024, row.amount});
      }
      out.push_back(std::string(PayoutStatusName(row.status)));
      rows.push_back(std::move(row));
    }
    if (auto s = tx.payouts().InsertPayouts(&rows); !s.ok()) return s;
    if (fail_together_ && items.size() > 1) {
      ++failed_;
      return absl::InternalError("failed after its writes");
    }
    return out;
  }
  size_t most() const { return most_; }
  int failed() const { return failed_; }

 private:
  const bool fail_together_;
  mutable std::atomic<size_t> most_{0};  // the most requests one DecideAll saw
  mutable std::atomic<int> failed_{0};
};

absl::StatusOr<std::string> Award(Storage& storage, const std::string& rid, const std::string& uscc, int64_t fen,
                                  int64_t budget, const AwardDecider& decider = AwardDecider()) {
  const AwardItem item{rid, uscc, fen, budget};
  return storage.RunIdempotentCombined({rid, "SubmitDetermination", absl::StrCat(uscc, "/", fen)}, decider, &item);
}

TEST_P(StorageTest, OnceOnlyAwardsAndBudgetsHoldUnderConcurrency) {
  std::vector<std::thread> threads;
  std::atomic<int> scheduled_same{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      // Eight transactions race for one enterprise's once-only award...
      auto r = Award(*storage_, "same-" + std::to_string(t), "E-SAME", 100, 1'000'000);
      ASSERT_TRUE(r.ok()) << r.status();
      if (*r == "SCHEDULED") ++scheduled_same;
      // ...and for a budget that fits exactly 10 awards of 100.
      for (int i = 0; i < 5; ++i) {
        auto b = Award(*storage_, "budget-" + std::to_string(t) + "-" + std::to_string(i),
                       "E-" + std::to_string(t) + "-" + std::to_string(i), 100, 1'100);
        ASSERT_TRUE(b.ok()) << b.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(scheduled_same.load(), 1);
  auto awarded = storage_->payouts().AwardedByPolicy();
  ASSERT_TRUE(awarded.ok());
  EXPECT_EQ((*awarded)["P"], Money::Fen(1'100));  // 1 same + 10 budget awards: exactly the budget
  PayoutFilter f;
  f.status = PayoutStatus::kScheduled;
  f.limit = 1000;
  EXPECT_EQ(storage_->payouts().ListPayouts(f)->size(), 11u);
}

// Sixteen writers at once, so that requests queue together: decided together, every answer is
// the one a request decided alone would have had, a refused one leaves nothing, and a request_id
// sent twice at once is decided once.
TEST_P(StorageTest, RequestsDecidedTogetherAnswerAsOneByOne) {
  const AwardDecider decider;
  std::vector<std::thread> threads;
  std::atomic<int> scheduled_same{0}, refused{0};
  std::mutex mu;
  std::map<std::string, std::set<std::string>> answers;  // request_id → the answers it had
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      auto r = Award(*storage_, absl::StrCat("same-", t), "E-SAME", 100, 1'000'000, decider);
      ASSERT_TRUE(r.ok()) << r.status();
      if (*r == "SCHEDULED") ++scheduled_same;
      for (int i = 0; i < 10; ++i) {
        // A budget that fits exactly 20 awards of 100 beside the one above; every third refused;
        // and request_ids that two writers send at once.
        const std::string rid = i % 4 == 0 ? absl::StrCat("shared-", t / 2, "-", i) : absl::StrCat("b-", t, "-", i);
        const std::string uscc = i % 4 == 0 ? absl::StrCat("E-", t / 2, "-", i) : absl::StrCat("E-", t, "-", i);
        auto b = Award(*storage_, rid, uscc, i % 3 == 2 ? -1 : 100, 2'100, decider);
        if (ReasonOf(b.status()) == "NEGATIVE_AWARD") {
          ++refused;
          continue;
        }
        ASSERT_TRUE(b.ok()) << b.status();
        std::lock_guard<std::mutex> l(mu);
        answers[rid].insert(*b);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(decider.most(), 2u) << "no two requests were ever decided together";
  EXPECT_EQ(scheduled_same.load(), 1);
  for (const auto& [rid, seen] : answers) EXPECT_EQ(seen.size(), 1u) << rid << " had two answers";
  auto awarded = storage_->payouts().AwardedByPolicy();
  ASSERT_TRUE(awarded.ok());
  EXPECT_EQ((*awarded)["P"], Money::Fen(2'100));  // exactly the budget
  PayoutFilter f;
  f.limit = 1000;
  const auto all = storage_->payouts().ListPayouts(f);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 16 + answers.size());  // one payout per request_id answered; none refused
  EXPECT_EQ(Count("idempotency"), static_cast<int64_t>(16 + answers.size()));
  f.status = PayoutStatus::kScheduled;
  EXPECT_EQ(storage_->payouts().ListPayouts(f)->size(), 21u);
  EXPECT_GT(refused.load(), 0);
}

// A run of requests decided together that fails after writing is rolled back whole, and each of
// its requests is then decided alone: nothing of the failed run stays.
TEST_P(StorageTest, ARunDecidedTogetherThatFailsIsDecidedOneByOne) {
  const AwardDecider decider(/*fail_together=*/true);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        auto r = Award(*storage_, absl::StrCat("f-", t, "-", i), absl::StrCat("E-", t, "-", i), 10, 1'000'000, decider);
        ASSERT_TRUE(r.ok()) << r.status();
        EXPECT_EQ(*r, "SCHEDULED");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(decider.failed(), 0) << "no run of several was ever tried";
  EXPECT_EQ(Count("payouts"), 128);
  EXPECT_EQ(Count("idempotency"), 128);
  EXPECT_EQ((*storage_->payouts().AwardedByPolicy())["P"], Money::Fen(1'280));
}

TEST_P(StorageTest, ConcurrentDisbursementRunsPayEachPayoutOnce) {
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(Award(*storage_, "a" + std::to_string(i), "E" + std::to_string(i), 10, 1'000'000).ok());
  std::atomic<int> paid{0};
  std::vector<std::thread> runs;
  for (int t = 0; t < 6; ++t) {
    runs.emplace_back([&, t] {
      auto r = storage_->RunIdempotent({"run" + std::to_string(t), "RunDisbursement", "x"},
                                       [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
                                         auto rows = tx.payouts().DisburseDue(Day("2024-06-12"));
                                         if (!rows.ok()) return rows.status();
                                         return std::to_string(rows->size());
                                       });
      ASSERT_TRUE(r.ok()) << r.status();
      paid += std::stoi(*r);
    });
  }
  for (auto& t : runs) t.join();
  EXPECT_EQ(paid.load(), 40);
  PayoutFilter f;
  f.status = PayoutStatus::kDisbursed;
  f.limit = 1000;
  auto rows = storage_->payouts().ListPayouts(f);
  ASSERT_EQ(rows->size(), 40u);
  std::set<std::string> vouchers;
  for (const auto& r : *rows) EXPECT_TRUE(vouchers.insert(r.voucher_no).second);
}

TEST_P(StorageTest, PayoutFiltersAndTotalsAgreeOnBothBackends) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Award(*storage_, "t" + std::to_string(i), "E" + std::to_string(i), 10, 1'000'000).ok());
  ASSERT_TRUE(storage_->RunIdempotent({"run", "RunDisbursement", "x"}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
                        auto rows = tx.payouts().DisburseDue(Day("2024-06-12"));  // due 2024-06-11: every one late
                        if (!rows.ok()) return rows.status();
                        return std::to_string(rows->size());
                      }).ok());
  PayoutFilter late;
  late.paid_late = true;
  auto totals = storage_->payouts().TotalPayouts(late);
  ASSERT_TRUE(totals.ok()) << totals.status();
  EXPECT_EQ(totals->count, 5);
  EXPECT_EQ(totals->amount, Money::Fen(50));
  PayoutFilter on_day;
  on_day.paid_date = Day("2024-06-12");
  on_day.limit = 2;
  auto page = storage_->payouts().ListPayouts(on_day);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->size(), 2u);
  on_day.paid_date = Day("2024-06-13");
  EXPECT_EQ(storage_->payouts().TotalPayouts(on_day)->count, 0);
  auto first = storage_->RunIdempotent({"f", "Probe", "x"}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto none = tx.schools().FirstAllocationDate("S9");
    if (!none.ok()) return none.status();
    if (none->has_value()) return absl::InternalError("a date for a school with no allocation");
    return std::string("ok");
  });
  EXPECT_TRUE(first.ok()) << first.status();
}

TEST_P(StorageTest, ReadsDoNotWaitBehindAWriteInProgress) {
  ASSERT_TRUE(Allocate("r1", "S1", FundSource::kCentralDirect, 1000).ok());
  absl::Notification in_write, read_done;
  std::thread writer([&] {
    auto r = storage_->RunIdempotent({"w", "AllocateFunds", "w"}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
      auto id = tx.schools().InsertAllocation("S1", FundSource::kCentralDirect, Money::Fen(5), Day("2024-03-02"), "w");
      if (!id.ok()) return id.status();
      in_write.Notify();
      // The write holds its transaction open until the read has finished: a read that waited
      // behind it would never finish in time.
      if (!read_done.WaitForNotificationWithTimeout(absl::Seconds(20))) {
        return absl::DeadlineExceededError("the read waited behind the write");
      }
      return *id;
    });
    EXPECT_TRUE(r.ok()) << r.status();
  });
  in_write.WaitForNotification();
  auto accounts = storage_->schools().ReadFundAccounts("S1");
  read_done.Notify();
  writer.join();
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  EXPECT_EQ((*accounts)[0].allocated, Money::Fen(1000));  // the last commit, not the write in progress
  EXPECT_EQ((*storage_->schools().ReadFundAccounts("S1"))[0].allocated, Money::Fen(1005));
}

// ---- Claims ------------------------------------------------------------------------------------

struct Line {
  std::string loan_id;
  ClaimLineStatus status = ClaimLineStatus::kAccepted;
  int64_t subsidy_fen = 100;
  std::string terms = "";
};

// Stages a claim of `lines` and settles it, as the claim service does.
absl::StatusOr<ClaimRow> SubmitClaim(Storage& storage, const std::string& rid, const std::string& bank,
                                     const std::vector<Line>& lines, const char* period_start = "2024-06-21") {
  ClaimRow header;
  header.request_id = rid;
  header.bank_id = bank;
  header.period_start = Day(period_start);
  header.period_end = Day("2024-09-20");
  header.data_version = "v";
  header.submitted_by = "test";
  auto seq = storage.claims().BeginClaim(header);
  if (!seq.ok()) return seq.status();
  std::vector<ClaimLineRow> rows;
  for (const auto& l : lines) {
    ClaimLineRow r;
    r.line_no = static_cast<int64_t>(rows.size()) + 1;
    r.loan_id = l.loan_id;
    r.status = l.status;
    r.principal = Money::Fen(1'000'000);
    r.interest = Money::Fen(l.subsidy_fen * 2);
    r.subsidy = Money::Fen(l.subsidy_fen);
    r.result = "result of " + l.loan_id;
    r.terms = l.terms;
    rows.push_back(std::move(r));
  }
  if (auto s = storage.claims().AppendClaimLines(*seq, rows); !s.ok()) return s;
  ClaimRow out;
  bool replayed = false;
  auto stored = storage.RunIdempotent(
      {rid, "LoanSubsidyClaim", "payload of " + rid, std::chrono::system_clock::time_point::max(), {"bank:" + bank}},
      [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
        auto c = tx.claims().SubmitStagedClaim(*seq);
        if (!c.ok()) return c.status();
        out = *c;
        return ClaimIdFor(c->seq);
      },
      &replayed);
  if (!stored.ok()) return stored.status();
  if (replayed) {
    if (auto s = storage.claims().AbandonClaim(*seq); !s.ok()) return s;
    auto again = storage.claims().GetClaim(*ClaimSeqFrom(*stored));
    if (!again.ok()) return again.status();
    return **again;
  }
  return out;
}

std::vector<ClaimLineRow> Lines(Storage& storage, int64_t seq, std::optional<ClaimLineStatus> status = {}) {
  ClaimLineFilter f;
  f.claim_seq = seq;
  f.status = status;
  f.limit = 100'000;
  return *storage.claims().ListClaimLines(f);
}

TEST_P(StorageTest, ALoanPeriodStandsInOneClaimThatIsNotRejected) {
  auto first = SubmitClaim(*storage_, "c1", "B1", {{"L1"}, {"L2"}, {"L1"}, {"BAD", ClaimLineStatus::kInvalid}});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, ClaimStatus::kSubmitted);
  EXPECT_EQ(first->loan_count, 4);
  EXPECT_EQ(first->accepted_count, 2);
  EXPECT_EQ(first->duplicate_count, 1);  // L1 again, in the same claim
  EXPECT_EQ(first->invalid_count, 1);
  EXPECT_EQ(first->total_subsidy, Money::Fen(200));  // accepted lines only
  auto dup = Lines(*storage_, first->seq, ClaimLineStatus::kDuplicate);
  ASSERT_EQ(dup.size(), 1u);
  EXPECT_EQ(dup[0].line_no, 3);
  EXPECT_EQ(dup[0].duplicate_of_seq, first->seq);

  // Another claim for the same bank and period: L2 is taken; L3 is new. Another bank or period is free.
  auto second = SubmitClaim(*storage_, "c2", "B1", {{"L2"}, {"L3"}});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->accepted_count, 1);
  EXPECT_EQ(second->duplicate_count, 1);
  EXPECT_EQ(Lines(*storage_, second->seq, ClaimLineStatus::kDuplicate)[0].duplicate_of_seq, first->seq);
  EXPECT_EQ(SubmitClaim(*storage_, "c3", "B2", {{"L2"}})->accepted_count, 1);
  EXPECT_EQ(SubmitClaim(*storage_, "c4", "B1", {{"L2"}}, "2024-09-21")->accepted_count, 1);

  // Rejecting the first frees its loans for a later claim.
  ASSERT_TRUE(storage_
                  ->RunIdempotent({"r1", "Review", "x"},
                                  [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
                                    auto c = tx.claims().RejectClaim(first->seq, "wrong rates", "officer");
                                    if (!c.ok()) return c.status();
                                    EXPECT_EQ(c->status, ClaimStatus::kRejected);
                                    return std::string();
                                  })
                  .ok());
  auto again = SubmitClaim(*storage_, "c5", "B1", {{"L1"}, {"L2"}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted_count, 2);  // both freed: the second claim's L2 was a DUPLICATE, holding nothing
  EXPECT_EQ(Count("loan_claim_keys"), 5);  // L2, L3 (B1); L2 (B2); L2 (B1, next period); L1 (B1)
}

// A claim settles a chunk of lines at a time: a loan repeated in a later chunk (spelt otherwise),
// a changed term and the sums come out as if the lines were settled one by one.
TEST_P(StorageTest, AClaimOfManyRangesSettlesAsOneLineAtATimeWould) {
  constexpr int kLoans = 9'000;  // chunks of 512
  std::vector<Line> lines;
  int64_t accepted_fen = 0;
  for (int i = 1; i <= kLoans; ++i) {
    Line l{"L" + std::to_string(i), ClaimLineStatus::kAccepted, 100 + i % 97, "T" + std::to_string(i)};
    if (i == 4'097) l.loan_id = "l1";     // line 1's loan in another chunk, in lower case
    if (i == 8'193) l.loan_id = "L5000";  // line 5,000's loan, six chunks on
    if (i == 7) l.status = ClaimLineStatus::kInvalid;
    if (i == 4'097) l.terms = "T1";
    if (i == 8'193) l.terms = "T5000";
    if (l.status == ClaimLineStatus::kAccepted && i != 4'097 && i != 8'193) accepted_fen += l.subsidy_fen;
    lines.push_back(l);
  }
  auto first = SubmitClaim(*storage_, "big", "B1", lines);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->loan_count, kLoans);
  EXPECT_EQ(first->accepted_count, kLoans - 3);
  EXPECT_EQ(first->duplicate_count, 2);
  EXPECT_EQ(first->invalid_count, 1);
  EXPECT_EQ(first->total_subsidy, Money::Fen(accepted_fen));
  EXPECT_EQ(first->total_interest, Money::Fen(2 * accepted_fen));
  EXPECT_EQ(first->total_principal, Money::Fen(1'000'000 * int64_t{kLoans - 3}));
  auto dup = Lines(*storage_, first->seq, ClaimLineStatus::kDuplicate);
  ASSERT_EQ(dup.size(), 2u);
  EXPECT_EQ(dup[0].line_no, 4'097);
  EXPECT_EQ(dup[1].line_no, 8'193);
  EXPECT_EQ(dup[0].duplicate_of_seq, first->seq);
  EXPECT_EQ(Count("loan_claim_keys"), kLoans - 3);
  EXPECT_EQ(Count("loan_terms"), kLoans - 3);

  // The next quarter: L2's terms changed (INVALID, naming them), L3's did not, L1 spelt in lower case.
  auto next = SubmitClaim(*storage_, "next", "B1", {{"L2", ClaimLineStatus::kAccepted, 100, "changed"},
                                                    {"L3", ClaimLineStatus::kAccepted, 100, "T3"},
                                                    {"l1", ClaimLineStatus::kAccepted, 100, "T1"},
                                                    {"l1", ClaimLineStatus::kAccepted, 100, "T1"}},
                          "2024-09-21");
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->accepted_count, 2);
  EXPECT_EQ(next->invalid_count, 1);
  EXPECT_EQ(next->duplicate_count, 1);
  auto refused = Lines(*storage_, next->seq, ClaimLineStatus::kInvalid);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].line_no, 1);
  ASSERT_EQ(refused[0].settled_reasons.size(), 1u);
  EXPECT_EQ(refused[0].settled_reasons[0].code, kLoanTermsChanged);
}

TEST_P(StorageTest, AClaimIsPaidOnceAndReviewedOnce) {
  auto c = SubmitClaim(*storage_, "c1", "B1", {{"L1"}});
  ASSERT_TRUE(c.ok());
  auto review = [&](const std::string& rid, bool approve) {
    return storage_->RunIdempotent({rid, "Review", "x"}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
      auto claim = approve ? tx.claims().PayClaim(c->seq, Day("2024-09-25"), "officer")
                           : tx.claims().RejectClaim(c->seq, "no", "officer");
      if (!claim.ok()) return claim.status();
      return claim->voucher_no;
    });
  };
  auto paid = review("p1", true);
  ASSERT_TRUE(paid.ok()) << paid.status();
  EXPECT_EQ(*paid, "LV20240925-" + ClaimIdFor(c->seq).substr(3));
  EXPECT_FALSE(review("p2", true).ok());   // the database refuses a second payment…
  EXPECT_FALSE(review("p3", false).ok());  // …and the rejection of a paid claim
  auto got = storage_->claims().GetClaim(c->seq);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, ClaimStatus::kPaid);
  EXPECT_EQ((*got)->paid_date, Day("2024-09-25"));
  EXPECT_EQ(Count("loan_claim_keys"), 1);
}

TEST_P(StorageTest, AStagedClaimIsInvisibleAndARetrySupersedesIt) {
  ClaimRow header;
  header.request_id = "same";
  header.bank_id = "B1";
  header.period_start = Day("2024-06-21");
  header.period_end = Day("2024-09-20");
  auto cut = storage_->claims().BeginClaim(header);
  ASSERT_TRUE(cut.ok()) << cut.status();
  ClaimLineRow line;
  line.line_no = 1;
  line.loan_id = "L1";
  line.status = ClaimLineStatus::kAccepted;
  ASSERT_TRUE(storage_->claims().AppendClaimLines(*cut, {line}).ok());
  EXPECT_FALSE(storage_->claims().GetClaim(*cut)->has_value());
  ClaimFilter all;
  EXPECT_TRUE(storage_->claims().ListClaims(all)->empty());

  // The same request again (the client was cut and retries): the staged attempt goes.
  auto retry = SubmitClaim(*storage_, "same", "B1", {{"L1"}, {"L2"}});
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->accepted_count, 2);
  EXPECT_EQ(ReasonOf(storage_->claims().AppendClaimLines(*cut, {line})), kUploadSuperseded);
  EXPECT_EQ(Count("loan_claims"), 1);
  EXPECT_EQ(Count("loan_claim_lines"), 2);
  // And once more after it landed: the first answer again, nothing new.
  auto replay = SubmitClaim(*storage_, "same", "B1", {{"L1"}, {"L2"}});
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->seq, retry->seq);
  EXPECT_EQ(Count("loan_claims"), 1);
  EXPECT_EQ(storage_->claims().ListClaims(all)->size(), 1u);
}

TEST_P(StorageTest, OverlappingClaimsUnderConcurrencyAcceptEachLoanOnce) {
  constexpr int kThreads = 6, kLoans = 60;
  std::vector<std::thread> threads;
  std::vector<int64_t> seqs(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each claim covers a window of loans that overlaps its neighbours'.
      std::vector<Line> lines;
      for (int i = t * 10; i < t * 10 + 30; ++i) lines.push_back({"L" + std::to_string(i % kLoans)});
      auto c = SubmitClaim(*storage_, "race-" + std::to_string(t), "B1", lines);
      ASSERT_TRUE(c.ok()) << c.status();
      seqs[t] = c->seq;
    });
  }
  for (auto& t : threads) t.join();
  std::map<std::string, int> accepted;
  int64_t total_accepted = 0;
  for (int64_t seq : seqs) {
    for (const auto& l : Lines(*storage_, seq, ClaimLineStatus::kAccepted)) ++accepted[l.loan_id];
    total_accepted += (*storage_->claims().GetClaim(seq))->accepted_count;
  }
  EXPECT_EQ(accepted.size(), static_cast<size_t>(kLoans));
  for (const auto& [loan, n] : accepted) EXPECT_EQ(n, 1) << loan;
  EXPECT_EQ(total_accepted, kLoans);
}

// ---- Funds -------------------------------------------------------------------------------------

absl::Status Post(Storage& storage, const std::string& rid, FundEntryKind kind, const std::string& recipient,
                  int64_t fen, const char* date) {
  return storage
      .RunIdempotent({rid, "Fund", rid},
                     [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
                       FundEntry e;
                       e.kind = kind;
                       e.fund_id = "F1";
                       e.recipient_id = recipient;
                       e.recipient_kind = "UNIT";
                       e.region_code = "3204";
                       e.amount = Money::Fen(fen);
                       e.date = Day(date);
                       e.request_id = rid;
                       return tx.funds().PostFundEntry(e);
                     })
      .status();
}

TEST_P(StorageTest, TheDatabaseKeepsAFundWithinItsBudgetAndAllocations) {
  FundRow fund;
  fund.fund_id = "F1";
  fund.name = "fund";
  fund.budget_year = 2021;
  fund.level = "MUNICIPAL";
  fund.purpose = "OTHER";
  fund.region_code = "3204";
  fund.date = Day("2021-01-05");
  fund.budget = Money::Fen(1000);
  ASSERT_TRUE(storage_
                  ->RunIdempotent({"f", "CreateFund", "x"},
                                  [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
                                    if (auto s = tx.funds().InsertFund(fund, "f"); !s.ok()) return s;
                                    return std::string();
                                  })
                  .ok());
  ASSERT_TRUE(Post(*storage_, "a1", FundEntryKind::kAllocation, "R1", 600, "2021-02-01").ok());
  // The service checks first; the database refuses even a transaction that did not.
  EXPECT_FALSE(Post(*storage_, "a2", FundEntryKind::kAllocation, "R2", 401, "2021-02-02").ok());
  EXPECT_FALSE(Post(*storage_, "p0", FundEntryKind::kPayment, "R2", 1, "2021-02-02").ok());  // no allocation
  ASSERT_TRUE(Post(*storage_, "p1", FundEntryKind::kPayment, "R1", 600, "2021-03-01").ok());
  EXPECT_FALSE(Post(*storage_, "p2", FundEntryKind::kPayment, "R1", 1, "2021-03-02").ok());
  EXPECT_FALSE(Post(*storage_, "j1", FundEntryKind::kAdjustment, "", -401, "2021-03-02").ok());
  ASSERT_TRUE(Post(*storage_, "j2", FundEntryKind::kAdjustment, "", -400, "2021-03-02").ok());
  EXPECT_EQ(Count("fund_entries"), 4);  // budget, allocation, payment, adjustment: nothing refused

  // As of a date: the sums of what is dated on or before it.
  FundFilter all;
  auto before = storage_->funds().FundFiguresAsOf(all, Day("2021-02-28"));
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(before->size(), 1u);
  EXPECT_EQ((*before)[0].budget, Money::Fen(1000));
  EXPECT_EQ((*before)[0].allocated, Money::Fen(600));
  EXPECT_EQ((*before)[0].paid, Money::Fen(0));
  auto after = storage_->funds().FundFiguresAsOf(all, Day("2021-12-31"));
  EXPECT_EQ((*after)[0].budget, Money::Fen(600));
  EXPECT_EQ((*after)[0].paid, Money::Fen(600));
  auto recipients = storage_->funds().RecipientFiguresAsOf({"F1"}, Day("2021-02-15"));
  ASSERT_TRUE(recipients.ok());
  ASSERT_EQ(recipients->size(), 1u);
  EXPECT_EQ((*recipients)[0].last_movement, Day("2021-02-01"));
  EXPECT_TRUE(storage_->funds().RecipientFiguresAsOf({"F1"}, Day("2021-01-31"))->empty());
}

// Dual control's guarantees are the database's, not only the service's: a reservation never
// over-commits, an instruction is decided once, and nobody posts their own.
TEST_P(StorageTest, TheDatabaseHoldsReservationsAndDecidesAnInstructionOnce) {
  FundRow fund;
  fund.fund_id = "F1";
  fund.name = "fund";
  fund.budget_year = 2026;
  fund.level = "DISTRICT";
  fund.purpose = "OTHER";
  fund.region_code = "110106";
  fund.date = Day("2026-01-05");
  fund.budget = Money::Fen(1000);
  auto run = [&](const std::string& rid, const std::function<absl::Status(LedgerTx&)>& fn) {
    return storage_->RunIdempotent({rid, "T", rid}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
      if (auto s = fn(tx); !s.ok()) return s;
      return std::string();
    }).status();
  };
  ASSERT_TRUE(run("f", [&](LedgerTx& tx) { return tx.funds().InsertFund(fund, "f"); }).ok());
  ASSERT_TRUE(Post(*storage_, "a1", FundEntryKind::kAllocation, "R1", 600, "2026-02-01").ok());
  const Reservation alloc{Reservation::Kind::kAllocation, "F1", "", Money::Fen(300)};
  const Reservation pay{Reservation::Kind::kPayment, "F1", "R1", Money::Fen(500)};
  ASSERT_TRUE(run("r1", [&](LedgerTx& tx) { return tx.instructions().Reserve(alloc, +1); }).ok());
  ASSERT_TRUE(run("r2", [&](LedgerTx& tx) { return tx.instructions().Reserve(pay, +1); }).ok());
  // 600 allocated + 300 reserved: 101 more does not fit, by any road.
  EXPECT_FALSE(run("r3", [&](LedgerTx& tx) { return tx.instructions().Reserve({Reservation::Kind::kAllocation, "F1", "", Money::Fen(101)}, +1); }).ok());
  EXPECT_FALSE(Post(*storage_, "a2", FundEntryKind::kAllocation, "R2", 101, "2026-02-02").ok());
  EXPECT_FALSE(run("c1", [&](LedgerTx& tx) { return tx.instructions().Reserve({Reservation::Kind::kBudgetCut, "F1", "", Money::Fen(101)}, +1); }).ok());
  // R1's 600 less 500 reserved: a payment of 101 does not fit; nor does a release below zero.
  EXPECT_FALSE(Post(*storage_, "p1", FundEntryKind::kPayment, "R1", 101, "2026-02-03").ok());
  EXPECT_FALSE(run("r4", [&](LedgerTx& tx) { return tx.instructions().Reserve({Reservation::Kind::kPayment, "F1", "R1", Money::Fen(501)}, -1); }).ok());
  ASSERT_TRUE(Post(*storage_, "p2", FundEntryKind::kPayment, "R1", 100, "2026-02-03").ok());

  InstructionRow row;
  row.request_id = "m1";
  row.rpc = "AllocateFund";
  row.request = std::string("\x0a\x00", 2);
  row.summary = "资金分配下达";
  row.fund_id = "F1";
  row.subject_id = "entry:FA-1";
  row.amount = Money::Fen(300);
  row.reservations = {alloc};
  row.maker = "maker";
  int64_t seq = 0;
  ASSERT_TRUE(run("i1", [&](LedgerTx& tx) -> absl::Status {
                auto id = tx.instructions().InsertInstruction(row);
                if (!id.ok()) return id.status();
                seq = *id;
                return absl::OkStatus();
              }).ok());
  // One pending instruction per subject.
  row.request_id = "m2";
  EXPECT_FALSE(run("i2", [&](LedgerTx& tx) { return tx.instructions().InsertInstruction(row).status(); }).ok());
  // The maker posting their own is refused by the database itself.
  EXPECT_FALSE(run("d0", [&](LedgerTx& tx) {
                 return tx.instructions().DecideInstruction(seq, InstructionState::kPosted, "maker", "", "FA-9");
               }).ok());
  ASSERT_TRUE(run("d1", [&](LedgerTx& tx) {
                return tx.instructions().DecideInstruction(seq, InstructionState::kPosted, "checker", "", "FA-9");
              }).ok());
  // Decided once: a second decision does not go through.
  EXPECT_FALSE(run("d2", [&](LedgerTx& tx) {
                 return tx.instructions().DecideInstruction(seq, InstructionState::kRejected, "checker-2", "no", "");
               }).ok());
  auto got = storage_->instructions().GetInstruction(seq);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, InstructionState::kPosted);
  EXPECT_EQ((*got)->checker, "checker");
  EXPECT_EQ((*got)->reservations.size(), 1u);
  EXPECT_EQ((*got)->amount, Money::Fen(300));
  // A second pending instruction on the subject is allowed once the first is decided.
  EXPECT_TRUE(run("i3", [&](LedgerTx& tx) { return tx.instructions().InsertInstruction(row).status(); }).ok());
}

TEST_P(StorageTest, ACancelledPayoutIsNeverPaidAndFreesItsKeyAndBudget) {
  ASSERT_EQ(*Award(*storage_, "a1", "E1", 100, 1'000), "SCHEDULED");
  auto cancel = [&](const std::string& rid) {
    return storage_->RunIdempotent({rid, "CancelPayout", rid}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
      auto p = tx.payouts().CancelPayout(1, "twice determined", rid, "officer");
      if (!p.ok()) return p.status();
      return std::string(PayoutStatusName(p->status));
    });
  };
  ASSERT_EQ(*cancel("x1"), "CANCELLED");
  EXPECT_FALSE(cancel("x2").ok());  // the database refuses a second cancellation
  EXPECT_EQ((*storage_->payouts().AwardedByPolicy())["P"], Money::Fen(0));
  ASSERT_EQ(*Award(*storage_, "a2", "E1", 100, 1'000), "SCHEDULED");  // the key is free again
  auto paid = storage_->RunIdempotent({"run", "RunDisbursement", "r"}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto rows = tx.payouts().DisburseDue(Day("2024-06-12"));
    if (!rows.ok()) return rows.status();
    return std::to_string(rows->size());
  });
  ASSERT_TRUE(paid.ok()) << paid.status();
  EXPECT_EQ(*paid, "1");  // the new award only
  EXPECT_EQ((*storage_->payouts().GetPayout(1))->status, PayoutStatus::kCancelled);
  PayoutFilter f;
  f.status = PayoutStatus::kCancelled;
  EXPECT_EQ(storage_->payouts().ListPayouts(f)->size(), 1u);
  EXPECT_EQ(Count("payout_cancellations"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(SqliteAudit, TheAuditTrailIsAppendOnly) {
  const std::string path = FreshSqlitePath();
  {
    auto s = OpenStorage(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->RunIdempotent({"a", "M", ""}, [](LedgerTx& tx) -> absl::StatusOr<std::string> {
                   if (auto st = tx.audit().Audit({"c", "M", "a", "e", "OK", ""}); !st.ok()) return st;
                   return std::string("r");
                 }).ok());
  }
  auto db = SqliteDb::Open(path);
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->Exec("UPDATE audit_log SET caller = 'x'").ok());
  EXPECT_FALSE((*db)->Exec("DELETE FROM audit_log").ok());
}

}  // namespace
}  // namespace subsidy::storage

namespace subsidy::storage {
namespace {

// PostgreSQL only: a lost connection is retried; a database that cannot be reached fails the
// call with UNAVAILABLE and changes nothing.
TEST(PostgresStorage, ReconnectsAfterLostConnectionsAndIsUnavailableWithoutTheDatabase) {
  SUBSIDY_POSTGRES_OR_SKIP(pg);
  const std::string url = pg->NewDatabase();
  const std::string admin_url = url.substr(0, url.rfind('/')) + "/postgres";
  const std::string db = url.substr(url.rfind('/') + 1);
  auto storage = OpenStorage(url, {.pool_size = 2});
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto admin = PgConn::Connect(admin_url);
  ASSERT_TRUE(admin.ok());
  auto terminate = [&] {
    ASSERT_TRUE((*admin)->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                               {PgParam::Text(db)}).ok());
  };
  auto write = [&](const std::string& rid) {
    return (*storage)->RunIdempotent({rid, "AllocateFunds", rid}, [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
      auto id =
          tx.schools().InsertAllocation("S", education::FundSource::kDistrict, Money::Fen(5), Day("2024-01-01"), rid);
      if (!id.ok()) return id.status();
      return *id;
    });
  };
  ASSERT_TRUE(write("w1").ok());
  terminate();  // every pooled connection is now dead
  EXPECT_TRUE(write("w2").ok());
  EXPECT_TRUE((*storage)->schools().ReadFundAccounts("S").ok());

  terminate();
  ASSERT_TRUE((*admin)->Exec("ALTER DATABASE " + db + " RENAME TO " + db + "_away").ok());
  auto down = write("w3");
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  ASSERT_TRUE((*admin)->Exec("ALTER DATABASE " + db + "_away RENAME TO " + db).ok());
  EXPECT_EQ(*(*storage)->CountRows("allocations"), 2);  // w3 changed nothing
  EXPECT_TRUE(write("w3").ok());
  EXPECT_EQ((*(*storage)->schools().ReadFundAccounts("S"))[0].allocated, Money::Fen(15));
}

TEST(PostgresStorage, RefusesASchemaNewerThanTheBinary) {
  SUBSIDY_POSTGRES_OR_SKIP(pg);
  const std::string url = pg->NewDatabase();
  ASSERT_TRUE(OpenStorage(url).ok());
  auto conn = PgConn::Connect(url);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->Exec("UPDATE schema_version SET version = 999").ok());
  auto again = OpenStorage(url);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(std::string(again.status().message()), ::testing::HasSubstr("newer than this binary knows"));
}

}  // namespace
}  // namespace subsidy::storage
