// Structured logs: one JSON object per line on stderr, written with a single write(2) so lines
// from several threads never interleave. No personal data: USCCs are logged masked.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace subsidy::ops {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
bool ParseLogLevel(absl::string_view text, LogLevel* out);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

class LogLine {
 public:
  explicit LogLine(absl::string_view event);
  LogLine& Str(absl::string_view key, absl::string_view value);
  LogLine& Int(absl::string_view key, int64_t value);
  LogLine& Num(absl::string_view key, double value);
  LogLine& Bool(absl::string_view key, bool value);
  // Writes {"time":…,"level":…,"event":…,…} if the level is enabled.
  void Write(LogLevel level);

 private:
  std::string body_;
};

// Lines are handed to a writer thread that writes them in batches (one write(2) per batch, so
// lines never interleave and the RPC path never waits on stderr). FlushLogs() writes what is
// queued; the server calls it before exiting.
void FlushLogs();

// Sends what gRPC and protobuf print (normally plain lines on stderr) through this JSON log,
// as event "library" with the library, file, line and message.
void RouteLibraryLogs();

std::string JsonEscape(absl::string_view s);
// "OK", "INVALID_ARGUMENT", … (a static string: usable as a cache key).
const char* StatusCodeName(int code);
// "91440300********16": enough to tell records apart, not enough to identify the firm.
std::string MaskUscc(absl::string_view uscc);

}  // namespace subsidy::ops
