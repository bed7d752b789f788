#include "storage/monitoring_ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/sql_rows.h"
#include "storage/tx_context.h"

namespace subsidy::storage {

std::string CaseIdFor(int64_t seq) { return absl::StrFormat("AC-%08d", seq); }
std::optional<int64_t> CaseSeqFrom(const std::string& case_id) { return SeqFromId(case_id, "AC-", &CaseIdFor); }

namespace {

// Parameters are kept as one reason's (sql_rows.h), which cannot hold the separators.
std::string EncodeParams(const StatusParams& params) { return EncodeReasons({Reason{"", "", params}}); }
StatusParams DecodeParams(absl::string_view text) {
  auto reasons = DecodeReasons(text);
  return reasons.empty() ? StatusParams() : std::move(reasons.front().params);
}

constexpr char kCaseColumns[] =
    "seq, alert_id, rule_id, kind, severity, fund_id, subject_id, unit_kind, subject_unit, since, params, state, "
    "violation_type, closed_reason, steps, opened_on";

AlertCaseRow ReadCase(const SqlRow& q) {
  AlertCaseRow c;
  c.seq = q.Int(0);
  c.alert_id = q.Text(1);
  c.rule_id = q.Text(2);
  c.kind = q.Text(3);
  c.severity = q.Text(4);
  c.fund_id = q.Text(5);
  c.subject_id = q.Text(6);
  c.unit_kind = q.Text(7);
  c.subject_unit = q.Text(8);
  c.since = q.Text(9);
  c.params = DecodeParams(q.Text(10));
  c.state = q.Text(11);
  c.violation_type = q.Text(12);
  c.closed_reason = q.Text(13);
  c.steps = q.Int(14);
  c.opened_on = q.Text(15);
  return c;
}

absl::Status ReadCases(SqlSession& s, absl::string_view sql, absl::Span<const SqlParam> params,
                       std::vector<AlertCaseRow>* out) {
  return s.Query(sql, params, [&](const SqlRow& row) {
    out->push_back(ReadCase(row));
    return absl::OkStatus();
  });
}

absl::Status InsertStep(SqlSession& s, int64_t case_seq, const AlertStepRow& step) {
  auto done = s.Exec(
      "INSERT INTO alert_case_steps (case_seq, step_no, from_state, state, by_caller, at, text, request_id, finding, "
      "violation_type, rectify_action, entry_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {SqlParam::Int(case_seq), SqlParam::Int(step.step_no), SqlParam::Text(step.from_state),
       SqlParam::Text(step.state), SqlParam::Text(step.by), SqlParam::Text(step.at), SqlParam::Text(step.text),
       SqlParam::Text(step.request_id), SqlParam::Text(step.finding), SqlParam::Text(step.violation_type),
       SqlParam::Text(step.rectify_action), SqlParam::Text(step.entry_id)});
  return done.status();
}

constexpr char kTargetColumns[] =
    "t.fund_id, t.indicator_key, t.indicator_id, t.kind, t.name, t.unit, t.target_value, t.entered_on, t.entered_by, "
    "t.request_id, "
    "COALESCE((SELECT p.value FROM fund_target_progress p WHERE p.fund_id = t.fund_id AND "
    "p.indicator_key = t.indicator_key ORDER BY p.date DESC, p.seq DESC LIMIT 1), ''), "
    "COALESCE((SELECT p.date FROM fund_target_progress p WHERE p.fund_id = t.fund_id AND "
    "p.indicator_key = t.indicator_key ORDER BY p.date DESC, p.seq DESC LIMIT 1), '')";

absl::StatusOr<std::vector<FundTargetRow>> ReadTargets(SqlSession& s, const std::string& fund_id) {
  std::vector<FundTargetRow> out;
  absl::Status bad;
  auto st = s.Query(absl::StrCat("SELECT ", kTargetColumns,
                                 " FROM fund_targets t WHERE t.fund_id = $1 ORDER BY t.entered_on, t.indicator_key"),
                    {SqlParam::Text(fund_id)}, [&](const SqlRow& q) {
                      auto on = DateColumn(q, 7);
                      if (!on.ok()) return on.status();
                      out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), *on,
                                     q.Text(8), q.Text(9), q.Text(10), q.Text(11)});
                      return absl::OkStatus();
                    });
  if (!st.ok()) return st;
  return out;
}

// The WHERE of a case list (paging aside) and its parameters.
struct CaseWhere {
  std::string sql = "1 = 1";
  std::vector<std::string> texts;  // kept alive for the parameters
  std::vector<SqlParam> params;
};

CaseWhere WhereOf(const AlertCaseFilter& f) {
  CaseWhere w;
  // Reserved once, so that the parameters' views of the texts stay valid.
  w.texts.reserve(5 + (f.units ? 2 * f.units->size() : 0));
  auto param = [&](const std::string& value) {
    w.texts.push_back(value);
    w.params.push_back(SqlParam::Text(w.texts.back()));
    return absl::StrCat("$", w.params.size());
  };
  for (const auto& [column, value] : {std::pair<const char*, const std::string*>{"state", &f.state},
                                      {"fund_id", &f.fund_id},
                                      {"severity", &f.severity},
                                      {"kind", &f.kind},
                                      {"subject_unit", &f.subject_unit}}) {
    if (!value->empty()) absl::StrAppend(&w.sql, " AND ", column, " = ", param(*value));
  }
  if (f.units) {
    std::string any = f.units->empty() ? "1 = 0" : "";
    for (size_t u = 0; u < f.units->size(); ++u) {
      const std::string kind = param((*f.units)[u].first);
      absl::StrAppend(&any, u ? " OR " : "", "(unit_kind = ", kind, " AND subject_unit = ", param((*f.units)[u].second),
                      ")");
    }
    absl::StrAppend(&w.sql, " AND (", any, ")");
  }
  return w;
}

class SqlMonitoringTx final : public MonitoringTx {
 public:
  explicit SqlMonitoringTx(TxContext& tx) : s_(tx.session), dialect_(tx.dialect), clock_(tx.clock) {}

  absl::StatusOr<std::pair<int64_t, bool>> OpenCase(const AlertCaseRow& c, const AlertStepRow& first) override {
    const std::string params = EncodeParams(c.params);
    auto made = s_.Exec(
        "INSERT INTO alert_cases (alert_id, rule_id, kind, severity, fund_id, subject_id, unit_kind, subject_unit, "
        "since, params, state, steps, opened_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'OPEN', "
        "1, $11, $12) ON CONFLICT (alert_id) WHERE state <> 'CLOSED' DO NOTHING",
        {SqlParam::Text(c.alert_id), SqlParam::Text(c.rule_id), SqlParam::Text(c.kind), SqlParam::Text(c.severity),
         SqlParam::Text(c.fund_id), SqlParam::Text(c.subject_id), SqlParam::Text(c.unit_kind),
         SqlParam::Text(c.subject_unit), SqlParam::Text(c.since), SqlParam::Text(params), SqlParam::Text(c.opened_on),
         SqlParam::Text(first.at)});
    if (!made.ok()) return made.status();
    int64_t seq = 0;
    auto found = s_.QueryOne("SELECT seq FROM alert_cases WHERE alert_id = $1 AND state <> 'CLOSED'",
                             {SqlParam::Text(c.alert_id)},
                             [&](const SqlRow& row) { seq = row.Int(0); });
    if (!found.ok()) return found.status();
    if (*made == 0) return std::pair<int64_t, bool>(seq, false);
    AlertStepRow step = first;
    step.step_no = 1;
    step.state = "OPEN";
    if (auto st = InsertStep(s_, seq, step); !st.ok()) return st;
    return std::pair<int64_t, bool>(seq, true);
  }

  absl::StatusOr<std::optional<AlertCaseRow>> CaseForUpdate(int64_t seq) override {
    std::vector<AlertCaseRow> rows;
    auto st = ReadCases(
        s_, absl::StrCat("SELECT ", kCaseColumns, " FROM alert_cases WHERE seq = $1", dialect_.LockRowsClause()),
        {SqlParam::Int(seq)}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) return std::optional<AlertCaseRow>();
    return std::optional<AlertCaseRow>(std::move(rows.front()));
  }

  absl::Status Move(const AlertCaseRow& c, const AlertStepRow& step, const std::string& violation_type,
                    const std::string& closed_reason) override {
    auto done = s_.Exec(
        "UPDATE alert_cases SET state = $2, steps = steps + 1, violation_type = $3, closed_reason = $4 "
        "WHERE seq = $1 AND steps = $5",
        {SqlParam::Int(c.seq), SqlParam::Text(step.state), SqlParam::Text(violation_type),
         SqlParam::Text(closed_reason), SqlParam::Int(c.steps)});
    if (!done.ok()) return done.status();
    if (*done != 1) return absl::AbortedError(absl::StrCat("alert case ", CaseIdFor(c.seq), " moved meanwhile"));
    AlertStepRow s = step;
    s.step_no = c.steps + 1;
    s.from_state = c.state;
    return InsertStep(s_, c.seq, s);
  }

  absl::StatusOr<int64_t> CaseRectifiedBy(const std::string& entry_id) override {
    int64_t seq = 0;
    auto found = s_.QueryOne("SELECT case_seq FROM alert_case_steps WHERE entry_id = $1", {SqlParam::Text(entry_id)},
                             [&](const SqlRow& row) { seq = row.Int(0); });
    if (!found.ok()) return found.status();
    return seq;
  }

  absl::StatusOr<std::map<std::string, AlertCaseRow>> LiveCases() override {
    std::vector<AlertCaseRow> rows;
    auto st = ReadCases(s_, absl::StrCat("SELECT ", kCaseColumns, " FROM alert_cases WHERE state <> 'CLOSED'"), {},
                        &rows);
    if (!st.ok()) return st;
    std::map<std::string, AlertCaseRow> out;
    for (auto& r : rows) out.emplace(r.alert_id, std::move(r));
    return out;
  }

  absl::Status RecordEvent(const MonitoringEventRow& e) override {
    const std::string params = EncodeParams(e.params);
    const std::string date = e.date.ToString();
    const std::string now = TimeNow();
    return s_
        .Exec("INSERT INTO monitoring_events (request_id, rule_id, kind, severity, fund_id, subject_id, date, params, "
              "caller, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (request_id) DO NOTHING",
              {SqlParam::Text(e.request_id), SqlParam::Text(e.rule_id), SqlParam::Text(e.kind),
               SqlParam::Text(e.severity), SqlParam::Text(e.fund_id), SqlParam::Text(e.subject_id),
               SqlParam::Text(date), SqlParam::Text(params), SqlParam::Text(e.caller), SqlParam::Text(now)})
        .status();
  }

  absl::StatusOr<bool> AddTarget(const FundTargetRow& t) override {
    const std::string on = t.entered_on.ToString();
    const std::string now = TimeNow();
    auto made = s_.Exec(
        "INSERT INTO fund_targets (fund_id, indicator_key, indicator_id, kind, name, unit, target_value, entered_on, "
        "entered_by, request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        "ON CONFLICT (fund_id, indicator_key) DO NOTHING",
        {SqlParam::Text(t.fund_id), SqlParam::Text(t.indicator_key), SqlParam::Text(t.indicator_id),
         SqlParam::Text(t.kind), SqlParam::Text(t.name), SqlParam::Text(t.unit), SqlParam::Text(t.target_value),
         SqlParam::Text(on), SqlParam::Text(t.entered_by), SqlParam::Text(t.request_id), SqlParam::Text(now)});
    if (!made.ok()) return made.status();
    return *made == 1;
  }

  absl::Status AddProgress(const std::string& fund_id, const std::string& indicator_key, const std::string& value,
                           Date date, const std::string& by, const std::string& request_id) override {
    const std::string day = date.ToString();
    const std::string now = TimeNow();
    return s_
        .Exec("INSERT INTO fund_target_progress (fund_id, indicator_key, value, date, entered_by, request_id, "
              "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
              {SqlParam::Text(fund_id), SqlParam::Text(indicator_key), SqlParam::Text(value), SqlParam::Text(day),
               SqlParam::Text(by), SqlParam::Text(request_id), SqlParam::Text(now)})
        .status();
  }

  absl::StatusOr<std::vector<FundTargetRow>> Targets(const std::string& fund_id) override {
    return ReadTargets(s_, fund_id);
  }

  absl::Status AddUnitAccount(const std::string& recipient_key, const std::string& account_key,
                              int64_t entry_id) override {
    return s_
        .Exec("INSERT INTO unit_accounts (recipient_key, account_key, entry_id) VALUES ($1, $2, $3) "
              "ON CONFLICT (recipient_key, account_key) DO NOTHING",
              {SqlParam::Text(recipient_key), SqlParam::Text(account_key), SqlParam::Int(entry_id)})
        .status();
  }

  absl::StatusOr<bool> IsUnitAccount(const std::string& recipient_key, const std::string& account_key) override {
    return s_.QueryOne("SELECT 1 FROM unit_accounts WHERE recipient_key = $1 AND account_key = $2",
                       {SqlParam::Text(recipient_key), SqlParam::Text(account_key)}, [](const SqlRow&) {});
  }

 private:
  std::string TimeNow() const { return clock_.NowUtcText(); }
  SqlSession& s_;
  const Dialect& dialect_;
  const Clock& clock_;
};

class SqlMonitoringReads final : public MonitoringReads {
 public:
  explicit SqlMonitoringReads(Dialect& dialect) : dialect_(&dialect) {}

  absl::StatusOr<std::vector<AlertCaseRow>> ListCases(const AlertCaseFilter& filter) override {
    CaseWhere w = WhereOf(filter);
    std::vector<SqlParam> params = w.params;
    std::string sql = absl::StrCat("SELECT ", kCaseColumns, " FROM alert_cases WHERE ", w.sql);
    if (filter.before_seq > 0) {
      params.push_back(SqlParam::Int(filter.before_seq));
      absl::StrAppend(&sql, " AND seq < $", params.size());
    }
    params.push_back(SqlParam::Int(filter.limit));
    absl::StrAppend(&sql, " ORDER BY seq DESC LIMIT $", params.size());
    return ReadOne<std::vector<AlertCaseRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<AlertCaseRow>> {
      std::vector<AlertCaseRow> out;
      if (auto st = ReadCases(s, sql, params, &out); !st.ok()) return st;
      return out;
    });
  }

  absl::StatusOr<std::vector<AlertTallyRow>> Tallies(const AlertCaseFilter& filter) override {
    CaseWhere w = WhereOf(filter);
    const std::string sql = absl::StrCat("SELECT kind, severity, state, COUNT(*) FROM alert_cases WHERE ", w.sql,
                                         " GROUP BY kind, severity, state ORDER BY kind, severity, state");
    return ReadOne<std::vector<AlertTallyRow>>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<AlertTallyRow>> {
      std::vector<AlertTallyRow> out;
      auto st = s.Query(sql, w.params, [&](const SqlRow& q) {
        out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Int(3)});
        return absl::OkStatus();
      });
      if (!st.ok()) return st;
      return out;
    });
  }

  absl::StatusOr<std::optional<AlertCaseRow>> GetCase(int64_t seq, std::vector<AlertStepRow>* steps) override {
    using Out = std::optional<AlertCaseRow>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      std::vector<AlertCaseRow> rows;
      auto st = ReadCases(s, absl::StrCat("SELECT ", kCaseColumns, " FROM alert_cases WHERE seq = $1"),
                          {SqlParam::Int(seq)}, &rows);
      if (!st.ok()) return st;
      if (rows.empty()) return Out();
      if (steps != nullptr) {
        steps->clear();
        st = s.Query(
            "SELECT step_no, from_state, state, by_caller, at, text, request_id, finding, violation_type, "
            "rectify_action, entry_id FROM alert_case_steps WHERE case_seq = $1 ORDER BY step_no",
            {SqlParam::Int(seq)}, [&](const SqlRow& q) {
              steps->push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), q.Text(7),
                                q.Text(8), q.Text(9), q.Text(10)});
              return absl::OkStatus();
            });
        if (!st.ok()) return st;
      }
      return Out(std::move(rows.front()));
    });
  }

  absl::StatusOr<std::map<std::string, AlertCaseRow>> CasesOfAlerts(const std::vector<std::string>& alert_ids) override {
    using Out = std::map<std::string, AlertCaseRow>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      Out out;
      // In chunks: a statement's parameters are bounded.
      constexpr size_t kChunk = 200;
      for (size_t from = 0; from < alert_ids.size(); from += kChunk) {
        const size_t to = std::min(alert_ids.size(), from + kChunk);
        std::vector<SqlParam> params;
        std::string in;
        for (size_t i = from; i < to; ++i) {
          params.push_back(SqlParam::Text(alert_ids[i]));
          absl::StrAppend(&in, i == from ? "" : ", ", "$", params.size());
        }
        std::vector<AlertCaseRow> rows;
        auto st = ReadCases(
            s, absl::StrCat("SELECT ", kCaseColumns, " FROM alert_cases WHERE alert_id IN (", in, ") ORDER BY seq"),
            params, &rows);
        if (!st.ok()) return st;
        for (auto& r : rows) out[r.alert_id] = std::move(r);  // an alert's latest case
      }
      return out;
    });
  }

  absl::StatusOr<std::map<std::pair<std::string, std::string>, int64_t>> OpenCasesByDay() override {
    using Out = std::map<std::pair<std::string, std::string>, int64_t>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      Out out;
      auto st = s.Query("SELECT severity, opened_on, COUNT(*) FROM alert_cases WHERE state <> 'CLOSED' "
                        "GROUP BY severity, opened_on",
                        {}, [&](const SqlRow& q) {
                          out[{q.Text(0), q.Text(1)}] = q.Int(2);
                          return absl::OkStatus();
                        });
      if (!st.ok()) return st;
      return out;
    });
  }

  absl::StatusOr<std::vector<MonitoringEventRow>> EventsAsOf(Date as_of) override {
    const std::string day = as_of.ToString();
    using Out = std::vector<MonitoringEventRow>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      Out out;
      auto st = s.Query(
          "SELECT seq, request_id, rule_id, kind, severity, fund_id, subject_id, date, params, caller "
          "FROM monitoring_events WHERE date <= $1 ORDER BY date, seq",
          {SqlParam::Text(day)}, [&](const SqlRow& q) {
            auto date = DateColumn(q, 7);
            if (!date.ok()) return date.status();
            out.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Text(5), q.Text(6), *date,
                           DecodeParams(q.Text(8)), q.Text(9)});
            return absl::OkStatus();
          });
      if (!st.ok()) return st;
      return out;
    });
  }

  absl::StatusOr<std::vector<FundTargetRow>> Targets(const std::string& fund_id) override {
    return ReadOne<std::vector<FundTargetRow>>(
        *dialect_, [&](SqlSession& s) -> absl::StatusOr<std::vector<FundTargetRow>> { return ReadTargets(s, fund_id); });
  }

  absl::StatusOr<std::map<std::string, Date>> TargetsEnteredOn() override {
    using Out = std::map<std::string, Date>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      Out out;
      auto st = s.Query("SELECT fund_id, MIN(entered_on) FROM fund_targets GROUP BY fund_id", {}, [&](const SqlRow& q) {
        auto d = DateColumn(q, 1);
        if (!d.ok()) return d.status();
        out.emplace(q.Text(0), *d);
        return absl::OkStatus();
      });
      if (!st.ok()) return st;
      return out;
    });
  }

  absl::StatusOr<std::map<std::string, Money>> BeneficiaryRecordedByFund(Date as_of) override {
    const std::string day = as_of.ToString();
    using Out = std::map<std::string, Money>;
    return ReadOne<Out>(*dialect_, [&](SqlSession& s) -> absl::StatusOr<Out> {
      Out out;
      auto st = s.Query(
          "SELECT e.fund_id, SUM(e.amount_fen) FROM payment_lines l "
          "JOIN payment_line_entries x ON x.payment_seq = l.seq JOIN fund_entries e ON e.id = x.entry_id "
          "WHERE l.payee_id <> '' AND l.state IN ('SENT', 'CONFIRMED') AND e.date <= $1 GROUP BY e.fund_id",
          {SqlParam::Text(day)}, [&](const SqlRow& q) {
            out.emplace(q.Text(0), Money::Fen(q.Int(1)));
            return absl::OkStatus();
          });
      if (!st.ok()) return st;
      return out;
    });
  }

 private:
  Dialect* dialect_;
};

}  // namespace

std::unique_ptr<MonitoringTx> NewMonitoringTx(TxContext& tx) { return std::make_unique<SqlMonitoringTx>(tx); }
std::unique_ptr<MonitoringReads> NewMonitoringReads(Dialect& dialect) {
  return std::make_unique<SqlMonitoringReads>(dialect);
}

}  // namespace subsidy::storage
