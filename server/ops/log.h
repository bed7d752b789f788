// Structured logs: one JSON object per line on stderr, written with a single write(2) so lines
// from several threads never interleave. No personal data: USCCs are logged masked, citizen IDs
// not at all (MaskPersonalData, applied to every string value).
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

// `text` with every identifier of a firm or a person in it masked; every string a LogLine
// carries passes through it. An 18-character token (letters and digits between other
// characters) that reads as a USCC — GB 32100's characters, either case, the 3rd to 8th (the
// region code) digits — is shown as MaskUscc shows it; one that reads as a citizen ID (17 digits
// and a digit or X) is starred whole (citizen IDs are never logged). Inside a longer run of
// letters and digits (a request_id such as "DET91350100M000100Y43"), any 18 characters that are a
// valid USCC or citizen ID (check character) are masked the same way. Nothing else changes.
std::string MaskPersonalData(absl::string_view text);

// "************1234": a payee's bank account by its last 4 characters only (every other letter
// or digit starred, separators kept); an account of 4 letters and digits or fewer is starred whole.
std::string MaskAccount(absl::string_view account);

}  // namespace subsidy::ops
