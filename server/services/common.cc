#include "services/common.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_util.h"
#include "funds/payments.h"
#include "ids/canonical.h"
#include "ids/ids.h"
#include "loan/claim.h"
#include "ops/log.h"

namespace subsidy::service {

absl::Status ValidateRequestId(const std::string& request_id) {
  if (request_id.empty()) return InvalidField("request_id", "is required (a client-chosen unique id, e.g. a UUID)");
  if (request_id.size() > 128) return InvalidField("request_id", "at most 128 characters");
  for (char c : request_id) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) {
      return InvalidField("request_id", "printable ASCII without spaces only");
    }
  }
  return absl::OkStatus();
}

namespace {
// The ids of `request` in canonical form; `prefix` names the message within the request ("book.").
// A singular message field is walked too (a filter's bank_ids); a repeated one is not: its items
// are answered one by one (a claim's loans), never refused whole for one bad id.
absl::Status CanonicalizeIdsIn(google::protobuf::Message* request, const std::string& prefix) {
  static const auto* kCodes = new absl::flat_hash_set<std::string>{
      "school_id", "bank_id", "bank_ids", "fund_id", "fund_ids", "recipient_id", "policy_id", "claim_id", "payout_id",
      "instruction_id", "entry_id", "tracking_id", "enterprise_uscc", "case_id"};
  const auto* d = request->GetDescriptor();
  const auto* r = request->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE && !f->is_repeated()) {
      if (!r->HasField(*request, f)) continue;
      if (auto s = CanonicalizeIdsIn(r->MutableMessage(request, f), absl::StrCat(prefix, f->name(), ".")); !s.ok()) {
        return s;
      }
      continue;
    }
    if (f->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
    const bool code = kCodes->contains(f->name());
    if (!code && f->name() != "loan_id") continue;
    auto canonical = [&](const std::string& raw, const std::string& field) -> absl::StatusOr<std::string> {
      if (code) return CanonicalCode(raw, field);
      auto id = CanonicalizeId(raw, field, loan::kMaxClaimLoanIdBytes);
      if (!id.ok()) return id.status();
      return id->text;
    };
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(*request, f); ++k) {
        const std::string raw = r->GetRepeatedString(*request, f, k);
        auto c = canonical(raw, absl::StrCat(prefix, f->name(), "[", k, "]"));
        if (!c.ok()) return c.status();
        if (*c != raw) r->SetRepeatedString(request, f, k, *c);
      }
      continue;
    }
    const std::string raw = r->GetString(*request, f);
    if (raw.empty()) continue;
    auto c = canonical(raw, prefix + f->name());
    if (!c.ok()) return c.status();
    if (*c != raw) r->SetString(request, f, *c);
  }
  return absl::OkStatus();
}
}  // namespace

absl::Status CanonicalizeIds(google::protobuf::Message* request) { return CanonicalizeIdsIn(request, ""); }

absl::Status ValidateId(const std::string& value, absl::string_view field) {
  if (value.empty()) return RequiredField(field);
  if (value.size() > 64) return InvalidField(field, "at most 64 characters");
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return InvalidField(field, "letters, digits, '-', '_' and '.' only");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Date> ParseDate(const std::string& text, absl::string_view field) {
  if (text.empty()) return RequiredField(field);
  auto d = Date::Parse(text);
  if (!d.ok()) {
    return WithParams(WithReason(InvalidField(field, d.status().message()), kFieldNotADate), {{"value", text}});
  }
  return d;
}


absl::Status ValidateText(const std::string& value, absl::string_view field, size_t max, bool required) {
  if (required && value.empty()) return RequiredField(field);
  if (value.size() > max) return InvalidField(field, absl::StrCat("at most ", max, " bytes"));
  return absl::OkStatus();
}

absl::Status ValidatePayeeText(const std::string& value, absl::string_view field, size_t max) {
  if (auto s = ValidateText(value, field, max, false); !s.ok()) return s;
  return CheckShownText(value, field);
}

absl::Status ValidateAccount(const std::string& value, absl::string_view field) {
  // 200 bytes: an account typed in full-width digits with separators takes three bytes a character.
  if (auto s = ValidatePayeeText(value, field, 200); !s.ok()) return s;
  if (value.empty()) return absl::OkStatus();  // optional here; an RPC that needs one says so
  switch (funds::CheckAccount(value)) {
    case funds::AccountCheck::kPayable: return absl::OkStatus();
    case funds::AccountCheck::kTooFewDigits: return InvalidField(field, "an account number (6 digits or more)");
    case funds::AccountCheck::kMasked: return InvalidField(field, "a whole account, not a masked one (**)");
  }
  return absl::OkStatus();
}

absl::Status ValidatePayeeId(const std::string& value, absl::string_view field) {
  if (value.empty()) return absl::OkStatus();
  if (ValidateCitizenId(value).ok() || ValidateUscc(value).ok()) return absl::OkStatus();
  return InvalidField(field, "a 居民身份证号 (18 characters with its check character) or a USCC");
}

absl::Status ValidateDigits(const std::string& value, absl::string_view field, size_t min, size_t max) {
  if (value.size() < min || value.size() > max) {
    return InvalidField(field, absl::StrCat(min, " to ", max, " digits (a GB/T 2260 region code)"));
  }
  for (char c : value) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return InvalidField(field, "digits only");
  }
  return absl::OkStatus();
}

absl::StatusOr<DateRange> ParseDateRange(const v1::DateRange& r, const std::string& field) {
  auto first = ParseDate(r.start_date(), field + ".start_date");
  if (!first.ok()) return first.status();
  auto last = ParseDate(r.end_date(), field + ".end_date");
  if (!last.ok()) return last.status();
  auto range = DateRange::Make(*first, *last);
  if (!range.ok()) return InvalidField(field + ".end_date", "ends before its start_date");
  return range;
}

std::string EncodePageToken(int64_t after) { return absl::WebSafeBase64Escape(absl::StrCat("after:", after)); }

absl::StatusOr<PageRequest> ParsePage(int32_t page_size, const std::string& token) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  PageRequest page;
  page.limit = (page_size == 0 ? kDefaultPageSize : std::min<int>(page_size, kMaxPageSize)) + 1;
  if (token.empty()) return page;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.rfind("after:", 0) != 0 ||
      !absl::SimpleAtoi(raw.substr(6), &page.after) || page.after < 0) {
    return InvalidField("page_token", "not a token this service issued");
  }
  return page;
}

std::function<void(const grpc::Status&)> StreamObserver(const ServiceContext* ctx, const grpc::CallbackServerContext* context,
                                                        const char* method, std::string caller) {
  if (!ctx->observe) return nullptr;
  const auto start = std::chrono::steady_clock::now();
  if (caller.empty()) caller = context->peer();
  return [ctx, method, caller, start](const grpc::Status& s) {
    ctx->observe(CallRecord{method, caller, "", s.error_code(), s.error_message(),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  };
}
std::shared_ptr<void> InFlight(const ServiceContext& ctx, std::shared_ptr<void> slot) {
  if (ctx.in_flight == nullptr) return slot;
  ctx.in_flight->Enter();
  auto* holder = new std::shared_ptr<void>(std::move(slot));
  CallsInFlight* calls = ctx.in_flight;
  return std::shared_ptr<void>(holder, [calls](std::shared_ptr<void>* h) {
    delete h;
    calls->Leave();
  });
}

namespace {
// The authorized caller with one of its concurrent-call slots.
absl::StatusOr<Admission> WithSlot(const ServiceContext& ctx, absl::StatusOr<std::shared_ptr<const auth::Caller>> caller) {
  // A stopping server admits nothing new: what it admitted before, it finishes and answers.
  if (ctx.in_flight != nullptr && ctx.in_flight->closed()) {
    return absl::UnavailableError("服务正在停止，请稍后重试 (the server is stopping; retry on another replica or later)");
  }
  if (!caller.ok()) return caller.status();
  auto slot = ctx.limiter->Acquire((*caller)->name);
  if (!slot) {
    return absl::ResourceExhaustedError("caller " + (*caller)->name + " has too many calls in flight; retry later");
  }
  return Admission{std::move(*caller), std::move(slot)};
}
}  // namespace

absl::StatusOr<Admission> Admit(const ServiceContext& ctx, const grpc::CallbackServerContext* context,
                                absl::string_view method, absl::string_view school_id) {
  return WithSlot(ctx, ctx.auth->Authorize(*context, method, school_id));
}

absl::StatusOr<Admission> Admit(const ServiceContext& ctx, const Exchange& exchange, absl::string_view method,
                                absl::string_view scope) {
  return WithSlot(ctx, exchange.Authorize(*ctx.auth, method, scope));
}

std::string CallerLanguage(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  for (const char* key : {kAcceptLanguageMetadata, "accept-language"}) {
    auto it = metadata.find(key);
    if (it != metadata.end()) return PreferredLanguage(absl::string_view(it->second.data(), it->second.size()));
  }
  return PreferredLanguage("");
}

grpc::Status StatusInLanguage(const ServiceContext& ctx, const std::string& language, const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (ctx.policy == nullptr) return ToGrpcStatus(status);
  const std::shared_ptr<const PolicyData> data = ctx.policy->Get();  // kept to the end of the mapping
  return ToGrpcStatus(status, language, data->messages());
}

grpc::Status CallerStatus(const ServiceContext& ctx, const Exchange& exchange, const absl::Status& status) {
  return StatusInLanguage(ctx, exchange.language(), status);
}

grpc::Status CallerStatus(const ServiceContext& ctx, const grpc::ServerContextBase& context, const absl::Status& status) {
  return StatusInLanguage(ctx, CallerLanguage(context), status);
}


void Ending::operator()(const absl::Status& status, const google::protobuf::Message& response) const {
  if (ctx->observe) {
    ctx->observe(CallRecord{method, caller, request_id, static_cast<grpc::StatusCode>(status.code()),
                            std::string(status.message()),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  }
  exchange->Finish(status, response);
}

namespace {
absl::flat_hash_map<std::string, UnaryRoute>& Routes() {
  static auto* routes = new absl::flat_hash_map<std::string, UnaryRoute>();
  return *routes;
}
}  // namespace

bool RegisterUnary(UnaryRoute route) {
  Routes().insert_or_assign(route.method.full_name, route);
  return true;
}

std::vector<const UnaryRoute*> UnaryRoutes() {
  std::vector<const UnaryRoute*> out;
  for (const auto& [name, route] : Routes()) out.push_back(&route);
  return out;
}

absl::Status Call::SetFreshness(v1::ReadFreshness* out) const {
  auto f = reports().ReadFreshness();
  if (!f.ok()) return f.status();
  out->set_from_standby(f->from_standby);
  out->set_caught_up(f->caught_up);
  if (f->replayed_up_to) {
    out->set_replayed_up_to(Clock::UtcText(*f->replayed_up_to));
    out->set_lag_ms(std::max<int64_t>(0, absl::ToInt64Milliseconds(clock().Now() - *f->replayed_up_to)));
  }
  return absl::OkStatus();
}

void RecordApart(const Call& call, const storage::IdempotencyKey& key,
                 const std::function<absl::Status(storage::LedgerTx&)>& write, absl::string_view log_event,
                 std::initializer_list<std::pair<absl::string_view, absl::string_view>> fields) {
  auto done = call.storage().RunIdempotent(key, [&](storage::LedgerTx& tx) -> absl::StatusOr<std::string> {
    if (auto s = write(tx); !s.ok()) return s;
    return std::string();
  });
  if (done.ok()) return;
  ops::LogLine line(log_event);
  for (const auto& [name, value] : fields) line.Str(name, value);
  line.Str("error", done.status().message()).Write(ops::LogLevel::kError);
}

}  // namespace subsidy::service
