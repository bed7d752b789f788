// Helpers shared by the storage backends.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace subsidy::storage {

std::string NowUtc();  // "2026-11-26T15:48:16.123456Z"
std::string EncodeReasons(const std::vector<std::pair<std::string, std::string>>& reasons);
std::vector<std::pair<std::string, std::string>> DecodeReasons(const std::string& text);

}  // namespace subsidy::storage
