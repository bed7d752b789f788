// The storage contract, for every backend (the PostgreSQL backend joins the parameter list).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/status_util.h"
#include "storage/sqlite_storage.h"

namespace subsidy::storage {
namespace {

using education::FundSource;

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
    auto s = OpenStorage(FreshSqlitePath());
    ASSERT_TRUE(s.ok()) << s.status();
    storage_ = std::move(*s);
  }
  absl::StatusOr<std::string> Allocate(const std::string& rid, const std::string& school, FundSource src, int64_t fen,
                                       const std::string& payload = "p") {
    return storage_->RunIdempotent({rid, "AllocateFunds", payload + std::to_string(fen)},
                                   [&](LedgerTx& tx) -> absl::StatusOr<std::string> {
                                     auto id = tx.InsertAllocation(school, src, fen, "2024-03-01", rid);
                                     if (!id.ok()) return id.status();
                                     if (auto a = tx.Audit({"test", "AllocateFunds", rid, *id, "OK", ""}); !a.ok()) {
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
  auto accounts = storage_->ReadFundAccounts("S1");
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ((*accounts)[0].allocated_fen, 1000);
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
    auto id = tx.InsertAllocation("S1", FundSource::kMunicipal, 500, "2024-03-01", "r9");
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

TEST_P(StorageTest, TheDatabaseRefusesAnOverdraft) {
  ASSERT_TRUE(Allocate("r1", "S1", FundSource::kCentralDirect, 1000).ok());
  auto over = storage_->RunIdempotent({"e1", "RecordExpenditure", "x"}, [](LedgerTx& tx) -> absl::StatusOr<std::string> {
    auto id = tx.InsertExpenditure("S1", "TEACHING", 1001, "2024-03-02", "e1", {{FundSource::kCentralDirect, 1001}});
    if (!id.ok()) return id.status();
    return *id;
  });
  EXPECT_FALSE(over.ok());
  EXPECT_EQ((*storage_->ReadFundAccounts("S1"))[0].spent_fen, 0);
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
  EXPECT_EQ((*storage_->ReadFundAccounts("S1"))[0].allocated_fen, 500);
  EXPECT_EQ(Count("allocations"), 50);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest, ::testing::Values("sqlite"));

TEST(SqliteAudit, TheAuditTrailIsAppendOnly) {
  const std::string path = FreshSqlitePath();
  {
    auto s = OpenStorage(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->RunIdempotent({"a", "M", ""}, [](LedgerTx& tx) -> absl::StatusOr<std::string> {
                   if (auto st = tx.Audit({"c", "M", "a", "e", "OK", ""}); !st.ok()) return st;
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
