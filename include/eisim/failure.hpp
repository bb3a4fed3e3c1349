// What went wrong, as the command line reports it: an exit status and a message. One place maps
// every kind of error to both, for one process and for ranks that must agree on a failure.
// docs/architecture.md, "Exit statuses".
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace eisim {

constexpr int kSpikesDiffer = 1;    // eisim compare: deterministic-mode spikes differ
constexpr int kBadInput = 2;        // ConfigError, UsageError, a command line that does not parse
constexpr int kMachineProblem = 3;  // RuntimeProblem, memory, the file system
constexpr int kUnexpected = 4;      // any other exception: a bug
constexpr int kInternalError = 5;   // InternalError: a broken invariant, a bug
constexpr int kInterrupted = 130;   // Ctrl-C or SIGTERM ended `eisim run`; what was simulated is written

struct Failure {
  int status;
  std::string message;  // what to print after "eisim: "
};

// The exit status and message of an exception thrown by eisim or by the libraries below it.
Failure describe_failure(std::exception_ptr error);

// A failure that every rank of a run knows about (run_on_every_rank, communicator.hpp): each rank
// throws it, one prints it.
class AgreedFailure : public std::runtime_error {
 public:
  explicit AgreedFailure(const Failure& f) : std::runtime_error(f.message), status(f.status) {}
  int status;
};

}  // namespace eisim
