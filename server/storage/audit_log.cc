#include "storage/audit_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {
namespace {

class SqlAuditTx final : public AuditTx {
 public:
  explicit SqlAuditTx(TxContext& tx) : s_(tx.session), clock_(tx.clock) {}

  absl::Status AuditAll(const std::vector<AuditEntry>& entries) override {
    const std::string now = clock_.NowUtcText();
    auto chunked = InChunks(entries.size(), [&](size_t from, size_t n) -> absl::Status {
      std::vector<SqlParam> params;
      for (size_t i = from; i < from + n; ++i) {
        const AuditEntry& e = entries[i];
        for (SqlParam p : {SqlParam::Text(now), SqlParam::Text(e.caller), SqlParam::Text(e.method),
                           SqlParam::Text(e.request_id), SqlParam::Text(e.entity_id), SqlParam::Text(e.result),
                           SqlParam::Text(e.detail)}) {
          params.push_back(p);
        }
      }
      auto written = s_.ExecLater(
          absl::StrCat("INSERT INTO audit_log (at, caller, method, request_id, entity_id, result, detail) VALUES ",
                       Placeholders(1, n, 7)),
          params, static_cast<int64_t>(n), "writing the audit trail");
      if (!written.ok()) return written;
      return absl::OkStatus();
    });
    return chunked;
  }

 private:
  SqlSession& s_;
  const Clock& clock_;
};

class SqlAuditReads final : public AuditReads {
 public:
  explicit SqlAuditReads(Dialect& dialect) : dialect_(&dialect) {}

  absl::StatusOr<std::vector<AuditRow>> ListAuditEvents(const AuditFilter& f) override {
    std::vector<std::string> texts;
    texts.reserve(3);
    std::vector<SqlParam> params = {SqlParam::Int(f.after_id)};
    std::string sql =
        "SELECT id, at, caller, method, request_id, entity_id, result, detail FROM audit_log WHERE id > $1";
    auto add = [&](absl::string_view condition, std::string value) {
      texts.push_back(std::move(value));
      params.push_back(SqlParam::Text(texts.back()));
      absl::StrAppend(&sql, " AND ", condition, " $", params.size());
    };
    if (!f.subject_id.empty()) add("entity_id =", f.subject_id);
    if (!f.caller.empty()) add("caller =", f.caller);
    if (!f.since.empty()) add("at >=", f.since);
    params.push_back(SqlParam::Int(f.limit));
    absl::StrAppend(&sql, " ORDER BY id LIMIT $", params.size());
    std::vector<AuditRow> rows;
    auto s = dialect_->Read([&](SqlSession& session) {
      rows.clear();
      return session.Query(sql, params, [&](const SqlRow& q) {
        rows.push_back({q.Int(0), q.Text(1), {q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7)}});
        return absl::OkStatus();
      });
    });
    if (!s.ok()) return s;
    return rows;
  }

 private:
  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<AuditTx> NewAuditTx(TxContext& tx) { return std::make_unique<SqlAuditTx>(tx); }
std::unique_ptr<AuditReads> NewAuditReads(Dialect& dialect) { return std::make_unique<SqlAuditReads>(dialect); }

}  // namespace subsidy::storage
