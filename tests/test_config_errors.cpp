// Bad network descriptions must give a ConfigError (library) or exit status 2 (CLI) whose message names
// the field and the bad value, and must never crash. Each case starts from a small valid config and
// breaks exactly one thing.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "eisim/engine/config.hpp"
#include "eisim/errors.hpp"

#ifndef EISIM_SOURCE_DIR
#error "EISIM_SOURCE_DIR must be defined (the repository root)"
#endif
#ifndef EISIM_BINARY
#error "EISIM_BINARY must be defined (path of the built eisim executable)"
#endif

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// A small valid config: E (eif, size "0.8*N"), I (eif), X (poisson), four projections.
const char* const kBaseConfig = R"json({
  "description": "small valid base for the config error tests",
  "parameters": {"N": 1000, "p": 0.1, "s": "15/sqrt(N*p/0.1)"},
  "simulation": {"dt": 0.1, "T": 100, "burn_in": 20, "seed": 1},
  "populations": [
    {"name": "E", "model": "eif", "size": "0.8*N",
     "tau_m": 15, "E_L": -72, "V_T": -55, "D": 1, "V_th": 10, "V_re": -75, "V_lb": -85, "V0": [-75, -55]},
    {"name": "I", "model": "eif", "size": "0.2*N", "tau_m": 15, "V_th": 10, "V_re": -75},
    {"name": "X", "model": "poisson", "size": "0.2*N", "rate_hz": 10}
  ],
  "projections": [
    {"pre": "E", "post": "E", "p": "p", "weight": "35*s",   "tau_syn": 8},
    {"pre": "I", "post": "E", "p": "p", "weight": "-200*s", "tau_syn": 4},
    {"pre": "X", "post": "E", "p": "p", "weight": "200*s",  "tau_syn": 10},
    {"pre": "E", "post": "I", "p": "p", "weight": "120*s",  "tau_syn": 8}
  ],
  "recording": {
    "spikes": ["E", "I"],
    "traces": [{"population": "E", "neurons": [0, 1, 2], "every_steps": 10}]
  }
})json";

// The base config with one change applied.
std::string modified(const std::function<void(Json&)>& change) {
  Json config = Json::parse(kBaseConfig);
  change(config);
  return config.dump(2);
}

Json& population(Json& config, const std::string& name) {
  for (auto& pop : config["populations"]) {
    if (pop["name"] == name) return pop;
  }
  throw std::logic_error("test bug: no population " + name + " in the base config");
}

// The projection pre->post of the base config (none of them has a "name").
Json& projection(Json& config, const std::string& pre, const std::string& post) {
  for (auto& proj : config["projections"]) {
    if (proj["pre"] == pre && proj["post"] == post) return proj;
  }
  throw std::logic_error("test bug: no projection " + pre + "->" + post + " in the base config");
}

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

std::string canonical_config_path() { return std::string(EISIM_SOURCE_DIR) + "/configs/balanced_eif.json"; }

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
  expect_config_error(modified([](Json& c) { projection(c, "E", "E")["delay"] = 1; }),
                      {"projections", "unknown key 'delay'"});
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

TEST(ConfigErrors, OverrideWithBadExpression) {
  expect_config_error(kBaseConfig, {"parameters.N", "'abc'"}, {"N=abc"});
}

TEST(ConfigErrors, OverrideNegativeT) { expect_config_error(kBaseConfig, {"simulation.T", "-1"}, {"T=-1"}); }

// ---------------------------------------------------------------------------------------------------
// The command line: the real binary, its exit status and what it prints

struct CommandResult {
  int status = -1;  // the exit status; -1 when the shell did not exit normally
  std::string output;
};

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int raw = pclose(pipe);
  if (raw != -1 && WIFEXITED(raw)) result.status = WEXITSTATUS(raw);
  return result;
}

class CliConfigErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(EISIM_BINARY)) << "the eisim binary is missing: " << EISIM_BINARY;
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = fs::temp_directory_path() / ("eisim_config_errors_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(stamp) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  CommandResult eisim(const std::string& args) {
    return run_command(quoted(EISIM_BINARY) + " " + args);
  }

  // A clean, reported failure: the exit status, the words, and no sign of a crash.
  static void expect_clean_failure(const CommandResult& r, int status, std::initializer_list<std::string> words) {
    EXPECT_EQ(r.status, status) << "output:\n" << r.output;
    for (const auto& w : words) {
      EXPECT_NE(r.output.find(w), std::string::npos) << "the output does not contain \"" << w << "\":\n" << r.output;
    }
    for (const char* crash : {"terminate", "Segmentation", "core dumped", "Aborted"}) {
      EXPECT_EQ(r.output.find(crash), std::string::npos) << "the output looks like a crash:\n" << r.output;
    }
  }

  fs::path dir_;
};

TEST_F(CliConfigErrors, MalformedJsonFile) {
  std::string text = kBaseConfig;
  const size_t at = text.find("\"T\": 100");
  ASSERT_NE(at, std::string::npos);
  text.erase(at - 2, 1);  // the comma before "T"
  const fs::path config = write("malformed.json", text);
  const CommandResult r = eisim("run " + quoted(config.string()) + " --quiet --out " + quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "malformed JSON", "malformed.json"});
}

TEST_F(CliConfigErrors, UnknownKeyFile) {
  const fs::path config = write("unknown_key.json", modified([](Json& c) { population(c, "E")["tau_mm"] = 15; }));
  const CommandResult r = eisim("run " + quoted(config.string()) + " --quiet --out " + quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "populations.E", "tau_mm"});
}

TEST_F(CliConfigErrors, NonexistentFile) {
  const fs::path config = dir_ / "no_such_config.json";
  const CommandResult r = eisim("run " + quoted(config.string()) + " --quiet --out " + quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "no_such_config.json"});
}

TEST_F(CliConfigErrors, NegativeTOverride) {
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) + " --set T=-1 --quiet --out " +
                                quoted((dir_ / "out").string()));
  expect_clean_failure(r, 2, {"error", "simulation.T", "-1"});
}

TEST_F(CliConfigErrors, CudaBackendWithoutGpu) {
  if (fs::exists("/dev/nvidia0") || fs::exists("/dev/nvidiactl")) {
    GTEST_SKIP() << "this machine has an NVIDIA device; the no-GPU message cannot be checked here";
  }
  // burn_in=0: the canonical burn_in (200 ms) is longer than T=10 and would be refused first.
  const CommandResult r = eisim("run " + quoted(canonical_config_path()) +
                                " --backend cuda --set N=500 --set T=10 --set burn_in=0 --quiet --out " +
                                quoted((dir_ / "out").string()));
  expect_clean_failure(r, 3, {"cuda", "--backend cpu"});
}

TEST_F(CliConfigErrors, CompareWithoutGpu) {
  if (fs::exists("/dev/nvidia0") || fs::exists("/dev/nvidiactl")) {
    GTEST_SKIP() << "this machine has an NVIDIA device; the no-GPU message cannot be checked here";
  }
  // Refused before the CPU run: at this size the CPU would take minutes to get there.
  const CommandResult r = eisim("compare " + quoted(canonical_config_path()) + " --set N=200000 --quiet");
  expect_clean_failure(r, 3, {"cuda", "--backend cpu"});
}

}  // namespace
