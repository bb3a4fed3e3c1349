// Poisson neurons (book Sec. 2.2), written once for both backends (docs/architecture.md, "Where each
// equation lives"). Each neuron draws candidate spikes with exponential intervals at the peak rate
// r_max (spikes/ms) and keeps each with probability r(t)/r_max (thinning). Candidate k's interval uses
// words 0-1 of counter-based draw k, its acceptance words 2-3, so the spikes depend on nothing but
// (seed, stream, neuron).
#pragma once

#include <cstdint>

#include "eisim/model/detmath.hpp"
#include "eisim/model/hd.hpp"
#include "eisim/model/random.hpp"

namespace eisim {

EISIM_HD double poisson_candidate_interval_ms(uint64_t seed, uint32_t stream, uint32_t neuron, uint64_t candidate,
                                              double max_per_ms) {
  if (!(max_per_ms > 0.0)) return detmath_detail::bits_double(0x7ff0000000000000LL);  // +inf: never
  const RandomWords r = random_words(seed, stream, neuron, candidate);
  return -det_log(uniform_open(r.w[0], r.w[1])) / max_per_ms;
}

EISIM_HD bool poisson_candidate_accepted(uint64_t seed, uint32_t stream, uint32_t neuron, uint64_t candidate,
                                         double acceptance) {
  const RandomWords r = random_words(seed, stream, neuron, candidate);
  return uniform_open(r.w[2], r.w[3]) < acceptance;
}

// A Poisson neuron's state: when its next candidate spike falls, and how many it has drawn.
struct PoissonNeuron {
  double next_candidate_ms;
  uint64_t candidates;
};

// Advances neuron `neuron` over a step that ends at `step_end_ms`: every candidate before the end is
// accepted with probability `acceptance` = r(t_n)/r_max, and emit() is called once per accepted one.
template <typename Emit>
EISIM_HD void poisson_advance(PoissonNeuron& n, uint64_t seed, uint32_t stream, uint32_t neuron, double step_end_ms,
                              double acceptance, double max_per_ms, Emit&& emit) {
  while (n.next_candidate_ms < step_end_ms) {
    if (poisson_candidate_accepted(seed, stream, neuron, n.candidates, acceptance)) emit();
    n.candidates += 1;
    n.next_candidate_ms += poisson_candidate_interval_ms(seed, stream, neuron, n.candidates, max_per_ms);
  }
}

// An independent Poisson train's spikes in one step (a population's poisson_input): a count with mean
// lambda = r dt, by inversion of the distribution function, from one counter-based draw keyed by the
// neuron and the step. exp_minus_lambda is e^{-lambda}, computed once on the host. The count stops at
// max_count (poisson_count_limit: a tail mass below 10^-20), so the sums it feeds have a bound.
struct PoissonCount {
  double lambda;
  double exp_minus_lambda;
  uint32_t max_count;
};

EISIM_HD uint32_t poisson_count(const PoissonCount& p, uint64_t seed, uint32_t stream, uint32_t neuron, uint64_t step) {
  const RandomWords r = random_words(seed, stream, neuron, step);
  const double u = uniform_open(r.w[0], r.w[1]);
  double term = p.exp_minus_lambda, below = term;  // P(k), P(count <= k)
  uint32_t k = 0;
  while (u > below && k < p.max_count) {
    ++k;
    term = term * p.lambda / static_cast<double>(k);
    below += term;
  }
  return k;
}

}  // namespace eisim
