#include "storage/postgres/pg_conn.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "absl/container/inlined_vector.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace subsidy::storage {
namespace {

// How long a statement may go without an answer before its connection is given up: the server's
// own statement_timeout (30 s, set at connect) and a margin. A database that hangs rather than
// dies (its kernel still acknowledges, so neither keepalives nor tcp_user_timeout fire) is left
// this way, and the pool reconnects to whichever host takes writes then.
constexpr std::chrono::milliseconds kAnswerTimeout{35'000};

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

  // COPY in its text format: one line a row, values separated by tabs, \N for NULL, bytes as
  // bytea's hex form; a backslash, tab, newline or carriage return in a value is escaped.
  absl::Status AppendRows(absl::string_view table, absl::Span<const absl::string_view> columns,
                          absl::Span<const SqlParam> values) override {
    const size_t width = columns.size();
    if (width == 0 || values.size() % width != 0) return absl::InternalError("AppendRows: a row is not whole");
    // A COPY per kRowsPerCopy rows: memory and each statement's time stay bounded, however many.
    constexpr size_t kRowsPerCopy = 8192;
    const std::string sql = absl::StrCat("COPY ", table, " (", absl::StrJoin(columns, ", "), ") FROM STDIN");
    for (size_t from = 0; from < values.size(); from += kRowsPerCopy * width) {
      const auto rows = values.subspan(from, std::min(values.size() - from, kRowsPerCopy * width));
      auto copied = c_->CopyIn(sql, CopyText(rows, width));
      if (!copied.ok()) return copied.status();
      if (*copied != static_cast<int64_t>(rows.size() / width)) return absl::InternalError("COPY: rows went missing");
    }
    return absl::OkStatus();
  }

 private:
  static std::string CopyText(absl::Span<const SqlParam> values, size_t width) {
    std::string data;
    for (size_t i = 0; i < values.size(); ++i) {
      const SqlParam& p = values[i];
      switch (p.kind()) {
        case SqlParam::Kind::kInt: absl::StrAppend(&data, p.int_value()); break;
        case SqlParam::Kind::kNull: data += "\\N"; break;
        case SqlParam::Kind::kBytes:
          data += "\\\\x";
          data += absl::BytesToHexString(p.text());
          break;
        case SqlParam::Kind::kText:
          for (char ch : p.text()) {
            switch (ch) {
              case '\\': data += "\\\\"; break;
              case '\t': data += "\\t"; break;
              case '\n': data += "\\n"; break;
              case '\r': data += "\\r"; break;
              default: data += ch;
            }
          }
          break;
      }
      data += (i + 1) % width == 0 ? '\n' : '\t';
    }
    return data;
  }

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
  // Non-blocking: a send never waits on a server that stopped reading (see Await).
  PQsetnonblocking(c, 1);
  std::unique_ptr<PgConn> conn(new PgConn(c));
  if (auto s = conn->Setup(); !s.ok()) return s;
  return conn;
}

absl::Status PgConn::Setup() {
  // Quiet NOTICEs (e.g. "relation already exists, skipping") and a bounded statement time.
  return Exec("SET client_min_messages = warning; SET statement_timeout = '30s'").status();
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::Reset() {
  PQreset(conn_);
  PQsetnonblocking(conn_, 1);
  prepared_.clear();  // a new server session knows none of them, nor the session's settings
  return Healthy() && Setup().ok();
}

bool PgConn::Ready(short events, std::chrono::steady_clock::time_point deadline) {
  pollfd p{PQsocket(conn_), events, 0};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

PGresult* PgConn::GiveUp() {
  answer_timed_out_ = true;
  shutdown(PQsocket(conn_), SHUT_RDWR);
  (void)PQconsumeInput(conn_);
  while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  return nullptr;
}

PGresult* PgConn::Await(bool sent) {
  if (!sent) return nullptr;
  const auto deadline = std::chrono::steady_clock::now() + kAnswerTimeout;
  auto ready = [&](short events) { return Ready(events, deadline); };
  auto give_up = [&] { return GiveUp(); };
  for (int flushed; (flushed = PQflush(conn_)) != 0;) {
    if (flushed < 0) return nullptr;
    if (!ready(POLLIN | POLLOUT)) return give_up();
    if (!PQconsumeInput(conn_)) return nullptr;
  }
  // As PQexec: the last result, or the first error (nothing runs after it).
  PGresult* kept = nullptr;
  for (;;) {
    while (PQisBusy(conn_)) {
      if (!ready(POLLIN)) {
        if (kept) PQclear(kept);
        return give_up();
      }
      if (!PQconsumeInput(conn_)) break;  // broken: PQgetResult says so
    }
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) break;
    const ExecStatusType st = PQresultStatus(r);
    if (kept && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
      PQclear(r);
      continue;
    }
    if (kept) PQclear(kept);
    kept = r;
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) break;
  }
  return kept;
}

absl::StatusOr<PgResult> PgConn::Check(PGresult* r) {
  PgResult result(r);
  const ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return result;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  const std::string msg = absl::StrCat("postgresql: ", PQerrorMessage(conn_), " [", code, "]");
  if (answer_timed_out_) {
    answer_timed_out_ = false;
    return absl::UnavailableError(absl::StrCat("no answer from PostgreSQL within ", kAnswerTimeout.count() / 1000,
                                               " s; the connection was given up"));
  }
  if (PQstatus(conn_) != CONNECTION_OK || code.rfind("08", 0) == 0 || code == "57P01" || code == "57P02" ||
      code == "57P03") {
    return absl::UnavailableError(msg);
  }
  // statement_timeout: the statement was cancelled and its transaction fails; nothing was applied.
  if (code == "57014") return absl::DeadlineExceededError(msg);
  if (code == "40001" || code == "40P01") return absl::AbortedError(msg);
  if (code == "55P03") return absl::ResourceExhaustedError(msg);  // lock_timeout: the lock is held elsewhere
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
  return Check(Await(params.empty() ? PQsendQuery(conn_, query.c_str())
                                    : PQsendQueryParams(conn_, query.c_str(), static_cast<int>(params.size()),
                                                        nullptr, values.data(), lengths.data(), formats.data(), 0)));
}

absl::StatusOr<int64_t> PgConn::CopyIn(absl::string_view sql, absl::string_view data) {
  PGresult* started = Await(PQsendQuery(conn_, std::string(sql).c_str()));
  if (started == nullptr || PQresultStatus(started) != PGRES_COPY_IN) {
    auto answer = Check(started);
    if (!answer.ok()) return answer.status();
    return absl::InternalError(absl::StrCat("not a COPY FROM STDIN: ", sql));
  }
  PQclear(started);
  // Non-blocking: a piece that does not fit the send buffer waits for the socket, within the
  // same bound as an answer.
  const auto deadline = std::chrono::steady_clock::now() + kAnswerTimeout;
  constexpr size_t kPiece = 1 << 16;
  bool broken = false;
  for (size_t at = 0; at < data.size() && !broken;) {
    const size_t n = std::min(kPiece, data.size() - at);
    const int put = PQputCopyData(conn_, data.data() + at, static_cast<int>(n));
    if (put > 0) at += n;
    else if (put < 0) broken = true;
    else if (!Ready(POLLOUT, deadline)) return Check(GiveUp()).status();
    else if (PQflush(conn_) < 0) broken = true;
  }
  for (int ended = 0; !broken && (ended = PQputCopyEnd(conn_, nullptr)) == 0;) {
    if (!Ready(POLLOUT, deadline)) return Check(GiveUp()).status();
  }
  // libpq refused the data: the connection may still be in COPY mode, of no use to the next
  // statement. It is closed, so that Check says UNAVAILABLE and the pool replaces it.
  if (broken) {
    shutdown(PQsocket(conn_), SHUT_RDWR);
    (void)PQconsumeInput(conn_);
  }
  auto done = Check(Await(!broken));
  if (!done.ok()) return done.status();
  return std::strtoll(PQcmdTuples(done->raw()), nullptr, 10);
}

absl::StatusOr<PgResult> PgConn::ExecPrepared(absl::string_view sql, int n, const char* const* values,
                                              const int* lengths, const int* formats) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = absl::StrCat("s", prepared_.size());
    const std::string text(sql);
    auto prepared = Check(Await(PQsendPrepare(conn_, name.c_str(), text.c_str(), n, nullptr)));
    if (!prepared.ok()) return prepared.status();
    it = prepared_.emplace(text, name).first;
  }
  return Check(Await(PQsendQueryPrepared(conn_, it->second.c_str(), n, values, lengths, formats, 0)));
}

}  // namespace subsidy::storage
