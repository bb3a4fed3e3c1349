// Delivery by postsynaptic tiles (docs/architecture.md, "Delivery by tiles"): a projection's rows stay
// as they are, sorted by target, and an index cuts each row where a tile of postsynaptic neurons
// begins. A block then adds one tile's synapses of the step's spiking rows into shared memory, one
// accumulator per neuron and arrival step, and writes each sum out once (kernels/tile_delivery.cuh):
// fewer global atomics, and 16-bit local targets instead of 32-bit ones. The synapse order is the
// rows', so drawn weights and delays stay where they are.
#pragma once

#include <cstdint>

#include "eisim/engine/backend.hpp"
#include "eisim/engine/config.hpp"

namespace eisim {

// A tile block's shared accumulators: tile neurons times arrival steps. 48 KB of 64-bit fixed point,
// the most a block may declare statically.
constexpr unsigned int kTileAccumulators = 6144;
constexpr unsigned int kLargestTile = 1024, kSmallestTile = 64;

struct TileGeometry {
  unsigned int neurons = 0;  // per tile, a power of two from kSmallestTile to kLargestTile; 0: rows
  unsigned int shift = 0;    // neurons = 1 << shift
  unsigned int tiles = 0;    // over this rank's postsynaptic neurons
  // The arrival steps a tile accumulates: delays first_delay .. first_delay + delay_slots - 1.
  unsigned int first_delay = 1, delay_slots = 1;
  bool used() const { return neurons > 0; }
};

// Projection k's tiles under `delivery`, for `synapses` onto `post_neurons` neurons of this rank.
// None (rows) for Delivery::rows; for a plastic projection (its rule walks rows and columns); where
// its delays span so many steps that a tile of kSmallestTile neurons would not fit the accumulators;
// and where the index (4 bytes per row and tile) would cost more than the 2 bytes per synapse that
// local targets save, i.e. where a row meets a tile in fewer than about two synapses.
TileGeometry tile_geometry(const NetworkSpec& spec, size_t k, int64_t post_neurons, double synapses, Delivery delivery);

// Bytes of device memory per synapse of projection k in the layout: row_bytes_per_synapse
// (backend_setup.hpp) for rows; for tiles the index and 2-byte local targets instead of 4-byte ones.
double delivery_bytes_per_synapse(const NetworkSpec& spec, size_t k, double synapses, const TileGeometry& tiles);

}  // namespace eisim
