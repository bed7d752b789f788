#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the whole test suite
# through ctest (2 cores: two tests at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# Without debug information: it is most of the compile and link time of the ~40 test binaries,
# and the suite must stay under 20 minutes on 2 cores (a failing test is rerun by hand with -g).
scripts/build.sh -DSUBSIDY_BUILD_TESTS=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG"
cd build
ctest --output-on-failure --timeout 600 -j2 "$@"
