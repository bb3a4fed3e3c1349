// What a network needs of the host's memory, and what this process may use (docs/architecture.md,
// "Limits and memory"). Estimated from expected synapse counts, before anything is built.
#pragma once

#include <string>

#include "eisim/engine/backend.hpp"

namespace eisim {

// Bytes by what holds them, on the host, for backend `kind`.
struct HostMemoryEstimate {
  double connectivity = 0;  // what the host builds (all for the CPU; fixed in-degree ones for CUDA), while built
  double backend_state = 0;  // the CPU backend's neurons, currents and plastic synapses (0 for CUDA)
  double statistics = 0;     // the run loop's per-neuron accumulators and rate windows
  double total() const { return connectivity + backend_state + statistics; }
};
HostMemoryEstimate estimate_host_memory(BackendKind kind, const NetworkSpec& spec);

// What this process may still allocate: the least of the machine's available memory, the headroom
// under its address-space and data limits (ulimit -v, -d) and under its cgroup's memory limit.
struct MemoryAllowance {
  double bytes = 0;   // 0: nothing known, no check
  std::string limit;  // which of them binds, for messages
};
MemoryAllowance host_memory_allowance();

// Throws RuntimeProblem, naming the estimate, the allowance and what limits it, if it will not fit.
// On several ranks (null: one process) each needs its share of the connectivity and state, and the
// ranks on one node share its memory.
void check_host_memory(BackendKind kind, const NetworkSpec& spec, const Communicator* ranks = nullptr);

}  // namespace eisim
