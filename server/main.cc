// subsidy-server: the gRPC service. Flags: --listen, --db, --data_dir. Prints exactly one line
// "listening on HOST:PORT" when ready; SIGTERM/SIGINT let calls in flight finish, then the
// database is closed cleanly.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "policy/policy_data.h"
#include "services/services.h"
#include "storage/storage.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve on; port 0 picks a free port");
ABSL_FLAG(std::string, db, "var/subsidy.db",
          "SQLite database file (created with its schema on first start), or a postgresql:// URL for several replicas");
ABSL_FLAG(int, db_pool_size, 8, "PostgreSQL connections per server");
ABSL_FLAG(std::string, data_dir, SUBSIDY_DEFAULT_DATA_DIR, "directory of the policy data files");
ABSL_FLAG(int, threads, 0, "maximum gRPC worker threads (0: 4 per core)");
ABSL_FLAG(int, db_workers, 64, "threads that wait on the database (mutations queue for a group commit)");
ABSL_FLAG(int, max_queued_mutations, 4096, "mutations waiting for a worker before new ones are shed (RESOURCE_EXHAUSTED)");
ABSL_FLAG(int, shutdown_grace_seconds, 10, "how long calls in flight may take to finish on SIGTERM");

namespace {

int Fail(const std::string& message) {
  std::cerr << "subsidy-server: " << message << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The subsidy-calc gRPC service.\n"
      "Usage: subsidy-server [--listen=HOST:PORT] [--db=PATH] [--data_dir=DIR]");
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread (gRPC's included); one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  auto data = subsidy::PolicyData::LoadFromDirectory(data_dir);
  if (!data.ok()) return Fail(absl::StrCat("policy data not loaded: ", data.status().message()));

  const std::string db_path = absl::GetFlag(FLAGS_db);
  if (db_path.find("://") == std::string::npos) {
    std::error_code ec;
    const auto parent = std::filesystem::path(db_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  auto storage = subsidy::storage::OpenStorage(db_path, {.pool_size = absl::GetFlag(FLAGS_db_pool_size)});
  if (!storage.ok()) return Fail(absl::StrCat("database not opened: ", storage.status().message()));

  subsidy::service::PolicyHolder policy(*data);
  auto executor = std::make_unique<subsidy::service::Executor>(absl::GetFlag(FLAGS_db_workers),
                                                               static_cast<size_t>(absl::GetFlag(FLAGS_max_queued_mutations)));
  subsidy::service::ServiceContext ctx{&policy, storage->get(), executor.get()};
  subsidy::service::LoanSubsidyServiceImpl loan(ctx);
  subsidy::service::EducationFundServiceImpl education(ctx);
  subsidy::service::RewardPayoutServiceImpl reward(ctx);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Fail("--listen must be HOST:PORT");
  int selected_port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &selected_port);
  builder.RegisterService(&loan);
  builder.RegisterService(&education);
  builder.RegisterService(&reward);
  grpc::ResourceQuota quota("subsidy-server");
  const int threads = absl::GetFlag(FLAGS_threads) > 0
                          ? absl::GetFlag(FLAGS_threads)
                          : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()) * 4);
  quota.SetMaxThreads(threads);
  builder.SetResourceQuota(quota);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected_port == 0) return Fail(absl::StrCat("cannot listen on ", listen));

  for (const char* name : {"subsidy.v1.LoanSubsidyService", "subsidy.v1.EducationFundService",
                           "subsidy.v1.RewardPayoutService"}) {
    server->GetHealthCheckService()->SetServingStatus(name, true);
  }
  std::cout << "listening on " << listen.substr(0, colon) << ":" << selected_port << std::endl;
  std::cerr << "subsidy-server: policy data " << (*data)->version() << " from " << data_dir << "; database "
            << (*storage)->description() << " (schema " << (*storage)->schema_version() << ")" << std::endl;

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cerr << "subsidy-server: signal " << sig << ", finishing calls in flight" << std::endl;
    server->GetHealthCheckService()->SetServingStatus(false);
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  });
  server->Wait();
  waiter.join();
  server.reset();
  executor.reset();  // finishes queued mutations
  storage->reset();  // closes the database after the last call
  std::cerr << "subsidy-server: stopped" << std::endl;
  return 0;
}
