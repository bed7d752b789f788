#include "storage/postgres/pg_conn.h"

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"

namespace subsidy::storage {
namespace {

class PgRow final : public SqlRow {
 public:
  PgRow(const PgResult& r, int row) : r_(r), row_(row) {}
  int64_t Int(int col) const override { return r_.Int(row_, col); }
  std::string Text(int col) const override { return r_.Text(row_, col); }
  std::string Bytes(int col) const override { return r_.Bytes(row_, col); }
  bool IsNull(int col) const override { return r_.IsNull(row_, col); }

 private:
  const PgResult& r_;
  int row_;
};

class PgSession final : public SqlSession {
 public:
  explicit PgSession(PgConn* c) : c_(c) {}

  absl::Status Query(absl::string_view sql, absl::Span<const SqlParam> params,
                     absl::FunctionRef<absl::Status(const SqlRow&)> on_row) override {
    auto r = Run(sql, params);
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      if (auto s = on_row(PgRow(*r, i)); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> Exec(absl::string_view sql, absl::Span<const SqlParam> params) override {
    auto r = Run(sql, params);
    if (!r.ok()) return r.status();
    return std::strtoll(PQcmdTuples(r->raw()), nullptr, 10);
  }

  absl::Status ExecScript(absl::string_view sql) override { return c_->Exec(sql).status(); }

 private:
  absl::StatusOr<PgResult> Run(absl::string_view sql, absl::Span<const SqlParam> params) {
    absl::InlinedVector<std::string, 8> ints;  // integers travel as decimal text
    ints.reserve(params.size());
    absl::InlinedVector<const char*, 16> values;
    absl::InlinedVector<int, 16> lengths, formats;
    for (const SqlParam& p : params) {
      switch (p.kind()) {
        case SqlParam::Kind::kInt:
          ints.push_back(std::to_string(p.int_value()));
          values.push_back(ints.back().c_str());
          lengths.push_back(static_cast<int>(ints.back().size()));
          formats.push_back(0);
          break;
        case SqlParam::Kind::kText:
        case SqlParam::Kind::kBytes:
          // libpq reads text parameters up to their NUL: a view is not NUL-terminated, so text
          // goes as binary too (for text columns binary and text formats are the same bytes).
          values.push_back(p.text().data());
          lengths.push_back(static_cast<int>(p.text().size()));
          formats.push_back(1);
          break;
        case SqlParam::Kind::kNull:
          values.push_back(nullptr);
          lengths.push_back(0);
          formats.push_back(0);
          break;
      }
    }
    return c_->ExecPrepared(sql, static_cast<int>(params.size()), values.data(), lengths.data(), formats.data());
  }

  PgConn* c_;
};

}  // namespace

std::string PgResult::Bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

PgConn::PgConn(PGconn* c) : conn_(c), session_(std::make_unique<PgSession>(this)) {}

absl::StatusOr<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& url) {
  // Defaults the URL may override (libpq keeps the last value of a keyword, and the URL comes
  // last): a bounded connection attempt, and a peer that went silent (a machine lost, from which
  // no reset ever comes) noticed within about half a minute instead of the system's hours.
  const char* const keywords[] = {"connect_timeout",     "keepalives",       "keepalives_idle", "keepalives_interval",
                                  "keepalives_count",    "tcp_user_timeout", "dbname",          nullptr};
  const char* const values[] = {"5", "1", "10", "3", "3", "30000", url.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
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
  prepared_.clear();  // a new server session knows none of them
  return Healthy();
}

absl::StatusOr<PgResult> PgConn::Check(PGresult* r) {
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

absl::StatusOr<PgResult> PgConn::Exec(absl::string_view sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.null ? nullptr : p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  const std::string query(sql);
  return Check(params.empty() ? PQexec(conn_, query.c_str())
                              : PQexecParams(conn_, query.c_str(), static_cast<int>(params.size()), nullptr,
                                             values.data(), lengths.data(), formats.data(), 0));
}

absl::StatusOr<PgResult> PgConn::ExecPrepared(absl::string_view sql, int n, const char* const* values,
                                              const int* lengths, const int* formats) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = absl::StrCat("s", prepared_.size());
    const std::string text(sql);
    auto prepared = Check(PQprepare(conn_, name.c_str(), text.c_str(), n, nullptr));
    if (!prepared.ok()) return prepared.status();
    it = prepared_.emplace(text, name).first;
  }
  return Check(PQexecPrepared(conn_, it->second.c_str(), n, values, lengths, formats, 0));
}

}  // namespace subsidy::storage
