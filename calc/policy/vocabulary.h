// The policy data's closed vocabularies as enums: a word the data uses is checked against its
// list when the data is loaded (the error names file:line), and never travels further as text
// that a later comparison could silently misread.
#pragma once

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace subsidy {

// How sure a data row is: C confirmed in a retrieved source, P presumed (a reading of a source),
// U unverified.
enum class Certainty { kConfirmed, kPresumed, kUnverified };
// Who pays a per-pupil standard: shared central : local by the province's tier, or one side.
enum class Funding { kShared, kCentral, kLocal };
// The education-funding regions of China.
enum class EconomicRegion { kEast, kCentral, kWest };
// The central : local sharing tier of a province.
enum class SharingTier { kTier1, kTier2, kOther };

template <class E>
struct Word {
  E value;
  const char* code;
};
inline constexpr Word<Certainty> kCertainties[] = {
    {Certainty::kConfirmed, "C"}, {Certainty::kPresumed, "P"}, {Certainty::kUnverified, "U"}};
inline constexpr Word<Funding> kFundings[] = {
    {Funding::kShared, "SHARED"}, {Funding::kCentral, "CENTRAL"}, {Funding::kLocal, "LOCAL"}};
inline constexpr Word<EconomicRegion> kEconomicRegions[] = {
    {EconomicRegion::kEast, "EAST"}, {EconomicRegion::kCentral, "CENTRAL"}, {EconomicRegion::kWest, "WEST"}};
inline constexpr Word<SharingTier> kSharingTiers[] = {
    {SharingTier::kTier1, "TIER_1"}, {SharingTier::kTier2, "TIER_2"}, {SharingTier::kOther, "OTHER"}};

template <class E, size_t N>
std::optional<E> WordFrom(const Word<E> (&words)[N], absl::string_view code) {
  for (const auto& w : words) {
    if (code == w.code) return w.value;
  }
  return std::nullopt;
}
template <class E, size_t N>
const char* CodeIn(const Word<E> (&words)[N], E value) {
  for (const auto& w : words) {
    if (w.value == value) return w.code;
  }
  return "";
}

inline const char* CodeOf(Certainty v) { return CodeIn(kCertainties, v); }
inline const char* CodeOf(Funding v) { return CodeIn(kFundings, v); }
inline const char* CodeOf(EconomicRegion v) { return CodeIn(kEconomicRegions, v); }
inline const char* CodeOf(SharingTier v) { return CodeIn(kSharingTiers, v); }

// A figure derived from two rows is only as sure as the less sure of them.
constexpr Certainty LeastSure(Certainty a, Certainty b) { return a > b ? a : b; }

}  // namespace subsidy
