// CUDA backend: one thread per neuron updates its synaptic currents, membrane or Poisson source, and
// eligibility traces, one step (docs/architecture.md, "Backends"); the same launch runs the previous
// step's postsynaptic plasticity in blocks of its own. Mirrors src/cpu/neuron_update.cpp; the
// equations are those of include/eisim/model/. Launched through kernels/kernel_launch.hpp, so
// tests/emulated_gpu can also run it as host code.
#pragma once

#include "eisim/model/neuron.hpp"
#include "eisim/model/plasticity.hpp"
#include "eisim/model/poisson.hpp"
#include "eisim/model/synapse.hpp"
#include "kernels/plasticity.cuh"
#include "kernels/views.cuh"

namespace eisim::cuda {

__device__ __forceinline__ void append_spike(const SpikeSink& sink, int parity, uint32_t neuron, int local_step) {
  const unsigned int slot = atomicAdd(sink.list.count + parity, 1u);
  if (slot < sink.list.capacity) {
    sink.list.spikes[static_cast<size_t>(parity) * sink.list.capacity + slot] = neuron;
  } else {
    atomicOr(sink.overflow, 1u);
  }
  const unsigned long long record = atomicAdd(sink.record_count, 1ull);
  if (record < sink.record_capacity) {
    sink.record_key[record] = static_cast<unsigned long long>(local_step) << 32 | neuron;
  }  // the host sees record_count > record_capacity and stops the run
}

// Returns whether the neuron spiked. kGeneral: the population has a refractory period, exact
// integration or a Poisson input (a kernel of its own, so that the book's models keep their registers).
template <bool kGeneral, typename Input>
__device__ __forceinline__ bool update_membrane(const MembraneView<Input>& p, const SpikeSink& sink, int j, int n,
                                                long long step, int s) {
  // Every load is issued before the first store, up to kChannelsAtOnce channels at a time: a load
  // after a store that might alias it waits for the one before, and each wait is a trip to memory.
  constexpr int kChannelsAtOnce = kGeneral ? 2 : 3;  // the refractory count and the gains take registers too
  // The Poisson input's jumps of this step, for the last channel (general kernel only):
  // drawn first, while little else holds registers.
  Input poisson = Input(0);
  int poisson_channel = -1;
  if constexpr (kGeneral) {
    if (p.poisson_input) {
      const PoissonInputView<Input> in = *p.poisson_input;
      poisson_channel = p.channels - 1;
      poisson = Input(poisson_count(in.count, in.seed, in.stream, in.first_key + static_cast<uint32_t>(j),
                                    static_cast<uint64_t>(step))) * in.jump;
    }
  }
  float V = p.V[j];
  const int sample = p.trace_sample ? p.trace_sample[s] : -1;
  // Currents at t_n: decay, plus the jumps of the last step's spikes (same order as the CPU's sum).
  // Exact integration weighs each input by its gain over the step (lif_exact); Euler's are all 1.
  float total = kGeneral ? p.external[s] * p.c.external_gain : p.external[s];
  const int slot = p.ring > 1 ? p.ring_slot[s] : 0;  // this step's input
  Input* const inputs = p.inputs + static_cast<size_t>(slot) * n;
  const size_t channel_stride = static_cast<size_t>(p.ring) * n;
  for (int first = 0; first < p.channels; first += kChannelsAtOnce) {
    float I[kChannelsAtOnce], decay[kChannelsAtOnce];
    Input input[kChannelsAtOnce];
    for (int q = 0; q < kChannelsAtOnce; ++q) {
      if (first + q < p.channels) {
        I[q] = p.currents[static_cast<size_t>(first + q) * n + j];
        input[q] = inputs[(first + q) * channel_stride + j];
        decay[q] = p.decays[first + q];
      }
    }
    for (int q = 0; q < kChannelsAtOnce; ++q) {
      if (first + q < p.channels) {
        if (kGeneral && first + q == poisson_channel) input[q] += poisson;
        I[q] = channel_step(I[q], decay[q], input[q]);
        inputs[(first + q) * channel_stride + j] = Input(0);
        p.currents[static_cast<size_t>(first + q) * n + j] = I[q];
        total += kGeneral ? I[q] * p.gains[first + q] : I[q];
      }
    }
  }
  if (sample >= 0 && p.trace_slot[j] >= 0) {
    float* out = p.trace_buffer + (static_cast<size_t>(sample) * p.trace_neurons + p.trace_slot[j]) * (1 + p.channels);
    out[0] = V;
    for (int ch = 0; ch < p.channels; ++ch) out[1 + ch] = p.currents[static_cast<size_t>(ch) * n + j];
  }
  if (p.model == NeuronModel::leaky_integrator) {
    p.V[j] = leaky_euler(V, total, p.c);
    return false;
  }
  bool bounded, spiked;
  if constexpr (kGeneral) {
    const float stepped = any_integrate_and_fire_step(p.model, V, total, p.c, bounded, spiked);
    if (p.refractory) {
      int32_t refractory = p.refractory[j];
      V = refractory_hold(V, stepped, p.c, refractory, bounded, spiked);
      p.refractory[j] = refractory;
    } else {
      V = stepped;
    }
  } else {
    V = integrate_and_fire_step(p.model, V, total, p.c, bounded, spiked);
  }
  if (bounded) p.at_bound[j] += 1;  // rare where the network is healthy: no traffic then
  if (spiked) append_spike(sink, parity_of(step), static_cast<uint32_t>(j), s);
  p.V[j] = V;
  return spiked;
}

__device__ __forceinline__ void emit_poisson(const PoissonView& p, const SpikeSink& sink, int j, long long step, int s) {
  const double step_end = static_cast<double>(step + 1) * p.dt;
  PoissonNeuron neuron{p.next_candidate_ms[j], 0};
  if (!(neuron.next_candidate_ms < step_end)) return;  // most steps: no candidate, nothing to store
  neuron.candidates = p.candidates[j];
  poisson_advance(neuron, p.seed, p.stream, p.first_key + static_cast<uint32_t>(j), step_end, p.acceptance[s], p.max_per_ms,
                  [&] { append_spike(sink, parity_of(step), static_cast<uint32_t>(j), s); });
  p.next_candidate_ms[j] = neuron.next_candidate_ms;
  p.candidates[j] = neuron.candidates;
}

// One thread per neuron of a group of populations, after the blocks that run the previous step's
// postsynaptic updates: those touch only weights and read step n-1's presynaptic traces, which
// nothing here writes, so they overlap the neuron update instead of taking a launch of their own.
// Four blocks per SM: ptxas fits the kernel in 64 registers without spills (79 unbounded). The general
// kernel (refractory period, exact integration, Poisson input: its Philox draws) gets three, 80
// registers and an 8-byte spill.
template <typename Input, bool kGeneral>
static __global__ void __launch_bounds__(kNeuronThreads, kGeneral ? 3 : 4)
    update_neurons(const __grid_constant__ PopulationGroup<Input> group, const __grid_constant__ PostsynapticGroup columns,
                   const BlockClock* clock, int s) {
  const long long step = step_of(clock, s);
  if (blockIdx.x < columns.blocks) {
    for (int k = 0; k < columns.count; ++k) {
      const PlasticView v = columns.views[k];  // a copy, read once (see below)
      update_columns(v, 1 - parity_of(step), blockIdx.x, columns.blocks);
    }
    return;
  }
  // Unsigned: with up to 2^31 - 1 neurons, the last block's spare threads pass INT_MAX.
  const unsigned int g = (blockIdx.x - columns.blocks) * blockDim.x + threadIdx.x;
  if (g >= static_cast<unsigned int>(group.neurons)) return;
  int a = 0;
  while (a + 1 < group.count && g >= static_cast<unsigned int>(group.pops[a + 1].first)) ++a;
  // A copy, read once: fields read through the parameter's address wait on memory each time,
  // again after every store (ncu on an H100: 96% of the time stalled on such loads).
  const PopulationView<Input> p = group.pops[a];
  const int j = static_cast<int>(g - static_cast<unsigned int>(p.first));
  bool spiked = false;
  if (p.poisson) {
    emit_poisson(p.source, p.sink, j, step, s);  // plasticity needs membranes on both sides: no traces
  } else {
    spiked = update_membrane<kGeneral>(p.membrane, p.sink, j, p.n, step, s);
  }
  // Read only now, and only where there are traces: held from the start they would spill.
  const EligibilityTraces& eligibility = group.pops[a].eligibility;
  const size_t now = static_cast<size_t>(parity_of(step)) * p.n, before = static_cast<size_t>(p.n) - now;
  for (int e = 0; e < kEligibilityTracesPerPopulation; ++e) {
    if (e < p.eligibility.count) {
      float* y = eligibility.y[e];
      const float decayed = trace_decayed(y[before + j], eligibility.decay[e]);
      if (eligibility.decayed[e]) eligibility.decayed[e][j] = decayed;
      y[now + j] = spiked ? trace_after_spike(decayed, eligibility.jump[e]) : decayed;
    }
  }
}

}  // namespace eisim::cuda
