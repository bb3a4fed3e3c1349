// Slices of the populations among ranks; docs/architecture.md, "Running on several ranks".
#include "eisim/cluster/partition.hpp"

namespace eisim {

Slice rank_slice(int64_t n, int rank, int ranks) {
  // n < 2^31 and ranks < 2^31: the products fit in 64 bits.
  return Slice{n * rank / ranks, n * (rank + 1) / ranks};
}

Slice Partition::slice_of(int population, int r) const { return rank_slice(sizes[population], r, ranks); }

int Partition::owner(int population, int64_t j) const {
  // The largest r with begin(r) <= j: begin(r) = floor(n r / K) is non-decreasing in r.
  const int64_t n = sizes[population];
  int r = static_cast<int>(((j + 1) * ranks - 1) / n);
  while (r > 0 && rank_slice(n, r, ranks).begin > j) --r;
  while (r + 1 < ranks && rank_slice(n, r + 1, ranks).begin <= j) ++r;
  return r;
}

Partition partition(const NetworkSpec& spec, int rank, int ranks) {
  Partition p;
  p.rank = rank;
  p.ranks = ranks;
  for (const PopulationSpec& pop : spec.populations) {
    p.sizes.push_back(pop.size);
    p.populations.push_back(rank_slice(pop.size, rank, ranks));
  }
  return p;
}

}  // namespace eisim
