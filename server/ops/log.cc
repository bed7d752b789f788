#include "ops/log.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include <cmath>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "absl/synchronization/mutex.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ids/ids.h"

namespace subsidy::ops {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

void WriteAll(const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// The writer: a bounded buffer of pending text and one thread that drains it.
class Writer {
 public:
  static Writer& Get() {
    static auto* w = new Writer();  // lives for the process: lines may come until exit
    return *w;
  }
  void Add(std::string&& line) {
    absl::MutexLock l(&mu_);
    if (pending_.size() + line.size() > kMaxPending) {
      ++dropped_;
      return;
    }
    pending_ += line;
  }
  void Flush() {
    std::string batch;
    uint64_t dropped;
    {
      absl::MutexLock l(&mu_);
      batch.swap(pending_);
      dropped = dropped_;
      dropped_ = 0;
    }
    if (dropped > 0) {
      absl::StrAppend(&batch, "{\"level\":\"warning\",\"event\":\"log_lines_dropped\",\"count\":", dropped, "}\n");
    }
    if (!batch.empty()) WriteAll(batch);
  }

 private:
  static constexpr size_t kMaxPending = 32 << 20;
  static constexpr size_t kBatch = 64 << 10;
  Writer() {
    std::thread([this] {
      for (;;) {
        // Wake for a full buffer or every 100 ms, not for every line: a quiet call path
        // should not pay a thread switch per log line.
        {
          absl::MutexLock l(&mu_);
          const auto full = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pending_.size() >= kBatch; };
          mu_.AwaitWithTimeout(absl::Condition(&full), absl::Milliseconds(100));
        }
        Flush();
      }
    }).detach();
  }
  absl::Mutex mu_;
  std::string pending_ ABSL_GUARDED_BY(mu_);
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};
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

const char* StatusCodeName(int code) {
  static const char* kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                 "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                 "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

std::string JsonEscape(absl::string_view s) {
  bool plain = true;
  for (unsigned char c : s) plain &= c >= 0x20 && c != '"' && c != '\\';
  if (plain) return std::string(s);
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

namespace {
constexpr size_t kIdLength = 18;  // a USCC's and a citizen ID's

bool Digits(absl::string_view s) { return std::all_of(s.begin(), s.end(), absl::ascii_isdigit); }
// GB 32100's characters, either case: digits and letters except I, O, S, V and Z.
bool UsccChar(char c) {
  c = absl::ascii_toupper(static_cast<unsigned char>(c));
  return absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
         (c >= 'A' && c <= 'Y' && c != 'I' && c != 'O' && c != 'S' && c != 'V');
}
// 18 such characters, the 3rd to 8th (the region code) digits. Citizen IDs read so too.
bool UsccShaped(absl::string_view t) {
  return t.size() == kIdLength && std::all_of(t.begin(), t.end(), UsccChar) && Digits(t.substr(2, 6));
}
// 17 digits and a digit or X.
bool CitizenShaped(absl::string_view t) {
  return t.size() == kIdLength && Digits(t.substr(0, 17)) && (absl::ascii_isdigit(t[17]) || t[17] == 'X' || t[17] == 'x');
}
std::string MaskedId(absl::string_view id) { return CitizenShaped(id) ? std::string(kIdLength, '*') : MaskUscc(id); }

// The masked text, or nothing when there is nothing to mask (the common case: no copy).
std::optional<std::string> MaskedText(absl::string_view text) {
  std::optional<std::string> out;
  if (text.size() < kIdLength) return out;
  size_t i = 0;
  while (i < text.size()) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && absl::ascii_isalnum(static_cast<unsigned char>(text[end]))) ++end;
    const absl::string_view run = text.substr(i, end - i);
    const auto mask = [&](size_t at) {
      if (!out) out = std::string(text);
      out->replace(i + at, kIdLength, MaskedId(run.substr(at, kIdLength)));
    };
    if (run.size() == kIdLength) {
      if (UsccShaped(run)) mask(0);
    } else if (run.size() > kIdLength) {
      for (size_t at = 0; at + kIdLength <= run.size();) {
        const absl::string_view w = run.substr(at, kIdLength);
        if (UsccShaped(w) && (ValidateUscc(w).ok() || ValidateCitizenId(w).ok())) {
          mask(at);
          at += kIdLength;
        } else {
          ++at;
        }
      }
    }
    i = end;
  }
  return out;
}
}  // namespace

std::string MaskPersonalData(absl::string_view text) {
  auto masked = MaskedText(text);
  return masked ? *std::move(masked) : std::string(text);
}

std::string MaskAccount(absl::string_view account) {
  const auto separator = [](char c) { return c == ' ' || c == '-'; };
  std::string out(account);
  const auto characters = std::count_if(account.begin(), account.end(), [&](char c) { return !separator(c); });
  int keep = characters > 4 ? 4 : 0;
  for (size_t i = out.size(); i-- > 0;) {
    if (separator(out[i])) continue;
    if (keep > 0) {
      --keep;
      continue;
    }
    out[i] = '*';
  }
  return out;
}

LogLine::LogLine(absl::string_view event) {
  body_.reserve(256);  // one allocation for a typical line
  absl::StrAppend(&body_, ",\"event\":\"", JsonEscape(event), "\"");
}

LogLine& LogLine::Str(absl::string_view key, absl::string_view value) {
  const std::optional<std::string> masked = MaskedText(value);
  if (masked) value = *masked;
  bool plain = true;
  for (unsigned char c : value) plain &= c >= 0x20 && c != '"' && c != '\\';
  absl::StrAppend(&body_, ",\"", key, "\":\"", plain ? value : absl::string_view(JsonEscape(value)), "\"");
  return *this;
}
LogLine& LogLine::Int(absl::string_view key, int64_t value) {
  absl::StrAppend(&body_, ",\"", key, "\":", value);
  return *this;
}
LogLine& LogLine::Num(absl::string_view key, double value) {
  // Three decimals, formatted by hand (this runs once per RPC): thousandths, rounded half-up.
  const double thousandths = value * 1000 + (value < 0 ? -0.5 : 0.5);
  if (!(std::abs(thousandths) < 9e15)) {
    absl::StrAppendFormat(&body_, ",\"%s\":%.3f", key, value);
    return *this;
  }
  const auto t = static_cast<int64_t>(thousandths);
  const int64_t whole = std::abs(t) / 1000, frac = std::abs(t) % 1000;
  absl::StrAppend(&body_, ",\"", key, "\":", t < 0 ? "-" : "", whole, ".", frac < 100 ? "0" : "", frac < 10 ? "0" : "",
                  frac);
  return *this;
}
LogLine& LogLine::Bool(absl::string_view key, bool value) {
  absl::StrAppend(&body_, ",\"", key, "\":", value ? "true" : "false");
  return *this;
}

namespace {
// "2026-11-26T15:48:16.123Z", formatting the seconds once per second per thread.
std::string Timestamp() {
  thread_local int64_t cached_second = -1;
  thread_local std::string prefix;
  const int64_t ms = absl::ToUnixMillis(absl::Now());
  const int64_t second = ms / 1000;
  if (second != cached_second) {
    cached_second = second;
    prefix = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second), absl::UTCTimeZone());
  }
  const int frac = static_cast<int>(ms % 1000);
  std::string out = prefix;
  out += '.';
  out += static_cast<char>('0' + frac / 100);
  out += static_cast<char>('0' + frac / 10 % 10);
  out += static_cast<char>('0' + frac % 10);
  out += 'Z';
  return out;
}
}  // namespace

void LogLine::Write(LogLevel level) {
  if (!LogEnabled(level)) return;
  std::string line;
  line.reserve(body_.size() + 64);
  absl::StrAppend(&line, "{\"time\":\"", Timestamp(), "\",\"level\":\"", LevelName(level), "\"", body_, "}\n");
  Writer::Get().Add(std::move(line));
  // Problems are written at once: they may be the last thing the process says.
  if (level >= LogLevel::kWarning) Writer::Get().Flush();
}

void FlushLogs() { Writer::Get().Flush(); }

namespace {
void LibraryLine(const char* library, LogLevel level, const char* file, int line, absl::string_view message) {
  LogLine("library").Str("library", library).Str("file", file ? file : "").Int("line", line).Str("message", message).Write(
      level);
}
}  // namespace

void RouteLibraryLogs() {
  gpr_set_log_function([](gpr_log_func_args* a) {
    // gRPC's INFO lines are its chatter (channel and resolver internals): debug here.
    const LogLevel level = a->severity == GPR_LOG_SEVERITY_ERROR ? LogLevel::kError : LogLevel::kDebug;
    LibraryLine("grpc", level, a->file, a->line, a->message ? a->message : "");
  });
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel pl, const char* file, int line, const std::string& message) {
        const LogLevel level = pl >= google::protobuf::LOGLEVEL_ERROR     ? LogLevel::kError
                               : pl == google::protobuf::LOGLEVEL_WARNING ? LogLevel::kWarning
                                                                          : LogLevel::kInfo;
        LibraryLine("protobuf", level, file, line, message);
      });
}

}  // namespace subsidy::ops
