// The chaotic RNN with feedback (book Eq. 4.4) and its readout trained by LMS (Eq. 4.7) or RLS (Eq. 4.8);
// docs/architecture.md, "Where each equation lives".
#include "eisim/theory/rnn.hpp"

#include <cmath>

#include "eisim/model/random.hpp"

namespace eisim {

namespace {

// Random streams of this model: "RNN" in the top three bytes, so they cannot collide with the
// spiking network's random_stream(RandomPurpose, index), whose top byte is 1 to 3.
constexpr uint32_t kStreamW = 0x524E4E01;   // item = row j, entry k of the row
constexpr uint32_t kStreamQ = 0x524E4E02;   // item 0, entry j
constexpr uint32_t kStreamR = 0x524E4E03;   // item 0, entry j
constexpr uint32_t kStreamR0 = 0x524E4E04;  // item 0, entry j: initial rates

// Standard normal number k of (stream, item), by Box-Muller: one Philox draw gives two normals.
double normal(uint64_t seed, uint32_t stream, uint32_t item, uint64_t k) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const RandomWords w = random_words(seed, stream, item, k / 2);
  const double radius = std::sqrt(-2.0 * std::log(uniform_open(w.w[0], w.w[1])));
  const double angle = kTwoPi * uniform_open(w.w[2], w.w[3]);
  return radius * (k % 2 == 0 ? std::cos(angle) : std::sin(angle));
}

Eigen::VectorXd normal_vector(int n, double std, uint64_t seed, uint32_t stream) {
  Eigen::VectorXd v(n);
  for (int j = 0; j < n; ++j) v(j) = std * normal(seed, stream, 0, j);
  return v;
}

}  // namespace

ChaoticRnn::ChaoticRnn(const RnnParams& params)
    : p_(params),
      W_(params.N, params.N),
      Q_(normal_vector(params.N, params.feedback_std, params.seed, kStreamQ)),
      X_(Eigen::VectorXd::Zero(params.N)),
      r_(normal_vector(params.N, params.initial_rate_std, params.seed, kStreamR0)),
      R_(normal_vector(params.N, params.readout_std / std::sqrt(params.N), params.seed, kStreamR)
             .transpose()),
      P_(params.rls_c * Eigen::MatrixXd::Identity(params.N, params.N)) {
  const double w_std = params.rho / std::sqrt(params.N);
  for (int j = 0; j < params.N; ++j)
    for (int k = 0; k < params.N; ++k) W_(j, k) = w_std * normal(params.seed, kStreamW, j, k);
}

double ChaoticRnn::step(double target, Learning learning) {
  const double z = output();
  const Eigen::VectorXd drive = W_ * r_ + X_ + Q_ * z;
  r_ += (p_.dt / p_.tau) * (drive.array().tanh().matrix() - r_);

  const double z_new = output();
  const double e = z_new - target;
  if (learning == Learning::lms) {
    R_ -= p_.lms_epsilon * e * r_.transpose();  // Eq. 4.7
  } else if (learning == Learning::rls) {
    // Eq. 4.8, both updates from the current P, with u = P r (P is symmetric, so P r r^T P = u u^T):
    // a matrix-vector product and a rank-1 update, O(N^2) per step.
    const Eigen::VectorXd u = P_ * r_;
    R_ -= p_.rls_epsilon * e * u.transpose();
    P_.noalias() -= (p_.rls_epsilon_P / (1.0 + r_.dot(u))) * u * u.transpose();
  }
  return z_new;
}

RnnRun train_and_test(const RnnParams& params, const std::function<double(double)>& target,
                      Learning learning, double learn_from_ms, double learn_until_ms, double T_ms) {
  ChaoticRnn rnn(params);
  const auto steps = static_cast<long>(std::llround(T_ms / params.dt));
  RnnRun run;
  run.t.reserve(steps);
  run.output.reserve(steps);
  run.target.reserve(steps);
  run.error.reserve(steps);
  for (long i = 1; i <= steps; ++i) {
    const double t = i * params.dt;
    const double y = target(t);
    const bool learning_on = t >= learn_from_ms && t < learn_until_ms;
    const double z = rnn.step(y, learning_on ? learning : Learning::none);
    run.t.push_back(t);
    run.output.push_back(z);
    run.target.push_back(y);
    run.error.push_back(z - y);
  }
  return run;
}

}  // namespace eisim
