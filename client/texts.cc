#include "texts.h"

#include <algorithm>
#include <iostream>

#include "policy/policy_loaders.h"

namespace subsidy::embedded {
extern const char kMessages[];
}

namespace subsidy::cli {

const MessageCatalogue* Catalogue() {
  static const MessageCatalogue* const k = []() -> const MessageCatalogue* {
    auto loaded = policy_loaders::LoadMessagesText("data/messages.textproto (built in)", embedded::kMessages);
    if (!loaded.ok()) {
      std::cerr << "subsidyctl: " << loaded.status().message() << "\n";
      return nullptr;
    }
    return new MessageCatalogue(*std::move(loaded));
  }();
  return k;
}

std::string Text(absl::string_view code, const std::string& language, const StatusParams& params,
                 absl::string_view fallback) {
  if (const MessageCatalogue* messages = Catalogue()) {
    if (auto text = messages->Render(MessageKind::kReason, code, LanguageOf(language), params)) return *text;
  }
  return std::string(fallback);
}

std::string StatusText(const std::string& language, const absl::Status& status) {
  StatusParams params = ParamsOf(status);
  if (auto field = FieldOf(status)) params.emplace("field", *field);
  return Text(ReasonOf(status).value_or(""), language, params, status.message());
}

std::string RefusalText(const std::string& language, const absl::Status& status) {
  if (const MessageCatalogue* messages = Catalogue()) {
    if (auto text = messages->RenderStatus(status, LanguageOf(language))) return *text;
  }
  return std::string(status.message());
}

std::string Say(const std::string& language, absl::string_view code, const StatusParams& params) {
  return Text(code, language, params, code);
}

std::string Word(const std::string& language, const std::map<std::string, const char*>& words, const std::string& name) {
  auto it = words.find(name);
  return it == words.end() ? name : Say(language, it->second);
}

std::string Cell(const std::string& text, int width) {
  int columns = 0;
  for (unsigned char c : text) columns += (c & 0xC0) == 0x80 ? 0 : (c >= 0xE0 ? 2 : 1);
  return text + std::string(static_cast<size_t>(std::max(0, width - columns)), ' ');
}

}  // namespace subsidy::cli
