// Erdős–Rényi rows (each target independently with probability p), generated the same way by the
// host builder (src/engine/network.cpp) and the GPU builder (kernels/connectivity_build.cuh).
// A row is cut into blocks of consecutive targets, and block b of row k is a pure function of
// (seed, stream, k, b): a rank that owns a slice of the postsynaptic population draws only the
// blocks that overlap it, and every slicing yields the same network. Blocks are whole multiples of
// 1024 targets, so a postsynaptic tile of 1024 neurons lies in one block. Within a block the gaps
// between successive targets are geometric, so the work is proportional to the synapses.
// docs/architecture.md, "Where each equation lives" and "Running on several ranks".
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/model/detmath.hpp"
#include "eisim/model/hd.hpp"
#include "eisim/model/random.hpp"

namespace eisim {

struct ErdosRenyiRows {
  uint64_t seed;
  uint32_t stream;
  double p;
  double log_q;  // log(1 - p)
  int64_t block;  // targets per block
};

// Targets per block: 1024 * 2^m, the smallest that holds 16 synapses on average, so that a sparse
// row does not spend a draw on each of many empty blocks. It depends on p alone, not on the ranks.
EISIM_HD int64_t erdos_renyi_block(double p) {
  int64_t block = 1024;
  while (p * static_cast<double>(block) < 16.0 && block < (int64_t{1} << 31)) block *= 2;
  return block;
}

EISIM_HD ErdosRenyiRows erdos_renyi_rows(uint64_t seed, uint32_t stream, double p) {
  return ErdosRenyiRows{seed, stream, p, p < 1.0 ? det_log(1.0 - p) : 0.0, erdos_renyi_block(p)};
}

// Calls emit(j) for each target j of block `b` of row `row` that lies in [begin, end), ascending.
template <typename Emit>
EISIM_HD void erdos_renyi_block_targets(const ErdosRenyiRows& g, uint32_t row, int64_t b, int64_t begin, int64_t end,
                                        Emit& emit) {
  const int64_t first = b * g.block;
  const double stop = static_cast<double>(first + g.block < end ? first + g.block : end);
  double next = static_cast<double>(first) - 1.0;
  for (uint64_t draw = 0;; ++draw) {
    const RandomWords r = random_words(g.seed, g.stream, row, (static_cast<uint64_t>(b) << 32) | draw);
    for (int half = 0; half < 2; ++half) {
      next += 1.0 + floor(det_log(uniform_open(r.w[2 * half], r.w[2 * half + 1])) / g.log_q);
      if (next >= stop) return;
      if (next >= static_cast<double>(begin)) emit(static_cast<uint32_t>(next));
    }
  }
}

// Calls emit(j) for each target j of row `row` in [begin, end) (within the postsynaptic population), ascending.
template <typename Emit>
EISIM_HD void erdos_renyi_row(const ErdosRenyiRows& g, uint32_t row, int64_t begin, int64_t end, Emit&& emit) {
  if (g.p <= 0.0) return;
  if (g.p >= 1.0) {
    for (int64_t j = begin; j < end; ++j) emit(static_cast<uint32_t>(j));
    return;
  }
  for (int64_t b = begin / g.block; b * g.block < end; ++b) erdos_renyi_block_targets(g, row, b, begin, end, emit);
}

}  // namespace eisim
