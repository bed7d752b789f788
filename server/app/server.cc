#include "app/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ops/log.h"
#include "reward/schedule.h"
#include "services/alert_cases.h"
#include "services/fund_alerts.h"
#include "services/fund_report.h"

namespace subsidy::app {
namespace {

using ops::LogLevel;
using ops::LogLine;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host.rfind("127.", 0) == 0 || host == "localhost" || host == "[::1]" || host == "::1";
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

// The ledger named by --db. Only the default place is made on first start; a directory named
// by hand must exist (a typo should not quietly start an empty ledger somewhere else).
absl::StatusOr<std::unique_ptr<storage::Storage>> OpenLedger(const ServerOptions& o, const Clock& clock) {
  if (o.db.find("://") == std::string::npos) {
    std::error_code ec;
    const auto parent = std::filesystem::path(o.db).parent_path();
    if (o.db_is_default) {
      std::filesystem::create_directories(parent, ec);
    } else if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return absl::FailedPreconditionError(absl::StrCat("--db: the directory ", parent.string(), " does not exist"));
    }
  }
  auto storage = storage::OpenStorage(o.db, {.pool_size = o.db_pool_size, .clock = &clock});
  if (!storage.ok()) {
    return absl::Status(storage.status().code(), absl::StrCat("database not opened: ", storage.status().message()));
  }
  return storage;
}

// Callers and roles from --auth_config; without one, loopback callers only (said in the log).
absl::StatusOr<std::unique_ptr<auth::Authorizer>> MakeAuthorizer(const std::string& config) {
  if (config.empty()) {
    LogLine("auth").Str("mode", "loopback-only").Str(
        "message", "no --auth_config: accepting loopback callers only, each with every role").Write(LogLevel::kWarning);
    return auth::Authorizer::LoopbackOnly();
  }
  auto a = auth::Authorizer::FromFile(config);
  if (!a.ok()) return absl::Status(a.status().code(), absl::StrCat("auth config not loaded: ", a.status().message()));
  LogLine("auth").Str("mode", "tokens").Str("config", config).Write(LogLevel::kInfo);
  return a;
}

absl::Status RefusePlaintext(const ServerOptions& o, const std::string& host, absl::string_view what) {
  if (o.tls() || IsLoopbackHost(host) || o.allow_plaintext) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "refusing to serve plaintext", what, " on a non-loopback address: give --tls_cert/--tls_key, or "
      "--allow_plaintext if a TLS proxy in front is meant to protect it"));
}

// TLS (mutual with --tls_client_ca) from the PEM files, or plaintext, which is refused off
// loopback unless --allow_plaintext.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(const ServerOptions& o,
                                                                         const std::string& host) {
  if (!o.tls()) {
    if (auto s = RefusePlaintext(o, host, ""); !s.ok()) return s;
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  const std::string cert = ReadFile(o.tls_cert), key = ReadFile(o.tls_key);
  if (cert.empty() || key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key must both name readable PEM files");
  }
  ssl.pem_key_cert_pairs.push_back({key, cert});
  if (!o.tls_client_ca.empty()) {
    ssl.pem_root_certs = ReadFile(o.tls_client_ca);
    if (ssl.pem_root_certs.empty()) return absl::InvalidArgumentError("--tls_client_ca must name a readable PEM file");
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// Every call of our services: counted and timed by method and status, and one JSON line.
std::function<void(const service::CallRecord&)> ObserveCalls(ops::Metrics* metrics) {
  return [metrics](const service::CallRecord& r) {
    const char* code = ops::StatusCodeName(r.code);
    metrics->ObserveRpc(r.method, code, r.seconds);
    LogLine line("rpc");
    line.Str("method", r.method).Str("caller", r.caller).Str("request_id", r.request_id).Str("code", code).Num(
        "latency_ms", r.seconds * 1000);
    if (r.code != grpc::StatusCode::OK) line.Str("message", r.message);
    line.Write(LogLevel::kInfo);
  };
}

// The fund gauges: the FundService report and alerts as of today, for every fund.
absl::StatusOr<ops::Metrics::FundGauges> FundGauges(const ops::PolicyHolder& policy, const Clock& clock,
                                                    storage::Storage& db) {
  const auto snapshot = policy.Get();
  v1::GetExecutionReportRequest report_req;
  report_req.set_as_of(clock.TodayInChina().ToString());
  v1::ExecutionReport report;
  if (auto s = service::BuildExecutionReport(db, *snapshot, report_req, &report); !s.ok()) return s;
  v1::ListFundAlertsRequest alerts_req;
  alerts_req.set_as_of(report_req.as_of());
  v1::ListFundAlertsResponse alerts;  // counted by kind, none written out
  std::map<v1::FundAlert::Kind, int> by_kind;
  if (auto s = service::BuildFundAlerts(db, *snapshot, alerts_req, {.first = 0, .size = 0}, &alerts, &by_kind); !s.ok()) {
    return s;
  }
  ops::Metrics::FundGauges out;
  for (const auto& r : report.rows()) {
    out.funds.push_back({r.key(), r.allocation_progress_percent(), r.execution_progress_percent(),
                         r.time_progress_percent()});
  }
  // Every kind has its series, 0 when it raised nothing.
  const auto* kinds = v1::FundAlert::Kind_descriptor();
  for (int i = 1; i < kinds->value_count(); ++i) out.alerts_by_kind[kinds->value(i)->name()] = 0;
  for (const auto& [kind, n] : by_kind) out.alerts_by_kind[v1::FundAlert::Kind_Name(kind)] = n;
  auto open = db.monitoring().OpenCasesByDay();
  if (!open.ok()) return open.status();
  const Date today = clock.TodayInChina();
  for (const auto& [key, n] : *open) {
    auto opened = Date::Parse(key.second);
    const int64_t age = opened.ok() ? DaysBetween(*opened, today) : 0;
    out.open_cases[{key.first, age <= 7 ? "0-7d" : age <= 30 ? "8-30d" : "31d+"}] += n;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options) {
  std::unique_ptr<Server> server(new Server(std::move(options)));
  for (auto step : {&Server::Open, &Server::WireServices, &Server::StartGrpc, &Server::StartHttp, &Server::StartMetrics}) {
    if (auto s = (server.get()->*step)(); !s.ok()) return s;
  }
  server->LogStart();
  std::cout << "listening on " << server->address_ << std::endl;
  if (!server->options_.disbursement_schedule.empty()) server->scheduler_->Start();
  if (server->sweeper_) server->sweeper_->Start();
  return server;
}

// The clock, the policy data and the ledger.
absl::Status Server::Open() {
  if (!options_.clock_for_tests.empty()) {
    absl::Time at;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, options_.clock_for_tests, &at, &err)) {
      return absl::InvalidArgumentError(absl::StrCat("--clock_for_tests: ", err));
    }
    fixed_clock_ = std::make_unique<FakeClock>(at);
    clock_ = fixed_clock_.get();
    LogLine("clock_for_tests")
        .Str("message", "the clock stands still at " + options_.clock_for_tests + ": for tests only")
        .Write(LogLevel::kWarning);
  }
  auto data = PolicyData::LoadFromDirectory(options_.data_dir);
  if (!data.ok()) return absl::Status(data.status().code(), absl::StrCat("policy data not loaded: ", data.status().message()));
  data_ = *data;
  auto storage = OpenLedger(options_, *clock_);
  if (!storage.ok()) return storage.status();
  storage_ = std::move(*storage);
  if (!options_.report_db.empty()) {
    if (!absl::StartsWith(storage_->description(), "postgresql:")) {
      return absl::InvalidArgumentError("--report_db: a standby serves a PostgreSQL --db only");
    }
    auto reports = storage::OpenReportStorage(options_.report_db, {.pool_size = options_.db_pool_size, .clock = clock_});
    if (!reports.ok()) {
      return absl::Status(reports.status().code(),
                          absl::StrCat("report database not opened: ", reports.status().message()));
    }
    report_storage_ = std::move(*reports);
  }
  return absl::OkStatus();
}

// What every service shares (ServiceContext), and the services.
absl::Status Server::WireServices() {
  int schedule_minute = -1;
  if (!options_.disbursement_schedule.empty()) {
    auto minute = reward::ParseTimeOfDay(options_.disbursement_schedule);
    if (!minute.ok()) return absl::InvalidArgumentError(absl::StrCat("--disbursement_schedule: ", minute.status().message()));
    schedule_minute = *minute;
  }
  int sweep_minute = -1;
  if (!options_.alert_sweep_at.empty()) {
    auto minute = reward::ParseTimeOfDay(options_.alert_sweep_at);
    if (!minute.ok()) return absl::InvalidArgumentError(absl::StrCat("--alert_sweep_at: ", minute.status().message()));
    sweep_minute = *minute;
  }
  policy_ = std::make_unique<ops::PolicyHolder>(data_);
  executor_ = std::make_unique<service::Executor>(options_.db_workers, static_cast<size_t>(options_.max_queued_mutations));
  auto made = MakeAuthorizer(options_.auth_config);
  if (!made.ok()) return made.status();
  authorizer_ = std::move(*made);
  limiter_ = std::make_unique<auth::CallLimiter>(std::max(1, options_.max_calls_per_caller));
  reloader_ = std::make_unique<ops::DataReloader>(policy_.get(), options_.data_dir, clock_);
  ctx_ = service::ServiceContext{policy_.get(), storage_.get(), executor_.get(), authorizer_.get(), limiter_.get(), clock_,
                                 static_cast<size_t>(std::max(1, options_.max_stream_messages))};
  ctx_.in_flight = &calls_;
  ctx_.reports = report_storage_ ? report_storage_.get() : storage_.get();
  ctx_.observe = ObserveCalls(&metrics_);
  ctx_.reloader = reloader_.get();
  // Dual control needs a second person: with no caller list (loopback, one operator) it is off.
  if (!authorizer_->loopback_only()) {
    ctx_.dual_control_threshold_fen = std::max<int64_t>(0, options_.dual_control_threshold_fen);
    LogLine("dual_control").Str("mode", "on").Int("threshold_fen", ctx_.dual_control_threshold_fen).Write(LogLevel::kInfo);
  } else {
    LogLine("dual_control")
        .Str("mode", "off")
        .Str("message", "no --auth_config: one operator, money movements post at once (dual control is off)")
        .Write(LogLevel::kWarning);
  }
  services_.push_back(std::make_unique<service::LoanSubsidyServiceImpl>(ctx_));
  services_.push_back(std::make_unique<service::EducationFundServiceImpl>(ctx_));
  services_.push_back(std::make_unique<service::RewardPayoutServiceImpl>(ctx_));
  services_.push_back(std::make_unique<service::AdminServiceImpl>(ctx_));
  services_.push_back(std::make_unique<service::FundServiceImpl>(ctx_));
  services_.push_back(std::make_unique<service::ApprovalServiceImpl>(ctx_));
  services_.push_back(std::make_unique<service::PaymentServiceImpl>(ctx_));
  if (schedule_minute >= 0) scheduler_ = std::make_unique<service::DisbursementScheduler>(ctx_, schedule_minute);
  if (sweep_minute >= 0) sweeper_ = std::make_unique<service::AlertSweeper>(ctx_, sweep_minute);
  return absl::OkStatus();
}

absl::Status Server::StartGrpc() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  const size_t colon = options_.listen.rfind(':');
  if (colon == std::string::npos) return absl::InvalidArgumentError("--listen must be HOST:PORT");
  auto credentials = MakeCredentials(options_, options_.listen.substr(0, colon));
  if (!credentials.ok()) return credentials.status();
  int selected_port = 0;
  builder.AddListeningPort(options_.listen, *credentials, &selected_port);
  // gRPC turns SO_REUSEPORT on by default: a second server would then share a port in use and
  // calls would alternate between two databases. One port, one server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(64 << 20);
  // Keepalive: ping idle connections every 60 s and drop them after 20 s without an answer;
  // clients may ping every 10 s at most, even with no call in flight.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  for (auto& s : services_) builder.RegisterService(s.get());
  grpc::ResourceQuota quota("subsidy-server");
  quota.SetMaxThreads(options_.threads > 0 ? options_.threads
                                           : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()) * 4));
  builder.SetResourceQuota(quota);
  grpc_ = builder.BuildAndStart();
  if (!grpc_ || selected_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen, ": ", WhyNotBindable(options_.listen)));
  }
  // Every service of the API, by the names its descriptors give.
  for (const auto* service : auth::ApiServices()) grpc_->GetHealthCheckService()->SetServingStatus(service->full_name(), true);
  address_ = absl::StrCat(options_.listen.substr(0, colon), ":", selected_port);
  return absl::OkStatus();
}

// HTTP/JSON beside gRPC: the same handlers, dispatched directly; and the console's files.
absl::Status Server::StartHttp() {
  if (options_.http_listen.empty()) return absl::OkStatus();
  http::FrontOptions f;
  f.listen = options_.http_listen;
  if (auto s = RefusePlaintext(options_, f.listen.substr(0, f.listen.rfind(':')), " HTTP"); !s.ok()) return s;
  f.serving = [this] { return serving_.load(); };
  f.threads = std::max(1, options_.http_threads);
  if (options_.tls()) {
    f.tls_cert_file = options_.tls_cert;
    f.tls_key_file = options_.tls_key;
    f.tls_client_ca_file = options_.tls_client_ca;
  }
  f.max_body_bytes = static_cast<size_t>(options_.max_message_bytes);
  for (const auto& o : options_.http_cors_origins) f.cors_origins.insert(o);
  f.openapi_json = http::OpenApiJson();
  f.read_timeout = std::chrono::seconds(std::max(1, options_.http_read_timeout_seconds));
  f.idle_timeout = std::chrono::seconds(std::max(1, options_.http_idle_timeout_seconds));
  f.web_dir = options_.web_dir;
  if (f.web_dir.empty()) {
    f.web_dir = InstalledOr("web", SUBSIDY_WEB_DIR);
    std::error_code ec;
    if (!std::filesystem::is_directory(f.web_dir, ec)) {
      LogLine("console").Str("message", "the console is not built (npm ci --prefix web, then build): / serves nothing")
          .Write(LogLevel::kWarning);
      f.web_dir.clear();
    }
  }
  if (f.web_dir == "none") f.web_dir.clear();
  auto front = http::ConnectFront::Start(&ctx_, std::move(f));
  if (!front.ok()) return front.status();
  http_ = std::move(*front);
  http_address_ = http_->address();
  return absl::OkStatus();
}

absl::Status Server::StartMetrics() {
  if (options_.metrics_listen.empty()) return absl::OkStatus();
  auto addr = metrics_.Serve(options_.metrics_listen);
  if (!addr.ok()) return addr.status();
  metrics_address_ = *addr;
  metrics_.StartRefresher({policy_.get(), storage_.get(), clock_,
                           [this] { return FundGauges(*policy_, *clock_, *storage_); }},
                          std::chrono::seconds(std::max(1, options_.metrics_refresh_seconds)));
  return absl::OkStatus();
}

void Server::LogStart() const {
  LogLine("start")
      .Str("listen", address_)
      .Bool("tls", options_.tls())
      .Bool("mutual_tls", options_.tls() && !options_.tls_client_ca.empty())
      .Str("metrics", metrics_address_)
      .Str("http", http_address_)
      .Str("data_version", data_->version())
      .Str("data_dir", options_.data_dir)
      .Str("database", storage_->description())
      .Int("schema_version", storage_->schema_version())
      .Write(LogLevel::kInfo);
  ops::LogStaleness(*data_, clock_->TodayInChina());
  ops::FlushLogs();  // the start line is out before anyone is told the server is ready
}

void Server::Reload() {
  (void)reloader_->Reload("SIGHUP");
  if (auto st = authorizer_->Reload(); !st.ok()) {
    LogLine("auth_reload").Str("result", "rejected").Str("error", st.message()).Write(LogLevel::kError);
  }
}

void Server::Stop(int signal) {
  if (stopped_) return;
  stopped_ = true;
  LogLine("stopping").Int("signal", signal).Write(LogLevel::kInfo);
  // New calls are refused from here on; the calls in flight may finish within the grace period.
  grpc_->GetHealthCheckService()->SetServingStatus(false);
  serving_ = false;
  calls_.Close();
  const absl::Time deadline = absl::Now() + absl::Seconds(options_.shutdown_grace_seconds);
  const bool done = calls_.AwaitNone(deadline);
  // gRPC's graceful shutdown would also wait for idle client connections to go away; with the
  // calls done there is nothing left to wait for, so it is told to stop now (a call still in
  // flight after the grace period is cancelled).
  grpc_->Shutdown(done ? std::chrono::system_clock::now() : absl::ToChronoTime(deadline));
  grpc_->Wait();
  if (scheduler_) scheduler_->Stop();
  if (sweeper_) sweeper_->Stop();
  if (http_) http_->Stop();
  executor_.reset();  // finishes the mutations already queued
  metrics_.Stop();
  storage_.reset();  // closes the database after the last call
  LogLine("stopped").Str("how", done ? "calls done" : "grace period over, calls cancelled").Write(LogLevel::kInfo);
  ops::FlushLogs();
}

Server::~Server() {
  if (grpc_ && !stopped_) Stop(0);
}

}  // namespace subsidy::app
