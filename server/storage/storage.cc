#include "storage/storage.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "storage/postgres_storage.h"
#include "storage/sqlite_storage.h"
#include "storage/storage_util.h"
#include "common/status_util.h"

namespace subsidy::storage {

std::string NowUtc() { return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()); }

std::string EncodeReasons(const std::vector<std::pair<std::string, std::string>>& reasons) {
  std::string out;
  for (const auto& [code, message] : reasons) absl::StrAppend(&out, code, "\x1f", message, "\x1e");
  return out;
}

std::vector<std::pair<std::string, std::string>> DecodeReasons(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view rec : absl::StrSplit(text, '\x1e', absl::SkipEmpty())) {
    const size_t sep = rec.find('\x1f');
    out.emplace_back(std::string(rec.substr(0, sep)),
                     sep == absl::string_view::npos ? std::string() : std::string(rec.substr(sep + 1)));
  }
  return out;
}

absl::StatusOr<std::string> ReplayOrRefuse(const IdempotencyKey& key, const std::string& stored_method,
                                           const std::string& stored_payload, std::string stored_response) {
  if (stored_method != key.method || stored_payload != key.payload) {
    return WithReason(InvalidField("request_id", "already used for a different request (" + key.method +
                                                     " with another payload, or another method)"),
                      kIdempotencyKeyReused);
  }
  return stored_response;
}

std::string PayoutIdFor(int64_t seq) { return absl::StrFormat("PO-%08d", seq); }

std::optional<int64_t> PayoutSeqFrom(const std::string& payout_id) {
  int64_t seq = 0;
  if (payout_id.size() < 4 || payout_id.rfind("PO-", 0) != 0 || payout_id.size() > 22) return std::nullopt;
  for (size_t i = 3; i < payout_id.size(); ++i) {
    if (payout_id[i] < '0' || payout_id[i] > '9') return std::nullopt;
    seq = seq * 10 + (payout_id[i] - '0');
  }
  if (seq <= 0 || PayoutIdFor(seq) != payout_id) return std::nullopt;
  return seq;
}

absl::StatusOr<std::unique_ptr<Storage>> OpenStorage(const std::string& db, const StorageOptions& options) {
  if (absl::StartsWith(db, "postgres://") || absl::StartsWith(db, "postgresql://")) {
    auto s = PostgresStorage::Open(db, options.pool_size);
    if (!s.ok()) return s.status();
    return std::unique_ptr<Storage>(std::move(*s));
  }
  auto s = SqliteStorage::Open(db);
  if (!s.ok()) return s.status();
  return std::unique_ptr<Storage>(std::move(*s));
}

}  // namespace subsidy::storage
