// Where the engine chooses a backend (docs/architecture.md, "Backends"): the CPU backend always, the
// CUDA backend where this eisim was built with CUDA (EISIM_WITH_CUDA) and a GPU is usable. Compiled
// once more against the emulated CUDA runtime for the tests.
#include <memory>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/memory_estimate.hpp"
#include "eisim/errors.hpp"
#include "src/cpu/cpu_backend.hpp"
#include "src/engine/host_machine.hpp"
#if defined(EISIM_WITH_CUDA)
#include "kernels/cuda_backend.hpp"
#include "kernels/cuda_device.hpp"
#endif

namespace eisim {
namespace {

void require_meaningful_options(BackendKind kind, const BackendOptions& options) {
  if (kind == BackendKind::cpu && options.mode == AccumulationMode::fast) {
    throw UsageError("--mode fast: the CPU backend is the deterministic reference and has no fast mode; "
                     "use --backend cuda for fast mode");
  }
  if (kind == BackendKind::cpu && options.delivery == Delivery::tiles) {
    throw UsageError("--delivery tiles: the CPU backend delivers along presynaptic rows only; use --backend cuda for tiles");
  }
}

}  // namespace

void require_backend(BackendKind kind) {
  if (kind == BackendKind::cpu) return;
#if defined(EISIM_WITH_CUDA)
  const std::string problem = cuda_device_problem();
  if (!problem.empty()) throw RuntimeProblem("--backend cuda: " + problem + "; use --backend cpu");
#else
  throw RuntimeProblem(
      "--backend cuda: this eisim was built without CUDA (EISIM_CUDA=OFF or nvcc not found); "
      "rebuild with the CUDA toolkit, or use --backend cpu");
#endif
}

std::string device_description(BackendKind kind) {
#if defined(EISIM_WITH_CUDA)
  if (kind == BackendKind::cuda) return cuda_device_description();
#endif
  (void)kind;
  return cpu_model_name();
}

void require_runnable(BackendKind kind, const NetworkSpec& spec, const BackendOptions& options) {
  require_meaningful_options(kind, options);
  check_host_memory(kind, spec, options.ranks);
#if defined(EISIM_WITH_CUDA)
  if (kind == BackendKind::cuda) {
    if (options.ranks) use_device_of_node_rank(options.ranks->node_rank());
    check_gpu_support(spec);
    check_device_memory(spec, options);
  }
#endif
}

double device_memory_estimate(BackendKind kind, const NetworkSpec& spec, const BackendOptions& options) {
#if defined(EISIM_WITH_CUDA)
  if (kind == BackendKind::cuda) return estimate_device_bytes(spec, options);
#endif
  (void)kind, (void)spec, (void)options;
  return 0.0;
}

std::vector<bool> projections_built_on_host(BackendKind kind, const NetworkSpec& spec) {
  std::vector<bool> on_host;
  for (const ProjectionSpec& proj : spec.projections) {
    on_host.push_back(kind != BackendKind::cuda || proj.rule == ConnectionRule::fixed_indegree);
  }
  return on_host;
}

std::unique_ptr<Backend> make_backend(BackendKind kind, const NetworkSpec& spec, const Network& net,
                                      const BackendOptions& options) {
  require_backend(kind);
  require_meaningful_options(kind, options);
#if defined(EISIM_WITH_CUDA)
  if (kind == BackendKind::cuda) return make_cuda_backend(spec, net, options);
#endif
  return std::make_unique<CpuBackend>(spec, net, options.ranks);
}

}  // namespace eisim
