// A thin RAII layer over libpq: one connection, its statements prepared once and kept, and a
// SqlSession over it. Errors are SQLSTATE-aware (see sql_session.h).
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "storage/sql_session.h"

namespace subsidy::storage {

// A statement parameter for one-off statements (tests, operators): text, bytes sent in binary
// (bytea), or NULL.
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
  PGresult* raw() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class PgConn {
 public:
  static absl::StatusOr<std::unique_ptr<PgConn>> Connect(const std::string& url);
  ~PgConn();
  // A one-off statement (no preparation kept).
  absl::StatusOr<PgResult> Exec(absl::string_view sql, const std::vector<PgParam>& params = {});
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Whether a transaction block is open (and the connection idle in it).
  bool InTransaction() const {
    const PGTransactionStatusType t = PQtransactionStatus(conn_);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
  }
  bool Reset();  // reconnects (forgetting prepared statements); true when healthy again

  // The ledger's session on this connection: each statement is prepared on first use.
  SqlSession& session() { return *session_; }
  // Runs a kept prepared statement for `sql`; values/lengths/formats as PQexecPrepared takes them.
  // The writes queued by the session's ExecLater go first, in the same round trip.
  absl::StatusOr<PgResult> ExecPrepared(absl::string_view sql, int n, const char* const* values, const int* lengths,
                                        const int* formats);
  // A write queued by ExecLater, or a read by QueryLater: its statement and its own copy of the values.
  struct Deferred {
    std::string sql;
    std::vector<std::string> values;
    std::vector<bool> nulls;
    std::vector<int> formats;
    int64_t expect_rows;  // < 0: any
    std::string what;
    std::function<absl::Status(const SqlRow&)> on_row = nullptr;  // a queued read's: each row it yields
  };
  void Defer(Deferred d) { deferred_.push_back(std::move(d)); }
  // Sends the queued writes, then the one-off statements `then` (no parameters: "RELEASE one", say),
  // in one round trip (libpq's pipeline mode); the first failure stops the rest and is returned.
  absl::Status FlushWith(absl::Span<const absl::string_view> then = {});
  // Forgets the queued writes (their transaction, or savepoint, is being rolled back).
  void DropDeferred() { deferred_.clear(); }
  // One statement in a pipeline: a kept prepared one (`prepared`; values/lengths/formats as
  // PQexecPrepared takes them), or a one-off without parameters ("COMMIT", say). `sync_after` ends
  // the implicit transaction the statements before it ran in (so that a BEGIN after it starts a
  // new one, whose snapshot none of them took); a failure before it does not stop those after it,
  // though the first failure is still what the pipeline answers.
  struct Step {
    absl::string_view sql;
    bool prepared;
    int n = 0;
    const char* const* values = nullptr;
    const int* lengths = nullptr;
    const int* formats = nullptr;
    bool sync_after = false;
  };
  static Step OneOff(absl::string_view sql) { return {sql, false}; }
  // Runs the queued writes and then `steps` in one round trip; the results of `steps`, or the first
  // failure (of a queued write: its error, or a count of rows it did not expect), after which
  // nothing more runs. `done`, when given, says how many of `steps` succeeded before it: a COMMIT
  // followed by another statement that failed, say, is then known to have committed. `warned`,
  // when given, how many WARNINGs each of `steps` raised (those answered).
  absl::StatusOr<std::vector<PgResult>> Pipeline(absl::Span<const Step> steps, size_t* done = nullptr,
                                                 std::vector<int>* warned = nullptr);
  // Runs `COPY … FROM STDIN` (`sql`) with `data` in COPY's text format; returns the rows copied.
  absl::StatusOr<int64_t> CopyIn(absl::string_view sql, absl::string_view data);
  // The last WARNING the server sent on this connection. A COMMIT whose wait for the synchronous
  // standby was cancelled succeeds with a WARNING only: it is stored here but may be missing from
  // the standby (Pipeline's `warned` says which statement raised one).
  const std::string& last_warning() const { return last_warning_; }

 private:
  explicit PgConn(PGconn* c);
  absl::Status Setup();  // the session's settings, after every (re)connection
  absl::StatusOr<PgResult> Check(PGresult* r);
  // The answer to what was just sent (PQsend…), or nullptr when the connection broke or no answer
  // came within kAnswerTimeout (the connection is then closed: a server that hangs is given up).
  // `restart`: the statement was sent now (else it was sent earlier: a COPY's end).
  PGresult* Await(bool sent, bool restart = true);
  // Sends what libpq holds (false: broken, or given up at `deadline`).
  bool Send(std::chrono::steady_clock::time_point deadline);
  // Waits until PQgetResult would not block (false: given up at `deadline`).
  bool AwaitResult(std::chrono::steady_clock::time_point deadline);
  // The kept statement name for `sql`, prepared on first use.
  absl::StatusOr<std::string> Prepared(absl::string_view sql, int n);
  // Reads a sent pipeline's `sent` results into `results` (the queued writes' counts checked).
  absl::Status PipelineResults(const std::vector<Deferred>& queued, size_t sent, size_t syncs,
                               std::vector<PgResult>* results, std::vector<int>* warned);
  // Closes the connection, so that it answers UNAVAILABLE and the pool replaces it.
  absl::Status Broken(absl::string_view why);
  std::vector<Deferred> deferred_;
  // Waits until the socket is ready for `events`: false when `deadline` passed or polling failed.
  bool Ready(short events, std::chrono::steady_clock::time_point deadline);
  // After a timeout: closes the socket under libpq (which then sees CONNECTION_BAD).
  PGresult* GiveUp();
  static void OnNotice(void* self, const PGresult* notice);
  bool answer_timed_out_ = false;
  // When the statements being answered were sent: a cancel sooner than the statement timeout
  // was not the timeout's.
  std::chrono::steady_clock::time_point sent_at_;
  int warnings_ = 0;
  std::string last_warning_;
  PGconn* conn_;
  absl::flat_hash_map<std::string, std::string> prepared_;  // sql → statement name
  std::unique_ptr<SqlSession> session_;
};

}  // namespace subsidy::storage
