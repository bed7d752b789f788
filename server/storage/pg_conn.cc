#include "storage/pg_conn.h"

#include "absl/strings/str_cat.h"

namespace subsidy::storage {

std::string PgResult::Bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

absl::StatusOr<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    const std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL: ", msg));
  }
  std::unique_ptr<PgConn> conn(new PgConn(c));
  // Quiet NOTICEs (e.g. "relation already exists, skipping") and a bounded statement time.
  auto s = conn->Exec("SET client_min_messages = warning; SET statement_timeout = '30s'");
  if (!s.ok()) return s.status();
  return conn;
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::Reset() {
  PQreset(conn_);
  return Healthy();
}

absl::StatusOr<PgResult> PgConn::Exec(absl::string_view sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.null ? nullptr : p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  const std::string query(sql);
  PGresult* r = params.empty() ? PQexec(conn_, query.c_str())
                               : PQexecParams(conn_, query.c_str(), static_cast<int>(params.size()), nullptr,
                                              values.data(), lengths.data(), formats.data(), 0);
  PgResult result(r);
  const ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return result;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  const std::string msg = absl::StrCat("postgresql: ", PQerrorMessage(conn_), " [", code, "]");
  if (PQstatus(conn_) != CONNECTION_OK || code.rfind("08", 0) == 0 || code == "57P01" || code == "57P02" ||
      code == "57P03") {
    return absl::UnavailableError(msg);
  }
  if (code == "40001" || code == "40P01") return absl::AbortedError(msg);
  if (code == "23505") return absl::AlreadyExistsError(msg);
  return absl::InternalError(msg);
}

}  // namespace subsidy::storage
