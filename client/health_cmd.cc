#include "cli.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace subsidy::cli {

void RegisterHealthCommands(Registry& r) {
  r.Add({{"health"},
         "ask the server's health service whether it is serving",
         "Exits 0 when the answer is SERVING, 1 otherwise.",
         {{"service", "a service name, e.g. subsidy.v1.LoanSubsidyService (default: the whole server)"}},
         [](Context& ctx, const Options& o) {
           auto stub = grpc::health::v1::Health::NewStub(ctx.Channel());
           grpc::health::v1::HealthCheckRequest req;
           req.set_service(o.Get("service"));
           grpc::health::v1::HealthCheckResponse resp;
           if (int rc = Invoke(ctx, *stub, &grpc::health::v1::Health::Stub::Check, req, &resp); rc != 0) return rc;
           if (ctx.json) {
             ctx.PrintJson(resp);
           } else {
             *ctx.out << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << std::endl;
           }
           return resp.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
         }});
}

}  // namespace subsidy::cli
