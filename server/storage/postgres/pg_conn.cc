#include "storage/postgres/pg_conn.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/sql_rows.h"

namespace subsidy::storage {
namespace {

// How long a statement may go without an answer before its connection is given up: the server's
// own statement_timeout (30 s, set at connect) and a margin. A database that hangs rather than
// dies (its kernel still acknowledges, so neither keepalives nor tcp_user_timeout fire) is left
// this way, and the pool reconnects to whichever host takes writes then.
constexpr std::chrono::milliseconds kAnswerTimeout{35'000};
constexpr std::chrono::seconds kStatementTimeout{30};  // as Setup sets it

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

  absl::Status ExecLater(absl::string_view sql, absl::Span<const SqlParam> params, int64_t expect_rows,
                         absl::string_view what) override {
    c_->Defer(Deferred(sql, params, expect_rows, what));
    return absl::OkStatus();
  }

  absl::Status QueryLater(absl::string_view sql, absl::Span<const SqlParam> params,
                          std::function<absl::Status(const SqlRow&)> on_row) override {
    PgConn::Deferred d = Deferred(sql, params, -1, "");
    d.on_row = std::move(on_row);
    c_->Defer(std::move(d));
    return absl::OkStatus();
  }

  absl::Status Flush() override { return c_->FlushWith(); }

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

  static PgConn::Deferred Deferred(absl::string_view sql, absl::Span<const SqlParam> params, int64_t expect_rows,
                                   absl::string_view what) {
    PgConn::Deferred d{std::string(sql), {}, {}, {}, expect_rows, std::string(what)};
    for (const SqlParam& p : params) {
      Bind(p, [&](absl::string_view value, int format) {
        d.values.emplace_back(value);
        d.formats.push_back(format);
        d.nulls.push_back(p.kind() == SqlParam::Kind::kNull);
      });
    }
    return d;
  }

  // How a parameter travels: `send(value, format)`, format 0 text and 1 binary (a NULL: empty).
  template <class Send>
  static void Bind(const SqlParam& p, Send&& send) {
    switch (p.kind()) {
      case SqlParam::Kind::kInt: send(std::to_string(p.int_value()), 0); break;  // decimal text
      // libpq reads text parameters up to their NUL: a view is not NUL-terminated, so text goes as
      // binary too (for text columns binary and text formats are the same bytes).
      case SqlParam::Kind::kText:
      case SqlParam::Kind::kBytes: send(p.text(), 1); break;
      case SqlParam::Kind::kNull: send(absl::string_view(), 0); break;
    }
  }

  absl::StatusOr<PgResult> Run(absl::string_view sql, absl::Span<const SqlParam> params) {
    absl::InlinedVector<std::string, 8> ints;
    ints.reserve(params.size());
    absl::InlinedVector<const char*, 16> values;
    absl::InlinedVector<int, 16> lengths, formats;
    for (const SqlParam& p : params) {
      Bind(p, [&](absl::string_view value, int format) {
        if (p.kind() == SqlParam::Kind::kInt) {
          ints.emplace_back(value);
          value = ints.back();
        }
        values.push_back(p.kind() == SqlParam::Kind::kNull ? nullptr : value.data());
        lengths.push_back(static_cast<int>(value.size()));
        formats.push_back(format);
      });
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
  PQsetNoticeReceiver(c, &PgConn::OnNotice, conn.get());  // kept by PQreset
  if (auto s = conn->Setup(); !s.ok()) return s;
  return conn;
}

void PgConn::OnNotice(void* self, const PGresult* notice) {
  const char* text = PQresultErrorMessage(notice);
  fputs(text, stderr);  // as libpq's default does
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity != nullptr && absl::string_view(severity) == "WARNING") {
    auto* c = static_cast<PgConn*>(self);
    ++c->warnings_;
    c->last_warning_ = std::string(absl::StripAsciiWhitespace(text));
  }
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
  deferred_.clear();  // nor the transaction they belonged to
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

bool PgConn::Send(std::chrono::steady_clock::time_point deadline) {
  for (int flushed; (flushed = PQflush(conn_)) != 0;) {
    if (flushed < 0) return false;
    if (!Ready(POLLIN | POLLOUT, deadline)) {
      GiveUp();
      return false;
    }
    if (!PQconsumeInput(conn_)) return false;
  }
  return true;
}

bool PgConn::AwaitResult(std::chrono::steady_clock::time_point deadline) {
  while (PQisBusy(conn_)) {
    if (!Ready(POLLIN, deadline)) return false;
    if (!PQconsumeInput(conn_)) break;  // broken: PQgetResult says so
  }
  return true;
}

PGresult* PgConn::Await(bool sent, bool restart) {
  if (!sent) return nullptr;
  const auto now = std::chrono::steady_clock::now();
  if (restart) sent_at_ = now;
  const auto deadline = now + kAnswerTimeout;
  if (!Send(deadline)) return nullptr;
  // As PQexec: the last result, or the first error (nothing runs after it).
  PGresult* kept = nullptr;
  for (;;) {
    if (!AwaitResult(deadline)) {
      if (kept) PQclear(kept);
      return GiveUp();
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
  // A result's own message: in a pipeline the connection's may be another statement's.
  const char* text = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
  const std::string msg = absl::StrCat("postgresql: ", text, " [", code, "]");
  if (answer_timed_out_) {
    answer_timed_out_ = false;
    return absl::UnavailableError(absl::StrCat("no answer from PostgreSQL within ", kAnswerTimeout.count() / 1000,
                                               " s; the connection was given up"));
  }
  if (PQstatus(conn_) != CONNECTION_OK || code.rfind("08", 0) == 0 || code == "57P01" || code == "57P02" ||
      code == "57P03") {
    return absl::UnavailableError(msg);
  }
  // A cancelled statement fails its transaction; nothing was applied. Cancelled sooner than the
  // statement_timeout, it was cancelled by someone else (pg_cancel_backend, an operator): the
  // write may simply run again. (The message is in the server's language: time tells them apart.)
  if (code == "57014") {
    if (std::chrono::steady_clock::now() - sent_at_ < kStatementTimeout) {
      return absl::AbortedError(absl::StrCat("the statement was cancelled, not by its timeout: ", msg));
    }
    return absl::DeadlineExceededError(msg);
  }
  if (code == "40001" || code == "40P01") return absl::AbortedError(msg);
  if (code == "55P03") return absl::ResourceExhaustedError(msg);  // lock_timeout: the lock is held elsewhere
  if (code == "23505") return absl::AlreadyExistsError(msg);
  return absl::InternalError(msg);
}

absl::StatusOr<PgResult> PgConn::Exec(absl::string_view sql, const std::vector<PgParam>& params) {
  if (auto s = FlushWith(); !s.ok()) return s;
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
  if (auto s = FlushWith(); !s.ok()) return s;
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
  auto done = Check(Await(!broken, /*restart=*/false));  // its statement timer runs from the COPY's start
  if (!done.ok()) return done.status();
  return std::strtoll(PQcmdTuples(done->raw()), nullptr, 10);
}

absl::StatusOr<std::string> PgConn::Prepared(absl::string_view sql, int n) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return it->second;
  const std::string name = absl::StrCat("s", prepared_.size());
  const std::string text(sql);
  auto prepared = Check(Await(PQsendPrepare(conn_, name.c_str(), text.c_str(), n, nullptr)));
  if (!prepared.ok()) return prepared.status();
  prepared_.emplace(text, name);
  return name;
}

absl::StatusOr<PgResult> PgConn::ExecPrepared(absl::string_view sql, int n, const char* const* values,
                                              const int* lengths, const int* formats) {
  if (!deferred_.empty()) {
    const Step step{sql, true, n, values, lengths, formats};
    auto results = Pipeline({&step, 1});
    if (!results.ok()) return results.status();
    return std::move(results->back());
  }
  auto name = Prepared(sql, n);
  if (!name.ok()) return name.status();
  return Check(Await(PQsendQueryPrepared(conn_, name->c_str(), n, values, lengths, formats, 0)));
}

absl::Status PgConn::FlushWith(absl::Span<const absl::string_view> then) {
  if (deferred_.empty() && then.empty()) return absl::OkStatus();
  std::vector<Step> steps;
  for (absl::string_view sql : then) steps.push_back({sql, false});
  return Pipeline(steps).status();
}

absl::StatusOr<std::vector<PgResult>> PgConn::Pipeline(absl::Span<const Step> then, size_t* done,
                                                       std::vector<int>* warned) {
  if (done) *done = 0;
  std::vector<Deferred> queued;
  queued.swap(deferred_);  // sent now, whatever the outcome
  // The statements and their parameters as libpq takes them; each prepared before the pipeline
  // starts (once a connection), so that the pipeline holds only runs.
  std::vector<Step> steps;
  std::vector<std::vector<const char*>> values(queued.size());
  std::vector<std::vector<int>> lengths(queued.size());
  for (size_t i = 0; i < queued.size(); ++i) {
    const Deferred& d = queued[i];
    for (size_t j = 0; j < d.values.size(); ++j) {
      values[i].push_back(d.nulls[j] ? nullptr : d.values[j].data());
      lengths[i].push_back(static_cast<int>(d.values[j].size()));
    }
    steps.push_back({d.sql, true, static_cast<int>(d.values.size()), values[i].data(), lengths[i].data(),
                     d.formats.data()});
  }
  steps.insert(steps.end(), then.begin(), then.end());
  std::vector<std::string> names(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!steps[i].prepared) continue;
    auto name = Prepared(steps[i].sql, steps[i].n);
    if (!name.ok()) return name.status();
    names[i] = std::move(*name);
  }
  if (!PQenterPipelineMode(conn_)) return Broken("it could not enter pipeline mode");
  bool sent = true;
  size_t syncs = 1;  // the last
  for (size_t i = 0; i < steps.size() && sent; ++i) {
    const std::string one_off = steps[i].prepared ? "" : std::string(steps[i].sql);
    sent = steps[i].prepared ? PQsendQueryPrepared(conn_, names[i].c_str(), steps[i].n, steps[i].values,
                                                   steps[i].lengths, steps[i].formats, 0)
                             : PQsendQueryParams(conn_, one_off.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    if (sent && steps[i].sync_after && i + 1 < steps.size()) {
      sent = PQpipelineSync(conn_);
      ++syncs;
    }
  }
  sent_at_ = std::chrono::steady_clock::now();
  const auto deadline = sent_at_ + kAnswerTimeout;
  if (!sent || !PQpipelineSync(conn_) || !Send(deadline)) {
    if (answer_timed_out_) return Check(nullptr).status();
    return Broken("a pipeline could not be sent");
  }
  std::vector<PgResult> results;
  std::vector<int> warned_all(steps.size(), 0);
  auto answered = PipelineResults(queued, steps.size(), syncs, &results, &warned_all);
  if (done) *done = results.size() > queued.size() ? results.size() - queued.size() : 0;
  if (warned) warned->assign(warned_all.begin() + static_cast<std::ptrdiff_t>(queued.size()), warned_all.end());
  if (!answered.ok()) return answered;
  results.erase(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(queued.size()));
  return results;
}

absl::Status PgConn::PipelineResults(const std::vector<Deferred>& queued, size_t sent, size_t syncs,
                                     std::vector<PgResult>* results, std::vector<int>* warned) {
  // Each statement's result then a null, in order; after a failure, PIPELINE_ABORTED for the rest
  // up to the next sync; each sync's own result. Each statement has kAnswerTimeout for its answer,
  // as when sent alone: the server's statement_timeout is per statement too. A statement's
  // notices come before its result and after the one before it.
  absl::Status first;
  size_t statement = 0;
  int warnings_before = warnings_;
  for (size_t nulls = 0, synced = 0;;) {
    if (!AwaitResult(std::chrono::steady_clock::now() + kAnswerTimeout)) {
      GiveUp();
      return Check(nullptr).status();
    }
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK || ++nulls > sent + syncs) break;
      continue;
    }
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      if (++synced == syncs) break;
      continue;
    }
    if (statement < warned->size()) (*warned)[statement] = warnings_ - warnings_before;
    ++statement;
    warnings_before = warnings_;
    if (st == PGRES_PIPELINE_ABORTED || !first.ok()) {
      PQclear(r);
      continue;
    }
    auto checked = Check(r);
    if (!checked.ok()) {
      first = checked.status();
      continue;
    }
    const size_t i = results->size();
    if (i < queued.size() && queued[i].expect_rows >= 0) {
      first = ExpectRows(std::strtoll(PQcmdTuples(checked->raw()), nullptr, 10), queued[i].expect_rows, queued[i].what);
    }
    if (i < queued.size() && queued[i].on_row) {
      for (int row = 0; row < checked->rows() && first.ok(); ++row) first = queued[i].on_row(PgRow(*checked, row));
    }
    results->push_back(std::move(*checked));
  }
  if (!PQexitPipelineMode(conn_)) return Broken("it could not leave pipeline mode");
  if (!first.ok()) return first;
  if (results->size() != sent) return Broken("a pipeline's answers went missing");
  return absl::OkStatus();
}

absl::Status PgConn::Broken(absl::string_view why) {
  // Anything unexpected leaves the connection closed (UNAVAILABLE), never half in a pipeline.
  shutdown(PQsocket(conn_), SHUT_RDWR);
  (void)PQconsumeInput(conn_);
  return absl::UnavailableError(absl::StrCat("the PostgreSQL connection was closed: ", why, ": ", PQerrorMessage(conn_)));
}

}  // namespace subsidy::storage
