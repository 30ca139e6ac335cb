#!/usr/bin/env bash
# The national start spike (issue 10): N candidates arrive over RAMP seconds, each signs in, starts and
# answers the first section with a mean think time of THINK ms, against a release server on the embedded
# default (SQLite), driver and server on the same machine. Prints the driver's JSON report, then the
# server's peak resident memory. Every acknowledged answer is checked in the database.
# Usage: bench/spike.sh [CANDIDATES=10000] [RAMP_SECONDS=60] [THINK_MS=5000] [SECTIONS=1]
# With PERF=1 the server is recorded with `perf record -g` into $PERF_OUT (default /tmp/spike.perf.data).
# With SERVER=path, that binary serves instead of this checkout's release build (to compare builds).
set -euo pipefail
cd "$(dirname "$0")/.."
candidates=${1:-10000}
ramp=${2:-60}
think=${3:-5000}
sections=${4:-1}
ulimit -n "$(ulimit -Hn)"
target=${CARGO_TARGET_DIR:-target}
if [ -z "${SKIP_BUILD:-}" ]; then cargo build --release --locked -q; fi
bin=$target/release/synaq
server_bin=${SERVER:-$bin}
data=$(mktemp -d)
port=${PORT:-18090}
export SYNAQ_ADMIN_PASSWORD="load-test-admin-password"
SYNAQ_LOG_FORMAT=json RUST_LOG=warn "$server_bin" serve --bind 127.0.0.1:$port --data-dir "$data" 2>"$data/server.log" &
server=$!
perf_pid=
trap 'kill $server $perf_pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
"$bin" load --base-url http://127.0.0.1:$port --candidates "$candidates" --ramp-seconds "$ramp" \
  --think-ms "$think" --sections "$sections" --database-url "sqlite://$data/synaq.db?mode=ro" \
  > "$data/report.json" 2> >(tee "$data/driver.err" >&2) &
driver=$!
if [ -n "${PERF:-}" ]; then
  # Record only the run, not the registration of the candidates before it.
  while ! grep -q "starting the run" "$data/driver.err" 2>/dev/null; do sleep 0.5; done
  perf record -F 499 -g -p $server -o "${PERF_OUT:-/tmp/spike.perf.data}" 2>/dev/null &
  perf_pid=$!
fi
status=0
wait $driver || status=$?
if [ -n "$perf_pid" ]; then kill -INT $perf_pid; wait $perf_pid || true; fi
cat "$data/report.json"
echo "server peak RSS: $(grep VmHWM /proc/$server/status)"
exit $status
