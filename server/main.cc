// subsidy-server: the gRPC service. Prints exactly one line "listening on HOST:PORT" on stdout
// when ready; everything else is JSON lines on stderr. SIGTERM/SIGINT let calls in flight
// finish, then the database is closed cleanly; SIGHUP reloads the policy data.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/internal/program_name.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ops/data_reloader.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "policy/policy_data.h"
#include "http/connect_front.h"
#include "reward/schedule.h"
#include "services/disbursement_scheduler.h"
#include "services/fund_report.h"
#include "services/services.h"
#include "storage/storage.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve on; port 0 picks a free port");
constexpr char kDefaultDb[] = "var/subsidy.db";
ABSL_FLAG(std::string, db, kDefaultDb,
          "SQLite database file (created with its schema on first start), or a postgresql:// URL for several replicas");
ABSL_FLAG(int, db_pool_size, 8, "PostgreSQL connections per server");
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
          "with --auth_config: a money movement by a person of at least this many 分 waits for a second finance "
          "officer (双人复核); 0: every one");
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
ABSL_FLAG(std::string, clock_for_tests, "",
          "tests only: the server's clock stands still at this RFC 3339 time (logged as a warning)");

namespace {

using subsidy::ops::LogLevel;
using subsidy::ops::LogLine;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host.rfind("127.", 0) == 0 || host == "localhost" || host == "[::1]" || host == "::1";
}

int Fail(const std::string& message) {
  LogLine("start_failed").Str("error", message).Write(LogLevel::kError);
  subsidy::ops::FlushLogs();
  return 1;
}

// Why HOST:PORT cannot be bound (gRPC only says that it failed): tries the bind itself.
std::string WhyNotBindable(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = listen.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return absl::StrCat("the address does not resolve (", gai_strerror(rc), ")");
  }
  std::string why = "gRPC could not start on it";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      why = errno == EADDRINUSE ? "the address is already in use (is another server running?)" : std::strerror(errno);
    }
    close(fd);
  }
  freeaddrinfo(found);
  return why;
}

// ../share/subsidy-calc/<name> beside the binary when installed, else `otherwise` (the build's).
std::string InstalledOr(const char* name, const char* otherwise) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "subsidy-calc" / name;
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return otherwise;
}
std::string DefaultDataDir() { return InstalledOr("data", SUBSIDY_SOURCE_DATA_DIR); }

// --help lists every flag of the server (abseil's own --help looks for flags in a file named
// after the binary, finds none here, and exits 1). True when it printed the help.
bool PrintedHelp(int argc, char** argv) {
  absl::flags_internal::SetProgramInvocationName(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const absl::string_view a = argv[i];
    if (a == "--help" || a == "-help" || a == "-h" || a == "--helpfull") {
      absl::flags_internal::FlagsHelp(std::cout, "server/main.cc", absl::flags_internal::HelpFormat::kHumanReadable,
                                      absl::ProgramUsageMessage());
      return true;
    }
  }
  return false;
}

// The ledger named by --db. Only the default place is made on first start; a directory named
// by hand must exist (a typo should not quietly start an empty ledger somewhere else).
absl::StatusOr<std::unique_ptr<subsidy::storage::Storage>> OpenLedger(const std::string& db,
                                                                      const subsidy::Clock& clock) {
  if (db.find("://") == std::string::npos) {
    std::error_code ec;
    const auto parent = std::filesystem::path(db).parent_path();
    if (db == kDefaultDb) {
      std::filesystem::create_directories(parent, ec);
    } else if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return absl::FailedPreconditionError(absl::StrCat("--db: the directory ", parent.string(), " does not exist"));
    }
  }
  auto storage = subsidy::storage::OpenStorage(db, {.pool_size = absl::GetFlag(FLAGS_db_pool_size), .clock = &clock});
  if (!storage.ok()) return absl::Status(storage.status().code(), absl::StrCat("database not opened: ", storage.status().message()));
  return storage;
}

// Callers and roles from --auth_config; without one, loopback callers only (said in the log).
absl::StatusOr<std::unique_ptr<subsidy::auth::Authorizer>> MakeAuthorizer(const std::string& config) {
  if (config.empty()) {
    LogLine("auth").Str("mode", "loopback-only").Str(
        "message", "no --auth_config: accepting loopback callers only, each with every role").Write(LogLevel::kWarning);
    return subsidy::auth::Authorizer::LoopbackOnly();
  }
  auto a = subsidy::auth::Authorizer::FromFile(config);
  if (!a.ok()) return absl::Status(a.status().code(), absl::StrCat("auth config not loaded: ", a.status().message()));
  LogLine("auth").Str("mode", "tokens").Str("config", config).Write(LogLevel::kInfo);
  return a;
}

// TLS (mutual with --tls_client_ca) from the PEM files, or plaintext, which is refused off
// loopback unless --allow_plaintext.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(const std::string& host, bool tls) {
  if (!tls) {
    if (!IsLoopbackHost(host) && !absl::GetFlag(FLAGS_allow_plaintext)) {
      return absl::FailedPreconditionError(
          "refusing to serve plaintext on a non-loopback address: give --tls_cert/--tls_key, or "
          "--allow_plaintext if a TLS proxy in front is meant to protect it");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  const std::string cert = ReadFile(absl::GetFlag(FLAGS_tls_cert)), key = ReadFile(absl::GetFlag(FLAGS_tls_key));
  if (cert.empty() || key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key must both name readable PEM files");
  }
  ssl.pem_key_cert_pairs.push_back({key, cert});
  if (!absl::GetFlag(FLAGS_tls_client_ca).empty()) {
    ssl.pem_root_certs = ReadFile(absl::GetFlag(FLAGS_tls_client_ca));
    if (ssl.pem_root_certs.empty()) return absl::InvalidArgumentError("--tls_client_ca must name a readable PEM file");
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// Every call of our services: counted and timed by method and status, and one JSON line.
std::function<void(const subsidy::service::CallRecord&)> ObserveCalls(subsidy::ops::Metrics* metrics) {
  return [metrics](const subsidy::service::CallRecord& r) {
    const char* code = subsidy::ops::StatusCodeName(r.code);
    metrics->ObserveRpc(r.method, code, r.seconds);
    LogLine line("rpc");
    line.Str("method", r.method).Str("caller", r.caller).Str("request_id", r.request_id).Str("code", code).Num(
        "latency_ms", r.seconds * 1000);
    if (r.code != grpc::StatusCode::OK) line.Str("message", r.message);
    line.Write(LogLevel::kInfo);
  };
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The subsidy-calc gRPC service.\n"
      "Usage: subsidy-server [--listen=HOST:PORT] [--db=PATH|postgresql://…] [--data_dir=DIR] [--metrics_listen=HOST:PORT]");
  if (PrintedHelp(argc, argv)) return 0;
  absl::ParseCommandLine(argc, argv);
  subsidy::ops::RouteLibraryLogs();
  // Debian's abseil checks every Mutex acquisition for lock-order cycles (a debugging aid that
  // costs a graph update per lock); our lock order is flat, so the check is switched off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  LogLevel level;
  if (!subsidy::ops::ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    return Fail("--log_level must be debug, info, warning or error");
  }
  subsidy::ops::SetLogLevel(level);

  // Block the signals in every thread (gRPC's included); one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir).empty() ? DefaultDataDir() : absl::GetFlag(FLAGS_data_dir);
  auto data = subsidy::PolicyData::LoadFromDirectory(data_dir);
  if (!data.ok()) return Fail(absl::StrCat("policy data not loaded: ", data.status().message()));

  std::unique_ptr<subsidy::FakeClock> fixed_clock;
  if (!absl::GetFlag(FLAGS_clock_for_tests).empty()) {
    absl::Time at;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_clock_for_tests), &at, &err)) {
      return Fail(absl::StrCat("--clock_for_tests: ", err));
    }
    fixed_clock = std::make_unique<subsidy::FakeClock>(at);
    LogLine("clock_for_tests")
        .Str("message", "the clock stands still at " + absl::GetFlag(FLAGS_clock_for_tests) + ": for tests only")
        .Write(LogLevel::kWarning);
  }
  const subsidy::Clock& clock = fixed_clock ? *fixed_clock : subsidy::Clock::System();
  int schedule_minute = -1;
  if (!absl::GetFlag(FLAGS_disbursement_schedule).empty()) {
    auto minute = subsidy::reward::ParseTimeOfDay(absl::GetFlag(FLAGS_disbursement_schedule));
    if (!minute.ok()) return Fail(absl::StrCat("--disbursement_schedule: ", minute.status().message()));
    schedule_minute = *minute;
  }
  auto storage = OpenLedger(absl::GetFlag(FLAGS_db), clock);
  if (!storage.ok()) return Fail(std::string(storage.status().message()));

  subsidy::ops::PolicyHolder policy(*data);
  auto executor = std::make_unique<subsidy::service::Executor>(absl::GetFlag(FLAGS_db_workers),
                                                               static_cast<size_t>(absl::GetFlag(FLAGS_max_queued_mutations)));
  auto made = MakeAuthorizer(absl::GetFlag(FLAGS_auth_config));
  if (!made.ok()) return Fail(std::string(made.status().message()));
  std::unique_ptr<subsidy::auth::Authorizer> authorizer = std::move(*made);
  subsidy::auth::CallLimiter limiter(std::max(1, absl::GetFlag(FLAGS_max_calls_per_caller)));
  subsidy::service::ServiceContext ctx{&policy, storage->get(), executor.get(), authorizer.get(), &limiter, &clock,
                                       static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_max_stream_messages)))};
  std::atomic<int> in_flight{0};
  ctx.in_flight = &in_flight;
  // Dual control needs a second person: with no caller list (loopback, one operator) it is off.
  if (!authorizer->loopback_only()) {
    ctx.dual_control_threshold_fen = std::max<int64_t>(0, absl::GetFlag(FLAGS_dual_control_threshold_fen));
    LogLine("dual_control").Str("mode", "on").Int("threshold_fen", ctx.dual_control_threshold_fen).Write(LogLevel::kInfo);
  } else {
    LogLine("dual_control")
        .Str("mode", "off")
        .Str("message", "no --auth_config: one operator, money movements post at once (dual control is off)")
        .Write(LogLevel::kWarning);
  }
  subsidy::ops::Metrics metrics;
  ctx.observe = ObserveCalls(&metrics);
  subsidy::ops::DataReloader reloader(&policy, data_dir, &clock);
  ctx.reloader = &reloader;
  subsidy::service::LoanSubsidyServiceImpl loan(ctx);
  subsidy::service::EducationFundServiceImpl education(ctx);
  subsidy::service::RewardPayoutServiceImpl reward(ctx);
  subsidy::service::AdminServiceImpl admin(ctx);
  subsidy::service::FundServiceImpl funds(ctx);
  subsidy::service::ApprovalServiceImpl approvals(ctx);

  std::string metrics_addr;
  if (!absl::GetFlag(FLAGS_metrics_listen).empty()) {
    auto addr = metrics.Serve(absl::GetFlag(FLAGS_metrics_listen));
    if (!addr.ok()) return Fail(std::string(addr.status().message()));
    metrics_addr = *addr;
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Fail("--listen must be HOST:PORT");
  const bool tls = !absl::GetFlag(FLAGS_tls_cert).empty() || !absl::GetFlag(FLAGS_tls_key).empty();
  auto credentials = MakeCredentials(listen.substr(0, colon), tls);
  if (!credentials.ok()) return Fail(std::string(credentials.status().message()));
  int selected_port = 0;
  builder.AddListeningPort(listen, *credentials, &selected_port);
  // gRPC turns SO_REUSEPORT on by default: a second server would then share a port in use and
  // calls would alternate between two databases. One port, one server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.SetMaxSendMessageSize(64 << 20);
  // Keepalive: ping idle connections every 60 s and drop them after 20 s without an answer;
  // clients may ping every 10 s at most, even with no call in flight.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.RegisterService(&loan);
  builder.RegisterService(&education);
  builder.RegisterService(&reward);
  builder.RegisterService(&admin);
  builder.RegisterService(&funds);
  builder.RegisterService(&approvals);
  grpc::ResourceQuota quota("subsidy-server");
  const int threads = absl::GetFlag(FLAGS_threads) > 0
                          ? absl::GetFlag(FLAGS_threads)
                          : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()) * 4);
  quota.SetMaxThreads(threads);
  builder.SetResourceQuota(quota);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected_port == 0) return Fail(absl::StrCat("cannot listen on ", listen, ": ", WhyNotBindable(listen)));

  for (const char* name : {"subsidy.v1.LoanSubsidyService", "subsidy.v1.EducationFundService",
                           "subsidy.v1.RewardPayoutService", "subsidy.v1.AdminService", "subsidy.v1.FundService"}) {
    server->GetHealthCheckService()->SetServingStatus(name, true);
  }
  const std::string address = absl::StrCat(listen.substr(0, colon), ":", selected_port);
  // HTTP/JSON beside gRPC: the same handlers, dispatched directly.
  std::atomic<bool> serving{true};
  std::unique_ptr<subsidy::http::ConnectFront> http_front;
  std::string http_addr;
  if (!absl::GetFlag(FLAGS_http_listen).empty()) {
    subsidy::http::FrontOptions options;
    options.listen = absl::GetFlag(FLAGS_http_listen);
    const std::string http_host = options.listen.substr(0, options.listen.rfind(':'));
    if (!tls && !IsLoopbackHost(http_host) && !absl::GetFlag(FLAGS_allow_plaintext)) {
      return Fail("refusing to serve plaintext HTTP on a non-loopback address: give --tls_cert/--tls_key, or "
                  "--allow_plaintext if a TLS proxy in front is meant to protect it");
    }
    options.serving = [&serving] { return serving.load(); };
    options.threads = std::max(1, absl::GetFlag(FLAGS_http_threads));
    if (tls) {
      options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
      options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
      options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
    }
    options.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_message_bytes));
    for (const auto& o : absl::GetFlag(FLAGS_http_cors_origins)) options.cors_origins.insert(o);
    options.openapi_json = subsidy::http::OpenApiJson();
    options.read_timeout = std::chrono::seconds(std::max(1, absl::GetFlag(FLAGS_http_read_timeout_seconds)));
    options.idle_timeout = std::chrono::seconds(std::max(1, absl::GetFlag(FLAGS_http_idle_timeout_seconds)));
    options.web_dir = absl::GetFlag(FLAGS_web_dir);
    if (options.web_dir.empty()) {
      options.web_dir = InstalledOr("web", SUBSIDY_WEB_DIR);
      std::error_code ec;
      if (!std::filesystem::is_directory(options.web_dir, ec)) {
        LogLine("console").Str("message", "the console is not built (npm ci --prefix web, then build): / serves nothing")
            .Write(LogLevel::kWarning);
        options.web_dir.clear();
      }
    }
    if (options.web_dir == "none") options.web_dir.clear();
    auto front = subsidy::http::ConnectFront::Start(&ctx, std::move(options));
    if (!front.ok()) return Fail(std::string(front.status().message()));
    http_front = std::move(*front);
    http_addr = http_front->address();
  }
  LogLine("start")
      .Str("listen", address)
      .Bool("tls", tls)
      .Bool("mutual_tls", tls && !absl::GetFlag(FLAGS_tls_client_ca).empty())
      .Str("metrics", metrics_addr)
      .Str("http", http_addr)
      .Str("data_version", (*data)->version())
      .Str("data_dir", data_dir)
      .Str("database", (*storage)->description())
      .Int("schema_version", (*storage)->schema_version())
      .Write(LogLevel::kInfo);
  subsidy::ops::LogStaleness(**data, clock.TodayInChina());
  subsidy::ops::FlushLogs();  // the start line is out before anyone is told the server is ready
  std::cout << "listening on " << address << std::endl;
  if (!metrics_addr.empty()) {
    // The fund gauges are the FundService report and alerts as of today, for every fund.
    auto fund_gauges = [&policy, &clock, db = storage->get()]() -> absl::StatusOr<subsidy::ops::Metrics::FundGauges> {
      const auto snapshot = policy.Get();
      subsidy::v1::GetExecutionReportRequest report_req;
      report_req.set_as_of(clock.TodayInChina().ToString());
      subsidy::v1::ExecutionReport report;
      if (auto s = subsidy::service::BuildExecutionReport(*db, *snapshot, report_req, &report); !s.ok()) return s;
      subsidy::v1::ListFundAlertsRequest alerts_req;
      alerts_req.set_as_of(report_req.as_of());
      // Counted by kind, none written out.
      subsidy::v1::ListFundAlertsResponse alerts;
      std::map<subsidy::v1::FundAlert::Kind, int> by_kind;
      if (auto s = subsidy::service::BuildFundAlerts(*db, *snapshot, alerts_req, {.first = 0, .size = 0}, &alerts, &by_kind);
          !s.ok()) {
        return s;
      }
      subsidy::ops::Metrics::FundGauges out;
      for (const auto& r : report.rows()) {
        out.funds.push_back({r.key(), r.allocation_progress_percent(), r.execution_progress_percent(),
                             r.time_progress_percent()});
      }
      for (const auto& [kind, n] : by_kind) out.alerts_by_kind[subsidy::v1::FundAlert::Kind_Name(kind)] = n;
      return out;
    };
    metrics.StartRefresher({&policy, storage->get(), &clock, fund_gauges},
                           std::chrono::seconds(std::max(1, absl::GetFlag(FLAGS_metrics_refresh_seconds))));
  }

  std::unique_ptr<subsidy::service::DisbursementScheduler> scheduler;
  if (schedule_minute >= 0) {
    scheduler = std::make_unique<subsidy::service::DisbursementScheduler>(ctx, schedule_minute);
    scheduler->Start();
  }

  std::thread waiter([&] {
    for (;;) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGHUP) {
        (void)reloader.Reload("SIGHUP");
        if (auto st = authorizer->Reload(); !st.ok()) {
          LogLine("auth_reload").Str("result", "rejected").Str("error", st.message()).Write(LogLevel::kError);
        }
        continue;
      }
      LogLine("stopping").Int("signal", sig).Write(LogLevel::kInfo);
      server->GetHealthCheckService()->SetServingStatus(false);
      serving = false;
      const auto deadline = std::chrono::system_clock::now() +
                            std::chrono::seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
      // gRPC's graceful shutdown also waits for idle client connections to go away, up to the
      // deadline. New calls are refused from here on; once the calls in flight are done, stop
      // without waiting for idle clients: close the database and exit.
      std::atomic<bool> shut{false};
      std::thread shutdown([&] {
        server->Shutdown(deadline);
        shut = true;
      });
      while (!shut && std::chrono::system_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (in_flight.load() == 0 && executor->queued() == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a call admitted just before
          if (in_flight.load() != 0 || shut) continue;
          if (scheduler) scheduler->Stop();
          if (http_front) http_front->Stop();
          metrics.Stop();
          executor.reset();
          storage->reset();
          LogLine("stopped").Str("how", "calls done; idle connections not awaited").Write(LogLevel::kInfo);
          subsidy::ops::FlushLogs();
          std::_Exit(0);
        }
      }
      shutdown.join();
      return;
    }
  });
  server->Wait();
  waiter.join();
  server.reset();
  if (scheduler) scheduler->Stop();
  if (http_front) http_front->Stop();
  executor.reset();  // finishes queued mutations
  metrics.Stop();
  storage->reset();  // closes the database after the last call
  LogLine("stopped").Write(LogLevel::kInfo);
  subsidy::ops::FlushLogs();
  return 0;
}
