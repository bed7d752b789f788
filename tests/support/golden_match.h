// Golden expectations written as text: what the text names is what is compared. Proto3 keeps no
// presence (an expected `paid_fen: 0` parses to the same message as no paid_fen at all), so the
// parse tree says which fields an expectation names.
#pragma once

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace subsidy::testing {

using Named = google::protobuf::TextFormat::ParseInfoTree;

// A golden file of tests/golden, parsed, with where each of its fields stood in the text.
template <class File>
struct GoldenText {
  File file;
  Named named;
};
template <class File>
std::unique_ptr<GoldenText<File>> LoadGolden(const std::string& name) {
  std::ifstream in(std::string(SUBSIDY_GOLDEN_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto golden = std::make_unique<GoldenText<File>>();
  google::protobuf::TextFormat::Parser parser;
  parser.WriteLocationsTo(&golden->named);
  EXPECT_TRUE(parser.ParseFromString(text.str(), &golden->file)) << name;
  return golden;
}

// What the text names under `field` of `parent` (its `index`-th value when repeated); nullptr
// when the text does not give it.
inline const Named* Under(const Named* named, const google::protobuf::Message& parent, const char* field,
                          int index = -1) {
  const auto* f = parent.GetDescriptor()->FindFieldByName(field);
  if (named == nullptr || f == nullptr) return nullptr;
  return named->GetTreeForNested(f, f->is_repeated() ? index : -1);
}

// Equal on every field the golden text names for `expected`, a zero written there included; a
// field the text leaves out is not compared (a named message field is compared whole).
inline ::testing::AssertionResult Matches(const google::protobuf::Message& expected, const Named* named,
                                          const google::protobuf::Message& actual) {
  if (named == nullptr) return ::testing::AssertionFailure() << "no text for " << expected.ShortDebugString();
  google::protobuf::util::MessageDifferencer d;
  std::string compared;
  const auto* descriptor = expected.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* f = descriptor->field(i);
    if (named->GetLocation(f, f->is_repeated() ? 0 : -1).line < 0) {
      d.IgnoreField(f);
    } else {
      compared += " " + f->name();
    }
  }
  if (compared.empty()) return ::testing::AssertionFailure() << "the expectation names no field";
  std::string diff;
  d.ReportDifferencesToString(&diff);
  if (d.Compare(expected, actual)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diff << "compared:" << compared << "\nexpected: "
                                       << expected.ShortDebugString() << "\nactual:   " << actual.ShortDebugString();
}

}  // namespace subsidy::testing
