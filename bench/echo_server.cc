// echo-server: the bare gRPC floor (see echo.proto). Prints "listening on HOST:PORT".
#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "echo.grpc.pb.h"
#include "services/pipelined_reactor.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "HOST:PORT");
ABSL_FLAG(int, threads, 0, "maximum gRPC threads (0: as subsidy-server)");

namespace {

class EchoImpl final : public subsidy::bench::Echo::CallbackService {
  grpc::ServerUnaryReactor* UnaryEcho(grpc::CallbackServerContext* ctx, const subsidy::bench::EchoMessage* req,
                                      subsidy::bench::EchoMessage* resp) override {
    *resp = *req;
    auto* r = ctx->DefaultReactor();
    r->Finish(grpc::Status::OK);
    return r;
  }
  grpc::ServerBidiReactor<subsidy::bench::EchoMessage, subsidy::bench::EchoMessage>* StreamEcho(
      grpc::CallbackServerContext*) override {
    // The same pipelined reactor as the loan stream: the floor differs only by the work.
    return new subsidy::service::PipelinedReactor<subsidy::bench::EchoMessage, subsidy::bench::EchoMessage>(
        [](const subsidy::bench::EchoMessage& in, subsidy::bench::EchoMessage* out) { *out = in; }, 256);
  }
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as subsidy-server
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  EchoImpl service;
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  grpc::ResourceQuota quota("echo-server");
  const int threads = absl::GetFlag(FLAGS_threads) > 0 ? absl::GetFlag(FLAGS_threads)
                                                       : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()) * 4);
  quota.SetMaxThreads(threads);
  builder.SetResourceQuota(quota);
  auto server = builder.BuildAndStart();
  if (!server) return 1;
  std::cout << "listening on " << listen.substr(0, listen.rfind(':')) << ":" << port << std::endl;
  std::thread waiter([&] {
    int sig;
    sigwait(&stop, &sig);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  });
  server->Wait();
  waiter.join();
  return 0;
}
