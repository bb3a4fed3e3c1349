// Every backend keeps the Backend protocol (include/eisim/engine/backend.hpp): up to two blocks may be
// outstanding and come back in order, the same as blocks advanced one by one; a third start, or a
// collect with nothing started, is an InternalError.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/config.hpp"
#include "eisim/engine/network.hpp"
#include "eisim/errors.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

using BlockProtocol = test_support::OnEachBackend;

TEST_P(BlockProtocol, TwoBlocksMayBeOutstandingAndComeBackInOrder) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=1000", "T=40", "burn_in=0"});
  const Network net = build_network(spec, 1);
  auto overlapped = make_backend(parse_backend(GetParam()), spec, net, BackendOptions{});
  auto one_by_one = make_backend(parse_backend(GetParam()), spec, net, BackendOptions{});
  EXPECT_THROW(overlapped->collect(*std::make_unique<BlockOutput>()), InternalError);  // nothing started
  overlapped->start(0, 100);
  overlapped->start(100, 100);
  EXPECT_THROW(overlapped->start(200, 100), InternalError);
  size_t spikes = 0;
  for (int64_t first : {0, 100}) {
    BlockOutput a, b;
    a.reset(spec);
    b.reset(spec);
    overlapped->collect(a);
    one_by_one->advance(first, 100, b);
    for (size_t p = 0; p < spec.populations.size(); ++p) {
      EXPECT_EQ(a.spikes[p].step, b.spikes[p].step) << "block at " << first;
      EXPECT_EQ(a.spikes[p].neuron, b.spikes[p].neuron) << "block at " << first;
      if (!a.spikes[p].step.empty()) {
        EXPECT_GE(a.spikes[p].step.front(), first);
      }
      spikes += a.spikes[p].step.size();
    }
  }
  EXPECT_GT(spikes, 0u) << "nothing to compare";
  EXPECT_THROW(overlapped->collect(*std::make_unique<BlockOutput>()), InternalError);
}

INSTANTIATE_TEST_SUITE_P(Backends, BlockProtocol, ::testing::Values("cpu", "cuda"), test_support::backend_name);

}  // namespace
}  // namespace eisim
