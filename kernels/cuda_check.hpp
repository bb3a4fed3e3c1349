// Every CUDA call and launch is checked: a failure stops the run saying what failed and why.
// docs/architecture.md, "Backends".
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "eisim/errors.hpp"

namespace eisim {

inline void cuda_check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw RuntimeProblem(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
}

}  // namespace eisim
