// openapi-gen: writes, at build time, the OpenAPI 3.1 document of the HTTP front from the protos
// compiled into it (every unary RPC of subsidy.v1 as a POST route, every message as a schema in
// protobuf's canonical JSON mapping), as a C++ source that defines subsidy::http::OpenApiJson().
// The document is built as a google.protobuf.Struct and printed by protobuf's JSON printer.
//
// `openapi-gen --markdown` prints docs/rpcs.md from the same walk instead: per service, every RPC
// (streams too) with its request and response types and who may call it. The test
// docs.rpcs_up_to_date compares it with the committed file. Descriptors compiled into a binary
// carry no source info, so the protos' comments are not printed.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "subsidy/v1/access.pb.h"
#include "subsidy/v1/admin.pb.h"
#include "subsidy/v1/approval.pb.h"
#include "subsidy/v1/education.pb.h"
#include "subsidy/v1/fund.pb.h"
#include "subsidy/v1/loan.pb.h"
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

class Generator {
 public:
  void AddMessage(const Descriptor* d) {
    if (!seen_.insert(d->full_name()).second) return;
    Struct& schema = Obj(&At(schemas_, d->full_name()));
    At(schema, "type") = Str("object");
    if (d->full_name() == "google.protobuf.Any") {
      At(schema, "description") = Str("an Any in protobuf's JSON mapping (@type and the message's fields)");
      return;
    }
    Struct& properties = Obj(&At(schema, "properties"));
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      Value field = FieldSchema(f);
      At(properties, f->json_name()) = field;
    }
  }
  void AddEnum(const EnumDescriptor* e) {
    if (!seen_.insert(e->full_name()).second) return;
    Struct& schema = Obj(&At(schemas_, e->full_name()));
    At(schema, "type") = Str("string");
    auto* values = At(schema, "enum").mutable_list_value();
    for (int i = 0; i < e->value_count(); ++i) *values->add_values() = Str(e->value(i)->name());
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
        At(Obj(&item), "type") = Str("string");
        At(Obj(&item), "format") = Str("int64");
        break;
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_UINT32: At(Obj(&item), "type") = Str("integer"); break;
      case FieldDescriptor::CPPTYPE_BOOL: At(Obj(&item), "type") = Str("boolean"); break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: At(Obj(&item), "type") = Str("number"); break;
      case FieldDescriptor::CPPTYPE_STRING:
        At(Obj(&item), "type") = Str("string");
        if (f->type() == FieldDescriptor::TYPE_BYTES) At(Obj(&item), "format") = Str("byte");
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
    for (int i = 0; i < s->method_count(); ++i) {
      const auto* m = s->method(i);
      if (m->client_streaming() || m->server_streaming()) continue;  // gRPC only
      AddMessage(m->input_type());
      AddMessage(m->output_type());
      Struct& post = Obj(&At(Obj(&At(paths_, "/" + s->full_name() + "/" + m->name())), "post"));
      At(post, "operationId") = Str(s->name() + "_" + m->name());
      *At(post, "tags").mutable_list_value()->add_values() = Str(s->name());
      // Who may call it, from the one declaration on the RPC (option (subsidy.v1.access)).
      const AccessView access = AccessOf(m);
      auto* roles = At(post, "x-roles").mutable_list_value();
      for (const std::string& role : access.roles) roles->add_values()->set_string_value(role);
      if (!access.scope.empty()) At(post, "x-scope") = Str(access.scope);
      if (access.dual_control) At(post, "x-dual-control").set_bool_value(true);
      Struct& body = Obj(&At(post, "requestBody"));
      At(body, "required").set_bool_value(true);
      Struct& content = Obj(&At(body, "content"));
      At(Obj(&At(content, "application/json")), "schema") = Ref(m->input_type()->full_name());
      Value binary;
      At(Obj(&binary), "type") = Str("string");
      At(Obj(&binary), "format") = Str("binary");
      At(Obj(&At(content, "application/proto")), "schema") = binary;
      Struct& responses = Obj(&At(post, "responses"));
      Struct& ok = Obj(&At(responses, "200"));
      At(ok, "description") = Str(m->output_type()->name());
      At(Obj(&At(Obj(&At(ok, "content")), "application/json")), "schema") = Ref(m->output_type()->full_name());
      Struct& error = Obj(&At(responses, "default"));
      At(error, "description") = Str("a Connect error: code, message, details (BadRequest, ErrorInfo)");
      At(Obj(&At(Obj(&At(error, "content")), "application/json")), "schema") = Ref("ConnectError");
      Value bearer;
      (*Obj(&bearer).mutable_fields())["bearer"].mutable_list_value();
      *At(post, "security").mutable_list_value()->add_values() = bearer;
    }
  }

  std::string Document() {
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
    Struct& error = Obj(&At(schemas_, "ConnectError"));
    At(error, "type") = Str("object");
    Struct& props = Obj(&At(error, "properties"));
    At(Obj(&At(props, "code")), "type") = Str("string");
    At(Obj(&At(props, "message")), "type") = Str("string");
    At(Obj(&At(props, "details")), "type") = Str("array");
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

 private:
  std::set<std::string> seen_;
  Struct paths_;
  Struct schemas_;
};

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
                           subsidy::v1::Instruction::descriptor()->file()}) {
    for (int i = 0; i < file->service_count(); ++i) services.push_back(file->service(i));
  }
  return services;
}

}  // namespace

int main(int argc, char** argv) {
  const bool markdown = argc == 2 && std::string_view(argv[1]) == "--markdown";
  if (argc > 1 && !markdown) {
    std::cerr << "usage: openapi-gen [--markdown]   (C++ source of the OpenAPI document, or docs/rpcs.md)\n";
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
  Generator g;
  for (const ServiceDescriptor* service : services) g.AddService(service);
  std::cout << "// Generated by openapi-gen at build time. Do not edit.\n"
               "#include <string>\n\nnamespace subsidy::http {\n"
               "std::string OpenApiJson() {\n  return R\"OPENAPI("
            << g.Document() << ")OPENAPI\";\n}\n}  // namespace subsidy::http\n";
  return 0;
}
