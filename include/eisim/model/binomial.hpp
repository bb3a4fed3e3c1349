// Binomial draws on counter-based randomness, for splitting a fixed total number of synapses among
// blocks of postsynaptic neurons (src/engine/network.cpp, build_fixed_total_number). Exact up to
// rounding, with only correctly rounded operations and det_log, so every machine and every rank draws
// the same counts: Knuth's recursion (TAOCP vol. 2, 3.4.1) halves n through a beta variate, made of two
// gamma variates (Marsaglia and Tsang's method, shape >= 1), until n is small enough for Bernoulli trials.
#pragma once

#include <cmath>
#include <cstdint>

#include "eisim/model/detmath.hpp"
#include "eisim/model/random.hpp"

namespace eisim {

// Uniforms in (0, 1) from one (seed, stream, item), draw after draw.
class CounterUniforms {
 public:
  CounterUniforms(uint64_t seed, uint32_t stream, uint32_t item) : seed_(seed), stream_(stream), item_(item) {}
  double next() {
    if (half_ == 0) words_ = random_words(seed_, stream_, item_, index_++);
    const double u = uniform_open(words_.w[2 * half_], words_.w[2 * half_ + 1]);
    half_ ^= 1;
    return u;
  }

 private:
  uint64_t seed_;
  uint32_t stream_, item_;
  uint64_t index_ = 0;
  int half_ = 0;
  RandomWords words_{};
};

// A standard normal (Marsaglia's polar method; the second value of a pair is not kept).
inline double standard_normal(CounterUniforms& u) {
  for (;;) {
    const double x = 2.0 * u.next() - 1.0, y = 2.0 * u.next() - 1.0, s = x * x + y * y;
    if (s < 1.0) return x * std::sqrt(-2.0 * det_log(s) / s);
  }
}

// Gamma(shape, 1) for shape >= 1 (Marsaglia and Tsang 2000).
inline double gamma_variate(double shape, CounterUniforms& u) {
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = standard_normal(u), t = 1.0 + c * x;
    if (t <= 0.0) continue;
    const double v = t * t * t;
    if (det_log(u.next()) < 0.5 * x * x + d - d * v + d * det_log(v)) return d * v;
  }
}

// Binomial(n, p).
inline uint64_t binomial_variate(uint64_t n, double p, CounterUniforms& u) {
  uint64_t count = 0;
  while (n > 16) {
    if (!(p > 0.0)) return count;
    if (!(p < 1.0)) return count + n;
    // The a-th smallest of n uniforms is Beta(a, n + 1 - a): the uniforms below it decide.
    const uint64_t a = 1 + n / 2, b = n + 1 - a;
    const double x = gamma_variate(static_cast<double>(a), u), y = gamma_variate(static_cast<double>(b), u);
    const double beta = x / (x + y);
    if (beta >= p) {  // all successes among the a - 1 below it, each with probability p / beta
      n = a - 1;
      p = p / beta;
    } else {  // the a up to it succeed; the b - 1 above it with probability (p - beta) / (1 - beta)
      count += a;
      n = b - 1;
      p = (p - beta) / (1.0 - beta);
    }
  }
  for (uint64_t k = 0; k < n; ++k) count += u.next() < p;
  return count;
}

}  // namespace eisim
