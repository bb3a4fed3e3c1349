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

}  // namespace eisim
