// SubmitDetermination's decision (免申即享: a reward decided from the enterprise's data), written
// once for one request and for many queued together on the same policy: the decider reads each
// enterprise's awards and each policy's budget once for all of them, decides them in the order
// they came (each seeing the awards decided before it), and inserts the payouts, their totals and
// their audit lines in multi-row statements (storage::IdempotentDecider).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "policy/policy_data.h"
#include "services/common.h"
#include "storage/storage.h"
#include "subsidy/v1/reward.pb.h"
#include "time/date.h"

namespace subsidy::service {

// One validated SubmitDetermination, as the decider reads it; it lives as long as its call.
struct Determination {
  const Call* call;
  const v1::SubmitDeterminationRequest* request;
  const RewardPolicy* policy;  // from the call's own policy data
  std::map<std::string, std::string> metrics;
  Date date;
  Date due;  // the date plus the policy's working days
};

// The decider of Determination items (MutateCombined).
const storage::IdempotentDecider& Determinations();

// A payout as the API shows it; with `today` (reads), whether it is overdue on that day.
void PayoutToProto(const storage::PayoutRow& r, v1::Payout* out, std::optional<Date> today = std::nullopt);
std::string DateText(const std::optional<Date>& d);

}  // namespace subsidy::service
