#include "services/status_mapping.h"

#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/status_util.h"
#include "subsidy/v1/common.pb.h"

namespace subsidy::service {
namespace {

void AddDetail(v1::RpcStatus& details, const char* type, const google::protobuf::Message& detail) {
  auto* any = details.add_details();
  any->set_type_url(std::string("type.googleapis.com/google.rpc.") + type);
  any->set_value(detail.SerializeAsString());
}

// The details every caller gets: the field (BadRequest), the reason and its parameters (ErrorInfo).
v1::RpcStatus DetailsOf(const absl::Status& status) {
  v1::RpcStatus details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  if (auto field = FieldOf(status)) {
    v1::BadRequest bad;
    auto* v = bad.add_field_violations();
    v->set_field(*field);
    v->set_description(std::string(status.message()));
    AddDetail(details, "BadRequest", bad);
  }
  if (auto reason = ReasonOf(status)) {
    v1::ErrorInfo info;
    info.set_reason(*reason);
    info.set_domain(kErrorDomain);
    for (const auto& [name, value] : ParamsOf(status)) (*info.mutable_metadata())[name] = value;
    AddDetail(details, "ErrorInfo", info);
  }
  return details;
}

grpc::Status Packed(const absl::Status& status, const v1::RpcStatus& details) {
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message(status.message());
  if (details.details().empty()) return grpc::Status(code, message);
  return grpc::Status(code, message, details.SerializeAsString());
}


}  // namespace

std::optional<std::string> LocalizedText(const absl::Status& status, Language language,
                                         const MessageCatalogue& messages) {
  return messages.RenderStatus(status, language);
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return Packed(status, DetailsOf(status));
}

grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view language, const MessageCatalogue& messages) {
  if (status.ok()) return grpc::Status::OK;
  v1::RpcStatus details = DetailsOf(status);
  const Language lang = LanguageOf(language);
  if (auto text = LocalizedText(status, lang, messages)) {
    v1::LocalizedMessage localized;
    localized.set_locale(LocaleOf(lang));
    localized.set_message(*text);
    AddDetail(details, "LocalizedMessage", localized);
  }
  return Packed(status, details);
}

namespace {

// The status an ItemError was made from (ItemErrorFromStatus), to be written for a person.
absl::Status StatusOfItemError(const v1::ItemError& e) {
  absl::StatusCode code = absl::StatusCode::kUnknown;
  for (int c = 0; c <= static_cast<int>(absl::StatusCode::kUnauthenticated); ++c) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(c)) == e.code()) code = static_cast<absl::StatusCode>(c);
  }
  absl::Status s(code, e.message());
  if (!e.field().empty()) s.SetPayload(kFieldPayload, absl::Cord(e.field()));
  if (!e.reason().empty()) s = WithReason(std::move(s), e.reason());
  return WithParams(std::move(s), StatusParams(e.params().begin(), e.params().end()));
}

}  // namespace

void LocalizeReason(v1::Reason* reason, const MessageCatalogue& messages, Language language) {
  const StatusParams params(reason->params().begin(), reason->params().end());
  if (auto text = messages.Render(MessageKind::kReason, reason->code(), language, params)) reason->set_message(*text);
}

void LocalizeReasons(google::protobuf::RepeatedPtrField<v1::Reason>* reasons, const MessageCatalogue& messages,
                     Language language) {
  for (auto& r : *reasons) LocalizeReason(&r, messages, language);
}

void LocalizeItemError(v1::ItemError* error, const MessageCatalogue& messages, Language language) {
  if (error->code().empty()) return;
  if (auto text = LocalizedText(StatusOfItemError(*error), language, messages)) error->set_message(*text);
}

std::string PreferredLanguage(absl::string_view accept_language) {
  // The caller's most wanted language of the two we write (AIP-193): `fr, en;q=0.5` is English.
  absl::string_view best;
  double best_q = 0;
  for (absl::string_view item : absl::StrSplit(accept_language, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    const absl::string_view tag = absl::StripAsciiWhitespace(parts[0]);
    const bool ours = tag == "*" || absl::StartsWithIgnoreCase(tag, "zh") || absl::StartsWithIgnoreCase(tag, "en");
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      const absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
      if (p.size() > 2 && absl::StartsWithIgnoreCase(p, "q=") && !absl::SimpleAtod(p.substr(2), &q)) q = 0;
    }
    if (ours && q > best_q) {
      best = tag;
      best_q = q;
    }
  }
  return best != "*" && LanguageOf(best) == Language::kEn ? LocaleOf(Language::kEn) : LocaleOf(Language::kZhCn);
}

}  // namespace subsidy::service
