// libFuzzer: the civil-date parser. An accepted date prints back to exactly its input.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "time/date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto d = subsidy::Date::Parse(text); d.ok()) {
    if (d->ToString() != text) std::abort();
    if (d->AddYears(1).AddYears(-1) > *d) std::abort();  // 29 Feb may move to 28 Feb, never later
  }
  return 0;
}
