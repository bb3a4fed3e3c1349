// Synaptic delays, drawn weights and the refractory period: a spike's arrival step and the interspike
// interval against closed forms, the drawn delays and weights against the truncated normals they come
// from, and both drawn the same on any number of ranks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/engine/network.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// A driver D, pushed by I_ext to spike every few ms, onto a leaky integrator L through one synapse
// of weight 2 mV·ms and tau_syn 4 ms, with the delay given (none: the default, one step).
NetworkSpec driver_and_target(const std::string& delay) {
  return parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 30},
    "populations": [
      {"name": "D", "model": "lif", "size": 1, "tau_m": 10, "E_L": -70, "V_th": -50, "V_re": -70, "V0": -70, "I_ext": 30},
      {"name": "L", "model": "leaky_integrator", "size": 1, "tau_m": 10, "E_L": -70, "V0": -70}],
    "projections": [{"pre": "D", "post": "L", "rule": "all_to_all", "weight": 2, "tau_syn": 4)" +
                            (delay.empty() ? "" : R"(, "delay": )" + delay) + R"(}],
    "recording": {"spikes": ["D"], "traces": [{"population": "L", "neurons": [0]}]}})");
}

// The step at which L's synaptic current first moves: the driver's first spike acts there.
int64_t first_input_step(const RecordedRun& run) {
  const TraceRecord& trace = run.traces[0];  // per step: V, I
  for (size_t s = 0; s < trace.step.size(); ++s) {
    if (trace.values[2 * s + 1] != 0.0f) {
      // A spike adds J / tau_syn to the current at its arrival step (model/synapse.hpp).
      EXPECT_FLOAT_EQ(trace.values[2 * s + 1], 2.0f / 4.0f);
      return trace.step[s];
    }
  }
  return -1;
}

using Delays = test_support::OnEachBackend;

TEST_P(Delays, ASpikeOfStepNActsAtStepNPlusTheDelayInSteps) {
  for (const auto& [delay, steps] : std::vector<std::pair<std::string, int64_t>>{{"", 1}, {"0.1", 1}, {"1.5", 15},
                                                                                   {"0.74", 7}, {"2.36", 24}}) {
    const RecordedRun run = this->run(driver_and_target(delay));
    ASSERT_FALSE(run.spikes[0].step.empty());
    EXPECT_EQ(first_input_step(run), run.spikes[0].step[0] + steps) << "delay " << (delay.empty() ? "(none)" : delay);
  }
}

// A plastic synapse with a delay of 15 steps onto a neuron that never spikes: each presynaptic spike
// raises the weight by eta 2 r0 (its postsynaptic trace is 0; model/plasticity.hpp) and carries the
// weight it found at its emission to its arrival, 15 steps later, as a jump J / tau_syn of the current.
TEST_P(Delays, APlasticSpikeCarriesTheWeightOfItsEmissionToItsArrival) {
  const RecordedRun run = this->run(parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 60},
    "populations": [
      {"name": "D", "model": "lif", "size": 1, "tau_m": 10, "E_L": -70, "V_th": -50, "V_re": -70, "V0": -70, "I_ext": 30},
      {"name": "L", "model": "lif", "size": 1, "tau_m": 10, "E_L": -70, "V_th": 0, "V_re": -70, "V0": -70}],
    "projections": [{"pre": "D", "post": "L", "rule": "all_to_all", "weight": -2, "tau_syn": 4, "delay": 1.5,
                     "plasticity": {"eta": 0.5, "r0_hz": 10, "tau_y": 100}}],
    "recording": {"spikes": ["D", "L"], "traces": [{"population": "L", "neurons": [0]}]}})"));
  const std::vector<int64_t>& spikes = run.spikes[0].step;
  ASSERT_GE(spikes.size(), 3u);
  ASSERT_TRUE(run.spikes[1].step.empty());
  const TraceRecord& trace = run.traces[0];  // per step: V, I
  const float decay = 1.0f - 0.1f / 4.0f;    // one Euler step of tau_syn dI/dt = -I
  for (size_t k = 0; k < spikes.size() && spikes[k] + 15 < static_cast<int64_t>(trace.step.size()); ++k) {
    const size_t at = static_cast<size_t>(spikes[k] + 15);
    const double jump = trace.values[2 * at + 1] - decay * trace.values[2 * at - 1];
    const double J = -2.0 + static_cast<double>(k) * 0.5 * 0.02;  // before this spike's own update
    EXPECT_NEAR(jump, J / 4.0, 1e-5) << "spike " << k;
    EXPECT_EQ(trace.values[2 * (at - 1) + 1] - decay * trace.values[2 * (at - 2) + 1], 0.0f) << "spike " << k;
  }
}

// tau_m dV/dt = -(V - E_L) + I by forward Euler from V_re: the first step k with V_k > V_th,
// V_k = E_L + I + (V_re - E_L - I) (1 - dt/tau_m)^k.
int64_t euler_steps_to_threshold(double tau_m, double E_L, double I, double V_re, double V_th, double dt) {
  for (int64_t k = 1;; ++k) {
    if (E_L + I + (V_re - E_L - I) * std::pow(1.0 - dt / tau_m, static_cast<double>(k)) > V_th) return k;
  }
}

TEST_P(Delays, TheRefractoryPeriodLengthensEveryIntervalByItsSteps) {
  const int64_t to_threshold = euler_steps_to_threshold(10, -70, 24.3, -70, -50, 0.1);
  for (const auto& [t_ref, steps] : std::vector<std::pair<std::string, int64_t>>{{"0", 0}, {"2", 20}, {"0.26", 3}}) {
    const RecordedRun run = this->run(parse_network_spec(R"({
      "simulation": {"dt": 0.1, "T": 200},
      "populations": [{"name": "N", "model": "lif", "size": 1, "tau_m": 10, "E_L": -70, "V_th": -50, "V_re": -70,
                       "V0": -70, "I_ext": 24.3, "t_ref": )" + t_ref + R"(}]})"));
    const std::vector<int64_t>& spikes = run.spikes[0].step;
    ASSERT_GE(spikes.size(), 5u);
    for (size_t k = 1; k < spikes.size(); ++k) {
      EXPECT_EQ(spikes[k] - spikes[k - 1], to_threshold + steps) << "t_ref " << t_ref << ", interval " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Delays, ::testing::Values("cpu", "cuda"), test_support::backend_name);

// A dense projection of 1000 x 1000 with drawn weights and delays, built on `ranks` ranks and put together.
NetworkSpec drawn_projection(const std::string& weight, const std::string& weight_sd) {
  return parse_network_spec(R"({
    "simulation": {"dt": 0.1, "T": 10, "seed": 7},
    "populations": [{"name": "A", "model": "poisson", "size": 1000, "rate_hz": 1},
                    {"name": "B", "model": "lif", "size": 1000, "V_th": -50, "V_re": -65}],
    "projections": [{"pre": "A", "post": "B", "p": 0.5, "weight": )" + weight + R"(, "weight_sd": )" + weight_sd + R"(,
                     "delay": 1.5, "delay_sd": 0.75, "tau_syn": 0.5}]})");
}

// Chi-square of the drawn delays against N(1.5, 0.75) redrawn outside [dt, 1.5 + 5 sd] and rounded
// to whole steps.
TEST(SynapseDraws, DelaysFollowTheRoundedTruncatedNormal) {
  const NetworkSpec spec = drawn_projection("1", "0.1");
  const Connectivity c = build_network(spec, 2).projections[0];
  ASSERT_EQ(c.delay_steps.size(), c.synapse_count());
  ASSERT_GT(c.synapse_count(), 400000u);
  const double dt = 0.1, mean = 1.5, sd = 0.75, low = dt, high = mean + 5 * sd;
  const uint32_t longest = longest_delay_steps(spec.projections[0], dt);
  EXPECT_EQ(longest, 53u);
  std::vector<double> count(longest + 1, 0.0);
  for (uint16_t d : c.delay_steps) {
    ASSERT_GE(d, 1);
    ASSERT_LE(d, longest);
    count[d] += 1;
  }
  const double kept = normal_cdf((high - mean) / sd) - normal_cdf((low - mean) / sd);
  double chi2 = 0;
  int bins = 0;
  for (uint32_t d = 1; d <= longest; ++d) {
    const double from = std::max(low, (d - 0.5) * dt), to = std::min(high, (d + 0.5) * dt);
    const double expected =
        static_cast<double>(c.synapse_count()) * (normal_cdf((to - mean) / sd) - normal_cdf((from - mean) / sd)) / kept;
    if (expected < 20) continue;  // the far tail: too few for the chi-square approximation
    chi2 += (count[d] - expected) * (count[d] - expected) / expected;
    ++bins;
  }
  ASSERT_GT(bins, 30);
  EXPECT_LT(chi2, bins + 5 * std::sqrt(2.0 * bins)) << bins << " bins";
}

// The mean and variance of N(mu, sd) kept on [a, b] (the truncated normal's closed forms).
struct Moments {
  double mean, variance;
};
Moments truncated_normal_moments(double mu, double sd, double a, double b) {
  const auto phi = [](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI); };
  const double alpha = (a - mu) / sd, beta = (b - mu) / sd, Z = normal_cdf(beta) - normal_cdf(alpha);
  const double shift = (phi(alpha) - phi(beta)) / Z;
  return {mu + sd * shift, sd * sd * (1 + (alpha * phi(alpha) - beta * phi(beta)) / Z - shift * shift)};
}

TEST(SynapseDraws, WeightsFollowTheNormalRedrawnAtTheWrongSign) {
  // sd close to the mean, so that the redraws at 0 move the moments well beyond their errors.
  for (const double J : {2.0, -2.0}) {
    const NetworkSpec spec = drawn_projection(std::to_string(J), "1.6");
    const Connectivity c = build_network(spec, 2).projections[0];
    ASSERT_EQ(c.weight.size(), c.synapse_count());
    double sum = 0, sum2 = 0;
    for (float w : c.weight) {
      ASSERT_GE(w * J, 0.0) << "a weight of the wrong sign";
      ASSERT_LE(std::fabs(w - J), 5 * 1.6 + 1e-6);
      sum += w;
      sum2 += static_cast<double>(w) * w;
    }
    const double n = static_cast<double>(c.synapse_count()), mean = sum / n, variance = sum2 / n - mean * mean;
    const Moments expected = J > 0 ? truncated_normal_moments(J, 1.6, 0.0, J + 8.0) : truncated_normal_moments(J, 1.6, J - 8.0, 0.0);
    EXPECT_NEAR(mean, expected.mean, 5 * std::sqrt(expected.variance / n)) << "J " << J;
    EXPECT_NEAR(variance, expected.variance, 0.01 * expected.variance) << "J " << J;
    EXPECT_GT(std::fabs(expected.mean - J), 0.1) << "the truncation should move the mean";
  }
}

TEST(SynapseDraws, EachRankDrawsTheSameWeightsAndDelaysForItsSynapses) {
  const NetworkSpec spec = drawn_projection("1", "0.3");
  const Connectivity whole = build_network(spec, 1).projections[0];
  std::vector<std::vector<float>> weights(1000);  // per presynaptic row, in target order, from every rank
  std::vector<std::vector<uint16_t>> delays(1000);
  for (int rank = 0; rank < 3; ++rank) {
    const Partition share = partition(spec, rank, 3);
    const Connectivity part = build_network(spec, 2, {}, &share).projections[0];
    for (int64_t row = 0; row < 1000; ++row) {
      for (uint64_t s = part.row_start[row]; s < part.row_start[row + 1]; ++s) {
        weights[row].push_back(part.weight[s]);
        delays[row].push_back(part.delay_steps[s]);
      }
    }
  }
  for (int64_t row = 0; row < 1000; ++row) {
    const std::vector<float> w(whole.weight.begin() + whole.row_start[row], whole.weight.begin() + whole.row_start[row + 1]);
    const std::vector<uint16_t> d(whole.delay_steps.begin() + whole.row_start[row],
                                  whole.delay_steps.begin() + whole.row_start[row + 1]);
    ASSERT_EQ(weights[row], w) << "row " << row;
    ASSERT_EQ(delays[row], d) << "row " << row;
  }
}

}  // namespace
}  // namespace eisim
