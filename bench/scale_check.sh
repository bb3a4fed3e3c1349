#!/usr/bin/env bash
# The scale checks of the canonical network on a lent GPU machine (run by bench/device_check.sh with
# DEVICE_CHECK_SCALE=1, or alone: bench/scale_check.sh EISIM LOG_DIR): N = 300,000 at p = 0.1 as
# configured, with the lower bound moved away, and at dt = 0.05 ms (rates, lower-bound fractions,
# build time, speed and the GPU memory estimate); eisim compare for 50 ms at that size (identical
# spikes rule out corrupted connectivity beyond 2^32 synapses); and bench/lower_bound_sweep.py at
# N = 40,000 from p = 0.05 to 0.5. Each step is cut to SCALE_CHECK_BUDGET_S (default 480 s) in all.
# docs/architecture.md, "The lower bound and the balanced state".
set -uo pipefail
cd "$(dirname "$0")/.."
eisim=${1:-build-gpu/eisim}
logs=${2:-$(mktemp -d /tmp/scale_check.XXXXXX)}
deadline=$((SECONDS + ${SCALE_CHECK_BUDGET_S:-480}))
mkdir -p "$logs"
left() { echo $((deadline - SECONDS)); }
big=(configs/balanced_eif.json --set N=300000 --set p=0.1)

"$eisim" check "${big[@]}" --backend cuda > "$logs/scale_check_memory.json" 2>&1
echo "scale: eisim check: exit $?; $(grep -E '"(expected_synapses|device_memory_bytes)"' "$logs/scale_check_memory.json" | tr -d ' \n')"

run() {  # name, then more options
  local name=$1
  shift
  if (($(left) < 60)); then echo "scale $name: skipped, out of time"; return; fi
  timeout "$(left)" "$eisim" run "${big[@]}" --backend cuda --mode fast --set T=1000 --set burn_in=200 "$@" --quiet \
    --overwrite --out "/tmp/scale_$name" > "$logs/scale_$name.json" 2> "$logs/scale_$name.err"
  echo "scale $name: exit $?; $(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
p = d['populations']
print('E %.2f Hz, I %.2f Hz (balanced %.2f, %.2f); at the bound E %s, I %s; build %.1f s; %.3f s/sim-s; %d synapses; %d warnings' % (
    p['E']['rate_hz'], p['I']['rate_hz'], d['balanced_rates_hz']['E'], d['balanced_rates_hz']['I'],
    p['E'].get('lower_bound_fraction'), p['I'].get('lower_bound_fraction'), d['build_s'],
    d['wall_s_per_simulated_s'], d['synapses'], len(d['warnings'])))" "$logs/scale_$name.json" 2>&1 | tail -1)"
}
run as_configured
run without_bound --set populations.E.V_lb=-1000 --set populations.I.V_lb=-1000
run dt_0.05 --set dt=0.05

if (($(left) > 300)); then
  timeout "$(left)" "$eisim" compare "${big[@]}" --backend cuda --set T=50 --set burn_in=0 --quiet \
    > "$logs/scale_compare.json" 2> "$logs/scale_compare.err"
  echo "scale compare (50 ms, deterministic): exit $?; $(grep -E '"identical_spikes"|"first_difference"' "$logs/scale_compare.json" | tr -d ' \n')"
else
  echo "scale compare: skipped, out of time"
fi

if (($(left) > 60)); then
  timeout "$(left)" python3 bench/lower_bound_sweep.py --eisim "$eisim" --backend cuda \
    --points 40000:0.05,40000:0.1,40000:0.2,40000:0.3,40000:0.4,40000:0.5 --out "$logs/lower_bound_sweep.json" \
    > "$logs/lower_bound_sweep.txt" 2>&1
  echo "scale lower-bound sweep: exit $?"
  cat "$logs/lower_bound_sweep.txt"
fi
