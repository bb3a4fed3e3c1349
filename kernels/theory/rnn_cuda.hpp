// The chaotic RNN's time loop (include/eisim/theory/rnn.hpp) on the GPU, in cuBLAS double precision.
// Plain arrays in and out, so that nvcc never sees Eigen; src/theory/cuda_models.cpp does the rest.
// docs/architecture.md, "Where each equation lives".
#pragma once

#include <vector>

namespace eisim {

struct RnnCudaProblem {
  int n = 0;
  std::vector<double> W, P;     // n x n, column-major
  std::vector<double> Q, X, R, r;  // n
  double dt_over_tau = 0.0;
  double epsilon = 0.0, epsilon_P = 0.0;  // LMS uses epsilon only
  bool rls = true;
  std::vector<double> target;        // y at the end of each step
  std::vector<char> learning_on;     // per step
};

// The readout z after each step (before that step's readout update), as ChaoticRnn::step returns.
std::vector<double> run_rnn_cuda(const RnnCudaProblem& problem);

}  // namespace eisim
