// What a network needs of the host's memory, and what this process may use; docs/architecture.md,
// "Limits and memory".
#include "eisim/engine/memory_estimate.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "eisim/engine/backend_setup.hpp"
#include "eisim/engine/network.hpp"
#include "eisim/errors.hpp"
#include "src/engine/host_machine.hpp"

namespace eisim {
namespace {

// A number read from a file (cgroup limits), or -1 where it cannot be read or says "max".
double read_bytes(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return -1;
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return -1;
  }
}

// A field of /proc/self/status in bytes (VmSize:, kB).
double status_bytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::istringstream fields(line.substr(key.size()));
    double kib = 0;
    fields >> kib;
    return kib * 1024.0;
  }
  return 0;
}

// The cgroup v2 (or v1) memory limit's headroom, or -1 where none is set.
double cgroup_headroom() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) {  // cgroup v2
      const std::string dir = "/sys/fs/cgroup" + line.substr(3);
      const double limit = read_bytes(dir + "/memory.max"), used = read_bytes(dir + "/memory.current");
      if (limit >= 0) return limit - std::max(used, 0.0);
    }
  }
  const double limit = read_bytes("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  const double used = read_bytes("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  return limit >= 0 && limit < 1e18 ? limit - std::max(used, 0.0) : -1;  // v1 says "no limit" as a huge number
}

// The headroom under an rlimit on this process's size, or -1 where it is unlimited.
double rlimit_headroom(int resource, const std::string& size_key) {
  struct rlimit limit {};
  if (getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
  return static_cast<double>(limit.rlim_cur) - status_bytes(size_key);
}

}  // namespace

HostMemoryEstimate estimate_host_memory(BackendKind kind, const NetworkSpec& spec) {
  HostMemoryEstimate e;
  const std::vector<bool> on_host = projections_built_on_host(kind, spec);
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    const double synapses = expected_synapses(spec, k);
    const double n_pre = static_cast<double>(spec.populations[proj.pre].size);
    const double n_post = static_cast<double>(spec.populations[proj.post].size);
    const double drawn = drawn_bytes_per_synapse(proj);
    // Targets twice while chunks are laid out (or sources + targets when transposing; (pre, post) pairs
    // and targets for the total-number rule), row starts once.
    const double building = proj.rule == ConnectionRule::fixed_total_number ? 12.0 : 8.0;
    if (on_host[k]) e.connectivity += (building + drawn) * synapses + 8.0 * (n_pre + 1.0);
    if (kind == BackendKind::cpu && proj.plasticity) {  // weights, postsynaptic index (synapse, pre), traces
      e.backend_state += (4.0 + 8.0 + 4.0) * synapses + 8.0 * (n_post + 1.0) + 4.0 * (n_pre + n_post);
    }
  }
  const double windows = spec.simulation.t_ms / spec.recording.rate_window_ms + 1.0;
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const PopulationSpec& pop = spec.populations[a];
    const double n = static_cast<double>(pop.size);
    e.statistics += 64.0 * n + 8.0 * windows;  // one cache line of accumulators per neuron (statistics.hpp)
    if (kind != BackendKind::cpu) continue;
    if (pop.model == NeuronModel::poisson) {
      e.backend_state += 16.0 * n;  // next candidate, candidates drawn
    } else {  // V, total input, crossing flag, refractory count, and per channel the current and its input ring
      const double channels = channel_count(spec, static_cast<int>(a));
      const double ring = ring_slots(spec, static_cast<int>(a));
      e.backend_state += (4.0 + 4.0 + 1.0 + 4.0 + channels * (4.0 + 8.0 * ring)) * n;
    }
  }
  return e;
}

MemoryAllowance host_memory_allowance() {
  MemoryAllowance allowance{available_host_bytes(), "the machine's available memory"};
  const auto consider = [&](double bytes, const char* what) {
    if (bytes >= 0 && (allowance.bytes <= 0 || bytes < allowance.bytes)) allowance = {std::max(bytes, 1.0), what};
  };
  consider(rlimit_headroom(RLIMIT_AS, "VmSize:"), "this process's address-space limit (ulimit -v)");
  consider(rlimit_headroom(RLIMIT_DATA, "VmData:"), "this process's data limit (ulimit -d)");
  consider(cgroup_headroom(), "its cgroup's memory limit");
  return allowance;
}

void check_host_memory(BackendKind kind, const NetworkSpec& spec, const Communicator* ranks) {
  HostMemoryEstimate needed = estimate_host_memory(kind, spec);
  MemoryAllowance allowance = host_memory_allowance();
  std::string whose = "the network";
  if (ranks && ranks->size() > 1) {
    needed.connectivity /= ranks->size();
    needed.backend_state /= ranks->size();
    if (ranks->rank() != 0) needed.statistics = 0;  // rank 0 keeps the statistics
    allowance.bytes /= ranks->node_size();
    allowance.limit += " shared by the " + std::to_string(ranks->node_size()) + " ranks on this node";
    whose = "rank " + std::to_string(ranks->rank()) + "'s share of the network";
  }
  if (allowance.bytes > 0 && needed.total() > 0.9 * allowance.bytes) {
    throw RuntimeProblem(whose + " will not fit in memory: it needs about " + gib(needed.total()) +
                         " (connectivity " + gib(needed.connectivity) + ", neuron and synapse state " +
                         gib(needed.backend_state) + ", statistics " + gib(needed.statistics) + "), and " +
                         gib(allowance.bytes) + " is available under " + allowance.limit +
                         "; reduce N or the connection probability");
  }
}

}  // namespace eisim
