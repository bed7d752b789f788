// Identifiers compared in one canonical form (API.md "Identifiers"): Unicode NFKC (so a
// full-width ＬＶ１ is LV1), trimmed, and refused when they hold an invisible or control
// character (a zero-width space, a BOM, a line break) — INVALID_ARGUMENT naming the field. Two
// spellings are the same identifier when their keys (NFKC case-folded) are equal; the caller's
// spelling (the canonical form, case kept) is what is shown. The key also reads every dash as a
// hyphen and ignores white space and combining marks. Look-alikes across scripts (a Cyrillic А for
// a Latin A) are not folded: bureau codes are ASCII only; a bank's loan ids are its own.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace subsidy {

struct CanonicalId {
  std::string text;  // NFKC, trimmed: the spelling kept for display
  std::string key;   // NFKC case-folded: what uniqueness is decided on
};

// Free text a person reads as it was written (a payee's name, bank or account): INVALID_ARGUMENT
// naming the field when it is not UTF-8 or holds a character that controls layout instead of
// showing one (Cc, Cf, Zl, Zp: a line break, a tab, NUL, a direction mark, a zero-width space), so
// that what is shown cannot be split or reordered. Any other character passes as it is (a rare
// name's private-use character included).
absl::Status CheckShownText(absl::string_view text, absl::string_view field);

// `max_bytes` bounds the canonical text. An empty result is INVALID_ARGUMENT ("is required").
absl::StatusOr<CanonicalId> CanonicalizeId(absl::string_view raw, absl::string_view field, size_t max_bytes = 64);

// The key alone, for a text already canonical (or read back from the database).
std::string IdKey(absl::string_view text);

// A code the bureau assigns (a school, bank, fund, recipient or policy id, an id this service
// makes): canonical, then ASCII letters in upper case, so that 110106-ft001 is 110106-FT001.
absl::StatusOr<std::string> CanonicalCode(absl::string_view raw, absl::string_view field, size_t max_bytes = 64);

}  // namespace subsidy
