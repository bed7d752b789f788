#!/usr/bin/env bash
# Fund benchmarks (issue: funds from budget to beneficiary): GetExecutionReport as of a different
# day each call over 1,000 funds, 100,000 allocations and 1,000,000 payments (filled through the
# ledger by fund-fill), on SQLite and, with --pg, on a throwaway PostgreSQL (fsync on; the fill
# takes ~8 minutes there); and the posting path with fund postings: durable determinations and
# expenditures (subsidy-load --funded, 32 in flight). Usage: bench/funds.sh [--pg]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[[ -x $bin/fund-fill && -x $bin/subsidy-load && -x $bin/subsidy-server ]] || { scripts/build.sh >&2 && cmake --build build --target bench-tools >&2; }
address() { start "$@" | cut -d' ' -f1; }
report() { "$bin/subsidy-load" --json --workload=report --concurrency=1 --count=21 --server="$1" | sed "s/^{/{\"backend\":\"$2\",/"; }
{
  "$bin/fund-fill" --db="$tmp/funds.db" >&2
  report "$(address sqlite "$tmp/funds.db")" sqlite
  addr=$(address posting "$tmp/posting.db")
  for w in submit spend; do
    "$bin/subsidy-load" --json --workload=$w --concurrency=32 --seconds=5 --funded --server="$addr" | sed 's/^{/{"backend":"posting",/'
  done
  if [[ ${1:-} == --pg && -n $pg_bin ]]; then
    url=$(start_postgres)
    "$bin/fund-fill" --db="$url" >&2
    report "$(address postgres "$url")" postgres
  fi
} >"$tmp/results.jsonl"
python3 - "$tmp/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| figure | value | target | met |")
print("|---|---|---|---|")
for r in rows:
    if r["workload"] == "report":
        ok = r["p99_us"] <= 300000
        print(f"| GetExecutionReport over 1,000 funds, 100,000 allocations, 1,000,000 payments ({r['backend']}), "
              f"ms p50 / p99 of 21 | {r['p50_us'] / 1000:.0f} / {r['p99_us'] / 1000:.0f} | ≤ 300 | {'yes' if ok else 'NO'} |")
    else:
        target = 5000 if r["workload"] == "submit" else 3000
        name = "SubmitDetermination/s with the policy's budget from a fund" if r["workload"] == "submit" \
            else "RecordExpenditure/s posting a fund payment each"
        print(f"| {name}, durable (SQLite), 32 in flight | {r['ops_per_s']:,.0f} | ≥ {target:,} | "
              f"{'yes' if r['ops_per_s'] >= target else 'NO'} |")
PY
