// `eisim check CONFIG` (src/cli/check_command.cpp; docs/architecture.md, "Limits and memory"): prints the
// network's size and the host memory it needs as JSON without building or running anything, and exits
// as `eisim run` would before any work: 0 when it can run here, 3 when this machine cannot hold it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "eisim/engine/config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using test_support::CommandResult;
using test_support::quoted;

std::string canonical_config_path() { return test_support::source_path("configs/balanced_eif.json"); }

using CliCheck = test_support::CommandLine;

TEST_F(CliCheck, TheCanonicalConfigExits0AndPrintsItsSizeAndMemory) {
  // stdout only: the JSON (stderr says that it can run here).
  const CommandResult r = eisim("check " + quoted(canonical_config_path()) + " 2> /dev/null");
  ASSERT_EQ(r.status, 0) << r.output;
  const nlohmann::json out = nlohmann::json::parse(r.output);
  EXPECT_EQ(out["neurons"], 6000);  // E 4000, I 1000, X 1000 at N = 5000
  EXPECT_EQ(out["steps"], 10000);
  // Every projection of the config is "probability" with p = 0.1: p n_pre n_post summed, worked out here
  // from the config's sizes: p (N_E + N_I + N_X) (N_E + N_I) = 0.1 * 6000 * 5000 = 3.0e6.
  const NetworkSpec spec = load_network_spec(canonical_config_path());
  double expected = 0;
  for (const ProjectionSpec& proj : spec.projections) {
    ASSERT_EQ(proj.rule, ConnectionRule::probability);
    expected += proj.p * static_cast<double>(spec.populations[proj.pre].size) *
                static_cast<double>(spec.populations[proj.post].size);
  }
  EXPECT_DOUBLE_EQ(expected, 0.1 * 6000 * 5000);
  EXPECT_NEAR(out["expected_synapses"].get<double>(), expected, 0.01 * expected);
  EXPECT_NEAR(out["projections"]["E->E"]["expected_synapses"].get<double>(), 0.1 * 4000 * 4000, 0.01 * 1.6e6);
  EXPECT_GT(out["host_memory_bytes"]["total"].get<double>(), 0.0);
  EXPECT_GT(out["host_memory_available_bytes"].get<double>(), 0.0);
}

TEST_F(CliCheck, ANetworkThatWillNotFitExits3) {
  // N = 10^7: 1.2e13 synapses, about 90 TiB.
  const CommandResult r = eisim("check " + quoted(canonical_config_path()) + " --set N=10000000");
  test_support::expect_clean_failure(r, 3, {"will not fit in memory", "available"});
}

TEST_F(CliCheck, ABadConfigExits2) {
  const CommandResult r = eisim("check " + quoted(canonical_config_path()) + " --set T=inf");
  test_support::expect_clean_failure(r, 2, {"--set T=inf", "not a finite number"});
}

}  // namespace
}  // namespace eisim
