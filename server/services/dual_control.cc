#include "services/dual_control.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "auth/authorizer.h"
#include "common/status_util.h"
#include "funds/limits.h"
#include "funds/payments.h"

namespace subsidy::service {
namespace {

using google::protobuf::FieldDescriptor;

std::string StringField(const google::protobuf::Message& m, absl::string_view name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(std::string(name));
  if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING || f->is_repeated()) return "";
  return m.GetReflection()->GetString(m, f);
}

int64_t Int64Field(const google::protobuf::Message& m, absl::string_view name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(std::string(name));
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_INT64 || f->is_repeated()) return 0;
  return m.GetReflection()->GetInt64(m, f);
}

// The name of an enum field's value, "" when the message has no such field.
std::string EnumName(const google::protobuf::Message& m, absl::string_view name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(std::string(name));
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM || f->is_repeated()) return "";
  return m.GetReflection()->GetEnum(m, f)->name();
}

// "AllocateFund" → "ALLOCATE_FUND": an RPC's name as a catalogue code.
std::string UpperSnake(absl::string_view rpc) {
  std::string out;
  for (char c : rpc) {
    if (c >= 'A' && c <= 'Z' && !out.empty()) out += '_';
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return out;
}

// The approver's words (data/messages.textproto, record_texts), in zh-CN: the summary is written
// once, when the movement is held.
std::string Words(const MessageCatalogue& messages, absl::string_view code, const StatusParams& params = {}) {
  return messages.Render(MessageKind::kRecordText, code, Language::kZhCn, params).value_or(std::string(code));
}

// Where the money goes, for the approver, when the movement names a payee (a fund payment, a
// claim's approval, a reissue to a corrected account): the account first, masked as payment lines
// show it (the request's own, else the answer's, already masked), then the bank and the payee's
// name in quotes ("；收款账号 ****3445（中国工商银行），收款人「张三」"). Payee fields hold no control
// or direction characters (ValidatePayeeText), so a name cannot pass for an account.
std::string PayeeOf(const MessageCatalogue& messages, const google::protobuf::Message& request,
                    const google::protobuf::Message& trial) {
  auto first = [&](std::initializer_list<const char*> fields) {
    for (const google::protobuf::Message* m : {&request, &trial}) {
      for (const char* f : fields) {
        if (std::string v = StringField(*m, f); !v.empty()) return v;
      }
    }
    return std::string();
  };
  const std::string name = first({"payee_name", "payee"}), account = first({"payee_account"}),
                    bank = first({"payee_bank"});
  if (name.empty() && account.empty()) return "";
  StatusParams params;
  if (!account.empty()) params["account"] = funds::MaskAccount(account);
  if (!account.empty() && !bank.empty()) params["bank"] = bank;
  if (!name.empty()) params["name"] = name;
  return Words(messages, "MOVEMENT_PAYEE", params);
}

}  // namespace

std::string MovementLabel(const MessageCatalogue& messages, absl::string_view rpc) {
  const std::string code = "MOVEMENT_" + UpperSnake(rpc);
  return Words(messages, messages.Has(MessageKind::kRecordText, code) ? code : "MOVEMENT");
}

namespace {

std::string ShortName(absl::string_view full_method) {
  return std::string(full_method.substr(full_method.rfind('/') + 1));
}

}  // namespace

bool IsMoneyMovement(absl::string_view full_method) {
  const auth::MethodAccess* access = auth::AccessOf(full_method);
  return access != nullptr && access->money_movement;
}

namespace {

// What a posting moved, as a digest: how much of each kind of entry went from each fund to each
// recipient on each date (and what it reverses), summed (how a payment splits over a recipient's
// allocations is the fund's own affair), and each payout it paid. New entries' ids are left out:
// a trial's and a posting's differ.
std::string MovedDigest(const storage::Captured& c) {
  std::map<std::string, int64_t> sums;
  for (const auto& e : c.entries) {
    // A run is its payouts: which funds pay them (oldest allocation first) may shift while it waits,
    // within what each fund's reservation allows, without changing whom it pays or how much.
    if (!c.payouts.empty() && e.kind == storage::FundEntryKind::kPayment) continue;
    sums[absl::StrCat("E|", static_cast<int>(e.kind), "|", e.fund_id, "|", e.recipient_id, "|", e.date.ToString(), "|",
                      e.reverses)] += e.amount.fen();
  }
  std::vector<std::string> parts;
  for (const auto& [key, fen] : sums) parts.push_back(absl::StrCat(key, "|", fen));
  std::vector<int64_t> payouts = c.payouts;
  std::sort(payouts.begin(), payouts.end());
  for (int64_t p : payouts) parts.push_back(absl::StrCat("P|", p));
  return auth::Sha256Hex(absl::StrJoin(parts, "\n"));
}

}  // namespace

Movement Describe(const MessageCatalogue& messages, absl::string_view full_method,
                  const google::protobuf::Message& request, const google::protobuf::Message& trial,
                  const storage::Captured& captured) {
  using storage::FundEntryKind;
  using storage::Reservation;
  Movement m;
  int64_t fen = 0;
  for (const auto& e : captured.entries) {
    fen += e.amount.fen() < 0 ? -e.amount.fen() : e.amount.fen();
    if (m.fund_id.empty()) m.fund_id = e.fund_id;
    if (m.recipient_id.empty()) m.recipient_id = e.recipient_id;
    switch (e.kind) {
      case FundEntryKind::kAllocation:
        m.reservations.push_back({Reservation::Kind::kAllocation, e.fund_id, "", e.amount});
        break;
      case FundEntryKind::kPayment:
        m.reservations.push_back({Reservation::Kind::kPayment, e.fund_id, e.recipient_id, e.amount});
        break;
      case FundEntryKind::kAdjustment:
        if (e.amount.fen() < 0) {
          m.reservations.push_back({Reservation::Kind::kBudgetCut, e.fund_id, "", Money::Fen(-e.amount.fen())});
        }
        break;
      case FundEntryKind::kReversal:
        // Undoing an allocation holds its unpaid part (nothing pays it meanwhile); taking a budget
        // rise back holds it as a cut; a payment's reversal only gives money back.
        if (e.reverses_kind == FundEntryKind::kAllocation) {
          m.reservations.push_back({Reservation::Kind::kPayment, e.fund_id, e.recipient_id, e.amount});
        } else if ((e.reverses_kind == FundEntryKind::kAdjustment || e.reverses_kind == FundEntryKind::kBudget) &&
                   e.reverses_budget_sign < 0) {
          m.reservations.push_back({Reservation::Kind::kBudgetCut, e.fund_id, "", e.amount});
        }
        break;
      case FundEntryKind::kBudget: break;
    }
  }
  // What a run or a claim says it paid, from funds or not (a run pays a policy that has no fund
  // from its data budget, beside those paid from funds): the movement is never less than that. (Only
  // theirs: a fund's or an entry's paid_fen is the fund's running figure.) A claim rejected pays
  // nothing (it is no movement: never held).
  const std::string& type = trial.GetDescriptor()->full_name();
  if (type == "subsidy.v1.RunDisbursementResponse") fen = std::max(fen, Int64Field(trial, "paid_fen"));
  if (type == "subsidy.v1.LoanSubsidyClaim" && EnumName(trial, "status") != "REJECTED") {
    fen = std::max(fen, Int64Field(trial, "total_subsidy_fen"));
  }
  if (fen == 0) fen = Int64Field(trial, "amount_fen");  // a payment line returned: its amount
  if (fen == 0) fen = Int64Field(request, "amount_fen");  // a school's allocation without a fund
  m.amount = Money::Fen(fen);
  m.moved = MovedDigest(captured);
  const std::string rpc = ShortName(full_method);
  if (m.fund_id.empty()) m.fund_id = StringField(request, "fund_id");
  // Whom the money goes to, for the approver, also when no fund entry says it.
  for (const char* field : {"recipient_id", "school_id", "bank_id"}) {
    if (m.recipient_id.empty()) m.recipient_id = StringField(request, field);
  }
  m.subject_id = SubjectOf(full_method, request);
  // A budget adjustment shows its sign: a cut and a rise are not the same decision.
  const int64_t delta = Int64Field(request, "delta_fen");
  const std::string amount = delta != 0 ? absl::StrCat(delta > 0 ? "+" : "−", m.amount.ToYuanString())
                                        : m.amount.ToYuanString();
  StatusParams words = {{"movement", MovementLabel(messages, rpc)},
                        {"amount_yuan", amount},
                        {"payee", PayeeOf(messages, request, trial)}};
  if (!m.fund_id.empty()) words["fund_id"] = m.fund_id;
  if (!m.recipient_id.empty()) words["recipient_id"] = m.recipient_id;
  m.summary = Words(messages, "MOVEMENT_SUMMARY", words);
  return m;
}

std::string SubjectOf(absl::string_view full_method, const google::protobuf::Message& request) {
  const std::string rpc = ShortName(full_method);
  if (rpc == "ReviewLoanSubsidyClaim") return "claim:" + StringField(request, "claim_id");
  if (rpc == "ReverseFundEntry") return "entry:" + StringField(request, "entry_id");
  if (rpc == "RunDisbursement") return "run:" + StringField(request, "payment_date");
  if (rpc == "ReissuePayment" || rpc == "ReturnPayment") return "payment:" + StringField(request, "payment_id");
  return "";
}

void EchoDue(const google::protobuf::Message& trial, google::protobuf::Message* response) {
  for (const auto& [due, paid] : {std::pair{"due_count", "paid_count"}, std::pair{"due_fen", "paid_fen"}}) {
    const FieldDescriptor* to = response->GetDescriptor()->FindFieldByName(due);
    const FieldDescriptor* from = trial.GetDescriptor()->FindFieldByName(paid);
    if (to == nullptr || from == nullptr || to->is_repeated() || from->is_repeated()) continue;
    if (to->cpp_type() != FieldDescriptor::CPPTYPE_INT64 || from->cpp_type() != FieldDescriptor::CPPTYPE_INT64) continue;
    response->GetReflection()->SetInt64(response, to, trial.GetReflection()->GetInt64(trial, from));
  }
}

void EchoRequest(const google::protobuf::Message& request, google::protobuf::Message* response) {
  const auto* in = request.GetDescriptor();
  const auto* out = response->GetDescriptor();
  for (int i = 0; i < in->field_count(); ++i) {
    const FieldDescriptor* from = in->field(i);
    const FieldDescriptor* to = out->FindFieldByName(from->name());
    if (to == nullptr || from->is_repeated() || to->is_repeated() || from->name() == "request_id") continue;
    if (from->cpp_type() != to->cpp_type()) continue;
    const auto* r = request.GetReflection();
    const auto* w = response->GetReflection();
    switch (from->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: w->SetString(response, to, r->GetString(request, from)); break;
      case FieldDescriptor::CPPTYPE_INT64: w->SetInt64(response, to, r->GetInt64(request, from)); break;
      case FieldDescriptor::CPPTYPE_INT32: w->SetInt32(response, to, r->GetInt32(request, from)); break;
      case FieldDescriptor::CPPTYPE_ENUM:
        if (from->enum_type() == to->enum_type()) w->SetEnumValue(response, to, r->GetEnumValue(request, from));
        break;
      default: break;
    }
  }
}

absl::StatusOr<std::string> Hold(storage::LedgerTx& tx, const ServiceContext& ctx, const MessageCatalogue& messages,
                                 absl::string_view full_method,
                                 const std::string& maker, const std::string& request_id,
                                 const google::protobuf::Message& request, const google::protobuf::Message& trial,
                                 const storage::Captured& captured) {
  Movement m = Describe(messages, full_method, request, trial, captured);
  // Nothing moved (a claim rejected, a run with nothing due), or under the threshold with what the
  // maker moved alone today (funds::PostsAlone): posted at once, and a movement counted.
  const Money threshold = Money::Fen(ctx.dual_control_threshold_fen);
  const Date today = ctx.clock->TodayInChina();
  Money alone;
  if (m.amount.fen() > 0 && threshold.fen() > 0) {  // (with no threshold every movement waits: no read)
    auto read = tx.instructions().UncheckedOn(maker, today);
    if (!read.ok()) return read.status();
    alone = *read;
  }
  if (funds::PostsAlone(m.amount, alone, threshold)) {
    if (m.amount.fen() <= 0) return std::string();
    if (auto s = tx.instructions().RecordUnchecked(maker, today, m.amount, ShortName(full_method), request_id);
        !s.ok()) {
      return s;
    }
    return std::string();
  }
  for (const auto& r : m.reservations) {
    if (auto s = tx.instructions().Reserve(r, +1); !s.ok()) return s;
  }
  storage::InstructionRow row;
  row.request_id = request_id;
  row.rpc = ShortName(full_method);
  row.request = request.SerializeAsString();
  row.summary = m.summary;
  row.fund_id = m.fund_id;
  row.recipient_id = m.recipient_id;
  row.subject_id = m.subject_id;
  row.amount = m.amount;
  row.moved = m.moved;
  row.reservations = std::move(m.reservations);
  row.maker = maker;
  auto seq = tx.instructions().InsertInstruction(row);
  if (!seq.ok()) {
    if (absl::IsAlreadyExists(seq.status()) && !row.subject_id.empty()) {
      return FailedPrecondition(kInstructionPending, absl::StrCat(row.subject_id, " 已有待复核的指令 (an instruction "
                                                                  "on it already waits for approval)"));
    }
    return seq.status();
  }
  const std::string id = storage::InstructionIdFor(*seq);
  if (auto s = tx.audit().Audit({maker, row.rpc, request_id, id, "PENDING_APPROVAL", row.summary}); !s.ok()) return s;
  return id;
}

void MarkApproval(google::protobuf::Message* response, const std::string& instruction_id,
                  v1::Instruction::State state) {
  const auto* d = response->GetDescriptor();
  const auto* r = response->GetReflection();
  if (const FieldDescriptor* f = d->FindFieldByName("instruction_id"); f != nullptr && !instruction_id.empty()) {
    r->SetString(response, f, instruction_id);
  }
  if (const FieldDescriptor* f = d->FindFieldByName("approval_state");
      f != nullptr && f->type() == FieldDescriptor::TYPE_ENUM) {
    r->SetEnumValue(response, f, state);
  }
}

std::string ResultIdOf(const google::protobuf::Message& response) {
  // A claim names its payment line too (payment_id): the claim is what was posted.
  for (const char* name : {"claim_id", "allocation_id", "payment_id", "entry_id", "run_id", "fund_id"}) {
    std::string v = StringField(response, name);
    if (!v.empty()) return v;
  }
  return "";
}

}  // namespace subsidy::service
