#!/usr/bin/env bash
# Side-by-side maximum-information item selection over the same 500 2PL items at the same θ: this crate
# (InfoTable::max_information) versus catsim 0.21.0 (MaxInfoSelector), in one run. See
# BENCHMARKS.md.
#
#   bench/assembly/compare-catsim.sh          # from the repository root
#
# Environment: THETA (default 0.3); CARGO_TARGET_DIR (default ./target).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
theta=${THETA:-0.3}
venv="$root/.bench-venv"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check catsim==0.21.0 numpy

(cd "$root" && cargo build --quiet --release -p item-bank --example assembly_select)
runner="${CARGO_TARGET_DIR:-$root/target}/release/examples/assembly_select"

rust=$("$runner" select "$theta" 1000000)
python=$("$venv/bin/python" "$root/bench/assembly/catsim_select.py" "$theta" 2000)
echo "synaq item-bank (Rust): $rust"
echo "catsim 0.21.0 (Python): $python"
"$venv/bin/python" - "$rust" "$python" <<'PY'
import json, sys
r, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert r["selected"] == p["selected"], f"different items selected: {r['selected']} vs {p['selected']}"
print(f"same item selected: {r['selected']}")
print(f"Rust {r['seconds_per_selection'] * 1e6:.2f} us, catsim {p['seconds_per_selection'] * 1e6:.1f} us, "
      f"speed-up {p['seconds_per_selection'] / r['seconds_per_selection']:.0f}x")
print(f"Rust full scan of all 500 items (no bound pruning) {r['full_scan_seconds_per_selection'] * 1e6:.2f} us, "
      f"speed-up {p['seconds_per_selection'] / r['full_scan_seconds_per_selection']:.0f}x")
PY
