// The storage interface: everything the services persist goes through it, in one transaction
// per mutation. SQLite (one file, WAL, durable commits) is the embedded default; a PostgreSQL
// backend implements the same interface for several replicas.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace subsidy::storage {

class Storage {
 public:
  virtual ~Storage() = default;
  // The schema version the database is at (after migrations on open).
  virtual int schema_version() const = 0;
  virtual std::string description() const = 0;
};

// `db` is a file path (SQLite; created with its schema on first start). The schema is created
// or migrated on open; a database whose schema is newer than this binary knows is refused.
absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& db);

}  // namespace subsidy::storage
