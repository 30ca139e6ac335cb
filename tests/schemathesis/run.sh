#!/usr/bin/env bash
# Checks that the OpenAPI description at /api/openapi.json is exact: schemathesis drives the release
# server with every role's token (admin, operator, proctor, author, a candidate, a results-reader client)
# and every check (`-c all`) in the examples, coverage and fuzzing phases. Exits non-zero on any failure.
# Usage: tests/schemathesis/run.sh [MAX_EXAMPLES=25]
# BIN=path runs that binary instead of building a release one; SEED=n changes the generated data
# (fixed by default so that a run can be repeated); ROLES="admin author" checks only those roles.
# Needs schemathesis (`st`), curl and jq.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=$PWD/tests/schemathesis
examples=${1:-25}
seed=${SEED:-20261202}
roles=${ROLES:-"candidate admin operator proctor author results-reader"}
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q --bin synaq
  BIN=${CARGO_TARGET_DIR:-target}/release/synaq
fi
data=$(mktemp -d)
report=$(realpath -m "${REPORT_DIR:-$data/report}")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

# A fresh server; tokens outlive the run.
export SYNAQ_DATA_DIR=$data SYNAQ_ADMIN_PASSWORD=schemathesis-admin-password RUST_LOG=${RUST_LOG:-error} \
  SYNAQ_TOKEN_TTL_SECONDS=3600 SYNAQ_CANDIDATE_TOKEN_TTL_SECONDS=3600
"$BIN" serve --bind "127.0.0.1:$port" 2>"$data/server.log" &
pid=$!
for _ in $(seq 1 150); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/readyz" >/dev/null || { echo "the server did not become ready" >&2; cat "$data/server.log" >&2; exit 1; }

post() { # path, token, JSON body
  curl -sf "$base$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"
}
sign_in() { # JSON grant
  curl -sf "$base/api/v1/auth/token" -H 'content-type: application/json' -d "$1" | jq -er .access_token
}
staff_token() { # username, password
  sign_in "$(jq -nc --arg u "$1" --arg p "$2" '{grant_type: "password", username: $u, password: $p}')"
}

declare -A token
token[admin]=$(staff_token admin "$SYNAQ_ADMIN_PASSWORD")
for role in operator proctor author; do
  echo "schemathesis-$role-password" |
    "$BIN" users create --username "st-$role" --role "$role" --password-stdin >/dev/null
  token[$role]=$(staff_token "st-$role" "schemathesis-$role-password")
done
client=$("$BIN" clients create --name schemathesis --role results-reader)
token[results-reader]=$(sign_in "$(echo "$client" | jq -c '{grant_type: "client_credentials", client_id, client_secret}')")

# A candidate registered to an open sitting, signed in with the access code.
candidate=$(post /api/v1/candidates "${token[admin]}" \
  '{"full_name":"Айгүл Серікқызы","document_number":"N12345678","citizenship":"UZB"}' | jq -er .id)
sitting=$(post /api/v1/sittings "${token[admin]}" "$(jq -nc --arg o "$(date -u -d '-5 min' +%FT%TZ)" \
  --arg c "$(date -u -d '+3 hours' +%FT%TZ)" '{blueprint: "kaztest-a1-preselection", mode: "centre", opens_at: $o, closes_at: $c}')" |
  jq -er .id)
registration=$(post "/api/v1/sittings/$sitting/registrations" "${token[admin]}" "{\"candidate_id\":\"$candidate\"}")
token[candidate]=$(sign_in "$(echo "$registration" | jq -c '{grant_type: "access_code", registration_id, access_code}')")
# Its session, which the session routes are pointed at (schemathesis.toml); the candidate goes first,
# before a proctor's or an admin's actions end it.
SCHEMATHESIS_SESSION=$(curl -sf -X POST "$base/api/v1/sessions" -H "authorization: Bearer ${token[candidate]}" | jq -er .id)
export SCHEMATHESIS_SESSION

failed=0
started=$(date +%s)
for role in $roles; do
  echo "== schemathesis as $role"
  # From the data directory, which takes schemathesis's own cache (.schemathesis/) away with it. One
  # worker: the server has the cores, and the Python parser is not safe to use from several threads.
  if ! (cd "$data" && SCHEMATHESIS_HOOKS="$here/hooks.py" st --config-file "$here/schemathesis.toml" \
    run "$base/api/openapi.json" --checks all --phases examples,coverage,fuzzing \
    --max-examples "$examples" --seed "$seed" --workers 1 --generation-database none --no-color \
    --header "Authorization: Bearer ${token[$role]}" \
    --report junit --report-junit-path "$report/$role.xml"); then
    failed=1
  fi
done
echo "schemathesis: $(($(date +%s) - started)) s for roles: $roles"
if ! curl -sf "$base/readyz" >/dev/null; then
  echo "the server stopped answering" >&2
  failed=1
fi
if [ "$failed" -ne 0 ]; then
  echo "schemathesis found failures (the server's log follows)" >&2
  tail -n 50 "$data/server.log" >&2
fi
exit "$failed"
