// Per-synapse weights and delays drawn from normal distributions (a projection's weight_sd and
// delay_sd; model/normal.hpp), written once for every builder (docs/architecture.md, "Where each
// equation lives"). A synapse's draws are keyed by the synapse itself: its presynaptic row, its
// target's index in the postsynaptic population, and which of the row's equal targets it is
// (multapses), so any backend, thread count or rank draws the same numbers. Draws are redrawn outside
// an interval that holds the mean: a weight of the wrong sign (as NEST's microcircuit example does), a
// delay below one step, and either beyond kNormalCutoffSd standard deviations, so that weights and
// delays have bounds the fixed-point sums and the delay rings are sized by.
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/model/hd.hpp"
#include "eisim/model/normal.hpp"

namespace eisim {

struct SynapseKey {
  uint32_t row;         // presynaptic neuron
  uint32_t target;      // postsynaptic neuron, its index in the population
  uint32_t occurrence;  // 0 for the first synapse of this row onto this target, 1 for the next, ...
};

// The draw's index for synapse `key` (below 2^48: the attempts of draw_truncated_normal take the rest).
EISIM_HD uint64_t synapse_draw_index(const SynapseKey& key) {
  return (static_cast<uint64_t>(key.occurrence & 0xFFFFu) << 32) | key.target;
}

// A delay in whole steps, rounded to nearest (NEST's convention); at least one step for d >= dt.
EISIM_HD uint32_t delay_in_steps(double delay_ms, double dt) {
  return static_cast<uint32_t>(floor(delay_ms / dt + 0.5));
}

// What a projection draws per synapse (a weight, a delay, or both), and from where.
struct SynapseDraws {
  uint64_t seed;
  uint32_t weight_stream, delay_stream;
  TruncatedNormal weight, delay;  // the delay in ms
  double dt;
  bool weights, delays;
};

// The draws of row `row`, whose targets[begin, end) are ascending and counted from first_target (a rank's
// slice), into weight[] and delay_steps[] (each where drawn).
EISIM_HD void draw_row(const SynapseDraws& d, uint32_t row, const uint32_t* targets, uint64_t begin, uint64_t end,
                       int64_t first_target, float* weight, uint16_t* delay_steps) {
  uint32_t occurrence = 0;
  for (uint64_t s = begin; s < end; ++s) {
    occurrence = s > begin && targets[s] == targets[s - 1] ? occurrence + 1 : 0;
    const SynapseKey key{row, static_cast<uint32_t>(first_target + targets[s]), occurrence};
    const uint64_t index = synapse_draw_index(key);
    if (d.weights) weight[s] = static_cast<float>(draw_truncated_normal(d.weight, d.seed, d.weight_stream, row, index));
    if (d.delays) {
      delay_steps[s] = static_cast<uint16_t>(
          delay_in_steps(draw_truncated_normal(d.delay, d.seed, d.delay_stream, row, index), d.dt));
    }
  }
}

}  // namespace eisim
