// f-I curves (book Sec. 2.3): the threshold-linear fit recovers a known curve, and the EIF neuron
// driven by Poisson synapses (Fig. 2.5-2.6) fires below its threshold input, its rate rising with it.
#include <gtest/gtest.h>

#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/theory/fi_curve.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

TEST(ThresholdLinearFit, RecoversAKnownCurve) {
  const RectifiedLinear truth{2.5, 7.0};  // in Hz per mV here: the data are in Hz
  std::vector<FiPoint> points;
  for (double I = -10; I <= 50; I += 3) points.push_back(FiPoint{I, truth(I)});
  const RectifiedLinear fit = fit_threshold_linear(points);
  EXPECT_NEAR(fit.gain, 2.5 / 1000.0, 0.01 / 1000.0);  // returned in (spikes/ms)/mV
  EXPECT_NEAR(fit.threshold, 7.0, 0.05);                // the threshold grid spacing is ~0.015 mV
}

TEST(FiCurve, EifDrivenByPoissonSynapsesFiresBelowItsThresholdInput) {
  // Book Fig. 2.6: the Fig. 2.5 neuron (I_th = V_T - E_L - D = 15 mV) fires at a mean input of
  // 12.75 mV because of input fluctuations; the curve rises with the input.
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/eif_poisson_synapses.json"));
  FiProtocol protocol;
  protocol.r_e_hz = {2, 8, 14, 20};
  protocol.t_ms = 3000;
  const std::vector<FiPoint> curve = measure_fi_curve(spec.populations[0], protocol, 1);
  ASSERT_EQ(curve.size(), 4u);
  EXPECT_DOUBLE_EQ(curve[1].input_mv, 12.75);  // K_e j_e r_e + K_i j_i r_i
  EXPECT_EQ(curve[0].rate_hz, 0.0);           // -5.25 mV: far below threshold
  EXPECT_GT(curve[1].rate_hz, 1.0);           // fluctuation-driven
  EXPECT_GT(curve[2].rate_hz, curve[1].rate_hz + 10.0);
  EXPECT_GT(curve[3].rate_hz, curve[2].rate_hz + 10.0);
}

}  // namespace
}  // namespace eisim
