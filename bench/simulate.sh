#!/usr/bin/env bash
# The seeded simulation of the ledgers under faults (tests/e2e/simulation_e2e_test.cc), run for
# longer than CI's short budget: SECONDS on each backend (SQLite; two replicas on a throwaway
# PostgreSQL; two replicas on a pg_auto_failover group whose primary is killed once, mid-call),
# from SEED (default: a new one, printed). A failure prints its seed; run the same command with
# that SEED to replay it. BACKENDS picks some of them (comma-separated).
# Usage: bench/simulate.sh [SECONDS=60] [SEED] [BACKENDS=sqlite,postgres,failover]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
seed=${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
backends=${3:-sqlite,postgres,failover}
[[ -x build/bin/e2e_simulation_test ]] || cmake --build build --target e2e_simulation_test >&2
echo "simulation: $secs s on each of $backends, seed $seed"
SUBSIDY_SEED=$seed SUBSIDY_SIM_SECONDS=$secs SUBSIDY_SIM_OPS=0 \
  build/bin/e2e_simulation_test --gtest_filter="$(sed 's/\([^,]*\)/*\/\1/g; s/,/:/g' <<<"$backends")" 2>/dev/null |
  grep -E "^(simulation seed|[0-9]+ answered|node_[0-9], the primary)|OK \]|FAILED|Failure|Expected|Which is|after|answered differently" || true
