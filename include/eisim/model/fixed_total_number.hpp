// The fixed-total-number rule's pairs, drawn the same way by the host builder (src/engine/network.cpp)
// and the GPU builder (kernels/connectivity_build.cuh). The synapses are first split among blocks of
// kTotalNumberBlock postsynaptic neurons (synapses_per_block, a multinomial draw); pair m of block b is
// then a pure function of (seed, stream, b, m), so a rank draws only the blocks of its slice.
#pragma once

#include <cstdint>

#include "eisim/model/hd.hpp"
#include "eisim/model/random.hpp"

namespace eisim {

constexpr int64_t kTotalNumberBlock = 1024;

// Pair m of block b: a presynaptic neuron uniform in [0, n_pre), a postsynaptic one uniform in the block.
EISIM_HD void total_number_pair(uint64_t seed, uint32_t stream, int64_t block, uint64_t m, int64_t n_pre, int64_t n_post,
                                uint32_t& pre, int64_t& post) {
  const int64_t first = block * kTotalNumberBlock;
  const int64_t size = n_post - first < kTotalNumberBlock ? n_post - first : kTotalNumberBlock;
  const RandomWords r = random_words(seed, stream, static_cast<uint32_t>(block), m);
  post = first + static_cast<int64_t>(uniform_below(r.w[2], r.w[3], static_cast<uint64_t>(size)));
  pre = static_cast<uint32_t>(uniform_below(r.w[0], r.w[1], static_cast<uint64_t>(n_pre)));
}

}  // namespace eisim
