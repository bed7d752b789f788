// The daily sweep of alert cases (--alert_sweep_at=HH:MM, China Standard Time): at that time each
// day the server opens a case for each of the day's WARN alerts and closes those whose cause has
// gone (alert_cases.h, SweepNow). The sweep's request_id is its day's, so a restart or a second
// replica never sweeps a day twice; a day's sweep missed while no server was up is made at the next
// start. Without the flag, cases are swept after each scheduled disbursement and by SweepAlertCases.
#pragma once

#include <thread>

#include "absl/synchronization/notification.h"
#include "services/service_context.h"
#include "time/date.h"

namespace subsidy::service {

// One day's sweep, logged (alert_sweep): the daily sweeper's and the disbursement schedule's.
void SweepAndLog(const ServiceContext& ctx, Date day);

class AlertSweeper {
 public:
  AlertSweeper(const ServiceContext& ctx, int minute_of_day) : ctx_(ctx), minute_(minute_of_day) {}
  ~AlertSweeper() { Stop(); }
  void Start();
  void Stop();

 private:
  void Loop();
  const ServiceContext& ctx_;
  const int minute_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace subsidy::service
