// The small interface the ledger is written against: one database session that runs statements
// of the ledger's SQL. Each dialect (sqlite/, postgres/) implements it; everything else in
// storage is written once. Statements use PostgreSQL-style placeholders ($1, $2, …); a dialect
// that spells them otherwise rewrites them once, when it prepares the statement.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace subsidy::storage {

// A statement parameter: a 64-bit integer, text, bytes, or NULL. Text and bytes are views: the
// caller keeps them alive for the statement's run.
class SqlParam {
 public:
  enum class Kind { kInt, kText, kBytes, kNull };
  static SqlParam Int(int64_t v) { return SqlParam(Kind::kInt, v, {}); }
  static SqlParam Text(absl::string_view v) { return SqlParam(Kind::kText, 0, v); }
  static SqlParam Bytes(absl::string_view v) { return SqlParam(Kind::kBytes, 0, v); }
  static SqlParam Null() { return SqlParam(Kind::kNull, 0, {}); }
  // Text, or NULL when empty (optional columns such as a once-only key).
  static SqlParam TextOrNull(absl::string_view v) { return v.empty() ? Null() : Text(v); }

  Kind kind() const { return kind_; }
  int64_t int_value() const { return int_; }
  absl::string_view text() const { return text_; }

 private:
  SqlParam(Kind k, int64_t i, absl::string_view t) : kind_(k), int_(i), text_(t) {}
  Kind kind_;
  int64_t int_;
  absl::string_view text_;
};

// One row of a result, valid only inside the callback that receives it.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual int64_t Int(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  virtual std::string Bytes(int col) const = 0;
  virtual bool IsNull(int col) const = 0;
};

// Errors: a unique-key violation is ALREADY_EXISTS; a serialization failure or deadlock is
// ABORTED (retry the transaction); a lost connection or a busy database is UNAVAILABLE; any
// other failure (a CHECK or trigger refusing a write among them) is INTERNAL.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // Runs one statement and calls `on_row` for each row it yields; an error from `on_row` stops
  // the statement and is returned.
  virtual absl::Status Query(absl::string_view sql, absl::Span<const SqlParam> params,
                             absl::FunctionRef<absl::Status(const SqlRow&)> on_row) = 0;
  // Runs one statement that yields no rows; returns how many rows it changed.
  virtual absl::StatusOr<int64_t> Exec(absl::string_view sql, absl::Span<const SqlParam> params = {}) = 0;
  // Runs a script of several statements without parameters (schema migrations).
  virtual absl::Status ExecScript(absl::string_view sql) = 0;
  // Appends rows to `table`: `values` holds them one row after another, `columns.size()` values
  // each. A plain append, no ON CONFLICT: a key already there fails it whole. Each dialect loads
  // its fastest way; this one is multi-row INSERTs (sql_rows.cc), PostgreSQL's is COPY.
  virtual absl::Status AppendRows(absl::string_view table, absl::Span<const absl::string_view> columns,
                                  absl::Span<const SqlParam> values);
  // A write whose answer nobody waits for: only how many rows it changed is checked (`expect_rows`;
  // any count when negative; `what` names it in the error). It runs, in order, before the
  // session's next statement of any kind, or at Flush(). A dialect whose statements each cost a
  // round trip sends the queue with that next statement (PostgreSQL's pipeline mode); this default
  // runs it now. Its failure is answered by the statement that sent it (or by Flush), so use it only
  // where any failure fails the transaction: never where a caller reads a particular error (a unique
  // key's ALREADY_EXISTS as an answer, say). The values are copied.
  virtual absl::Status ExecLater(absl::string_view sql, absl::Span<const SqlParam> params, int64_t expect_rows,
                                 absl::string_view what);
  // A read queued as ExecLater queues a write, in the same queue: `on_row` is called for each of
  // its rows when the queue is sent (so what it writes to must outlive that). Several reads
  // queued one after another and then a Flush() cost one round trip where each read alone costs
  // one. This default runs it now.
  virtual absl::Status QueryLater(absl::string_view sql, absl::Span<const SqlParam> params,
                                  std::function<absl::Status(const SqlRow&)> on_row) {
    return Query(sql, params, on_row);
  }
  // Runs what ExecLater and QueryLater queued; the first failure among it.
  virtual absl::Status Flush() { return absl::OkStatus(); }

  // Convenience: the single row of a statement that yields at most one.
  template <class Fn>
  absl::StatusOr<bool> QueryOne(absl::string_view sql, absl::Span<const SqlParam> params, Fn&& read) {
    bool found = false;
    auto s = Query(sql, params, [&](const SqlRow& row) -> absl::Status {
      found = true;
      read(row);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return found;
  }
};

}  // namespace subsidy::storage
