#include "cells.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/status_util.h"
#include "money/rate.h"
#include "time/date.h"

namespace subsidy::formats {

absl::Status CellError(absl::string_view reason, absl::string_view value, absl::string_view message) {
  return WithParams(WithReason(absl::InvalidArgumentError(message), reason), {{"value", std::string(value)}});
}

namespace {

constexpr absl::string_view kNoBreakSpace = "\xC2\xA0";          // U+00A0
constexpr absl::string_view kIdeographicSpace = "\xE3\x80\x80";  // U+3000
constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";     // U+FEFF

// The length of an invisible character at the start (or, with `at_end`, the end) of `s`; 0 if none.
size_t InvisibleAt(absl::string_view s, bool at_end) {
  if (s.empty()) return 0;
  if (absl::ascii_isspace(static_cast<unsigned char>(at_end ? s.back() : s.front()))) return 1;
  for (absl::string_view mark : {kNoBreakSpace, kIdeographicSpace, kByteOrderMark}) {
    if (at_end ? absl::EndsWith(s, mark) : absl::StartsWith(s, mark)) return mark.size();
  }
  return 0;
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// Reads 1..max_digits digits at the front of `s`, advancing it.
bool TakeNumber(absl::string_view& s, size_t min_digits, size_t max_digits, int* out) {
  size_t n = 0;
  int v = 0;
  while (n < s.size() && n < max_digits && absl::ascii_isdigit(static_cast<unsigned char>(s[n]))) {
    v = v * 10 + (s[n] - '0');
    ++n;
  }
  if (n < min_digits || (n < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[n])))) return false;
  s.remove_prefix(n);
  *out = v;
  return true;
}

struct Ymd {
  int year = 0, month = 0, day = 0;
};

// The forms with separators: YYYY-M-D, YYYY/M/D, YYYY.M.D (one separator throughout), YYYY年M月D日.
bool SeparatedYmd(absl::string_view s, Ymd* out) {
  if (!TakeNumber(s, 4, 4, &out->year)) return false;
  absl::string_view second_sep, end;  // the separator after the month; what ends the date
  if (absl::ConsumePrefix(&s, "年")) {
    second_sep = "月", end = "日";
  } else if (!s.empty() && (s[0] == '-' || s[0] == '/' || s[0] == '.')) {
    second_sep = s.substr(0, 1);
    s.remove_prefix(1);
  } else {
    return false;
  }
  if (!TakeNumber(s, 1, 2, &out->month) || !absl::ConsumePrefix(&s, second_sep)) return false;
  if (!TakeNumber(s, 1, 2, &out->day)) return false;
  if (!end.empty() && !absl::ConsumePrefix(&s, end)) return false;
  return s.empty();
}

}  // namespace

absl::string_view TrimCell(absl::string_view text) {
  while (size_t n = InvisibleAt(text, false)) text.remove_prefix(n);
  while (size_t n = InvisibleAt(text, true)) text.remove_suffix(n);
  return text;
}

bool IsBlankCell(absl::string_view text) { return TrimCell(text).empty(); }

std::string FoldFullWidth(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 == 0xEF && i + 2 < text.size()) {
      // U+FF01..U+FF5E are EF BC 81..EF BC BF and EF BD 80..EF BD 9E; each is its ASCII − 0xFEE0.
      const auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
      const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if ((b1 == 0xBC || b1 == 0xBD) && (b2 & 0xC0) == 0x80 && cp >= 0xFF01 && cp <= 0xFF5E) {
        out += static_cast<char>(cp - 0xFEE0);
        i += 2;
        continue;
      }
    }
    if (text.substr(i, kIdeographicSpace.size()) == kIdeographicSpace) {
      out += ' ';
      i += kIdeographicSpace.size() - 1;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string HeaderKey(absl::string_view written) {
  std::string key = absl::StrReplaceAll(FoldFullWidth(written), {{kNoBreakSpace, ""}, {kByteOrderMark, ""}});
  key.erase(std::remove_if(key.begin(), key.end(),
                           [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }),
            key.end());
  absl::AsciiStrToLower(&key);
  return key;
}

absl::StatusOr<std::string> NormalizeDate(absl::string_view text) {
  const absl::string_view cell = TrimCell(text);
  const std::string folded = FoldFullWidth(cell);
  const absl::string_view s = TrimCell(folded);
  Ymd ymd;
  const bool compact = s.size() == 8 && AllDigits(s);
  if (compact) {
    ymd = {(s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'),
           (s[4] - '0') * 10 + (s[5] - '0'), (s[6] - '0') * 10 + (s[7] - '0')};
  }
  if (!compact && !SeparatedYmd(s, &ymd)) {
    if (s.size() == 5 && AllDigits(s)) {
      return CellError(kCellExcelDayNumber, cell,
                       absl::StrCat("\"", cell,
                                    "\" is Excel's number for a day, not a date: format the column as a date before saving"));
    }
    return CellError(kCellNotDate, cell,
                     absl::StrCat("not a date: \"", cell, "\" (write 2024-03-05, 2024/3/5, 20240305 or 2024年3月5日)"));
  }
  auto date = Date::FromYmd(ymd.year, ymd.month, ymd.day);
  if (!date.ok()) {
    return CellError(kCellNoSuchDate, cell, absl::StrCat("no such date: \"", cell, "\" (", date.status().message(), ")"));
  }
  return date->ToString();
}

absl::StatusOr<std::string> NormalizeRatePercent(absl::string_view text) {
  const std::string folded = FoldFullWidth(TrimCell(text));
  absl::string_view s = TrimCell(folded);
  const bool percent_sign = absl::ConsumeSuffix(&s, "%");
  if (percent_sign) s = TrimCell(s);
  auto rate = Rate::Parse(s);
  if (!rate.ok()) {
    return CellError(kCellNotRate, TrimCell(text),
                     absl::StrCat(rate.status().message(), " (write the annual rate in percent: 4.35 or 4.35%)"));
  }
  // A bank's system may export 3.95 % as the fraction 0.0395: read as a percentage it would be a
  // hundredth of the rate, and the subsidy with it. No loan is lent at under 1 % a year: such a
  // rate must carry its % sign to be believed.
  if (!percent_sign && Rate::Zero() < *rate && *rate < *Rate::Parse("1")) {
    return CellError(kCellRateAsFraction, TrimCell(text),
                     absl::StrCat("\"", TrimCell(text), "\" looks like a fraction, not a percentage (3.95 % is written "
                                  "3.95; a rate under 1 % is written with its % sign)"));
  }
  return rate->ToString();  // one form for one rate: 3.950 and 3.95% are both 3.95
}

std::optional<int64_t> ParseWholeNumber(absl::string_view text) {
  const std::string folded = FoldFullWidth(TrimCell(text));
  const absl::string_view s = TrimCell(folded);
  std::string digits;
  if (s.find(',') != absl::string_view::npos) {
    // Grouped by thousands: 1 to 3 digits, then groups of exactly 3.
    const size_t head = s.find(',');
    if (head == 0 || head > 3 || (s.size() - head) % 4 != 0) return std::nullopt;
    for (size_t i = head; i < s.size(); i += 4) {
      if (s[i] != ',' || !AllDigits(s.substr(i + 1, 3))) return std::nullopt;
    }
  }
  for (char c : s) {
    if (c != ',') digits += c;
  }
  if (!AllDigits(digits) || !AllDigits(s.substr(0, s.find(',')))) return std::nullopt;
  auto value = ParseNonNegativeInteger(digits);
  if (!value.ok()) return std::nullopt;
  return *value;
}

absl::StatusOr<int64_t> YuanToFen(absl::string_view text) {
  const std::string folded = FoldFullWidth(TrimCell(text));
  absl::string_view s = TrimCell(folded);
  const absl::string_view cell = s;
  if (!absl::ConsumePrefix(&s, "¥")) absl::ConsumePrefix(&s, "￥");  // U+00A5, U+FFE5
  if (absl::ConsumeSuffix(&s, "元")) s = TrimCell(s);
  const size_t dot = s.find('.');
  const absl::string_view fraction = dot == absl::string_view::npos ? "" : s.substr(dot + 1);
  const std::optional<int64_t> whole = ParseWholeNumber(s.substr(0, dot));
  if (!whole || (dot != absl::string_view::npos && !AllDigits(fraction))) {
    return CellError(kCellNotAmount, cell, absl::StrCat("not an amount in 元: \"", cell, "\""));
  }
  if (fraction.size() > 2) {
    return CellError(kCellTooManyDecimals, cell,
                     absl::StrCat("\"", cell, "\" has more than two decimals (元 to the 分, nothing smaller)"));
  }
  constexpr int64_t kMaxWhole = (std::numeric_limits<int64_t>::max() - 99) / 100;
  if (*whole > kMaxWhole) return CellError(kCellAmountTooLarge, cell, absl::StrCat("amount too large: \"", cell, "\""));
  int64_t fen = *whole * 100;
  if (fraction.size() >= 1) fen += (fraction[0] - '0') * 10;
  if (fraction.size() == 2) fen += fraction[1] - '0';
  return fen;
}

}  // namespace subsidy::formats
