// The rate models on the GPU (cuBLAS) against the CPU (Eigen). Skipped without a GPU.
#include <gtest/gtest.h>

#include <cmath>

#include "eisim/backend.hpp"
#include "eisim/errors.hpp"
#include "eisim/rate_network.hpp"
#include "eisim/rnn.hpp"
#include "test_support.hpp"
#if defined(EISIM_WITH_CUDA)
#include "eisim/cuda_models.hpp"
#endif

namespace eisim {
namespace {

using RateModelsOnGpu = test_support::NeedsGpu;

#if defined(EISIM_WITH_CUDA)
TEST_F(RateModelsOnGpu, RateNetworkTrajectoriesAgreeWithTheCpu) {
  // A random 300-population network with a rectified-linear f: W r by cuBLAS and by Eigen differ
  // only in summation order, so the trajectories agree to rounding.
  RateNetwork net;
  const int n = 300;
  net.W = random_gaussian_matrix(n, 0.8, 5) * 0.01;
  net.X = Eigen::VectorXd::Constant(n, 12.0);
  net.tau = Eigen::VectorXd::LinSpaced(n, 5.0, 30.0);
  net.f.assign(n, RectifiedLinear{0.003, 10.0});
  const Eigen::VectorXd r0 = Eigen::VectorXd::Zero(n);
  const Trajectory cpu = integrate(net, r0, 0.1, 300.0, 10);
  const Trajectory gpu = integrate_cuda(net, r0, 0.1, 300.0, 10);
  ASSERT_EQ(cpu.r.cols(), gpu.r.cols());
  EXPECT_LT((cpu.r - gpu.r).cwiseAbs().maxCoeff(), 1e-9 * (1.0 + cpu.r.cwiseAbs().maxCoeff()));
  EXPECT_EQ(cpu.t, gpu.t);
}

TEST_F(RateModelsOnGpu, RlsOnTheGpuLearnsTheSineAsOnTheCpu) {
  RnnParams params;
  const auto target = [](double t) { return std::sin(2.0 * M_PI * t / 500.0); };
  const RnnRun gpu = train_and_test_cuda(params, target, Learning::rls, 500, 2500, 4000);
  double sum = 0;
  size_t count = 0;
  for (size_t k = 0; k < gpu.t.size(); ++k) {
    if (gpu.t[k] < 2500) continue;
    sum += gpu.error[k] * gpu.error[k];
    ++count;
  }
  EXPECT_LT(std::sqrt(sum / static_cast<double>(count)), 0.1);  // as the CPU's RLS test
}
#endif

}  // namespace
}  // namespace eisim
