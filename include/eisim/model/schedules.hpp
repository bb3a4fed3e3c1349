// Inputs that change with time (docs/architecture.md, "Where each equation lives"): a piecewise-constant
// external current, and the Poisson rate r(t) = r0 + r1 sin(2 pi t / period) (book Sec. 2.2). The host
// evaluates them once per step for both backends.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace eisim {

// Piecewise-constant external current (mV): value[k] holds from t_ms[k] until t_ms[k+1].
struct CurrentSchedule {
  std::vector<double> t_ms{0.0};
  std::vector<double> value{0.0};
  double at(double t_now) const {
    const auto next = std::upper_bound(t_ms.begin(), t_ms.end(), t_now);
    return value[std::max<std::ptrdiff_t>(0, next - t_ms.begin() - 1)];
  }
};

// Poisson rate r(t) = r0 + r1 sin(2 pi t / period), clipped at 0.
struct PoissonRate {
  double r0_hz = 0.0;
  double r1_hz = 0.0;
  double period_ms = 0.0;  // unused when r1 == 0
  double at_hz(double t_now) const {
    if (r1_hz == 0.0) return r0_hz;
    const double r = r0_hz + r1_hz * std::sin(2.0 * M_PI * t_now / period_ms);
    return r > 0.0 ? r : 0.0;
  }
  double max_hz() const { return r0_hz + (r1_hz < 0 ? -r1_hz : r1_hz); }
};

}  // namespace eisim
