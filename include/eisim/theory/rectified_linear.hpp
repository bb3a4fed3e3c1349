// The threshold-linear (rectified linear) f-I curve f(I) = g [I - theta]_+ (book Sec. 2.3), in
// the engine's units: rates in spikes/ms, inputs and theta in mV, g in (spikes/ms)/mV.
// docs/architecture.md, "Where each equation lives".
#pragma once

namespace eisim {

struct RectifiedLinear {
  double gain = 1.0;       // g, (spikes/ms)/mV
  double threshold = 0.0;  // theta, mV

  double operator()(double I) const { return I > threshold ? gain * (I - threshold) : 0.0; }
  double slope(double I) const { return I > threshold ? gain : 0.0; }  // f'(I)
};

}  // namespace eisim
