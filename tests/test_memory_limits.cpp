// A network that will not fit in this machine's memory is refused with a RuntimeProblem that says so
// and names what is available, before anything is built or written.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "eisim/engine/config.hpp"
#include "eisim/engine/simulation.hpp"
#include "eisim/errors.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

TEST(Memory, ANetworkThatWillNotFitIsRefusedBeforeAnyWork) {
  // N = 10^7 at p = 0.1: 1.2·10^13 synapses, about 90 TiB of connectivity.
  const NetworkSpec spec =
      load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=10000000"});
  const test_support::TempFolder folder;
  const auto dir = folder.path() / "out";
  RunOptions options;
  options.out_dir = dir.string();
  try {
    run_simulation(spec, options);
    FAIL() << "expected the run to be refused";
  } catch (const RuntimeProblem& e) {
    EXPECT_NE(std::string(e.what()).find("will not fit in memory"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("available"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir));  // nothing written
}

}  // namespace
}  // namespace eisim
