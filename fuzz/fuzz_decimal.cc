// libFuzzer: the exact decimal parsers. Whatever the bytes, no crash; an accepted rate prints
// back to text that parses to the same value.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "money/rate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto r = subsidy::Rate::Parse(text); r.ok()) {
    auto again = subsidy::Rate::Parse(r->ToString());
    if (!again.ok() || again->units() != r->units()) std::abort();
    if (r->units() % 100 != 0 || r->Half()->units() * 2 != r->units()) std::abort();
  }
  (void)subsidy::ParseNonNegativeInteger(text);
  return 0;
}
