#include "policy/staleness.h"
#include "services/common.h"
#include "services/services.h"

namespace subsidy::service {
namespace {

constexpr Method kReloadData{"subsidy.v1.AdminService/ReloadData", Runs::kMutation};
constexpr Method kGetDataStatus{"subsidy.v1.AdminService/GetDataStatus", Runs::kInline};

void AddAlarms(const std::vector<StalenessAlarm>& alarms, google::protobuf::RepeatedPtrField<v1::Alarm>* out) {
  for (const auto& a : alarms) {
    auto* x = out->Add();
    x->set_code(a.code);
    x->set_message(a.message);
  }
}

}  // namespace

grpc::ServerUnaryReactor* AdminServiceImpl::ReloadData(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  // Loading and validating the data reads files: off gRPC's threads.
  return ServeRaw<v1::ReloadDataRequest, v1::ReloadDataResponse>(ctx_, context, kReloadData, request, response,
               [this](Call& call, const v1::ReloadDataRequest&, v1::ReloadDataResponse* out) -> absl::Status {
                 auto r = reloader_->Reload("rpc:" + call.caller());
                 if (!r.ok()) return r.status();
                 out->set_previous_version(r->previous_version);
                 out->set_data_version(r->data_version);
                 out->set_changed(r->changed);
                 AddAlarms(r->alarms, out->mutable_alarms());
                 return absl::OkStatus();
               });
}

grpc::ServerUnaryReactor* AdminServiceImpl::GetDataStatus(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return ServeRaw<v1::GetDataStatusRequest, v1::DataStatus>(ctx_, context, kGetDataStatus, request, response,
               [this](Call& call, const v1::GetDataStatusRequest&, v1::DataStatus* out) {
                 out->set_data_version(call.data().version());
                 out->set_data_dir(call.data().directory());
                 out->set_loaded_at(reloader_->loaded_at());
                 AddAlarms(StalenessAlarms(call.data(), call.clock().TodayInChina()), out->mutable_alarms());
                 return absl::OkStatus();
               });
}

}  // namespace subsidy::service
