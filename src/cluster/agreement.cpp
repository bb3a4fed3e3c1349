// Ranks that stop together: a failure on one rank is every rank's (docs/architecture.md, "Running
// on several ranks").
#include <string>

#include "eisim/cluster/communicator.hpp"
#include "eisim/failure.hpp"

namespace eisim {

void run_on_every_rank(Communicator& ranks, const std::function<void()>& work) {
  std::exception_ptr error;
  try {
    work();
  } catch (...) {
    error = std::current_exception();
  }
  if (ranks.size() == 1) {
    if (error) std::rethrow_exception(error);
    return;
  }
  // The lowest failing rank speaks for all: -rank is largest for it.
  const int lowest = -ranks.max(error ? -ranks.rank() : -ranks.size());
  if (lowest == ranks.size()) return;
  std::vector<char> message;
  if (ranks.rank() == lowest) {
    const Failure f = describe_failure(error);
    const std::string text = std::to_string(f.status) + " " + f.message;
    message.assign(text.begin(), text.end());
  }
  ranks.broadcast(message, lowest);
  const std::string text(message.begin(), message.end());
  const size_t space = text.find(' ');
  std::string said = text.substr(space + 1);
  if (lowest != 0) said = "rank " + std::to_string(lowest) + ": " + said;
  throw AgreedFailure(Failure{std::stoi(text.substr(0, space)), said});
}

void require_same_on_every_rank(Communicator& ranks, uint64_t fingerprint, const std::string& what) {
  const std::vector<uint64_t> all = all_gather(ranks, std::vector<uint64_t>{fingerprint});
  for (size_t r = 1; r < all.size(); ++r) {
    if (all[r] != all[0]) {
      throw AgreedFailure(Failure{kBadInput, "rank " + std::to_string(r) + " was given a different " + what +
                                                 " than rank 0; every rank of a run must be given the same"});
    }
  }
}

}  // namespace eisim
