// A thin RAII layer over libpq: one connection, parameterised statements, SQLSTATE-aware errors.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace subsidy::storage {

// A statement parameter: text, or bytes sent in binary (bytea), or NULL.
struct PgParam {
  static PgParam Text(std::string v) { return {std::move(v), false, false}; }
  static PgParam Int(int64_t v) { return {std::to_string(v), false, false}; }
  static PgParam Bytes(std::string v) { return {std::move(v), true, false}; }
  static PgParam Null() { return {"", false, true}; }
  std::string value;
  bool binary;
  bool null;
};

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col)));
  }
  int64_t Int(int row, int col) const { return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string Bytes(int row, int col) const;  // a bytea column in text (hex) form

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

// Errors: serialization failure / deadlock → ABORTED (retry the transaction); unique violation
// → ALREADY_EXISTS; a broken connection → UNAVAILABLE; anything else → INTERNAL.
class PgConn {
 public:
  static absl::StatusOr<std::unique_ptr<PgConn>> Connect(const std::string& url);
  ~PgConn();
  absl::StatusOr<PgResult> Exec(absl::string_view sql, const std::vector<PgParam>& params = {});
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  bool Reset();  // reconnects; true when healthy again

 private:
  explicit PgConn(PGconn* c) : conn_(c) {}
  PGconn* conn_;
};

}  // namespace subsidy::storage
