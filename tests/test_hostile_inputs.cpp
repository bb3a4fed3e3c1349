// Hostile and extreme input to the config reader (docs/architecture.md, "Limits and memory";
// docs/config_reference.md): every limit of config_limits.cpp is refused with a ConfigError naming the
// field and the value, and the value just inside it is accepted; non-finite values, runaway nesting and
// parameter chains are refused naming what was wrong; --set finds what it should where a config leaves
// things implicit; and weight_sample's index arithmetic cannot overflow. The fuzz of the same reader is
// test_config_fuzz.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "base_config.hpp"
#include "eisim/engine/backend_setup.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/engine/expression.hpp"
#include "eisim/errors.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using test_support::Json;
using test_support::kBaseConfig;
using test_support::modified;
using test_support::population;
using test_support::projection;

// Parsing `text` with `overrides` throws a ConfigError whose message holds every one of `words`.
void expect_refused(const std::string& text, const std::vector<std::string>& overrides,
                    const std::vector<std::string>& words) {
  try {
    parse_network_spec(text, overrides);
    ADD_FAILURE() << "expected a ConfigError, but the config was accepted";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    for (const auto& w : words) EXPECT_NE(message.find(w), std::string::npos) << "no \"" << w << "\" in: " << message;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a ConfigError, got another exception: " << e.what();
  }
}

NetworkSpec accepted(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    return parse_network_spec(text, overrides);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected the config to be accepted, got: " << e.what();
    return {};
  }
}

std::string config_path(const std::string& name) { return test_support::source_path("configs/" + name); }

// ---------------------------------------------------------------------------------------------------
// The limits of config_limits.cpp, each refused naming the field and the value, and just inside accepted

using HostileLimits = ::testing::Test;

TEST_F(HostileLimits, MoreThan2To40StepsAreRefused) {
  expect_refused(kBaseConfig, {"T=1e300"}, {"simulation.T", "at most 2^40 steps", "T = 1e+300"});
  expect_refused(kBaseConfig, {"dt=1e-300"}, {"simulation.T", "at most 2^40 steps", "dt = 1e-300"});
  // dt = 1/8 ms: T / dt is exact. 2^40 steps are accepted, one more is refused.
  EXPECT_EQ(accepted(kBaseConfig, {"dt=0.125", "T=137438953472"}).simulation.n_steps(), int64_t{1} << 40);
  expect_refused(kBaseConfig, {"dt=0.125", "T=137438953472.125"}, {"simulation.T", "at most 2^40 steps"});
}

TEST_F(HostileLimits, APoissonRateOfOneSpikePerStepIsRefused) {
  expect_refused(kBaseConfig, {"populations.X.rate_hz=1e12"},
                 {"populations.X.rate_hz", "below one spike per step", "1e+12 Hz", "dt = 0.1 ms"});
  // 10000 Hz at dt = 0.1 ms is exactly one spike per step.
  expect_refused(kBaseConfig, {"populations.X.rate_hz=10000"}, {"populations.X.rate_hz", "10000 Hz"});
  EXPECT_EQ(accepted(kBaseConfig, {"populations.X.rate_hz=9999"}).populations[2].rate.r0_hz, 9999.0);
  // A sinusoidal rate's peak r0 + |r1| counts.
  const auto sinusoidal = [](double r1) {
    return modified([&](Json& c) { population(c, "X")["rate_hz"] = {{"r0", 5000}, {"r1", r1}, {"period", 100}}; });
  };
  expect_refused(sinusoidal(-5000), {}, {"populations.X.rate_hz", "10000 Hz"});
  accepted(sinusoidal(-4999));
}

TEST_F(HostileLimits, TimeConstantsAtOrBelowTheStepAreRefused) {
  for (const char* tau : {"0.1", "0.05"}) {
    SCOPED_TRACE(tau);
    expect_refused(kBaseConfig, {std::string("populations.E.tau_m=") + tau},
                   {"populations.E.tau_m", "longer than the step dt = 0.1", std::string("got ") + tau});
    expect_refused(kBaseConfig, {std::string("projections.E->E.tau_syn=") + tau},
                   {"projections.E->E.tau_syn", "longer than the step dt = 0.1", std::string("got ") + tau});
  }
  EXPECT_EQ(accepted(kBaseConfig, {"populations.E.tau_m=0.1001"}).populations[0].membrane.tau_m, 0.1001);
  EXPECT_EQ(accepted(kBaseConfig, {"projections.E->E.tau_syn=0.1001"}).projections[0].tau_syn, 0.1001);
  const auto plastic = [](double tau_y) {
    return modified([&](Json& c) {
      projection(c, "I", "E")["plasticity"] = {{"eta", 1}, {"r0_hz", 5}, {"tau_y", tau_y}};
    });
  };
  expect_refused(plastic(0.1), {}, {"projections.I->E.plasticity.tau_y", "longer than the step", "got 0.1"});
  EXPECT_EQ(accepted(plastic(0.1001)).projections[1].plasticity->tau_y, 0.1001);
}

// Two Poisson populations (no per-neuron work when read) of 2^30 + 1 neurons each: 2^31 + 2 in all.
std::string two_populations(int64_t a, int64_t b) {
  return R"({"simulation": {"dt": 0.1, "T": 10},
    "populations": [{"name": "A", "model": "poisson", "size": )" +
         std::to_string(a) + R"(, "rate_hz": 1},
                    {"name": "B", "model": "poisson", "size": )" +
         std::to_string(b) + R"(, "rate_hz": 1}]})";
}

TEST_F(HostileLimits, MoreThan2To31Minus1NeuronsInAllAreRefused) {
  const int64_t two30 = int64_t{1} << 30;
  expect_refused(two_populations(two30 + 1, two30 + 1), {},
                 {"populations.B.size", "at most 2^31 - 1 neurons in all populations", "2147483650"});
  expect_refused(two_populations(two30, two30), {}, {"populations.B.size", "2147483648"});
  EXPECT_EQ(accepted(two_populations(two30, two30 - 1)).total_neurons(), (int64_t{1} << 31) - 1);
}

TEST_F(HostileLimits, AStaticWeightThatCouldOverflowTheFixedPointSumIsRefused) {
  expect_refused(kBaseConfig, {"projections.E->E.weight=1e9"},
                 {"projections.E->E.weight", "overflow the 64-bit fixed-point sum", "below 2^30 mV", "got weight 1e+09"});
  // |J| / tau_syn times the most presynaptic spikes in a step below 2^30 mV: E->E (800 neurons, 8 ms)
  // up to 2^30 * 8 / 800 = 1.0737e7; I->E (200, 4 ms, inhibitory) 2.147e7; from the Poisson X (200
  // neurons, so 2 * 200 + 1024 spikes a step, 10 ms) 7.540e6.
  accepted(kBaseConfig, {"projections.E->E.weight=1.07e7"});
  expect_refused(kBaseConfig, {"projections.E->E.weight=1.08e7"}, {"projections.E->E.weight", "1.08e+07"});
  accepted(kBaseConfig, {"projections.I->E.weight=-2.14e7"});
  expect_refused(kBaseConfig, {"projections.I->E.weight=-2.15e7"}, {"projections.I->E.weight", "-2.15e+07"});
  accepted(kBaseConfig, {"projections.X->E.weight=7.54e6"});
  expect_refused(kBaseConfig, {"projections.X->E.weight=7.55e6"}, {"projections.X->E.weight", "1424"});
}

TEST_F(HostileLimits, MoreThanAMillionRateWindowsAreRefused) {
  // dt and the window in eighths of a millisecond: T / window is exact.
  const auto windows = [](const std::string& t) {
    return modified([&](Json& c) {
      c["simulation"]["dt"] = 0.125;
      c["simulation"]["T"] = Json::parse(t);
      c["recording"]["rate_window_ms"] = 0.25;
    });
  };
  accepted(windows("250000"));  // 10^6 windows
  expect_refused(windows("250000.25"), {},
                 {"recording.rate_window_ms", "would have 1000001 rate windows, at most 1000000",
                  "a window of at least 0.25000025 ms", "got 0.25"});
}

// ---------------------------------------------------------------------------------------------------
// Non-finite values, runaway nesting and chains

using HostileValues = ::testing::Test;

TEST_F(HostileValues, NonFiniteOverridesAreRefusedNamingTheKey) {
  for (const std::string& assignment :
       {std::string("T=inf"), std::string("populations.E.E_L=nan"), std::string("simulation.seed=nan"),
        std::string("populations.E.size=nan"), std::string("T=-inf"), std::string("T=infinity"), std::string("dt=NAN"),
        std::string("T=1e400")}) {
    SCOPED_TRACE(assignment);
    expect_refused(kBaseConfig, {assignment}, {"--set " + assignment, "not a finite number"});
  }
}

TEST_F(HostileValues, AJsonNumberBeyondDoublesRangeIsMalformedJson) {
  std::string text = kBaseConfig;
  const size_t at = text.find("\"T\": 100");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "\"T\": 1e400");
  expect_refused(text, {}, {"config: malformed JSON", "number overflow"});
  try {
    parse_network_spec(text);
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("[json.exception"), std::string::npos) << e.what();
  }
}

TEST_F(HostileValues, AnExpressionNested20000DeepIsRefused) {
  const std::string parentheses = std::string(20000, '(') + "1" + std::string(20000, ')');
  const std::string minus = std::string(20000, '-') + "1";
  for (const std::string& text : {parentheses, minus}) {
    expect_refused(modified([&](Json& c) { c["parameters"]["s"] = text; }), {}, {"parameters.s", "nested more than 200 deep"});
    EXPECT_THROW(evaluate_expression(text, {}), ExpressionError);
  }
  // Moderate nesting is fine.
  EXPECT_EQ(evaluate_expression(std::string(50, '(') + "1" + std::string(50, ')'), {}), 1.0);
  EXPECT_EQ(evaluate_expression(std::string(50, '-') + "1", {}), 1.0);
}

std::string chain(int length) {
  return modified([&](Json& c) {
    for (int k = 0; k < length; ++k) c["parameters"]["c" + std::to_string(k)] = k + 1 < length ? "c" + std::to_string(k + 1) : "7";
  });
}

TEST_F(HostileValues, AChainOfMoreThan256ParametersIsRefused) {
  expect_refused(chain(300), {}, {"parameters.c256", "more than 256 parameters refer to one another in a chain"});
  expect_refused(chain(257), {}, {"more than 256 parameters"});
  EXPECT_EQ(accepted(chain(256)).parameters.at("c0"), 7.0);
}

// A population's name becomes file names: a control character (a NUL would cut the path there, so two
// populations would write one file) is refused like '/'.
TEST_F(HostileValues, APopulationNameWithAControlCharacterIsRefused) {
  for (const std::string& name : {std::string("E\0x", 3), std::string("E\nx"), std::string("E\x7f")}) {
    expect_refused(modified([&](Json& c) { population(c, "X")["name"] = name; }), {},
                   {"populations[2].name", "control characters"});
  }
}

// ---------------------------------------------------------------------------------------------------
// --set where the config leaves something implicit or has the wrong shape

using HostileOverrides = ::testing::Test;

TEST_F(HostileOverrides, SettingASimulationFieldWhereSimulationIsAnArrayIsAConfigError) {
  const std::string text = modified([](Json& c) { c["simulation"] = Json::array({0.1, 100}); });
  expect_refused(text, {"simulation.dt=0.1"}, {"--set simulation.dt", "\"simulation\" is not an object"});
  expect_refused(text, {"dt=0.1"}, {"--set dt", "\"simulation\" is not an object"});
}

TEST_F(HostileOverrides, AProjectionWithoutANameIsFoundAsPreToPost) {
  const NetworkSpec spec = load_network_spec(config_path("balanced_eif.json"), {"projections.E->I.p=0.2"});
  ASSERT_EQ(spec.projections.size(), 6u);
  for (const ProjectionSpec& proj : spec.projections) {
    SCOPED_TRACE(proj.name);
    EXPECT_EQ(proj.p, proj.name == "E->I" ? 0.2 : 0.1);
  }
}

TEST_F(HostileOverrides, BurnInCanBeSetWhereTheConfigHasNone) {
  ASSERT_EQ(load_network_spec(config_path("eif_step_input.json")).simulation.burn_in_ms, 0.0);
  EXPECT_EQ(load_network_spec(config_path("eif_step_input.json"), {"burn_in=10"}).simulation.burn_in_ms, 10.0);
}

// ---------------------------------------------------------------------------------------------------
// weight_sample: k * synapses / count in 128 bits

using HostileWeightSample = ::testing::Test;

void expect_even_sample(uint64_t synapses, int64_t count, uint64_t spacing) {
  const std::vector<uint64_t> sample = weight_sample(synapses, count);
  ASSERT_EQ(sample.size(), static_cast<size_t>(count));
  for (size_t k = 0; k < sample.size(); ++k) {
    ASSERT_EQ(sample[k], k * spacing) << "sample " << k << " of " << count << " from " << synapses;
  }
  EXPECT_LT(sample.back(), synapses);
}

TEST_F(HostileWeightSample, IndicesAreEvenlySpacedWhereKTimesSynapsesOverflows64Bits) {
  expect_even_sample(uint64_t{1} << 62, 8, uint64_t{1} << 59);       // k * 2^62 overflows from k = 4
  expect_even_sample(uint64_t{1} << 50, 1 << 16, uint64_t{1} << 34);  // and here from k = 2^14
  expect_even_sample(uint64_t{1} << 40, 1 << 20, uint64_t{1} << 20);  // 2^40 synapses, as in the claim
  // Not a power of two: floor(k * (2^64 - 1) / 3) exactly.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(weight_sample(max, 3), (std::vector<uint64_t>{0, max / 3, 2 * (max / 3)}));
  // Fewer synapses than asked for: each of them once.
  EXPECT_EQ(weight_sample(5, 10), (std::vector<uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(weight_sample(0, 10).empty());
}

}  // namespace
}  // namespace eisim
