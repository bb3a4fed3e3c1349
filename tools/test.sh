#!/usr/bin/env bash
# Installs what eisim needs, builds it (tools/setup.sh), then builds every test suite once more with
# AddressSanitizer and UBSan (any error fatal) and runs them all there: the engine's and the CPU
# backend's tests, the command-line tests against the sanitized binary, and the CUDA backend's host
# code and kernels on the emulated CUDA runtime (tests/emulated_gpu; the host's stand-in for
# compute-sanitizer's memcheck). docs/architecture.md, "Testing". CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEISIM_CUDA=OFF -DEISIM_SANITIZE=ON >/dev/null
cmake --build build-test -j "$(nproc)"
ctest --test-dir build-test --output-on-failure -j "$(nproc)"
