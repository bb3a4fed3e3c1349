// The rate models on the GPU (cuBLAS): available in builds with CUDA (EISIM_WITH_CUDA).
// docs/architecture.md, "Where each equation lives".
#pragma once

#include <functional>

#include "eisim/theory/rate_network.hpp"
#include "eisim/theory/rnn.hpp"

namespace eisim {

// As integrate() (rate_network.hpp), on device 0.
Trajectory integrate_cuda(const RateNetwork& net, const Eigen::VectorXd& r0, double dt, double T, int record_every = 1);

// As train_and_test() (rnn.hpp), on device 0, from the same initial draws.
RnnRun train_and_test_cuda(const RnnParams& params, const std::function<double(double)>& target, Learning learning,
                           double learn_from_ms, double learn_until_ms, double T_ms);

}  // namespace eisim
