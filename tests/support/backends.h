// A test run on each backend: one server on SQLite, or two replicas on one throwaway PostgreSQL
// (every answer must then hold whichever replica gives it). Instantiate with SUBSIDY_ON_BACKENDS.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/postgres_server.h"
#include "support/server_process.h"

namespace subsidy::testing {

class BackendsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = dir_.path() + "/ledger.db";
    if (GetParam() == "postgres") {
      SUBSIDY_POSTGRES_OR_FAIL(pg);
      db_ = pg->NewDatabase();
    }
    for (int i = 0; i < (GetParam() == "postgres" ? 2 : 1); ++i) {
      auto s = ServerProcess::Start({.db = db_});
      ASSERT_TRUE(s.ok()) << s.status();
      servers_.push_back(std::move(*s));
    }
  }
  std::shared_ptr<grpc::Channel> Channel(size_t i) const { return servers_[i % servers_.size()]->Channel(); }
  // Replica i started again on the same database (after a test killed it).
  void Restart(size_t i) {
    auto s = ServerProcess::Start({.db = db_});
    ASSERT_TRUE(s.ok()) << s.status();
    servers_[i % servers_.size()] = std::move(*s);
  }
  // The replicas in turn.
  std::shared_ptr<grpc::Channel> Next() { return Channel(n_++); }

  TempDir dir_;
  std::string db_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  size_t n_ = 0;
};

}  // namespace subsidy::testing

#define SUBSIDY_ON_BACKENDS(Suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values("sqlite", "postgres"), \
                           [](const ::testing::TestParamInfo<std::string>& backend) { return backend.param; })
