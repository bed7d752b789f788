// The automatic disbursement (政策找人): with --disbursement_schedule=HH:MM the server runs the
// disbursement itself on every working day at that time, China Standard Time. The run's
// request_id is derived from its day (reward/schedule.h), so a restart or a second replica can
// never pay a day twice: the second answers the first's result; PostgreSQL replicas also queue on
// the run's advisory lock. A run missed while no server was up is caught up at the next start
// (paid on that day, when it is a working day; else at the next scheduled run).
#pragma once

#include <thread>

#include "absl/synchronization/notification.h"
#include "services/service_context.h"
#include "subsidy/v1/reward.pb.h"

namespace subsidy::service {

// A disbursement run in its transaction: every SCHEDULED payout determined by `date` paid, funds
// posted, each payout and the run in the audit trail (reward_service.cc). The RPC and the schedule
// both run it.
absl::StatusOr<v1::RunDisbursementResponse> DisbursementTx(storage::LedgerTx& tx, const PolicyData& data,
                                                           const std::string& caller,
                                                           const v1::RunDisbursementRequest& request, Date date);

// One scheduled run of `day`, paid on `payment_date`, as the caller "scheduler". `replayed` tells
// whether the day had been run already (by this server before a restart, or by another replica).
absl::StatusOr<v1::RunDisbursementResponse> RunScheduledDisbursement(const ServiceContext& ctx, Date day,
                                                                    Date payment_date, bool* replayed);

class DisbursementScheduler {
 public:
  DisbursementScheduler(const ServiceContext& ctx, int minute_of_day) : ctx_(ctx), minute_(minute_of_day) {}
  ~DisbursementScheduler() { Stop(); }
  // Catches up a missed run, then runs at every slot on a thread of its own until Stop().
  void Start();
  void Stop();

 private:
  void CatchUp();
  void Loop();
  const ServiceContext& ctx_;
  const int minute_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace subsidy::service
