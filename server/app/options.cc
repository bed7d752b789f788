#include "app/options.h"

#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/internal/program_name.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "ops/log.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve on; port 0 picks a free port");
constexpr char kDefaultDb[] = "var/subsidy.db";
ABSL_FLAG(std::string, db, kDefaultDb,
          "SQLite database file (created with its schema on first start), or a postgresql:// URL for several replicas");
ABSL_FLAG(int, db_pool_size, 8, "PostgreSQL connections per server");
ABSL_FLAG(std::string, report_db, "",
          "a postgresql:// URL of a hot standby of --db: the report and list RPCs (execution report, alerts, claim "
          "lines, fund entries, reconciliation) read there and say how fresh they are (default: the primary)");
ABSL_FLAG(std::string, data_dir, "",
          "directory of the policy data files (default: ../share/subsidy-calc/data beside the binary when installed, "
          "else the source tree's data/)");
ABSL_FLAG(int, threads, 0, "maximum gRPC worker threads (0: 4 per core)");
ABSL_FLAG(int, db_workers, 64, "threads that wait on the database (mutations queue for a group commit)");
ABSL_FLAG(int, max_queued_mutations, 4096, "mutations waiting for a worker before new ones are shed (RESOURCE_EXHAUSTED)");
ABSL_FLAG(int, shutdown_grace_seconds, 10, "how long calls in flight may take to finish on SIGTERM");
ABSL_FLAG(std::string, metrics_listen, "", "HOST:PORT for Prometheus metrics in text format (empty: none)");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain of the server (enables TLS, with --tls_key)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of the server");
ABSL_FLAG(std::string, tls_client_ca, "", "PEM CA bundle: require and verify client certificates (mutual TLS)");
ABSL_FLAG(bool, allow_plaintext, false, "serve without TLS on a non-loopback address (never needed on 127.0.0.1)");
ABSL_FLAG(std::string, auth_config, "",
          "callers and roles (protobuf text; subsidyctl auth add-caller writes it); empty: loopback callers only");
ABSL_FLAG(int64_t, dual_control_threshold_fen, 0,
          "with --auth_config: a money movement by a person that takes what they moved alone that day to at least "
          "this many 分 waits for a second finance officer (双人复核); 0: every one");
ABSL_FLAG(int, max_calls_per_caller, 256, "calls one caller may have in flight; past it RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_message_bytes, 16 << 20, "largest request message accepted");
ABSL_FLAG(int, max_stream_messages, 1000000, "messages accepted in one stream");
ABSL_FLAG(int, metrics_refresh_seconds, 5, "how often the database-derived metrics are refreshed");
ABSL_FLAG(std::string, http_listen, "",
          "HOST:PORT for HTTP/JSON (Connect's unary protocol) beside gRPC; port 0 picks a free port (empty: off)");
ABSL_FLAG(int, http_threads, 2, "threads serving HTTP connections (computations and reads run on them, mutations on the database workers)");
ABSL_FLAG(std::vector<std::string>, http_cors_origins, {},
          "origins (e.g. https://portal.example.cn) allowed to call the HTTP front from a browser (empty: none)");
ABSL_FLAG(int, http_read_timeout_seconds, 30, "time an HTTP client has to send one whole request (a slow one is dropped)");
ABSL_FLAG(int, http_idle_timeout_seconds, 60, "time a kept-alive HTTP connection may wait between requests");
ABSL_FLAG(std::string, web_dir, "",
          "the officers' console's built files, served at / on --http_listen (default: ../share/subsidy-calc/web "
          "beside the binary when installed, else the build's; \"none\": no console)");
ABSL_FLAG(std::string, disbursement_schedule, "",
          "HH:MM: run the reward disbursement on every working day at this time, China Standard Time (empty: off)");
ABSL_FLAG(std::string, alert_sweep_at, "",
          "HH:MM: sweep the alert cases every day at this time, China Standard Time: a case for each of the day's "
          "alerts, closed where the cause has gone (empty: after each scheduled disbursement and on SweepAlertCases)");
ABSL_FLAG(std::string, clock_for_tests, "",
          "tests only: the server's clock stands still at this RFC 3339 time (logged as a warning)");

namespace subsidy::app {
namespace {

// --help lists every flag of the server (abseil's own --help looks for flags in a file named
// after the binary, finds none here, and exits 1). True when it printed the help.
bool PrintedHelp(int argc, char** argv) {
  absl::flags_internal::SetProgramInvocationName(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const absl::string_view a = argv[i];
    if (a == "--help" || a == "-help" || a == "-h" || a == "--helpfull") {
      absl::flags_internal::FlagsHelp(std::cout, "server/app/options.cc", absl::flags_internal::HelpFormat::kHumanReadable,
                                      absl::ProgramUsageMessage());
      return true;
    }
  }
  return false;
}

}  // namespace

std::string InstalledOr(const char* name, const char* otherwise) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "subsidy-calc" / name;
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return otherwise;
}

absl::StatusOr<std::optional<ServerOptions>> ParseServerOptions(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The subsidy-calc gRPC service.\n"
      "Usage: subsidy-server [--listen=HOST:PORT] [--db=PATH|postgresql://…] [--data_dir=DIR] [--metrics_listen=HOST:PORT]");
  if (PrintedHelp(argc, argv)) return std::nullopt;
  absl::ParseCommandLine(argc, argv);
  ops::LogLevel level;
  if (!ops::ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    return absl::InvalidArgumentError("--log_level must be debug, info, warning or error");
  }
  ops::SetLogLevel(level);
  ServerOptions o;
  o.listen = absl::GetFlag(FLAGS_listen);
  o.db = absl::GetFlag(FLAGS_db);
  o.db_is_default = o.db == kDefaultDb;
  o.db_pool_size = absl::GetFlag(FLAGS_db_pool_size);
  o.report_db = absl::GetFlag(FLAGS_report_db);
  o.data_dir = absl::GetFlag(FLAGS_data_dir);
  if (o.data_dir.empty()) o.data_dir = InstalledOr("data", SUBSIDY_SOURCE_DATA_DIR);
  o.threads = absl::GetFlag(FLAGS_threads);
  o.db_workers = absl::GetFlag(FLAGS_db_workers);
  o.max_queued_mutations = absl::GetFlag(FLAGS_max_queued_mutations);
  o.shutdown_grace_seconds = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  o.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  o.metrics_refresh_seconds = absl::GetFlag(FLAGS_metrics_refresh_seconds);
  o.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  o.tls_key = absl::GetFlag(FLAGS_tls_key);
  o.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  o.allow_plaintext = absl::GetFlag(FLAGS_allow_plaintext);
  o.auth_config = absl::GetFlag(FLAGS_auth_config);
  o.dual_control_threshold_fen = absl::GetFlag(FLAGS_dual_control_threshold_fen);
  o.max_calls_per_caller = absl::GetFlag(FLAGS_max_calls_per_caller);
  o.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  o.max_stream_messages = absl::GetFlag(FLAGS_max_stream_messages);
  o.http_listen = absl::GetFlag(FLAGS_http_listen);
  o.http_threads = absl::GetFlag(FLAGS_http_threads);
  o.http_cors_origins = absl::GetFlag(FLAGS_http_cors_origins);
  o.http_read_timeout_seconds = absl::GetFlag(FLAGS_http_read_timeout_seconds);
  o.http_idle_timeout_seconds = absl::GetFlag(FLAGS_http_idle_timeout_seconds);
  o.web_dir = absl::GetFlag(FLAGS_web_dir);
  o.disbursement_schedule = absl::GetFlag(FLAGS_disbursement_schedule);
  o.alert_sweep_at = absl::GetFlag(FLAGS_alert_sweep_at);
  o.clock_for_tests = absl::GetFlag(FLAGS_clock_for_tests);
  return std::optional<ServerOptions>(std::move(o));
}

}  // namespace subsidy::app
