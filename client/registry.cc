// Registry::Main: subsidyctl's command line, read with CLI11 (the global options, the command
// words, then the command's options with the global ones again), and the help it prints.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "texts.h"

namespace subsidy::cli {
namespace {

// Where subsidyctl reads a command line otherwise than CLI11 would on its own:
// - `--name=` is the empty value (CLI11 would take the next word), and a word that begins with a
//   single '-' is a word (CLI11 would take it for a short option). So every word and every value
//   goes to CLI11 marked as literal text, kLiteral before it, and comes back with the mark taken
//   off; a valued option that comes back unmarked was given no value at all.
// - `--name value` takes the next word only when it is not an option (CLI11 would read
//   `--out --dry_run` as out=--dry_run): to CLI11 every value is optional (expected 0 or 1), and
//   one given none is refused here, as it is read.
// - The first problem in the order given is the one answered (CLI11 would read every word before
//   naming an unknown option, and name a missing required one first). So CLI11 reads the words up
//   to the first --help or unknown option, and each option's own check runs as it is read.
constexpr char kLiteral = '\x01';

// A valued option given no value: `--out` last, or before another option.
struct NoValue {
  std::string name;  // without "--"
  bool global;
};
// A global option's value that cannot be used: subsidyctl's text saying why.
struct BadValue {
  const char* code;
  StatusParams params;
};

std::string ValueOf(const std::string& name, const std::string& marked, bool global) {
  if (marked.empty() || marked[0] != kLiteral) throw NoValue{name, global};
  return marked.substr(1);
}

// args[from, to) as CLI11 is given them: option names as they are, words and values marked as
// literal text; last first, the order CLI11 takes them in.
std::vector<std::string> Marked(const std::vector<std::string>& args, size_t from, size_t to) {
  std::vector<std::string> marked;
  for (size_t i = to; i-- > from;) {
    const std::string& a = args[i];
    const size_t eq = a.find('=');
    if (!absl::StartsWith(a, "--")) {
      marked.push_back(kLiteral + a);
    } else if (eq == std::string::npos) {
      marked.push_back(a);
    } else {
      marked.push_back(a.substr(0, eq + 1) + kLiteral + a.substr(eq + 1));
    }
  }
  return marked;
}

// Where CLI11 is to stop reading args: at --help (or -h among a command's options), or at an
// option `app` does not know (the global --json takes no value: `--json=…` is unknown, as it has
// always been). Before the command words a value is given as --name=value only (the next word
// could be the command), so there `--name` alone is unknown too. args.size() when it reads them all.
size_t FirstStop(const CLI::App& app, const std::vector<std::string>& args, bool after_command) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || (after_command && a == "-h")) return i;
    if (!absl::StartsWith(a, "--")) continue;
    const std::string name = a.substr(0, a.find('='));
    const CLI::Option* option = app.get_option_no_throw(name);
    if (option == nullptr || (name == "--json" && name != a)) return i;
    if (!after_command && name == a && option->get_expected_max() > 0) return i;
  }
  return args.size();
}

// The global options, each taking effect as it is read (the last one given wins); an option of
// the command's own with the same name would come first.
void AddGlobalOptions(CLI::App& app, Context& ctx) {
  const auto add = [&app](const std::string& name, std::function<void(const std::string&)> take) {
    if (app.get_option_no_throw("--" + name) != nullptr) return;
    app.add_option_function<std::string>("--" + name, [name, take](const std::string& v) { take(ValueOf(name, v, true)); })
        ->expected(0, 1)
        ->trigger_on_parse();
  };
  add("server", [&ctx](const std::string& v) {
    ctx.server = v;
    if (v.empty()) throw BadValue{kCliUsageEmpty, {{"option", "--server"}, {"example", "--server=127.0.0.1:50051"}}};
  });
  add("timeout", [&ctx](const std::string& v) {
    if (!absl::SimpleAtoi(v, &ctx.timeout_seconds) || ctx.timeout_seconds <= 0) {
      throw BadValue{kCliUsageSeconds, {{"option", "--timeout"}}};
    }
  });
  for (const auto& [name, field] : {std::pair<const char*, std::string Context::*>{"token", &Context::token},
                                    {"tls_ca", &Context::tls_ca},
                                    {"tls_cert", &Context::tls_cert},
                                    {"tls_key", &Context::tls_key},
                                    {"tls_server_name", &Context::tls_server_name}}) {
    add(name, [&ctx, member = field](const std::string& v) { ctx.*member = v; });
  }
  if (app.get_option_no_throw("--json") == nullptr) app.add_flag("--json", ctx.json)->trigger_on_parse();
}

// The command's own options, in its order: each value of a valued option goes into `values` as it
// is read (one given twice keeps both, in order); the switches are returned, to be counted after.
std::vector<std::pair<std::string, CLI::Option*>> AddCommandOptions(CLI::App& app, const Command& c,
                                                                    std::multimap<std::string, std::string>& values) {
  std::vector<std::pair<std::string, CLI::Option*>> switches;
  for (const OptionSpec& o : c.options) {
    CLI::Option* option = nullptr;
    if (o.is_switch) {
      option = app.add_flag("--" + o.name);
      switches.emplace_back(o.name, option);
    } else {
      option = app.add_option_function<std::string>(
                      "--" + o.name,
                      [&values, name = o.name](const std::string& v) { values.emplace(name, ValueOf(name, v, false)); })
                   ->expected(0, 1)
                   ->trigger_on_parse();
    }
    option->required(o.required);
  }
  return switches;
}

// The first of the command's required options not given, in its order.
std::string MissingRequired(const Command& c, const CLI::App& app) {
  for (const OptionSpec& o : c.options) {
    if (o.required && app.get_option("--" + o.name)->count() == 0) return o.name;
  }
  return "";
}

// What is wrong with how an option is given, though each word parses: a switch given a value
// (`--submit=false` would otherwise turn it on, and money would move), or an option that is not
// repeatable given twice (which of two amounts was meant?). Nothing when nothing is.
std::optional<BadValue> Misused(const Command& c, const std::vector<std::string>& args) {
  for (const OptionSpec& o : c.options) {
    const std::string flag = "--" + o.name;
    int given = 0;
    for (const std::string& a : args) {
      if (a != flag && !absl::StartsWith(a, flag + "=")) continue;
      ++given;
      if (o.is_switch && a != flag) return BadValue{kCliUsageSwitch, {{"option", flag}}};
    }
    if (given > 1 && !o.repeatable) {
      return BadValue{kCliUsageGivenTimes, {{"option", flag}, {"times", std::to_string(given)}}};
    }
  }
  return std::nullopt;
}

}  // namespace

int Registry::ReadGlobalOptions(Context& ctx, const std::vector<std::string>& args, size_t* words_at) const {
  CLI::App app;
  app.set_help_flag();
  app.prefix_command();  // the first word ends them: it and all after it are the command's
  AddGlobalOptions(app, ctx);
  const size_t stop = FirstStop(app, args, false);
  try {
    app.parse(Marked(args, 0, stop));
  } catch (const NoValue& e) {
    return ctx.Usage(kCliUsageUnknownOption, {{"command", "subsidyctl"}, {"option", "--" + e.name}, {"help", "subsidyctl --help"}});
  } catch (const BadValue& e) {
    return ctx.Usage(e.code, e.params);
  } catch (const CLI::ParseError& e) {
    return ctx.Usage(kCliUsageInvalid, {{"detail", e.what()}});
  }
  *words_at = stop - app.remaining_size();
  if (*words_at < stop || stop == args.size()) return -1;
  if (args[stop] == "--help") {
    PrintTopHelp(std::cout);
    return 0;
  }
  return ctx.Usage(kCliUsageUnknownOption, {{"command", "subsidyctl"}, {"option", args[stop]}, {"help", "subsidyctl --help"}});
}

int Registry::Run(Context& ctx, const Command& c, std::vector<std::string> positional,
                  const std::vector<std::string>& args) const {
  CLI::App app;
  app.set_help_flag();
  app.allow_extras();  // the words among the options: positional, in order
  std::multimap<std::string, std::string> values;
  const auto switches = AddCommandOptions(app, c, values);
  AddGlobalOptions(app, ctx);
  const std::string path = absl::StrJoin(c.path, " ");
  const size_t stop = FirstStop(app, args, true);
  try {
    app.parse(Marked(args, 0, stop));
  } catch (const NoValue& e) {
    if (e.global) return ctx.Usage(kCliUsageUnknownOption, {{"command", path}, {"option", "--" + e.name}, {"help", "--help"}});
    return ctx.Usage(kCliUsageNeedsValue, {{"option", "--" + e.name}});
  } catch (const BadValue& e) {
    return ctx.Usage(e.code, e.params);
  } catch (const CLI::RequiredError&) {
    // Read to the end: a required option is missing. Else the stop comes first.
    if (stop == args.size()) {
      return ctx.Usage(kCliUsageRequired, {{"command", path}, {"option", "--" + MissingRequired(c, app)}, {"help", "--help"}});
    }
  } catch (const CLI::ParseError& e) {
    return ctx.Usage(kCliUsageInvalid, {{"detail", path + ": " + e.what()}});
  }
  if (stop < args.size()) {
    if (args[stop] == "--help" || args[stop] == "-h") {
      PrintCommandHelp(c, std::cout);
      return 0;
    }
    return ctx.Usage(kCliUsageUnknownOption,
                     {{"command", path}, {"option", args[stop].substr(0, args[stop].find('='))}, {"help", "--help"}});
  }
  if (auto misused = Misused(c, args)) return ctx.Usage(misused->code, misused->params);
  for (const std::string& word : app.remaining()) positional.push_back(word.substr(1));
  for (const auto& [name, option] : switches) {
    for (size_t k = 0; k < option->count(); ++k) values.emplace(name, "true");
  }
  return c.run(ctx, Options(std::move(values), std::move(positional)));
}

const Command* Registry::Find(const std::vector<std::string>& words) const {
  const Command* cmd = nullptr;
  for (const auto& c : commands_) {
    if (c.path.size() <= words.size() && std::equal(c.path.begin(), c.path.end(), words.begin()) &&
        (!cmd || c.path.size() > cmd->path.size())) {
      cmd = &c;
    }
  }
  return cmd;
}

int Registry::NoSuchCommand(const std::vector<std::string>& words) const {
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

int Registry::Main(int argc, char** argv) {
  Context ctx;
  const char* env = std::getenv("SUBSIDY_SERVER");
  ctx.server = env ? env : "127.0.0.1:50051";
  if (const char* t = std::getenv("SUBSIDY_TOKEN")) ctx.token = t;
  if (const char* ca = std::getenv("SUBSIDY_TLS_CA")) ctx.tls_ca = ca;
  const std::vector<std::string> args(argv + 1, argv + argc);
  size_t at = 0;
  if (int rc = ReadGlobalOptions(ctx, args, &at); rc >= 0) return rc;
  std::vector<std::string> words;  // the command, then its positional words, up to the first option
  for (; at < args.size() && !absl::StartsWith(args[at], "--"); ++at) words.push_back(args[at]);
  if (words.empty()) {
    PrintTopHelp(std::cerr);
    return 2;
  }
  const Command* cmd = Find(words);
  if (cmd == nullptr) return NoSuchCommand(words);
  return Run(ctx, *cmd, {words.begin() + static_cast<std::ptrdiff_t>(cmd->path.size()), words.end()},
             {args.begin() + static_cast<std::ptrdiff_t>(at), args.end()});
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

}  // namespace subsidy::cli
