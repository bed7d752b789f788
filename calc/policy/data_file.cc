#include "policy/data_file.h"

#include <fstream>
#include <sstream>
#include <vector>

#include <google/protobuf/io/tokenizer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace subsidy {
namespace {

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  explicit Collector(const std::string& path) : path_(path) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    errors_.push_back(absl::StrCat(path_, ":", line + 1, ":", column + 1, ": ", message));
  }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  const std::string& path_;
  std::vector<std::string> errors_;
};

}  // namespace

absl::Status DataFile::Parse(const std::string& path, google::protobuf::Message* message,
                             std::unique_ptr<DataFile>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open policy data file"));
  std::ostringstream buf;
  buf << in.rdbuf();
  return ParseText(path, buf.str(), message, out);
}

absl::Status DataFile::ParseText(const std::string& path, std::string content, google::protobuf::Message* message,
                                 std::unique_ptr<DataFile>* out) {
  auto file = std::make_unique<DataFile>();
  file->path_ = path;
  file->content_ = std::move(content);
  Collector collector(path);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&file->tree_);
  if (!parser.ParseFromString(file->content_, message)) {
    if (collector.errors().empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": malformed"));
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors(), "; "));
  }
  file->descriptor_ = message->GetDescriptor();
  *out = std::move(file);
  return absl::OkStatus();
}

absl::Status DataFile::ErrorAt(absl::string_view field, int index, absl::string_view what,
                               absl::string_view problem) const {
  int line = -1;
  if (const auto* fd = descriptor_->FindFieldByName(std::string(field))) {
    line = tree_.GetLocation(fd, fd->is_repeated() ? index : -1).line;
  }
  const std::string where = line >= 0 ? absl::StrCat(path_, ":", line + 1) : path_;
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what, ": ", problem));
}

absl::Status DataFile::Error(absl::string_view problem) const {
  return absl::InvalidArgumentError(absl::StrCat(path_, ": ", problem));
}

}  // namespace subsidy
