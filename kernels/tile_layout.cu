// Delivery by postsynaptic tiles: which projections take them, and their shape; docs/architecture.md,
// "Delivery by tiles".
#include "kernels/tile_layout.hpp"

#include "eisim/engine/backend_setup.hpp"
#include "eisim/engine/network.hpp"

namespace eisim {
namespace {

double index_bytes(double n_pre, const TileGeometry& tiles) {
  return tiles.used() ? 4.0 * n_pre * (tiles.tiles + 1.0) : 0.0;
}

}  // namespace

TileGeometry tile_geometry(const NetworkSpec& spec, size_t k, int64_t post_neurons, double synapses, Delivery delivery) {
  const ProjectionSpec& proj = spec.projections[k];
  if (delivery == Delivery::rows || proj.plasticity || post_neurons <= 0) return {};
  const double dt = spec.simulation.dt_ms;
  TileGeometry g;
  g.first_delay = shortest_delay_steps(proj, dt);
  g.delay_slots = longest_delay_steps(proj, dt) - g.first_delay + 1;
  unsigned int neurons = kLargestTile;
  while (neurons >= kSmallestTile && neurons * g.delay_slots > kTileAccumulators) neurons /= 2;
  if (neurons < kSmallestTile) return {};
  // No larger than the slice needs.
  while (neurons / 2 >= kSmallestTile && neurons / 2 >= static_cast<uint64_t>(post_neurons)) neurons /= 2;
  g.neurons = neurons;
  while ((1u << g.shift) < neurons) ++g.shift;
  g.tiles = static_cast<unsigned int>((post_neurons + neurons - 1) / neurons);
  const double n_pre = static_cast<double>(spec.populations[proj.pre].size);
  if (!(index_bytes(n_pre, g) < 2.0 * synapses)) return {};
  return g;
}

double delivery_bytes_per_synapse(const NetworkSpec& spec, size_t k, double synapses, const TileGeometry& tiles) {
  if (!(synapses > 0)) return 0.0;
  const double n_pre = static_cast<double>(spec.populations[spec.projections[k].pre].size);
  return row_bytes_per_synapse(spec, k, synapses) + (tiles.used() ? index_bytes(n_pre, tiles) / synapses - 2.0 : 0.0);
}

}  // namespace eisim
