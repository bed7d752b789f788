// subsidyctl fund targets [set|progress]: a fund's performance targets (绩效目标), output (产出) and
// outcome (效益) indicators entered by finance, and the progress recorded against them (FundService).
#include <map>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli.h"
#include "subsidy/v1/fund.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

using Stub = v1::FundService::Stub;
using Target = v1::PerformanceTarget;

std::unique_ptr<Stub> NewStub(Context& ctx) { return v1::FundService::NewStub(ctx.Channel()); }

// OUTPUT, or 产出.
std::string KindText(const Context& ctx, Target::Kind k) {
  static const auto* const kWords =
      new std::map<std::string, const char*>{{"OUTPUT", kCliTargetKindOutput}, {"OUTCOME", kCliTargetKindOutcome}};
  return Word(ctx.language, *kWords, Target::Kind_Name(k));
}

// The one positional FUND_ID.
int FundId(Context& ctx, const Options& o, const std::string& command, std::string* id) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", command}, {"what", "FUND_ID"}});
  *id = o.positional()[0];
  return 0;
}

// A fund's targets as a table, or that it has none.
int PrintTargets(Context& ctx, const v1::FundTargets& t) {
  if (ctx.json) {
    ctx.PrintJson(t);
    return 0;
  }
  const std::string& lang = ctx.language;
  if (t.targets().empty()) {
    *ctx.out << Say(lang, kCliFundTargetsNone, {{"fund_id", t.fund_id()}}) << "\n";
    return 0;
  }
  *ctx.out << Say(lang, kCliFundTargetsEntered, {{"fund_id", t.fund_id()}, {"entered_on", OrDash(t.entered_on())}})
           << "\n"
           << Say(lang, kCliFundTargetsHeader) << "\n";
  for (const Target& x : t.targets()) {
    *ctx.out << absl::StrFormat("%-12s %s %s %s %12s %12s %-10s\n", x.indicator_id(), Cell(KindText(ctx, x.kind()), 8),
                                Cell(x.name(), 30), Cell(x.unit(), 6), x.target_value(), OrDash(x.progress_value()),
                                OrDash(x.progress_date()));
  }
  return 0;
}

int Show(Context& ctx, const Options& o) {
  v1::GetFundTargetsRequest req;
  if (int rc = FundId(ctx, o, "fund targets", req.mutable_fund_id()); rc != 0) return rc;
  v1::FundTargets t;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::GetFundTargets, req, &t); rc != 0) return rc;
  if (t.fund_id().empty()) t.set_fund_id(req.fund_id());
  return PrintTargets(ctx, t);
}

// The date the default request_id names: --date, else today's (the machine's).
std::string DayOf(const Options& o) {
  return o.Get("date", absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone()));
}

int Set(Context& ctx, const Options& o) {
  v1::SetFundTargetsRequest req;
  if (int rc = FundId(ctx, o, "fund targets set", req.mutable_fund_id()); rc != 0) return rc;
  Target* t = req.add_targets();
  Target::Kind kind = Target::KIND_UNSPECIFIED;
  if (int rc = EnumOption(ctx, o, "kind", &kind); rc != 0) return rc;
  t->set_kind(kind);
  t->set_indicator_id(o.Get("indicator"));
  t->set_name(o.Get("name"));
  t->set_unit(o.Get("unit"));
  t->set_target_value(o.Get("target"));
  req.set_date(o.Get("date"));
  // An indicator once entered is not changed: the same fund and indicator is the same request.
  req.set_request_id(o.Get("request_id", RequestIdOf("targets-" + req.fund_id(), {t->indicator_id()})));
  v1::FundTargets out;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::SetFundTargets, req, &out); rc != 0) return rc;
  return PrintTargets(ctx, out);
}

int Progress(Context& ctx, const Options& o) {
  v1::RecordTargetProgressRequest req;
  if (int rc = FundId(ctx, o, "fund targets progress", req.mutable_fund_id()); rc != 0) return rc;
  req.set_indicator_id(o.Get("indicator"));
  req.set_value(o.Get("value"));
  req.set_date(o.Get("date"));
  const std::string id = RequestIdOf("progress-" + req.fund_id(), {req.indicator_id(), req.value(), DayOf(o)});
  req.set_request_id(o.Get("request_id", id));
  v1::FundTargets out;
  auto stub = NewStub(ctx);
  if (int rc = Invoke(ctx, *stub, &Stub::RecordTargetProgress, req, &out); rc != 0) return rc;
  return PrintTargets(ctx, out);
}

}  // namespace

void RegisterFundTargetCommands(Registry& r) {
  r.Add({{"fund", "targets"},
         "a fund's performance targets (绩效目标): each indicator, its target and the latest progress",
         "Usage: subsidyctl fund targets FUND_ID\n"
         "A fund with no targets N days after its budget is an alert (TARGETS_MISSING, subsidyctl alerts).",
         {},
         Show});
  r.Add({{"fund", "targets", "set"},
         "enter one performance target (绩效目标) of a fund: an output (产出) or outcome (效益) indicator (finance)",
         "Usage: subsidyctl fund targets set FUND_ID --indicator=ID --kind=OUTPUT|OUTCOME --name=N --unit=U\n"
         "       --target=V [--date=YYYY-MM-DD] [--request_id=ID]\n"
         "An indicator once entered is not changed (TARGET_ALREADY_SET); record progress against it instead.",
         {{"indicator", "the indicator's id, unique in the fund (yours to choose)", true},
          {"kind", "OUTPUT (产出) or OUTCOME (效益), in any case", true},
          {"name", "the indicator's name", true},
          {"unit", "its unit, e.g. 人, 户, %, 万元", true},
          {"target", "the target value, a decimal such as 1200 or 95.5", true},
          {"date", "when it was entered (default: the server's today)"},
          {"request_id", "default: targets-FUND_ID- and a fingerprint of the indicator"}},
         Set});
  r.Add({{"fund", "targets", "progress"},
         "record progress against one of a fund's performance targets (finance)",
         "Usage: subsidyctl fund targets progress FUND_ID --indicator=ID --value=V [--date=YYYY-MM-DD]\n"
         "       [--request_id=ID]",
         {{"indicator", "the indicator's id", true},
          {"value", "the progress value, a decimal", true},
          {"date", "as of which day (default: the server's today)"},
          {"request_id", "default: progress-FUND_ID- and a fingerprint of the indicator, value and date"}},
         Progress});
}

}  // namespace subsidy::cli
