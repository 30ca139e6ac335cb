#!/usr/bin/env bash
# Two instances on one PostgreSQL database (issue 10): N candidates spread across both, each moving to the
# other instance half-way through its first section, with the sweeper running on both; every section lasts
# 60 s so the servers' clocks close the sections of slow candidates and of the 10 % who walk away. The
# driver then checks in the database: no acknowledged answer lost, every section closed once and in time,
# no answer stored after its section closed, every certificate issued once.
# Usage: bench/two-instances.sh [CANDIDATES=2000] [THINK_MS=2000]
# Needs a PostgreSQL role that may create databases: PGURL (default postgres://synaq:synaq@127.0.0.1:5432).
# BIN=path runs that binary (for example the debug build of `cargo test`) instead of building a release one.
set -euo pipefail
cd "$(dirname "$0")/.."
candidates=${1:-2000}
think=${2:-2000}
pg=${PGURL:-postgres://synaq:synaq@127.0.0.1:5432}
ulimit -n "$(ulimit -Hn)"
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=${CARGO_TARGET_DIR:-target}/release/synaq
fi
db="synaq_two_$(date +%s)_$$"
psql "$pg/postgres" -q -c "CREATE DATABASE $db"
url="$pg/$db"
export SYNAQ_ADMIN_PASSWORD="load-test-admin-password"
a=$(mktemp -d); b=$(mktemp -d)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  psql "$pg/postgres" -q -c "DROP DATABASE IF EXISTS $db" || true
  rm -rf "$a" "$b"
}
trap cleanup EXIT
serve() { # data dir, port
  DATABASE_URL=$url SYNAQ_LOG_FORMAT=json RUST_LOG=warn "$BIN" serve --bind 127.0.0.1:$2 --data-dir "$1" 2>"$1/server.log" &
  pids+=($!)
  for _ in $(seq 1 150); do curl -sf http://127.0.0.1:$2/readyz >/dev/null && return; sleep 0.2; done
  echo "the instance on port $2 did not become ready" >&2; cat "$1/server.log" >&2; exit 1
}
# One after the other: the first creates the schema and the admin, the second finds them.
serve "$a" 18101
serve "$b" 18102
"$BIN" load --base http://127.0.0.1:18101 --base http://127.0.0.1:18102 --candidates "$candidates" \
  --think-ms "$think" --time-limit-seconds 60 --abandon-percent 10 --ramp-seconds 10 \
  --database-url "$url"
