// CUDA backend: what a network needs of the GPU, checked before anything is built
// (docs/architecture.md, "Limits and memory").
#include <string>

#include "eisim/engine/backend_setup.hpp"

#include "kernels/cuda_backend.cuh"
#include "kernels/cuda_backend.hpp"
#include "kernels/tile_layout.hpp"
#include "src/engine/host_machine.hpp"

namespace eisim {

double estimate_device_bytes(const NetworkSpec& spec, const BackendOptions& options) {
  double bytes = 0;
  for (size_t k = 0; k < spec.projections.size(); ++k) {
    const double n_pre = static_cast<double>(spec.populations[spec.projections[k].pre].size);
    const ProjectionSpec& proj = spec.projections[k];
    const double drawn = drawn_bytes_per_synapse(proj);
    // While a fixed-total-number projection is built: its pairs' sort keys, twice.
    const double building = proj.rule == ConnectionRule::fixed_total_number ? 16.0 : 0.0;
    bytes += (4.0 + drawn + building) * expected_synapses(spec, k) + 8.0 * (n_pre + 1.0);
    // Tiles: the index and the local targets, beside the targets while the index is made.
    const TileGeometry tiles =
        tile_geometry(spec, k, spec.populations[proj.post].size, expected_synapses(spec, k), options.delivery);
    if (tiles.used()) bytes += 2.0 * expected_synapses(spec, k) + 4.0 * n_pre * (tiles.tiles + 1.0);
    if (spec.projections[k].plasticity) {  // weights, postsynaptic-major index (synapse, pre), traces
      const double n_post = static_cast<double>(spec.populations[spec.projections[k].post].size);
      bytes += (4.0 + 8.0 + 4.0) * expected_synapses(spec, k) + 8.0 * (n_post + 1.0) + 8.0 * n_pre + 12.0 * n_post;
    }
  }
  const double input_bytes = options.mode == AccumulationMode::deterministic ? 8.0 : 4.0;
  for (size_t a = 0; a < spec.populations.size(); ++a) {
    const PopulationSpec& pop = spec.populations[a];
    const double n = static_cast<double>(pop.size);
    // A block's spike record, in each of the two record sets, and the step's spike lists (two, by parity).
    bytes += 2 * 8.0 * n * static_cast<double>(options.block_steps) + 8.0 * step_capacity(pop);
    if (pop.model == NeuronModel::poisson) {
      bytes += 16.0 * n;
    } else {
      const double channels = channel_count(spec, static_cast<int>(a));
      // V, the bound's count, the refractory count, the currents and their input rings
      const double ring = ring_slots(spec, static_cast<int>(a));
      bytes += (4.0 + 8.0 + 4.0) * n + channels * (4.0 + ring * input_bytes) * n;
    }
  }
  return bytes;
}

void check_gpu_support(const NetworkSpec& spec) {
  std::vector<int> traces(spec.populations.size(), 0);
  for (const ProjectionSpec& proj : spec.projections) {
    if (!proj.plasticity) continue;
    ++traces[proj.pre];
    ++traces[proj.post];
  }
  for (size_t a = 0; a < traces.size(); ++a) {
    if (traces[a] > cuda::kEligibilityTracesPerPopulation) {
      throw RuntimeProblem("the CUDA backend keeps at most " + std::to_string(cuda::kEligibilityTracesPerPopulation) +
                           " eligibility traces per population, and population " + spec.populations[a].name +
                           " needs " + std::to_string(traces[a]) +
                           " (one per plastic projection it sends or receives); use --backend cpu");
    }
  }
}

void check_device_memory(const NetworkSpec& spec, const BackendOptions& options) {
  size_t free_bytes = 0, total_bytes = 0;
  cuda_check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  // On several ranks each GPU holds about its share (every presynaptic row start and trace aside).
  const int ranks = options.ranks ? options.ranks->size() : 1;
  const double needed = estimate_device_bytes(spec, options) / ranks;
  if (needed > 0.95 * static_cast<double>(free_bytes)) {
    throw RuntimeProblem(std::string(ranks > 1 ? "this rank's share of the network" : "the network") +
                         " will not fit on the GPU: it needs about " + gib(needed) + ", and " +
                         cuda_device_description() + " has " + gib(static_cast<double>(free_bytes)) +
                         " free; reduce N or the connection probability");
  }
}

}  // namespace eisim
