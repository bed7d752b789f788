#!/usr/bin/env bash
# Policy what-if end to end: LOANS loans (default 1,000,000, in portfolio imports of 100,000) stored
# in the loan book on SQLite, then `subsidyctl policy simulate` (StreamSimulateReform: the book read,
# 8 quarters, in force and draft, progress on stderr) timed three times. Usage: bench/what_if_rpc.sh [LOANS]
set -euo pipefail
cd "$(dirname "$0")/.."
loans=${1:-1000000}
source bench/lib.sh
"$bin/subsidy-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --db="$tmp/book.db" --max_message_bytes=33554432 \
  >"$tmp/s.out" 2>"$tmp/s.err" &
echo $! >>"$tmp/pids"
for _ in $(seq 100); do grep -q '"http":"' "$tmp/s.err" 2>/dev/null && break; sleep 0.1; done
grpc=$(sed -n 's/.*"listen":"\([0-9.:]*\)".*/\1/p' "$tmp/s.err")
http=$(sed -n 's/.*"http":"\([0-9.:]*\)".*/\1/p' "$tmp/s.err")
python3 - "$http" "$loans" <<'PY'
import base64, json, sys, urllib.request
http, total = sys.argv[1], int(sys.argv[2])
head = ("loan_id,province,region_tier,program,partner_count,prior_subsidized_loans,principal_fen,contract_date,"
        "disbursement_date,maturity_date,annual_rate_percent,lpr_tenor,repayments,overdue_periods,claim_start,claim_end,day_count\n")
for b in range((total + 99999) // 100000):
    rows = [head]
    for n in range(b * 100000, min(total, (b + 1) * 100000)):
        small = n % 4 == 0
        rate = 380 + (n % 7) * 10  # basis points: 3.80 … 4.40 %
        y, m, d = 2021 + n % 3, 1 + n % 12, 1 + n % 28
        rows.append(f"L{n},{'21' if n % 3 == 0 else '41'},{'EAST' if n % 3 == 0 else 'CENTRAL_WEST'},"
                    f"{'ENTREPRENEUR_SMALL_BUSINESS' if small else 'ENTREPRENEUR_INDIVIDUAL'},,0,"
                    f"{50000000 * (1 + n % 9) if small else 5000000 * (1 + n % 4)},{y}-{m:02d}-{d:02d},{y}-{m:02d}-{d:02d},"
                    f"{y + 2 + n % 2}-{m:02d}-{d:02d},{rate // 100}.{rate % 100:02d},ONE_YEAR,,,,,ACT_360\n")
    body = json.dumps({"requestId": f"bench-{b}", "bankId": f"BANK-{b % 4}", "asOf": "2024-03-31",
                       "file": base64.b64encode("".join(rows).encode()).decode()}).encode()
    urllib.request.urlopen(urllib.request.Request(f"http://{http}/subsidy.v1.LoanSubsidyService/ImportLoanPortfolio", body,
                                                  {"Content-Type": "application/json"}), timeout=600).read()
PY
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$bin/subsidyctl" --server="$grpc" --timeout=120 policy simulate --reform=SB-CAP-500 --from=2022-03-21 --to=2024-03-20 \
    --out="$tmp/r.csv" 2>/dev/null
  echo "run $run: $loans loans × 8 quarters in $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)") s"
done
