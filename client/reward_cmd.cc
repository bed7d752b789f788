// subsidyctl reward policies|submit|get|list|disburse
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "money/money.h"
#include "subsidy/v1/reward.grpc.pb.h"

namespace subsidy::cli {
namespace {

std::string Yuan(int64_t fen) { return Money::Fen(fen).ToYuanString(); }

void PrintPayoutLine(Context& ctx, const v1::Payout& p) {
  std::vector<std::string> reasons;
  for (const auto& r : p.reasons()) reasons.push_back(r.code());
  *ctx.out << absl::StrFormat("%-12s %-24s %-18s %-9s %14s  det %s  due %-10s  paid %-10s %s %s\n", p.payout_id(),
                              p.policy_id(), p.enterprise_uscc(), v1::PayoutStatus_Name(p.status()), Yuan(p.amount_fen()),
                              p.determination_date(), p.due_date().empty() ? "-" : p.due_date(),
                              p.paid_date().empty() ? "-" : p.paid_date(), p.voucher_no(), absl::StrJoin(reasons, ","));
}

void PrintPayout(Context& ctx, const v1::Payout& p) {
  if (ctx.json) {
    ctx.PrintJson(p);
    return;
  }
  auto& out = *ctx.out;
  out << p.payout_id() << "  " << v1::PayoutStatus_Name(p.status()) << "  " << Yuan(p.amount_fen()) << " 元\n"
      << "  policy        " << p.policy_id() << "\n"
      << "  enterprise    " << p.enterprise_uscc() << " " << p.enterprise_name() << "\n"
      << "  determined    " << p.determination_date() << "\n"
      << "  due           " << (p.due_date().empty() ? "-" : p.due_date()) << "\n"
      << "  paid          " << (p.paid_date().empty() ? "-" : p.paid_date() + " voucher " + p.voucher_no()) << "\n";
  for (const auto& r : p.reasons()) out << "  " << r.code() << ": " << r.message() << "\n";
}

int Policies(Context& ctx, const Options&) {
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::ListRewardPoliciesResponse resp;
  auto call = ctx.NewCall();
  grpc::Status s = stub->ListRewardPolicies(call.get(), v1::ListRewardPoliciesRequest(), &resp);
  if (!s.ok()) return ctx.Fail(s);
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  for (const auto& p : resp.policies()) {
    *ctx.out << p.policy_id() << " [" << p.status() << "]  " << p.name() << "\n"
             << "  department " << p.department() << "; " << p.formula() << ": " << p.formula_description() << "\n"
             << "  " << p.repeat_rule() << (p.group().empty() ? "" : " (group " + p.group() + ")") << "; pay within "
             << p.payout_working_days() << " working days; budget " << Yuan(p.budget_fen()) << " 元, remaining "
             << Yuan(p.remaining_budget_fen()) << " 元\n";
  }
  *ctx.out << "data version " << resp.data_version() << "\n";
  return 0;
}

int Submit(Context& ctx, const Options& o) {
  v1::SubmitDeterminationRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_policy_id(o.Get("policy"));
  req.set_enterprise_uscc(o.Get("uscc"));
  req.set_enterprise_name(o.Get("name"));
  req.set_determination_date(o.Get("date"));
  for (const auto& m : o.GetAll("metric")) {
    const size_t eq = m.find('=');
    if (eq == std::string::npos) return ctx.Usage("--metric must be NAME=VALUE");
    (*req.mutable_metrics())[m.substr(0, eq)] = m.substr(eq + 1);
  }
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::Payout p;
  if (int rc = ctx.CheckRequest(req); rc != 0) return rc;
  auto call = ctx.NewCall();
  grpc::Status s = stub->SubmitDetermination(call.get(), req, &p);
  if (!s.ok()) return ctx.Fail(s);
  ctx.NoteReplay(*call, req.request_id());
  PrintPayout(ctx, p);
  return 0;
}

int Get(Context& ctx, const Options& o) {
  v1::GetPayoutRequest req;
  req.set_payout_id(o.Get("payout"));
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::Payout p;
  if (int rc = ctx.CheckRequest(req); rc != 0) return rc;
  auto call = ctx.NewCall();
  grpc::Status s = stub->GetPayout(call.get(), req, &p);
  if (!s.ok()) return ctx.Fail(s);
  PrintPayout(ctx, p);
  return 0;
}

int List(Context& ctx, const Options& o) {
  v1::ListPayoutsRequest req;
  req.set_policy_id(o.Get("policy"));
  req.set_enterprise_uscc(o.Get("uscc"));
  if (o.Has("status")) {
    v1::PayoutStatus st;
    if (!v1::PayoutStatus_Parse(o.Get("status"), &st)) return ctx.Usage("--status must be " + EnumChoices(v1::PayoutStatus_descriptor()));
    req.set_status(st);
  }
  req.set_overdue_as_of(o.Get("overdue_as_of"));
  int32_t size = 0;
  if (o.Has("page_size") && !absl::SimpleAtoi(o.Get("page_size"), &size)) return ctx.Usage("--page_size must be an integer");
  req.set_page_size(size);
  req.set_page_token(o.Get("page_token"));
  const bool all = o.Has("all");
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  int64_t count = 0;
  MoneyTotal fen;
  for (;;) {
    v1::ListPayoutsResponse resp;
    if (int rc = ctx.CheckRequest(req); rc != 0) return rc;
    auto call = ctx.NewCall();
    grpc::Status s = stub->ListPayouts(call.get(), req, &resp);
    if (!s.ok()) return ctx.Fail(s);
    if (ctx.json) {
      ctx.PrintJson(resp);
    } else {
      for (const auto& p : resp.payouts()) {
        PrintPayoutLine(ctx, p);
        ++count;
        fen.Add(p.amount_fen());
      }
    }
    if (!all || resp.next_page_token().empty()) {
      if (!ctx.json) {
        *ctx.out << count << " payouts, " << Yuan(fen.fen()) << " 元"
                 << (resp.next_page_token().empty() ? "" : "; next page: --page_token=" + resp.next_page_token()) << "\n";
      }
      return 0;
    }
    req.set_page_token(resp.next_page_token());
  }
}

int Disburse(Context& ctx, const Options& o) {
  v1::RunDisbursementRequest req;
  req.set_request_id(o.Get("request_id"));
  req.set_payment_date(o.Get("date"));
  auto stub = v1::RewardPayoutService::NewStub(ctx.Channel());
  v1::RunDisbursementResponse resp;
  if (int rc = ctx.CheckRequest(req); rc != 0) return rc;
  auto call = ctx.NewCall();
  grpc::Status s = stub->RunDisbursement(call.get(), req, &resp);
  if (!s.ok()) return ctx.Fail(s);
  ctx.NoteReplay(*call, req.request_id());
  if (ctx.json) {
    ctx.PrintJson(resp);
    return 0;
  }
  *ctx.out << resp.run_id() << " on " << resp.payment_date() << ": paid " << resp.paid_count() << " payouts, "
           << Yuan(resp.paid_fen()) << " 元; " << resp.late_count() << " paid after their due date\n";
  return 0;
}

}  // namespace

void RegisterRewardCommands(Registry& r) {
  r.Add({{"reward", "policies"}, "list the reward policies with their formulas, rules and remaining budgets", "", {}, Policies});
  r.Add({{"reward", "submit"},
         "submit a department's determination; the payout is scheduled (or rejected, with reasons)",
         "Example: subsidyctl reward submit --request_id=D-1 --policy=YC-DIGITAL-TRANSFORM \\\n"
         "  --uscc=914403001922038216 --name=某公司 --date=2024-09-30 --metric=spend_fen=12345600",
         {{"request_id", "a unique id for this determination (a retry reuses it)", true},
          {"policy", "reward policy id", true},
          {"uscc", "the enterprise's unified social credit code", true},
          {"name", "the enterprise's name"},
          {"date", "determination date YYYY-MM-DD", true},
          {"metric", "NAME=VALUE (decimal integer), repeatable"}},
         Submit});
  r.Add({{"reward", "get"}, "show one payout", "", {{"payout", "payout id, e.g. PO-00000001", true}}, Get});
  r.Add({{"reward", "list"},
         "list payouts with filters, a page at a time (--all for every page)",
         "",
         {{"policy", "policy id"},
          {"uscc", "enterprise USCC"},
          {"status", "SCHEDULED, REJECTED or DISBURSED"},
          {"overdue_as_of", "YYYY-MM-DD: scheduled and past due on that date"},
          {"page_size", "rows per page (default 50, at most 500)"},
          {"page_token", "from the previous page"},
          {"all", "follow every page", false, true}},
         List});
  r.Add({{"reward", "disburse"},
         "pay every scheduled payout determined on or before --date (idempotent by --request_id)",
         "",
         {{"request_id", "a unique id for this run (a retry reuses it)", true}, {"date", "payment date YYYY-MM-DD", true}},
         Disburse});
}

}  // namespace subsidy::cli
