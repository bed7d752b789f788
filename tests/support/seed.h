// The seed of a random or property test: fixed, so that every run draws the same cases, unless
// SUBSIDY_SEED in the environment names another (to replay a failure, or to try new cases).
// Every such test says its seed on failure:
//
//   const uint64_t seed = TestSeed(20261126);
//   SCOPED_TRACE(SeedTrace(seed));   // "seed 20261126 (replay: SUBSIDY_SEED=20261126)"
//   std::mt19937_64 rng(seed);
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace subsidy::testing {

inline constexpr char kSeedVariable[] = "SUBSIDY_SEED";

// SUBSIDY_SEED when set (a decimal number; anything else fails the test), else `fixed`.
inline uint64_t TestSeed(uint64_t fixed) {
  const char* text = std::getenv(kSeedVariable);
  if (text == nullptr || *text == '\0') return fixed;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') {
    ADD_FAILURE() << kSeedVariable << "=\"" << text << "\" is not a decimal number; the fixed seed " << fixed
                  << " is used";
    return fixed;
  }
  return static_cast<uint64_t>(v);
}

// SUBSIDY_SEED when set, else a new random seed each run (for property tests meant to find new
// cases every time; the trace names the seed that failed).
inline uint64_t RandomTestSeed() { return TestSeed(std::random_device{}()); }

// What a failure says, with the line that replays it.
inline std::string SeedTrace(uint64_t seed) {
  return "seed " + std::to_string(seed) + " (replay: " + kSeedVariable + "=" + std::to_string(seed) + ")";
}

}  // namespace subsidy::testing
