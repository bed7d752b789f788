// subsidyctl admin reload-data|status
#include "cli.h"
#include "texts.h"
#include "subsidy/v1/admin.grpc.pb.h"

namespace subsidy::cli {
namespace {

// Each alarm in the caller's language (the server's text for it), after its code.
void PrintAlarms(Context& ctx, const google::protobuf::RepeatedPtrField<v1::Alarm>& alarms) {
  for (const auto& a : alarms) {
    *ctx.out << "  " << a.code() << ": " << (a.localized_message().empty() ? a.message() : a.localized_message())
             << "\n";
  }
}

int Reload(Context& ctx, const Options&) {
  auto stub = v1::AdminService::NewStub(ctx.Channel());
  v1::ReloadDataResponse resp;
  if (int rc = Invoke(ctx, *stub, &v1::AdminService::Stub::ReloadData, v1::ReloadDataRequest{}, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << (resp.changed() ? Say(ctx.language, kCliAdminReloaded,
                                    {{"from", resp.previous_version()}, {"to", resp.data_version()}})
                              : Say(ctx.language, kCliAdminUnchanged, {{"version", resp.data_version()}}))
           << "\n";
  PrintAlarms(ctx, resp.alarms());
  return 0;
}

int Status(Context& ctx, const Options&) {
  auto stub = v1::AdminService::NewStub(ctx.Channel());
  v1::DataStatus resp;
  if (int rc = Invoke(ctx, *stub, &v1::AdminService::Stub::GetDataStatus, v1::GetDataStatusRequest{}, &resp); rc != 0) return rc;
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << Say(ctx.language, kCliAdminStatus,
                  {{"version", resp.data_version()}, {"dir", resp.data_dir()}, {"loaded_at", resp.loaded_at()}})
           << "\n";
  PrintAlarms(ctx, resp.alarms());
  return 0;
}

}  // namespace

int Audit(Context& ctx, const Options& o) {
  v1::ListAuditEventsRequest req;
  req.set_subject_id(o.Get("subject"));
  req.set_caller(o.Get("caller"));
  req.set_since(o.Get("since"));
  req.set_page_size(500);
  auto stub = v1::AdminService::NewStub(ctx.Channel());
  for (;;) {
    v1::ListAuditEventsResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::AdminService::Stub::ListAuditEvents, req, &resp); rc != 0) return rc;
    for (const auto& e : resp.events()) {
      if (ctx.json) {
        ctx.PrintJson(e);
      } else {
        *ctx.out << e.at() << "  " << e.caller() << "  " << e.method() << "  " << e.subject_id() << "  " << e.result()
                 << "  " << e.detail() << "\n";
      }
    }
    if (resp.next_page_token().empty()) return 0;
    req.set_page_token(resp.next_page_token());
  }
}

void RegisterAdminCommands(Registry& r) {
  r.Add({{"admin", "reload-data"},
         "load the server's policy data afresh, validate it, then swap it in (a bad file leaves the old data serving)",
         "",
         {},
         Reload});
  r.Add({{"admin", "status"}, "the policy data serving: version, directory, staleness alarms", "", {}, Status});
  r.Add({{"admin", "audit"},
         "the audit trail, oldest first: who did what to which record, with the result",
         "",
         {{"subject", "a record's id (payout, claim, fund entry, expenditure …)"},
          {"caller", "a caller's name"},
          {"since", "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)"}},
         Audit});
}

}  // namespace subsidy::cli
