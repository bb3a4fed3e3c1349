// Counter-based randomness (Philox4x32-10, Random123): a draw is a pure function of
// (seed, stream, item, index), so both backends, any thread or rank, and any order get the same numbers.
// docs/architecture.md, "The determinism contract".
#pragma once

#include <Random123/philox.h>

#include <cstdint>

#include "eisim/model/hd.hpp"

namespace eisim {

// What a draw is for; combined with a population or projection index into the stream word.
enum class RandomPurpose : uint32_t { connectivity = 1, initial_state = 2, poisson = 3, synapse_weight = 4, synapse_delay = 5, poisson_input = 6,
                                     synapse_split = 7 };

EISIM_HD uint32_t random_stream(RandomPurpose purpose, uint32_t index) {
  return (static_cast<uint32_t>(purpose) << 24) | (index & 0xFFFFFFu);
}

struct RandomWords {
  uint32_t w[4];
};

// Four 32-bit words for draw `index` of `item` (a neuron or a row) in `stream`.
EISIM_HD RandomWords random_words(uint64_t seed, uint32_t stream, uint32_t item, uint64_t index) {
  r123::Philox4x32 philox;
  const r123::Philox4x32::key_type key = {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}};
  const r123::Philox4x32::ctr_type ctr = {
      {item, static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), stream}};
  const r123::Philox4x32::ctr_type out = philox(ctr, key);
  return RandomWords{{out[0], out[1], out[2], out[3]}};
}

// A double in the open interval (0, 1) from 53 random bits: (k + 1/2) 2^-53.
EISIM_HD double uniform_open(uint32_t high, uint32_t low) {
  const uint64_t bits = (static_cast<uint64_t>(high) << 21) ^ (static_cast<uint64_t>(low) >> 11);
  return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

// A whole number uniform in [0, bound), from 64 random bits (bias below 2^-32 for bound < 2^32).
EISIM_HD uint64_t uniform_below(uint32_t high, uint32_t low, uint64_t bound) {
  const uint64_t bits = (static_cast<uint64_t>(high) << 32) | low;
#if defined(__CUDA_ARCH__)
  return __umul64hi(bits, bound);
#else
  return static_cast<uint64_t>((static_cast<unsigned __int128>(bits) * bound) >> 64);
#endif
}

}  // namespace eisim
