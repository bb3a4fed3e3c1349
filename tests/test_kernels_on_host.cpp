// The CUDA backend's kernels (kernels/step_kernels.cuh), compiled as host code and launched by an
// emulator that follows kernels/cuda_backend.cu step for step, must reproduce the CPU backend bit
// for bit in deterministic mode. This checks the kernels' logic (indexing, trace layout, spike
// lists, fixed-point input) on machines without a GPU; the CUDA runtime side (graphs, copies) is
// checked by tests/test_cuda_equivalence.cpp where a GPU is present.
#include "cuda_host_shim.hpp"
// The shim must come first.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "../kernels/step_kernels.cuh"
#include "eisim/backend_setup.hpp"
#include "eisim/compare.hpp"
#include "eisim/random.hpp"
#include "test_support.hpp"

namespace eisim {
namespace {

// Host vectors in place of device buffers; otherwise what CudaBackend<Input> does.
template <typename Input>
class EmulatedGpu {
 public:
  EmulatedGpu(const NetworkSpec& spec, const Network& net, int64_t block) : spec_(spec), net_(net), block_(block) {
    const size_t n_pops = spec.populations.size();
    pops_.resize(n_pops);
    step_counts_.assign(n_pops, 0);
    record_counts_.assign(n_pops, 0);
    for (size_t a = 0; a < n_pops; ++a) {
      const PopulationSpec& pop = spec.populations[a];
      Pop& p = pops_[a];
      p.step_spikes.resize(pop.model == NeuronModel::poisson ? 2 * pop.size + 1024 : pop.size);
      p.record_neuron.resize(pop.size * block);
      p.record_step.resize(pop.size * block);
      if (pop.model == NeuronModel::poisson) {
        p.next = initial_poisson_candidates(spec, static_cast<int>(a));
        p.candidates.assign(pop.size, 0);
        continue;
      }
      p.V = initial_potentials(spec, static_cast<int>(a));
      for (int k : incoming_projections(spec, static_cast<int>(a))) {
        p.currents.emplace_back(pop.size, 0.0f);
        p.inputs.emplace_back(pop.size, Input(0));
        p.decays.push_back(synaptic_decay(spec.projections[k], spec.simulation.dt_ms));
      }
      for (auto& c : p.currents) p.current_pointers.push_back(c.data());
      for (auto& i : p.inputs) p.input_pointers.push_back(i.data());
    }
    std::vector<int> channels(n_pops, 0);
    for (const ProjectionSpec& proj : spec.projections) channel_.push_back(channels[proj.post]++);
    for (size_t t = 0; t < spec.recording.traces.size(); ++t) {
      const TraceSpec& trace = spec.recording.traces[t];
      Pop& p = pops_[trace.population];
      p.trace = static_cast<int>(t);
      p.trace_slot.assign(spec.populations[trace.population].size, -1);
      for (size_t s = 0; s < trace.neurons.size(); ++s) p.trace_slot[trace.neurons[s]] = static_cast<int32_t>(s);
      p.trace_buffer.resize((block / trace.every_steps + 1) * trace.neurons.size() * (1 + p.currents.size()));
    }
  }

  void advance(int64_t first, int64_t count, BlockOutput& out) {
    const double dt = spec_.simulation.dt_ms;
    std::fill(record_counts_.begin(), record_counts_.end(), 0);
    for (size_t a = 0; a < pops_.size(); ++a) {
      const PopulationSpec& pop = spec_.populations[a];
      if (pop.model == NeuronModel::poisson) {
        pops_[a].acceptance = poisson_acceptance(pop, dt, first, count);
      } else {
        pops_[a].external = external_current(pop, dt, first, count);
      }
    }
    cuda::StepClock clock{first, first};
    for (int64_t s = 0; s < count; ++s) step(clock);
    for (size_t a = 0; a < pops_.size(); ++a) {
      ASSERT_EQ(overflow_, 0u);
      std::vector<uint64_t> keys;
      for (size_t r = 0; r < record_counts_[a]; ++r) {
        keys.push_back((static_cast<uint64_t>(pops_[a].record_step[r]) << 32) | pops_[a].record_neuron[r]);
      }
      std::sort(keys.begin(), keys.end());
      for (uint64_t key : keys) {
        out.spikes[a].step.push_back(first + static_cast<int64_t>(key >> 32));
        out.spikes[a].neuron.push_back(static_cast<uint32_t>(key & 0xFFFFFFFFu));
      }
    }
    for (size_t t = 0; t < spec_.recording.traces.size(); ++t) {
      const TraceSpec& trace = spec_.recording.traces[t];
      const int64_t first_sample = (first + trace.every_steps - 1) / trace.every_steps;
      const int64_t last_sample = (first + count - 1) / trace.every_steps;
      const Pop& p = pops_[trace.population];
      const size_t width = trace.neurons.size() * (1 + p.currents.size());
      for (int64_t s = first_sample; s <= last_sample; ++s) {
        out.traces[t].step.push_back(s * trace.every_steps);
        const float* row = p.trace_buffer.data() + (s - first_sample) * width;
        out.traces[t].values.insert(out.traces[t].values.end(), row, row + width);
      }
    }
  }

 private:
  struct Pop {
    std::vector<float> V;
    std::vector<std::vector<float>> currents;
    std::vector<std::vector<Input>> inputs;
    std::vector<float*> current_pointers;
    std::vector<Input*> input_pointers;
    std::vector<float> decays, external, trace_buffer;
    std::vector<double> next, acceptance;
    std::vector<unsigned long long> candidates;
    std::vector<int32_t> trace_slot;
    int trace = -1;
    std::vector<uint32_t> step_spikes, record_neuron;
    std::vector<int32_t> record_step;
  };

  cuda::SpikeSink sink(size_t a) {
    Pop& p = pops_[a];
    return cuda::SpikeSink{p.step_spikes.data(), &step_counts_[a], static_cast<unsigned int>(p.step_spikes.size()),
                           p.record_neuron.data(), p.record_step.data(), &record_counts_[a], p.record_neuron.size(),
                           &overflow_};
  }

  void step(cuda::StepClock& clock) {
    for (size_t a = 0; a < pops_.size(); ++a) {
      const PopulationSpec& pop = spec_.populations[a];
      Pop& p = pops_[a];
      const unsigned int blocks = static_cast<unsigned int>((pop.size + 255) / 256);
      if (pop.model == NeuronModel::poisson) {
        const cuda::PoissonView view{static_cast<int>(pop.size), spec_.simulation.seed,
                                     random_stream(RandomPurpose::poisson, static_cast<uint32_t>(a)),
                                     spec_.simulation.dt_ms, pop.rate.max_hz() / 1000.0, p.next.data(),
                                     p.candidates.data(), p.acceptance.data()};
        emulate_launch(blocks, 256, cuda::emit_poisson, view, sink(a), static_cast<const cuda::StepClock*>(&clock));
        continue;
      }
      const TraceSpec* trace = p.trace >= 0 ? &spec_.recording.traces[p.trace] : nullptr;
      const cuda::MembraneView<Input> view{pop.model,
                                           static_cast<int>(pop.size),
                                           membrane_constants(pop.membrane, spec_.simulation.dt_ms),
                                           p.V.data(),
                                           static_cast<int>(p.currents.size()),
                                           p.current_pointers.data(),
                                           p.input_pointers.data(),
                                           p.decays.data(),
                                           p.external.data(),
                                           trace ? p.trace_slot.data() : nullptr,
                                           trace ? static_cast<int>(trace->neurons.size()) : 0,
                                           trace ? trace->every_steps : 1,
                                           trace ? p.trace_buffer.data() : nullptr};
      emulate_launch(blocks, 256, cuda::update_membranes<Input>, view, sink(a),
                     static_cast<const cuda::StepClock*>(&clock));
    }
    for (size_t k = 0; k < spec_.projections.size(); ++k) {
      const ProjectionSpec& proj = spec_.projections[k];
      const Connectivity& c = net_.projections[k];
      const Input jump = std::is_same_v<Input, float> ? static_cast<Input>(jump_float(proj))
                                                      : static_cast<Input>(jump_fixed(proj));
      const cuda::DeliveryView<Input> view{pops_[proj.pre].step_spikes.data(), &step_counts_[proj.pre],
                                           static_cast<unsigned int>(pops_[proj.pre].step_spikes.size()),
                                           reinterpret_cast<const unsigned long long*>(c.row_start.data()),
                                           c.targets.data(), pops_[proj.post].input_pointers[channel_[k]], jump};
      emulate_launch(7, 32, cuda::deliver_spikes<Input>, view);
    }
    emulate_launch(1, 32, cuda::finish_step, step_counts_.data(), static_cast<int>(pops_.size()), &clock);
  }

  const NetworkSpec& spec_;
  const Network& net_;
  int64_t block_;
  std::vector<Pop> pops_;
  std::vector<int> channel_;
  std::vector<unsigned int> step_counts_;
  std::vector<unsigned long long> record_counts_;
  unsigned int overflow_ = 0;
};

template <typename Input>
RecordedRun run_emulated(const NetworkSpec& spec) {
  const Network net = build_network(spec, 1);
  const int64_t block = 97;  // not a multiple of the trace intervals, to exercise the sample indexing
  EmulatedGpu<Input> gpu(spec, net, block);
  RecordedRun run;
  run.spikes.resize(spec.populations.size());
  run.traces.resize(spec.recording.traces.size());
  for (int64_t first = 0; first < spec.simulation.n_steps(); first += block) {
    BlockOutput out;
    out.reset(spec);
    gpu.advance(first, std::min(block, spec.simulation.n_steps() - first), out);
    for (size_t a = 0; a < out.spikes.size(); ++a) {
      run.spikes[a].step.insert(run.spikes[a].step.end(), out.spikes[a].step.begin(), out.spikes[a].step.end());
      run.spikes[a].neuron.insert(run.spikes[a].neuron.end(), out.spikes[a].neuron.begin(), out.spikes[a].neuron.end());
    }
    for (size_t t = 0; t < out.traces.size(); ++t) {
      run.traces[t].step.insert(run.traces[t].step.end(), out.traces[t].step.begin(), out.traces[t].step.end());
      run.traces[t].values.insert(run.traces[t].values.end(), out.traces[t].values.begin(), out.traces[t].values.end());
    }
  }
  return run;
}

TEST(KernelsOnHost, DeterministicKernelsReproduceTheCpuBackendForEveryConfig) {
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_path("configs"))) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const NetworkSpec spec = load_network_spec(entry.path().string(), {"simulation.T=234.5", "simulation.burn_in=0"});
    if (std::any_of(spec.projections.begin(), spec.projections.end(),
                    [](const ProjectionSpec& p) { return p.plasticity.has_value(); })) {
      continue;  // plasticity has no kernels yet
    }
    const RecordedRun cpu = test_support::run_collecting(spec);
    const RecordedRun gpu = run_emulated<cuda::FixedInput>(spec);
    const SpikeTrainDifference d = first_difference(spec, cpu, gpu);
    EXPECT_TRUE(d.identical) << d.detail;
    for (size_t t = 0; t < cpu.traces.size(); ++t) {
      EXPECT_EQ(cpu.traces[t].step, gpu.traces[t].step);
      ASSERT_EQ(cpu.traces[t].values.size(), gpu.traces[t].values.size());
      EXPECT_EQ(0, std::memcmp(cpu.traces[t].values.data(), gpu.traces[t].values.data(),
                               cpu.traces[t].values.size() * sizeof(float)));
    }
  }
}

TEST(KernelsOnHost, FastKernelsGiveTheSameRates) {
  const NetworkSpec spec = load_network_spec(test_support::source_path("configs/balanced_eif.json"), {"N=2000"});
  const RecordedRun cpu = test_support::run_collecting(spec);
  const RecordedRun gpu = run_emulated<float>(spec);
  for (size_t a = 0; a < 2; ++a) {
    const double ratio = static_cast<double>(gpu.spikes[a].step.size()) / static_cast<double>(cpu.spikes[a].step.size());
    EXPECT_NEAR(ratio, 1.0, 0.05) << spec.populations[a].name;
  }
}

}  // namespace
}  // namespace eisim
