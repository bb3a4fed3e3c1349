// The emulated CUDA runtime is only worth running the GPU tests on if it fails where a GPU would:
// these tests check that it does (missing synchronisation, and in eager mode premature reads,
// uninitialised memory, copies out of bounds, calls forbidden during graph capture, bad launch
// configurations, cuBLAS conventions).
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <vector>

#include "kernels/block_phases.cuh"
#include "kernels/device_buffer.hpp"
#include "kernels/kernel_launch.hpp"

namespace eisim {
namespace {

__global__ void add(int* x, int n, int amount) {
  const unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < static_cast<unsigned int>(n)) x[i] += amount;
}

std::vector<int> download(const DeviceBuffer<int>& buffer) {
  std::vector<int> out(buffer.size());
  EXPECT_EQ(cudaSuccess, cudaMemcpy(out.data(), buffer.data(), buffer.bytes(), cudaMemcpyDeviceToHost));
  return out;
}

TEST(EmulatedRuntime, WorkOnAStreamIsOnlySeenAfterSynchronisingWithIt) {
  DeviceBuffer<int> x(std::vector<int>(300, 1));
  ASSERT_EQ(cudaSuccess, cudaDeviceSynchronize());  // a pageable upload may still be in flight after cudaMemcpy
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaSuccess, cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  launch_kernel("add", 2, 256, stream, add, x.data(), 300, 41);
  EXPECT_EQ(download(x), std::vector<int>(300, 1));  // the legacy stream does not wait for a non-blocking one
  ASSERT_EQ(cudaSuccess, cudaStreamSynchronize(stream));
  EXPECT_EQ(download(x), std::vector<int>(300, 42));
  ASSERT_EQ(cudaSuccess, cudaStreamDestroy(stream));
}

TEST(EmulatedRuntime, InEagerModeQueuedWorkRunsAtOnce) {
  // So that the host reading a buffer which queued work is still to overwrite sees it overwritten.
  DeviceBuffer<int> x(std::vector<int>(300, 1));
  ASSERT_EQ(cudaSuccess, cudaDeviceSynchronize());
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaSuccess, cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  emulated_gpu::runtime().eager = true;
  launch_kernel("add", 2, 256, stream, add, x.data(), 300, 41);
  emulated_gpu::runtime().eager = false;
  EXPECT_EQ(download(x), std::vector<int>(300, 42));
  ASSERT_EQ(cudaSuccess, cudaStreamDestroy(stream));
}

__global__ void note_block_order(int* order, int* next) {
  if (threadIdx.x == 0) order[blockIdx.x] = (*next)++;
}

TEST(EmulatedRuntime, BlocksRunLastFirstAndInEagerModeFirstFirst) {
  // So that blocks of one launch that depend on each other's order fail in one of the two modes.
  for (const bool eager : {false, true}) {
    DeviceBuffer<int> order(3), next(std::vector<int>{0});
    emulated_gpu::runtime().eager = eager;
    launch_kernel("note_block_order", 3, 32, nullptr, note_block_order, order.data(), next.data());
    emulated_gpu::runtime().eager = false;
    ASSERT_EQ(cudaSuccess, cudaDeviceSynchronize());
    EXPECT_EQ(download(order), eager ? std::vector<int>({0, 1, 2}) : std::vector<int>({2, 1, 0})) << "eager " << eager;
  }
}

// Each block sums, for two items in turn, every thread's (item + 1) * t into 64 shared bins by t mod
// 64, and writes the bins out: a phase sees all of the previous phase's writes of every thread.
__global__ void binned_sums(unsigned long long* out) {
  __shared__ unsigned long long bins[64];
  for (unsigned int item = 0; item < 2; ++item) {
    cuda::block_phases([&] { if (threadIdx.x < 64) bins[threadIdx.x] = 0; },
                       [&] { atomicAdd(&bins[threadIdx.x % 64], (item + 1ull) * threadIdx.x); },
                       [&] {
                         if (threadIdx.x < 64) out[(blockIdx.x * 2 + item) * 64 + threadIdx.x] = bins[threadIdx.x];
                       });
  }
}

TEST(EmulatedRuntime, BlockPhasesRunInEveryThreadBeforeTheNextPhase) {
  DeviceBuffer<unsigned long long> out(3 * 2 * 64);
  launch_kernel("binned_sums", 3, 256, nullptr, binned_sums, out.data());
  std::vector<unsigned long long> got(out.size());
  ASSERT_EQ(cudaSuccess, cudaMemcpy(got.data(), out.data(), out.bytes(), cudaMemcpyDeviceToHost));
  for (unsigned int k = 0; k < got.size(); ++k) {
    const unsigned long long item = k / 64 % 2, bin = k % 64;
    // Threads bin, bin + 64, bin + 128, bin + 192.
    EXPECT_EQ(got[k], (item + 1) * (4 * bin + 64 * (1 + 2 + 3))) << "block " << k / 128 << ", item " << item << ", bin " << bin;
  }
}

TEST(EmulatedRuntime, NewDeviceMemoryIsNotZero) {
  DeviceBuffer<int> x(4);
  EXPECT_NE(download(x), std::vector<int>(4, 0));
  x.zero();
  EXPECT_EQ(download(x), std::vector<int>(4, 0));
}

TEST(EmulatedRuntime, CopiesMustStayInsideTheirAllocation) {
  DeviceBuffer<int> x(4);
  std::vector<int> host(5);
  EXPECT_EQ(cudaErrorInvalidValue, cudaMemcpy(host.data(), x.data(), 5 * sizeof(int), cudaMemcpyDeviceToHost));
  EXPECT_EQ(cudaErrorInvalidValue, cudaMemcpy(host.data(), host.data() + 1, sizeof(int), cudaMemcpyDeviceToHost));
  EXPECT_EQ(cudaErrorInvalidValue, cudaMemcpy(x.data(), x.data() + 1, sizeof(int), cudaMemcpyHostToDevice));
  EXPECT_EQ(cudaErrorInvalidValue, cudaGetLastError());
  EXPECT_EQ(cudaSuccess, cudaGetLastError());
}

TEST(EmulatedRuntime, CaptureForbidsSynchronousCallsAndReplaysWhatItRecorded) {
  DeviceBuffer<int> x(std::vector<int>(10, 0));
  ASSERT_EQ(cudaSuccess, cudaDeviceSynchronize());
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaSuccess, cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));

  ASSERT_EQ(cudaSuccess, cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  int host = 0;
  EXPECT_NE(cudaSuccess, cudaMemcpy(&host, x.data(), sizeof host, cudaMemcpyDeviceToHost));
  cudaGraph_t graph = nullptr;
  EXPECT_EQ(cudaErrorStreamCaptureInvalidated, cudaStreamEndCapture(stream, &graph));
  EXPECT_EQ(graph, nullptr);

  ASSERT_EQ(cudaSuccess, cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  launch_kernel("add", 1, 32, stream, add, x.data(), 10, 1);
  launch_kernel("add", 1, 32, stream, add, x.data(), 10, 2);
  ASSERT_EQ(cudaSuccess, cudaStreamEndCapture(stream, &graph));
  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaSuccess, cudaGraphInstantiate(&exec, graph, 0));
  EXPECT_EQ(download(x), std::vector<int>(10, 0));  // capturing runs nothing
  for (int replay = 0; replay < 2; ++replay) ASSERT_EQ(cudaSuccess, cudaGraphLaunch(exec, stream));
  ASSERT_EQ(cudaSuccess, cudaStreamSynchronize(stream));
  EXPECT_EQ(download(x), std::vector<int>(10, 6));
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  cudaStreamDestroy(stream);
}

TEST(EmulatedRuntime, LaunchesNeedBlocksAndAtMost1024Threads) {
  DeviceBuffer<int> x(1);
  EXPECT_THROW(launch_kernel("no blocks", 0, 32, nullptr, add, x.data(), 1, 1), RuntimeProblem);
  EXPECT_THROW(launch_kernel("too many threads", 1, 2048, nullptr, add, x.data(), 1, 1), RuntimeProblem);
}

TEST(EmulatedRuntime, CublasIsColumnMajorAndReadsOneTriangleOfASymmetricMatrix) {
  // A = [[1, 2], [3, 4]] stored by columns; the symmetric S = [[1, 5], [5, 2]] with junk above the diagonal.
  DeviceBuffer<double> A(std::vector<double>{1, 3, 2, 4}), S(std::vector<double>{1, 5, -99, 2});
  DeviceBuffer<double> x(std::vector<double>{1, 10}), y(std::vector<double>{7, 7});
  cublasHandle_t h = nullptr;
  ASSERT_EQ(CUBLAS_STATUS_SUCCESS, cublasCreate(&h));
  const double one = 1.0, zero = 0.0;
  std::vector<double> out(2);
  ASSERT_EQ(CUBLAS_STATUS_SUCCESS, cublasDgemv(h, CUBLAS_OP_N, 2, 2, &one, A.data(), 2, x.data(), 1, &zero, y.data(), 1));
  ASSERT_EQ(cudaSuccess, cudaMemcpy(out.data(), y.data(), y.bytes(), cudaMemcpyDeviceToHost));
  EXPECT_EQ(out, (std::vector<double>{21, 43}));
  ASSERT_EQ(CUBLAS_STATUS_SUCCESS, cublasDsymv(h, CUBLAS_FILL_MODE_LOWER, 2, &one, S.data(), 2, x.data(), 1, &zero, y.data(), 1));
  ASSERT_EQ(cudaSuccess, cudaMemcpy(out.data(), y.data(), y.bytes(), cudaMemcpyDeviceToHost));
  EXPECT_EQ(out, (std::vector<double>{51, 25}));
  // A host vector where device memory belongs is refused.
  EXPECT_EQ(CUBLAS_STATUS_INVALID_VALUE, cublasDgemv(h, CUBLAS_OP_N, 2, 2, &one, A.data(), 2, out.data(), 1, &zero, y.data(), 1));
  cublasDestroy(h);
}

}  // namespace
}  // namespace eisim
