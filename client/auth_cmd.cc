// subsidyctl auth add-caller: adds a caller to a server's --auth_config file and prints its new
// token once (only the token's SHA-256 is stored).
#include <unistd.h>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <google/protobuf/text_format.h>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "auth/authorizer.h"
#include "ids/canonical.h"
#include "cli.h"
#include "texts.h"
#include "subsidy/data/v1/policy_data.pb.h"

namespace subsidy::cli {
namespace {

int AddCaller(Context& ctx, const Options& o) {
  const std::string path = o.Get("config");
  data::v1::AuthConfig config;
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!google::protobuf::TextFormat::ParseFromString(ss.str(), &config)) return ctx.Fail(kCliNotAuthConfig, {{"path", path}});
  }
  // A name in its canonical spelling, unique whatever its case or width: "FINA" is no second finA.
  auto canonical = CanonicalizeId(o.Get("name"), "--name");
  if (!canonical.ok()) return ctx.Usage(canonical.status());
  const std::string name = canonical->text;
  for (const auto& c : config.callers()) {
    if (IdKey(c.name()) == canonical->key) return ctx.Fail(kCliCallerExists, {{"name", c.name()}, {"path", path}});
  }
  auto* c = config.add_callers();
  c->set_name(name);
  for (absl::string_view r : absl::StrSplit(o.Get("roles"), ',', absl::SkipWhitespace())) {
    auth::Role role;
    if (!auth::RoleFromName(r, &role)) return ctx.Usage(kCliUsageUnknownRole, {{"role", std::string(r)}, {"roles", "bank, school, portal, finance, admin, auditor"}});
    c->add_roles(std::string(r));
  }
  if (c->roles().empty()) return ctx.Usage(kCliUsageEmpty, {{"option", "--roles"}, {"example", "--roles=finance"}});
  for (const auto& [flag, add] : {std::pair<const char*, void (*)(data::v1::CallerConfig*, std::string)>{
                                      "schools", [](data::v1::CallerConfig* x, std::string v) { x->add_schools(std::move(v)); }},
                                  {"banks", [](data::v1::CallerConfig* x, std::string v) { x->add_banks(std::move(v)); }}}) {
    for (absl::string_view id : absl::StrSplit(o.Get(flag), ',', absl::SkipWhitespace())) {
      auto code = CanonicalCode(id, std::string("--") + flag);
      if (!code.ok()) return ctx.Usage(code.status());
      add(c, *code);
    }
  }
  const std::string token = auth::NewToken();
  c->set_token_sha256(auth::Sha256Hex(token));
  c->set_created_at(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()));
  std::string text;
  google::protobuf::TextFormat::PrintToString(config, &text);
  // Write beside, then rename: a crash never leaves a half-written config; readable by its owner only.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# proto-message: subsidy.data.v1.AuthConfig (written by subsidyctl auth add-caller)\n" << text;
    if (!out) return ctx.CannotWrite(tmp);
  }
  std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(tmp, path);
  if (ctx.json) {
    google::protobuf::Struct added;  // protobuf's JSON printer escapes the name, whatever it holds
    (*added.mutable_fields())["name"].set_string_value(name);
    (*added.mutable_fields())["token"].set_string_value(token);
    ctx.PrintJson(added);
  } else {
    *ctx.out << Say(ctx.language, kCliCallerAdded, {{"name", name}, {"path", path}}) << "\n" << token << "\n";
  }
  return 0;
}

}  // namespace

void RegisterAuthCommands(Registry& r) {
  r.Add({{"auth", "add-caller"},
         "add a caller with roles to an auth config file and print its new token once",
         "Roles: bank (loan calculation; claims of its --banks only), school (education RPCs for its --schools\n"
         "only), portal (submit and read determinations), finance (disbursement, claim review, funds, all reads),\n"
         "admin (everything but review), auditor (reads everything, writes nothing). The server reads the file\n"
         "with --auth_config=FILE (and again on SIGHUP).",
         {{"config", "the auth config file (created if missing)", true},
          {"name", "the caller's name, e.g. bank-icbc-hubei", true},
          {"roles", "comma-separated roles", true},
          {"schools", "comma-separated school_ids (school role)"},
          {"banks", "comma-separated bank_ids (bank role)"}},
         AddCaller});
}

}  // namespace subsidy::cli
