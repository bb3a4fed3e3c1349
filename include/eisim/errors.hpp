// Errors a user can cause and fix; each message names what was wrong.
#pragma once

#include <stdexcept>

namespace eisim {

// A network description (JSON, --set overrides) that cannot be simulated; the message names the field.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem with the machine rather than the description: no GPU, not enough memory, unwritable output.
class RuntimeProblem : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace eisim
