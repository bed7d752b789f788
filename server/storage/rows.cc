#include "storage/rows.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace subsidy::storage {
namespace {

template <class Enum, size_t N>
std::optional<Enum> EnumFromName(absl::string_view name, const Enum (&values)[N], const char* (*name_of)(Enum)) {
  for (Enum v : values) {
    if (name == name_of(v)) return v;
  }
  return std::nullopt;
}

}  // namespace

// "PREFIX00000012" ⇄ 12 for ids derived from a database sequence.
std::optional<int64_t> SeqFromId(const std::string& id, absl::string_view prefix, std::string (*id_for)(int64_t)) {
  if (id.size() <= prefix.size() || id.size() > prefix.size() + 19 || !absl::StartsWith(id, prefix)) return std::nullopt;
  int64_t seq = 0;
  for (size_t i = prefix.size(); i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    seq = seq * 10 + (id[i] - '0');
  }
  if (seq <= 0 || id_for(seq) != id) return std::nullopt;
  return seq;
}


const char* PayoutStatusName(PayoutStatus s) {
  switch (s) {
    case PayoutStatus::kScheduled: return "SCHEDULED";
    case PayoutStatus::kRejected: return "REJECTED";
    case PayoutStatus::kDisbursed: return "DISBURSED";
    case PayoutStatus::kCancelled: return "CANCELLED";
  }
  return "REJECTED";
}

std::optional<PayoutStatus> PayoutStatusFromName(absl::string_view name) {
  static constexpr PayoutStatus kAll[] = {PayoutStatus::kScheduled, PayoutStatus::kRejected, PayoutStatus::kDisbursed,
                                          PayoutStatus::kCancelled};
  return EnumFromName(name, kAll, &PayoutStatusName);
}

std::string PayoutIdFor(int64_t seq) { return absl::StrFormat("PO-%08d", seq); }

std::optional<int64_t> PayoutSeqFrom(const std::string& payout_id) { return SeqFromId(payout_id, "PO-", &PayoutIdFor); }

std::string ClaimIdFor(int64_t seq) { return absl::StrFormat("CL-%08d", seq); }
std::optional<int64_t> ClaimSeqFrom(const std::string& claim_id) { return SeqFromId(claim_id, "CL-", &ClaimIdFor); }

const char* ClaimStatusName(ClaimStatus s) {
  switch (s) {
    case ClaimStatus::kUploading: return "UPLOADING";
    case ClaimStatus::kSubmitted: return "SUBMITTED";
    case ClaimStatus::kPaid: return "PAID";
    case ClaimStatus::kRejected: return "REJECTED";
  }
  return "UPLOADING";
}

std::optional<ClaimStatus> ClaimStatusFromName(absl::string_view name) {
  static constexpr ClaimStatus kAll[] = {ClaimStatus::kUploading, ClaimStatus::kSubmitted, ClaimStatus::kPaid,
                                         ClaimStatus::kRejected};
  return EnumFromName(name, kAll, &ClaimStatusName);
}

const char* ClaimLineStatusName(ClaimLineStatus s) {
  switch (s) {
    case ClaimLineStatus::kAccepted: return "ACCEPTED";
    case ClaimLineStatus::kInvalid: return "INVALID";
    case ClaimLineStatus::kDuplicate: return "DUPLICATE";
  }
  return "INVALID";
}

std::optional<ClaimLineStatus> ClaimLineStatusFromName(absl::string_view name) {
  static constexpr ClaimLineStatus kAll[] = {ClaimLineStatus::kAccepted, ClaimLineStatus::kInvalid,
                                             ClaimLineStatus::kDuplicate};
  return EnumFromName(name, kAll, &ClaimLineStatusName);
}

const char* FundEntryKindName(FundEntryKind k) {
  switch (k) {
    case FundEntryKind::kBudget: return "BUDGET";
    case FundEntryKind::kAdjustment: return "ADJUSTMENT";
    case FundEntryKind::kAllocation: return "ALLOCATION";
    case FundEntryKind::kPayment: return "PAYMENT";
    case FundEntryKind::kReversal: return "REVERSAL";
  }
  return "BUDGET";
}

std::string FundEntryIdFor(FundEntryKind kind, int64_t id) {
  const char* prefix = "FB-";
  switch (kind) {
    case FundEntryKind::kBudget:
    case FundEntryKind::kAdjustment: prefix = "FB-"; break;
    case FundEntryKind::kAllocation: prefix = "FA-"; break;
    case FundEntryKind::kPayment: prefix = "FP-"; break;
    case FundEntryKind::kReversal: prefix = "FR-"; break;
  }
  return absl::StrFormat("%s%08d", prefix, id);
}

std::optional<int64_t> FundEntrySeqFrom(const std::string& entry_id) {
  // Every prefix numbers the one sequence of fund_entries.
  if (entry_id.size() != 11 || entry_id[2] != '-') return std::nullopt;
  const std::string prefix = entry_id.substr(0, 3);
  if (prefix != "FB-" && prefix != "FA-" && prefix != "FP-" && prefix != "FR-") return std::nullopt;
  int64_t seq = 0;
  if (!absl::SimpleAtoi(entry_id.substr(3), &seq) || seq <= 0) return std::nullopt;
  return seq;
}

const char* InstructionStateName(InstructionState s) {
  switch (s) {
    case InstructionState::kPending: return "PENDING_APPROVAL";
    case InstructionState::kPosted: return "POSTED";
    case InstructionState::kRejected: return "REJECTED";
  }
  return "PENDING_APPROVAL";
}

std::optional<InstructionState> InstructionStateFromName(absl::string_view name) {
  for (InstructionState s : {InstructionState::kPending, InstructionState::kPosted, InstructionState::kRejected}) {
    if (name == InstructionStateName(s)) return s;
  }
  return std::nullopt;
}

std::string InstructionIdFor(int64_t seq) { return absl::StrFormat("IN-%08d", seq); }

std::optional<int64_t> InstructionSeqFrom(const std::string& instruction_id) {
  int64_t seq = 0;
  if (instruction_id.size() != 11 || instruction_id.substr(0, 3) != "IN-" ||
      !absl::SimpleAtoi(instruction_id.substr(3), &seq) || seq <= 0) {
    return std::nullopt;
  }
  return seq;
}

}  // namespace subsidy::storage
