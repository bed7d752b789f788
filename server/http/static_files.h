// The console's files (--web_dir), read once at start and served from memory: no request's path
// ever reaches the disk. Internal to the HTTP front.
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace subsidy::http {

struct StaticFile {
  std::string content_type;
  std::string bytes;
};

// Every regular file under `dir`, by its URL path ("/app.js"); empty `dir`: none.
absl::StatusOr<std::map<std::string, StaticFile>> LoadStaticFiles(const std::string& dir);

}  // namespace subsidy::http
