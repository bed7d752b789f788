#!/usr/bin/env bash
# Payments the bank confirms (issue: bank return files): a return file of 100,000 lines imported,
# matched and applied durably in one call (subsidyctl payments import: the server reads, matches
# and commits it), and the reconciliation of that day (subsidyctl payments reconcile --date, the
# median of 5; each includes subsidyctl's own start, ~10 ms). The lines are filled through the
# ledger by payment-fill. SQLite; with --pg also a throwaway PostgreSQL (fsync on).
# Usage: bench/payments.sh [--pg] [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
pg=0
[[ ${1:-} == --pg ]] && { pg=1; shift; }
lines=${1:-100000}
[[ -x $bin/payment-fill && -x $bin/subsidyctl && -x $bin/subsidy-server ]] || { scripts/build.sh >&2 && cmake --build build --target bench-tools >&2; }
ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }  # bash's own clock: no process to start
run() {  # run BACKEND DB: prints one JSON line
  local backend=$1 db=$2 addr t0 t1 recon=()
  "$bin/payment-fill" --db="$db" --lines="$lines" --return_file="$tmp/return-$backend.csv" >&2
  addr=$(start "$backend" "$db" | cut -d' ' -f1)
  t0=$(ms)
  "$bin/subsidyctl" --server="$addr" --timeout=600 payments import "$tmp/return-$backend.csv" >"$tmp/import-$backend.txt"
  t1=$(ms)
  for _ in 1 2 3 4 5; do
    local r0 r1
    r0=$(ms)
    "$bin/subsidyctl" --server="$addr" payments reconcile --date=2024-05-20 --csv >"$tmp/recon-$backend.csv"
    r1=$(ms)
    recon+=($((r1 - r0)))
  done
  python3 - "$backend" "$lines" "$((t1 - t0))" "${recon[@]}" "$tmp/recon-$backend.csv" <<'PY'
import json, sys
backend, lines, import_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
recon = sorted(int(x) for x in sys.argv[4:-1])
figures = {l.split(",")[0]: l.strip().split(",")[1:] for l in open(sys.argv[-1]) if not l.startswith("figure")}
print(json.dumps({"backend": backend, "lines": lines, "import_ms": import_ms,
                  "lines_per_s": lines * 1000 / max(import_ms, 1), "reconcile_ms": recon[len(recon) // 2],
                  "confirmed": int(figures["confirmed"][0]), "failed": int(figures["failed"][0])}))
PY
}
{
  run sqlite "$tmp/pay.db"
  [[ $pg == 1 && -n $pg_bin ]] && run postgres "$(start_postgres)"
} >"$tmp/results.jsonl"
python3 - "$tmp/results.jsonl" <<'PY'
import json, sys
print("| figure | value | target | met |")
print("|---|---|---|---|")
for r in (json.loads(l) for l in open(sys.argv[1])):
    target = 20000 if r["backend"] == "sqlite" else 10000
    print(f"| return file of {r['lines']:,} lines imported, matched, applied durably ({r['backend']}; "
          f"{r['confirmed']:,} confirmed, {r['failed']:,} failed), lines/s | {r['lines_per_s']:,.0f} "
          f"({r['import_ms']:,} ms) | ≥ {target:,} | {'yes' if r['lines_per_s'] >= target else 'NO'} |")
    print(f"| GetReconciliation of the day ({r['backend']}), ms, median of 5 through subsidyctl | "
          f"{r['reconcile_ms']} | ≤ 300 | {'yes' if r['reconcile_ms'] <= 300 else 'NO'} |")
PY
