#!/usr/bin/env bash
# Where the GPU time goes, on a lent GPU: per-kernel times from Nsight Compute (ncu, one metric,
# caches and clocks left alone) for the benchmark networks, and wall time per simulated second
# without recording (bench/device_check.sh times the same networks recorded).
# Usage: bench/device_profile.sh [EISIM]   (default build-device/eisim, built for sm_90 elsewhere)
# Prints the tables last; the ncu reports and logs go to one archive in $OUT (or bench/results).
# docs/architecture.md, "Benchmarks".
set -uo pipefail
cd "$(dirname "$0")/.."
eisim=${1:-build-device/eisim}
out=${OUT:-bench/results}
logs=$(mktemp -d /tmp/device_profile.XXXXXX)
mkdir -p "$out"
export PATH="/usr/local/cuda/bin:$PATH"
trap 'tar czf "$out/device_profile_logs.tar.gz" -C "$logs" .' EXIT
summary="$logs/summary.txt"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$summary"
ncu_bin=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)

# profile NAME SKIP COUNT CONFIG N p mode [more --set]: COUNT kernels after the first SKIP, 8 ms simulated
profile() {
  local name=$1 skip=$2 count=$3 config=$4 n=$5 p=$6 mode=$7
  shift 7
  if [ -z "$ncu_bin" ]; then echo "ncu: not found" >> "$summary"; return; fi
  timeout 120 "$ncu_bin" --graph-profiling node --cache-control none --clock-control none \
    --metrics gpu__time_duration.sum --launch-skip "$skip" --launch-count "$count" -f -o "$logs/$name" \
    "$eisim" run "$config" --backend cuda --mode "$mode" --set N="$n" --set p="$p" --set T=100 --set burn_in=0 \
    "$@" --quiet --out "/tmp/profile_$name" --overwrite > "$logs/$name.log" 2>&1 ||
    { echo "ncu $name: failed (exit $?): $(tail -3 "$logs/$name.log" | tr '\n' ' ')" >> "$summary"; return; }
  "$ncu_bin" --import "$logs/$name.ncu-rep" --csv --page raw --metrics gpu__time_duration.sum > "$logs/$name.csv" 2>&1
  { echo "== $name: $count kernels after the first $skip"; python3 bench/kernel_times.py "$logs/$name.csv"; } >> "$summary"
}

# wall NAME CONFIG N p mode [more --set]: wall seconds per simulated second, 1 s simulated
wall() {
  local name=$1 config=$2 n=$3 p=$4 mode=$5
  shift 5
  timeout 90 "$eisim" run "$config" --backend cuda --mode "$mode" --set N="$n" --set p="$p" --set T=1000 \
    --set burn_in=200 "$@" --quiet --out "/tmp/wall_$name" --overwrite > "$logs/wall_$name.json" 2> "$logs/wall_$name.err" ||
    { echo "wall $name: failed (exit $?): $(tail -2 "$logs/wall_$name.err" | tr '\n' ' ')" >> "$summary"; return; }
  python3 - "$logs/wall_$name.json" "$name" >> "$summary" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
pops = s["populations"]
print(f"wall {sys.argv[2]:<34} {s['wall_s_per_simulated_s']:.3f} s/sim-s, backend share "
      f"{s['collect_s'] / s['wall_s']:.0%}, E {pops['E']['rate_hz']:.2f} Hz, I {pops['I']['rate_hz']:.2f} Hz")
EOF
}

# The canonical network with nothing recorded, to see what recording costs.
python3 - <<'EOF'
import json
c = json.load(open("configs/balanced_eif.json"))
c["recording"] = {"spikes": []}
json.dump(c, open("/tmp/balanced_unrecorded.json", "w"))
EOF

# Two kernels a step, plastic or not (plus one a 100-step block where plastic). Skip the first 50 ms
# (the initial transient).
profile n1e6_fast 1000 60 configs/balanced_eif.json 1000000 0.001 fast
profile n1e5_fast 1000 60 configs/balanced_eif.json 100000 0.1 fast
profile n1e5_det 1000 60 configs/balanced_eif.json 100000 0.1 deterministic
profile plastic_n1e5_fast 1000 60 configs/plasticity_eif.json 100000 0.1 fast
profile plastic_eta0_n1e5_fast 1000 60 configs/plasticity_eif.json 100000 0.1 fast --set eta=0
# What recording costs (bench/device_check.sh times the recorded runs).
wall n1e6_fast_unrecorded /tmp/balanced_unrecorded.json 1000000 0.001 fast
wall n1e5_fast_unrecorded /tmp/balanced_unrecorded.json 100000 0.1 fast
cat "$summary"
