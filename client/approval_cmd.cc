// subsidyctl approvals list|show|approve|reject: instructions held for a second finance officer
// (dual control, 双人复核), and PrintHeld, which every money movement uses.
#include "approval_cmd.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "subsidy/v1/approval.grpc.pb.h"
#include "texts.h"

namespace subsidy::cli {

bool PrintHeld(Context& ctx, const std::string& instruction_id, v1::Instruction::State state, const std::string& what) {
  if (state != v1::Instruction::PENDING_APPROVAL) return false;
  const std::string id = instruction_id.empty() ? Say(ctx.language, kCliNoId) : instruction_id;
  *ctx.out << Say(ctx.language, kCliHeld, {{"instruction_id", id}, {"what", what}}) << "\n";
  if (!instruction_id.empty()) {
    *ctx.out << Say(ctx.language, kCliHeldFollow, {{"command", "subsidyctl approvals show " + instruction_id}}) << "\n";
  }
  return true;
}

namespace {

std::unique_ptr<v1::ApprovalService::Stub> Stub(Context& ctx) { return v1::ApprovalService::NewStub(ctx.Channel()); }

// An instruction's state as the user reads it (PENDING_APPROVAL, or 待复核).
std::string StateText(const Context& ctx, v1::Instruction::State s) {
  switch (s) {
    case v1::Instruction::PENDING_APPROVAL: return Say(ctx.language, kCliInstructionStatePendingApproval);
    case v1::Instruction::POSTED: return Say(ctx.language, kCliInstructionStatePosted);
    case v1::Instruction::REJECTED: return Say(ctx.language, kCliClaimStatusRejected);
    default: return v1::Instruction::State_Name(s);
  }
}

void PrintInstruction(Context& ctx, const v1::Instruction& in) {
  if (ctx.json) {
    ctx.PrintJson(in);
    return;
  }
  auto& out = *ctx.out;
  const std::string& lang = ctx.language;
  out << Say(lang, kCliInstruction,
             {{"instruction_id", in.instruction_id()}, {"state", StateText(ctx, in.state())}, {"rpc", in.rpc()},
              {"summary", in.summary()}, {"amount_yuan", Yuan(in.amount_fen())}, {"fund_id", OrDash(in.fund_id())}})
      << "\n";
  if (!in.recipient_id().empty()) {
    out << Say(lang, kCliFundEntryRecipient, {{"recipient_id", in.recipient_id()}}) << "\n";
  }
  if (!in.subject_id().empty()) out << Say(lang, kCliInstructionSubject, {{"subject_id", in.subject_id()}}) << "\n";
  StatusParams maker = {{"maker", in.maker()}, {"created_at", in.created_at()}};
  if (!in.request_id().empty()) maker.emplace("request_id", in.request_id());
  out << Say(lang, kCliInstructionMaker, maker) << "\n";
  switch (in.state()) {
    case v1::Instruction::PENDING_APPROVAL:
      out << Say(lang, kCliInstructionWaiting,
                 {{"command", "subsidyctl approvals approve|reject " + in.instruction_id() + " --request_id=…"}})
          << "\n";
      break;
    case v1::Instruction::POSTED:
      out << Say(lang, kCliInstructionApproved,
                 {{"checker", in.checker()}, {"decided_at", in.decided_at()}, {"result_id", OrDash(in.result_id())}})
          << "\n";
      break;
    case v1::Instruction::REJECTED:
      out << Say(lang, kCliInstructionRejected,
                 {{"checker", in.checker()}, {"decided_at", in.decided_at()}, {"reason", in.reason()}})
          << "\n";
      break;
    default: break;
  }
}

int List(Context& ctx, const Options& o) {
  v1::ListInstructionsRequest req;
  if (o.Has("state")) {
    v1::Instruction::State state;
    if (!v1::Instruction::State_Parse(o.Get("state"), &state) || state == v1::Instruction::STATE_UNSPECIFIED) {
      return ctx.MustBe("--state", v1::Instruction::State_descriptor());
    }
    req.set_state(state);
  }
  req.set_fund_id(o.Get("fund"));
  req.set_maker(o.Get("maker"));
  auto stub = Stub(ctx);
  // Every page into one answer: the instructions in the server's order (newest first), the pending
  // totals as the first page gives them (they cover every page).
  v1::ListInstructionsResponse all;
  for (bool first = true;; first = false) {
    v1::ListInstructionsResponse resp;
    if (int rc = Invoke(ctx, *stub, &v1::ApprovalService::Stub::ListInstructions, req, &resp); rc != 0) return rc;
    for (auto& in : *resp.mutable_instructions()) *all.add_instructions() = std::move(in);
    if (first) {
      all.set_pending_count(resp.pending_count());
      all.set_pending_amount_fen(resp.pending_amount_fen());
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  if (ctx.json) {
    ctx.PrintJson(all);  // one document, with the pending totals
    return 0;
  }
  *ctx.out << Say(ctx.language, kCliInstructionsHeader) << "\n";
  for (const auto& in : all.instructions()) {
    *ctx.out << absl::StrFormat("%-12s %s %-22s %-20s %18s %-14s %-20s %-14s %s\n", in.instruction_id(),
                                Cell(StateText(ctx, in.state()), 16), in.rpc(), OrDash(in.fund_id()),
                                Yuan(in.amount_fen()), in.maker(), in.created_at(), OrDash(in.checker()), in.summary());
  }
  const bool filtered = !req.fund_id().empty() || !req.maker().empty();
  *ctx.out << Say(ctx.language, filtered ? kCliInstructionsCountFiltered : kCliInstructionsCount,
                  {{"listed", absl::StrCat(all.instructions_size())},
                   {"pending_count", absl::StrCat(all.pending_count())},
                   {"pending_yuan", Yuan(all.pending_amount_fen())}})
           << "\n";
  return 0;
}

// The one positional IN-… id of show, approve and reject.
int InstructionId(Context& ctx, const Options& o, const std::string& command, std::string* id) {
  if (o.positional().size() != 1) return ctx.Usage(kCliUsageOneArgument, {{"command", "approvals " + command}, {"what", "INSTRUCTION_ID (IN-…)"}});
  *id = o.positional()[0];
  return 0;
}

int Show(Context& ctx, const Options& o) {
  v1::GetInstructionRequest req;
  if (int rc = InstructionId(ctx, o, "show", req.mutable_instruction_id()); rc != 0) return rc;
  v1::Instruction in;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::ApprovalService::Stub::GetInstruction, req, &in); rc != 0) return rc;
  PrintInstruction(ctx, in);
  return 0;
}

int Approve(Context& ctx, const Options& o) {
  v1::ApproveInstructionRequest req;
  if (int rc = InstructionId(ctx, o, "approve", req.mutable_instruction_id()); rc != 0) return rc;
  req.set_request_id(o.Get("request_id"));
  v1::Instruction in;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::ApprovalService::Stub::ApproveInstruction, req, &in); rc != 0) return rc;
  PrintInstruction(ctx, in);
  return 0;
}

int Reject(Context& ctx, const Options& o) {
  v1::RejectInstructionRequest req;
  if (int rc = InstructionId(ctx, o, "reject", req.mutable_instruction_id()); rc != 0) return rc;
  req.set_request_id(o.Get("request_id"));
  req.set_reason(o.Get("reason"));
  v1::Instruction in;
  auto stub = Stub(ctx);
  if (int rc = Invoke(ctx, *stub, &v1::ApprovalService::Stub::RejectInstruction, req, &in); rc != 0) return rc;
  PrintInstruction(ctx, in);
  return 0;
}

}  // namespace

void RegisterApprovalCommands(Registry& r) {
  r.Add({{"approvals", "list"},
         "money movements held for a second officer (双人复核), newest first, with the pending totals",
         "Under dual control a movement made by a person (fund allocate/pay/adjust/reverse, edu allocate --fund,\n"
         "loan review --approve, reward disburse) waits as an instruction in PENDING_APPROVAL: its amount is\n"
         "reserved, not yet allocated or paid, until another finance officer approves or rejects it.",
         {{"state", EnumChoices(v1::Instruction::State_descriptor()) + " (default: every state)"},
          {"fund", "only this fund's"},
          {"maker", "only this caller's"}},
         List});
  r.Add({{"approvals", "show"}, "show one instruction", "Usage: subsidyctl approvals show IN-00000003", {}, Show});
  r.Add({{"approvals", "approve"},
         "approve and post a pending instruction (finance; not its own maker)",
         "Usage: subsidyctl approvals approve IN-00000003 --request_id=ID\n"
         "The maker may not approve their own (PERMISSION_DENIED, SAME_CALLER); a decided instruction is\n"
         "INSTRUCTION_ALREADY_DECIDED; one whose posting would now move another amount than it asked for is\n"
         "INSTRUCTION_AMOUNT_CHANGED, and one that would pay the same to others is INSTRUCTION_MOVEMENT_CHANGED\n"
         "(nothing is posted: reject it and ask again).",
         {{"request_id", "a unique id for this decision (a retry reuses it)", true}},
         Approve});
  r.Add({{"approvals", "reject"},
         "reject a pending instruction (finance): its reservation is released, nothing moves",
         "Usage: subsidyctl approvals reject IN-00000003 --request_id=ID --reason=TEXT",
         {{"request_id", "a unique id for this decision (a retry reuses it)", true}, {"reason", "why", true}},
         Reject});
}

}  // namespace subsidy::cli
