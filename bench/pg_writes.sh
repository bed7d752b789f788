#!/usr/bin/env bash
# Durable writes on PostgreSQL against the embedded default: SubmitDetermination (every one on
# the same policy-year's budget and fund: the hottest key there is) at 32 in flight on one
# server, then two servers on the same database with 16 in flight each, then SQLite for
# reference. PostgreSQL is a throwaway cluster with fsync on. Usage: bench/pg_writes.sh [SECONDS]
# With BEFORE=path/to/an/older/subsidy-server, that binary runs too, on a database of its own in the
# same cluster (its schema may be older), its runs interleaved with this build's: a before-and-after
# on a machine whose speed drifts within minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
source bench/lib.sh
[[ -x $bin/subsidy-load ]] || cmake --build build --target bench-tools >&2
url=$(start_postgres)
load() { $bin/subsidy-load --json --seconds="$secs" --workload=submit --funded "$@"; }
read -r a _ < <(start pg1 "$url")
read -r b _ < <(start pg2 "$url")
read -r s _ < <(start lite "$tmp/bench.db")
if [[ -n ${BEFORE:-} ]]; then
  "${as_pg[@]}" psql "$url" -X -qAt -c "CREATE DATABASE before"
  read -r o _ < <(start before "${url%/postgres}/before" "$BEFORE")
fi
{
  for round in 1 2 3; do
    load --server="$s" --concurrency=32 | sed 's/^{/{"setup":"sqlite-1x32",/'
    load --server="$a" --concurrency=32 | sed 's/^{/{"setup":"pg-1x32",/'
    [[ -n ${BEFORE:-} ]] && load --server="$o" --concurrency=32 | sed 's/^{/{"setup":"pg-before-1x32",/'
    load --server="$a" --concurrency=16 | sed 's/^{/{"setup":"pg-2x16a",/' &
    load --server="$b" --concurrency=16 | sed 's/^{/{"setup":"pg-2x16b",/'
    wait
  done
} >"$tmp/results.jsonl"
python3 - "$tmp/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def runs(name): return [r for r in rows if r["setup"] == name]
def med(xs): xs = sorted(xs); return xs[len(xs) // 2]
print("| setup | SubmitDetermination/s (median of 3) | runs | p50 ms | errors |")
print("|---|---|---|---|---|")
for name, label in [("sqlite-1x32", "SQLite, one server, 32 in flight"), ("pg-1x32", "PostgreSQL, one server, 32 in flight"),
                    ("pg-before-1x32", "PostgreSQL, one server, 32 in flight: BEFORE")]:
    r = runs(name)
    if not r: continue
    print(f"| {label} | {med([x['items_per_s'] for x in r]):,.0f} | {', '.join(format(x['items_per_s'], ',.0f') for x in r)} | {med([x.get('p50_us', 0) for x in r]) / 1000:.1f} |")
a, b = runs("pg-2x16a"), runs("pg-2x16b")
tot = [x["items_per_s"] + y["items_per_s"] for x, y in zip(a, b)]
print(f"| PostgreSQL, two servers, 16 in flight each | {med(tot):,.0f} | {', '.join(format(t, ',.0f') for t in tot)} | {med([x.get('p50_us', 0) for x in a]) / 1000:.1f} |")
one = med([x['items_per_s'] for x in runs('pg-1x32')])
print(f"\ntwo servers ÷ one: {med(tot) / one:.2f}")
PY
