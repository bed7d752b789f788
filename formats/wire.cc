#include "wire.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <map>
#include <vector>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/wire_format_lite.h>

#include "absl/strings/str_cat.h"
#include "common/status_util.h"

namespace subsidy::formats {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

bool ValidUtf8(absl::string_view s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

std::optional<std::string> Walk(absl::string_view bytes, const Descriptor* type, const std::string& prefix,
                                int depth) {
  if (depth > 32) return std::nullopt;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  std::map<int, int> seen;  // occurrences of each repeated field so far: its index
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return std::nullopt;
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return std::nullopt;
      continue;
    }
    uint32_t length = 0;
    std::string value;
    if (!in.ReadVarint32(&length) || !in.ReadString(&value, static_cast<int>(length))) return std::nullopt;
    const FieldDescriptor* f = type->FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    if (f == nullptr) continue;
    std::string path = prefix + f->name();
    if (f->is_repeated() && !f->is_map()) absl::StrAppend(&path, "[", seen[f->number()]++, "]");
    if (f->type() == FieldDescriptor::TYPE_STRING && !ValidUtf8(value)) return path;
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      auto inner = Walk(value, f->message_type(), path + ".", depth + 1);
      if (inner) return f->is_map() ? f->name() : *inner;  // a map names itself, not key or value
    }
  }
}

std::optional<std::string> WalkMessage(const google::protobuf::Message& m, const std::string& prefix, int depth) {
  if (depth > 32) return std::nullopt;
  const auto* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string name = prefix + f->name();
    if (f->is_repeated()) {
      const int n = reflection->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        const std::string path = f->is_map() ? name : absl::StrCat(name, "[", i, "]");
        if (f->type() == FieldDescriptor::TYPE_STRING) {
          std::string scratch;
          if (!ValidUtf8(reflection->GetRepeatedStringReference(m, f, i, &scratch))) return path;
        } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
          if (auto inner = WalkMessage(reflection->GetRepeatedMessage(m, f, i), path + ".", depth + 1)) {
            return f->is_map() ? name : *inner;
          }
        }
      }
    } else if (f->type() == FieldDescriptor::TYPE_STRING) {
      std::string scratch;
      if (!ValidUtf8(reflection->GetStringReference(m, f, &scratch))) return name;
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (auto inner = WalkMessage(reflection->GetMessage(m, f), name + ".", depth + 1)) return inner;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string WireBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

std::optional<std::string> FindInvalidUtf8(absl::string_view bytes, const Descriptor* type) {
  return Walk(bytes, type, "", 0);
}

std::optional<std::string> FindInvalidUtf8(const google::protobuf::Message& message) {
  return WalkMessage(message, "", 0);
}

absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* out) {
  // protobuf also logs the string it refused; that line goes through the server's JSON log.
  if (out->ParsePartialFromArray(bytes.data(), static_cast<int>(bytes.size()))) return absl::OkStatus();
  if (auto field = FindInvalidUtf8(bytes, out->GetDescriptor())) {
    return InvalidField(*field, "is not valid UTF-8 (text must be UTF-8; convert GBK/GB18030 files first)");
  }
  return absl::InvalidArgumentError(absl::StrCat("the request is not a valid ", out->GetDescriptor()->full_name()));
}

void ForEachLengthDelimited(absl::string_view bytes, int number, const std::function<void(absl::string_view)>& fn) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  for (;;) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return;
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED ||
        WireFormatLite::GetTagFieldNumber(tag) != number) {
      if (!WireFormatLite::SkipField(&in, tag)) return;
      continue;
    }
    uint32_t length = 0;
    std::string value;
    if (!in.ReadVarint32(&length) || !in.ReadString(&value, static_cast<int>(length))) return;
    fn(value);
  }
}

std::string ValidLoanId(const google::protobuf::Message& m) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName("loan_id");
  if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING) return "";
  std::string id = m.GetReflection()->GetString(m, f);
  return ValidUtf8(id) ? id : "";
}

absl::Status ParseMessage(const grpc::ByteBuffer& buffer, google::protobuf::Message* out) {
  // The reader only reads the buffer (gRPC's API wants it mutable).
  grpc::ProtoBufferReader reader(const_cast<grpc::ByteBuffer*>(&buffer));
  if (out->ParsePartialFromZeroCopyStream(&reader)) return absl::OkStatus();
  out->Clear();
  return ParseMessage(WireBytes(buffer), out);  // again from the bytes, to name what failed
}

absl::Status ToWire(const google::protobuf::Message& message, grpc::ByteBuffer* out) {
  bool own = false;
  const grpc::Status s = grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::Message>(message, out, &own);
  if (!s.ok()) return absl::InternalError(s.error_message());
  return absl::OkStatus();
}

}  // namespace subsidy::formats
