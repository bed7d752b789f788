# Shared by the bench scripts (sourced): a temporary directory cleaned up on exit with every server
# started in it, `start NAME DB [BINARY]` (a subsidy-server on a free port; prints "ADDRESS PID"), and
# `start_postgres` (a throwaway PostgreSQL with fsync on; prints its postgresql:// URL).
bin=build/bin
tmp=$(mktemp -d)
chmod 755 "$tmp"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg=()
[[ $(id -u) -eq 0 ]] && as_pg=(runuser -u postgres --)
cleanup() {
  [[ -f $tmp/pids ]] && kill $(cat "$tmp/pids") 2>/dev/null || true
  wait 2>/dev/null || true
  [[ -d $tmp/pg ]] && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1 || true
  [[ -n ${KEEP_PG_LOG:-} && -f $tmp/pg/server.log ]] && cp "$tmp/pg/server.log" "$KEEP_PG_LOG"
  rm -rf "$tmp"
}
trap cleanup EXIT
start() {  # start NAME DB [SERVER_BINARY]
  "${3:-$bin/subsidy-server}" --listen=127.0.0.1:0 --db="$2" >"$tmp/$1.out" 2>"$tmp/$1.err" &
  local pid=$!
  echo $pid >>"$tmp/pids"
  for _ in $(seq 100); do grep -q "listening on" "$tmp/$1.out" 2>/dev/null && break; sleep 0.1; done
  echo "$(sed -n 's/^listening on //p' "$tmp/$1.out") $pid"
}
start_postgres() {
  # A bench fills empty tables within a minute, before autovacuum's first look (autovacuum_naptime,
  # 60 s by default) gives them statistics; until then each connection keeps the plans it made
  # for a table of a few rows, and reads the growing ledger by sequential scans (measured: 1,031/s
  # falling to 573/s over 20 s). A server that has run for a minute has statistics, as it has
  # here from the first second. PG_NAPTIME=60 measures the empty database's first minute.
  local naptime="-c autovacuum_naptime=${PG_NAPTIME:-1}"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$tmp/pg"
  [[ ${#as_pg[@]} -gt 0 ]] && chown postgres: "$tmp/pg"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" \
    -o "-p $port -k $tmp/pg -c listen_addresses=127.0.0.1 -c log_min_duration_statement=${PG_LOG_MS:-500} $naptime" \
    -l "$tmp/pg/server.log" -w start >/dev/null
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
}
