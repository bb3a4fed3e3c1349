// The book's canonical E-I network (configs/balanced_eif.json, Fig. 3.3) on each backend settles in
// the balanced state: rates within 10% of -W^-1 W_x r_x, and irregular spiking (CV of ISIs > 0.7).
#include <gtest/gtest.h>

#include "eisim/engine/config.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using CanonicalNetwork = test_support::OnEachBackend;

TEST_P(CanonicalNetwork, RatesAreWithinTenPercentOfTheBalancedState) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"));
  ASSERT_EQ(spec.total_neurons(), 6000);
  const RecordedRun result = run(spec);
  EXPECT_NEAR(result.report.populations[0].rate_hz, 50.0 / 9.0, 0.1 * 50.0 / 9.0);
  EXPECT_NEAR(result.report.populations[1].rate_hz, 125.0 / 9.0, 0.1 * 125.0 / 9.0);
  // Asynchronous-irregular state: irregular spiking, as the book's Fig. 3.3.
  ASSERT_TRUE(result.report.populations[0].cv_isi);
  EXPECT_GT(*result.report.populations[0].cv_isi, 0.7);
}

INSTANTIATE_TEST_SUITE_P(Backends, CanonicalNetwork, ::testing::Values("cpu", "cuda"), test_support::backend_name);

}  // namespace
}  // namespace eisim
