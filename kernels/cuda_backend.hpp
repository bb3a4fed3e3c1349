// The CUDA backend: the same network as the CPU backend, on one NVIDIA GPU.
// docs/architecture.md, "Backends".
#pragma once

#include <memory>

#include "eisim/engine/backend.hpp"

namespace eisim {

// Bytes the device needs for this network (connectivity, state, spike and trace buffers),
// from the expected synapse counts.
double estimate_device_bytes(const NetworkSpec& spec, const BackendOptions& options);

// Throws RuntimeProblem, naming the estimate, the device and its free memory, if it will not fit.
void check_device_memory(const NetworkSpec& spec, const BackendOptions& options);

// Throws RuntimeProblem, naming the population, if the network needs what this backend lacks: more
// than cuda::kEligibilityTracesPerPopulation plastic projections sent or received by one population.
void check_gpu_support(const NetworkSpec& spec);

std::unique_ptr<Backend> make_cuda_backend(const NetworkSpec& spec, const Network& net, const BackendOptions& options);

}  // namespace eisim
