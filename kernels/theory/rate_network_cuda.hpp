// A rate network's Euler loop (include/eisim/theory/rate_network.hpp, integrate()) on the GPU: W r by
// cuBLAS in double, the pointwise step by a kernel. Plain arrays in and out, so that nvcc never
// sees Eigen; src/theory/cuda_models.cpp does the rest.
// docs/architecture.md, "Where each equation lives".
#pragma once

#include <vector>

namespace eisim {

struct RateCudaProblem {
  int n = 0;
  std::vector<double> W;  // n x n, column-major
  std::vector<double> X, tau, gain, threshold, r0;  // n; f = gain [I - threshold]_+
  double dt = 0.0;
  long steps = 0;
  int record_every = 1;
};

// The rates at steps 0, record_every, 2 record_every, ... <= steps: n values per sample.
std::vector<double> integrate_rates_cuda(const RateCudaProblem& problem);

}  // namespace eisim
