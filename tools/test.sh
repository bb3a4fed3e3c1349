#!/usr/bin/env bash
# Installs what eisim needs, builds it (tools/setup.sh), then builds every test suite once more with
# AddressSanitizer and UBSan (any error fatal) and runs them all there: the engine's and the CPU
# backend's tests, the command-line tests against the sanitized binary, and the CUDA backend's host
# code and kernels on the emulated CUDA runtime (tests/emulated_gpu; the host's stand-in for
# compute-sanitizer's memcheck); and clang's check that no 64-bit integer is narrowed unsaid
# (tools/check_64bit.sh). docs/architecture.md, "Testing". CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
if ! command -v clang++ >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang >/dev/null
fi
tools/check_64bit.sh
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEISIM_CUDA=OFF -DEISIM_SANITIZE=ON >/dev/null
cmake --build build-test -j "$(nproc)"
ctest --test-dir build-test --output-on-failure -j "$(nproc)"
