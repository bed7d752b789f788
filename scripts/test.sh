#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the whole test suite
# through ctest (2 cores: two tests at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh -DSUBSIDY_BUILD_TESTS=ON
cd build
ctest --output-on-failure --timeout 600 -j2 "$@"
