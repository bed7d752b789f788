// What a person reads, from data/messages.textproto: for every reason code, fund alert kind and
// gRPC status code, a message in 简体中文 (zh-CN, the primary) and in English, each a template
// filled with the error's parameters (common/status_util.h: WithParams). Loaded and validated
// with the rest of the policy data (messages_loader.cc); part of the snapshot, so a reload that
// corrects a text swaps it like any other data.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status_util.h"

namespace subsidy {

// The languages a message is written in. zh-CN is the default: what the service answers unless
// the caller asks for English.
enum class Language { kZhCn, kEn };

// The BCP 47 tag of a language: "zh-CN", "en" (google.rpc.LocalizedMessage.locale).
const char* LocaleOf(Language language);
// A language tag as the caller gave it: English when it starts with "en" (any case: en, en-US,
// EN_gb), else zh-CN.
Language LanguageOf(absl::string_view tag);

// What a message is the message of (the sections of messages.textproto): a refusal's or result's
// reason, a fund alert, an error by its status code, or words written into a record (kRecordText).
enum class MessageKind { kReason, kAlert, kStatusCode, kRecordText };

// One of a code's texts in both languages, split into literal text and {parameter} names.
struct MessageTemplate {
  struct Piece {
    std::string text;
    bool is_param = false;  // text is a parameter name
  };
  std::vector<Piece> zh_cn;
  std::vector<Piece> en;
  std::vector<std::string> params;  // the names both languages use, sorted, each once
};

class MessageCatalogue {
 public:
  // A code's texts, most specific first; the last names no parameter.
  void Add(MessageKind kind, std::string code, std::vector<MessageTemplate> texts);

  // The message of `code` in `language`, from the first text whose every parameter `params`
  // holds; nullopt when the catalogue has no such code.
  std::optional<std::string> Render(MessageKind kind, absl::string_view code, Language language,
                                    const StatusParams& params = {}) const;
  // The text a person reads of `status`: its reason's text filled with its parameters and
  // {field}, else its status code's with {detail}, what was wrong (the service's own words,
  // without the field's name they start with); nullopt when the catalogue has neither.
  std::optional<std::string> RenderStatus(const absl::Status& status, Language language) const;
  bool Has(MessageKind kind, absl::string_view code) const;
  // The codes of a kind, sorted.
  std::vector<std::string> Codes(MessageKind kind) const;

 private:
  const std::map<std::string, std::vector<MessageTemplate>, std::less<>>& Of(MessageKind kind) const {
    return entries_[static_cast<size_t>(kind)];
  }
  // By MessageKind.
  std::array<std::map<std::string, std::vector<MessageTemplate>, std::less<>>, 4> entries_;
};

// A template's text ("资金 {fund_id} 预算不足") as pieces; an error names what is wrong with it
// (a brace that opens no {lower_snake} name, or closes none). For the loader and its tests.
absl::StatusOr<std::vector<MessageTemplate::Piece>> ParseMessageTemplate(absl::string_view text);

}  // namespace subsidy
