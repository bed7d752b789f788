#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and starts the server in the
# foreground on 127.0.0.1:50051 with the embedded SQLite database under ./var/, and the officers'
# console on http://127.0.0.1:8080/ (SUBSIDY_HTTP=HOST:PORT to serve it elsewhere, SUBSIDY_HTTP=
# for none). Once the server listens it prints the console's address. Arguments go to the server;
# Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSUBSIDY_BUILD_TESTS=OFF
mkdir -p var
http=${SUBSIDY_HTTP-127.0.0.1:8080}
args=(--listen=127.0.0.1:50051 --db=var/subsidy.db --data_dir=data)
if [[ -n $http ]]; then args+=("--http_listen=$http"); fi

# The server's log goes to stderr as it is; its start line says where HTTP listens, and then the
# console's address is printed (the reader ignores Ctrl-C: it ends when the server's stderr does).
build/bin/subsidy-server "${args[@]}" "$@" 2> >(
  trap '' INT
  while IFS= read -r line; do
    printf '%s\n' "$line" >&2
    if [[ $line == *'"event":"start"'* && $line =~ \"http\":\"([^\"]+)\" ]]; then
      printf '控制台 console: http://%s/\n' "${BASH_REMATCH[1]}"
    fi
  done
) &
server=$!
# A script's background job does not see Ctrl-C itself: pass it on as SIGTERM, the server's
# orderly stop, and wait for it to finish.
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
while kill -0 "$server" 2>/dev/null; do wait "$server" || true; done
status=0
wait "$server" || status=$?  # the server's own exit status (a signal interrupts the waits above)
wait || true                 # the log reader, to the server's last line
exit "$status"
