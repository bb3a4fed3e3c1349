// A rate network's Euler loop on the GPU with cuBLAS;
// docs/architecture.md, "Where each equation lives".
#include <cublas_v2.h>

#include <vector>

#include "kernels/cuda_check.hpp"
#include "kernels/device_buffer.hpp"
#include "kernels/kernel_launch.hpp"
#include "kernels/theory/rate_network_cuda.hpp"

namespace eisim {
namespace {

// r += dt (-r + f(W r + X)) / tau, f = g [I - theta]_+ per population (RateNetwork::rhs).
__global__ void euler_step(int n, double* r, const double* Wr, const double* X, const double* tau, const double* gain,
                           const double* threshold, double dt) {
  const int a = blockIdx.x * blockDim.x + threadIdx.x;
  if (a >= n) return;
  const double I = Wr[a] + X[a];
  const double f = I > threshold[a] ? gain[a] * (I - threshold[a]) : 0.0;
  r[a] += dt * ((-r[a] + f) / tau[a]);
}

}  // namespace

std::vector<double> integrate_rates_cuda(const RateCudaProblem& p) {
  const int n = p.n;
  const long samples = p.steps / p.record_every + 1;
  DeviceBuffer<double> W(p.W), X(p.X), tau(p.tau), gain(p.gain), threshold(p.threshold), r(p.r0);
  DeviceBuffer<double> Wr(static_cast<size_t>(n)), record(static_cast<size_t>(n) * samples);
  cublasHandle_t handle = nullptr;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) throw RuntimeProblem("cuBLAS: cublasCreate failed");
  struct HandleGuard {
    cublasHandle_t h;
    ~HandleGuard() { cublasDestroy(h); }
  } guard{handle};
  const double one = 1.0, zero = 0.0;
  const int threads = 256, blocks = (n + threads - 1) / threads;
  for (long step = 0, k = 0; step <= p.steps; ++step) {
    if (step % p.record_every == 0) {
      cuda_check(cudaMemcpy(record.data() + k++ * n, r.data(), n * sizeof(double), cudaMemcpyDeviceToDevice),
                 "record rates");
    }
    if (step == p.steps) break;
    if (cublasDgemv(handle, CUBLAS_OP_N, n, n, &one, W.data(), n, r.data(), 1, &zero, Wr.data(), 1) !=
        CUBLAS_STATUS_SUCCESS) {
      throw RuntimeProblem("cuBLAS: W r failed");
    }
    launch_kernel("euler_step", blocks, threads, nullptr, euler_step, n, r.data(), Wr.data(), X.data(), tau.data(),
                  gain.data(), threshold.data(), p.dt);
  }
  std::vector<double> out(record.size());
  cuda_check(cudaMemcpy(out.data(), record.data(), record.bytes(), cudaMemcpyDeviceToHost), "read rates");
  return out;
}

}  // namespace eisim
