#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer on) in build-fuzz/ and runs each for
# SECONDS (default 20) from the seed corpus in fuzz/corpus. Exit non-zero on any crash.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
if [[ ! -f build-fuzz/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSUBSIDY_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build build-fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in decimal date ids claim_csv policy_data; do
  mkdir -p "$work/$t"
  cp fuzz/corpus/$t/* "$work/$t/"
  echo "fuzz_$t: ${secs}s"
  ASAN_OPTIONS=detect_leaks=0 build-fuzz/bin/fuzz_$t -max_total_time="$secs" -max_len=4096 -timeout=10 \
    -print_final_stats=1 "$work/$t" 2>"$work/$t.log" || { tail -40 "$work/$t.log"; echo "fuzz_$t FAILED"; exit 1; }
  grep -E "stat::number_of_executed_units" "$work/$t.log" || true
done
echo "fuzzing: no crash"
