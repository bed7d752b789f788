#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "policy/message_catalogue.h"
#include "policy/policy_loaders.h"
#include "subsidy/data/v1/messages.pb.h"

namespace subsidy::policy_loaders {
namespace {

namespace pb = ::subsidy::data::v1;

constexpr char kMessagesFile[] = "messages.textproto";

// The names a status_codes entry may have: the gRPC codes but OK.
const std::set<std::string>& StatusCodeNames() {
  static const auto* names = new std::set<std::string>{
      "CANCELLED",         "UNKNOWN",          "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS",    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
      "OUT_OF_RANGE",      "UNIMPLEMENTED",    "INTERNAL",         "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  return *names;
}

bool IsUpperSnake(const std::string& s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z' || s.back() == '_') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '_' && s[i - 1] != '_');
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> ParamNames(const std::vector<MessageTemplate::Piece>& pieces) {
  std::set<std::string> names;
  for (const auto& p : pieces) {
    if (p.is_param) names.insert(p.text);
  }
  return {names.begin(), names.end()};
}

// The Chinese text is Chinese: no Latin letter outside its {parameters}, and some non-ASCII text.
bool ReadsAsChinese(const std::vector<MessageTemplate::Piece>& pieces) {
  bool any_wide = false;
  for (const auto& p : pieces) {
    if (p.is_param) continue;
    for (unsigned char c : p.text) {
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return false;
      any_wide |= c >= 0x80;
    }
  }
  return any_wide;
}

// Text `j` of an entry, both languages.
absl::StatusOr<MessageTemplate> ReadText(const RowError& err, const pb::MessageText& text, int j) {
  const std::string at = absl::StrCat("texts[", j, "]");
  if (text.zh_cn().empty() || text.en().empty()) return err(absl::StrCat(at, " needs both zh_cn and en"));
  auto zh = ParseMessageTemplate(text.zh_cn());
  if (!zh.ok()) return err(absl::StrCat(at, ".zh_cn: ", zh.status().message()));
  auto en = ParseMessageTemplate(text.en());
  if (!en.ok()) return err(absl::StrCat(at, ".en: ", en.status().message()));
  MessageTemplate t{std::move(*zh), std::move(*en), {}};
  t.params = ParamNames(t.zh_cn);
  if (ParamNames(t.en) != t.params) return err(absl::StrCat(at, ": zh_cn and en name different {parameters}"));
  if (!ReadsAsChinese(t.zh_cn)) {
    return err(absl::StrCat(at, ".zh_cn is not Chinese (no Latin letters outside {parameters})"));
  }
  return t;
}

// One section of the file into `out`.
absl::Status ReadSection(const DataFile& f, absl::string_view field,
                         const google::protobuf::RepeatedPtrField<pb::MessageEntry>& entries, MessageKind kind,
                         MessageCatalogue& out) {
  std::set<std::string> seen;
  for (int i = 0; i < entries.size(); ++i) {
    const auto& e = entries.Get(i);
    const std::string what = absl::StrCat(field, "[", i, "] (", e.code(), ")");
    const RowError err{f, field, i, what};
    if (!IsUpperSnake(e.code()) || !seen.insert(e.code()).second) return err("code: UPPER_SNAKE, listed once");
    if (kind == MessageKind::kStatusCode && !StatusCodeNames().count(e.code())) {
      return err("not a gRPC status code name (INVALID_ARGUMENT, NOT_FOUND, …; not OK)");
    }
    if (e.texts().empty()) return err("no texts");
    std::vector<MessageTemplate> texts;
    for (int j = 0; j < e.texts_size(); ++j) {
      auto t = ReadText(err, e.texts(j), j);
      if (!t.ok()) return t.status();
      texts.push_back(std::move(*t));
    }
    if (!texts.back().params.empty()) {
      return err("the last text names no {parameter}, so that the code reads well without any");
    }
    out.Add(kind, e.code(), std::move(texts));
  }
  return absl::OkStatus();
}

absl::StatusOr<MessageCatalogue> ReadCatalogue(const pb::MessageCatalogueData& msg, const DataFile* f) {
  MessageCatalogue out;
  if (auto s = ReadSection(*f, "reasons", msg.reasons(), MessageKind::kReason, out); !s.ok()) return s;
  if (auto s = ReadSection(*f, "alerts", msg.alerts(), MessageKind::kAlert, out); !s.ok()) return s;
  if (auto s = ReadSection(*f, "status_codes", msg.status_codes(), MessageKind::kStatusCode, out); !s.ok()) return s;
  if (auto s = ReadSection(*f, "record_texts", msg.record_texts(), MessageKind::kRecordText, out); !s.ok()) return s;
  // What an instruction's summary is written from: without them a held movement would be stored
  // with a code where the approver reads what moves, how much and to whom.
  for (const char* code : {"MOVEMENT_SUMMARY", "MOVEMENT_PAYEE", "MOVEMENT"}) {
    if (!out.Has(MessageKind::kRecordText, code)) {
      return f->Error(absl::StrCat("record_texts has no ", code, " (an instruction's summary is written from it)"));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<MessageCatalogue> LoadMessages(const std::string& dir, std::string* content) {
  pb::MessageCatalogueData msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::Parse(absl::StrCat(dir, "/", kMessagesFile), &msg, &f); !s.ok()) return s;
  *content = f->content();
  return ReadCatalogue(msg, f.get());
}

absl::StatusOr<MessageCatalogue> LoadMessagesText(const std::string& path, std::string text) {
  pb::MessageCatalogueData msg;
  std::unique_ptr<DataFile> f;
  if (auto s = DataFile::ParseText(path, std::move(text), &msg, &f); !s.ok()) return s;
  return ReadCatalogue(msg, f.get());
}

}  // namespace subsidy::policy_loaders
