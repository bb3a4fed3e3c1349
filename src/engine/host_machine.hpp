// What the host machine offers, read from /proc (docs/architecture.md, "Limits and memory").
#pragma once

#include <string>

namespace eisim {

// The CPU's model name, or "CPU" where /proc/cpuinfo does not say.
std::string cpu_model_name();

// Bytes of memory the machine has available (MemAvailable); 0 where nothing is known.
double available_host_bytes();

// "12.3 GiB"
std::string gib(double bytes);

}  // namespace eisim
