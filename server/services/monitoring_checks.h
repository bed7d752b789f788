// Dynamic monitoring at posting time: a BLOCK rule in force on the posting's date refuses it
// (FAILED_PRECONDITION MONITORING_RULE_BLOCKED naming the rule; the call changes nothing), and the
// refusal is itself recorded as a monitoring event an auditor lists (ListFundAlerts, RECORD).
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "money/money.h"
#include "policy/policy_data.h"
#include "services/common.h"
#include "storage/storage.h"
#include "time/date.h"

namespace subsidy::service {

// 违规划转: a payment drawn on `recipient_id`'s allocations to an account an allocation named as the
// recipient's own. Sets `event` (to record once the call is refused) and returns the refusal.
absl::Status CheckOwnAccount(storage::LedgerTx& tx, const PolicyData& data, const std::string& fund_id,
                             const std::string& recipient_id, const std::string& payee_account, Money amount,
                             Date date, const std::string& request_id, const std::string& caller,
                             std::optional<storage::MonitoringEventRow>* event);

// Remembers the account an allocation names as its recipient's own.
absl::Status RememberUnitAccount(storage::LedgerTx& tx, const std::string& recipient_id, const std::string& account,
                                 const std::string& allocation_id);

// Records a refused posting's event in a transaction of its own (the refused call's rolled back);
// the same request recorded twice is one event. A failure to record is logged, not the caller's.
void RecordBlocked(Call& call, const storage::MonitoringEventRow& event);

}  // namespace subsidy::service
