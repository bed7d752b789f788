// subsidyctl's small command framework: global options, command words, per-command options
// (--name=value), generated --help for every command, one-line errors with a non-zero exit.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
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
};

class Options {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // All values given for a repeatable option, in order.
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend class Registry;
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// Exit codes: 0 ok, 1 the call failed, 2 usage error.
struct Context {
  std::string server;
  bool json = false;
  int timeout_seconds = 30;
  std::string token;            // sent as authorization: Bearer <token>
  std::string tls_ca;           // PEM file: connect with TLS, trusting this CA
  std::string tls_cert, tls_key;  // PEM files: a client certificate for mutual TLS
  std::string tls_server_name;  // overrides the name checked in the server's certificate
  std::ostream* out = &std::cout;

  std::shared_ptr<grpc::Channel> Channel();
  // A client context with the deadline set: every call carries one.
  std::unique_ptr<grpc::ClientContext> NewCall() const;
  // Prints "subsidyctl: CODE: message" (and the field or reason from the details) to stderr, returns 1.
  // With --json the error is one JSON object on stderr: code, message, field, reason.
  int Fail(const grpc::Status& status) const;
  int Fail(const std::string& message) const;
  // A usage error (a bad option, a missing argument): printed like Fail, returns 2.
  int Usage(const std::string& message) const;
  // Checks a request before it is sent: a string that is not UTF-8 is refused here, naming the
  // field (returns 1); 0 when the request may go.
  int CheckRequest(const google::protobuf::Message& request) const;
  // After a mutation: says on stderr when the answer is the server's stored first answer to this
  // request_id (a replay, which changed nothing).
  void NoteReplay(const grpc::ClientContext& call, const std::string& request_id) const;
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

// "A, B or C": the values of an API enum a caller may give (not the *_UNSPECIFIED zero).
std::string EnumChoices(const google::protobuf::EnumDescriptor* e);

struct Command {
  std::vector<std::string> path;  // e.g. {"loan", "calc"}
  std::string summary;
  std::string usage;              // extra help text
  std::vector<OptionSpec> options;
  std::function<int(Context&, const Options&)> run;
};

class Registry {
 public:
  void Add(Command c) { commands_.push_back(std::move(c)); }
  int Main(int argc, char** argv);

 private:
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


}  // namespace subsidy::cli
