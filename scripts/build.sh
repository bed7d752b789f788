#!/usr/bin/env bash
# Configures and builds into build/ with Ninja. Arguments go to the configure step (e.g.
# -DSUBSIDY_BUILD_TESTS=OFF); configuring again is quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build
