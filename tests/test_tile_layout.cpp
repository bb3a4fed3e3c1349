// Which projections the CUDA backend delivers by postsynaptic tiles, and their shape
// (kernels/tile_layout.hpp), against the rules written out: the shared accumulators' size, the
// arrival steps a projection's delays span, and the index's bytes against the 2 bytes per synapse
// that local targets save.
#include <gtest/gtest.h>

#include <string>

#include "eisim/engine/config.hpp"
#include "kernels/tile_layout.hpp"

namespace eisim {
namespace {

// E (n) and I onto E: E->E with the delay given, I->E plastic.
NetworkSpec two_projections(int64_t n, const std::string& delay) {
  return parse_network_spec(R"({"simulation": {"dt": 0.1, "T": 10},
    "populations": [{"name": "E", "model": "eif", "size": )" + std::to_string(n) + R"(},
                    {"name": "I", "model": "eif", "size": 100}],
    "projections": [{"pre": "E", "post": "E", "p": 0.1, "weight": 1, "tau_syn": 4)" + delay + R"(},
                    {"pre": "I", "post": "E", "p": 0.1, "weight": -1, "tau_syn": 4,
                     "plasticity": {"eta": 1, "r0_hz": 5, "tau_y": 100}}]})");
}

TEST(TileLayout, ConstantDelaysTakeTilesOf1024NeuronsWhereTheIndexCostsLessThanItSaves) {
  const NetworkSpec spec = two_projections(100000, "");
  // 10^5 presynaptic rows of 10^4 synapses over 98 tiles: 4 * 10^5 * 99 bytes of index < 2 * 10^9.
  const TileGeometry g = tile_geometry(spec, 0, 100000, 1e9, Delivery::tiles);
  EXPECT_EQ(g.neurons, 1024u);
  EXPECT_EQ(g.shift, 10u);
  EXPECT_EQ(g.tiles, 98u);
  EXPECT_EQ(g.first_delay, 1u);
  EXPECT_EQ(g.delay_slots, 1u);
  EXPECT_NEAR(delivery_bytes_per_synapse(spec, 0, 1e9, g), 8.0 * 100001 / 1e9 + 2.0 + 4.0 * 1e5 * 99 / 1e9, 1e-12);
  EXPECT_NEAR(delivery_bytes_per_synapse(spec, 0, 1e9, TileGeometry{}), 8.0 * 100001 / 1e9 + 4.0, 1e-12);
  // A row meets a tile in about one synapse (10^6 neurons, 10^3 synapses a row): rows.
  EXPECT_FALSE(tile_geometry(spec, 0, 1000000, 1e8, Delivery::tiles).used());
  // Rows asked for, or a plastic projection: rows.
  EXPECT_FALSE(tile_geometry(spec, 0, 100000, 1e9, Delivery::rows).used());
  EXPECT_FALSE(tile_geometry(spec, 1, 100000, 1e6, Delivery::tiles).used());
}

TEST(TileLayout, TilesShrinkToTheArrivalStepsTheDelaysSpanAndToTheSlice) {
  // Drawn delays 1.5 +- 0.75 ms, kept in [dt, 1.5 + 5 * 0.75] = [0.1, 5.25] ms: steps 1 to 53.
  const NetworkSpec drawn = two_projections(100000, R"(, "delay": 1.5, "delay_sd": 0.75)");
  const TileGeometry g = tile_geometry(drawn, 0, 100000, 1e9, Delivery::tiles);
  EXPECT_EQ(g.first_delay, 1u);
  EXPECT_EQ(g.delay_slots, 53u);
  EXPECT_EQ(g.neurons, 64u);  // 53 * 128 > 6144 >= 53 * 64
  EXPECT_EQ(g.tiles, 1563u);
  // 10 +- 2 ms: steps 1 to 200, beyond even tiles of 64 neurons.
  EXPECT_FALSE(tile_geometry(two_projections(100000, R"(, "delay": 10, "delay_sd": 2)"), 0, 100000, 1e9,
                             Delivery::tiles).used());
  // A constant delay of 2 ms: one arrival step, 20.
  const TileGeometry constant = tile_geometry(two_projections(100000, R"(, "delay": 2)"), 0, 100000, 1e9, Delivery::tiles);
  EXPECT_EQ(constant.first_delay, 20u);
  EXPECT_EQ(constant.delay_slots, 1u);
  // A slice of 300 neurons: one tile of 512.
  const TileGeometry small = tile_geometry(two_projections(300, ""), 0, 300, 9000, Delivery::tiles);
  EXPECT_EQ(small.neurons, 512u);
  EXPECT_EQ(small.tiles, 1u);
}

}  // namespace
}  // namespace eisim
