#include "ids/canonical.h"

#include <algorithm>
#include <cstdio>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace subsidy {
namespace {

// A character that controls layout instead of showing one: refused in any text a person reads.
bool ControlsLayout(UChar32 c) {
  switch (u_charType(c)) {
    case U_CONTROL_CHAR:         // Cc
    case U_FORMAT_CHAR:          // Cf: zero-width space and joiners, BOM, bidi marks
    case U_LINE_SEPARATOR:       // Zl
    case U_PARAGRAPH_SEPARATOR:  // Zp
      return true;
    default:
      return false;
  }
}

// A character that shows nothing or controls layout: refused inside an identifier.
bool Invisible(UChar32 c) {
  if (ControlsLayout(c)) return true;
  switch (u_charType(c)) {
    case U_PRIVATE_USE_CHAR:    // Co
    case U_SURROGATE:           // Cs
    case U_UNASSIGNED:          // Cn
      return true;
    default:
      break;
  }
  // Default-ignorable code points that are not Cf (e.g. U+115F HANGUL CHOSEONG FILLER).
  return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace

absl::Status CheckShownText(absl::string_view text, absl::string_view field) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) return absl::OkStatus();
  const icu::UnicodeString in =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (in.indexOf(static_cast<UChar32>(0xFFFD)) >= 0) return InvalidField(field, "is not valid UTF-8");
  for (int32_t i = 0; i < in.length(); i = in.moveIndex32(i, 1)) {
    const UChar32 c = in.char32At(i);
    if (ControlsLayout(c)) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(c));
      return InvalidField(field, absl::StrCat("holds a control or layout character (", hex,
                                              "): a line break, a tab, a direction mark"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CanonicalId> CanonicalizeId(absl::string_view raw, absl::string_view field, size_t max_bytes) {
  // Printable ASCII without spaces is its own NFKC form, and its case folding is lower case: the
  // common id (a bank's LN2024-000123) needs no ICU (a claim reads one per loan, 100,000 at a time).
  if (!raw.empty() && raw.size() <= max_bytes &&
      std::all_of(raw.begin(), raw.end(), [](char c) { return c > 0x20 && c < 0x7f; })) {
    return CanonicalId{std::string(raw), absl::AsciiStrToLower(raw)};
  }
  UErrorCode error = U_ZERO_ERROR;
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(raw.data(), static_cast<int32_t>(raw.size())));
  // Bytes that are not UTF-8 come back as U+FFFD; refuse rather than guess.
  if (in.indexOf(static_cast<UChar32>(0xFFFD)) >= 0) return InvalidField(field, "is not valid UTF-8");
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(error);
  const icu::Normalizer2* folded = icu::Normalizer2::getNFKCCasefoldInstance(error);
  if (U_FAILURE(error)) return absl::InternalError("ICU's NFKC data is missing");
  icu::UnicodeString text = nfkc->normalize(in, error);
  if (U_FAILURE(error)) return InvalidField(field, "cannot be normalised (NFKC)");
  // Trim white space at both ends (U+3000 is a space after NFKC already).
  int32_t start = 0, end = text.length();
  while (start < end && u_isUWhiteSpace(text.char32At(start))) start = text.moveIndex32(start, 1);
  while (end > start && u_isUWhiteSpace(text.char32At(text.moveIndex32(end, -1)))) end = text.moveIndex32(end, -1);
  text = icu::UnicodeString(text, start, end - start);
  if (text.isEmpty()) return RequiredField(field);
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    const UChar32 c = text.char32At(i);
    if (Invisible(c)) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(c));
      return InvalidField(field, absl::StrCat("contains an invisible or control character (", hex, ")"));
    }
  }
  // The key also reads every dash as a hyphen and ignores white space and combining marks inside:
  // LN‐1, LN–1, LN−1, "LN 1" and L̀N-1 are LN-1 (the spelling shown keeps them).
  icu::UnicodeString plain;
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    const UChar32 c = text.char32At(i);
    if (u_isUWhiteSpace(c) || u_charType(c) == U_NON_SPACING_MARK) continue;
    plain.append(u_charType(c) == U_DASH_PUNCTUATION || c == 0x2212 ? static_cast<UChar32>('-') : c);
  }
  CanonicalId out{Utf8(text), Utf8(folded->normalize(plain, error))};
  if (U_FAILURE(error)) return InvalidField(field, "cannot be case-folded");
  if (out.text.size() > max_bytes) return InvalidField(field, absl::StrCat("at most ", max_bytes, " bytes"));
  return out;
}

std::string IdKey(absl::string_view text) {
  auto id = CanonicalizeId(text, "id", text.size() + 64);
  return id.ok() ? id->key : std::string(text);
}

absl::StatusOr<std::string> CanonicalCode(absl::string_view raw, absl::string_view field, size_t max_bytes) {
  auto id = CanonicalizeId(raw, field, max_bytes);
  if (!id.ok()) return id.status();
  return absl::AsciiStrToUpper(id->text);
}

}  // namespace subsidy
