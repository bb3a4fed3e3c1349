// Whether this process is one of several ranks (docs/architecture.md, "Running on several ranks"):
// MPI is started only when a launcher started the process, so a plain `eisim run` never touches it.
#include <cstdlib>
#include <string>

#include "eisim/cluster/communicator.hpp"
#include "eisim/errors.hpp"

namespace eisim {

#ifdef EISIM_WITH_MPI
std::unique_ptr<Communicator> mpi_ranks(int& argc, char**& argv);  // mpi_ranks.cpp
#endif

namespace {
// Set by Open MPI's mpirun, by MPICH's and Intel's (PMI), and by Slurm's srun with PMIx or PMI-2.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}
}  // namespace

std::unique_ptr<Communicator> join_ranks(int& argc, char**& argv) {
  if (!launched_by_mpi()) return single_rank();
#ifdef EISIM_WITH_MPI
  return mpi_ranks(argc, argv);
#else
  (void)argc;
  (void)argv;
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (size && std::string(size) != "1") {
    throw RuntimeProblem("this eisim was built without MPI, so it cannot run as " + std::string(size) +
                         " ranks; build it with MPI (tools/setup.sh installs Open MPI; CMake option EISIM_MPI)");
  }
  return single_rank();
#endif
}

}  // namespace eisim
