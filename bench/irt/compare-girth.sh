#!/usr/bin/env bash
# Side-by-side 2PL marginal maximum likelihood: this crate versus girth 0.8.0, on the same simulated data
# (20 items x 5,000 persons, complete design, seed 2024), in one run. See BENCHMARKS.md.
#
#   bench/irt/compare-girth.sh            # from the repository root
#
# Environment: REPEATS (default 5); CARGO_TARGET_DIR (default ./target); IRT_RUNNER to use an already
# built `irt_calibrate` example binary instead of building it.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
repeats=${REPEATS:-5}
venv="$root/.bench-venv"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check girth==0.8.0 numpy

if [ -z "${IRT_RUNNER:-}" ]; then
    (cd "$root" && cargo build --quiet --release -p item-bank --example irt_calibrate)
    IRT_RUNNER="${CARGO_TARGET_DIR:-$root/target}/release/examples/irt_calibrate"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$IRT_RUNNER" simulate 20 5000 2024 all "$work/data.csv" "$work/truth.csv"

# Rust: in-process seconds of `calibrate` (CSV parsing excluded), fresh process per run; with standard
# errors (the default) and without (girth does not compute them).
rust_runs() {
    local times=()
    for _ in $(seq "$repeats"); do
        line=$("$IRT_RUNNER" "$work/data.csv" --model 2pl --truth "$work/truth.csv" "$@")
        times+=("$(echo "$line" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')")
    done
    echo "$line"
    echo "runs: ${times[*]}"
    echo "${times[*]}" > "$work/times$#"
}
echo "== synaq item-bank (Rust), with standard errors, $repeats runs"
rust_runs
echo "== synaq item-bank (Rust), without standard errors, $repeats runs"
rust_runs --standard-errors no

echo "== girth 0.8.0 (Python), $repeats runs"
girth_line=$("$venv/bin/python" "$root/bench/irt/girth_2pl.py" "$work/data.csv" "$work/truth.csv" "$repeats")
echo "$girth_line"

"$venv/bin/python" - "$girth_line" "$(cat "$work/times0")" "$(cat "$work/times2")" <<'PY'
import json, statistics, sys
girth = json.loads(sys.argv[1])["seconds"]
for label, runs in (("with SEs", sys.argv[2]), ("without SEs", sys.argv[3])):
    rust = statistics.median(float(t) for t in runs.split())
    print(f"median seconds: rust {label} {rust:.4f}, girth {girth:.4f}; girth/rust = {girth / rust:.1f}x")
PY
