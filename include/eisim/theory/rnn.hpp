// Chaotic rate RNN with a trained linear readout fed back into the network (book Sec. 4.2, Eq. 4.4):
//   tau dr/dt = -r + tanh(W r + X + Q z),   z = R r,
// with R trained towards a target y(t) by LMS (Eq. 4.7) or recursive least squares (Eq. 4.8).
// One readout (M = 1). Host-only (Eigen); time is in the book's abstract units, called ms here.
// docs/architecture.md, "Where each equation lives".
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <vector>

namespace eisim {

// Defaults are the values of the book's RNN.ipynb (Fig. 4.2) where it gives them; the RLS constants
// are our choice within the range the book recommends (Exercise 4.2.3: c in [0.01, 1], c >> 1/N).
struct RnnParams {
  int N = 200;
  double rho = 1.5;            // W_jk ~ Normal(0, rho^2 / N): spectral radius ~ rho
  double tau = 20.0;           // ms
  double dt = 0.1;             // ms, forward Euler
  double feedback_std = 1.0;   // Q_j ~ Normal(0, feedback_std^2); 0 removes feedback
  double readout_std = 1.0;    // R_j(0) ~ Normal(0, readout_std^2 / N)
  double initial_rate_std = 0.1;  // r_j(0) ~ Normal(0, initial_rate_std^2); r = 0 is a fixed point
  double lms_epsilon = 0.005;  // LMS learning rate epsilon (Eq. 4.7; the notebook's eta)
  double rls_epsilon = 1.0;    // RLS readout rate epsilon (Eq. 4.8)
  double rls_epsilon_P = 1.0;  // RLS rate epsilon_P of the P update (Eq. 4.8)
  double rls_c = 0.1;          // P(0) = c I (Eq. 4.8)
  uint64_t seed = 6;           // the notebook's np.random.seed(6)
};

enum class Learning { none, lms, rls };

class ChaoticRnn {
 public:
  explicit ChaoticRnn(const RnnParams& params);

  // One Euler step of r; then, when learning, one update of R (and P) towards `target`, the value of
  // y at the new time. Returns the output z = R r at the new time before the readout update.
  double step(double target, Learning learning);

  double output() const { return R_.dot(r_); }
  const Eigen::VectorXd& rates() const { return r_; }
  void set_input(const Eigen::VectorXd& X) { X_ = X; }  // constant external input X (default 0)

  // The state, so another engine (the CUDA one) can start from the same draws.
  const Eigen::MatrixXd& recurrent_weights() const { return W_; }
  const Eigen::VectorXd& feedback_weights() const { return Q_; }
  const Eigen::VectorXd& input() const { return X_; }
  const Eigen::RowVectorXd& readout() const { return R_; }
  const Eigen::MatrixXd& inverse_correlation() const { return P_; }
  const RnnParams& params() const { return p_; }

 private:
  RnnParams p_;
  Eigen::MatrixXd W_;
  Eigen::VectorXd Q_, X_, r_;
  Eigen::RowVectorXd R_;
  Eigen::MatrixXd P_;  // RLS: regularised inverse correlation of r, initially c I
};

struct RnnRun {
  std::vector<double> t, output, target, error;  // error = output - target, one entry per step
};

// Runs from t = 0 to T_ms with learning on during [learn_from_ms, learn_until_ms), off otherwise;
// the feedback stays on throughout (Exercise 4.2.2).
RnnRun train_and_test(const RnnParams& params, const std::function<double(double)>& target,
                      Learning learning, double learn_from_ms, double learn_until_ms, double T_ms);

}  // namespace eisim
