#!/usr/bin/env bash
# Fund benchmarks (issue: funds from budget to beneficiary): GetExecutionReport as of a different
# day each call over 1,000 funds, 100,000 allocations and 1,000,000 payments (filled through the
# ledger by fund-fill), on SQLite and, with --pg, on a throwaway PostgreSQL (fsync on; the fill
# takes ~8 minutes there); and the posting path with fund postings: durable determinations and
# expenditures (subsidy-load --funded, 32 in flight). Usage: bench/funds.sh [--pg]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin
[[ -x $bin/fund-fill && -x $bin/subsidy-load && -x $bin/subsidy-server ]] || scripts/build.sh >&2
tmp=$(mktemp -d)
chmod 755 "$tmp"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg=()
[[ $(id -u) -eq 0 ]] && as_pg=(runuser -u postgres --)
cleanup() {
  [[ -f $tmp/pids ]] && kill $(cat "$tmp/pids") 2>/dev/null || true
  wait 2>/dev/null || true
  [[ -d $tmp/pg ]] && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
start() {  # start NAME DB: a server on a free port; prints its address
  "$bin/subsidy-server" --listen=127.0.0.1:0 --db="$2" >"$tmp/$1.out" 2>"$tmp/$1.err" &
  echo $! >>"$tmp/pids"
  for _ in $(seq 100); do grep -q "listening on" "$tmp/$1.out" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/^listening on //p' "$tmp/$1.out"
}
report() { "$bin/subsidy-load" --json --workload=report --concurrency=1 --count=21 --server="$1" | sed "s/^{/{\"backend\":\"$2\",/"; }
{
  "$bin/fund-fill" --db="$tmp/funds.db" >&2
  report "$(start sqlite "$tmp/funds.db")" sqlite
  addr=$(start posting "$tmp/posting.db")
  for w in submit spend; do
    "$bin/subsidy-load" --json --workload=$w --concurrency=32 --seconds=5 --funded --server="$addr" | sed 's/^{/{"backend":"posting",/'
  done
  if [[ ${1:-} == --pg && -n $pg_bin ]]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$tmp/pg"
    [[ ${#as_pg[@]} -gt 0 ]] && chown postgres: "$tmp/pg"
    "${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -o "-p $port -k $tmp/pg -c listen_addresses=127.0.0.1" \
      -l "$tmp/pg/server.log" -w start >/dev/null
    "$bin/fund-fill" --db="postgresql://postgres@127.0.0.1:$port/postgres" >&2
    report "$(start postgres "postgresql://postgres@127.0.0.1:$port/postgres")" postgres
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
