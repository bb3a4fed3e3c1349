#!/usr/bin/env bash
# Compiles every source of the engine, the backends and the theory with clang's -Wshorten-64-to-32 as
# an error: no 64-bit index, count or offset may be narrowed to 32 bits without a cast that says so.
# The CUDA sources are compiled as host code against the emulated runtime (tests/emulated_gpu).
# docs/architecture.md, "Limits and memory". tools/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-std=c++17 -fsyntax-only -Werror=shorten-64-to-32 -Iinclude -I. -isystem /usr/include/eigen3 -fopenmp)
# MPI's headers, where MPI is installed (src/cluster/mpi_ranks.cpp is skipped without them).
read -r -a mpi_flags <<< "$(mpicxx --showme:compile 2>/dev/null || true)"
status=0
for source in src/*/*.cpp; do
  if [ "$source" = src/cluster/mpi_ranks.cpp ] && [ ${#mpi_flags[@]} -eq 0 ]; then continue; fi
  clang++ "${flags[@]}" "${mpi_flags[@]}" "$source" || status=1
done
for source in kernels/*.cu kernels/theory/*.cu src/engine/backend_factory.cpp src/theory/*_task.cpp; do
  clang++ -x c++ "${flags[@]}" -Itests/emulated_gpu/include -DEISIM_WITH_CUDA=1 "$source" || status=1
done
[ "$status" = 0 ] && echo "check_64bit: no narrowing of 64-bit integers in $(ls src/*/*.cpp kernels/*.cu kernels/theory/*.cu | wc -l) sources"
exit "$status"
