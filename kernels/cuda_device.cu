// Whether a CUDA device is usable, and its name;
// docs/architecture.md, "Backends".
#include <cuda_runtime.h>

#include <sstream>

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
  const cudaError_t status = cudaGetDeviceProperties(&prop, 0);
  if (status != cudaSuccess) return std::string("unknown device: ") + cudaGetErrorString(status);
  std::ostringstream out;
  out << prop.name << ", sm_" << prop.major << prop.minor << ", "
      << static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0) << " GiB";
  return out.str();
}

}  // namespace eisim
