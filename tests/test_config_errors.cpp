// The config reader refuses every bad network description with a ConfigError whose message names the
// field and the bad value (docs/config_reference.md), and never crashes; each case starts from a small
// valid config (base_config.hpp) and breaks exactly one thing. --set overrides are checked alike. What
// the command line makes of these errors (exit status 2) is in test_cli_errors.cpp.
#include <gtest/gtest.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base_config.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/errors.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using eisim::test_support::Json;
using eisim::test_support::kBaseConfig;
using eisim::test_support::modified;
using eisim::test_support::population;
using eisim::test_support::projection;

// Asserts that parsing throws eisim::ConfigError whose what() contains every one of `substrings`.
void expect_config_error(const std::string& json_text, const std::vector<std::string>& substrings,
                         const std::vector<std::string>& overrides = {}) {
  try {
    eisim::parse_network_spec(json_text, overrides);
  } catch (const eisim::ConfigError& e) {
    const std::string message = e.what();
    for (const auto& want : substrings) {
      EXPECT_NE(message.find(want), std::string::npos)
          << "the ConfigError message does not contain \"" << want << "\"\n  message: " << message;
    }
    return;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected eisim::ConfigError, got another exception: " << e.what();
    return;
  } catch (...) {
    ADD_FAILURE() << "expected eisim::ConfigError, got a non-std exception";
    return;
  }
  std::string wanted;
  for (const auto& w : substrings) wanted += " \"" + w + "\"";
  ADD_FAILURE() << "expected eisim::ConfigError mentioning" << wanted << ", but the config was accepted";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string canonical_config_path() { return eisim::test_support::source_path("configs/balanced_eif.json"); }

// ---------------------------------------------------------------------------------------------------
// Positive controls

TEST(ConfigErrors, BaseConfigIsValid) {
  const eisim::NetworkSpec spec = eisim::parse_network_spec(kBaseConfig);
  ASSERT_EQ(spec.populations.size(), 3u);
  EXPECT_EQ(spec.populations[0].size, 800);
  EXPECT_EQ(spec.populations[1].size, 200);
  EXPECT_EQ(spec.populations[2].size, 200);
  EXPECT_EQ(spec.projections.size(), 4u);
  EXPECT_DOUBLE_EQ(spec.simulation.t_ms, 100.0);
}

TEST(ConfigErrors, CanonicalConfigParsesAndOverridesTakeEffect) {
  const std::string text = read_text(canonical_config_path());
  ASSERT_FALSE(text.empty()) << "cannot read " << canonical_config_path();
  const eisim::NetworkSpec plain = eisim::parse_network_spec(text);
  EXPECT_EQ(plain.populations.size(), 3u);

  // The canonical burn_in is 200 ms, so T=50 needs burn_in lowered too (burn_in >= T is an error).
  const eisim::NetworkSpec spec =
      eisim::parse_network_spec(text, {"N=2000", "T=50", "burn_in=0", "populations.X.rate_hz=20"});
  ASSERT_EQ(spec.populations.size(), 3u);
  const int e = spec.population_index("E"), i = spec.population_index("I"), x = spec.population_index("X");
  ASSERT_GE(e, 0);
  ASSERT_GE(i, 0);
  ASSERT_GE(x, 0);
  EXPECT_EQ(spec.populations[e].size, 1600);
  EXPECT_EQ(spec.populations[i].size, 400);
  EXPECT_EQ(spec.populations[x].size, 400);
  EXPECT_DOUBLE_EQ(spec.simulation.t_ms, 50.0);
  EXPECT_DOUBLE_EQ(spec.simulation.burn_in_ms, 0.0);
  EXPECT_DOUBLE_EQ(spec.populations[x].rate.r0_hz, 20.0);
  EXPECT_DOUBLE_EQ(spec.parameters.at("N"), 2000.0);
}

TEST(ConfigErrors, CanonicalConfigShortTWithoutBurnInOverrideNamesBurnIn) {
  expect_config_error(read_text(canonical_config_path()), {"simulation.burn_in", "200"}, {"N=2000", "T=50"});
}

// ---------------------------------------------------------------------------------------------------
// Syntax and unknown keys

TEST(ConfigErrors, MalformedJsonMissingComma) {
  std::string text = kBaseConfig;
  const std::string good = "\"dt\": 0.1, \"T\": 100";
  const size_t at = text.find(good);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, good.size(), "\"dt\": 0.1 \"T\": 100");  // the comma is gone
  expect_config_error(text, {"malformed JSON"});
}

TEST(ConfigErrors, MalformedJsonTruncated) {
  const std::string text = kBaseConfig;
  expect_config_error(text.substr(0, text.size() / 2), {"malformed JSON"});
}

TEST(ConfigErrors, EmptyText) { expect_config_error("", {"malformed JSON"}); }

TEST(ConfigErrors, TopLevelNotAnObject) { expect_config_error("[1, 2, 3]", {"config", "object"}); }

TEST(ConfigErrors, UnknownTopLevelKey) {
  expect_config_error(modified([](Json& c) { c["colour"] = "blue"; }), {"config", "unknown key 'colour'"});
}

TEST(ConfigErrors, UnknownPopulationKey) {
  expect_config_error(modified([](Json& c) { population(c, "E")["tau_mm"] = 15; }),
                      {"populations.E", "unknown key 'tau_mm'"});
}

TEST(ConfigErrors, KeyOfAnotherModelInPoissonPopulation) {
  expect_config_error(modified([](Json& c) { population(c, "X")["tau_m"] = 15; }),
                      {"populations.X", "unknown key 'tau_m'"});
}

TEST(ConfigErrors, UnknownSimulationKey) {
  expect_config_error(modified([](Json& c) { c["simulation"]["dtt"] = 0.1; }),
                      {"simulation", "unknown key 'dtt'"});
}

TEST(ConfigErrors, UnknownProjectionKey) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "E")["dealy"] = 1; }),
                      {"projections", "unknown key 'dealy'"});
}

TEST(ConfigErrors, WrongTypeForNumber) {
  expect_config_error(modified([](Json& c) { population(c, "E")["size"] = true; }),
                      {"populations.E.size", "true"});
}

// ---------------------------------------------------------------------------------------------------
// Missing required fields

TEST(ConfigErrors, MissingPopulationSize) {
  expect_config_error(modified([](Json& c) { population(c, "E").erase("size"); }),
                      {"populations.E.size", "missing"});
}

TEST(ConfigErrors, MissingProjectionWeight) {
  expect_config_error(modified([](Json& c) { projection(c, "I", "E").erase("weight"); }),
                      {"projections.I->E.weight", "missing"});
}

TEST(ConfigErrors, MissingSimulationT) {
  expect_config_error(modified([](Json& c) { c["simulation"].erase("T"); }), {"simulation.T", "missing"});
}

TEST(ConfigErrors, MissingProjectionPre) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "E").erase("pre"); }),
                      {"projections[0].pre", "missing"});
}

TEST(ConfigErrors, MissingSimulationBlock) {
  expect_config_error(modified([](Json& c) { c.erase("simulation"); }), {"simulation", "missing"});
}

TEST(ConfigErrors, MissingPopulationModel) {
  expect_config_error(modified([](Json& c) { population(c, "I").erase("model"); }),
                      {"populations.I.model", "missing"});
}

// ---------------------------------------------------------------------------------------------------
// Values out of range

TEST(ConfigErrors, NegativePopulationSize) {
  expect_config_error(modified([](Json& c) { population(c, "E")["size"] = -5; }), {"populations.E.size", "-5"});
}

TEST(ConfigErrors, ZeroPopulationSize) {
  expect_config_error(modified([](Json& c) { population(c, "I")["size"] = 0; }), {"populations.I.size", "got 0"});
}

TEST(ConfigErrors, ProbabilityAboveOne) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "E")["p"] = 1.5; }),
                      {"projections.E->E.p", "1.5"});
}

TEST(ConfigErrors, ProbabilityNegative) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "E")["p"] = -0.1; }),
                      {"projections.E->E.p", "-0.1"});
}

TEST(ConfigErrors, DtZero) {
  expect_config_error(modified([](Json& c) { c["simulation"]["dt"] = 0; }), {"simulation.dt", "got 0"});
}

TEST(ConfigErrors, DtNegative) {
  expect_config_error(modified([](Json& c) { c["simulation"]["dt"] = -0.1; }), {"simulation.dt", "-0.1"});
}

TEST(ConfigErrors, TShorterThanDt) {
  expect_config_error(modified([](Json& c) { c["simulation"]["T"] = 0.05; }), {"simulation.T", "0.05"});
}

TEST(ConfigErrors, BurnInEqualToT) {
  expect_config_error(modified([](Json& c) { c["simulation"]["burn_in"] = 100; }),
                      {"simulation.burn_in", "100"});
}

TEST(ConfigErrors, BurnInLongerThanT) {
  expect_config_error(modified([](Json& c) { c["simulation"]["burn_in"] = 150; }),
                      {"simulation.burn_in", "150"});
}

TEST(ConfigErrors, FixedIndegreeLargerThanPresynapticPopulation) {
  expect_config_error(modified([](Json& c) {
                        Json& proj = projection(c, "E", "E");
                        proj.erase("p");
                        proj["rule"] = "fixed_indegree";
                        proj["K"] = 1000;  // E has 800 neurons
                      }),
                      {"projections.E->E.K", "1000", "800"});
}

TEST(ConfigErrors, TauSynZero) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["tau_syn"] = 0; }),
                      {"projections.E->I.tau_syn", "got 0"});
}

TEST(ConfigErrors, TauSynNegative) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["tau_syn"] = -2; }),
                      {"projections.E->I.tau_syn", "-2"});
}

TEST(ConfigErrors, DelayShorterThanAStep) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["delay"] = 0.05; }),
                      {"projections.E->I.delay", "at least the step dt = 0.1", "got 0.05"});
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["delay"] = 0; }),
                      {"projections.E->I.delay", "got 0"});
}

TEST(ConfigErrors, DelaySdWithoutAMeanOrNegative) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["delay_sd"] = 0.5; }),
                      {"projections.E->I.delay_sd", "needs a mean 'delay'"});
  expect_config_error(modified([](Json& c) {
                        projection(c, "E", "I")["delay"] = 1;
                        projection(c, "E", "I")["delay_sd"] = -0.5;
                      }),
                      {"projections.E->I.delay_sd", "-0.5"});
}

TEST(ConfigErrors, DelayBeyondTheRing) {
  expect_config_error(modified([](Json& c) {
                        projection(c, "E", "I")["delay"] = 300;  // 300 + 5 * 30 ms: 4500 steps
                        projection(c, "E", "I")["delay_sd"] = 30;
                      }),
                      {"projections.E->I.delay_sd", "4096 steps", "got 450 ms"});
}

TEST(ConfigErrors, DrawnDelayOnAPlasticProjection) {
  expect_config_error(modified([](Json& c) {
                        projection(c, "I", "E")["plasticity"] = {{"eta", 1}, {"r0_hz", 5}, {"tau_y", 100}};
                        projection(c, "I", "E")["delay"] = 1;
                        projection(c, "I", "E")["delay_sd"] = 0.3;
                      }),
                      {"projections.I->E.delay_sd", "plastic", "constant delay", "got 0.3 ms"});
}

TEST(ConfigErrors, WeightSdNegativeOrWithoutASign) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["weight_sd"] = -1; }),
                      {"projections.E->I.weight_sd", "-1"});
  expect_config_error(modified([](Json& c) {
                        projection(c, "E", "I")["weight"] = 0;
                        projection(c, "E", "I")["weight_sd"] = 1;
                      }),
                      {"projections.E->I.weight_sd", "non-zero weight"});
}

TEST(ConfigErrors, DrawnWeightsThatCouldOverflowTheFixedPointSum) {
  // The largest weight drawn, |J| + 5 sd, bounds the sum, not J.
  expect_config_error(modified([](Json& c) {
                        projection(c, "E", "I")["weight"] = 1;
                        projection(c, "E", "I")["weight_sd"] = 1e8;
                      }),
                      {"projections.E->I.weight", "weight_sd 1e+08"});
}

TEST(ConfigErrors, RefractoryPeriodNegativeOrOnAModelWithoutSpikes) {
  expect_config_error(modified([](Json& c) { population(c, "E")["t_ref"] = -1; }), {"populations.E.t_ref", "-1"});
  expect_config_error(modified([](Json& c) { population(c, "X")["t_ref"] = 2; }), {"populations.X", "'t_ref'"});
}

TEST(ConfigErrors, IntegrationUnknownOrOnAModelOtherThanLif) {
  expect_config_error(modified([](Json& c) {
                        Json& pop = population(c, "I");
                        pop["model"] = "lif";
                        pop["integration"] = "rk4";
                      }),
                      {"populations.I.integration", "\"euler\" or \"exact\"", "rk4"});
  expect_config_error(modified([](Json& c) { population(c, "I")["integration"] = "exact"; }),
                      {"populations.I", "'integration'"});  // an eif
}

TEST(ConfigErrors, PoissonInputBadFields) {
  const auto with_input = [](double rate, double weight, double tau) {
    return modified([=](Json& c) {
      population(c, "E")["poisson_input"] = {{"rate_hz", rate}, {"weight", weight}, {"tau_syn", tau}};
    });
  };
  expect_config_error(with_input(-1, 1, 5), {"populations.E.poisson_input.rate_hz", "-1"});
  expect_config_error(with_input(2e7, 1, 5), {"populations.E.poisson_input.rate_hz", "1000 spikes per step", "2e+07"});
  expect_config_error(with_input(100, 1, 0.05), {"populations.E.poisson_input.tau_syn", "dt = 0.1", "0.05"});
  expect_config_error(with_input(100, 1e10, 5), {"populations.E.poisson_input.weight", "overflow", "1e+10"});
  expect_config_error(modified([](Json& c) { population(c, "E")["poisson_input"] = {{"rate", 5}}; }),
                      {"populations.E.poisson_input", "unknown key 'rate'"});
  expect_config_error(modified([](Json& c) {
                        population(c, "X")["poisson_input"] = {{"rate_hz", 5}, {"weight", 1}, {"tau_syn", 5}};
                      }),
                      {"populations.X", "'poisson_input'"});
}

TEST(ConfigErrors, FixedTotalNumberNeedsItsSynapsesAndOnlyThem) {
  expect_config_error(modified([](Json& c) {
                        Json& proj = projection(c, "E", "I");
                        proj.erase("p");
                        proj["rule"] = "fixed_total_number";
                      }),
                      {"projections.E->I.synapses", "missing"});
  expect_config_error(modified([](Json& c) {
                        Json& proj = projection(c, "E", "I");
                        proj.erase("p");
                        proj["rule"] = "fixed_total_number";
                        proj["synapses"] = -3;
                      }),
                      {"projections.E->I.synapses", "-3"});
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["synapses"] = 100; }),
                      {"projections.E->I.synapses", "only the 'fixed_total_number' rule"});
}

TEST(ConfigErrors, NormalInitialPotentialWithNegativeSdOrUnknownKey) {
  expect_config_error(modified([](Json& c) { population(c, "E")["V0"] = {{"mean", -60}, {"sd", -1}}; }),
                      {"populations.E.V0.sd", "-1"});
  expect_config_error(modified([](Json& c) { population(c, "E")["V0"] = {{"mean", -60}, {"std", 1}}; }),
                      {"populations.E.V0", "unknown key 'std'"});
}

// The state is float: a voltage beyond 10^6 mV would become inf or swallow every step's change.
TEST(ConfigErrors, VoltagesBeyondTheStatesRange) {
  expect_config_error(modified([](Json& c) { population(c, "E")["V0"] = 1e300; }),
                      {"populations.E.V0", "10^6", "1e+300"});
  expect_config_error(modified([](Json& c) { population(c, "E")["V0"] = {{"mean", -60}, {"sd", 1e6}}; }),
                      {"populations.E.V0", "single precision"});
  expect_config_error(modified([](Json& c) { population(c, "I")["I_ext"] = -3e7; }),
                      {"populations.I.I_ext", "-3e+07"});
  expect_config_error(modified([](Json& c) { population(c, "E")["E_L"] = 2e6; }), {"populations.E.E_L", "2e+06"});
}

TEST(ConfigErrors, ResetNotBelowThreshold) {
  expect_config_error(modified([](Json& c) { population(c, "E")["V_re"] = 10; }), {"populations.E.V_re", "10"});
}

TEST(ConfigErrors, ResetAboveThreshold) {
  expect_config_error(modified([](Json& c) { population(c, "E")["V_re"] = 20; }), {"populations.E.V_re", "20"});
}

TEST(ConfigErrors, NegativeRate) {
  expect_config_error(modified([](Json& c) { population(c, "X")["rate_hz"] = -3; }),
                      {"populations.X.rate_hz", "-3"});
}

// ---------------------------------------------------------------------------------------------------
// References to populations

TEST(ConfigErrors, UnknownPopulationInProjectionPre) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "E")["pre"] = "Z"; }),
                      {"projections[0].pre", "'Z'"});
}

TEST(ConfigErrors, UnknownPopulationInProjectionPost) {
  expect_config_error(modified([](Json& c) { projection(c, "I", "E")["post"] = "Z"; }),
                      {"projections[1].post", "'Z'"});
}

TEST(ConfigErrors, UnknownPopulationInRecordingSpikes) {
  expect_config_error(modified([](Json& c) { c["recording"]["spikes"].push_back("Z"); }),
                      {"recording.spikes", "'Z'"});
}

TEST(ConfigErrors, PoissonPopulationAsPost) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "I")["post"] = "X"; }),
                      {"projections.E->X.post", "'X'", "Poisson"});
}

TEST(ConfigErrors, DuplicatePopulationName) {
  expect_config_error(modified([](Json& c) { population(c, "I")["name"] = "E"; }), {"populations[1].name", "'E'"});
}

// ---------------------------------------------------------------------------------------------------
// Expressions and parameters

TEST(ConfigErrors, ExpressionWithUnbalancedParenthesis) {
  expect_config_error(modified([](Json& c) { population(c, "E")["size"] = "0.8*N)"; }),
                      {"populations.E.size", "0.8*N)"});
}

TEST(ConfigErrors, ExpressionWithDoubleOperator) {
  expect_config_error(modified([](Json& c) { population(c, "E")["size"] = "0.8**N"; }),
                      {"populations.E.size", "0.8**N"});
}

TEST(ConfigErrors, ExpressionWithUnknownName) {
  expect_config_error(modified([](Json& c) { population(c, "E")["size"] = "0.8*M"; }),
                      {"populations.E.size", "'M'"});
}

TEST(ConfigErrors, ExpressionErrorInProjectionWeight) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "E")["weight"] = "35*ss"; }),
                      {"projections.E->E.weight", "'ss'"});
}

TEST(ConfigErrors, ExpressionErrorInParameter) {
  expect_config_error(modified([](Json& c) { c["parameters"]["s"] = "15/sqrt(N*p/0.1"; }),
                      {"parameters.s", "15/sqrt(N*p/0.1"});
}

TEST(ConfigErrors, ParametersReferringToEachOther) {
  expect_config_error(modified([](Json& c) {
                        c["parameters"]["a"] = "b";
                        c["parameters"]["b"] = "a";
                      }),
                      {"parameters.a", "refers to itself"});
}

TEST(ConfigErrors, ParameterReferringToItself) {
  expect_config_error(modified([](Json& c) { c["parameters"]["N"] = "N+1"; }),
                      {"parameters.N", "refers to itself"});
}

// ---------------------------------------------------------------------------------------------------
// Models

TEST(ConfigErrors, LifWithoutThreshold) {
  expect_config_error(modified([](Json& c) {
                        Json& e = population(c, "E");
                        e["model"] = "lif";
                        e.erase("V_T");  // EIF-only keys
                        e.erase("D");
                        e.erase("V_th");
                      }),
                      {"populations.E.V_th", "missing"});
}

TEST(ConfigErrors, UnknownModel) {
  expect_config_error(modified([](Json& c) { population(c, "E")["model"] = "izhikevich"; }),
                      {"populations.E.model", "'izhikevich'"});
}

TEST(ConfigErrors, UnknownConnectionRule) {
  expect_config_error(modified([](Json& c) { projection(c, "E", "E")["rule"] = "small_world"; }),
                      {"projections.E->E.rule", "'small_world'"});
}

// ---------------------------------------------------------------------------------------------------
// Recording

TEST(ConfigErrors, TraceNeuronIndexOutOfRange) {
  expect_config_error(modified([](Json& c) { c["recording"]["traces"][0]["neurons"] = Json::array({0, 800}); }),
                      {"recording.traces[0].neurons", "800"});
}

TEST(ConfigErrors, TraceNeuronIndexNegative) {
  expect_config_error(modified([](Json& c) { c["recording"]["traces"][0]["neurons"] = Json::array({-1}); }),
                      {"recording.traces[0].neurons", "-1"});
}

TEST(ConfigErrors, TraceOfPoissonPopulation) {
  expect_config_error(modified([](Json& c) { c["recording"]["traces"][0]["population"] = "X"; }),
                      {"recording.traces[0].population", "Poisson"});
}

// ---------------------------------------------------------------------------------------------------
// Plasticity and weight recording

Json plasticity_block() { return Json::parse(R"({"eta": 1, "r0_hz": 10, "tau_y": 200})"); }

TEST(ConfigErrors, PlasticityAcceptedOnInhibitoryToExcitatory) {
  const auto spec = eisim::parse_network_spec(modified([](Json& c) {
    projection(c, "I", "E")["plasticity"] = plasticity_block();
    c["recording"]["weights"] = Json::parse(R"([{"projection": "I->E", "every_steps": 5, "sample": 3}])");
  }));
  ASSERT_TRUE(spec.projections[1].plasticity);
  EXPECT_EQ(spec.projections[1].plasticity->tau_y, 200.0);
  EXPECT_FALSE(spec.projections[1].plasticity->clip_at_zero);
  EXPECT_EQ(spec.recording.weights[0].sample, 3);
}

TEST(ConfigErrors, PlasticityFromAPoissonPopulation) {
  expect_config_error(modified([](Json& c) { projection(c, "X", "E")["plasticity"] = plasticity_block(); }),
                      {"projections.X->E.plasticity", "'X' is poisson"});
}

TEST(ConfigErrors, PlasticityUnknownKey) {
  expect_config_error(modified([](Json& c) {
                        Json block = plasticity_block();
                        block["tau_x"] = 3;
                        projection(c, "I", "E")["plasticity"] = block;
                      }),
                      {"projections.I->E.plasticity", "unknown key 'tau_x'"});
}

TEST(ConfigErrors, PlasticityNonPositiveTauY) {
  expect_config_error(modified([](Json& c) {
                        Json block = plasticity_block();
                        block["tau_y"] = 0;
                        projection(c, "I", "E")["plasticity"] = block;
                      }),
                      {"projections.I->E.plasticity.tau_y", "got 0"});
}

TEST(ConfigErrors, PlasticityClipNotABoolean) {
  expect_config_error(modified([](Json& c) {
                        Json block = plasticity_block();
                        block["clip_at_zero"] = "yes";
                        projection(c, "I", "E")["plasticity"] = block;
                      }),
                      {"projections.I->E.plasticity.clip_at_zero", "true or false"});
}

TEST(ConfigErrors, WeightRecordingOfAStaticProjection) {
  expect_config_error(modified([](Json& c) {
                        c["recording"]["weights"] = Json::parse(R"([{"projection": "E->E"}])");
                      }),
                      {"recording.weights[0].projection", "'E->E' is not plastic"});
}

TEST(ConfigErrors, RateWindowShorterThanAStep) {
  expect_config_error(modified([](Json& c) { c["recording"]["rate_window_ms"] = 0.01; }),
                      {"recording.rate_window_ms", "0.01"});
}

TEST(ConfigErrors, TraceNeuronListedTwice) {
  expect_config_error(modified([](Json& c) { c["recording"]["traces"][0]["neurons"] = Json::array({4, 2, 4}); }),
                      {"recording.traces[0].neurons", "neuron 4 is listed twice"});
}

TEST(ConfigErrors, PopulationTracedTwice) {
  expect_config_error(modified([](Json& c) { c["recording"]["traces"].push_back(c["recording"]["traces"][0]); }),
                      {"recording.traces[1].population", "traced twice"});
}

// ---------------------------------------------------------------------------------------------------
// --set overrides

TEST(ConfigErrors, OverrideUnknownKey) {
  expect_config_error(kBaseConfig, {"--set Q", "parameters", "simulation"}, {"Q=3"});
}

TEST(ConfigErrors, OverrideWithoutEquals) { expect_config_error(kBaseConfig, {"--set 'N'", "key=value"}, {"N"}); }

TEST(ConfigErrors, OverrideWithEmptyKey) { expect_config_error(kBaseConfig, {"--set '=3'", "key=value"}, {"=3"}); }

TEST(ConfigErrors, OverrideMissingPopulation) {
  expect_config_error(kBaseConfig, {"populations.Z.size", "'Z'"}, {"populations.Z.size=3"});
}

TEST(ConfigErrors, OverrideUnknownSimulationField) {
  expect_config_error(kBaseConfig, {"simulation", "unknown key 'dtt'"}, {"simulation.dtt=0.1"});
}

TEST(ConfigErrors, OverrideWithBadValue) {
  expect_config_error(kBaseConfig, {"populations.E.size", "-5"}, {"populations.E.size=-5"});
}

// A field within a field: set where the config has it as an object, created where it is absent (and then
// checked as the reader checks any), refused where the config holds something else.
TEST(ConfigErrors, OverrideOfAFieldWithinAField) {
  const std::string text = read_text(eisim::test_support::source_path("configs/plasticity_eif.json"));
  const eisim::NetworkSpec spec = eisim::parse_network_spec(
      text, {"N=1000", "T=50", "burn_in=0", "projections.I->E.plasticity.eta=0", "populations.E.poisson_input.rate_hz=50",
             "populations.E.poisson_input.weight=1", "populations.E.poisson_input.tau_syn=2"});
  int plastic = 0;
  for (const eisim::ProjectionSpec& proj : spec.projections) {
    if (!proj.plasticity) continue;
    ++plastic;
    EXPECT_EQ(proj.name, "I->E");
    EXPECT_EQ(proj.plasticity->eta, 0.0);
  }
  EXPECT_EQ(plastic, 1);
  const eisim::PopulationSpec& e = spec.populations[spec.population_index("E")];
  ASSERT_TRUE(e.poisson_input.has_value());
  EXPECT_EQ(e.poisson_input->rate_hz, 50.0);
  EXPECT_EQ(e.poisson_input->tau_syn, 2.0);
  expect_config_error(text, {"populations.E.poisson_input", "weight"}, {"populations.E.poisson_input.rate_hz=50"});
  expect_config_error(text, {"--set populations.E.V0.sd", "not an object"}, {"populations.E.V0.sd=2"});
  expect_config_error(text, {"--set populations.E.V0.sd.x", "expected NAME"}, {"populations.E.V0.sd.x=2"});
}

TEST(ConfigErrors, OverrideWithBadExpression) {
  expect_config_error(kBaseConfig, {"parameters.N", "'abc'"}, {"N=abc"});
}

TEST(ConfigErrors, OverrideNegativeT) { expect_config_error(kBaseConfig, {"simulation.T", "-1"}, {"T=-1"}); }

}  // namespace
