// Which neurons each rank owns (docs/architecture.md, "Running on several ranks"): a contiguous
// slice of every population, and the synapses onto them (postsynaptic ownership).
#pragma once

#include <cstdint>
#include <vector>

#include "eisim/engine/config.hpp"

namespace eisim {

struct Slice {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};

// Rank `rank` of `ranks` owns neurons [n rank / ranks, n (rank + 1) / ranks) of a population of n.
Slice rank_slice(int64_t n, int rank, int ranks);

struct Partition {
  int rank = 0, ranks = 1;
  std::vector<Slice> populations;  // this rank's slice of each population
  // Rank r's slice of population a.
  Slice slice_of(int population, int r) const;
  // The rank that owns neuron j of population a.
  int owner(int population, int64_t j) const;
  std::vector<int64_t> sizes;  // every population's size
};

// This rank's share of the network; `partition(spec)` is the whole network on one rank.
Partition partition(const NetworkSpec& spec, int rank = 0, int ranks = 1);

}  // namespace eisim
