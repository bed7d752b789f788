// ApprovalService: the second pair of eyes (双人复核). Approving posts a pending instruction by
// running its movement's own handler on the maker's stored request, as the maker, inside the
// approver's transaction (services/dual_control.h); rejecting releases what it reserved. Both
// decide an instruction once: the database refuses a second decision.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status_util.h"
#include "ids/canonical.h"
#include "services/common.h"
#include "services/dual_control.h"
#include "services/services.h"

namespace subsidy::service {
namespace {

void ToProto(const storage::InstructionRow& r, v1::Instruction* out) {
  out->set_instruction_id(storage::InstructionIdFor(r.seq));
  out->set_rpc(r.rpc);
  out->set_summary(r.summary);
  out->set_fund_id(r.fund_id);
  out->set_amount_fen(r.amount.fen());
  out->set_maker(r.maker);
  out->set_created_at(r.created_at);
  v1::Instruction::State state;
  if (v1::Instruction::State_Parse(storage::InstructionStateName(r.state), &state)) out->set_state(state);
  out->set_checker(r.checker);
  out->set_decided_at(r.decided_at);
  out->set_reason(r.reason);
  out->set_result_id(r.result_id);
  out->set_request_id(r.request_id);
  out->set_recipient_id(r.recipient_id);
  out->set_subject_id(r.subject_id);
}

absl::StatusOr<int64_t> SeqOf(const std::string& instruction_id) {
  if (instruction_id.empty()) return RequiredField("instruction_id");
  auto seq = storage::InstructionSeqFrom(instruction_id);
  if (!seq) return absl::NotFoundError(absl::StrCat("no instruction ", instruction_id));
  return *seq;
}

const UnaryRoute* RouteOf(const std::string& rpc) {
  for (const UnaryRoute* r : UnaryRoutes()) {
    if (r->method.short_name() == rpc && IsMoneyMovement(r->method.full_name)) return r;
  }
  return nullptr;
}

// The pending instruction, locked; else why not.
absl::StatusOr<storage::InstructionRow> PendingForUpdate(storage::InstructionTx& tx, int64_t seq,
                                                         const std::string& id) {
  auto row = tx.InstructionForUpdate(seq);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(absl::StrCat("no instruction ", id));
  if ((*row)->state != storage::InstructionState::kPending) {
    return FailedPrecondition(storage::kInstructionAlreadyDecided,
                              absl::StrCat("指令 ", id, " 已", (*row)->state == storage::InstructionState::kPosted
                                                                   ? "复核入账"
                                                                   : "退回",
                                           " (instruction ", id, " is already ",
                                           storage::InstructionStateName((*row)->state), ")"));
  }
  return std::move(**row);
}

// The instruction as its decision left it (its checker, decided_at, result), for the answer.
absl::StatusOr<v1::Instruction> Decided(storage::InstructionTx& tx, int64_t seq) {
  auto decided = tx.InstructionForUpdate(seq);
  if (!decided.ok()) return decided.status();
  if (!decided->has_value()) return absl::InternalError("a decided instruction is gone");
  v1::Instruction i;
  ToProto(**decided, &i);
  return i;
}

absl::Status ReleaseReservations(storage::InstructionTx& tx, const storage::InstructionRow& row) {
  for (const auto& r : row.reservations) {
    if (auto s = tx.Reserve(r, -1); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// What an approval locks before its transaction: the instruction and what its movement decides on.
absl::StatusOr<std::vector<std::string>> LocksFor(Call& call, int64_t seq, const std::string& id) {
  auto row = call.storage().instructions().GetInstruction(seq);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(absl::StrCat("no instruction ", id));
  std::vector<std::string> locks = {"instruction:" + id};
  if (!(*row)->fund_id.empty()) locks.push_back("fund:" + (*row)->fund_id);
  return locks;
}

namespace handlers {

absl::Status ListInstructions(Call& call, const v1::ListInstructionsRequest& req, v1::ListInstructionsResponse* out) {
  auto page = ParsePage(req.page_size(), req.page_token());
  if (!page.ok()) return page.status();
  storage::InstructionFilter f;
  if (req.state() != v1::Instruction::STATE_UNSPECIFIED) {
    auto state = storage::InstructionStateFromName(v1::Instruction::State_Name(req.state()));
    if (!state) return InvalidField("state", "PENDING_APPROVAL, POSTED or REJECTED");
    f.state = *state;
  }
  f.fund_id = req.fund_id();
  f.maker = req.maker();
  f.before_seq = page->after;
  f.limit = page->limit;
  auto rows = call.storage().instructions().ListInstructions(f);
  if (!rows.ok()) return rows.status();
  const bool more = TrimPage(*page, &*rows);
  for (const auto& r : *rows) ToProto(r, out->add_instructions());
  if (more) out->set_next_page_token(EncodePageToken(rows->back().seq));
  auto pending = call.storage().instructions().PendingInstructions(req.fund_id(), req.maker());
  if (!pending.ok()) return pending.status();
  out->set_pending_count(pending->count);
  out->set_pending_amount_fen(pending->amount.fen());
  return absl::OkStatus();
}

absl::Status GetInstruction(Call& call, const v1::GetInstructionRequest& req, v1::Instruction* out) {
  auto seq = SeqOf(req.instruction_id());
  if (!seq.ok()) return seq.status();
  auto row = call.storage().instructions().GetInstruction(*seq);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(absl::StrCat("no instruction ", req.instruction_id()));
  ToProto(**row, out);
  return absl::OkStatus();
}

// A movement's request or response message, parsed from what was stored.
std::unique_ptr<google::protobuf::Message> Parsed(const UnaryRoute& route, bool response, const std::string& bytes) {
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrReplaceAll(route.method.full_name, {{"/", "."}}));
  if (method == nullptr) return nullptr;
  std::unique_ptr<google::protobuf::Message> msg(google::protobuf::MessageFactory::generated_factory()
                                                     ->GetPrototype(response ? method->output_type() : method->input_type())
                                                     ->New());
  if (!msg->ParseFromString(bytes)) return nullptr;
  return msg;
}

// What a posting moved must be what was approved (and reserved): else nothing is posted. (A
// reversal's unpaid part or a run's due payouts may have changed since the maker asked.)
absl::Status PostedAsApproved(const MessageCatalogue& messages, const UnaryRoute& route,
                              const storage::InstructionRow& row, const google::protobuf::Message& posted,
                              const storage::Captured& captured) {
  auto request = Parsed(route, false, row.request);
  if (request == nullptr) return absl::InternalError("an instruction's request does not parse");
  const Movement movement = Describe(messages, route.method.full_name, *request, posted, captured);
  const Money moved = movement.amount;
  if (moved == row.amount) {
    // The same amount, but to other payees, payouts or funds (a run whose due payouts were swapped
    // for others of equal sum): not what was approved either.
    if (row.moved.empty() || movement.moved == row.moved) return absl::OkStatus();
    return WithParams(FailedPrecondition(storage::kInstructionMovementChanged,
                                         absl::StrCat("指令 ", row.amount.ToYuanString(),
                                                      " 元现在入账的对象或明细与复核时不同 (posting it now would move the "
                                                      "same amount to other payees, payouts or funds than approved)")),
                      {{"approved_yuan", row.amount.ToYuanString()}});
  }
  return WithParams(FailedPrecondition(storage::kInstructionAmountChanged,
                                       absl::StrCat("指令金额 ", row.amount.ToYuanString(), " 元，现在入账将为 ",
                                                    moved.ToYuanString(), " 元 (the instruction asked for ",
                                                    row.amount.ToYuanString(), " yuan; posting it now would move ",
                                                    moved.ToYuanString(), " yuan)")),
                    {{"approved_yuan", row.amount.ToYuanString()}, {"posting_yuan", moved.ToYuanString()}});
}

// A decision on an instruction: its id parsed, its subject locked, and `decide` run in the
// transaction on the instruction, pending and locked, with its reservations released.
using Decision = std::function<absl::StatusOr<v1::Instruction>(storage::LedgerTx&, int64_t seq,
                                                               const storage::InstructionRow&)>;
template <class Request>
absl::Status Decide(Call& call, const Request& req, v1::Instruction* out, const Decision& decide) {
  auto seq = SeqOf(req.instruction_id());
  if (!seq.ok()) return seq.status();
  auto locks = LocksFor(call, *seq, req.instruction_id());
  if (!locks.ok()) return locks.status();
  return call.Mutate(
      req, std::move(*locks),
      [&](storage::LedgerTx& tx) -> absl::StatusOr<v1::Instruction> {
        auto row = PendingForUpdate(tx.instructions(), *seq, req.instruction_id());
        if (!row.ok()) return row.status();
        if (auto s = ReleaseReservations(tx.instructions(), *row); !s.ok()) return s;
        return decide(tx, *seq, *row);
      },
      out);
}

// A refused approval (the maker's own, another amount or movement by now, a limit the posting
// meets) is a line of the audit trail too, in a transaction of its own (the refused one rolled
// back): an auditor sees who tried to post what, and why it was refused. The same caller's request
// on the same instruction refused again for the same reason is one line. A failure to record is
// logged, not the caller's.
void AuditRefusal(Call& call, const v1::ApproveInstructionRequest& req, const absl::Status& refused) {
  const std::string reason = ReasonOf(refused).value_or(absl::StatusCodeToString(refused.code()));
  if ((refused.code() != absl::StatusCode::kPermissionDenied &&
       refused.code() != absl::StatusCode::kFailedPrecondition) ||
      reason == storage::kInstructionAlreadyDecided) {
    return;  // not a refusal of this approval: bad input, an unknown id, decided already, or transient
  }
  storage::IdempotencyKey key;
  // Apart from every client's request_id, which is printable ASCII without spaces.
  key.request_id = absl::StrCat("拒绝复核 ", call.caller(), " ", req.instruction_id(), " ", req.request_id(), " ", reason);
  key.method = "ApproveInstructionRefused";
  key.payload = key.request_id;
  key.deadline = call.deadline();
  RecordApart(
      call, key,
      [&](storage::LedgerTx& tx) {
        return call.Audit(tx.audit(), req.request_id(), req.instruction_id(), absl::StrCat("REFUSED:", reason),
                          std::string(refused.message()));
      },
      "refused_approval_not_audited", {{"instruction_id", req.instruction_id()}, {"request_id", req.request_id()}});
}

absl::Status ApproveOrRefuse(Call& call, const v1::ApproveInstructionRequest& req, v1::Instruction* out) {
  return Decide(call, req, out, [&](storage::LedgerTx& tx, int64_t seq, const storage::InstructionRow& row)
                                    -> absl::StatusOr<v1::Instruction> {
    if (IdKey(row.maker) == IdKey(call.caller())) {  // the same officer, however spelt
      return WithReason(absl::PermissionDeniedError(absl::StrCat(
                            "制单人不能复核自己的指令 (the maker ", row.maker, " may not approve their own instruction)")),
                        storage::kSameCaller);
    }
    const UnaryRoute* route = RouteOf(row.rpc);
    if (route == nullptr) return absl::InternalError(absl::StrCat("no movement ", row.rpc, " to post"));
    // Posted as the maker asked, within the limits as they stand now; the checker is recorded on
    // every entry it posts.
    tx.instructions().SetChecker(call.caller());
    storage::Captured captured;
    tx.instructions().CaptureEntries(&captured);
    auto maker = std::make_shared<const auth::Caller>(auth::Caller{row.maker, {auth::Role::kFinance}, {}, {}});
    auto posted = route->post_approved(call.context(), route->method, tx, std::move(maker), row.request,
                                       req.instruction_id());
    tx.instructions().CaptureEntries(nullptr);
    tx.instructions().SetChecker("");
    if (!posted.ok()) return posted.status();
    auto made = Parsed(*route, true, *posted);  // parsed once: checked, then its result id kept
    if (made == nullptr) return absl::InternalError("a posted movement does not parse");
    if (auto s = PostedAsApproved(call.data().messages(), *route, row, *made, captured); !s.ok()) return s;
    if (auto s = tx.instructions().DecideInstruction(seq, storage::InstructionState::kPosted, call.caller(), "",
                                                     ResultIdOf(*made));
        !s.ok()) {
      return s;
    }
    if (auto s = call.Audit(tx.audit(), req.request_id(), req.instruction_id(), "POSTED",
                            absl::StrCat(row.summary, "；制单 ", row.maker, "，复核 ", call.caller()));
        !s.ok()) {
      return s;
    }
    return Decided(tx.instructions(), seq);
  });
}

absl::Status ApproveInstruction(Call& call, const v1::ApproveInstructionRequest& req, v1::Instruction* out) {
  absl::Status done = ApproveOrRefuse(call, req, out);
  if (!done.ok()) AuditRefusal(call, req, done);
  return done;
}

absl::Status RejectInstruction(Call& call, const v1::RejectInstructionRequest& req, v1::Instruction* out) {
  if (req.reason().empty()) return InvalidField("reason", "a rejection says why");
  if (req.reason().size() > 1000) return InvalidField("reason", "at most 1000 bytes");
  return Decide(call, req, out, [&](storage::LedgerTx& tx, int64_t seq, const storage::InstructionRow& row)
                                    -> absl::StatusOr<v1::Instruction> {
    if (auto s = tx.instructions().DecideInstruction(seq, storage::InstructionState::kRejected, call.caller(),
                                                     req.reason(), "");
        !s.ok()) {
      return s;
    }
    if (auto s = call.Audit(tx.audit(), req.request_id(), req.instruction_id(), "REJECTED",
                            absl::StrCat(row.summary, "；", req.reason()));
        !s.ok()) {
      return s;
    }
    return Decided(tx.instructions(), seq);
  });
}

}  // namespace handlers
}  // namespace

#define SUBSIDY_APPROVAL_RPC(Rpc, runs) \
  SUBSIDY_UNARY_RPC(ApprovalServiceImpl, Rpc, runs)
SUBSIDY_APPROVAL_RPC(ListInstructions, Runs::kInline)
SUBSIDY_APPROVAL_RPC(GetInstruction, Runs::kInline)
SUBSIDY_APPROVAL_RPC(ApproveInstruction, Runs::kMutation)
SUBSIDY_APPROVAL_RPC(RejectInstruction, Runs::kMutation)
#undef SUBSIDY_APPROVAL_RPC

}  // namespace subsidy::service
