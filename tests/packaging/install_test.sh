#!/usr/bin/env bash
# Install layout and Debian package: `cmake --install` and the .deb's contents both give a
# server that finds its data beside itself and answers health; the .deb declares its
# dependencies and maintainer scripts. Usage: install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

serve_and_check() {  # serve_and_check PREFIX_BIN_DIR EXPECTED_DATA_DIR
  local bin=$1 expect=$2 name
  name=$(basename "$(dirname "$bin")")
  "$bin/subsidy-server" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --db="$tmp/$name.db" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -q "listening on" "$tmp/$name.out" && break; sleep 0.1; done
  local addr
  addr=$(sed -n 's/^listening on //p' "$tmp/$name.out")
  [[ -n $addr ]] || { cat "$tmp/$name.err" >&2; fail "$bin/subsidy-server did not start"; }
  [[ $("$bin/subsidyctl" --server="$addr" health) == SERVING ]] || fail "health is not SERVING"
  grep -q "\"data_dir\":\"$expect\"" "$tmp/$name.err" || { cat "$tmp/$name.err" >&2; fail "data dir is not $expect"; }
  "$bin/subsidyctl" --server="$addr" reward policies | grep -q YC-ABOVE-SCALE-ENTRY || fail "policies not served"
  # The console, from share/subsidy-calc/web beside the binary.
  local http
  http=$(sed -n 's/.*"http":"\([0-9.:]*\)".*/\1/p' "$tmp/$name.err" | head -1)
  curl -sf "http://$http/" | grep -q '<script type="module" src="app.js">' || fail "the console is not served"
  curl -sf "http://$http/app.js" >/dev/null || fail "the console's app.js is not served"
}

# 1. cmake --install into a prefix.
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/subsidy-server bin/subsidyctl share/subsidy-calc/data/calendar_cn.textproto \
         share/subsidy-calc/data/reward_policies.textproto share/subsidy-calc/examples/subsidy-server.service \
         share/subsidy-calc/examples/subsidy-server.default lib/systemd/system/subsidy-server.service \
         share/subsidy-calc/web/index.html share/subsidy-calc/web/app.js; do
  [[ -e $tmp/prefix/$f ]] || fail "cmake --install did not install $f"
done
serve_and_check "$tmp/prefix/bin" "$tmp/prefix/share/subsidy-calc/data"

# 2. The Debian package.
(cd "$build" && cpack -G DEB -B "$tmp/deb" >/dev/null)
deb=$(ls "$tmp"/deb/subsidy-calc_*_amd64.deb)
dpkg-deb -c "$deb" >"$tmp/contents"
for f in ./usr/bin/subsidy-server ./usr/bin/subsidyctl ./usr/share/subsidy-calc/data/calendar_cn.textproto \
         ./usr/share/subsidy-calc/data/loan_regimes.textproto ./usr/lib/systemd/system/subsidy-server.service \
         ./usr/share/subsidy-calc/examples/subsidy-server.default ./usr/share/subsidy-calc/web/index.html \
         ./usr/share/subsidy-calc/web/app.js; do
  grep -q " $f\$" "$tmp/contents" || fail "the .deb lacks $f"
done
dpkg-deb -I "$deb" >"$tmp/info"
grep -q "Depends:.*libgrpc++1.51" "$tmp/info" || fail "the .deb does not depend on libgrpc++1.51"
grep -q "Depends:.*libpq5" "$tmp/info" || fail "the .deb does not depend on libpq5"
grep -q " postinst" "$tmp/info" || fail "the .deb has no postinst"
grep -q " prerm" "$tmp/info" || fail "the .deb has no prerm"
mkdir -p "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
serve_and_check "$tmp/root/usr/bin" "$tmp/root/usr/share/subsidy-calc/data"
echo "install layout and .deb: ok ($(basename "$deb"))"
