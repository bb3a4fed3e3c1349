// Host side of the GPU rate models: Eigen in, plain arrays to kernels/, Eigen out.
// docs/architecture.md, "Where each equation lives".
#include "eisim/theory/cuda_models.hpp"

#include <cmath>
#include <stdexcept>

#include "kernels/theory/rate_network_cuda.hpp"
#include "kernels/theory/rnn_cuda.hpp"

namespace eisim {
namespace {
std::vector<double> flat(const Eigen::MatrixXd& m) { return std::vector<double>(m.data(), m.data() + m.size()); }
}  // namespace

Trajectory integrate_cuda(const RateNetwork& net, const Eigen::VectorXd& r0, double dt, double T, int record_every) {
  if (dt <= 0 || T < 0 || record_every < 1) {
    throw std::invalid_argument("integrate_cuda: need dt > 0, T >= 0 and record_every >= 1");
  }
  RateCudaProblem p;
  p.n = net.size();
  p.W = flat(net.W);
  p.X = flat(net.X);
  p.tau = flat(net.tau);
  for (const RectifiedLinear& f : net.f) {
    p.gain.push_back(f.gain);
    p.threshold.push_back(f.threshold);
  }
  p.r0 = flat(r0);
  p.dt = dt;
  p.steps = std::lround(T / dt);
  p.record_every = record_every;
  const std::vector<double> record = integrate_rates_cuda(p);
  const long samples = p.steps / record_every + 1;
  Trajectory out{Eigen::VectorXd(samples), Eigen::Map<const Eigen::MatrixXd>(record.data(), p.n, samples)};
  for (long k = 0; k < samples; ++k) out.t(k) = static_cast<double>(k * record_every) * dt;
  return out;
}

RnnRun train_and_test_cuda(const RnnParams& params, const std::function<double(double)>& target, Learning learning,
                           double learn_from_ms, double learn_until_ms, double T_ms) {
  const ChaoticRnn start(params);  // the CPU engine's initial draws
  RnnCudaProblem p;
  p.n = params.N;
  p.W = flat(start.recurrent_weights());
  p.P = flat(start.inverse_correlation());
  p.Q = flat(start.feedback_weights());
  p.X = flat(start.input());
  p.R = flat(start.readout());
  p.r = flat(start.rates());
  p.dt_over_tau = params.dt / params.tau;
  p.rls = learning == Learning::rls;
  p.epsilon = p.rls ? params.rls_epsilon : params.lms_epsilon;
  p.epsilon_P = params.rls_epsilon_P;
  RnnRun run;
  const auto steps = static_cast<long>(std::llround(T_ms / params.dt));
  for (long i = 1; i <= steps; ++i) {  // as train_and_test(): y and learning at the end of each step
    const double t = static_cast<double>(i) * params.dt;
    run.t.push_back(t);
    run.target.push_back(target(t));
    p.learning_on.push_back(learning != Learning::none && t >= learn_from_ms && t < learn_until_ms);
  }
  p.target = run.target;
  run.output = run_rnn_cuda(p);
  for (size_t k = 0; k < run.output.size(); ++k) run.error.push_back(run.output[k] - run.target[k]);
  return run;
}

}  // namespace eisim
