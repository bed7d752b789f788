// Reads one policy-data file in protobuf text format. Syntax errors and semantic errors both
// name the file and the line, so an officer can find the value to correct.
#pragma once

#include <memory>
#include <string>

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace subsidy {

class DataFile {
 public:
  // Parses `path` into `message`; on failure the status names path:line:column.
  static absl::Status Parse(const std::string& path, google::protobuf::Message* message,
                            std::unique_ptr<DataFile>* out);

  // The same for a file's `content` already read (a file built into a binary); `path` names it.
  static absl::Status ParseText(const std::string& path, std::string content, google::protobuf::Message* message,
                                std::unique_ptr<DataFile>* out);

  const std::string& path() const { return path_; }
  const std::string& content() const { return content_; }

  // An INVALID_ARGUMENT naming "path:line: <what>: <problem>", where line is that of element
  // `index` of the top-level repeated field `field` (or of the singular field when index < 0).
  absl::Status ErrorAt(absl::string_view field, int index, absl::string_view what,
                       absl::string_view problem) const;
  absl::Status Error(absl::string_view problem) const;

 private:
  std::string path_;
  std::string content_;
  const google::protobuf::Descriptor* descriptor_ = nullptr;
  google::protobuf::TextFormat::ParseInfoTree tree_;
};

}  // namespace subsidy
