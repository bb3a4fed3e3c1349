#!/usr/bin/env bash
# Copies the header-only and test dependencies (nlohmann/json, CLI11, Random123, Eigen headers and the
# GoogleTest sources) from this machine's Debian packages into one folder, so that an offline GPU
# machine with only nvcc and CMake can build eisim with -DEISIM_DEPS_DIR=<folder>.
# docs/architecture.md, "Benchmarks".
set -euo pipefail
dest=${1:-deps}
mkdir -p "$dest"
for header_dir in /usr/include/nlohmann /usr/include/CLI /usr/include/Random123 /usr/include/eigen3/Eigen; do
  [ -d "$header_dir" ] || { echo "gather_deps: $header_dir missing; run tools/setup.sh first" >&2; exit 1; }
  cp -r "$header_dir" "$dest/"
done
[ -d /usr/src/googletest ] || { echo "gather_deps: /usr/src/googletest missing (package googletest)" >&2; exit 1; }
rm -rf "$dest/googletest"
cp -r /usr/src/googletest "$dest/googletest"
du -sh "$dest"
