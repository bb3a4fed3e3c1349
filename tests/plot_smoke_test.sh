#!/usr/bin/env bash
# Smoke test for tools/plot_run.py: run a small eisim simulation, plot it,
# check that a non-empty PNG was written.
# Usage: plot_smoke_test.sh PATH/TO/eisim PATH/TO/tools/plot_run.py
# Exit codes: 0 pass, 1 fail, 77 skip (numpy/matplotlib missing for /usr/bin/python3).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 EISIM_BINARY PLOT_RUN_PY" >&2
    exit 1
fi
eisim=$1
plot=$2
repo=$(cd "$(dirname "$0")/.." && pwd)

if ! /usr/bin/python3 -c 'import numpy, matplotlib' >/dev/null 2>&1; then
    echo "SKIP: /usr/bin/python3 cannot import numpy and matplotlib"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$eisim" run "$repo/configs/balanced_eif.json" --set N=1000 --set T=300 --out "$tmp"
/usr/bin/python3 "$plot" "$tmp" -o "$tmp/plot.png"

if [ ! -s "$tmp/plot.png" ]; then
    echo "FAIL: $tmp/plot.png missing or empty" >&2
    exit 1
fi
echo "PASS: wrote $(stat -c %s "$tmp/plot.png") bytes"
