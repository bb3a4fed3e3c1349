// The rate models on the GPU (cuBLAS) against the CPU (Eigen). Skipped without a GPU.
#include <gtest/gtest.h>

#include <cmath>

#include "eisim/engine/backend.hpp"
#include "eisim/errors.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/theory/rate_model_task.hpp"
#include "eisim/theory/rate_network.hpp"
#include "eisim/theory/rnn.hpp"
#include "eisim/theory/rnn_task.hpp"
#include "fitted_fi_curve.hpp"
#include "test_support.hpp"
#if defined(EISIM_WITH_CUDA)
#include "eisim/theory/cuda_models.hpp"
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

// `eisim ratemodel --backend cuda` and `eisim rnn --backend cuda` reach the GPU code and agree
// with the CPU: the rate model to rounding, the RNN's learning errors closely (its chaos lets
// rounding grow, but learning holds the output to the target).
TEST_F(RateModelsOnGpu, CommandLineTasksOnTheGpuAgreeWithTheCpu) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  RateModelTask rates;
  rates.f = test_support::fitted_fi_curve();
  rates.t_ms = 300;
  const auto cpu_rates = run_rate_model(spec, rates, "");
  rates.backend = BackendKind::cuda;
  const auto gpu_rates = run_rate_model(spec, rates, "");
  EXPECT_NE(gpu_rates["device"], cpu_rates["device"]);  // it did run on the GPU
  for (size_t a = 0; a < 2; ++a) {
    EXPECT_NEAR(gpu_rates["final_rates_hz"][a].get<double>(), cpu_rates["final_rates_hz"][a].get<double>(), 1e-9);
  }

  RnnTask rnn;
  rnn.params.N = 100;
  rnn.t_ms = 1500;
  rnn.learn_from_ms = 100;
  rnn.learn_until_ms = 1000;
  const auto cpu_rnn = run_rnn_task(rnn, "");
  rnn.backend = BackendKind::cuda;
  const auto gpu_rnn = run_rnn_task(rnn, "");
  EXPECT_NE(gpu_rnn["device"], cpu_rnn["device"]);
  const double cpu_error = cpu_rnn["rms_error_while_learning"].get<double>();
  EXPECT_NEAR(gpu_rnn["rms_error_while_learning"].get<double>(), cpu_error, 0.1 * cpu_error);
  // Bitwise-equal errors would mean both ran on the CPU: cuBLAS and Eigen sum in other orders,
  // and the chaotic network magnifies the difference.
  EXPECT_NE(gpu_rnn["rms_error_while_learning"].get<double>(), cpu_error);
}
#endif

}  // namespace
}  // namespace eisim
