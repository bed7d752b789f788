// What the ledgers of one write transaction share (ledger.cc makes one per transaction; each
// ledger's Tx holds a reference): the session, the dialect's row-lock clause, the clock, and dual
// control's state, which the instruction ledger sets and the fund ledger's postings read.
// Internal to storage.
#pragma once

#include <string>
#include <vector>

#include "storage/dialect.h"
#include "storage/rows.h"
#include "storage/sql_session.h"
#include "time/clock.h"

namespace subsidy::storage {

struct TxContext {
  SqlSession& session;
  const Dialect& dialect;
  const Clock& clock;
  Captured* captured = nullptr;  // a trial's or an approval's postings (InstructionTx::BeginTrial, CaptureEntries)
  std::string checker;                         // the approver of what is posted now (SetChecker)
};

}  // namespace subsidy::storage
