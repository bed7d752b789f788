// subsidyctl's dual control (双人复核): the approvals commands, and the one way every money
// movement says that its answer is held for a second officer.
#pragma once

#include <string>

#include "cli.h"
#include "subsidy/v1/approval.pb.h"

namespace subsidy::cli {

// After a money movement (fund allocate/pay/adjust/reverse, edu allocate --fund, loan review
// --approve, reward disburse): when `state` is PENDING_APPROVAL nothing has moved yet, so this
// prints
//   PENDING_APPROVAL instruction IN-00000003: waiting for a second finance officer (待复核)
//     <what> reserved, not yet posted
//     follow it: subsidyctl approvals show IN-00000003
// and returns true (the command prints nothing else and exits 0: the call succeeded). Otherwise
// prints nothing and returns false. Not for --json, where the answer is printed as it is.
bool PrintHeld(Context& ctx, const std::string& instruction_id, v1::Instruction::State state, const std::string& what);

}  // namespace subsidy::cli
