#!/usr/bin/env bash
# Policy what-if at scale: a generated book of LOANS loans (default 1,000,000) over 8 quarters under
# one draft (data/reforms/SB-CAP-500), SimulateReform's engine path on two threads. Prints progress
# and the figures. Usage: bench/what_if.sh [LOANS]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/bin/what-if-bench ]] || cmake --build build --target what-if-bench >&2
build/bin/what-if-bench "${1:-1000000}"
