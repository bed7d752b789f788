#pragma once

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/sqlite_db.h"
#include "storage/storage.h"

namespace subsidy::storage {

class SqliteStorage : public Storage {
 public:
  // Schema migrations, in order; migration i takes the schema from version i to i + 1.
  static const std::vector<std::string>& Migrations();

  static absl::StatusOr<std::unique_ptr<SqliteStorage>> Open(const std::string& path);

  int schema_version() const override { return schema_version_; }
  std::string description() const override { return "sqlite:" + path_; }

 private:
  SqliteStorage(std::string path, std::unique_ptr<SqliteDb> db) : path_(std::move(path)), db_(std::move(db)) {}
  absl::Status Migrate();

  std::string path_;
  // One connection; SQLite serialises writers anyway, and this keeps transactions simple.
  absl::Mutex mu_;
  std::unique_ptr<SqliteDb> db_ ABSL_GUARDED_BY(mu_);
  int schema_version_ = 0;
};

}  // namespace subsidy::storage
