// Erdős–Rényi rows (each target independently with probability p), generated the same way by the
// host builder (src/engine/network.cpp) and the GPU builder (kernels/connectivity_build.cuh): row k is a pure
// function of (seed, stream, k). Gaps between successive targets are geometric, so the work is
// proportional to the synapses, not to the pairs.
// docs/architecture.md, "Where each equation lives".
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
  int64_t n_post;
};

EISIM_HD ErdosRenyiRows erdos_renyi_rows(uint64_t seed, uint32_t stream, double p, int64_t n_post) {
  return ErdosRenyiRows{seed, stream, p, p < 1.0 ? det_log(1.0 - p) : 0.0, n_post};
}

// Calls emit(j) for each target j of row `row`, in ascending order.
template <typename Emit>
EISIM_HD void erdos_renyi_row(const ErdosRenyiRows& g, uint32_t row, Emit&& emit) {
  if (g.p <= 0.0) return;
  if (g.p >= 1.0) {
    for (int64_t j = 0; j < g.n_post; ++j) emit(static_cast<uint32_t>(j));
    return;
  }
  const double n_post = static_cast<double>(g.n_post);
  double next = -1.0;
  for (uint64_t draw = 0;; ++draw) {
    const RandomWords r = random_words(g.seed, g.stream, row, draw);
    for (int half = 0; half < 2; ++half) {
      next += 1.0 + floor(det_log(uniform_open(r.w[2 * half], r.w[2 * half + 1])) / g.log_q);
      if (next >= n_post) return;
      emit(static_cast<uint32_t>(next));
    }
  }
}

}  // namespace eisim
