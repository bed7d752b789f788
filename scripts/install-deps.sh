#!/usr/bin/env bash
# Installs the Debian 12 packages subsidy-calc needs, only those missing (quick when all are
# present). Usage: scripts/install-deps.sh [--test|--ha]   (--ha adds PostgreSQL with
# pg_auto_failover, for scripts/ha-demo.sh; --test adds that and what the test suite needs)
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev libboost-dev
  libsqlite3-dev libpq-dev prometheus-cpp-dev libssl-dev libjemalloc-dev libicu-dev libcli11-dev)
# The console's build (web/): Node.js and npm, unless a Node.js is already on the machine.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
if [[ "${1:-}" == "--test" || "${1:-}" == "--ha" ]]; then
  packages+=(postgresql postgresql-15-auto-failover pg-auto-failover-cli)
fi
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev sqlite3 python3 openssl clang libclang-rt-14-dev nghttp2-client
    chromium fonts-wqy-microhei curl)  # the console's browser tests (and a CJK font for its screenshots)
fi

# The console's npm packages, exactly as web/package-lock.json pins them (again only when the
# lockfile changed since the last install).
web_packages() {
  local here
  here="$(cd "$(dirname "$0")/.." && pwd)"
  if [[ ! -f "$here/web/node_modules/.package-lock.json" || "$here/web/package-lock.json" -nt "$here/web/node_modules/.package-lock.json" ]]; then
    echo "installing the console's npm packages (web/package-lock.json)" >&2
    npm ci --prefix "$here/web" --no-audit --no-fund --loglevel=error >&2
  fi
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  web_packages
  exit 0
fi

echo "installing: ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
web_packages
