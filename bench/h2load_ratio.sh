#!/usr/bin/env bash
# The unary ratio as the performance check measures it: h2load with 64 calls in flight
# (-c 4 -m 16) and a gRPC-framed request body, against a bare callback echo (no project code)
# and against CalculateLoanSubsidy, alternating, three rounds each. Prints one JSON line per run
# (workload, req_per_s) and, last, the median ratio.
# Usage: bench/h2load_ratio.sh [REQUESTS] [SERVER_BIN_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-60000}
bin=${2:-build/bin}
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 1; }
tmp=$(mktemp -d)
cleanup() { [[ -f $tmp/pids ]] && kill $(cat "$tmp/pids") 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
start() {  # start NAME CMD...: waits for "listening on", prints the address
  local name=$1; shift
  "$@" >"$tmp/$name.out" 2>/dev/null &
  echo $! >>"$tmp/pids"  # start runs in a subshell: its pids go through a file
  for _ in $(seq 100); do grep -q "listening on" "$tmp/$name.out" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/^listening on //p' "$tmp/$name.out"
}
build/bin/subsidy-load --workload=echo --write_frame="$tmp/echo.frame"
build/bin/subsidy-load --workload=loan --write_frame="$tmp/loan.frame"
echo_addr=$(start echo build/bin/echo-server --listen=127.0.0.1:0)
srv_addr=$(start server "$bin/subsidy-server" --listen=127.0.0.1:0 --db="$tmp/bench.db")
run() {  # run WORKLOAD ADDRESS PATH FRAME
  local rps
  rps=$(h2load -n "$n" -c 4 -m 16 -t 1 -d "$4" -H 'content-type: application/grpc' -H 'te: trailers' \
          "http://$2$3" | sed -n 's/.*finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p')
  echo "{\"workload\":\"$1\",\"req_per_s\":$rps}"
}
for round in 1 2 3; do
  run h2-echo "$echo_addr" /subsidy.bench.Echo/UnaryEcho "$tmp/echo.frame"
  run h2-loan "$srv_addr" /subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy "$tmp/loan.frame"
done | tee "$tmp/runs.jsonl"
python3 - "$tmp/runs.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = lambda w: statistics.median(r["req_per_s"] for r in rows if r["workload"] == w)
print(json.dumps({"workload": "h2-ratio", "echo": med("h2-echo"), "loan": med("h2-loan"),
                  "ratio": round(med("h2-loan") / med("h2-echo"), 3)}))
PY
