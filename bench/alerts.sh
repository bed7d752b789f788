#!/usr/bin/env bash
# Dynamic monitoring with 100,000 overdue payouts (funded determinations by subsidy-load, all past
# due on the report's date), SQLite: ListFundAlerts' first page of 20 (the overdue payouts counted
# and paged by the database), a sweep that opens a case for each of today's alerts, then
# ListAlertCases' first page with its counts by kind, severity and state (GROUP BY). Prints one
# table row per call: median and slowest of 11, and the answer's size. Usage: bench/alerts.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
count=${1:-100000}
[[ -x $bin/subsidy-load && -x $bin/subsidy-server ]] || { scripts/build.sh >&2 && cmake --build build --target bench-tools >&2; }
"$bin/subsidy-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --db="$tmp/alerts.db" >"$tmp/srv.out" 2>"$tmp/srv.err" &
echo $! >>"$tmp/pids"
for _ in $(seq 100); do grep -q "listening on" "$tmp/srv.out" 2>/dev/null && break; sleep 0.1; done
grpc=$(sed -n 's/^listening on //p' "$tmp/srv.out")
http=$(sed -n 's/.*"http":"\([0-9.:]*\)".*/\1/p' "$tmp/srv.err" | head -1)
"$bin/subsidy-load" --workload=submit --funded --concurrency=32 --count="$count" --server="$grpc" >&2
call() {  # NAME METHOD JSON [TIMES]
  local times=()
  for _ in $(seq "${4:-11}"); do
    times+=("$(curl -s -o "$tmp/answer" -w '%{time_total} %{size_download} %{http_code}' -X POST \
      -H 'Content-Type: application/json' -d "$3" "http://$http/subsidy.v1.$2")")
  done
  printf '%s\n' "${times[@]}" | python3 -c '
import sys, statistics
name = sys.argv[1]
rows = [l.split() for l in sys.stdin if l.strip()]
t = sorted(float(r[0]) * 1000 for r in rows)
codes = ",".join(sorted({r[2] for r in rows}))
print(f"| {name} | {statistics.median(t):.0f} / {t[-1]:.0f} | {int(rows[-1][1]):,} | {codes} |")' "$1"
}
echo "| call ($count overdue payouts, SQLite) | ms median / slowest | answer bytes | HTTP |"
echo "|---|---|---|---|"
call "ListFundAlerts, first 20 as of 2024-06-30" FundService/ListFundAlerts '{"asOf":"2024-06-30","pageSize":20}'
call "ListFundAlerts, first 20 of the reward funds (a filter)" FundService/ListFundAlerts '{"asOf":"2024-06-30","pageSize":20,"purpose":"ENTERPRISE_REWARD"}'
call "SweepAlertCases: a case for each of today's alerts (once)" FundService/SweepAlertCases '{"requestId":"bench-sweep"}' 1
call "ListAlertCases, first 20 with the counts" FundService/ListAlertCases '{"pageSize":20}'
call "ListAlertCases, first 20 ORANGE with the counts" FundService/ListAlertCases '{"pageSize":20,"severity":"ORANGE"}'
