#include "policy/message_catalogue.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace subsidy {
namespace {

bool IsNameStart(char c) { return c >= 'a' && c <= 'z'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '_'; }

// Every parameter of the text is in `params`.
bool Fits(const MessageTemplate& t, const StatusParams& params) {
  return std::all_of(t.params.begin(), t.params.end(), [&](const std::string& p) { return params.count(p) > 0; });
}

std::string Fill(const std::vector<MessageTemplate::Piece>& pieces, const StatusParams& params) {
  std::string out;
  for (const auto& p : pieces) {
    if (!p.is_param) {
      out += p.text;
      continue;
    }
    auto it = params.find(p.text);
    out += it == params.end() ? "" : it->second;
  }
  return out;
}

}  // namespace

const char* LocaleOf(Language language) { return language == Language::kEn ? "en" : "zh-CN"; }

Language LanguageOf(absl::string_view tag) {
  return absl::StartsWithIgnoreCase(absl::StripAsciiWhitespace(tag), "en") ? Language::kEn : Language::kZhCn;
}

absl::StatusOr<std::vector<MessageTemplate::Piece>> ParseMessageTemplate(absl::string_view text) {
  std::vector<MessageTemplate::Piece> out;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') return absl::InvalidArgumentError(absl::StrCat("a '}' at byte ", i, " closes no {parameter}"));
    if (c != '{') {
      literal += c;
      continue;
    }
    const size_t end = text.find('}', i);
    const absl::string_view name = end == absl::string_view::npos ? "" : text.substr(i + 1, end - i - 1);
    if (name.empty() || !IsNameStart(name[0]) || !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return absl::InvalidArgumentError(
          absl::StrCat("a '{' at byte ", i, " opens no {parameter} (a lower_snake name, then '}')"));
    }
    if (!literal.empty()) out.push_back({std::move(literal), false});
    literal.clear();
    out.push_back({std::string(name), true});
    i = end;
  }
  if (!literal.empty()) out.push_back({std::move(literal), false});
  return out;
}

void MessageCatalogue::Add(MessageKind kind, std::string code, std::vector<MessageTemplate> texts) {
  entries_[static_cast<size_t>(kind)][std::move(code)] = std::move(texts);
}

std::optional<std::string> MessageCatalogue::RenderStatus(const absl::Status& status, Language language) const {
  StatusParams params = ParamsOf(status);
  if (auto field = FieldOf(status)) params.emplace("field", *field);
  if (auto reason = ReasonOf(status)) {
    if (auto text = Render(MessageKind::kReason, *reason, language, params)) return text;
  }
  // A refusal by its status code alone keeps what was wrong, so that the person reading it need
  // not ask again.
  absl::string_view detail = status.message();
  if (auto field = FieldOf(status); field && absl::StartsWith(detail, *field + ": ")) {
    detail.remove_prefix(field->size() + 2);
  }
  if (!detail.empty()) params.emplace("detail", std::string(detail));
  return Render(MessageKind::kStatusCode, absl::StatusCodeToString(status.code()), language, params);
}

std::optional<std::string> MessageCatalogue::Render(MessageKind kind, absl::string_view code, Language language,
                                                    const StatusParams& params) const {
  const auto& entries = Of(kind);
  auto it = entries.find(code);
  if (it == entries.end()) return std::nullopt;
  for (const auto& t : it->second) {
    if (Fits(t, params)) return Fill(language == Language::kEn ? t.en : t.zh_cn, params);
  }
  return std::nullopt;  // the loader requires a last text without parameters: not reached
}

bool MessageCatalogue::Has(MessageKind kind, absl::string_view code) const {
  return Of(kind).find(code) != Of(kind).end();
}

std::vector<std::string> MessageCatalogue::Codes(MessageKind kind) const {
  std::vector<std::string> out;
  for (const auto& [code, texts] : Of(kind)) out.push_back(code);
  return out;
}

}  // namespace subsidy
