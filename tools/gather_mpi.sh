#!/usr/bin/env bash
# Brings Debian's Open MPI (runtime, headers, mpirun, mpicxx) into one folder that a GPU machine
# without MPI and without a network can use: the packages are downloaded with apt-get, unpacked with
# dpkg -x, trimmed of Fortran, Java and documentation, and given an env.sh that points PATH,
# LD_LIBRARY_PATH and OPAL_PREFIX (Open MPI's relocation) at the folder. About 25 MB.
#   tools/gather_mpi.sh deps/mpi        here
#   . deps/mpi/env.sh                   there, before cmake (EISIM_MPI finds mpicxx) and mpirun
# docs/architecture.md, "Benchmarks".
set -euo pipefail
dest=$(realpath -m "${1:-deps/mpi}")
packages=(libopenmpi3 libopenmpi-dev openmpi-bin openmpi-common libpmix2 libhwloc15 libevent-core-2.1-7
          libevent-pthreads-2.1-7 libfabric1 libucx0 libibverbs1 librdmacm1 libnl-3-200 libnl-route-3-200
          libpsm-infinipath1 libpsm2-2 libnuma1 libltdl7 libmunge2 libpciaccess0 libxnvctrl0)
download=$(mktemp -d)
chmod 755 "$download"  # apt-get downloads as its own user
trap 'rm -rf "$download"' EXIT
(cd "$download" && apt-get download "${packages[@]}" >/dev/null)
rm -rf "$dest"
mkdir -p "$dest"
for deb in "$download"/*.deb; do dpkg -x "$deb" "$dest"; done
lib="$dest/usr/lib/x86_64-linux-gnu"
rm -rf "$dest/usr/share/doc" "$dest/usr/share/man" "$dest/usr/share/lintian" "$lib/fortran" "$lib"/libmpi_mpifh* \
       "$lib"/libmpi_usempi* "$lib"/liboshmem* "$dest/usr/bin"/*java* "$dest/usr/bin"/*fort* "$dest/usr/bin"/*f77*
(cd "$dest/usr/bin" && ln -sf mpirun.openmpi mpirun && ln -sf mpicxx.openmpi mpicxx && ln -sf mpicc.openmpi mpicc)
cat > "$dest/env.sh" <<'ENV'
# Sourced on the machine that uses this carried Open MPI (tools/gather_mpi.sh).
mpi_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/usr
export OPAL_PREFIX="$mpi_root"
export PATH="$mpi_root/bin:$PATH"
export LD_LIBRARY_PATH="$mpi_root/lib/x86_64-linux-gnu:$mpi_root/lib/x86_64-linux-gnu/openmpi/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Root in a container, and no cross-memory attach in a sandbox: allowed, and shared memory copies twice.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
ENV
du -sh "$dest"
