// subsidyctl's small command framework: global options, command words, per-command options
// (--name=value; after the command words also --name value), read by CLI11; generated --help for
// every command, one-line errors with a non-zero exit.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "common/status_util.h"
#include "money/money.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::formats {
struct CsvFile;
}  // namespace subsidy::formats

namespace subsidy::cli {

// A running total of the amounts in the server's answers, checked like all money: an overflow
// stops the client rather than wrapping.
class MoneyTotal {
 public:
  void Add(int64_t fen) {
    auto sum = total_.Plus(Money::Fen(fen));
    SUBSIDY_CHECK(sum.ok());
    total_ = *sum;
  }
  int64_t fen() const { return total_.fen(); }

 private:
  Money total_;
};

struct OptionSpec {
  std::string name;  // without the leading "--"
  std::string help;
  bool required = false;
  bool is_switch = false;  // takes no value
  bool repeatable = false;  // may be given more than once (Options::GetAll); else a second one is a usage error
};

// A command's options as given: a switch has the value "true"; an option given twice has both
// values, in order.
class Options {
 public:
  Options() = default;
  Options(std::multimap<std::string, std::string> values, std::vector<std::string> positional)
      : values_(std::move(values)), positional_(std::move(positional)) {}

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The first value given (or the fallback).
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // All values given for a repeatable option, in order.
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// The language the user reads, from the locale (LC_ALL, else LC_MESSAGES, else LANG, the first
// set): "zh-CN" when it starts with "zh" (zh_CN.UTF-8), else "en".
std::string LocaleLanguage();

// Exit codes: 0 ok, 1 the call failed, 2 usage error.
struct Context {
  std::string server;
  bool json = false;
  int timeout_seconds = 30;
  std::string token;            // sent as authorization: Bearer <token>
  std::string tls_ca;           // PEM file: connect with TLS, trusting this CA
  std::string tls_cert, tls_key;  // PEM files: a client certificate for mutual TLS
  std::string tls_server_name;  // overrides the name checked in the server's certificate
  std::string language = LocaleLanguage();  // sent as grpc-accept-language
  std::ostream* out = &std::cout;

  std::shared_ptr<grpc::Channel> Channel();
  // A client context with the deadline set (--timeout, times `timeout_factor` for a long stream),
  // the caller's token and language: every call carries them.
  std::unique_ptr<grpc::ClientContext> NewCall(int timeout_factor = 1) const;
  // Prints "subsidyctl: CODE: message" (and the field or reason from the details) to stderr, returns 1;
  // in zh-CN the message is the server's LocalizedMessage (Chinese) when it sent one.
  // With --json the error is one JSON object on stderr: code, message, field, reason, localized_message.
  int Fail(const grpc::Status& status) const;
  int Fail(const std::string& message) const;
  // subsidyctl's own text `code` with `params` (texts.h), in the user's language; returns 1.
  int Fail(const char* code, const StatusParams& params) const;
  // A usage error (a bad option, a missing argument): subsidyctl's text `code` (CLI_USAGE_…,
  // texts.h) with `params` in the user's language, printed like Fail (with --json: its English
  // text as the message, the code as the reason and the localized_message); returns 2.
  int Usage(const char* code, const StatusParams& params) const;
  // A value the user gave refused by a check of its own (an id's spelling): RefusalText.
  int Usage(const absl::Status& refused) const;
  // "--x must be A, B or C" (the choices as given, or the API enum's values).
  int MustBe(const std::string& option, const std::vector<std::string>& choices) const;
  int MustBe(const std::string& option, const google::protobuf::EnumDescriptor* e) const;
  // A list in the user's language: alternatives ("A, B or C"; "A、B 或 C"), or items all meant
  // ("A and B").
  std::string Alternatives(const std::vector<std::string>& items) const;
  std::string AllOf(const std::vector<std::string>& items) const;
  // "cannot write PATH: <the system's reason>" in the user's language, printed like Fail; returns 1.
  int CannotWrite(const std::string& path) const { return CannotWrite(path, std::strerror(errno)); }
  int CannotWrite(const std::string& path, const std::string& why) const;
  // "cannot read PATH[: why]", likewise.
  int CannotRead(const std::string& path, const std::string& why = "") const;
  // Checks a request before it is sent: a string that is not UTF-8 is refused here, naming the
  // field (returns 1); 0 when the request may go.
  int CheckRequest(const google::protobuf::Message& request) const;
  // After a mutation: says on stderr when the answer is the server's stored first answer to this
  // request_id (a replay, which changed nothing); true when it was one.
  bool NoteReplay(const grpc::ClientContext& call, const std::string& request_id) const;
  // A warning that does not stop the command ("警告: … (…)"): one line on stderr like Fail's, or
  // with --json one JSON object {"code": "WARNING", "message"}.
  void Warn(const std::string& message) const;
  // Prints a message as JSON (proto field names, defaults included).
  void PrintJson(const google::protobuf::Message& m) const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
};

// One unary call, the way every command makes it: the request checked for UTF-8, a deadline and
// the caller's token, the failure printed (the exit code returned, 0 when it succeeded), a replay
// of a mutation noted.
template <class StubT, class Req, class Resp>
int Invoke(Context& ctx, StubT& stub, grpc::Status (StubT::*method)(grpc::ClientContext*, const Req&, Resp*),
           const Req& request, Resp* response) {
  if (int rc = ctx.CheckRequest(request); rc != 0) return rc;
  auto call = ctx.NewCall();
  const grpc::Status s = (stub.*method)(call.get(), request, response);
  if (!s.ok()) return ctx.Fail(s);
  if constexpr (requires { request.request_id(); }) ctx.NoteReplay(*call, request.request_id());
  return 0;
}

// The values of an API enum a caller may give (not the *_UNSPECIFIED zero), and as "A, B or C"
// (for the commands' --help, in English as all of it is).
std::vector<std::string> EnumNames(const google::protobuf::EnumDescriptor* e);
std::string EnumChoices(const google::protobuf::EnumDescriptor* e);
// The option `name` as a value of the API enum `e`, its name in any case (--finding=normal): 0 with
// *number set, or left as it is when the option is not given; any other text (or the *_UNSPECIFIED
// zero) is a usage error naming the option and its choices (returns 2).
int EnumOption(Context& ctx, const Options& o, const std::string& name, const google::protobuf::EnumDescriptor* e,
               int* number);
template <class E>
int EnumOption(Context& ctx, const Options& o, const std::string& name, E* out) {
  int number = static_cast<int>(*out);
  if (int rc = EnumOption(ctx, o, name, google::protobuf::GetEnumDescriptor<E>(), &number); rc != 0) return rc;
  *out = static_cast<E>(number);
  return 0;
}
// A mutation's default request_id: `prefix` (the verb and what it acts on, "respond-AC-00000001"), "-"
// and the first 16 hex digits of the SHA-256 of what it asks (`parts`, each length-prefixed): the same
// command run again is answered by its first answer and changes nothing, one asking anything else is
// a new request.
std::string RequestIdOf(const std::string& prefix, const std::vector<std::string>& parts);

// An amount in 分 as 元 for people: Money's yuan string, e.g. "1234.56" (never parsed back).
std::string Yuan(int64_t fen);
// The text, or "-" when it is empty (a column that must not be blank).
std::string OrDash(const std::string& s);
// "START..END" into a date range; false when the text is not two dates joined by "..".
bool ParsePeriod(const std::string& text, v1::DateRange* out);
// FILE.csv read whole in the command's --encoding (auto by default). 0 when it was read, else the
// exit code after saying why: 2 for an unknown encoding, 1 for a file that cannot be read.
int ReadCsv(Context& ctx, const Options& o, const std::string& path, formats::CsvFile* file);

struct Command {
  std::vector<std::string> path;  // e.g. {"loan", "calc"}
  std::string summary;
  std::string usage;              // extra help text
  std::vector<OptionSpec> options;
  std::function<int(Context&, const Options&)> run;
};

// subsidyctl [global options] COMMAND WORDS... [options, global options, positional words]:
// the command is the longest path the words begin with; the words after it are positional.
// Options are read by CLI11 (registry.cc), the first problem in the order given answered.
class Registry {
 public:
  void Add(Command c) { commands_.push_back(std::move(c)); }
  int Main(int argc, char** argv);

 private:
  // The global options before the command words: -1 with *words_at set where the words begin
  // (args.size() when there are none), else the exit code (--help, a usage error).
  int ReadGlobalOptions(Context& ctx, const std::vector<std::string>& args, size_t* words_at) const;
  const Command* Find(const std::vector<std::string>& words) const;
  // Words that name no command: the commands of a group, or "unknown command"; returns 2.
  int NoSuchCommand(const std::vector<std::string>& words) const;
  // The command's options (and global ones) after its words, then the command itself.
  int Run(Context& ctx, const Command& c, std::vector<std::string> positional,
          const std::vector<std::string>& args) const;
  void PrintTopHelp(std::ostream& os) const;
  void PrintCommandHelp(const Command& c, std::ostream& os) const;
  std::vector<Command> commands_;
};

void RegisterHealthCommands(Registry& r);
void RegisterLoanCommands(Registry& r);
void RegisterEducationCommands(Registry& r);
void RegisterRewardCommands(Registry& r);
void RegisterAdminCommands(Registry& r);
void RegisterFundCommands(Registry& r);
void RegisterAuthCommands(Registry& r);
void RegisterApprovalCommands(Registry& r);
void RegisterPaymentCommands(Registry& r);
void RegisterPolicyCommands(Registry& r);
void RegisterAlertCommands(Registry& r);
void RegisterFundTargetCommands(Registry& r);

}  // namespace subsidy::cli
