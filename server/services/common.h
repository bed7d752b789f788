// The one adapter every unary handler goes through, whatever the transport: Dispatch() owns, for
// every RPC alike, admission (who is calling, whether a role of theirs may, a concurrent-call
// slot), observation (metrics and the log line, with the final status), the deadline, request_id
// idempotency and the hand-off to the executor for calls that wait on the database. A handler is
// then only validate → call the engine in calc/ → persist → map.
#pragma once

#include <grpcpp/grpcpp.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

#include <string>
#include <functional>
#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "services/dual_control.h"
#include "services/executor.h"
#include "services/service_context.h"
#include "services/status_mapping.h"
#include "formats/wire.h"
#include "storage/storage.h"
#include "subsidy/v1/common.pb.h"
#include "time/date.h"

namespace subsidy::service {

// How a method runs: a computation or a read answers on gRPC's thread (reads never wait behind
// a commit); a mutation waits on the database, so it runs on the executor, and so does a long
// computation whose progress is streamed (progress_stream.h): gRPC's thread is not held while it runs.
enum class Runs { kInline, kMutation, kLong };

// "subsidy.v1.EducationFundService" and "AllocateFunds" → "subsidy.v1.EducationFundService/AllocateFunds".
inline std::string FullMethodName(absl::string_view service, absl::string_view rpc) {
  return absl::StrCat(service, "/", rpc);
}

struct Method {
  const char* full_name;  // "subsidy.v1.EducationFundService/AllocateFunds", from the descriptors (SUBSIDY_UNARY_RPC)
  Runs runs;
  // "AllocateFunds": the name idempotency records and the audit trail keep.
  std::string short_name() const {
    const absl::string_view full(full_name);
    return std::string(full.substr(full.rfind('/') + 1));
  }
};

// One unary call as its transport carries it (gRPC's reactor, the HTTP front's exchange): what a
// handler may ask of the transport, and where the answer goes. It lives until Finish.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual std::chrono::system_clock::time_point deadline() const = 0;
  // Tells the caller that its answer is the first one again and nothing changed now (gRPC
  // metadata, an HTTP header).
  virtual void NoteReplay() = 0;
  virtual absl::StatusOr<std::shared_ptr<const auth::Caller>> Authorize(const auth::Authorizer& auth,
                                                                        absl::string_view method,
                                                                        absl::string_view scope) const = 0;
  // For the log line when the caller is not known.
  virtual std::string peer() const = 0;
  // How far a long computation is (a streaming transport sends it; a unary one has nowhere to).
  // False when the caller has gone: the computation may stop.
  virtual bool Progress(int64_t /*done*/, int64_t /*total*/) { return true; }
  // The language the caller reads: "zh-CN" (the default) or "en" (PreferredLanguage of its
  // grpc-accept-language metadata or Accept-Language header).
  virtual std::string language() const { return "zh-CN"; }
  // Ends the call, once: with `response` when `status` is OK.
  virtual void Finish(const absl::Status& status, const google::protobuf::Message& response) = 0;
};

// The caller, authorized for `method` (and `school_id` when the RPC is school-scoped), holding
// one of its concurrent-call slots until the Admission is destroyed.
struct Admission {
  std::shared_ptr<const auth::Caller> caller;
  std::shared_ptr<void> slot;
};
absl::StatusOr<Admission> Admit(const ServiceContext& ctx, const grpc::CallbackServerContext* context,
                                absl::string_view method, absl::string_view school_id = "");
absl::StatusOr<Admission> Admit(const ServiceContext& ctx, const Exchange& exchange, absl::string_view method,
                                absl::string_view scope);

// The language a gRPC caller asks for (grpc-accept-language, else accept-language metadata).
std::string CallerLanguage(const grpc::ServerContextBase& context);
// `status` as the exchange's caller reads it: ToGrpcStatus with a LocalizedMessage in
// exchange.language(), from the message catalogue of the current policy data.
grpc::Status CallerStatus(const ServiceContext& ctx, const Exchange& exchange, const absl::Status& status);
// `status` for a caller who reads `language` ("zh-CN", "en"): its LocalizedMessage from the
// catalogue of the current policy data.
grpc::Status StatusInLanguage(const ServiceContext& ctx, const std::string& language, const absl::Status& status);
// The same for a gRPC stream, in the language its metadata asks for.
grpc::Status CallerStatus(const ServiceContext& ctx, const grpc::ServerContextBase& context, const absl::Status& status);

// Records a stream's end like a unary call's (metrics, the log line).
std::function<void(const grpc::Status&)> StreamObserver(const ServiceContext* ctx, const grpc::CallbackServerContext* context,
                                                        const char* method, std::string caller);
// Counts a stream as in flight until its reactor lets go of this (with the caller's slot).
std::shared_ptr<void> InFlight(const ServiceContext& ctx, std::shared_ptr<void> slot);

absl::Status ValidateRequestId(const std::string& request_id);
// Rewrites a request's identifier fields in their canonical form (calc/ids/canonical.h): codes
// (school, bank, fund, recipient, policy ids, the ids this service makes, USCCs, tracking ids) in
// upper case; a loan id keeps its case. An invisible or control character is INVALID_ARGUMENT
// naming the field. Empty fields stay empty. Singular sub-messages are walked too (a filter's bank_ids).
absl::Status CanonicalizeIds(google::protobuf::Message* request);
absl::Status ValidateId(const std::string& value, absl::string_view field);
// Free text of at most `max` bytes (FIELD_REQUIRED when `required` and empty).
absl::Status ValidateText(const std::string& value, absl::string_view field, size_t max, bool required);
absl::StatusOr<Date> ParseDate(const std::string& text, absl::string_view field);
// A payee's name, bank or account as a person will read it on an instruction, a payment line or
// the bank's file: optional, at most `max` bytes, shown as written (CheckShownText).
absl::Status ValidatePayeeText(const std::string& value, absl::string_view field, size_t max);
// An optional bank account: free text of at most 200 bytes with 6 digits or more (full-width ones too),
// whole (no "**" of a masked one).
absl::Status ValidateAccount(const std::string& value, absl::string_view field);
// An optional beneficiary id: a 居民身份证号 with its check character, or a USCC.
absl::Status ValidatePayeeId(const std::string& value, absl::string_view field);
// min … max ASCII digits (a GB/T 2260 region code or a prefix of one).
absl::Status ValidateDigits(const std::string& value, absl::string_view field, size_t min, size_t max);
// Both ends required; an end before the start is INVALID_ARGUMENT naming `field`.end_date.
absl::StatusOr<DateRange> ParseDateRange(const v1::DateRange& range, const std::string& field);

// Keyset pages: `page_token` is an opaque cursor (the last key served); the limit asks for one
// row more than the page, which tells whether another page follows.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
struct PageRequest {
  int64_t after = 0;
  int limit = kDefaultPageSize + 1;
};
absl::StatusOr<PageRequest> ParsePage(int32_t page_size, const std::string& page_token);
std::string EncodePageToken(int64_t after);
// Drops the probe row; returns whether another page follows.
template <class Rows>
bool TrimPage(const PageRequest& page, Rows* rows) {
  const bool more = static_cast<int>(rows->size()) == page.limit;
  if (more) rows->pop_back();
  return more;
}

template <class Req>
concept HasRequestId = requires(const Req& r) { r.request_id(); };
template <class Req>
concept SchoolScoped = requires(const Req& r) { r.school_id(); };
template <class Req>
concept BankScoped = requires(const Req& r) { r.bank_id(); };

// The request's payload for idempotency: its deterministic serialization without request_id.
template <class Req>
storage::IdempotencyKey KeyFor(const std::string& method, const Req& request,
                               std::chrono::system_clock::time_point deadline,
                               std::vector<std::string> lock_keys = {}) {
  Req copy = request;
  copy.clear_request_id();
  std::string payload;
  google::protobuf::io::StringOutputStream raw(&payload);
  {
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&out);
  }
  return {request.request_id(), method, payload, deadline, std::move(lock_keys)};
}

// What a handler sees of its call.
class Call {
 public:
  // A call on the executor keeps its own reference to the snapshot; one that runs inline on
  // gRPC's thread borrows the thread's (PolicyHolder::Current).
  Call(const ServiceContext& ctx, Exchange* exchange, const Method& method, Admission admission)
      : ctx_(ctx),
        exchange_(exchange),
        method_(method),
        admission_(std::move(admission)),
        owned_(method.runs == Runs::kInline ? nullptr : ctx.policy->Get()),
        data_(owned_ ? owned_.get() : &ctx.policy->Current()) {}

  const std::string& caller() const { return admission_.caller->name; }
  // Whether the handler runs inside an approver's transaction (dual control): no other
  // transaction may be opened then (SQLite has one writer).
  bool InsideApproval() const { return inside_ != nullptr; }
  const ServiceContext& context() const { return ctx_; }
  const auth::Caller& who() const { return *admission_.caller; }
  std::shared_ptr<const auth::Caller> who_shared() const { return admission_.caller; }
  // The call's snapshot, kept alive by whoever holds the pointer.
  std::shared_ptr<const PolicyData> data_snapshot() const { return owned_ ? owned_ : ctx_.policy->Get(); }
  std::chrono::system_clock::time_point deadline() const { return exchange_->deadline(); }
  void NoteReplay() const { exchange_->NoteReplay(); }
  // Exchange::Progress: false when the caller has gone.
  bool Progress(int64_t done, int64_t total) const { return exchange_->Progress(done, total); }
  // The language the caller reads ("zh-CN" or "en"): for texts a person reads in a response.
  std::string language() const { return exchange_->language(); }
  // The policy data for the whole call: one snapshot, taken at its start.
  const PolicyData& data() const { return *data_; }
  storage::Storage& storage() const { return *ctx_.storage; }
  // The report and list RPCs' reads (a hot standby with --report_db). Reads that must see the
  // caller's own write (Get…, and every mutation's) stay on storage().
  storage::Storage& reports() const { return ctx_.reports ? *ctx_.reports : *ctx_.storage; }
  // How fresh reports() is, asked before the read: the answer holds at least that.
  absl::Status SetFreshness(v1::ReadFreshness* out) const;
  const Clock& clock() const { return *ctx_.clock; }
  ops::DataReloader& reloader() const { return *ctx_.reloader; }

  // Runs `decide(tx)` (which returns the response message) as one idempotent transaction keyed
  // by the request's request_id; a replay answers the stored response. A money movement made by a
  // person under dual control is not posted: `decide` runs as a trial (undone) to learn what it
  // would move, that is reserved, and an instruction waits for a second officer (dual_control.h).
  // Inside an approval, `decide` posts in the approver's transaction.
  template <class Req, class Resp, class Fn>
  absl::Status Mutate(const Req& request, std::vector<std::string> lock_keys, Fn&& decide, Resp* response) {
    if (inside_ != nullptr) {
      absl::StatusOr<Resp> out = decide(*inside_);
      if (!out.ok()) return out.status();
      *response = std::move(*out);
      MarkApproval(response, inside_instruction_, v1::Instruction::POSTED);
      return absl::OkStatus();
    }
    const bool movement = IsMoneyMovement(method_.full_name);
    const bool may_hold = movement && HoldsForApproval(ctx_);
    bool replayed = false;
    auto stored = ctx_.storage->RunIdempotent(
        KeyFor(method_.short_name(), request, exchange_->deadline(), std::move(lock_keys)),
        [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
          storage::Captured captured;
          if (may_hold) {
            // One instruction at a time on a subject: said before a trial that would meet its reservation.
            if (const std::string subject = SubjectOf(method_.full_name, request); !subject.empty()) {
              auto pending = tx.instructions().InstructionPendingOn(subject);
              if (!pending.ok()) return pending.status();
              if (*pending) {
                return FailedPrecondition(kInstructionPending,
                                          absl::StrCat(subject, " 已有待复核的指令 (an instruction on it already waits for approval)"));
              }
            }
            if (auto s = tx.instructions().BeginTrial(&captured); !s.ok()) return s;
          }
          absl::StatusOr<Resp> out = decide(tx);
          if (may_hold) {
            auto undone = tx.instructions().UndoTrial();
            if (!out.ok()) return out.status();
            if (!undone.ok()) return undone;
            auto held = Hold(tx, ctx_, data().messages(), method_.full_name, caller(), request.request_id(), request, *out, captured);
            if (!held.ok()) return held.status();
            if (!held->empty()) {
              Resp pending;
              EchoRequest(request, &pending);
              EchoDue(*out, &pending);
              MarkApproval(&pending, *held, v1::Instruction::PENDING_APPROVAL);
              return pending.SerializeAsString();
            }
            out = decide(tx);  // under the threshold: posted at once
          }
          if (!out.ok()) return out.status();
          if (movement) MarkApproval(&*out, "", v1::Instruction::POSTED);
          return out->SerializeAsString();
        },
        &replayed);
    return Answer(stored, replayed, response);
  }

  // Mutate for a request its kind's decider (storage::IdempotentDecider) decides, alone or with
  // others queued beside it; `item` is this call's request as the decider reads it. Never a money
  // movement: one of those may wait for a second officer, and is decided alone.
  template <class Req>
  absl::Status MutateCombined(const Req& request, std::vector<std::string> lock_keys,
                              const storage::IdempotentDecider& decider, const void* item,
                              google::protobuf::MessageLite* response) {
    if (inside_ != nullptr || IsMoneyMovement(method_.full_name)) {
      return absl::InternalError("a money movement is decided alone");
    }
    bool replayed = false;
    auto stored = ctx_.storage->RunIdempotentCombined(
        KeyFor(method_.short_name(), request, exchange_->deadline(), std::move(lock_keys)), decider, item, &replayed);
    return Answer(stored, replayed, response);
  }

  // Posts an approved instruction in the approver's transaction (ApproveInstruction).
  void PostInside(storage::LedgerTx* tx, std::string instruction_id) {
    inside_ = tx;
    inside_instruction_ = std::move(instruction_id);
  }
  bool posting_approved() const { return inside_ != nullptr; }

  // One line of the audit trail for this call, inside its transaction.
  absl::Status Audit(storage::AuditTx& audit, const std::string& request_id, std::string entity_id,
                     std::string result, std::string detail) const {
    return audit.Audit(AuditLine(request_id, std::move(entity_id), std::move(result), std::move(detail)));
  }
  storage::AuditEntry AuditLine(const std::string& request_id, std::string entity_id, std::string result,
                                std::string detail) const {
    return {caller(), method_.short_name(), request_id, std::move(entity_id), std::move(result), std::move(detail)};
  }

 private:
  // A mutation's stored (or just recorded) response, parsed into the call's.
  absl::Status Answer(const absl::StatusOr<std::string>& stored, bool replayed,
                      google::protobuf::MessageLite* response) const {
    if (!stored.ok()) return stored.status();
    if (replayed) NoteReplay();
    if (!response->ParseFromString(*stored)) return absl::DataLossError("a stored response does not parse");
    return absl::OkStatus();
  }

  const ServiceContext& ctx_;
  Exchange* exchange_;
  const Method& method_;
  Admission admission_;
  std::shared_ptr<const PolicyData> owned_;
  const PolicyData* data_;
  storage::LedgerTx* inside_ = nullptr;  // an approval's transaction, when posting one
  std::string inside_instruction_;
};

// What a refused call leaves for the record (a refused posting's event, a refused approval's audit
// line): `write` in a transaction of its own, since the call's own rolled back, once for `key`. A
// failure to record is logged as `log_event` with `fields`, not the caller's.
void RecordApart(const Call& call, const storage::IdempotencyKey& key,
                 const std::function<absl::Status(storage::LedgerTx&)>& write, absl::string_view log_event,
                 std::initializer_list<std::pair<absl::string_view, absl::string_view>> fields);

// Records a finished call (metrics, the log line), then finishes its exchange.
struct Ending {
  const ServiceContext* ctx;
  Exchange* exchange;
  const char* method;
  std::string request_id;
  std::string caller;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  void operator()(const absl::Status& status, const google::protobuf::Message& response) const;
};

// Serves one unary call from any transport, its request as bytes from the wire (wire.h: a
// request that does not parse is answered INVALID_ARGUMENT naming the field), with
// `handler(Call&, const Req&, Resp*)`.
template <class Req, class Resp, class Bytes, class Handler>
void Dispatch(const ServiceContext& ctx, Exchange* exchange, const Method& method, const Bytes& in, Handler handler) {
  // A computation or a read runs here and now: its messages live on this stack. A mutation waits
  // for the executor: its messages go with it.
  Req inline_request;
  std::shared_ptr<Req> queued_request;
  Req* request = &inline_request;
  if (method.runs != Runs::kInline) {
    queued_request = std::make_shared<Req>();
    request = queued_request.get();
  }
  absl::Status parsed = formats::ParseMessage(in, request);
  // Identifiers in their one canonical form before anything reads them (the scope included).
  if (parsed.ok()) parsed = CanonicalizeIds(request);
  Ending end{&ctx, exchange, method.full_name, {}, {}};
  if constexpr (HasRequestId<Req>) end.request_id = request->request_id();
  absl::string_view scope;
  if constexpr (SchoolScoped<Req>) {
    scope = request->school_id();
  } else if constexpr (BankScoped<Req>) {
    scope = request->bank_id();
  }
  // Who is calling is settled first: an unknown caller learns nothing about its request.
  auto admission = Admit(ctx, *exchange, method.full_name, scope);
  if (!admission.ok()) {
    end.caller = auth::RefusedCaller(admission.status());
    if (end.caller.empty()) end.caller = exchange->peer();
    return end(admission.status(), Resp::default_instance());
  }
  end.caller = admission->caller->name;
  if (!parsed.ok()) return end(parsed, Resp::default_instance());
  if (method.runs == Runs::kInline) {
    Call call(ctx, exchange, method, std::move(*admission));
    Resp response;
    const absl::Status status = handler(call, *request, &response);
    return end(status, response);
  }
  if (!ctx.executor->Submit([&ctx, exchange, &method, queued_request, end, handler = std::move(handler),
                             admitted = std::move(*admission)]() mutable {
        absl::Status status;
        if constexpr (HasRequestId<Req>) status = ValidateRequestId(queued_request->request_id());
        Resp response;
        if (status.ok()) {
          Call call(ctx, exchange, method, std::move(admitted));
          status = handler(call, *queued_request, &response);
        }
        end(status, response);
      })) {
    end(absl::ResourceExhaustedError("the server is overloaded; retry later"), Resp::default_instance());
  }
}

// A gRPC unary call: the callback reactor is the exchange.
class GrpcExchange final : public grpc::ServerUnaryReactor, public Exchange {
 public:
  GrpcExchange(const ServiceContext& ctx, grpc::CallbackServerContext* context, grpc::ByteBuffer* out)
      : ctx_(ctx), context_(context), out_(out) {
    if (ctx_.in_flight) ctx_.in_flight->Enter();
  }
  std::chrono::system_clock::time_point deadline() const override { return context_->deadline(); }
  void NoteReplay() override { context_->AddInitialMetadata(formats::kReplayMetadata, "true"); }
  absl::StatusOr<std::shared_ptr<const auth::Caller>> Authorize(const auth::Authorizer& auth, absl::string_view method,
                                                                absl::string_view scope) const override {
    return auth.Authorize(*context_, method, scope);
  }
  std::string peer() const override { return context_->peer(); }
  std::string language() const override { return CallerLanguage(*context_); }
  void Finish(const absl::Status& status, const google::protobuf::Message& response) override {
    absl::Status s = status;
    if (s.ok()) s = formats::ToWire(response, out_);
    grpc::ServerUnaryReactor::Finish(CallerStatus(ctx_, *this, s));
  }
  void OnDone() override {
    CallsInFlight* in_flight = ctx_.in_flight;
    delete this;
    if (in_flight) in_flight->Leave();
  }

 private:
  const ServiceContext& ctx_;
  grpc::CallbackServerContext* context_;
  grpc::ByteBuffer* out_;
};

// Serves one gRPC unary call with `handler`.
template <class Req, class Resp>
grpc::ServerUnaryReactor* Serve(const ServiceContext& ctx, grpc::CallbackServerContext* context, const Method& method,
                                const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
                                absl::Status (*handler)(Call&, const Req&, Resp*)) {
  auto* exchange = new GrpcExchange(ctx, context, out);
  Dispatch<Req, Resp>(ctx, exchange, method, *in, handler);
  return exchange;
}

// Every unary RPC by its full name, for the transports besides gRPC (the HTTP front): registered
// by SUBSIDY_UNARY_RPC as the program starts, read-only after.
struct UnaryRoute {
  Method method;
  void (*serve)(const ServiceContext& ctx, const Method& method, Exchange* exchange, absl::string_view request);
  absl::StatusOr<std::string> (*post_approved)(const ServiceContext& ctx, const Method& method, storage::LedgerTx& tx,
                                               std::shared_ptr<const auth::Caller> maker, absl::string_view request,
                                               const std::string& instruction_id);
};
bool RegisterUnary(UnaryRoute route);
std::vector<const UnaryRoute*> UnaryRoutes();

// The exchange of a movement posted inside an approval: nothing goes back to a transport.
class InsideExchange final : public Exchange {
 public:
  std::chrono::system_clock::time_point deadline() const override { return std::chrono::system_clock::time_point::max(); }
  void NoteReplay() override {}
  absl::StatusOr<std::shared_ptr<const auth::Caller>> Authorize(const auth::Authorizer&, absl::string_view,
                                                                absl::string_view) const override {
    return absl::InternalError("a posting inside an approval is not admitted again");
  }
  std::string peer() const override { return "approval"; }
  void Finish(const absl::Status&, const google::protobuf::Message&) override {}
};

template <auto handler>
struct DirectRoute;
template <class Req, class Resp, absl::Status (*handler)(Call&, const Req&, Resp*)>
struct DirectRoute<handler> {
  static void Serve(const ServiceContext& ctx, const Method& method, Exchange* exchange, absl::string_view request) {
    Dispatch<Req, Resp>(ctx, exchange, method, request, handler);
  }
  // Runs the handler on the maker's stored request, as the maker, in the approver's transaction;
  // returns its response.
  static absl::StatusOr<std::string> PostApproved(const ServiceContext& ctx, const Method& method,
                                                  storage::LedgerTx& tx, std::shared_ptr<const auth::Caller> maker,
                                                  absl::string_view request, const std::string& instruction_id) {
    Req req;
    if (!req.ParseFromString(std::string(request))) return absl::DataLossError("a stored instruction does not parse");
    InsideExchange exchange;
    Call call(ctx, &exchange, method, Admission{std::move(maker), nullptr});
    call.PostInside(&tx, instruction_id);
    Resp resp;
    if (auto s = handler(call, req, &resp); !s.ok()) return s;
    return resp.SerializeAsString();
  }
};

// Declares the raw override of unary method Rpc (in the service class).
#define SUBSIDY_RAW_UNARY(Rpc) \
  grpc::ServerUnaryReactor* Rpc(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request, \
                                grpc::ByteBuffer* response) override

}  // namespace subsidy::service

// Defines the override Impl::Rpc as one Serve() of the handler handlers::Rpc. The method's full
// name ("subsidy.v1.<Service>/<Rpc>") comes from the service the protos generate
// (Impl::ProtoService) and the overridden method, so it is written nowhere; an Rpc the proto does
// not declare does not compile. The same handler is registered for the other transports
// (RegisterUnary).
#define SUBSIDY_UNARY_RPC(Impl, Rpc, runs)                                                               \
  static const std::string k##Impl##Rpc##Name =                                                         \
      ::subsidy::service::FullMethodName(Impl::ProtoService::service_full_name(), #Rpc);                \
  static const ::subsidy::service::Method k##Impl##Rpc{k##Impl##Rpc##Name.c_str(), runs};               \
  grpc::ServerUnaryReactor* Impl::Rpc(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request, \
                                      grpc::ByteBuffer* response) {                                      \
    return ::subsidy::service::Serve(ctx_, context, k##Impl##Rpc, request, response, &handlers::Rpc);   \
  }                                                                                                      \
  [[maybe_unused]] static const bool k##Impl##Rpc##Registered = ::subsidy::service::RegisterUnary(       \
      {k##Impl##Rpc, &::subsidy::service::DirectRoute<&handlers::Rpc>::Serve,                           \
       &::subsidy::service::DirectRoute<&handlers::Rpc>::PostApproved});
