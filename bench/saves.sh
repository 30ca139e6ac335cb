#!/usr/bin/env bash
# Durable saves per second (issue 10): CANDIDATES candidates with no think time sit the whole A1 test
# against a release server on SQLite, three times back to back — the real save, the same server with
# `save_dry_run` (every check and read of a save, but no write), a bare loop of the save's own durable
# insert through the same group commit without HTTP (benches/save_loop.rs), and the machine's floor for a
# durable save over HTTP (../shared/tools/floor, a bare actix + SQLite group-commit insert, with and without
# the write), each with the same number of closed-loop clients. Prints one line per run.
# Usage: bench/saves.sh [CANDIDATES=1000] [FLOOR_SECONDS=15]
# SERVER=path serves with that binary; FLOOR=path is the floor's binary (built from ../shared/tools/floor
# with `cargo build --release` when absent, into $FLOOR_TARGET or /tmp/floor-target).
set -euo pipefail
cd "$(dirname "$0")/.."
candidates=${1:-1000}
floor_seconds=${2:-15}
ulimit -n "$(ulimit -Hn)"
target=${CARGO_TARGET_DIR:-target}
if [ -z "${SKIP_BUILD:-}" ]; then cargo build --release --locked -q; fi
bin=$target/release/synaq
server_bin=${SERVER:-$bin}
floor_target=${FLOOR_TARGET:-/tmp/floor-target}
floor=${FLOOR:-$floor_target/release/floor}
if [ ! -x "$floor" ]; then
  (cd ../shared/tools/floor && CARGO_TARGET_DIR=$floor_target cargo build --release -q)
fi
export SYNAQ_ADMIN_PASSWORD="load-test-admin-password"
# No think time is no human: lift the per-session save limit for this run.
export SYNAQ_SAVE_RATE_PER_SECOND=0
run_product() { # label, extra env
  local data port=18095 server
  data=$(mktemp -d)
  env $2 SYNAQ_LOG_FORMAT=json RUST_LOG=warn "$server_bin" serve --bind 127.0.0.1:$port --data-dir "$data" 2>"$data/server.log" &
  server=$!
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
  local check=(--database-url "sqlite://$data/synaq.db?mode=ro")
  [ "$1" = dry-run ] && check=()
  "$bin" load --base-url http://127.0.0.1:$port --candidates "$candidates" --think-ms 0 "${check[@]}" \
    > "$data/report.json" 2>/dev/null || true
  python3 - "$1" "$data/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
s = r["calls"]["save"]
c = r.get("consistency") or {}
print(f'{sys.argv[1]:>9}: {r["peak_saves_per_second"]:6.0f} saves/s sustained (busiest 5 s), '
      f'{r["saves_per_second"]:6.0f} over the whole run  p50 {s["p50_ms"]} ms  p99 {s["p99_ms"]} ms  '
      f'errors {s["errors"]}  acknowledged {r["acknowledged_answers"]}  stored {c.get("stored_answers", "-")}')
PY
  kill $server; wait $server 2>/dev/null || true
  rm -rf "$data"
}
run_loop() {
  echo "bare loop: $(cargo bench --locked -q --bench save_loop -- "$candidates" "$floor_seconds" 2>/dev/null | tail -1)"
}
run_floor() { # label, extra flag
  local port=8300 dir server
  dir=$(mktemp -d)
  (cd "$dir" && exec "$floor" serve --bind 127.0.0.1:$port $2 > tok 2>/dev/null) &
  server=$!
  for _ in $(seq 1 100); do [ -s "$dir/tok" ] && break; sleep 0.1; done
  echo "$1: $("$floor" load --token "$(head -1 "$dir/tok")" --clients "$candidates" --seconds "$floor_seconds" 2>&1 | tail -1)"
  kill $server 2>/dev/null; wait $server 2>/dev/null || true
  rm -rf "$dir"
}
run_product save ""
run_product dry-run "SYNAQ_SAVE_DRY_RUN=true"
run_loop
run_floor "    floor" ""
run_floor "  nowrite" "--nowrite"
