// Each step's spikes shared among ranks; docs/architecture.md, "Running on several ranks".
#include "eisim/cluster/spike_exchange.hpp"

namespace eisim {

std::vector<std::vector<uint32_t>> exchange_spikes(Communicator& ranks, const Partition& share,
                                                   const std::vector<std::vector<uint32_t>>& mine) {
  std::vector<uint32_t> message;  // per population: the count, then the spikes
  for (const std::vector<uint32_t>& spikes : mine) {
    message.push_back(static_cast<uint32_t>(spikes.size()));
    message.insert(message.end(), spikes.begin(), spikes.end());
  }
  const std::vector<uint32_t> all = all_gather(ranks, message);
  std::vector<std::vector<uint32_t>> out(mine.size());
  size_t at = 0;
  for (int r = 0; r < ranks.size(); ++r) {
    for (size_t a = 0; a < mine.size(); ++a) {
      const uint32_t count = all[at++];
      const uint32_t begin = static_cast<uint32_t>(share.slice_of(static_cast<int>(a), r).begin);
      for (uint32_t k = 0; k < count; ++k) out[a].push_back(begin + all[at++]);
    }
  }
  return out;
}

}  // namespace eisim
