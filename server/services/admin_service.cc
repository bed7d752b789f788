#include "policy/staleness.h"
#include "services/common.h"
#include "services/observed_reactor.h"
#include "services/services.h"
#include "services/status_mapping.h"

namespace subsidy::service {

grpc::ServerUnaryReactor* AdminServiceImpl::ReloadData(grpc::CallbackServerContext* context,
                                                        const v1::ReloadDataRequest* /*request*/,
                                                        v1::ReloadDataResponse* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.AdminService/ReloadData", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.AdminService/ReloadData");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  // Loading and validating the data reads files: off gRPC's threads.
  FinishOnExecutor(ctx_.executor, reactor, [this, context, response, admitted = std::move(*admission)]() -> absl::Status {
    auto r = reloader_->Reload("rpc:" + admitted.caller->name);
    (void)context;
    if (!r.ok()) return r.status();
    response->set_previous_version(r->previous_version);
    response->set_data_version(r->data_version);
    response->set_changed(r->changed);
    for (const auto& a : r->alarms) {
      auto* x = response->add_alarms();
      x->set_code(a.code);
      x->set_message(a.message);
    }
    return absl::OkStatus();
  });
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::GetDataStatus(grpc::CallbackServerContext* context,
                                                           const v1::GetDataStatusRequest* /*request*/,
                                                           v1::DataStatus* response) {
  auto* reactor = new ObservedReactor(ctx_, context, "subsidy.v1.AdminService/GetDataStatus", "");
  auto admission = Admit(ctx_, context, "subsidy.v1.AdminService/GetDataStatus");
  if (!admission.ok()) {
    reactor->FinishWith(ToGrpcStatus(admission.status()));
    return reactor;
  }
  reactor->set_caller(admission->caller->name);
  const auto data = ctx_.policy->Get();
  response->set_data_version(data->version());
  response->set_data_dir(data->directory());
  response->set_loaded_at(reloader_->loaded_at());
  for (const auto& a : StalenessAlarms(*data, ops::TodayInChina())) {
    auto* x = response->add_alarms();
    x->set_code(a.code);
    x->set_message(a.message);
  }
  reactor->FinishWith(grpc::Status::OK);
  return reactor;
}

}  // namespace subsidy::service
