// Helpers shared by the storage backends.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include <utility>
#include <vector>

namespace subsidy::storage {

struct IdempotencyKey;

// The replay rule, for every backend: a request_id seen before with the same method and payload
// answers the stored response; with anything else it is refused (IDEMPOTENCY_KEY_REUSED).
absl::StatusOr<std::string> ReplayOrRefuse(const IdempotencyKey& key, const std::string& stored_method,
                                           const std::string& stored_payload, std::string stored_response);

std::string NowUtc();  // "2026-11-26T15:48:16.123456Z"
std::string EncodeReasons(const std::vector<std::pair<std::string, std::string>>& reasons);
std::vector<std::pair<std::string, std::string>> DecodeReasons(const std::string& text);

}  // namespace subsidy::storage
