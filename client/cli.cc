#include "cli.h"
#include "texts.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "auth/authorizer.h"
#include "formats/csv.h"
#include "formats/wire.h"

namespace subsidy::cli {

std::string Options::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::vector<std::string> Options::GetAll(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = values_.equal_range(name);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

namespace {
std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

std::shared_ptr<grpc::Channel> Context::Channel() {
  if (!channel_) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    std::shared_ptr<grpc::ChannelCredentials> creds;
    if (!tls_ca.empty() || !tls_cert.empty()) {
      grpc::SslCredentialsOptions ssl;
      if (!tls_ca.empty()) ssl.pem_root_certs = ReadFileOrEmpty(tls_ca);
      if (!tls_cert.empty()) {
        ssl.pem_cert_chain = ReadFileOrEmpty(tls_cert);
        ssl.pem_private_key = ReadFileOrEmpty(tls_key);
      }
      if (!tls_server_name.empty()) args.SetSslTargetNameOverride(tls_server_name);
      creds = grpc::SslCredentials(ssl);
    } else {
      creds = grpc::InsecureChannelCredentials();
    }
    channel_ = grpc::CreateCustomChannel(server, creds, args);
  }
  return channel_;
}

std::string LocaleLanguage() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return absl::StartsWith(value, "zh") ? "zh-CN" : "en";
  }
  return "en";
}

std::unique_ptr<grpc::ClientContext> Context::NewCall(int timeout_factor) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds * timeout_factor));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  if (!language.empty()) ctx->AddMetadata("grpc-accept-language", language);
  return ctx;
}

namespace {
std::string CodeName(grpc::StatusCode c) { return absl::StatusCodeToString(static_cast<absl::StatusCode>(c)); }
}  // namespace

namespace {
// One error, as a person reads it or as JSON (protobuf's JSON printer over a Struct).
// `localized`: the server's LocalizedMessage ("" without one), shown instead of the message in a
// Chinese locale, and as localized_message in JSON.
void PrintError(bool json, const std::string& code, const std::string& message, const std::string& field,
                const std::string& reason, const std::string& localized = "", bool show_localized = false) {
  if (json) {
    google::protobuf::Struct error;
    auto& f = *error.mutable_fields();
    f["code"].set_string_value(code);
    f["message"].set_string_value(message);
    if (!field.empty()) f["field"].set_string_value(field);
    if (!reason.empty()) f["reason"].set_string_value(reason);
    if (!localized.empty()) f["localized_message"].set_string_value(localized);
    std::string text;
    (void)google::protobuf::util::MessageToJsonString(error, &text);
    std::cerr << text << std::endl;
    return;
  }
  std::cerr << "subsidyctl: " << (code.empty() ? "" : code + ": ")
            << (show_localized && !localized.empty() ? localized : message)
            << (reason.empty() ? "" : " [reason " + reason + "]") << (field.empty() ? "" : " [field " + field + "]")
            << std::endl;
}
}  // namespace

int Context::Fail(const grpc::Status& status) const {
  std::string field, reason, localized;
  v1::RpcStatus details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      if (absl::EndsWith(any.type_url(), "google.rpc.ErrorInfo")) {
        v1::ErrorInfo info;
        if (info.ParseFromString(any.value())) reason = info.reason();
      } else if (absl::EndsWith(any.type_url(), "google.rpc.BadRequest")) {
        v1::BadRequest bad;
        if (bad.ParseFromString(any.value()) && bad.field_violations_size() > 0) field = bad.field_violations(0).field();
      } else if (absl::EndsWith(any.type_url(), "google.rpc.LocalizedMessage")) {
        v1::LocalizedMessage message;
        if (message.ParseFromString(any.value())) localized = message.message();
      }
    }
  }
  // The developer's English text is the English reader's too (it says more than the template);
  // a Chinese reader gets the server's Chinese message.
  PrintError(json, CodeName(status.error_code()), status.error_message(), field, reason, localized,
             absl::StartsWith(language, "zh"));
  return 1;
}

int Context::Fail(const std::string& message) const {
  PrintError(json, "FAILED", message, "", "");
  return 1;
}

namespace {
// subsidyctl's own text `code` as an error line of `kind`: the English text as the message, the
// code as the reason (with --json, when `as_reason`), the user's language shown.
void PrintCatalogued(const Context& ctx, const std::string& kind, const char* code, const StatusParams& params,
                     const std::string& field = "", bool as_reason = true) {
  PrintError(ctx.json, kind, Say("en", code, params), field, ctx.json && as_reason ? code : "",
             Say(ctx.language, code, params), absl::StartsWith(ctx.language, "zh"));
}
}  // namespace

int Context::Usage(const char* code, const StatusParams& params) const {
  PrintCatalogued(*this, "USAGE", code, params);
  return 2;
}

int Context::Usage(const absl::Status& refused) const {
  PrintError(json, "USAGE", std::string(refused.message()), FieldOf(refused).value_or(""), "",
             RefusalText(language, refused), absl::StartsWith(language, "zh"));
  return 2;
}

int Context::MustBe(const std::string& option, const std::vector<std::string>& choices) const {
  return Usage(kCliUsageMustBe, {{"option", option}, {"choices", Alternatives(choices)}});
}

int Context::MustBe(const std::string& option, const google::protobuf::EnumDescriptor* e) const {
  return MustBe(option, EnumNames(e));
}

namespace {
std::string ListOf(const std::string& language, const char* last_joined, const std::vector<std::string>& items) {
  if (items.size() < 2) return absl::StrJoin(items, "");
  const std::string some = absl::StrJoin(items.begin(), items.end() - 1, Say(language, kCliListSeparator));
  return Say(language, last_joined, {{"some", some}, {"last", items.back()}});
}
}  // namespace

std::string Context::Alternatives(const std::vector<std::string>& items) const {
  return ListOf(language, kCliChoicesOr, items);
}

std::string Context::AllOf(const std::vector<std::string>& items) const {
  return ListOf(language, kCliChoicesAnd, items);
}

int Context::Fail(const char* code, const StatusParams& params) const {
  PrintCatalogued(*this, "FAILED", code, params);
  return 1;
}

int Context::CannotWrite(const std::string& path, const std::string& why) const {
  return Fail(kCliCannotWrite, {{"path", path}, {"detail", why}});
}

int Context::CannotRead(const std::string& path, const std::string& why) const {
  StatusParams params = {{"path", path}};
  // (a reader's own message may name the file already)
  const std::string named = "cannot read " + path + ": ";
  if (!why.empty()) params.emplace("detail", absl::StartsWith(why, named) ? why.substr(named.size()) : why);
  return Fail(kCliCannotRead, params);
}

int Context::CheckRequest(const google::protobuf::Message& request) const {
  if (auto field = formats::FindInvalidUtf8(request)) {
    PrintCatalogued(*this, "INVALID_ARGUMENT", kCliNotUtf8, {{"field", *field}, {"utf8", "UTF-8"}, {"gbk", "GBK"}},
                    *field, /*as_reason=*/false);
    return 1;
  }
  return 0;
}

std::vector<std::string> EnumNames(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (!absl::EndsWith(e->value(i)->name(), "_UNSPECIFIED")) names.push_back(e->value(i)->name());
  }
  return names;
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* e) {
  const std::vector<std::string> names = EnumNames(e);
  if (names.size() < 2) return absl::StrJoin(names, "");
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "), " or ", names.back());
}

int EnumOption(Context& ctx, const Options& o, const std::string& name, const google::protobuf::EnumDescriptor* e,
               int* number) {
  if (!o.Has(name)) return 0;
  const google::protobuf::EnumValueDescriptor* v = e->FindValueByName(absl::AsciiStrToUpper(o.Get(name)));
  if (v == nullptr || v->number() == 0) return ctx.MustBe("--" + name, e);
  *number = v->number();
  return 0;
}

std::string RequestIdOf(const std::string& prefix, const std::vector<std::string>& parts) {
  std::string content;
  for (const std::string& p : parts) absl::StrAppend(&content, p.size(), ":", p, "\n");
  return prefix + "-" + auth::Sha256Hex(content).substr(0, 16);
}

std::string Yuan(int64_t fen) { return Money::Fen(fen).ToYuanString(); }

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

bool ParsePeriod(const std::string& text, v1::DateRange* out) {
  std::vector<std::string> parts = absl::StrSplit(text, "..");
  if (parts.size() != 2) return false;
  out->set_start_date(parts[0]);
  out->set_end_date(parts[1]);
  return true;
}

int ReadCsv(Context& ctx, const Options& o, const std::string& path, formats::CsvFile* file) {
  auto encoding = formats::EncodingFromName(o.Get("encoding", "auto"));
  if (!encoding.ok()) return ctx.MustBe("--encoding", {"auto", "utf-8", "gb18030"});
  auto read = formats::ReadCsvFile(path, *encoding);
  if (!read.ok()) return ctx.CannotRead(path, std::string(read.status().message()));
  *file = *std::move(read);
  return 0;
}

bool Context::NoteReplay(const grpc::ClientContext& call, const std::string& request_id) const {
  const auto& md = call.GetServerInitialMetadata();
  if (md.find(formats::kReplayMetadata) == md.end()) return false;
  PrintError(json, "REPLAY", Say(language, kCliReplay, {{"request_id", request_id}}), "", "");
  return true;
}

void Context::Warn(const std::string& message) const { PrintError(json, json ? "WARNING" : "", message, "", ""); }

namespace {
// protobuf's JSON mapping writes every 64-bit integer as a string. Money (the `_fen` fields) stays
// so, exact whatever the reader; a count (an int64 not in 分) becomes a number, as a person and a
// script expect of a count.
void CountsAsNumbers(const google::protobuf::Descriptor* type, google::protobuf::Value* v) {
  if (type == nullptr || !v->has_struct_value()) return;
  for (auto& [name, field_value] : *v->mutable_struct_value()->mutable_fields()) {
    const google::protobuf::FieldDescriptor* f = type->FindFieldByName(name);
    if (f == nullptr || f->is_map()) continue;
    auto convert = [&](google::protobuf::Value* x) {
      switch (f->cpp_type()) {
        case google::protobuf::FieldDescriptor::CPPTYPE_INT64:
        case google::protobuf::FieldDescriptor::CPPTYPE_UINT64:
          if (!absl::EndsWith(f->name(), "_fen") && x->has_string_value()) {
            double n = 0;
            if (absl::SimpleAtod(x->string_value(), &n)) x->set_number_value(n);
          }
          break;
        case google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE: CountsAsNumbers(f->message_type(), x); break;
        default: break;
      }
    };
    if (field_value.has_list_value()) {
      for (auto& x : *field_value.mutable_list_value()->mutable_values()) convert(&x);
    } else {
      convert(&field_value);
    }
  }
}
}  // namespace

void Context::PrintJson(const google::protobuf::Message& m) const {
  std::string text;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &text, opts);
  google::protobuf::Value value;
  if (google::protobuf::util::JsonStringToMessage(text, &value).ok()) {
    CountsAsNumbers(m.GetDescriptor(), &value);
    std::string counted;
    if (google::protobuf::util::MessageToJsonString(value, &counted).ok()) text = std::move(counted);
  }
  *out << text << std::endl;
}

}  // namespace subsidy::cli
