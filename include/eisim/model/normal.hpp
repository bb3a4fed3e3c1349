// Normal draws on counter-based randomness (drawn weights and delays, normal V(0)), the same bits on the
// host and the GPU: Marsaglia's polar method with only correctly rounded operations and det_log,
// redrawn outside an interval around the mean (docs/architecture.md, "Where each equation lives").
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/model/detmath.hpp"
#include "eisim/model/hd.hpp"
#include "eisim/model/random.hpp"

namespace eisim {

// Draws this many standard deviations or more from the mean are redrawn: a mass of 5.7e-7.
constexpr double kNormalCutoffSd = 5.0;

// N(mean, sd) redrawn outside [low, high], an interval that holds the mean (so half the draws at
// least are kept).
struct TruncatedNormal {
  double mean, sd, low, high;
};

// The normal cut only at kNormalCutoffSd.
inline TruncatedNormal cut_normal(double mean, double sd) {
  return TruncatedNormal{mean, sd, mean - kNormalCutoffSd * sd, mean + kNormalCutoffSd * sd};
}

// Draw `index` (below 2^48) of `item` in `stream`: attempt after attempt until one lies in [low, high].
EISIM_HD double draw_truncated_normal(const TruncatedNormal& d, uint64_t seed, uint32_t stream, uint32_t item,
                                      uint64_t index) {
  if (!(d.sd > 0)) return d.mean;
  for (uint64_t attempt = 0;; ++attempt) {
    const RandomWords r = random_words(seed, stream, item, ((attempt & 0xFFFFu) << 48) | index);
    const double u = 2.0 * uniform_open(r.w[0], r.w[1]) - 1.0;
    const double v = 2.0 * uniform_open(r.w[2], r.w[3]) - 1.0;
    const double s = u * u + v * v;
    if (s >= 1.0) continue;
    const double x = d.mean + d.sd * (u * sqrt(-2.0 * det_log(s) / s));
    if (x >= d.low && x <= d.high) return x;
  }
}

}  // namespace eisim
