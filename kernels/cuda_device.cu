// Whether a CUDA device is usable, and its name;
// docs/architecture.md, "Backends".
#include <cuda_runtime.h>

#include <sstream>

#include "kernels/cuda_check.hpp"
#include "kernels/cuda_device.hpp"

namespace eisim {

std::string cuda_device_problem() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) return std::string("no usable CUDA device: ") + cudaGetErrorString(status);
  if (count == 0) return "no CUDA device found";
  return {};
}

std::string cuda_device_description() {
  cudaDeviceProp prop{};
  int device = 0;
  cudaError_t status = cudaGetDevice(&device);
  if (status == cudaSuccess) status = cudaGetDeviceProperties(&prop, device);
  if (status != cudaSuccess) return std::string("unknown device: ") + cudaGetErrorString(status);
  std::ostringstream out;
  out << prop.name << ", sm_" << prop.major << prop.minor << ", "
      << static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0) << " GiB";
  return out.str();
}

void use_device_of_node_rank(int node_rank) {
  int count = 0;
  cuda_check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
  cuda_check(cudaSetDevice(node_rank % count), "cudaSetDevice");
}

}  // namespace eisim
