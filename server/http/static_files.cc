#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/status/status.h"

namespace subsidy::http {
namespace {

const char* ContentTypeOf(const std::filesystem::path& path) {
  static const std::map<std::string, const char*> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
      {".svg", "image/svg+xml"},             {".png", "image/png"},
      {".ico", "image/x-icon"},              {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},          {".woff2", "font/woff2"}};
  auto it = kTypes.find(path.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace

absl::StatusOr<std::map<std::string, StaticFile>> LoadStaticFiles(const std::string& dir) {
  std::map<std::string, StaticFile> out;
  if (dir.empty()) return out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError("--web_dir " + dir + " is not a directory (build the console: cmake --build build)");
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return absl::UnavailableError("cannot read " + entry.path().string());
    const std::string rel = std::filesystem::relative(entry.path(), dir).generic_string();
    out["/" + rel] = StaticFile{ContentTypeOf(entry.path()), std::move(bytes)};
  }
  if (ec) return absl::UnavailableError("cannot read --web_dir " + dir + ": " + ec.message());
  return out;
}

}  // namespace subsidy::http
