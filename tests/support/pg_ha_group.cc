#include "support/pg_ha_group.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace subsidy::testing {

absl::StatusOr<std::string> PgHaGroup::Run(const std::string& command) const {
  const std::string line = absl::StrCat("bash '", SUBSIDY_SOURCE_DIR, "/scripts/pg-ha.sh' ", command, " '", dir_,
                                        "' 2>>'", dir_, "/pg-ha.err'");
  FILE* out = popen(line.c_str(), "r");
  if (out == nullptr) return absl::InternalError("cannot run scripts/pg-ha.sh");
  std::string text;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, out)) > 0;) text.append(buf, n);
  const int status = pclose(out);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string err;
    if (FILE* f = fopen((dir_ + "/pg-ha.err").c_str(), "r")) {
      for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) err.append(buf, n);
      fclose(f);
    }
    const std::string message = absl::StrCat("scripts/pg-ha.sh ", command, " failed: ", err);
    return WIFEXITED(status) && WEXITSTATUS(status) == 78 ? absl::FailedPreconditionError(message)
                                                          : absl::InternalError(message);
  }
  return std::string(absl::StripTrailingAsciiWhitespace(text));
}

absl::StatusOr<std::unique_ptr<PgHaGroup>> PgHaGroup::Start() {
  char tmpl[] = "/tmp/subsidy-pg-ha-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  std::unique_ptr<PgHaGroup> group(new PgHaGroup(tmpl));
  auto url = group->Run("start");
  if (!url.ok()) return url.status();
  group->url_ = *url;
  return group;
}

PgHaGroup::~PgHaGroup() {
  (void)Run("stop");
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

absl::StatusOr<std::string> PgHaGroup::KillPrimary() { return Run("kill-primary"); }

std::string PgHaGroup::State() const {
  auto state = Run("state");
  return state.ok() ? *state : std::string(state.status().message());
}

}  // namespace subsidy::testing
