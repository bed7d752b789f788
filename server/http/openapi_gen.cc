// openapi-gen: writes, at build time, the OpenAPI 3.1 document of the HTTP front from the protos
// compiled into it (every unary RPC of subsidy.v1 as a POST route, every message as a schema in
// protobuf's canonical JSON mapping), as a C++ source that defines subsidy::http::OpenApiJson(),
// or with --json as the document itself. The document is built as a google.protobuf.Struct and
// printed by protobuf's JSON printer.
//
// Descriptions come from the protos' comments: the descriptors compiled into a binary carry none,
// so the build hands openapi-gen a descriptor set that protoc wrote with --include_source_info
// (--descriptor_set=FILE; server/CMakeLists.txt), and every service, method, message, field, enum
// and enum value is looked up there by its full name. Beside them: each route's x-roles, x-scope
// and x-dual-control (option (subsidy.v1.access)); the fields each handler requires and an example
// request per RPC (openapi_requests.cc); formats (int64 as a string, format int64, as proto3's
// JSON has it; dates, fields named *date* or *as_of, format date; money, fields named *_fen, in 分).
//
// `openapi-gen --markdown` prints docs/rpcs.md from the same walk instead: per service, every RPC
// (streams too) with its request and response types and who may call it. The test
// docs.rpcs_up_to_date compares it with the committed file; it reads no descriptor set.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "openapi_requests.h"
#include "subsidy/v1/access.pb.h"
#include "subsidy/v1/admin.pb.h"
#include "subsidy/v1/approval.pb.h"
#include "subsidy/v1/education.pb.h"
#include "subsidy/v1/fund.pb.h"
#include "subsidy/v1/loan.pb.h"
#include "subsidy/v1/payment.pb.h"
#include "subsidy/v1/reward.pb.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;
using google::protobuf::Struct;
using google::protobuf::Value;

Value Str(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}
Value Ref(const std::string& full_name) {
  Value v;
  (*v.mutable_struct_value()->mutable_fields())["$ref"] = Str("#/components/schemas/" + full_name);
  return v;
}
Struct& Obj(Value* v) { return *v->mutable_struct_value(); }
Value& At(Struct& s, const std::string& key) { return (*s.mutable_fields())[key]; }

// "a b", either of them possibly empty.
std::string Sentences(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a + b;
  return a + " " + b;
}

// Who may call an RPC, from the one declaration on it (option (subsidy.v1.access)), as both
// outputs show it: role names in lower case in the order declared, the scope as the request field
// a school or bank caller must hold, and whether it is a money movement under dual control.
struct AccessView {
  std::vector<std::string> roles;
  std::string scope;  // "school_id", "bank_id" or empty
  bool dual_control = false;
};

AccessView AccessOf(const MethodDescriptor* m) {
  const auto& access = m->options().GetExtension(subsidy::v1::access);
  AccessView view;
  for (int r : access.roles()) {
    view.roles.push_back(
        absl::AsciiStrToLower(subsidy::v1::Access::Role_Name(static_cast<subsidy::v1::Access::Role>(r))));
  }
  if (access.scope() != subsidy::v1::Access::NONE) {
    view.scope = access.scope() == subsidy::v1::Access::SCHOOL_ID ? "school_id" : "bank_id";
  }
  view.dual_control = access.money_movement();
  return view;
}

// The protos' comments, from a descriptor set protoc wrote with --include_source_info: each
// descriptor of the compiled-in protos is looked up there by its full name. Without a set (or for
// a name it lacks) a comment is "".
class Comments {
 public:
  // Builds the set's files (in the order protoc wrote them, imports first); false when it cannot.
  bool Load(const std::string& path) {
    google::protobuf::FileDescriptorSet set;
    std::ifstream in(path, std::ios::binary);
    if (!in || !set.ParseFromIstream(&in)) {
      std::cerr << "openapi-gen: cannot read the descriptor set " << path << "\n";
      return false;
    }
    for (const auto& file : set.file()) {
      if (pool_.BuildFile(file) == nullptr) {
        std::cerr << "openapi-gen: " << path << ": cannot build " << file.name() << "\n";
        return false;
      }
    }
    return true;
  }
  std::string Of(const Descriptor* d) const { return Text(pool_.FindMessageTypeByName(d->full_name())); }
  std::string Of(const EnumDescriptor* e) const { return Text(pool_.FindEnumTypeByName(e->full_name())); }
  std::string Of(const MethodDescriptor* m) const { return Text(pool_.FindMethodByName(m->full_name())); }
  std::string Of(const FieldDescriptor* f) const {
    const Descriptor* d = pool_.FindMessageTypeByName(f->containing_type()->full_name());
    return Text(d == nullptr ? nullptr : d->FindFieldByName(f->name()));
  }
  std::string Of(const google::protobuf::EnumValueDescriptor* v) const {
    const EnumDescriptor* e = pool_.FindEnumTypeByName(v->type()->full_name());
    return Text(e == nullptr ? nullptr : e->FindValueByName(v->name()));
  }
  // A service's own comment, else its file's (the one above `syntax`: "LoanSubsidyService: …").
  std::string Of(const ServiceDescriptor* s) const {
    const ServiceDescriptor* found = pool_.FindServiceByName(s->full_name());
    std::string text = Text(found);
    google::protobuf::SourceLocation file;
    constexpr int kSyntax = google::protobuf::FileDescriptorProto::kSyntaxFieldNumber;
    if (text.empty() && found != nullptr && found->file()->GetSourceLocation({kSyntax}, &file)) {
      text = Join(file.leading_comments.empty() && !file.leading_detached_comments.empty()
                      ? file.leading_detached_comments.front()
                      : file.leading_comments);
    }
    return text;
  }

 private:
  // A comment's lines as one paragraph.
  static std::string Join(const std::string& comment) {
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(comment, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty()) lines.emplace_back(line);
    }
    return absl::StrJoin(lines, " ");
  }
  // The comment above a declaration and the one after it on its line.
  template <class D>
  static std::string Text(const D* d) {
    google::protobuf::SourceLocation where;
    if (d == nullptr || !d->GetSourceLocation(&where)) return "";
    return Sentences(Join(where.leading_comments), Join(where.trailing_comments));
  }
  google::protobuf::DescriptorPool pool_;
};

// What a field's name says of its value: money in 分, a date, a rate as decimal text.
void DescribeByName(const FieldDescriptor* f, Struct& schema) {
  const std::string& name = f->name();
  std::string said;
  if (absl::EndsWith(name, "_fen")) {
    said = "Money in 分 (fen: 100 分 = 1 元), an int64 written as a JSON string.";
  } else if (absl::EndsWith(name, "_percent")) {
    said = "A percentage as decimal text, e.g. \"3.95\".";
  }
  if (f->type() == FieldDescriptor::TYPE_STRING && !f->is_repeated() &&
      (absl::StrContains(name, "date") || absl::EndsWith(name, "as_of"))) {
    At(schema, "format") = Str("date");
    said = "A date, YYYY-MM-DD.";
  }
  if (!said.empty()) At(schema, "description") = Str(Sentences(At(schema, "description").string_value(), said));
}

class Generator {
 public:
  explicit Generator(const Comments& comments) : comments_(comments) {}

  void AddMessage(const Descriptor* d) {
    if (!seen_.insert(d->full_name()).second) return;
    Struct& schema = Obj(&At(schemas_, d->full_name()));
    At(schema, "type") = Str("object");
    if (d->full_name() == "google.protobuf.Any") {
      At(schema, "description") = Str("an Any in protobuf's JSON mapping (@type and the message's fields)");
      return;
    }
    if (const std::string text = comments_.Of(d); !text.empty()) At(schema, "description") = Str(text);
    Struct& properties = Obj(&At(schema, "properties"));
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      Value field = FieldSchema(f);
      if (const std::string text = comments_.Of(f); !text.empty()) At(Obj(&field), "description") = Str(text);
      DescribeByName(f, Obj(&field));
      At(properties, f->json_name()) = field;
    }
  }
  void AddEnum(const EnumDescriptor* e) {
    if (!seen_.insert(e->full_name()).second) return;
    Struct& schema = Obj(&At(schemas_, e->full_name()));
    At(schema, "type") = Str("string");
    auto* values = At(schema, "enum").mutable_list_value();
    std::vector<std::string> said;  // "NAME: its comment", for the values that have one
    for (int i = 0; i < e->value_count(); ++i) {
      *values->add_values() = Str(e->value(i)->name());
      if (const std::string text = comments_.Of(e->value(i)); !text.empty()) {
        said.push_back(e->value(i)->name() + ": " + text);
      }
    }
    const std::string text = Sentences(comments_.Of(e), absl::StrJoin(said, "; "));
    if (!text.empty()) At(schema, "description") = Str(text);
  }
  Value FieldSchema(const FieldDescriptor* f) {
    Value item;
    if (f->is_map()) {
      Value map;
      At(Obj(&map), "type") = Str("object");
      At(Obj(&map), "additionalProperties") = FieldSchema(f->message_type()->map_value());
      return map;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT64:
        // proto3's JSON writes 64-bit integers as strings (a double cannot hold every one).
        At(Obj(&item), "type") = Str("string");
        At(Obj(&item), "format") = Str("int64");
        break;
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_UINT32:
        At(Obj(&item), "type") = Str("integer");
        At(Obj(&item), "format") = Str("int32");
        break;
      case FieldDescriptor::CPPTYPE_BOOL: At(Obj(&item), "type") = Str("boolean"); break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: At(Obj(&item), "type") = Str("number"); break;
      case FieldDescriptor::CPPTYPE_STRING:
        At(Obj(&item), "type") = Str("string");
        if (f->type() == FieldDescriptor::TYPE_BYTES) {
          At(Obj(&item), "format") = Str("byte");
          At(Obj(&item), "contentEncoding") = Str("base64");
        }
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        AddEnum(f->enum_type());
        item = Ref(f->enum_type()->full_name());
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        AddMessage(f->message_type());
        item = Ref(f->message_type()->full_name());
        break;
    }
    if (!f->is_repeated()) return item;
    Value array;
    At(Obj(&array), "type") = Str("array");
    At(Obj(&array), "items") = item;
    return array;
  }

  void AddService(const ServiceDescriptor* s) {
    Struct tag;
    At(tag, "name") = Str(s->name());
    if (const std::string text = comments_.Of(s); !text.empty()) At(tag, "description") = Str(text);
    *tags_.add_values()->mutable_struct_value() = std::move(tag);
    for (int i = 0; i < s->method_count(); ++i) {
      const auto* m = s->method(i);
      if (m->client_streaming() || m->server_streaming()) continue;  // gRPC only
      AddMessage(m->input_type());
      AddMessage(m->output_type());
      Struct& post = Obj(&At(Obj(&At(paths_, "/" + s->full_name() + "/" + m->name())), "post"));
      At(post, "operationId") = Str(s->name() + "_" + m->name());
      if (const std::string text = comments_.Of(m); !text.empty()) At(post, "description") = Str(text);
      *At(post, "tags").mutable_list_value()->add_values() = Str(s->name());
      // Who may call it, from the one declaration on the RPC (option (subsidy.v1.access)).
      const AccessView access = AccessOf(m);
      auto* roles = At(post, "x-roles").mutable_list_value();
      for (const std::string& role : access.roles) roles->add_values()->set_string_value(role);
      if (!access.scope.empty()) At(post, "x-scope") = Str(access.scope);
      if (access.dual_control) At(post, "x-dual-control").set_bool_value(true);
      AddBodies(s, m, post);
      Value bearer;
      (*Obj(&bearer).mutable_fields())["bearer"].mutable_list_value();
      *At(post, "security").mutable_list_value()->add_values() = bearer;
    }
  }

  std::string Document();

  // Whatever in openapi_requests.cc does not fit the protos ("" when all of it does).
  std::string Mismatches() const {
    std::vector<std::string> out = mismatches_;
    for (const auto& doc : subsidy::http::RequestDocs()) {
      if (!documented_.count(doc.rpc)) out.push_back(std::string(doc.rpc) + ": no such unary RPC");
    }
    return absl::StrJoin(out, "\n");
  }

 private:
  // The request (JSON, with the fields its handler requires and an example, or binary), the answer
  // and Connect's error.
  void AddBodies(const ServiceDescriptor* s, const MethodDescriptor* m, Struct& post) {
    Struct& body = Obj(&At(post, "requestBody"));
    At(body, "required").set_bool_value(true);
    At(body, "description") = Str("The request; an empty body is the empty message.");
    Struct& content = Obj(&At(body, "content"));
    Struct& json = Obj(&At(content, "application/json"));
    At(json, "schema") = Ref(m->input_type()->full_name());
    AddRequestDoc(s->name() + "/" + m->name(), m->input_type(), json);
    Value binary;
    At(Obj(&binary), "type") = Str("string");
    At(Obj(&binary), "format") = Str("binary");
    At(Obj(&At(content, "application/proto")), "schema") = binary;
    Struct& responses = Obj(&At(post, "responses"));
    Struct& ok = Obj(&At(responses, "200"));
    At(ok, "description") = Str(m->output_type()->name());
    At(Obj(&At(Obj(&At(ok, "content")), "application/json")), "schema") = Ref(m->output_type()->full_name());
    Struct& error = Obj(&At(responses, "default"));
    At(error, "description") = Str("a Connect error: code, message, details (BadRequest, ErrorInfo), each detail "
                                   "also as JSON in its debug field");
    At(Obj(&At(Obj(&At(error, "content")), "application/json")), "schema") = Ref("ConnectError");
  }

  // The fields the handler of `rpc` requires (on its request's schema) and its example.
  void AddRequestDoc(const std::string& rpc, const Descriptor* input, Struct& json) {
    for (const auto& doc : subsidy::http::RequestDocs()) {
      if (rpc != doc.rpc) continue;
      documented_.insert(doc.rpc);
      Struct& schema = Obj(&At(schemas_, input->full_name()));
      auto* required = At(schema, "required").mutable_list_value();
      for (const char* name : doc.required) {
        if (!HasJsonField(input, name)) mismatches_.push_back(rpc + ": no field " + name);
        required->add_values()->set_string_value(name);
      }
      if (doc.required.empty()) schema.mutable_fields()->erase("required");
      // The example must be a request: parsed as the request's type, unknown fields refused.
      std::unique_ptr<google::protobuf::Message> request(
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(input)->New());
      Value value;
      if (!google::protobuf::util::JsonStringToMessage(doc.example, request.get()).ok() ||
          !google::protobuf::util::JsonStringToMessage(doc.example, &value).ok()) {
        mismatches_.push_back(rpc + ": the example is not a " + input->full_name());
        continue;
      }
      Struct& example = Obj(&At(Obj(&At(json, "examples")), ExampleKey(rpc)));
      if (*doc.example_summary != '\0') At(example, "summary") = Str(doc.example_summary);
      At(example, "value") = value;
    }
  }
  static bool HasJsonField(const Descriptor* d, const std::string& json_name) {
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i)->json_name() == json_name) return true;
    }
    return false;
  }
  // "LoanSubsidyService/CalculateLoanSubsidy" → "CalculateLoanSubsidy": the example's key.
  static std::string ExampleKey(const std::string& rpc) { return rpc.substr(rpc.find('/') + 1); }

  const Comments& comments_;
  std::set<std::string> seen_;
  std::set<std::string> documented_;
  std::vector<std::string> mismatches_;
  google::protobuf::ListValue tags_;
  Struct paths_;
  Struct schemas_;
};

// Connect's error body, as ConnectErrorJson (connect_protocol.cc) writes it.
Value ConnectErrorSchema() {
  Value out;
  Struct& error = Obj(&out);
  At(error, "type") = Str("object");
  At(error, "description") = Str("Connect's error body (connectrpc.com/docs/protocol); its HTTP status follows the code.");
  Struct& props = Obj(&At(error, "properties"));
  At(Obj(&At(props, "code")), "type") = Str("string");
  At(Obj(&At(props, "code")), "description") = Str("Connect's code: invalid_argument, not_found, permission_denied, …");
  At(Obj(&At(props, "message")), "type") = Str("string");
  Struct& details = Obj(&At(props, "details"));
  At(details, "type") = Str("array");
  Struct& detail = Obj(&At(details, "items"));
  At(detail, "type") = Str("object");
  Struct& detail_props = Obj(&At(detail, "properties"));
  At(Obj(&At(detail_props, "type")), "type") = Str("string");
  At(Obj(&At(detail_props, "type")), "description") = Str("google.rpc.BadRequest, google.rpc.ErrorInfo, …");
  At(Obj(&At(detail_props, "value")), "type") = Str("string");
  At(Obj(&At(detail_props, "value")), "description") = Str("the message's bytes, base64");
  At(Obj(&At(detail_props, "debug")), "type") = Str("object");
  At(Obj(&At(detail_props, "debug")), "description") =
      Str("the same message in protobuf's JSON (e.g. BadRequest's fieldViolations with field and description)");
  return out;
}

std::string Generator::Document() {
  Struct doc;
  At(doc, "openapi") = Str("3.1.0");
  Struct& info = Obj(&At(doc, "info"));
  At(info, "title") = Str("subsidy-calc HTTP/JSON (Connect protocol, unary)");
  At(info, "version") = Str("v1");
  At(info, "description") = Str("Every unary RPC of subsidy.v1 as POST /subsidy.v1.<Service>/<Method> with "
                                "application/json (protobuf's canonical JSON: int64 as strings, enums by name) "
                                "or application/proto. Generated from the protos at build time.");
  Struct& health = Obj(&At(Obj(&At(paths_, "/healthz")), "get"));
  At(health, "operationId") = Str("healthz");
  At(Obj(&At(Obj(&At(health, "responses")), "200")), "description") = Str("{\"status\": \"SERVING\"}");
  Struct& self = Obj(&At(Obj(&At(paths_, "/openapi.json")), "get"));
  At(self, "operationId") = Str("openapi");
  At(Obj(&At(Obj(&At(self, "responses")), "200")), "description") = Str("this document");
  At(doc, "paths").mutable_struct_value()->Swap(&paths_);
  At(doc, "tags").mutable_list_value()->Swap(&tags_);
  At(schemas_, "ConnectError") = ConnectErrorSchema();
  Struct& components = Obj(&At(doc, "components"));
  At(components, "schemas").mutable_struct_value()->Swap(&schemas_);
  Struct& bearer = Obj(&At(Obj(&At(components, "securitySchemes")), "bearer"));
  At(bearer, "type") = Str("http");
  At(bearer, "scheme") = Str("bearer");
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(doc, &out, options);
  return out;
}

// A message's name as docs/rpcs.md prints it: relative to its package (subsidy.v1.Fund → Fund).
std::string TypeName(const Descriptor* d) {
  const std::string prefix = d->file()->package() + ".";
  return absl::StartsWith(d->full_name(), prefix) ? d->full_name().substr(prefix.size()) : d->full_name();
}

// docs/rpcs.md: per service, one table row per RPC in the order the proto declares them.
std::string Markdown(const std::vector<const ServiceDescriptor*>& services) {
  std::ostringstream out;
  out << "# RPCs of subsidy.v1\n\n"
         "Generated from the protos by `build/bin/openapi-gen --markdown > docs/rpcs.md`; do not edit it by\n"
         "hand. The test `docs.rpcs_up_to_date` fails when this file and the protos differ.\n\n"
         "Who may call each RPC is declared on it (`option (subsidy.v1.access)`, see\n"
         "`protos/subsidy/v1/access.proto`): **roles** that may call it; **scope**, the request field a\n"
         "`school` or `bank` caller must hold in its own list (other roles are not bound by it); **dual\n"
         "control**, a money movement by a person, held for a second finance officer when callers are\n"
         "configured (双人复核). `stream` marks a gRPC stream: streams are gRPC only, every other RPC is\n"
         "also `POST /subsidy.v1.<Service>/<Method>` over HTTP/JSON. What each service is for, its\n"
         "subsidyctl commands and its reasons: the service's page beside this one.\n";
  for (const ServiceDescriptor* s : services) {
    out << "\n## " << s->name() << "\n\n"
        << "`" << s->full_name() << "`, in `protos/" << s->file()->name() << "`.\n\n"
        << "| RPC | request | response | roles | scope | dual control |\n"
        << "|---|---|---|---|---|---|\n";
    for (int i = 0; i < s->method_count(); ++i) {
      const MethodDescriptor* m = s->method(i);
      const AccessView access = AccessOf(m);
      out << "| " << m->name() << " | " << (m->client_streaming() ? "stream " : "") << TypeName(m->input_type())
          << " | " << (m->server_streaming() ? "stream " : "") << TypeName(m->output_type()) << " | "
          << (access.roles.empty() ? "—" : absl::StrJoin(access.roles, ", ")) << " | "
          << (access.scope.empty() ? "—" : access.scope) << " | " << (access.dual_control ? "yes" : "—") << " |\n";
    }
  }
  return out.str();
}

// Every service of the API's files, in this order (naming a message of each links its descriptor
// in). Both outputs walk this one list.
std::vector<const ServiceDescriptor*> ApiServices() {
  std::vector<const ServiceDescriptor*> services;
  for (const auto* file : {subsidy::v1::LoanSubsidyRequest::descriptor()->file(),
                           subsidy::v1::SplitGrantRequest::descriptor()->file(), subsidy::v1::Payout::descriptor()->file(),
                           subsidy::v1::Fund::descriptor()->file(), subsidy::v1::DataStatus::descriptor()->file(),
                           subsidy::v1::Instruction::descriptor()->file(),
                           subsidy::v1::PaymentLine::descriptor()->file()}) {
    for (int i = 0; i < file->service_count(); ++i) services.push_back(file->service(i));
  }
  return services;
}

}  // namespace

int main(int argc, char** argv) {
  bool markdown = false, json = false, usage = false;
  std::string descriptor_set;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--markdown") {
      markdown = true;
    } else if (arg == "--json") {
      json = true;
    } else if (absl::ConsumePrefix(&arg, "--descriptor_set=")) {
      descriptor_set = std::string(arg);
    } else {
      usage = true;
    }
  }
  if (usage || (markdown && json)) {
    std::cerr << "usage: openapi-gen [--descriptor_set=FILE] [--json]   (C++ source of the OpenAPI document, or\n"
                 "                                                       with --json the document)\n"
                 "       openapi-gen --markdown                          (docs/rpcs.md)\n"
                 "FILE: protoc --include_source_info --include_imports --descriptor_set_out=FILE of the API's\n"
                 "protos, for the descriptions (the protos' comments).\n";
    return 2;
  }
  const std::vector<const ServiceDescriptor*> services = ApiServices();
  for (const ServiceDescriptor* service : services) {
    if (service->method_count() == 0) {
      std::cerr << "openapi-gen: service " << service->full_name() << " has no method\n";
      return 1;
    }
  }
  if (markdown) {
    std::cout << Markdown(services);
    return 0;
  }
  Comments comments;
  if (!descriptor_set.empty() && !comments.Load(descriptor_set)) return 1;
  Generator g(comments);
  for (const ServiceDescriptor* service : services) g.AddService(service);
  const std::string document = g.Document();
  if (document.empty()) {
    std::cerr << "openapi-gen: protobuf's JSON printer could not print the document\n";
    return 1;
  }
  if (const std::string wrong = g.Mismatches(); !wrong.empty()) {
    std::cerr << "openapi-gen: openapi_requests.cc does not fit the protos:\n" << wrong << "\n";
    return 1;
  }
  if (json) {
    std::cout << document << "\n";
    return 0;
  }
  std::cout << "// Generated by openapi-gen at build time. Do not edit.\n"
               "#include <string>\n\nnamespace subsidy::http {\n"
               "std::string OpenApiJson() {\n  return R\"OPENAPI("
            << document << ")OPENAPI\";\n}\n}  // namespace subsidy::http\n";
  return 0;
}
