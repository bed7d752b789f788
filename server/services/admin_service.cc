#include "common/status_util.h"
#include "policy/staleness.h"
#include "services/common.h"
#include "services/services.h"

namespace subsidy::service {
namespace {

// Each alarm with its text for a person in the caller's language.
void AddAlarms(const Call& call, const std::vector<StalenessAlarm>& alarms,
               google::protobuf::RepeatedPtrField<v1::Alarm>* out) {
  for (const auto& a : alarms) {
    auto* x = out->Add();
    x->set_code(a.code);
    x->set_message(a.message);
    x->set_localized_message(call.data()
                                 .messages()
                                 .Render(MessageKind::kReason, a.code, LanguageOf(call.language()), a.params)
                                 .value_or(a.message));
  }
}

namespace handlers {

// Loading and validating the data reads files: off gRPC's threads.
absl::Status ReloadData(Call& call, const v1::ReloadDataRequest&, v1::ReloadDataResponse* out) {
  auto r = call.reloader().Reload("rpc:" + call.caller());
  if (!r.ok()) return r.status();
  out->set_previous_version(r->previous_version);
  out->set_data_version(r->data_version);
  out->set_changed(r->changed);
  AddAlarms(call, r->alarms, out->mutable_alarms());
  return absl::OkStatus();
}

absl::Status GetDataStatus(Call& call, const v1::GetDataStatusRequest&, v1::DataStatus* out) {
  out->set_data_version(call.data().version());
  out->set_data_dir(call.data().directory());
  out->set_loaded_at(call.reloader().loaded_at());
  AddAlarms(call, StalenessAlarms(call.data(), call.clock().TodayInChina()), out->mutable_alarms());
  return absl::OkStatus();
}

absl::Status ListAuditEvents(Call& call, const v1::ListAuditEventsRequest& req, v1::ListAuditEventsResponse* out) {
  storage::AuditFilter f;
  f.subject_id = req.subject_id();
  f.caller = req.caller();
  if (!req.since().empty()) {
    // A date or an RFC 3339 UTC time: both compare with the stored times as text.
    if (!Date::Parse(req.since().substr(0, 10)).ok() || (req.since().size() > 10 && req.since()[10] != 'T')) {
      return InvalidField("since", "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
    }
    f.since = req.since();
  }
  auto page = ParsePage(req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  f.after_id = page->after;
  f.limit = page->limit;
  auto rows = call.storage().audit().ListAuditEvents(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  for (const auto& r : *rows) {
    auto* e = out->add_events();
    e->set_id(r.id);
    e->set_at(r.at);
    e->set_caller(r.entry.caller);
    e->set_method(r.entry.method);
    e->set_request_id(r.entry.request_id);
    e->set_subject_id(r.entry.entity_id);
    e->set_result(r.entry.result);
    e->set_detail(r.entry.detail);
  }
  if (more) out->set_next_page_token(EncodePageToken(rows->back().id));
  return absl::OkStatus();
}

absl::Status GetCaller(Call& call, const v1::GetCallerRequest&, v1::CallerIdentity* out) {
  const auth::Caller& who = call.who();
  out->set_name(who.name);
  for (auth::Role r : who.roles) out->add_roles(auth::RoleName(r));
  for (const auto& s : who.schools) out->add_school_ids(s);
  for (const auto& b : who.banks) out->add_bank_ids(b);
  for (auto& m : auth::Authorizer::MethodsFor(who)) out->add_methods(std::move(m));
  return absl::OkStatus();
}

}  // namespace handlers
}  // namespace

SUBSIDY_UNARY_RPC(AdminServiceImpl, ReloadData, Runs::kMutation)
SUBSIDY_UNARY_RPC(AdminServiceImpl, GetDataStatus, Runs::kInline)
SUBSIDY_UNARY_RPC(AdminServiceImpl, ListAuditEvents, Runs::kInline)
SUBSIDY_UNARY_RPC(AdminServiceImpl, GetCaller, Runs::kInline)

}  // namespace subsidy::service
