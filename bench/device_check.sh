#!/usr/bin/env bash
# One script for a bare GPU machine (nvcc and CMake, no Debian -dev packages): build for sm_90,
# run all tests (the GPU ones included), compute-sanitizer on the CUDA backend, then the
# benchmarks, printing a short table last. Logs and JSON go to $OUT (or bench/results).
# Before the run, on a machine with the packages: tools/gather_deps.sh deps  (carried along).
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -d deps/nlohmann ] || [ ! -d deps/Eigen ] || [ ! -d deps/googletest ]; then
  echo "device_check: deps/ is missing: run tools/gather_deps.sh deps on a machine with the packages and bring it along" >&2
  exit 2
fi
out=${OUT:-bench/results}
mkdir -p "$out"
export PATH="/usr/local/cuda/bin:$PATH"
jobs=$(nproc)
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"

echo "== build (sm_90)"
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DEISIM_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DEISIM_DEPS_DIR="$PWD/deps" > "$out/cmake.log" 2>&1 || { tail -30 "$out/cmake.log"; exit 1; }
cmake --build build-gpu -j "$jobs" > "$out/build.log" 2>&1 || { grep -E "error" "$out/build.log" | head -30; exit 1; }

echo "== tests"
ctest --test-dir build-gpu -j 4 --output-on-failure > "$out/ctest.log" 2>&1
tests_status=$?
grep -E "tests passed|tests failed|Failed|\(Skipped\)" "$out/ctest.log" | tail -15

echo "== compute-sanitizer (memcheck, racecheck) on the CUDA backend"
sanitize() {
  compute-sanitizer --tool "$1" --error-exitcode 9 build-gpu/eisim run configs/balanced_eif.json --backend cuda \
    --mode "$2" --set N=2000 --set T=30 --set burn_in=0 --quiet --out /tmp/sanitize > "$out/sanitizer_$1_$2.log" 2>&1
  echo "$1 $2: exit $? ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/sanitizer_$1_$2.log" | tail -1))"
}
sanitize memcheck deterministic
sanitize memcheck fast
sanitize racecheck deterministic

echo "== benchmarks"
bench() {  # config N p mode [more --set]
  local name; name=$(basename "$1" .json)_$2_$4
  build-gpu/eisim run "$1" --backend cuda --mode "$4" --set N="$2" --set p="$3" "${@:5}" \
    --quiet --out "/tmp/bench_$name" > "$out/bench_$name.json" 2> "$out/bench_$name.err" ||
    { echo "$name failed:"; tail -5 "$out/bench_$name.err"; }
}
for mode in fast deterministic; do
  bench configs/balanced_eif.json 10000 0.1 "$mode"
  bench configs/balanced_eif.json 100000 0.1 "$mode"
  bench configs/balanced_eif.json 1000000 0.001 "$mode"
  # Plasticity's cost against the static network (target: at most 1.5x at N = 10^5).
  bench configs/plasticity_eif.json 100000 0.1 "$mode" --set T=1000 --set burn_in=200
done
echo "== RLS training, CPU (Eigen) against GPU (cuBLAS)"
python3 bench/rnn_benchmark.py --eisim build-gpu/eisim --out "$out/rnn_benchmark.json"
echo "== spiking networks on the GPU"
python3 bench/summarize.py "$out"/bench_*.json --out "$out/gpu_benchmark.json"
exit $tests_status
