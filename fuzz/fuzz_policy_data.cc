// libFuzzer: the policy-data loader. The input replaces one data file (chosen by its first
// byte) in a copy of the shipped data; loading must fail cleanly or succeed, never crash.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "policy/policy_data.h"

namespace {
const char* kFiles[] = {"calendar_cn.textproto", "lpr_cn.textproto", "provinces_cn.textproto",
                        "loan_regimes.textproto", "education.textproto", "reward_policies.textproto"};
std::string* dir = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  dir = new std::string((std::filesystem::temp_directory_path() / ("subsidy-fuzz-data-" + std::to_string(getpid()))).string());
  std::filesystem::remove_all(*dir);
  std::filesystem::copy(SUBSIDY_DATA_DIR, *dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string file = *dir + "/" + kFiles[data[0] % 6];
  std::string original;
  {
    std::ifstream in(file);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(file, std::ios::trunc).write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  (void)subsidy::PolicyData::LoadFromDirectory(*dir);
  std::ofstream(file, std::ios::trunc) << original;
  return 0;
}
