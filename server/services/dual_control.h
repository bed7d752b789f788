// Dual control (双人复核): a movement of money made by a person waits as an instruction until a
// second finance officer posts it (ApprovalService). The RPCs that move money say so in their
// proto (option (access).money_movement); the movement's own handler runs unchanged: first as a
// trial that is undone (which tells what it would post: that is reserved, so nothing can
// over-commit it), and again, on approval, inside the approver's transaction.
#pragma once

#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "services/service_context.h"
#include "storage/storage.h"
#include "subsidy/v1/approval.pb.h"

namespace subsidy::service {

// A second instruction on a subject that has one pending (a claim, an entry, a day's run).
inline constexpr char kInstructionPending[] = "INSTRUCTION_PENDING";

// Whether the RPC ("subsidy.v1.FundService/AllocateFund") is declared a money movement.
bool IsMoneyMovement(absl::string_view full_method);
// Whether this server holds movements for a second officer (callers configured).
inline bool HoldsForApproval(const ServiceContext& ctx) { return ctx.dual_control_threshold_fen >= 0; }

// What a trial of a movement showed: what to reserve, how much, whose.
struct Movement {
  std::vector<storage::Reservation> reservations;
  Money amount;
  std::string fund_id;
  std::string recipient_id;
  std::string subject_id;  // one pending instruction per subject: a claim, an entry, a day's run
  std::string summary;     // zh-CN, for the approver
  std::string moved;       // a digest of what it moved (every entry and payout): posting must match it
};
// The subject a movement's request acts on ("claim:CL-…", "entry:FA-…", "run:2026-03-02"), "" for none.
std::string SubjectOf(absl::string_view full_method, const google::protobuf::Message& request);
// A held movement's answer: what its request said (its same-named fields), marked pending.
void EchoRequest(const google::protobuf::Message& request, google::protobuf::Message* response);
// And what its trial would pay now, where the answer has room to say it: a held run's due_count and
// due_fen are its trial's paid_count and paid_fen.
void EchoDue(const google::protobuf::Message& trial, google::protobuf::Message* response);
// What a movement ("AllocateFund") is called, for the approver: its record text MOVEMENT_<RPC in
// UPPER_SNAKE> in zh-CN, else the catalogue's MOVEMENT.
std::string MovementLabel(const MessageCatalogue& messages, absl::string_view rpc);
// The summary's words come from `messages` (record_texts), in zh-CN.
Movement Describe(const MessageCatalogue& messages, absl::string_view full_method,
                  const google::protobuf::Message& request, const google::protobuf::Message& trial_response,
                  const storage::Captured& captured);

// After a trial: below the threshold or moving nothing, "" (post it at once); else reserves what the trial moved,
// records the instruction and its audit line, and returns its id.
absl::StatusOr<std::string> Hold(storage::LedgerTx& tx, const ServiceContext& ctx, const MessageCatalogue& messages,
                                 absl::string_view full_method,
                                 const std::string& maker, const std::string& request_id,
                                 const google::protobuf::Message& request, const google::protobuf::Message& trial,
                                 const storage::Captured& captured);

// Sets a movement's response fields instruction_id and approval_state (every movement's response
// has them).
void MarkApproval(google::protobuf::Message* response, const std::string& instruction_id,
                  v1::Instruction::State state);

// The result a posted movement made: its allocation, payment, entry, claim or run id.
std::string ResultIdOf(const google::protobuf::Message& response);

}  // namespace subsidy::service
