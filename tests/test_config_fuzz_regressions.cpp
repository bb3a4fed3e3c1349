// The failures the config fuzz (test_config_fuzz.cpp) found, each kept as the smallest input that
// showed it and the outcome it must have now: which error, and the words its message must hold. A
// failure that crashed or hung the process is a test that would crash or hang again without its fix.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base_config.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/engine/expression.hpp"
#include "eisim/engine/network.hpp"
#include "eisim/errors.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using test_support::Json;
using test_support::kBaseConfig;
using test_support::modified;
using test_support::population;
using test_support::projection;

// The ConfigError parsing gives, or a failure saying what happened instead.
std::string config_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_network_spec(text, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a ConfigError, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected a ConfigError, but the config was accepted";
  return "";
}

void expect_words(const std::string& message, const std::vector<std::string>& words) {
  for (const auto& w : words) EXPECT_NE(message.find(w), std::string::npos) << "no \"" << w << "\" in: " << message;
}

// The base config with each population rescaled, small enough to build and run in a test.
std::string small_base(const std::function<void(Json&)>& change = [](Json&) {}) {
  return modified([&](Json& c) {
    c["parameters"]["N"] = 200;
    change(c);
  });
}

// ---------------------------------------------------------------------------------------------------
// Expressions

// Fuzz case "\0()..": the message read "unexpected '" and stopped, since what() is a C string and the
// message quoted the NUL byte; the column and the text were lost.
TEST(FuzzRegression, AnExpressionErrorAtANulByteKeepsItsColumnAndText) {
  try {
    evaluate_expression(std::string("\0()..", 5), {});
    FAIL() << "expected an ExpressionError";
  } catch (const ExpressionError& e) {
    const std::string message = e.what();
    expect_words(message, {"unexpected '\\x00'", "at column 1", "\"\\x00()..\""});
  }
  // Any other byte that is not printable ASCII is written the same way; printable text is quoted as it is.
  try {
    evaluate_expression("2*\x01", {});
    FAIL() << "expected an ExpressionError";
  } catch (const ExpressionError& e) {
    expect_words(e.what(), {"unexpected '\\x01'", "at column 3", "\"2*\\x01\""});
  }
}

// An expression longer than 120 bytes is quoted around the column the message names, not whole (a 1 MB
// expression gave a 1 MB message).
TEST(FuzzRegression, ALongExpressionIsQuotedAroundTheColumnOfItsError) {
  std::string text;
  for (int k = 0; k < 50000; ++k) text += "1+";
  text += "*2";
  for (int k = 0; k < 50000; ++k) text += "+2";
  try {
    evaluate_expression(text, {});
    FAIL() << "expected an ExpressionError";
  } catch (const ExpressionError& e) {
    const std::string message = e.what();
    EXPECT_LT(message.size(), 400u) << message.substr(0, 400);
    expect_words(message, {"unexpected '*'", "at column 100001", "in \"...1+1+", "+1+1+*2+2+", "+2+2...\""});
  }
}

// Fuzz case: a chain of 256 parameters, each naming the next inside 99 parentheses. Each expression
// stayed within the 200-deep limit, but they were evaluated one inside the other on one stack: some
// 25000 levels, a stack overflow (a crash) at about 17000.
std::string chain_config(int length, int parentheses) {
  return modified([&](Json& c) {
    for (int k = 0; k < length; ++k) {
      const std::string next = k + 1 < length ? "c" + std::to_string(k + 1) : "1";
      c["parameters"]["c" + std::to_string(k)] = std::string(parentheses, '(') + next + std::string(parentheses, ')');
    }
  });
}

TEST(FuzzRegression, AChainOfDeeplyNestedParametersIsRefusedNotAStackOverflow) {
  expect_words(config_error(chain_config(256, 99)),
               {"parameters.c", "nested more than 1000 deep", "counting the expressions of the parameters"});
  expect_words(config_error(chain_config(100, 99)), {"nested more than 1000 deep"});
  // Chains as long as the documented limit (256) still resolve when their expressions are shallow,
  // and deep expressions when the chain is short.
  EXPECT_EQ(parse_network_spec(chain_config(256, 0)).parameters.at("c0"), 1.0);
  EXPECT_EQ(parse_network_spec(chain_config(128, 1)).parameters.at("c0"), 1.0);
  EXPECT_EQ(parse_network_spec(chain_config(4, 99)).parameters.at("c0"), 1.0);
  expect_words(config_error(chain_config(256, 1)), {"nested more than 1000 deep"});
}

// ---------------------------------------------------------------------------------------------------
// JSON the reader could not survive

// Fuzz case: a number in the file replaced by an array nested 100000 deep. nlohmann's ordered_json
// copied it recursively when the object holding it grew, and the error message quoting it recursed
// again: a stack overflow while parsing. Refused before parsing, with where it is.
TEST(FuzzRegression, AValueNestedDeeperThanTheLimitIsRefusedNotAStackOverflow) {
  std::string text = kBaseConfig;
  const size_t at = text.find("\"V_T\": -55");
  ASSERT_NE(at, std::string::npos);
  text.replace(at + 7, 3, std::string(100000, '[') + "0" + std::string(100000, ']'));
  expect_words(config_error(text), {"nested more than 100 deep", "line 7, column"});
  // Unbalanced (the fuzz's 100000 '[' inserted anywhere) alike.
  expect_words(config_error(std::string(100000, '[') + kBaseConfig), {"nested more than 100 deep", "line 1, column 101"});
  // Brackets inside strings do not count, and 100 levels in all are fine ("description" is never read).
  const std::string brackets = modified([](Json& c) { c["description"] = std::string(1000, '['); });
  EXPECT_NO_THROW(parse_network_spec(brackets));
  Json deep = Json::array();
  for (int k = 1; k < 99; ++k) deep = Json::array({deep});  // 99 levels, under the top object's: 100 in all
  EXPECT_NO_THROW(parse_network_spec(modified([&](Json& c) { c["description"] = deep; })));
  expect_words(config_error(modified([&](Json& c) { c["description"] = Json::array({deep}); })),
               {"nested more than 100 deep"});
}

// A value an error message quotes is cut after about 200 characters (a 1 MB value gave a 1 MB message).
TEST(FuzzRegression, AValueQuotedInAnErrorIsCut) {
  const std::string message = config_error(modified([](Json& c) {
    Json many = Json::array();
    for (int k = 0; k < 10000; ++k) many.push_back(k);
    c["simulation"] = many;
  }));
  expect_words(message, {"simulation: expected an object, got [0,1,2,3,", "..."});
  EXPECT_LT(message.size(), 400u);
  const std::string long_string =
      config_error(modified([](Json& c) { population(c, "E")["V0"] = Json::array({1, 2, std::string(1 << 20, 'x')}); }));
  expect_words(long_string, {"populations.E.V0: expected a number, [low, high] or {\"mean\": ..., \"sd\": ...}, got [1,2,\"xxx", "..."});
  EXPECT_LT(long_string.size(), 400u);
}

// ---------------------------------------------------------------------------------------------------
// --set

// Fuzz case: "populations": [..., "nan", ...] (an element that is not an object) and
// --set populations..rate_hz=I. The element has no name, so it matched the empty name, and setting a
// field of a string threw nlohmann's type_error 305 (exit status 4, "unexpected error").
TEST(FuzzRegression, SettingAFieldOfAnElementThatIsNotAnObjectIsAConfigError) {
  const std::string pops = modified([](Json& c) { c["populations"][1] = "nan"; });
  expect_words(config_error(pops, {"populations..rate_hz=I"}), {"--set populations..rate_hz", "no population named ''"});
  const std::string projs = modified([](Json& c) { c["projections"][0] = 1; });
  expect_words(config_error(projs, {"projections..p=0"}), {"--set projections..p", "no projection named ''"});
  // Without --set, the element is refused where the list is read.
  expect_words(config_error(pops), {"populations[1].name"});
}

// Fuzz case: --set projections.I->I.plasticity=<bytes that are not UTF-8>. The message quoting the value
// threw nlohmann's type_error 316 ("invalid UTF-8 byte"). A JSON file holds only UTF-8, and so does --set
// now; a name that is not UTF-8 would otherwise reach summary.json, whose writing would throw alike.
TEST(FuzzRegression, AnOverrideThatIsNotUtf8IsRefused) {
  const std::string base = test_support::source_path("configs/balanced_eif.json");
  for (const std::string& assignment :
       {std::string("projections.I->I.plasticity=o\xd4\x16\xe0m\x92\xd8"), std::string("populations.X.name=T \x94U"),
        std::string("N=\xff"), std::string("\xff=1")}) {
    SCOPED_TRACE(assignment);
    try {
      load_network_spec(base, {assignment});
      ADD_FAILURE() << "expected a ConfigError";
    } catch (const ConfigError& e) {
      expect_words(e.what(), {"--set", "not valid UTF-8"});
    }
  }
  // UTF-8 beyond ASCII is fine as far as --set is concerned (here an expression the reader refuses).
  expect_words(config_error(kBaseConfig, {"N=\xc3\xa9"}), {"parameters.N", "unexpected '\\xc3'"});
}

// ---------------------------------------------------------------------------------------------------
// Specs that parsed but could not be built or run

// Fuzz case: plasticity_eif.json (shrunk) with the X->E projection's p = 1e-300. 1 - p rounds to 1,
// log(1 - p) to 0, and the Erdős–Rényi generator's gaps to -inf: building the network never ended.
TEST(FuzzRegression, AConnectionProbabilityBelowTheGeneratorsResolutionIsRefusedNotAHang) {
  for (const double p : {1e-300, 1e-17, 0x1p-53}) {
    SCOPED_TRACE(p);
    expect_words(config_error(small_base([&](Json& c) { projection(c, "X", "E")["p"] = p; })),
                 {"projections.X->E.p", "must be 0 or at least 2^-52"});
  }
  // The smallest p accepted builds (almost surely no synapse), and p = 0 is no synapse at all.
  for (const double p : {0x1p-52, 0.0}) {
    SCOPED_TRACE(p);
    const NetworkSpec spec = parse_network_spec(small_base([&](Json& c) { projection(c, "X", "E")["p"] = p; }));
    const auto start = std::chrono::steady_clock::now();
    const Network net = build_network(spec, 1);
    EXPECT_EQ(net.projections[2].synapse_count(), 0u);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
  }
}

// Fuzz case: feedforward_eif.json (shrunk, T = 100 ms) with rate_window_ms = 1.2e29. The statistics
// count ceil(T / window - 1e-9) windows: none, and the first spike was counted in window -1 (a
// segmentation fault). A window at most 10^6 T leaves at least one.
TEST(FuzzRegression, ARateWindowFarLongerThanTheRunIsRefusedNotACrash) {
  const auto with_window = [](double window) {
    return small_base([&](Json& c) { c["recording"]["rate_window_ms"] = window; });
  };
  expect_words(config_error(with_window(123456789012345678901234567890.0)),
               {"recording.rate_window_ms", "at most 10^6 times T = 1e+08 ms", "1.23457e+29"});
  // The default window, max(100, T/50) ms, for a run far shorter than a microsecond.
  expect_words(config_error(modified([](Json& c) {
                 c["simulation"] = {{"dt", 1e-9}, {"T", 1e-8}};
                 c["recording"].erase("traces");
               })),
               {"recording.rate_window_ms", "the default is max(100, T/50)"});
  // The longest window allowed runs: one window, holding every spike.
  const NetworkSpec spec = parse_network_spec(with_window(1e8));
  const RecordedRun run = test_support::run_collecting(spec);
  const PopulationStatistics& e = run.report.populations[0];
  ASSERT_EQ(e.rate_hz_windows.size(), 1u);
  EXPECT_GT(e.spikes, 0u);
  EXPECT_DOUBLE_EQ(e.rate_hz_windows[0], static_cast<double>(e.spikes) / (160.0 * 0.1));  // 160 neurons, 100 ms
}

}  // namespace
}  // namespace eisim
