// The CPU reference backend (docs/architecture.md, "Backends"): the model equations of
// include/eisim/model/ with event-driven delivery through presynaptic-major connectivity, on one
// thread (the GPU is the fast engine; this one is the reference). One file per part of the step,
// named as their mirrors in kernels/: setup, run, neuron_update, spike_delivery, plasticity, recording.
// On several ranks (docs/architecture.md, "Running on several ranks") each computes its slice of every
// population and the synapses onto it; the others' spikes arrive through the exchange.
#pragma once

#include <deque>
#include <utility>

#include "eisim/cluster/communicator.hpp"
#include "eisim/cluster/partition.hpp"
#include "eisim/cluster/rank_recording.hpp"
#include "eisim/engine/backend.hpp"
#include "eisim/engine/backend_setup.hpp"
#include "eisim/model/neuron.hpp"
#include "eisim/model/plasticity.hpp"

namespace eisim {

class CpuBackend : public Backend {
 public:
  // A plastic projection's weights, traces, and the postsynaptic-major index that lets a
  // postsynaptic spike reach its incoming synapses without scanning the matrix.
  struct Plastic {
    int projection;
    PlasticityConstants constants;
    std::vector<float> weight;        // per synapse of this rank, presynaptic-major
    PostsynapticIndex incoming;
    std::vector<float> y_pre;   // eligibility trace of every presynaptic neuron (each rank keeps all)
    std::vector<float> y_post;  // eligibility trace of this rank's postsynaptic neurons
  };
  // `ranks`: the ranks among which the network is divided, `net` holding this rank's share; null:
  // one process, `net` the whole network.
  CpuBackend(const NetworkSpec& spec, const Network& net, Communicator* ranks);
  BackendKind kind() const override { return BackendKind::cpu; }
  AccumulationMode mode() const override { return AccumulationMode::deterministic; }
  std::string device() const override;
  std::vector<float> weights(int projection) const override;
  std::vector<uint64_t> synapse_counts() const override;
  std::vector<ProjectionDelivery> projection_delivery() const override;
  std::vector<uint64_t> steps_at_lower_bound() const override;
  SampledSynapses sampled_synapses(int recording) const override;

 protected:
  void launch(int64_t first_step, int64_t count) override;
  void finish(BlockOutput& out) override;  // the CPU computes here

 private:
  // One synaptic current of a population: the input of one incoming projection.
  struct Channel {
    float decay;                // over a step (synaptic_decay)
    float gain;                 // its weight in the total input: 1, or exact integration's propagator
    std::vector<float> current;
    // Fixed-point jumps by the step they act at: a ring of the population's ring_slots steps,
    // input[(step mod slots) * n + neuron] (backend_setup.hpp).
    std::vector<int64_t> input;
  };
  // Where a population's spikes go.
  struct Outgoing {
    int projection;
    int post;
    int channel;
    uint32_t delay;         // steps, where every synapse has the same
    const uint16_t* delays;  // per synapse instead, or null
    int64_t jump_fixed;     // J / tau_syn in fixed point, for a static projection of one weight
    const float* weights;   // per-synapse weights instead (drawn or plastic), or null
    double fixed_scale;     // 2^32 / tau_syn: their jumps (weight_jump_fixed)
    const Plastic* plastic;  // null for a static projection
  };
  struct PopulationState {
    MembraneConstants constants;
    std::vector<float> V;
    std::vector<int32_t> refractory;  // steps left at V_re (only where constants.ref_steps > 0)
    int ring = 1;                     // slots of the channels' input rings
    std::vector<float> total_input;  // scratch: I_ext + sum of channels at t_n
    std::vector<uint8_t> crossed;    // scratch: threshold crossings of this step
    std::vector<Channel> channels;
    std::vector<Outgoing> outgoing;
    // Its Poisson input (the last channel), or none where poisson_count.max_count is 0.
    PoissonCount poisson_count{0.0, 1.0, 0};
    int64_t poisson_jump = 0;           // J / tau_syn in fixed point
    Slice slice;                        // this rank's neurons
    std::vector<uint32_t> spiking;      // this step's spikes on this rank, as indices into the slice
    std::vector<uint32_t> spiking_all;  // a delivered step's spikes on every rank, as indices into the population
    uint64_t steps_at_lower_bound = 0;  // neuron-steps whose V the lower bound V_lb held
    // Poisson populations: the next candidate spike time and how many candidates were drawn.
    std::vector<double> next_candidate_ms;
    std::vector<uint64_t> candidates;
  };

  void update_currents(PopulationState& pop, int index, int64_t step);
  void record_traces(int64_t step, BlockOutput& out) const;
  void update_membranes(PopulationState& pop, const PopulationSpec& spec);
  void emit_poisson(PopulationState& pop, int index, int64_t step);
  void deliver(const PopulationState& pre, int64_t step);
  void apply_plasticity(Plastic& p);
  void record_weights(int64_t step, BlockOutput& out);

  const NetworkSpec& spec_;
  const Network& net_;
  Communicator& ranks_;
  Partition partition_;
  std::vector<PopulationState> pops_;
  std::vector<Plastic> plastic_;         // one per plastic projection
  std::vector<int> plastic_of_projection_;  // -1 for static projections
  int64_t exchange_steps_ = 1;  // steps between exchanges of spikes (exchange_interval)
  std::vector<RankWeightSample> weight_samples_;  // one per weight recording
  std::vector<std::vector<__int128>> weight_sums_;  // per weight recording, this block's exact sums
  std::deque<std::pair<int64_t, int64_t>> started_;  // blocks (first step, steps) not yet collected
};

}  // namespace eisim
