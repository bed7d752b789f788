// libFuzzer: the USCC and citizen-ID check characters.
#include <cstdint>
#include <string>

#include "ids/ids.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)subsidy::ValidateUscc(text);
  (void)subsidy::ValidateCitizenId(text);
  return 0;
}
