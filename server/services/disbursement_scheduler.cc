#include "services/disbursement_scheduler.h"

#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "ops/log.h"
#include "reward/reward_engine.h"
#include "reward/schedule.h"
#include "services/alert_sweeper.h"
#include "services/common.h"

namespace subsidy::service {

namespace {
constexpr char kScheduler[] = "scheduler";

void LogRun(const char* event, Date day, const absl::StatusOr<v1::RunDisbursementResponse>& run, bool replayed) {
  auto line = ops::LogLine(event);
  line.Str("day", day.ToString()).Str("request_id", reward::ScheduledRunId(day));
  if (!run.ok()) {
    line.Str("error", std::string(run.status().message())).Write(ops::LogLevel::kError);
    return;
  }
  line.Str("payment_date", run->payment_date())
      .Int("paid_count", run->paid_count())
      .Int("paid_fen", run->paid_fen())
      .Int("late_count", run->late_count())
      .Bool("replayed", replayed)
      .Write(ops::LogLevel::kInfo);
}
}  // namespace

absl::StatusOr<v1::RunDisbursementResponse> RunScheduledDisbursement(const ServiceContext& ctx, Date day,
                                                                    Date payment_date, bool* replayed) {
  const auto data = ctx.policy->Get();
  if (auto s = reward::CheckPaymentDay(data->calendar(), payment_date); !s.ok()) return s;
  v1::RunDisbursementRequest request;
  request.set_request_id(reward::ScheduledRunId(day));
  request.set_payment_date(payment_date.ToString());
  auto stored = ctx.storage->RunIdempotent(
      KeyFor("RunDisbursement", request, std::chrono::system_clock::time_point::max(), {"disbursement"}),
      [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
        auto out = DisbursementTx(tx, *data, kScheduler, request, payment_date);
        if (!out.ok()) return out.status();
        return out->SerializeAsString();
      },
      replayed);
  if (!stored.ok()) {
    // The day was run already with another payment date (a catch-up): that run stands.
    if (ReasonOf(stored.status()) == storage::kIdempotencyKeyReused) {
      *replayed = true;
      return v1::RunDisbursementResponse();
    }
    return stored.status();
  }
  v1::RunDisbursementResponse out;
  if (!out.ParseFromString(*stored)) return absl::DataLossError("a stored run does not parse");
  return out;
}

void DisbursementScheduler::Start() {
  CatchUp();
  thread_ = std::thread([this] { Loop(); });
}

void DisbursementScheduler::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void DisbursementScheduler::CatchUp() {
  const auto data = ctx_.policy->Get();
  const absl::Time now = ctx_.clock->Now();
  const Date today = ctx_.clock->TodayInChina();
  auto skipped = [&](absl::string_view why) {
    ops::LogLine("disbursement_catch_up").Str("skipped", why).Str("today", today.ToString()).Write(ops::LogLevel::kInfo);
  };
  auto latest = reward::LatestRunDay(data->calendar(), now, minute_);
  if (!latest.ok()) return skipped(latest.status().message());
  if (!latest->has_value()) return skipped("no scheduled run in the last 60 days");
  auto working = data->calendar().IsWorkingDay(today);
  if (!working.ok()) return skipped(working.status().message());
  if (!*working) return skipped("today is not a working day: the next scheduled run pays");
  // The latest slot's run, if it never happened, now: on its own day when that is today.
  bool replayed = false;
  auto run = RunScheduledDisbursement(ctx_, **latest, today, &replayed);
  LogRun("disbursement_catch_up", **latest, run, replayed);
  SweepAndLog(ctx_, today);  // the day's alert cases after its run
}

void DisbursementScheduler::Loop() {
  while (!stop_.HasBeenNotified()) {
    const auto data = ctx_.policy->Get();
    const absl::Time now = ctx_.clock->Now();
    auto next = reward::NextRunDay(data->calendar(), now, minute_);
    if (!next.ok()) {
      ops::LogLine("disbursement_schedule_error")
          .Str("error", std::string(next.status().message()))
          .Write(ops::LogLevel::kError);
      if (stop_.WaitForNotificationWithTimeout(absl::Hours(1))) return;
      continue;
    }
    // Wait for the slot (or the stop); the clock is asked again after waking.
    const absl::Duration wait = reward::RunTimeOn(*next, minute_) - now;
    if (stop_.WaitForNotificationWithTimeout(std::min(wait, absl::Hours(1)))) return;
    if (ctx_.clock->Now() < reward::RunTimeOn(*next, minute_)) continue;
    bool replayed = false;
    auto run = RunScheduledDisbursement(ctx_, *next, *next, &replayed);
    LogRun("disbursement_scheduled_run", *next, run, replayed);
    SweepAndLog(ctx_, *next);
  }
}

}  // namespace subsidy::service
