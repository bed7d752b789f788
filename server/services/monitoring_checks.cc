#include "services/monitoring_checks.h"

#include "absl/strings/str_cat.h"
#include "funds/payments.h"
#include "funds/rules.h"
#include "ids/canonical.h"

namespace subsidy::service {

absl::Status CheckOwnAccount(storage::LedgerTx& tx, const PolicyData& data, const std::string& fund_id,
                             const std::string& recipient_id, const std::string& payee_account, Money amount,
                             Date date, const std::string& request_id, const std::string& caller,
                             std::optional<storage::MonitoringEventRow>* event) {
  const std::string account = funds::AccountKey(payee_account);
  if (account.empty()) return absl::OkStatus();
  for (const auto* rule : data.monitoring_rules().InForce(date, funds::kTransferToOwnAccount)) {
    if (rule->action != funds::RuleAction::kBlock) continue;
    auto own = tx.monitoring().IsUnitAccount(IdKey(recipient_id), account);
    if (!own.ok()) return own.status();
    if (!*own) return absl::OkStatus();
    const StatusParams params = {{"rule_id", rule->rule_id},
                                 {"fund_id", fund_id},
                                 {"recipient_id", recipient_id},
                                 {"account", funds::MaskAccount(payee_account)},
                                 {"amount_yuan", amount.ToYuanString()},
                                 {"date", date.ToString()}};
    *event = storage::MonitoringEventRow{0,      request_id, rule->rule_id, rule->kind, funds::SeverityName(rule->severity),
                                         fund_id, recipient_id, date,        params,     caller};
    return WithParams(FailedPrecondition(funds::kMonitoringRuleBlocked,
                                         absl::StrCat("rule ", rule->rule_id, ": ", funds::MaskAccount(payee_account),
                                                      " is ", recipient_id, "'s own account (违规划转)")),
                      params);
  }
  return absl::OkStatus();
}

absl::Status RememberUnitAccount(storage::LedgerTx& tx, const std::string& recipient_id, const std::string& account,
                                 const std::string& allocation_id) {
  const std::string key = funds::AccountKey(account);
  if (key.empty()) return absl::OkStatus();
  auto seq = storage::FundEntrySeqFrom(allocation_id);
  return tx.monitoring().AddUnitAccount(IdKey(recipient_id), key, seq.value_or(0));
}

void RecordBlocked(Call& call, const storage::MonitoringEventRow& event) {
  storage::IdempotencyKey key;
  key.request_id = absl::StrCat("monitoring-event:", event.request_id);
  key.method = "MonitoringEvent";
  key.payload = event.request_id;
  RecordApart(
      call, key, [&](storage::LedgerTx& tx) { return tx.monitoring().RecordEvent(event); },
      "monitoring_event_not_recorded", {{"rule_id", event.rule_id}, {"request_id", event.request_id}});
}

}  // namespace subsidy::service
