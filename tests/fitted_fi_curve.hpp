// The threshold-linear fit to the f-I curve of the canonical EIF neuron (book Fig. 2.6), as the tests
// of the mean-field tools and rate models use it: read from configs/plasticity_eif.json's "mean_field"
// block, the one place it is written down. balanced_eif.json and plasticity_eif.json share the neuron.
#pragma once

#include <stdexcept>

#include "eisim/engine/config.hpp"
#include "eisim/theory/meanfield.hpp"
#include "test_support.hpp"

namespace eisim::test_support {

// In the engine's units: gain in (spikes/ms)/mV, threshold in mV.
inline RectifiedLinear fitted_fi_curve() {
  const NetworkSpec spec = load_network_spec(source_path("configs/plasticity_eif.json"));
  if (!spec.mean_field) throw std::logic_error("configs/plasticity_eif.json has no \"mean_field\" block");
  return mean_field_curve(*spec.mean_field);
}

}  // namespace eisim::test_support
