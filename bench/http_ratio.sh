#!/usr/bin/env bash
# CalculateLoanSubsidy over HTTP/JSON (the Connect front, HTTP/1.1, 64 connections = 64 requests
# in flight: h2load --h1) against the same over gRPC (h2load, 4 connections × 16 streams = 64 in
# flight), one server, alternating, three rounds each; prints the runs and the median ratio.
# Usage: bench/http_ratio.sh [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-60000}
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 1; }
source bench/lib.sh
"$bin/subsidy-load" --workload=loan --write_frame="$tmp/loan.frame"
"$bin/subsidy-load" --workload=loan --write_json="$tmp/loan.json"
"$bin/subsidy-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --db="$tmp/bench.db" >"$tmp/srv.out" 2>"$tmp/srv.err" &
echo $! >>"$tmp/pids"
for _ in $(seq 100); do grep -q "listening on" "$tmp/srv.out" 2>/dev/null && break; sleep 0.1; done
grpc_addr=$(sed -n 's/^listening on //p' "$tmp/srv.out")
http_addr=$(sed -n 's/.*"http":"\([0-9.:]*\)".*/\1/p' "$tmp/srv.err" | head -1)
path=/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidy
rps() { sed -n 's/.*finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p'; }
for round in 1 2 3; do
  g=$(h2load -n "$n" -c 4 -m 16 -t 1 -d "$tmp/loan.frame" -H 'content-type: application/grpc' -H 'te: trailers' \
        "http://$grpc_addr$path" | rps)
  h=$(h2load --h1 -n "$n" -c 64 -t 1 -d "$tmp/loan.json" -H 'content-type: application/json' "http://$http_addr$path" | rps)
  echo "{\"grpc\":$g,\"http_json\":$h}"
done | tee "$tmp/runs.jsonl"
python3 - "$tmp/runs.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
g = statistics.median(r["grpc"] for r in rows)
h = statistics.median(r["http_json"] for r in rows)
print(json.dumps({"workload": "http-ratio", "grpc": g, "http_json": h, "ratio": round(h / g, 3)}))
PY
