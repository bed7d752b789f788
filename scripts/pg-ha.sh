#!/usr/bin/env bash
# A local PostgreSQL group managed by pg_auto_failover (Debian: postgresql-15-auto-failover,
# pg-auto-failover-cli) on free loopback ports: a monitor, a primary and a synchronous standby.
# Used by scripts/ha-demo.sh and by the failover test; a production group is set up the same way,
# one node per machine (README, "Operations").
#
#   scripts/pg-ha.sh start DIR         forms the group in DIR; prints the servers' multi-host URL
#   scripts/pg-ha.sh state DIR         the monitor's view: each node's reported and assigned state
#   scripts/pg-ha.sh kill-primary DIR  SIGKILL of the primary's keeper and postgres (a machine lost);
#                                      prints the node's name
#   scripts/pg-ha.sh stop DIR          stops every process of the group (SIGKILL: it is throwaway)
set -euo pipefail
cmd=${1:?usage: pg-ha.sh start|state|kill-primary|stop DIR}
dir=${2:?usage: pg-ha.sh start|state|kill-primary|stop DIR}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if ! command -v pg_autoctl >/dev/null || [[ -z $pg_bin ]]; then
  echo "pg_autoctl is not installed: scripts/install-deps.sh --ha (postgresql-15-auto-failover, pg-auto-failover-cli)" >&2
  exit 78  # (EX_CONFIG: the failover test says how to install, rather than failing on something else)
fi
# PostgreSQL refuses to run as root: as root, the group runs as the `postgres` user (Debian's
# packages make it; its sockets go where Debian's PostgreSQL puts them, /var/run/postgresql).
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(runuser -u postgres --)
elif [[ $(id -un) != postgres ]]; then
  echo "pg-ha: run as root (the group then runs as postgres) or as postgres" >&2
  exit 1
fi
environment=(env "XDG_CONFIG_HOME=$dir/config" "XDG_DATA_HOME=$dir/share" "XDG_RUNTIME_DIR=$dir/run"
  "PATH=$pg_bin:/usr/local/bin:/usr/bin:/bin")
ctl() { "${as_pg[@]}" "${environment[@]}" pg_autoctl "$@"; }
monitor_sql() { "${as_pg[@]}" "$pg_bin/psql" -X -q -At -h 127.0.0.1 -p "$(cat "$dir/monitor.port")" -U postgres -d pg_auto_failover -c "$1"; }
# Starts `pg_autoctl run` for NAME in a session of its own, so that the node (keeper, postgres and
# its backends) can be killed as one process group.
run_node() {
  setsid "${as_pg[@]}" "${environment[@]}" pg_autoctl run --pgdata "$dir/$1" >>"$dir/$1.log" 2>&1 &
  echo $! >"$dir/$1.pid"
}
# SIGKILL of a node as a lost machine would end it: its postgres's children first (each runs in a
# session of its own, out of the node's process group), then the keeper and the postmaster.
kill_node() {
  local pm
  pm=$(head -1 "$dir/$1/postmaster.pid" 2>/dev/null || true)
  # (a postmaster.pid left by a killed node may name a pid since reused: only ours counts)
  [[ -n $pm && $(ps -o args= -p "$pm" 2>/dev/null) == *"$dir/$1"* ]] || pm=""
  [[ -n $pm ]] && pkill -KILL -P "$pm" 2>/dev/null || true
  [[ -f $dir/$1.pid ]] && { kill -KILL -- "-$(cat "$dir/$1.pid")" 2>/dev/null || true; rm -f "$dir/$1.pid"; }
  [[ -n $pm ]] && { pkill -KILL -P "$pm" 2>/dev/null || true; kill -KILL "$pm" 2>/dev/null || true; }
  return 0
}
wait_for() {  # SECONDS WHAT SQL: until the monitor answers the query with "t"
  for _ in $(seq $(($1 * 5))); do
    [[ $(monitor_sql "$3" 2>/dev/null || true) == t ]] && return 0
    sleep 0.2
  done
  echo "pg-ha: $2 not within $1 s; the logs are in $dir" >&2
  return 1
}

case $cmd in
start)
  if [[ -e $dir/monitor ]]; then
    echo "pg-ha: $dir already holds a group (scripts/pg-ha.sh stop $dir, then remove it)" >&2
    exit 1
  fi
  mkdir -p "$dir/run"
  chmod 700 "$dir/run"
  [[ ${#as_pg[@]} -gt 0 ]] && chown -R postgres: "$dir"
  read -r pm p1 p2 < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
  echo "$pm" >"$dir/monitor.port"
  echo "$p1 $p2" >"$dir/node.ports"
  ctl create monitor --pgdata "$dir/monitor" --pgport "$pm" --hostname 127.0.0.1 --listen 127.0.0.1 \
    --auth trust --no-ssl >>"$dir/monitor.log" 2>&1
  run_node monitor
  wait_for 60 "the monitor" "SELECT true FROM pg_extension WHERE extname = 'pgautofailover'"
  # Failover in seconds, not the defaults' half minute: a node is unhealthy after 3 s without an
  # answer; the old primary is given 8 s to demote itself, longer than a keeper's 5 s
  # network-partition timeout (after which a primary that reaches neither the monitor nor its
  # standby stops taking writes), so two primaries never take writes at once.
  for setting in health_check_period=1000 health_check_timeout=1000 health_check_max_retries=2 \
    health_check_retry_delay=500 node_considered_unhealthy_timeout=3000 primary_demote_timeout=8000; do
    monitor_sql "ALTER SYSTEM SET pgautofailover.${setting%%=*} = ${setting#*=}"
  done
  monitor_sql "SELECT pg_reload_conf()" >/dev/null
  monitor="postgres://autoctl_node@127.0.0.1:$pm/pg_auto_failover?sslmode=disable"
  i=0
  for port in $p1 $p2; do
    i=$((i + 1))
    ctl create postgres --pgdata "$dir/node_$i" --pgport "$port" --hostname 127.0.0.1 --listen 127.0.0.1 \
      --name "node_$i" --dbname subsidy --auth trust --no-ssl --monitor "$monitor" >>"$dir/node_$i.log" 2>&1
    ctl config set --pgdata "$dir/node_$i" timeout.network_partition_timeout 5 >/dev/null
    run_node "node_$i"
    if ((i == 1)); then
      wait_for 90 "a primary" "SELECT count(*) = 1 FROM pgautofailover.node WHERE reportedstate IN ('single', 'primary')"
    fi
  done
  wait_for 120 "a primary and a synchronous secondary" \
    "SELECT count(*) FILTER (WHERE reportedstate = 'primary' AND goalstate = 'primary') = 1 AND
            count(*) FILTER (WHERE reportedstate = 'secondary' AND goalstate = 'secondary') = 1 FROM pgautofailover.node"
  # libpq tries the hosts in turn and keeps the one that takes writes; connect_timeout bounds a try
  # on a host that does not answer.
  echo "postgresql://postgres@127.0.0.1:$p1,127.0.0.1:$p2/subsidy?target_session_attrs=read-write&connect_timeout=2" |
    tee "$dir/url"
  ;;
state)
  ctl show state --pgdata "$dir/monitor"
  ;;
kill-primary)
  node=$(monitor_sql "SELECT nodename FROM pgautofailover.node
                      WHERE reportedstate IN ('single', 'primary', 'wait_primary') ORDER BY nodeid LIMIT 1")
  [[ -n $node && -f $dir/$node.pid ]] || { echo "pg-ha: no primary to kill" >&2; exit 1; }
  kill_node "$node"
  echo "$node"
  ;;
stop)
  for node in node_1 node_2 monitor; do kill_node "$node"; done
  ;;
*)
  echo "usage: pg-ha.sh start|state|kill-primary|stop DIR" >&2
  exit 2
  ;;
esac
