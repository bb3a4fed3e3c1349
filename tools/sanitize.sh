#!/usr/bin/env bash
# The CUDA backend's host code and kernels on the emulated CUDA runtime (tests/emulated_gpu),
# built with AddressSanitizer and UBSan: reads or writes past a device buffer, use after free and
# undefined behaviour stop the test. The host's stand-in for compute-sanitizer's memcheck; CI runs
# it after the tests. Needs what tools/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEISIM_CUDA=OFF -DEISIM_SANITIZE=ON >/dev/null
cmake --build build-sanitize --target eisim_emulated_gpu_tests -j "$(nproc)"
ctest --test-dir build-sanitize -R '^emulated_gpu\.' --output-on-failure -j "$(nproc)"
