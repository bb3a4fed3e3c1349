// What can go wrong, by who can fix it; each kind has its exit status (docs/architecture.md, "Exit
// statuses"). Every message names what was wrong.
#pragma once

#include <stdexcept>

namespace eisim {

// A network description (JSON, --set overrides) that cannot be simulated; the message names the field.
// Exit status 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A command line that means nothing: an unknown option, a value out of range, options that do not go
// together (--backend cpu --mode fast). Exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem with the machine rather than the description: no GPU, not enough memory, unwritable output.
// Exit status 3.
class RuntimeProblem : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An invariant of eisim's own broken: a bug, never the user's input. Exit status 5.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace eisim
