#!/usr/bin/env bash
# One script for a bare GPU machine (nvcc and CMake, no Debian -dev packages): build for sm_90,
# run the GPU tests, the benchmarks, and compute-sanitizer on the GPU code; the status of each
# stage and the tables come last. The whole script keeps to DEVICE_CHECK_BUDGET_S (default 360 s):
# stages run in order of importance and each is cut to the time left, so the tables always print.
# Logs go to one archive in $OUT (or bench/results), since only a few files come back from a lease.
# Before the run, on a machine with the packages: tools/gather_deps.sh deps  (carried along).
# If build-device/ holds binaries built elsewhere for sm_90, they stand in should the build here fail;
# DEVICE_CHECK_PREBUILT=1 uses them without building (it saves a lease a minute and a half).
# DEVICE_CHECK_COMPARE='NAME=EISIM ...' times those binaries (older commits) against this one on the
# plasticity target, in turn on the same card (bench/compare_binaries.py). DEVICE_CHECK_SCALE=1 adds the
# scale checks of bench/scale_check.sh (give the script a budget of 900 s or so: DEVICE_CHECK_BUDGET_S).
# With deps/mpi (tools/gather_mpi.sh deps/mpi) the build has MPI; DEVICE_CHECK_RANKS=1 then adds GPU
# ranks against the CPU (2 and 3 ranks sharing the GPU, identical files) and the scaling benchmarks
# (bench/scaling.py: 1, 2 and 4 GPU ranks at N = 100,000; 1 and 8 CPU ranks at N = 50,000; construction
# at N = 10^6, p = 0.001).
# DEVICE_CHECK_MICROCIRCUIT=1 runs bench/microcircuit.py: 5 seeds x 10 s of the cortical microcircuit against
# NEST's rates, fast and deterministic with and without spike files, and the construction time.
# docs/architecture.md, "Benchmarks".
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -d deps/nlohmann ] || [ ! -d deps/Eigen ] || [ ! -d deps/googletest ]; then
  echo "device_check: deps/ is missing: run tools/gather_deps.sh deps on a machine with the packages and bring it along" >&2
  exit 2
fi
deadline=$((SECONDS + ${DEVICE_CHECK_BUDGET_S:-360}))
out=${OUT:-bench/results}
logs=$(mktemp -d /tmp/device_check.XXXXXX)
mkdir -p "$out"
export PATH="/usr/local/cuda/bin:$PATH"
status_file="$logs/status.txt"
note() { echo "$*" | tee -a "$status_file"; }
keep_logs() { cp "$status_file" "$out/status.txt"; tar czf "$out/device_check_logs.tar.gz" -C "$logs" .; }
trap keep_logs EXIT

# timed SECONDS COMMAND...: runs COMMAND for at most SECONDS, or less where less is left before the
# deadline (20 s are kept for the tables); returns 125 without running it when under 5 s are left.
timed() {
  local limit=$1 left=$((deadline - SECONDS - 20))
  shift
  ((left < limit)) && limit=$left
  if ((limit < 5)); then echo "skipped, out of time: $*" >&2; return 125; fi
  timeout "$limit" "$@"
}

nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader | tee "$logs/gpu.txt"
# The carried Open MPI, if it runs here (its libraries are Debian's).
if [ -f deps/mpi/env.sh ]; then
  if (. deps/mpi/env.sh && mpirun --version > "$logs/mpi.txt" 2>&1); then
    . deps/mpi/env.sh
    note "MPI: the carried $(head -1 "$logs/mpi.txt")"
  else
    note "MPI: the carried Open MPI does not run here: $(tail -1 "$logs/mpi.txt"); building without it"
  fi
fi
note "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

echo "== build (sm_90)"
start=$SECONDS
eisim=build-gpu/eisim
tests=build-gpu/tests/eisim_tests
prebuilt_runs() { [ -x build-device/eisim ] && [ -x build-device/tests/eisim_tests ] && build-device/eisim --help > /dev/null 2>&1; }
if [ "${DEVICE_CHECK_PREBUILT:-0}" = 1 ] && prebuilt_runs; then
  eisim=build-device/eisim
  tests=build-device/tests/eisim_tests
  note "build: skipped, using the carried binaries in build-device/ (DEVICE_CHECK_PREBUILT=1)"
elif timed 150 cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DEISIM_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
     -DEISIM_DEPS_DIR="$PWD/deps" > "$logs/cmake.log" 2>&1 &&
   timed 240 cmake --build build-gpu -j "$(nproc)" --target eisim eisim_tests > "$logs/build.log" 2>&1; then
  note "build: ok in $((SECONDS - start)) s"
else
  tail -20 "$logs/cmake.log"; grep -E "error|Error" "$logs/build.log" | head -20
  if prebuilt_runs; then
    eisim=build-device/eisim
    tests=build-device/tests/eisim_tests
    note "build: FAILED here after $((SECONDS - start)) s; going on with the carried binaries in build-device/"
  else
    note "build: FAILED after $((SECONDS - start)) s"
    exit 1
  fi
fi

echo "== GPU tests (the CPU and emulated ones run in CI)"
gpu_tests='*CudaVsCpu.*:*RateModelsOnGpu.*:*/cuda'
timed 150 "$tests" --gtest_filter="$gpu_tests" > "$logs/gpu_tests.log" 2>&1
tests_status=$?
note "GPU tests: exit $tests_status; $(grep -E '^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ test' "$logs/gpu_tests.log" | tr '\n' ' ')"
grep -E '^\[  (FAILED  |SKIPPED )\] .* \([0-9]+ ms\)' "$logs/gpu_tests.log" | head -20
grep -B 8 '^\[  FAILED  \]' "$logs/gpu_tests.log" | grep -E 'Failure|Expected|Which is|actual' | head -20

bench() {  # config N p mode [more --set]; $suffix is added to the name
  local name; name=$(basename "$1" .json)_$2_$4${suffix:-}
  timed 90 "$eisim" run "$1" --backend cuda --mode "$4" --set N="$2" --set p="$3" "${@:5}" \
    --quiet --out "/tmp/bench_$name" > "$logs/bench_$name.json" 2> "$logs/bench_$name.err" ||
    { local code=$?; note "benchmark $name: failed (exit $code): $(tail -2 "$logs/bench_$name.err" | tr '\n' ' ')"
      rm -f "$logs/bench_$name.json"; }
}
sanitize() {  # tool log-name command...
  local tool=$1 log="$logs/sanitizer_$1_$2.log"
  shift 2
  timed 100 compute-sanitizer --tool "$tool" --error-exitcode 9 "$@" > "$log" 2>&1
  local code=$?
  note "compute-sanitizer $(basename "$log" .log | sed 's/^sanitizer_//'): exit $code ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$log" | tail -1))"
}
small_run=("$eisim" run configs/balanced_eif.json --backend cuda --set N=2000 --set T=30 --set burn_in=0 --quiet
           --out /tmp/sanitize --overwrite)
plastic=(--set T=1000 --set burn_in=200)  # 1 s simulated, like the static benchmarks

echo "== benchmarks, first the targets (1 s simulated each)"
bench configs/balanced_eif.json 100000 0.1 fast
bench configs/balanced_eif.json 100000 0.1 deterministic
bench configs/plasticity_eif.json 100000 0.1 fast "${plastic[@]}"
bench configs/balanced_eif.json 1000000 0.001 fast
# Plasticity's own cost: with eta = 0 the rates stay the static network's, and every plastic kernel runs.
suffix=_eta0 bench configs/plasticity_eif.json 100000 0.1 fast "${plastic[@]}" --set eta=0

echo "== delivery by postsynaptic tiles (--delivery tiles): the targets again, and the sanitizers on deliver_tiles"
suffix=_tiles bench configs/balanced_eif.json 100000 0.1 fast --delivery tiles
suffix=_tiles bench configs/balanced_eif.json 100000 0.1 deterministic --delivery tiles
suffix=_tiles bench configs/balanced_eif.json 5000 0.1 fast --delivery tiles
suffix=_rows bench configs/balanced_eif.json 5000 0.1 fast
sanitize racecheck tiles "${small_run[@]}" --mode deterministic --delivery tiles
sanitize memcheck tiles "${small_run[@]}" --mode fast --delivery tiles
timed 60 "$eisim" compare configs/microcircuit.json --set scale=0.2 --set T=200 --set burn_in=0 --delivery tiles --quiet \
  > "$logs/tiles_compare.json" 2> "$logs/tiles_compare.err"
note "tiles, eisim compare of the microcircuit at scale 0.2: exit $? ($(grep -m1 -o '"identical[^,]*' "$logs/tiles_compare.json"))"

echo "== the same benchmarks with other binaries, in turn (DEVICE_CHECK_COMPARE='NAME=EISIM ...')"
if [ -n "${DEVICE_CHECK_COMPARE:-}" ]; then
  # shellcheck disable=SC2086  # a list of NAME=EISIM words
  timed 150 python3 bench/compare_binaries.py $DEVICE_CHECK_COMPARE this="$eisim" --out "$logs/compare.json" \
    > "$logs/compare.txt" 2>&1 || note "comparison: exit $?: $(tail -2 "$logs/compare.txt" | tr '\n' ' ')"
fi

echo "== compute-sanitizer on the GPU tests"
spiking_subset='CudaVsCpu.Recordings*:CudaVsCpu.RowsLonger*:CudaVsCpu.PlasticRows*:CudaVsCpu.Many*:CudaVsCpu.WeightRecordings*:Backends/SingleNeuron.*/cuda'
sanitize memcheck gpu_tests "$tests" --gtest_filter="$spiking_subset${DEVICE_CHECK_SANITIZE_RATE_MODELS:+:RateModelsOnGpu.*}"
sanitize racecheck deterministic_mode "${small_run[@]}" --mode deterministic

echo "== the other benchmarks"
bench configs/plasticity_eif.json 100000 0.1 deterministic "${plastic[@]}"
bench configs/balanced_eif.json 10000 0.1 fast
bench configs/balanced_eif.json 10000 0.1 deterministic
bench configs/balanced_eif.json 1000000 0.001 deterministic

echo "== the other sanitizer checks"
sanitize initcheck deterministic_mode "${small_run[@]}" --mode deterministic
sanitize memcheck fast_mode "${small_run[@]}" --mode fast

echo "== RLS training, CPU (Eigen) against GPU (cuBLAS); DEVICE_CHECK_RLS=0 skips it"
if [ "${DEVICE_CHECK_RLS:-1}" = 1 ]; then
  timed 90 python3 bench/rnn_benchmark.py --eisim "$eisim" --out "$logs/rnn_benchmark.json" > "$logs/rnn_benchmark.txt" 2>&1 ||
    note "RLS benchmark: failed (exit $?): $(tail -2 "$logs/rnn_benchmark.txt" | tr '\n' ' ')"
fi

echo "== scale checks: N = 300,000, the lower bound, compare beyond 2^32 synapses (DEVICE_CHECK_SCALE=1)"
if [ "${DEVICE_CHECK_SCALE:-0}" = 1 ]; then
  SCALE_CHECK_BUDGET_S=$((deadline - SECONDS - 30)) bash bench/scale_check.sh "$eisim" "$logs" 2>&1 | tee -a "$status_file"
fi

echo "== ranks: GPU ranks against the CPU, then scaling (DEVICE_CHECK_RANKS=1)"
if [ "${DEVICE_CHECK_RANKS:-0}" = 1 ] && command -v mpirun > /dev/null; then
  rank_run=(run configs/plasticity_eif.json --set N=4000 --set T=500 --set burn_in=0 --quiet --overwrite)
  timed 60 "$eisim" "${rank_run[@]}" --out /tmp/ranks_cpu > /dev/null 2> "$logs/ranks_cpu.err"
  for k in 2 3; do
    if timed 90 mpirun --oversubscribe -np "$k" "$eisim" "${rank_run[@]}" --backend cuda --out "/tmp/ranks_gpu$k" \
         > /dev/null 2> "$logs/ranks_gpu$k.err"; then
      differ=$(for f in /tmp/ranks_cpu/*.npy; do cmp -s "$f" "/tmp/ranks_gpu$k/$(basename "$f")" || basename "$f"; done)
      note "GPU ranks, $k sharing the GPU, against one CPU process: ${differ:-all files identical}"
    else
      note "GPU ranks, $k: failed: $(tail -2 "$logs/ranks_gpu$k.err" | tr '\n' ' ')"
    fi
  done
  timed 150 python3 bench/scaling.py --eisim "$eisim" --backend cuda --ranks 1 2 4 --scaling strong --strong-n 100000 \
    --T 500 --burn-in 100 --json "$logs/scaling_cuda.json" > "$logs/scaling_cuda.txt" 2>&1 ||
    note "GPU rank scaling: exit $?: $(tail -2 "$logs/scaling_cuda.txt" | tr '\n' ' ')"
  timed 240 python3 bench/scaling.py --eisim "$eisim" --backend cpu --ranks 1 8 --scaling strong --strong-n 50000 \
    --T 500 --burn-in 100 --json "$logs/scaling_cpu.json" > "$logs/scaling_cpu.txt" 2>&1 ||
    note "CPU rank scaling: exit $?: $(tail -2 "$logs/scaling_cpu.txt" | tr '\n' ' ')"
  timed 240 python3 bench/scaling.py --eisim "$eisim" --construction --ranks 1 8 \
    --json "$logs/scaling_construction.json" > "$logs/scaling_construction.txt" 2>&1 ||
    note "construction scaling: exit $?: $(tail -2 "$logs/scaling_construction.txt" | tr '\n' ' ')"
  grep -hE "PASS|FAIL" "$logs"/scaling_*.txt | tee -a "$status_file"
fi

echo "== the cortical microcircuit: rates against NEST's over 5 seeds, speed, construction (DEVICE_CHECK_MICROCIRCUIT=1)"
if [ "${DEVICE_CHECK_MICROCIRCUIT:-0}" = 1 ]; then
  timed 300 python3 bench/microcircuit.py --eisim "$eisim" --backend cuda --seeds 5 --T 10500 --speed \
    --json "$out/microcircuit.json" --plot "$out/microcircuit.png" > "$logs/microcircuit.txt" 2>&1
  note "microcircuit: exit $? (0: every rate within 10% of NEST's, every CV in [0.7, 1.1])"
  tail -14 "$logs/microcircuit.txt" | tee -a "$status_file"
  # Full scale, CPU against GPU in deterministic mode (the CPU takes minutes per simulated second).
  timed 240 "$eisim" compare configs/microcircuit.json --set T=100 --set burn_in=0 --quiet \
    > "$logs/microcircuit_compare.json" 2> "$logs/microcircuit_compare.err"
  note "microcircuit, eisim compare for 100 ms at full scale: exit $? ($(grep -m1 -o '"identical[^,]*' "$logs/microcircuit_compare.json"))"
fi

echo "== summary"
cat "$status_file"
cat "$logs/rnn_benchmark.txt" "$logs/compare.txt" 2>/dev/null
python3 bench/summarize.py "$logs"/bench_*.json --out "$logs/gpu_benchmark.json"
exit $tests_status
