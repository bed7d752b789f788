#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and starts the server in the
# foreground on 127.0.0.1:50051 with the embedded SQLite database under ./var/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSUBSIDY_BUILD_TESTS=OFF
mkdir -p var
exec build/bin/subsidy-server --listen=127.0.0.1:50051 --db=var/subsidy.db --data_dir=data "$@"
