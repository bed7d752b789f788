#!/usr/bin/env bash
# A PostgreSQL group of three on loopback ports (a pg_auto_failover monitor, a primary and a
# synchronous standby, from Debian's packages) and subsidy-server on it, in the foreground on
# 127.0.0.1:50051. Kill the primary from another terminal (the commands are printed) and watch the
# server answer UNAVAILABLE for some seconds, then carry on on the promoted standby, without a
# restart. Arguments go to the server; Ctrl-C stops the server and removes the group.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --ha
[[ -x build/bin/subsidy-server ]] || scripts/build.sh -DSUBSIDY_BUILD_TESTS=OFF
dir=$(mktemp -d /tmp/subsidy-ha-XXXXXX)
trap 'scripts/pg-ha.sh stop "$dir"; rm -rf "$dir"' EXIT
echo "正在组建数据库高可用组（监控节点、主库、同步备库）forming the group in $dir …" >&2
url=$(scripts/pg-ha.sh start "$dir")
scripts/pg-ha.sh state "$dir" >&2
cat >&2 <<TEXT

数据库地址 database URL: $url
演示主库故障 to see a failover, in another terminal:
  scripts/pg-ha.sh kill-primary $dir   # 主库所在机器失联 the primary's machine lost (SIGKILL)
  scripts/pg-ha.sh state $dir          # 约 12 秒后备库升为主库 the standby is primary after about 12 s

TEXT
build/bin/subsidy-server --listen=127.0.0.1:50051 --db="$url" --data_dir=data "$@"
