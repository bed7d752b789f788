#include "services/alert_sweeper.h"

#include "absl/strings/str_cat.h"
#include "ops/log.h"
#include "reward/schedule.h"
#include "services/alert_cases.h"

namespace subsidy::service {

void AlertSweeper::Start() {
  // Today's sweep, when its time has passed and no server made it (the request_id says).
  const Date today = ctx_.clock->TodayInChina();
  if (ctx_.clock->Now() >= reward::RunTimeOn(today, minute_)) SweepAndLog(ctx_, today);
  thread_ = std::thread([this] { Loop(); });
}

void AlertSweeper::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void SweepAndLog(const ServiceContext& ctx, Date day) {
  const auto data = ctx.policy->Get();
  auto swept = SweepNow(*ctx.storage, *data, *ctx.clock, absl::StrCat("alert-sweep-", day.ToString()));
  auto line = ops::LogLine("alert_sweep");
  line.Str("day", day.ToString());
  if (!swept.ok()) {
    line.Str("error", std::string(swept.status().message())).Write(ops::LogLevel::kError);
    return;
  }
  line.Int("opened", swept->opened).Int("closed", swept->closed).Int("open", swept->open_count).Write(ops::LogLevel::kInfo);
}

void AlertSweeper::Loop() {
  while (!stop_.HasBeenNotified()) {
    const absl::Time now = ctx_.clock->Now();
    Date day = ctx_.clock->TodayInChina();
    if (now >= reward::RunTimeOn(day, minute_)) day = day.AddDays(1);
    const absl::Time at = reward::RunTimeOn(day, minute_);
    // Woken at least hourly, so that a clock set forward (or a suspended machine) is noticed.
    if (stop_.WaitForNotificationWithTimeout(std::min(at - now, absl::Hours(1)))) return;
    if (ctx_.clock->Now() < at) continue;
    SweepAndLog(ctx_, day);
  }
}

}  // namespace subsidy::service
