// What the host needs to know about the CUDA device before choosing the CUDA backend.
// docs/architecture.md, "Backends".
#pragma once

#include <string>

namespace eisim {

// Empty when a CUDA device is usable; otherwise why not (no device, driver problem).
std::string cuda_device_problem();

// "NVIDIA H100 80GB HBM3, sm_90, 79.1 GiB" for the device in use.
std::string cuda_device_description();

// One GPU per rank: the ranks on a node take its devices in turn, by their place among them.
void use_device_of_node_rank(int node_rank);

}  // namespace eisim
