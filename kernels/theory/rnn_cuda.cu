// The chaotic RNN's time loop on the GPU with cuBLAS;
// docs/architecture.md, "Where each equation lives".
#include <cublas_v2.h>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/cuda_check.hpp"
#include "kernels/device_buffer.hpp"
#include "kernels/kernel_launch.hpp"
#include "kernels/theory/rnn_cuda.hpp"

namespace eisim {
namespace {

void cublas_check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw RuntimeProblem(std::string("cuBLAS error in ") + what + ": status " + std::to_string(static_cast<int>(status)));
  }
}

struct Scalars {  // device scalars, so that the step never waits for the host
  double z, z_new, ru, alpha_R, alpha_P, one, zero;
};

// r += dt/tau (tanh(W r + X + Q z) - r); `drive` holds W r.
__global__ void update_rates(int n, double* r, const double* drive, const double* X, const double* Q,
                             const Scalars* s, double dt_over_tau) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j < n) r[j] += dt_over_tau * (tanh(drive[j] + X[j] + Q[j] * s->z) - r[j]);
}

// Coefficients of the readout update from the error e = z_new - target (Eq. 4.7, 4.8).
__global__ void learning_coefficients(Scalars* s, double target, double epsilon, double epsilon_P, double* output) {
  const double e = s->z_new - target;
  s->alpha_R = -epsilon * e;
  s->alpha_P = -epsilon_P / (1.0 + s->ru);
  *output = s->z_new;
}

__global__ void record_output(const Scalars* s, double* output) { *output = s->z_new; }

__global__ void carry_output(Scalars* s) { s->z = s->z_new; }

}  // namespace

std::vector<double> run_rnn_cuda(const RnnCudaProblem& problem) {
  const int n = problem.n;
  const auto steps = static_cast<long>(problem.target.size());
  DeviceBuffer<double> W(problem.W), P(problem.P), Q(problem.Q), X(problem.X), R(problem.R), r(problem.r);
  DeviceBuffer<double> drive(static_cast<size_t>(n)), u(static_cast<size_t>(n));
  DeviceBuffer<double> outputs(static_cast<size_t>(steps));
  Scalars initial{};
  initial.one = 1.0;
  DeviceBuffer<Scalars> scalars(std::vector<Scalars>{initial});
  Scalars* s = scalars.data();

  cublasHandle_t handle = nullptr;
  cublas_check(cublasCreate(&handle), "cublasCreate");
  struct HandleGuard {
    cublasHandle_t h;
    ~HandleGuard() { cublasDestroy(h); }
  } guard{handle};
  cublas_check(cublasSetPointerMode(handle, CUBLAS_POINTER_MODE_DEVICE), "cublasSetPointerMode");
  const int threads = 256, blocks = (n + threads - 1) / threads;

  // As ChaoticRnn::step: z = R r; r takes an Euler step with feedback Q z; z_new = R r is the
  // output; learning updates R (and P) from the error z_new - y; the next z uses the new R.
  cublas_check(cublasDdot(handle, n, R.data(), 1, r.data(), 1, &s->z), "z = R r");
  for (long i = 0; i < steps; ++i) {
    cublas_check(cublasDgemv(handle, CUBLAS_OP_N, n, n, &s->one, W.data(), n, r.data(), 1, &s->zero, drive.data(), 1),
                 "W r");
    launch_kernel("update_rates", blocks, threads, nullptr, update_rates, n, r.data(), drive.data(), X.data(), Q.data(),
                  s, problem.dt_over_tau);
    cublas_check(cublasDdot(handle, n, R.data(), 1, r.data(), 1, &s->z_new), "z = R r");
    if (problem.learning_on[i] && problem.rls) {
      // u = P r (P symmetric: only its lower triangle is read and updated), then R and P.
      cublas_check(cublasDsymv(handle, CUBLAS_FILL_MODE_LOWER, n, &s->one, P.data(), n, r.data(), 1, &s->zero, u.data(), 1),
                   "u = P r");
      cublas_check(cublasDdot(handle, n, r.data(), 1, u.data(), 1, &s->ru), "r u");
      launch_kernel("learning_coefficients", 1, 1, nullptr, learning_coefficients, s, problem.target[i],
                    problem.epsilon, problem.epsilon_P, outputs.data() + i);
      cublas_check(cublasDaxpy(handle, n, &s->alpha_R, u.data(), 1, R.data(), 1), "R -= eps e u");
      cublas_check(cublasDsyr(handle, CUBLAS_FILL_MODE_LOWER, n, &s->alpha_P, u.data(), 1, P.data(), n), "P -= u u^T");
    } else if (problem.learning_on[i]) {
      launch_kernel("learning_coefficients", 1, 1, nullptr, learning_coefficients, s, problem.target[i],
                    problem.epsilon, 0.0, outputs.data() + i);
      cublas_check(cublasDaxpy(handle, n, &s->alpha_R, r.data(), 1, R.data(), 1), "R -= eps e r");
    } else {
      launch_kernel("record_output", 1, 1, nullptr, record_output, s, outputs.data() + i);
    }
    cublas_check(cublasDdot(handle, n, R.data(), 1, r.data(), 1, &s->z_new), "z = R r");
    launch_kernel("carry_output", 1, 1, nullptr, carry_output, s);
  }
  std::vector<double> out(static_cast<size_t>(steps));
  cuda_check(cudaMemcpy(out.data(), outputs.data(), outputs.bytes(), cudaMemcpyDeviceToHost), "read outputs");
  return out;
}

}  // namespace eisim
