#include "ids/ids.h"

#include "absl/strings/str_cat.h"

namespace subsidy {
namespace {
constexpr absl::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr absl::string_view kIdChecks = "10X98765432";
}  // namespace

std::optional<char> UsccCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t v = kUsccAlphabet.find(first17[i]);
    if (v == absl::string_view::npos) return std::nullopt;
    sum += static_cast<int>(v) * kUsccWeights[i];
  }
  return kUsccAlphabet[(31 - sum % 31) % 31];
}

absl::Status ValidateUscc(absl::string_view code) {
  if (code.size() != 18) return absl::InvalidArgumentError(absl::StrCat("a USCC has 18 characters, not ", code.size()));
  for (size_t i = 0; i < 18; ++i) {
    const size_t v = kUsccAlphabet.find(code[i]);
    if (v == absl::string_view::npos) {
      const unsigned char c = static_cast<unsigned char>(code[i]);
      return absl::InvalidArgumentError(absl::StrCat(
          "at position ", i + 1, " of 18, ",
          c >= 0x21 && c < 0x7f ? absl::StrCat("'", std::string(1, static_cast<char>(c)), "'") : "a byte that",
          " is not allowed in a USCC (digits and capital letters except I, O, S, V and Z)"));
    }
  }
  const char check = *UsccCheckCharacter(code.substr(0, 17));
  if (code[17] != check) {
    return absl::InvalidArgumentError(
        absl::StrCat("at position 18 of 18, the check character is '", code.substr(17, 1), "', expected '",
                     std::string(1, check), "' (a character before it is mistyped)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCitizenId(absl::string_view id) {
  if (id.size() != 18) return absl::InvalidArgumentError(absl::StrCat("a citizen ID has 18 characters, not ", id.size()));
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') return absl::InvalidArgumentError(absl::StrCat("character ", i + 1, " is not a digit"));
    sum += (id[i] - '0') * kIdWeights[i];
  }
  const char expected = kIdChecks[sum % 11];
  if (id[17] != expected) {
    return absl::InvalidArgumentError(absl::StrCat("citizen ID check character is ", id.substr(17, 1), ", expected ",
                                                   absl::string_view(&expected, 1)));
  }
  return absl::OkStatus();
}

}  // namespace subsidy
