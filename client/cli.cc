#include "cli.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/wire.h"
#include "subsidy/v1/common.pb.h"

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

std::unique_ptr<grpc::ClientContext> Context::NewCall() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

namespace {
std::string CodeName(grpc::StatusCode c) { return absl::StatusCodeToString(static_cast<absl::StatusCode>(c)); }
}  // namespace

namespace {
// One error, as a person reads it or as JSON (protobuf's JSON printer over a Struct).
void PrintError(bool json, const std::string& code, const std::string& message, const std::string& field,
                const std::string& reason) {
  if (json) {
    google::protobuf::Struct error;
    auto& f = *error.mutable_fields();
    f["code"].set_string_value(code);
    f["message"].set_string_value(message);
    if (!field.empty()) f["field"].set_string_value(field);
    if (!reason.empty()) f["reason"].set_string_value(reason);
    std::string text;
    (void)google::protobuf::util::MessageToJsonString(error, &text);
    std::cerr << text << std::endl;
    return;
  }
  std::cerr << "subsidyctl: " << (code.empty() ? "" : code + ": ") << message
            << (reason.empty() ? "" : " [reason " + reason + "]") << (field.empty() ? "" : " [field " + field + "]")
            << std::endl;
}
}  // namespace

int Context::Fail(const grpc::Status& status) const {
  std::string field, reason;
  v1::RpcStatus details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      if (absl::EndsWith(any.type_url(), "google.rpc.ErrorInfo")) {
        v1::ErrorInfo info;
        if (info.ParseFromString(any.value())) reason = info.reason();
      } else if (absl::EndsWith(any.type_url(), "google.rpc.BadRequest")) {
        v1::BadRequest bad;
        if (bad.ParseFromString(any.value()) && bad.field_violations_size() > 0) field = bad.field_violations(0).field();
      }
    }
  }
  PrintError(json, CodeName(status.error_code()), status.error_message(), field, reason);
  return 1;
}

int Context::Fail(const std::string& message) const {
  PrintError(json, "FAILED", message, "", "");
  return 1;
}

int Context::Usage(const std::string& message) const {
  PrintError(json, "USAGE", message, "", "");
  return 2;
}

int Context::CheckRequest(const google::protobuf::Message& request) const {
  if (auto field = service::FindInvalidUtf8(request)) {
    PrintError(json, "INVALID_ARGUMENT",
               *field + " is not valid UTF-8 (convert the text, e.g. from GBK, before sending); nothing was sent",
               *field, "");
    return 1;
  }
  return 0;
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    if (!absl::EndsWith(e->value(i)->name(), "_UNSPECIFIED")) names.push_back(e->value(i)->name());
  }
  if (names.size() < 2) return absl::StrJoin(names, "");
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "), " or ", names.back());
}

void Context::NoteReplay(const grpc::ClientContext& call, const std::string& request_id) const {
  const auto& md = call.GetServerInitialMetadata();
  if (md.find(service::kReplayMetadata) == md.end()) return;
  PrintError(json, "REPLAY",
             "request_id " + request_id + " was used before: this is a replay of the first answer; nothing changed now",
             "", "");
}

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

void Registry::PrintTopHelp(std::ostream& os) const {
  os << "subsidyctl: a command-line client for subsidy-server.\n\n"
        "Usage: subsidyctl [--server=HOST:PORT] [--json] [--timeout=SECONDS] COMMAND... [--option=value...]\n\n"
        "Global options:\n"
        "  --server=HOST:PORT  the server (default 127.0.0.1:50051, or $SUBSIDY_SERVER)\n"
        "  --json              machine-readable output (one JSON object per answer)\n"
        "  --timeout=SECONDS   deadline of each call (default 30)\n"
        "  --token=TOKEN       bearer token of the caller (or $SUBSIDY_TOKEN)\n"
        "  --tls_ca=FILE       connect with TLS, trusting this PEM CA (or $SUBSIDY_TLS_CA)\n"
        "  --tls_cert=FILE --tls_key=FILE   client certificate for mutual TLS\n"
        "  --tls_server_name=NAME           the name expected in the server's certificate\n\n"
        "Commands (COMMAND --help for its options):\n";
  for (const auto& c : commands_) {
    std::string name = absl::StrJoin(c.path, " ");
    os << "  " << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') << c.summary << "\n";
  }
}

void Registry::PrintCommandHelp(const Command& c, std::ostream& os) const {
  os << "Usage: subsidyctl [global options] " << absl::StrJoin(c.path, " ");
  for (const auto& o : c.options) {
    if (o.required) os << " --" << o.name << "=...";
  }
  os << " [options]\n\n" << c.summary << "\n";
  if (!c.usage.empty()) os << "\n" << c.usage << "\n";
  if (!c.options.empty()) {
    os << "\nOptions:\n";
    for (const auto& o : c.options) {
      std::string n = "--" + o.name + (o.is_switch ? "" : "=...");
      os << "  " << n << std::string(n.size() < 28 ? 28 - n.size() : 1, ' ') << o.help
         << (o.required ? " (required)" : "") << "\n";
    }
  }
}

int Registry::Main(int argc, char** argv) {
  Context ctx;
  const char* env = std::getenv("SUBSIDY_SERVER");
  ctx.server = env ? env : "127.0.0.1:50051";
  if (const char* t = std::getenv("SUBSIDY_TOKEN")) ctx.token = t;
  if (const char* ca = std::getenv("SUBSIDY_TLS_CA")) ctx.tls_ca = ca;
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  // Global options: before the command words or anywhere after them.
  auto global = [&](const std::string& a, int* exit_code) -> bool {
    *exit_code = -1;
    if (a == "--json") {
      ctx.json = true;
    } else if (absl::StartsWith(a, "--server=")) {
      ctx.server = a.substr(9);
      if (ctx.server.empty()) *exit_code = ctx.Usage("--server is empty: give HOST:PORT, e.g. --server=127.0.0.1:50051");
    } else if (absl::StartsWith(a, "--token=")) {
      ctx.token = a.substr(8);
    } else if (absl::StartsWith(a, "--tls_ca=")) {
      ctx.tls_ca = a.substr(9);
    } else if (absl::StartsWith(a, "--tls_cert=")) {
      ctx.tls_cert = a.substr(11);
    } else if (absl::StartsWith(a, "--tls_key=")) {
      ctx.tls_key = a.substr(10);
    } else if (absl::StartsWith(a, "--tls_server_name=")) {
      ctx.tls_server_name = a.substr(18);
    } else if (absl::StartsWith(a, "--timeout=")) {
      if (!absl::SimpleAtoi(a.substr(10), &ctx.timeout_seconds) || ctx.timeout_seconds <= 0) {
        *exit_code = ctx.Usage("--timeout must be a positive number of seconds");
      }
    } else {
      return false;
    }
    return true;
  };
  for (; i < args.size() && absl::StartsWith(args[i], "--"); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      PrintTopHelp(std::cout);
      return 0;
    }
    int exit_code = -1;
    if (!global(a, &exit_code)) return ctx.Usage("unknown global option " + a + " (see subsidyctl --help)");
    if (exit_code >= 0) return exit_code;
  }
  std::vector<std::string> words;
  for (; i < args.size() && !absl::StartsWith(args[i], "--"); ++i) words.push_back(args[i]);
  if (words.empty()) {
    PrintTopHelp(std::cerr);
    return 2;
  }
  // The longest command path that is a prefix of the words; the rest are positional.
  const Command* cmd = nullptr;
  for (const auto& c : commands_) {
    if (c.path.size() <= words.size() && std::equal(c.path.begin(), c.path.end(), words.begin()) &&
        (!cmd || c.path.size() > cmd->path.size())) {
      cmd = &c;
    }
  }
  if (!cmd) {
    // A group name alone: list its commands.
    bool any = false;
    for (const auto& c : commands_) {
      if (c.path.front() == words.front()) {
        if (!any) std::cerr << "subsidyctl: " << words.front() << " commands:\n";
        any = true;
        std::cerr << "  " << absl::StrJoin(c.path, " ") << "  " << c.summary << "\n";
      }
    }
    if (!any) std::cerr << "subsidyctl: unknown command \"" << absl::StrJoin(words, " ") << "\" (see subsidyctl --help)\n";
    return 2;
  }
  Options opts;
  for (size_t w = cmd->path.size(); w < words.size(); ++w) opts.positional_.push_back(words[w]);
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      PrintCommandHelp(*cmd, std::cout);
      return 0;
    }
    const size_t eq_at = a.find('=');
    const std::string option = a.substr(2, eq_at == std::string::npos ? std::string::npos : eq_at - 2);
    const bool own = std::any_of(cmd->options.begin(), cmd->options.end(),
                                 [&](const OptionSpec& o) { return o.name == option; });
    if (!own && absl::StartsWith(a, "--")) {
      int exit_code = -1;
      if (global(a, &exit_code)) {
        if (exit_code >= 0) return exit_code;
        continue;
      }
    }
    if (!absl::StartsWith(a, "--")) {
      opts.positional_.push_back(a);
      continue;
    }
    const size_t eq = a.find('=');
    const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto spec = std::find_if(cmd->options.begin(), cmd->options.end(), [&](const OptionSpec& o) { return o.name == name; });
    if (spec == cmd->options.end()) {
      return ctx.Usage(absl::StrJoin(cmd->path, " ") + ": unknown option --" + name + " (see --help)");
    }
    if (spec->is_switch) {
      opts.values_.emplace(name, "true");
    } else if (eq == std::string::npos) {
      return ctx.Usage("--" + name + " needs a value (--" + name + "=...)");
    } else {
      opts.values_.emplace(name, a.substr(eq + 1));
    }
  }
  for (const auto& o : cmd->options) {
    if (o.required && !opts.Has(o.name)) {
      return ctx.Usage(absl::StrJoin(cmd->path, " ") + ": --" + o.name + " is required (see --help)");
    }
  }
  return cmd->run(ctx, opts);
}

}  // namespace subsidy::cli
