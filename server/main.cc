// subsidy-server: the gRPC service. Prints exactly one line "listening on HOST:PORT" on stdout
// when ready; everything else is JSON lines on stderr. SIGTERM/SIGINT let calls in flight
// finish, then the database is closed cleanly; SIGHUP reloads the policy data and the callers.
#include <signal.h>

#include "absl/synchronization/mutex.h"
#include "app/options.h"
#include "app/server.h"
#include "ops/log.h"

int main(int argc, char** argv) {
  // Blocked in every thread (gRPC's included); this one waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  subsidy::ops::RouteLibraryLogs();
  // Debian's abseil checks every Mutex acquisition for lock-order cycles (a debugging aid that
  // costs a graph update per lock); our lock order is flat, so the check is switched off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto options = subsidy::app::ParseServerOptions(argc, argv);
  if (options.ok() && !options->has_value()) return 0;  // it printed --help
  auto server = options.ok() ? subsidy::app::Server::Start(**options) : options.status();
  if (!server.ok()) {
    subsidy::ops::LogLine("start_failed").Str("error", server.status().message()).Write(subsidy::ops::LogLevel::kError);
    subsidy::ops::FlushLogs();
    return 1;
  }
  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) (*server)->Reload();
  (*server)->Stop(sig);
  return 0;
}
