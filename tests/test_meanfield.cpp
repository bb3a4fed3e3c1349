// Mean-field tools (book Sec. 3.1-3.2, 4.1) against their defining equations: the balanced-state rates
// of the canonical network are the book's for every N; the threshold-linear fixed point solves
// r = g [W r + W_x r_x - theta]_+ and tends to the balanced state as the gain grows; the plastic rate
// model (Eq. 4.3) settles at its target rate r0.
#include <gtest/gtest.h>

#include <cmath>

#include "eisim/engine/config.hpp"
#include "eisim/theory/meanfield.hpp"
#include "fitted_fi_curve.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

TEST(MeanField, CanonicalBalancedRatesAreTheBooks) {
  for (const char* n : {"N=5000", "N=100000"}) {
    const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {n});
    const auto rates = balanced_state_rates(spec);
    ASSERT_TRUE(rates);
    EXPECT_NEAR(rates->rates_hz[0], 50.0 / 9.0, 1e-9);   // 5.56 Hz: -W^-1 W_x r_x (book Eq. 3.9)
    EXPECT_NEAR(rates->rates_hz[1], 125.0 / 9.0, 1e-9);  // 13.89 Hz
  }
}

TEST(MeanField, ThresholdLinearFixedPointSolvesEquation310) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  const RectifiedLinear f = test_support::fitted_fi_curve();
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
  const auto run = integrate_plastic_mean_field(spec, test_support::fitted_fi_curve(), 100.0);
  ASSERT_TRUE(run);
  EXPECT_NEAR(run->rate_e_hz.back(), 10.0, 0.05);
  EXPECT_GT(run->rate_i_hz.back(), 1.0);
  EXPECT_GT(run->w_ei.back(), run->w_ei.front());  // inhibition weakened to let E rise from 5 Hz
}

}  // namespace
}  // namespace eisim
