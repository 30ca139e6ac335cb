#!/usr/bin/env bash
# The load benchmark of the hot path: N simulated candidates sit the whole A1 pre-selection test at once
# against a release server on the embedded default (SQLite), then every acknowledged answer is checked in
# the database. Usage: bench/load.sh [CANDIDATES] [THINK_MS] [EVENTS_PER_MINUTE]
set -euo pipefail
cd "$(dirname "$0")/.."
candidates=${1:-1000}
think=${2:-500}
events=${3:-0}
ulimit -n "$(ulimit -Hn)"
cargo build --release --locked -q
bin=${CARGO_TARGET_DIR:-target}/release/synaq
data=$(mktemp -d)
port=18080
export SYNAQ_ADMIN_PASSWORD="load-test-admin-password"
SYNAQ_LOG_FORMAT=json RUST_LOG=warn "$bin" serve --bind 127.0.0.1:$port --data-dir "$data" 2>"$data/server.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
"$bin" load --base-url http://127.0.0.1:$port --candidates "$candidates" --think-ms "$think" --events-per-minute "$events" \
  --database-url "sqlite://$data/synaq.db?mode=ro"
