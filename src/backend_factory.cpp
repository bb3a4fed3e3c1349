#include <fstream>
#include <memory>

#include "cpu_backend.hpp"
#include "eisim/backend.hpp"
#include "eisim/errors.hpp"
#if defined(EISIM_WITH_CUDA)
#include "../kernels/cuda_backend.hpp"
#include "../kernels/cuda_device.hpp"
#endif

namespace eisim {

void BlockOutput::reset(const NetworkSpec& spec) {
  spikes.assign(spec.populations.size(), SpikeRecord{});
  traces.assign(spec.recording.traces.size(), TraceRecord{});
  weights.assign(spec.recording.weights.size(), WeightRecord{});
}

void Backend::start(int64_t first_step, int64_t count) {
  if (outstanding_ == 2) throw RuntimeProblem(name() + " backend: start: two blocks are already outstanding");
  launch(first_step, count);
  ++outstanding_;
}

void Backend::collect(BlockOutput& out) {
  if (outstanding_ == 0) throw RuntimeProblem(name() + " backend: collect: no block was started");
  finish(out);
  --outstanding_;
}

std::vector<int> incoming_projections(const NetworkSpec& spec, int post) {
  std::vector<int> incoming;
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    if (spec.projections[k].post == post) incoming.push_back(static_cast<int>(k));
  }
  return incoming;
}

void require_backend(const std::string& name) {
  if (name == "cpu") return;
  if (name == "cuda") {
#if defined(EISIM_WITH_CUDA)
    const std::string problem = cuda_device_problem();
    if (!problem.empty()) throw RuntimeProblem("--backend cuda: " + problem + "; use --backend cpu");
    return;
#else
    throw RuntimeProblem(
        "--backend cuda: this eisim was built without CUDA (EISIM_CUDA=OFF or nvcc not found); "
        "rebuild with the CUDA toolkit, or use --backend cpu");
#endif
  }
  throw RuntimeProblem("--backend " + name + ": unknown backend (known: cpu, cuda)");
}

std::string device_description([[maybe_unused]] const std::string& name) {
#if defined(EISIM_WITH_CUDA)
  if (name == "cuda") return cuda_device_description();
#endif
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "CPU";
}

void require_runnable(const std::string& name, const NetworkSpec& spec, [[maybe_unused]] const BackendOptions& options) {
  check_host_memory(spec, projections_built_on_host(name, spec));
#if defined(EISIM_WITH_CUDA)
  if (name == "cuda") {
    check_gpu_support(spec);
    check_device_memory(spec, options);
  }
#endif
}

std::vector<bool> projections_built_on_host(const std::string& name, const NetworkSpec& spec) {
  std::vector<bool> on_host;
  for (const ProjectionSpec& proj : spec.projections) {
    on_host.push_back(name != "cuda" || proj.rule == ConnectionRule::fixed_indegree);
  }
  return on_host;
}

std::vector<int> projection_channels(const NetworkSpec& spec) {
  std::vector<int> channel, count(spec.populations.size(), 0);
  for (const ProjectionSpec& proj : spec.projections) channel.push_back(count[proj.post]++);
  return channel;
}

const char* mode_name(AccumulationMode mode) {
  return mode == AccumulationMode::deterministic ? "deterministic" : "fast";
}

std::unique_ptr<Backend> make_backend(const std::string& name, const NetworkSpec& spec, const Network& net,
                                      [[maybe_unused]] const BackendOptions& options) {
  require_backend(name);
#if defined(EISIM_WITH_CUDA)
  if (name == "cuda") return make_cuda_backend(spec, net, options);
#endif
  return std::make_unique<CpuBackend>(spec, net);
}

}  // namespace eisim
