// The server's settings, parsed once from the command line (abseil flags; `--help` lists them).
// The Server (server.h) is built from these and reads no flag itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace subsidy::app {

struct ServerOptions {
  std::string listen;
  std::string db;
  bool db_is_default = false;  // only the default place is made on first start
  int db_pool_size = 8;
  std::string report_db;  // a hot standby for the report RPCs ("": the primary)
  std::string data_dir;  // resolved: never empty
  int threads = 0;
  int db_workers = 64;
  int max_queued_mutations = 4096;
  int shutdown_grace_seconds = 10;
  std::string metrics_listen;
  int metrics_refresh_seconds = 5;
  std::string tls_cert, tls_key, tls_client_ca;
  bool allow_plaintext = false;
  std::string auth_config;
  int64_t dual_control_threshold_fen = 0;
  int max_calls_per_caller = 256;
  int max_message_bytes = 16 << 20;
  int max_stream_messages = 1000000;
  std::string http_listen;
  int http_threads = 2;
  std::vector<std::string> http_cors_origins;
  int http_read_timeout_seconds = 30;
  int http_idle_timeout_seconds = 60;
  std::string web_dir;                // as given: "" (the default place) or "none"
  std::string disbursement_schedule;  // HH:MM or empty
  std::string alert_sweep_at;         // HH:MM or empty
  std::string clock_for_tests;        // RFC 3339 or empty

  bool tls() const { return !tls_cert.empty() || !tls_key.empty(); }
};

// Parses the command line. nullopt when it printed --help (exit 0); a bad --log_level is an error.
absl::StatusOr<std::optional<ServerOptions>> ParseServerOptions(int argc, char** argv);

// ../share/subsidy-calc/<name> beside the binary when installed, else `otherwise` (the build's).
std::string InstalledOr(const char* name, const char* otherwise);

}  // namespace subsidy::app
