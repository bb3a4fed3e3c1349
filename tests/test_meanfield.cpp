// Mean-field tools (book Sec. 2.3, 3.1-3.2, 4.1) against their defining equations.
#include <gtest/gtest.h>

#include <cmath>

#include "eisim/theory/fi_curve.hpp"
#include "eisim/theory/meanfield.hpp"
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

TEST(MeanField, ThresholdLinearFixedPointSolvesEquation39) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  const RectifiedLinear f{2.86 / 1000.0, 10.75};
  const auto rates = threshold_linear_rates(spec, f);
  ASSERT_TRUE(rates);
  // r = g (W r + W_x r_x - theta) with rates in spikes/ms and g in (spikes/ms)/mV.
  for (size_t a = 0; a < 2; ++a) {
    const int post = rates->populations[a];
    double input = mean_field_weight(spec, post, 2) * 0.010;  // X at 10 Hz
    for (size_t b = 0; b < 2; ++b) input += mean_field_weight(spec, post, rates->populations[b]) * rates->rates_hz[b] / 1000.0;
    EXPECT_NEAR(rates->rates_hz[a], 1000.0 * f(input), 1e-9);
  }
}

TEST(MeanField, LargeGainGivesTheBalancedState) {
  // As g -> infinity with theta = 0, Eq. 3.10 tends to -W^{-1} W_x r_x (book Sec. 3.2).
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  const auto rates = threshold_linear_rates(spec, RectifiedLinear{1e4, 0.0});
  ASSERT_TRUE(rates);
  EXPECT_NEAR(rates->rates_hz[0], 50.0 / 9.0, 1e-3);
  EXPECT_NEAR(rates->rates_hz[1], 125.0 / 9.0, 1e-3);
}

TEST(MeanField, PlasticRateModelSettlesAtTheTargetRate) {
  // Eq. 4.3: any fixed point has r_e = r0 (with r_i > 0).
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/plasticity_eif.json"));
  const auto run = integrate_plastic_mean_field(spec, RectifiedLinear{2.86 / 1000.0, 10.75}, 100.0);
  ASSERT_TRUE(run);
  EXPECT_NEAR(run->rate_e_hz.back(), 10.0, 0.05);
  EXPECT_GT(run->rate_i_hz.back(), 1.0);
  EXPECT_GT(run->w_ei.back(), run->w_ei.front());  // inhibition weakened to let E rise from 5 Hz
}

}  // namespace
}  // namespace eisim
