#include "ops/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace subsidy::ops {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}
}  // namespace

bool ParseLogLevel(absl::string_view text, LogLevel* out) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    if (text == LevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

std::string JsonEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string MaskUscc(absl::string_view uscc) {
  if (uscc.size() < 10) return std::string(uscc.size(), '*');
  return absl::StrCat(uscc.substr(0, 8), std::string(uscc.size() - 10, '*'), uscc.substr(uscc.size() - 2));
}

LogLine::LogLine(absl::string_view event) { absl::StrAppend(&body_, ",\"event\":\"", JsonEscape(event), "\""); }

LogLine& LogLine::Str(absl::string_view key, absl::string_view value) {
  absl::StrAppend(&body_, ",\"", key, "\":\"", JsonEscape(value), "\"");
  return *this;
}
LogLine& LogLine::Int(absl::string_view key, int64_t value) {
  absl::StrAppend(&body_, ",\"", key, "\":", value);
  return *this;
}
LogLine& LogLine::Num(absl::string_view key, double value) {
  absl::StrAppendFormat(&body_, ",\"%s\":%.3f", key, value);
  return *this;
}
LogLine& LogLine::Bool(absl::string_view key, bool value) {
  absl::StrAppend(&body_, ",\"", key, "\":", value ? "true" : "false");
  return *this;
}

void LogLine::Write(LogLevel level) {
  if (!LogEnabled(level)) return;
  std::string line = absl::StrCat("{\"time\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                                  "\",\"level\":\"", LevelName(level), "\"", body_, "}\n");
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace subsidy::ops
