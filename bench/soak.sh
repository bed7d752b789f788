#!/usr/bin/env bash
# Memory soak: subsidy-server under a steady mixed load at a given rate for MINUTES, its resident
# memory sampled every 30 s. Usage: bench/soak.sh [MINUTES] [RATE_PER_WORKLOAD]
# Half of capacity on this 2-core machine: about 5,000 loan calls/s + 1,500 determinations/s.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
rate=${2:-5000}
bin=build/bin
tmp=$(mktemp -d)
$bin/subsidy-server --listen=127.0.0.1:0 --db="$tmp/soak.db" >"$tmp/out" 2>"$tmp/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$tmp/out" && break; sleep 0.1; done
addr=$(sed -n 's/^listening on //p' "$tmp/out")
secs=$((minutes * 60))
$bin/subsidy-load --server="$addr" --workload=loan --concurrency=4 --rate="$rate" --seconds=$secs --json >"$tmp/loan.json" &
l1=$!
$bin/subsidy-load --server="$addr" --workload=submit --concurrency=8 --rate=$((rate * 3 / 10)) --seconds=$secs --json >"$tmp/submit.json" &
l2=$!
echo "| minute | RSS MiB |"
echo "|---|---|"
for ((t = 0; t <= secs; t += 30)); do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  printf "| %.1f | %.1f |\n" "$(echo "$t / 60" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  echo "$t $rss" >>"$tmp/rss"
  [[ $t -lt $secs ]] && sleep 30
done
wait $l1 $l2 || true
echo
cat "$tmp/loan.json" "$tmp/submit.json"
# Flatness after the first minute (warm-up): (max − min) ÷ min.
awk '$1 >= 60 {if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2} END {printf "RSS after warm-up: min %.1f MiB, max %.1f MiB, spread %.1f %%\n", min/1024, max/1024, 100*(max-min)/min}' "$tmp/rss"
