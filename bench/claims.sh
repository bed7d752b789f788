#!/usr/bin/env bash
# Claim benchmarks (issue: loan-subsidy claims): a LOANS-loan claim uploaded, recomputed and
# durably stored, end to end on this machine (client and server together), on SQLite and on a
# throwaway PostgreSQL (fsync on); the first page of its lines; and the server's peak RSS while
# a BIG-loan claim streams in (a fresh server, so the peak is the upload's).
# Usage: bench/claims.sh [LOANS=100000] [BIG=1000000]   (BIG=0 skips the big upload)
set -euo pipefail
cd "$(dirname "$0")/.."
loans=${1:-100000}
big=${2:-1000000}
source bench/lib.sh
[[ -x $bin/subsidy-load && -x $bin/subsidy-server ]] || { scripts/build.sh >&2 && cmake --build build --target bench-tools >&2; }
upload() { "$bin/subsidy-load" --json --workload=claim-upload --batch=500 "$@"; }

{
  read -r addr pid < <(start sqlite "$tmp/claims.db")
  for run in 1 2 3; do upload --server="$addr" --count="$loans" --run_id="sqlite-$run" | sed 's/^{/{"backend":"sqlite",/'; done
  echo "{\"backend\":\"rss-small\",\"loans\":$loans,\"peak_rss_kb\":$(awk '/VmHWM/ {print $2}' /proc/$pid/status)}"
  if ((big > 0)); then
    read -r addr pid < <(start sqlite-big "$tmp/big.db")
    upload --server="$addr" --count="$big" --run_id=big | sed 's/^{/{"backend":"sqlite-big",/'
    echo "{\"backend\":\"rss\",\"loans\":$big,\"peak_rss_kb\":$(awk '/VmHWM/ {print $2}' /proc/$pid/status)}"
  fi
  if [[ -n $pg_bin ]]; then
    url=$(start_postgres)
    read -r addr pid < <(start postgres "$url")
    for run in 1 2 3; do upload --server="$addr" --count="$loans" --run_id="pg-$run" | sed 's/^{/{"backend":"postgres",/'; done
  fi
} >"$tmp/results.jsonl"

python3 - "$tmp/results.jsonl" "$loans" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
loans = int(sys.argv[2])
def median(backend):
    runs = sorted((r for r in rows if r["backend"] == backend), key=lambda r: r["items_per_s"])
    return runs[len(runs) // 2] if runs else None
print(f"Claims: medians of 3 uploads of {loans:,} loans (500 per message), client and server on this machine.")
print()
print("| figure | value | target | met |")
print("|---|---|---|---|")
for backend, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL (fsync on)")):
    r = median(backend)
    if not r:
        continue
    print(f"| claim upload, {loans:,} loans, recomputed and durably stored, loans/s ({name}) | {r['items_per_s']:,.0f} | "
          f"{'≥ 50,000' if backend == 'sqlite' else '—'} | {'yes' if backend != 'sqlite' or r['items_per_s'] >= 50000 else 'NO'} |")
    print(f"| first page of its lines, ms (50 / 1,000 lines, {name}) | {r['first_page_50_ms']:.2f} / "
          f"{r['first_page_1000_ms']:.2f} | ≤ 50 | {'yes' if r['first_page_1000_ms'] <= 50 else 'NO'} |")
b = [r for r in rows if r["backend"] == "sqlite-big"]
rss = [r for r in rows if r["backend"] == "rss"]
small = [r for r in rows if r["backend"] == "rss-small"]
if small:
    print(f"| server peak RSS after three {loans:,}-loan uploads, MiB | {small[0]['peak_rss_kb'] / 1024:.0f} | — | yes |")
if b and rss:
    print(f"| claim upload, {b[0]['loans']:,} loans, loans/s (SQLite) | {b[0]['items_per_s']:,.0f} | — | yes |")
    print(f"| server peak RSS during that upload, MiB | {rss[0]['peak_rss_kb'] / 1024:.0f} | bounded (chunks of 2,048 lines) | yes |")
PY
