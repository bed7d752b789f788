#!/usr/bin/env bash
# The console's pages with 10,000 funds and 100,000 payouts: the calls each page makes when it
# opens (its first server page, as the browser sends them: JSON over HTTP), 11 times each, on
# SQLite. The funds are filled through the ledger by fund-fill (10,000 funds, 100,000 allocations,
# 100,000 payments), the payouts by subsidy-load (funded determinations). Prints one table row per
# call: median and slowest time, and the answer's size. Usage: bench/console.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[[ -x $bin/fund-fill && -x $bin/subsidy-load && -x $bin/subsidy-server ]] || { scripts/build.sh >&2 && cmake --build build --target bench-tools >&2; }
"$bin/fund-fill" --db="$tmp/console.db" --funds=10000 --allocations=100000 --payments=100000 >&2
"$bin/subsidy-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --db="$tmp/console.db" >"$tmp/srv.out" 2>"$tmp/srv.err" &
echo $! >>"$tmp/pids"
for _ in $(seq 100); do grep -q "listening on" "$tmp/srv.out" 2>/dev/null && break; sleep 0.1; done
grpc=$(sed -n 's/^listening on //p' "$tmp/srv.out")
http=$(sed -n 's/.*"http":"\([0-9.:]*\)".*/\1/p' "$tmp/srv.err" | head -1)
"$bin/subsidy-load" --workload=submit --funded --concurrency=32 --count=100000 --server="$grpc" >&2
page() {  # NAME METHOD JSON
  local times=()
  for _ in $(seq 11); do
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
echo "| page: call (10,000 funds, 100,000 payouts, SQLite) | ms median / slowest of 11 | answer bytes | HTTP |"
echo "|---|---|---|---|"
page "资金执行: GetExecutionReport, first 20 rows of 10,000" FundService/GetExecutionReport '{"asOf":"2024-06-30","groupBy":"FUND","pageSize":20}'
page "资金执行: ListFundAlerts, first 20" FundService/ListFundAlerts '{"asOf":"2024-06-30","pageSize":20}'
page "免申即享兑现: ListPayouts, first 50 with totals" RewardPayoutService/ListPayouts '{"pageSize":50,"withTotals":true}'
page "免申即享兑现: ListPayouts, a later page of 50" RewardPayoutService/ListPayouts "{\"pageSize\":50,\"pageToken\":\"$(printf 'after:50000' | base64 | tr '+/' '-_' | tr -d '=')\"}"
page "贷款贴息: ListLoanSubsidyClaims, first 20" LoanSubsidyService/ListLoanSubsidyClaims '{"pageSize":20}'
page "学校经费: ListSchoolLedger, first 50" EducationFundService/ListSchoolLedger '{"schoolId":"110106-FT001","pageSize":50}'
node bench/console_page.mjs "http://$http"
