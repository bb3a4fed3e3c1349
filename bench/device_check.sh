#!/usr/bin/env bash
# One script for a bare GPU machine (nvcc and CMake, no Debian -dev packages): build for sm_90,
# run the GPU tests, the benchmarks, and compute-sanitizer on the GPU code; the status of each
# stage and the tables come last. Every stage has its own time limit, so one that hangs costs
# only its own share. Logs and JSON go to $OUT (or bench/results).
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
status_file="$out/status.txt"
: > "$status_file"
note() { echo "$*" | tee -a "$status_file"; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"

echo "== build (sm_90)"
start=$SECONDS
timeout 300 cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DEISIM_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DEISIM_DEPS_DIR="$PWD/deps" > "$out/cmake.log" 2>&1 || { tail -30 "$out/cmake.log"; exit 1; }
timeout 300 cmake --build build-gpu -j "$(nproc)" --target eisim eisim_tests > "$out/build.log" 2>&1 || { grep -E "error" "$out/build.log" | head -30; exit 1; }
note "build: ok in $((SECONDS - start)) s"

echo "== GPU tests (the CPU and emulated ones run in CI)"
gpu_tests='CudaVsCpu|RateModelsOnGpu|/cuda'
timeout 240 ctest --test-dir build-gpu -R "$gpu_tests" -E emulated_gpu -j 2 --output-on-failure > "$out/ctest.log" 2>&1
tests_status=$?
note "GPU tests: exit $tests_status, $(grep -E 'tests passed|tests failed' "$out/ctest.log" | tail -1)"
grep -E "\*\*\*|Failed" "$out/ctest.log" | head -20

echo "== benchmarks"
bench() {  # config N p mode [more --set]
  local name; name=$(basename "$1" .json)_$2_$4
  timeout 150 build-gpu/eisim run "$1" --backend cuda --mode "$4" --set N="$2" --set p="$3" "${@:5}" \
    --quiet --out "/tmp/bench_$name" > "$out/bench_$name.json" 2> "$out/bench_$name.err" ||
    { local code=$?; note "benchmark $name: failed (exit $code): $(tail -2 "$out/bench_$name.err" | tr '\n' ' ')"
      rm -f "$out/bench_$name.json"; }
}
for mode in fast deterministic; do
  bench configs/balanced_eif.json 10000 0.1 "$mode"
  bench configs/balanced_eif.json 100000 0.1 "$mode"
  bench configs/balanced_eif.json 1000000 0.001 "$mode"
  # Plasticity's cost against the static network (target: at most 1.5x at N = 10^5).
  bench configs/plasticity_eif.json 100000 0.1 "$mode" --set T=1000 --set burn_in=200
done
echo "== RLS training, CPU (Eigen) against GPU (cuBLAS)"
timeout 150 python3 bench/rnn_benchmark.py --eisim build-gpu/eisim --out "$out/rnn_benchmark.json" > "$out/rnn_benchmark.txt" 2>&1 ||
  note "RLS benchmark: failed (exit $?)"

echo "== compute-sanitizer"
sanitize() {  # tool log-name command...
  local tool=$1 log="$out/sanitizer_$1_$2.log"
  shift 2
  timeout 150 compute-sanitizer --tool "$tool" --error-exitcode 9 "$@" > "$log" 2>&1
  local code=$?
  note "compute-sanitizer $(basename "$log" .log | sed 's/^sanitizer_//'): exit $code ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$log" | tail -1))"
}
small_run=(build-gpu/eisim run configs/balanced_eif.json --backend cuda --set N=2000 --set T=30 --set burn_in=0 --quiet
           --out /tmp/sanitize)
sanitize memcheck gpu_tests build-gpu/tests/eisim_tests \
  --gtest_filter='CudaVsCpu.RecordingsAreIdenticalWhateverTheBlockLength:CudaVsCpu.RowsLongerThanADeliveryChunkGiveIdenticalSpikes:RateModelsOnGpu.*:Backends/SingleNeuron.*/cuda'
sanitize memcheck fast_mode "${small_run[@]}" --mode fast
sanitize initcheck deterministic_mode "${small_run[@]}" --mode deterministic
sanitize racecheck deterministic_mode "${small_run[@]}" --mode deterministic

echo "== per-kernel GPU time (Nsight Systems, where installed): N = 10^5, fast, 0.2 s simulated"
nsys_bin=$(command -v nsys || ls /usr/local/cuda/bin/nsys /opt/nvidia/nsight-systems*/bin/nsys 2>/dev/null | head -1)
if [ -n "$nsys_bin" ]; then
  timeout 150 "$nsys_bin" profile --stats=true --force-overwrite true -o /tmp/eisim_profile \
    build-gpu/eisim run configs/balanced_eif.json --backend cuda --mode fast --set N=100000 --set T=300 --set burn_in=100 \
    --quiet --out /tmp/profile_run > "$out/nsys.txt" 2>&1
  code=$?
  note "nsys: exit $code (kernel summary in nsys.txt)"
else
  note "nsys: not installed, skipped"
fi

echo "== summary"
cat "$status_file"
grep -A 12 -i "kern_sum\|Kernel Summary" "$out/nsys.txt" 2>/dev/null | cut -c1-160 | head -14
cat "$out/rnn_benchmark.txt" 2>/dev/null
python3 bench/summarize.py "$out"/bench_*.json --out "$out/gpu_benchmark.json"
exit $tests_status
